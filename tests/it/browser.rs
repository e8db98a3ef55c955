//! In a real headless Chromium: a commune official logs a case on a phone,
//! makes a mistake first; the district and the city see the new figure; the
//! English switch works. Screenshots of every page go to target/screenshots.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{PASSWORD, TestApp};
use fantoccini::{Client, ClientBuilder, Locator};
use sqlx::PgPool;

/// chromedriver, stopped when dropped.
pub(crate) struct Driver {
    child: Child,
    pub(crate) port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts chromedriver and waits until it accepts connections.
pub(crate) fn driver() -> Driver {
    let port = free_port();
    let child =
        Command::new(std::env::var("VX_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (Debian package chromium-driver; make test installs it)");
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Driver { child, port }
}

pub(crate) async fn browser(d: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    // A profile of its own: a second browser of one driver starts signed out.
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let profile =
        std::env::temp_dir().join(format!("vx-chrome-{}-{}-{n}", std::process::id(), d.port));
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": std::env::var("VX_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run", "--disable-quic", "--lang=vi",
                     format!("--user-data-dir={}", profile.display())]
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", d.port))
        .await
        .expect("a browser session")
}

/// Serves the app on a real socket for the browser.
pub(crate) async fn serve(t: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = t
        .app
        .clone()
        .into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

async fn open_menu(c: &Client) {
    let button = c.find(Locator::Css(".menu-button")).await.unwrap();
    let nav = c.find(Locator::Css("nav.menu")).await.unwrap();
    if button.is_displayed().await.unwrap() && !nav.is_displayed().await.unwrap() {
        button.click().await.unwrap();
    }
}

/// A page of `width`×`height`: the window's frame takes some height, so the
/// window is grown by that much.
async fn screen(c: &Client, width: u32, height: u32) {
    let inner = c
        .execute("return window.innerHeight", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap() as u32;
    c.set_window_size(width, height + (height - inner.min(height)))
        .await
        .unwrap();
}

/// Whether the page is wider than the window (something must scroll sideways).
async fn overflows(c: &Client) -> bool {
    c.execute(
        "return document.documentElement.scrollWidth > window.innerWidth",
        vec![],
    )
    .await
    .unwrap()
    .as_bool()
    .unwrap()
}

pub(crate) async fn shot(c: &Client, name: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

pub(crate) async fn text(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("no {css}"))
        .text()
        .await
        .unwrap()
}

pub(crate) async fn fill(c: &Client, name: &str, value: &str) {
    let el = c
        .find(Locator::Css(&format!("[name='{name}']")))
        .await
        .unwrap();
    el.clear().await.unwrap();
    el.send_keys(value).await.unwrap();
}

pub(crate) async fn sign_in(c: &Client, base: &str, username: &str) {
    c.goto(&format!("{base}/sign-in")).await.unwrap();
    fill(c, "username", username).await;
    fill(c, "password", PASSWORD).await;
    c.find(Locator::Css("form[action='/sign-in'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Css("#board")).await.unwrap();
}

/// Opens the menu where it is folded (a phone), then signs out.
async fn sign_out(c: &Client) {
    open_menu(c).await;
    c.find(Locator::Css("form[action='/sign-out'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("form[action='/sign-in']"))
        .await
        .unwrap();
}

#[sqlx::test]
async fn a_case_logged_on_a_phone_reaches_the_district_and_the_city_screens(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("lienninh", "commune", "00682").await;
    t.user("thanhtri", "district", "020").await;
    t.user("thanhpho", "city", "01").await;
    let base = serve(&t).await;
    let d = driver();
    let c = browser(&d).await;

    // A commune official on a phone-sized screen.
    c.set_window_size(390, 844).await.unwrap();
    sign_in(&c, &base, "lienninh").await;
    shot(&c, "01-commune-dashboard-phone").await;
    c.goto(&format!("{base}/cases/new")).await.unwrap();
    // First with mistakes: a malformed code and no place of detection.
    fill(&c, "case_code", "BN 12#").await;
    fill(&c, "village", "Thôn Thọ Am").await;
    c.find(Locator::Css("#save"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("#form-error"))
        .await
        .unwrap();
    shot(&c, "02-case-form-with-errors").await;
    assert_eq!(
        text(&c, "#e-case_code").await,
        "Mã ca bệnh gồm chữ in hoa và số, ví dụ BN123456."
    );
    assert_eq!(text(&c, "#e-detected_in").await, "Không được để trống.");
    let kept = c
        .find(Locator::Css("[name='village']"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("Thôn Thọ Am"), "the input is kept");
    // Then right.
    fill(&c, "case_code", "BN123456").await;
    c.find(Locator::Css("select[name='detected_in']"))
        .await
        .unwrap()
        .select_by_value("community")
        .await
        .unwrap();
    c.find(Locator::Css("#save"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css(".details"))
        .await
        .unwrap();
    shot(&c, "03-case-saved").await;
    assert!(c.source().await.unwrap().contains("BN123456"));
    // The menu is one line on a phone and unfolds on demand.
    let header = c.find(Locator::Css("header.top")).await.unwrap();
    let height = header.rectangle().await.unwrap().3;
    assert!(
        height < 80.0,
        "the header takes {height} px of a phone screen"
    );
    assert!(
        !c.find(Locator::Css("a[href='/cases']"))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap()
    );
    open_menu(&c).await;
    // The menu's groups open on a tap: "Số liệu" holds the cases.
    c.find(Locator::Css("nav.menu details.group > summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(
        c.find(Locator::Css("a[href='/cases']"))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap()
    );
    shot(&c, "03b-menu-open-phone").await;
    // No page is wider than a phone.
    for (path, name) in [
        ("/areas/00682", ""),
        ("/cases", "03c-cases-phone"),
        ("/cases/new", "03d-new-case-phone"),
        ("/clusters", ""),
        ("/sites", ""),
        ("/checkpoints", ""),
        ("/directives", ""),
        ("/daily", "03e-daily-phone"),
        ("/audit", "03f-audit-phone"),
    ] {
        c.goto(&format!("{base}{path}")).await.unwrap();
        assert!(!overflows(&c).await, "{path} is wider than a 390 px phone");
        // A list is a stack of cards: none taller than a quarter of the
        // screen, each one link, and the filters folded until asked for.
        let cards = c
            .execute(
                "const rows = [...document.querySelectorAll('table.records tbody tr')];
                 const filters = document.querySelector('details.fold form');
                 return [window.innerHeight, rows.length,
                         Math.max(0, ...rows.map(r => r.getBoundingClientRect().height)),
                         rows.every(r => { const a = r.querySelector('td:first-child a');
                                           if (!a) return true;
                                           r.scrollIntoView({block: 'center'});
                                           const b = r.getBoundingClientRect();
                                           const hit = document.elementFromPoint(b.right - 8, b.bottom - 8);
                                           return hit === a; }),
                         filters !== null && filters.checkVisibility()];",
                vec![],
            )
            .await
            .unwrap();
        let (screen, rows, tallest) = (
            cards[0].as_f64().unwrap(),
            cards[1].as_u64().unwrap(),
            cards[2].as_f64().unwrap(),
        );
        assert!(
            tallest <= screen / 4.0,
            "{path}: a card {tallest} px tall on a {screen} px screen"
        );
        assert_eq!(cards[3], true, "{path}: a card's corner opens its record");
        assert_eq!(cards[4], false, "{path}: the filters are folded on a phone");
        c.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
        if path == "/cases" {
            assert!(rows >= 1, "the case logged above is listed");
        }
        if !name.is_empty() {
            shot(&c, name).await;
        }
    }
    sign_out(&c).await;

    // The district chair at a desk: a screen of 1440×900.
    c.set_window_size(1440, 900).await.unwrap();
    sign_in(&c, &base, "thanhtri").await;
    screen(&c, 1440, 900).await;
    assert!(
        text(&c, "tr[data-code='00682'] td:nth-child(3)")
            .await
            .starts_with("1 ▲ 1"),
        "new today in Xã Liên Ninh, one more than yesterday"
    );
    assert_eq!(text(&c, "#f0-new-today").await, "1");
    // What decides is on the first screen: the four figures, the map, what
    // is rising and what is overdue; the menu on one line, its groups closed.
    let fold = c
        .execute(
            "const below = s => document.querySelector(s).getBoundingClientRect().bottom > window.innerHeight;
             return [below('#f0-new-7d'), below('#tiles, #map'), below('#rising'), below('#overdue'),
                     document.querySelector('header.top').getBoundingClientRect().height];",
            vec![],
        )
        .await
        .unwrap();
    for (i, what) in ["F0 of 7 days", "the map", "rising fastest", "overdue"]
        .iter()
        .enumerate()
    {
        assert_eq!(
            fold[i], false,
            "{what} is below the first screen at 1440×900"
        );
    }
    assert!(
        fold[4].as_f64().unwrap() < 70.0,
        "the menu stands on one line"
    );
    let tiers_fit = c
        .execute(
            "const t = document.querySelector('#tiers'); return t.scrollWidth <= t.clientWidth + 1;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        tiers_fit, true,
        "the treatment panel shows its last column whole"
    );
    assert!(
        !c.find(Locator::Css("a[href='/directives']"))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap()
    );
    // A group opens from the keyboard: focus its name, press Enter.
    let direction = c
        .find(Locator::XPath(
            "//nav//summary[normalize-space()='Chỉ đạo']",
        ))
        .await
        .unwrap();
    direction.send_keys("\u{E007}").await.unwrap();
    assert!(
        c.find(Locator::Css("a[href='/directives']"))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap()
    );
    shot(&c, "04-district-dashboard").await;
    sign_out(&c).await;

    // The city's wall screen.
    c.set_window_size(1920, 1080).await.unwrap();
    sign_in(&c, &base, "thanhpho").await;
    assert!(
        text(&c, "tr[data-code='020'] td:nth-child(3)")
            .await
            .starts_with("1 ▲ 1"),
        "new today in Huyện Thanh Trì"
    );
    assert!(
        text(&c, "#red-share")
            .await
            .contains("1/579 phường/xã vùng đỏ")
    );
    shot(&c, "05-city-wall-screen").await;

    // And in English.
    c.find(Locator::Css("#switch-lang"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("html[lang='en']"))
        .await
        .unwrap();
    assert!(text(&c, "#red-share").await.contains("1/579 communes red"));
    assert!(c.source().await.unwrap().contains("Sign out"));
    shot(&c, "06-city-wall-screen-english").await;
    c.close().await.unwrap();
}

/// What on the page reaches past the window across (and down, when `down`),
/// named, or none. Boxes that scroll inside themselves (`.scroll`, `.map`)
/// are not looked into.
async fn spills(c: &Client, down: bool) -> Option<String> {
    c.execute(
        "const down = arguments[0]; const d = document.documentElement; \
         const H = down ? window.innerHeight : Infinity; \
         if (d.scrollHeight > H || d.scrollWidth > window.innerWidth) \
           return 'page ' + d.scrollWidth + 'x' + d.scrollHeight + ' in ' + window.innerWidth + 'x' + window.innerHeight; \
         for (const e of document.querySelectorAll('main *')) { \
           if (e.closest('.scroll, .map') && !e.matches('.scroll, .map')) continue; \
           const r = e.getBoundingClientRect(); \
           if (r.width > 0 && (r.bottom > H + 1 || r.right > window.innerWidth + 1)) \
             return e.tagName + '.' + e.className + ' ends at ' + r.right + ',' + r.bottom; } \
         return null;",
        vec![serde_json::json!(down)],
    )
    .await
    .unwrap()
    .as_str()
    .map(str::to_string)
}

#[sqlx::test]
async fn the_dashboards_read_at_a_glance_on_a_wall_a_desk_and_a_phone(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("thanhpho", "city", "01").await;
    t.user("thanhtri", "district", "020").await;
    // A plausible epidemic, and commune populations so levels exist.
    vungxanh::storage::synth::generate(
        &t.db,
        "01",
        &vungxanh::storage::synth::Scale {
            cases: 4000,
            days: 60,
            sites: 40,
            checkpoints: 40,
            directives: 10,
            report_days: 7,
            contacts_per_case: 0,
            seed: 11,
        },
        t.clock.today(),
    )
    .await
    .unwrap();
    vungxanh::storage::areas::estimate_commune_populations(
        &t.db,
        &vungxanh::storage::audit::Actor::system("test"),
        t.clock.now(),
        "01",
    )
    .await
    .unwrap();
    let base = serve(&t).await;
    let d = driver();
    let c = browser(&d).await;

    // The city's wall: one 1920×1080 screen, nothing past its edges.
    c.set_window_size(1920, 1080).await.unwrap();
    sign_in(&c, &base, "thanhpho").await;
    c.goto(&format!("{base}/areas/01/wall")).await.unwrap();
    screen(&c, 1920, 1080).await;
    let size = c
        .execute("return [window.innerWidth, window.innerHeight]", vec![])
        .await
        .unwrap();
    assert_eq!(size, serde_json::json!([1920, 1080]), "a full HD screen");
    assert_eq!(
        spills(&c, true).await,
        None,
        "the wall view must fit without scrolling"
    );
    assert!(text(&c, "#updated").await.starts_with("Cập nhật lúc 09:00"));
    assert!(text(&c, "#zone-level").await.starts_with("Cấp"));
    assert!(
        text(&c, "#red-share")
            .await
            .contains("/579 phường/xã vùng đỏ")
    );
    let tiles = c.find_all(Locator::Css("svg.tilemap a")).await.unwrap();
    assert_eq!(tiles.len(), 30);
    assert!(
        !c.find_all(Locator::Css("#rising li"))
            .await
            .unwrap()
            .is_empty()
    );
    shot(&c, "07-city-wall-view").await;
    // A tile opens its district.
    c.find(Locator::Css("svg.tilemap a[href='/areas/020']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("tr[data-code='00682']"))
        .await
        .unwrap();
    assert!(
        c.current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/areas/020")
    );
    // The district's wall fits too, its communes as a sorted grid.
    c.goto(&format!("{base}/areas/020/wall")).await.unwrap();
    assert_eq!(
        spills(&c, true).await,
        None,
        "the district's wall view must fit"
    );
    shot(&c, "08-district-wall-view").await;

    // The city at a desk: worst first, arrows with words, a legend.
    c.set_window_size(1440, 900).await.unwrap();
    c.goto(&format!("{base}/areas/01")).await.unwrap();
    assert!(!overflows(&c).await);
    assert!(text(&c, "#sorted-worse").await.contains("xấu đi"));
    let first = text(&c, "#children tbody tr:first-child td.week").await;
    assert!(first.contains('▲') || first.contains('='), "{first}");
    assert!(
        text(&c, ".legend")
            .await
            .contains("Cấp 4 — nguy cơ rất cao (đỏ)")
    );
    let y_labels = c
        .find_all(Locator::Css("svg.curve.c-wide .axis.y"))
        .await
        .unwrap();
    assert_eq!(y_labels.len(), 5, "the curve shows its values");
    shot(&c, "09-city-desk").await;
    sign_out(&c).await;

    // The district chair on a phone: nothing wider than the screen but the
    // map and the table, which scroll inside their boxes.
    c.set_window_size(390, 844).await.unwrap();
    sign_in(&c, &base, "thanhtri").await;
    for (path, name) in [
        ("/areas/020", "10-district-phone"),
        ("/areas/00682", "11-commune-phone"),
    ] {
        c.goto(&format!("{base}{path}")).await.unwrap();
        assert_eq!(spills(&c, false).await, None, "{path} on a 390 px phone");
        let phone_curve = c
            .find(Locator::Css("svg.curve.c-phone"))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap();
        assert!(phone_curve, "the phone gets the curve drawn for it");
        shot(&c, name).await;
    }
    c.close().await.unwrap();
}

/// The seeds' chain in a browser: the city reads 17 with the Party
/// Committee's 428 under it; Nam Từ Liêm assigns a task of 1862 to a ward;
/// the ward finds it on its home screen and reports it done; the district's
/// page names the unit still behind.
#[sqlx::test]
async fn a_directive_followed_from_the_city_to_a_district_task_and_a_wards_report(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("thanhpho", "city", "01").await;
    t.user("namtuliem", "district", "019").await;
    t.user("caudien", "commune", "00592").await;
    let actor = vungxanh::storage::audit::Actor::system("demo");
    vungxanh::storage::seed_chain::load(&t.db, &actor)
        .await
        .unwrap();
    // The day after 1862's deadline.
    t.clock
        .set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2021, 8, 7, 2, 0, 0).unwrap());
    let id = |n: &str| {
        let db = t.db.clone();
        let n = n.to_string();
        async move {
            sqlx::query_scalar::<_, i64>("select id from directives where number = $1")
                .bind(n)
                .fetch_one(&db)
                .await
                .unwrap()
        }
    };
    let (d17, d1862) = (id("17/CT-UBND").await, id("1862/UBND").await);
    let base = serve(&t).await;
    let d = driver();
    let c = browser(&d).await;
    c.set_window_size(1366, 900).await.unwrap();

    sign_in(&c, &base, "thanhpho").await;
    c.goto(&format!("{base}/directives/{d17}")).await.unwrap();
    let tree = text(&c, "#cascade").await;
    assert!(tree.contains("428-TB/TU — Thành ủy Hà Nội"), "{tree}");
    shot(&c, "chain-01-city-directive-17").await;
    sign_out(&c).await;

    sign_in(&c, &base, "namtuliem").await;
    c.goto(&format!("{base}/directives/{d1862}")).await.unwrap();
    assert!(text(&c, "#citations").await.contains("2434/UBND-KGVX"));
    assert!(
        text(&c, "#tasks")
            .await
            .contains("Công an quận Nam Từ Liêm")
    );
    c.find(Locator::Css(&format!(
        "a[href='/tasks/new?directive_id={d1862}']"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.wait()
        .for_element(Locator::Css("select[name='assignee']"))
        .await
        .unwrap();
    c.find(Locator::Css("select[name='assignee']"))
        .await
        .unwrap()
        .select_by_value("a:00592")
        .await
        .unwrap();
    fill(&c, "what", "Rà soát giấy đi đường tại chợ Cầu Diễn").await;
    fill(&c, "due_on", "08/08/2021").await;
    shot(&c, "chain-02-district-assigns-a-task").await;
    c.find(Locator::Css("#save"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("#task-reports"))
        .await
        .unwrap();
    sign_out(&c).await;

    // The ward on a phone: its home lists the task; it reports it done.
    c.set_window_size(390, 844).await.unwrap();
    sign_in(&c, &base, "caudien").await;
    let open = text(&c, "#open-tasks").await;
    assert!(
        open.contains("Rà soát giấy đi đường tại chợ Cầu Diễn"),
        "{open}"
    );
    shot(&c, "chain-03-ward-home-open-task").await;
    c.find(Locator::LinkText("Phường Cầu Diễn"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css(
            "form[action$='/reports'] select[name='status']",
        ))
        .await
        .unwrap();
    c.find(Locator::Css("select[name='status']"))
        .await
        .unwrap()
        .select_by_value("done")
        .await
        .unwrap();
    fill(&c, "note", "Đã kiểm tra 214 người").await;
    c.find(Locator::Css(
        "form[action$='/reports'] button[type='submit']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.wait().for_element(Locator::Css(".flash")).await.unwrap();
    assert!(
        text(&c, "#task-reports")
            .await
            .contains("Đã kiểm tra 214 người")
    );
    shot(&c, "chain-04-ward-reported").await;
    c.goto(&format!("{base}/areas/00592")).await.unwrap();
    assert!(
        c.find(Locator::Css("#open-tasks")).await.is_err(),
        "nothing left open"
    );
    sign_out(&c).await;

    // The district sees who is still behind.
    c.set_window_size(1366, 900).await.unwrap();
    sign_in(&c, &base, "namtuliem").await;
    let behind = text(&c, "#units-behind").await;
    assert!(
        behind.contains("Công an quận Nam Từ Liêm: 1 việc quá hạn"),
        "{behind}"
    );
    assert!(!behind.contains("Phường Cầu Diễn"));
    shot(&c, "chain-05-district-who-is-behind").await;
}
