//! Alerts, the webhook, the morning briefing and the district's report up
//! (issue 27, DESIGN §3b).

use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use chrono::{Duration, TimeZone, Utc};
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::common::TestApp;
use vungxanh::storage::alerts::Outcome;

async fn setup(db: PgPool) -> TestApp {
    let t = TestApp::new(db).await;
    t.user("lienninh", "commune", "00682").await;
    t.user("tamhiep", "commune", "00685").await;
    t.user("thanhtri", "district", "020").await;
    t.user("hoankiem", "district", "001").await;
    t.user("thanhpho", "city", "01").await;
    t
}

async fn evaluate(t: &TestApp) -> Outcome {
    let city = t.state.area_ref("01").await.unwrap().unwrap();
    t.state.evaluate_alerts(&city).await.unwrap()
}

/// A community case in Liên Ninh, detected today: the commune turns red.
async fn a_case(t: &TestApp, code: &str) {
    let token = t.token("lienninh").await;
    let r = t
        .api(
            "POST",
            "/api/v1/cases",
            Some(&token),
            Some(json!({"commune_code": "00682", "case_code": code,
                "detected_on": t.clock.today().to_string(), "detected_in": "community",
                "status": "treating"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

/// (id, ended) of each alert of `kind` in `area`, oldest first.
async fn alerts_of(t: &TestApp, area: &str, kind: &str) -> Vec<(i64, bool)> {
    sqlx::query_as(
        "select id, ended_at is not null from alerts where area_code = $1 and kind = $2 order by id",
    )
    .bind(area)
    .bind(kind)
    .fetch_all(&t.db)
    .await
    .unwrap()
}

/// The value of the form's input `name`.
fn input_value(html: &str, name: &str) -> String {
    let at = html.find(&format!("name=\"{name}\"")).expect(name);
    let tag_start = html[..at].rfind('<').unwrap();
    let tag = &html[tag_start..tag_start + html[tag_start..].find('>').unwrap()];
    let v = tag.find("value=\"").map(|i| i + 7).unwrap_or(tag.len());
    tag[v..].split('"').next().unwrap_or_default().to_string()
}

/// The number in the header's alert link.
fn header_count(html: &str) -> i64 {
    let at = html
        .find("id=\"alerts-count\"")
        .expect("the header's alert link");
    let badge = &html[at..];
    let start = badge.find("class=\"count\">").unwrap() + "class=\"count\">".len();
    let end = start + badge[start..].find('<').unwrap();
    badge[start..end].replace('.', "").parse().unwrap()
}

#[sqlx::test]
async fn a_commune_turning_red_raises_one_alert_that_ends_once_when_it_is_green_again(db: PgPool) {
    let t = setup(db).await;
    evaluate(&t).await;
    assert!(alerts_of(&t, "00682", "red").await.is_empty());

    a_case(&t, "BN-TT-0001").await;
    let first = evaluate(&t).await;
    let red = alerts_of(&t, "00682", "red").await;
    assert_eq!(red.len(), 1, "one alert for the commune turned red");
    assert!(!red[0].1);
    assert!(first.raised.contains(&red[0].0));

    // Evaluated again while it holds, and after another case: still the one.
    let again = evaluate(&t).await;
    assert!(!again.raised.contains(&red[0].0));
    a_case(&t, "BN-TT-0002").await;
    evaluate(&t).await;
    assert_eq!(alerts_of(&t, "00682", "red").await, red);

    // Fifteen days on, no community case in 14 days: green, the alert ends.
    t.clock.set(t.clock.now() + Duration::days(15));
    let ended = evaluate(&t).await;
    assert!(ended.ended.contains(&red[0].0));
    assert_eq!(alerts_of(&t, "00682", "red").await, vec![(red[0].0, true)]);
    let later = evaluate(&t).await;
    assert!(!later.ended.contains(&red[0].0), "ended once");
    assert_eq!(alerts_of(&t, "00682", "red").await.len(), 1);
}

#[sqlx::test]
async fn the_running_server_raises_an_alert_when_a_write_turns_a_commune_red(db: PgPool) {
    let t = TestApp::listening(db).await;
    t.user("lienninh", "commune", "00682").await;
    let mut heard = sqlx::postgres::PgListener::connect_with(&t.db)
        .await
        .unwrap();
    heard
        .listen(vungxanh::storage::feed::CHANNEL)
        .await
        .unwrap();
    // As `serve` runs it: evaluated when the feed hears the figures move.
    let watcher = tokio::spawn(t.state.clone().watch_alerts());
    a_case(&t, "BN-TT-0001").await;
    // Each raise or end is announced on the feed ("alerts"): wait for the
    // one that holds the red commune, not for a time.
    let raised = tokio::time::timeout(std::time::Duration::from_secs(60), async {
        loop {
            let n = heard.recv().await.unwrap();
            if n.payload() == "alerts" && !alerts_of(&t, "00682", "red").await.is_empty() {
                return;
            }
        }
    })
    .await;
    watcher.abort();
    assert!(raised.is_ok(), "no alert raised after the write");
    assert_eq!(alerts_of(&t, "00682", "red").await.len(), 1);
}

#[sqlx::test]
async fn each_reader_sees_the_alerts_of_their_own_jurisdiction_and_marks_them_seen(db: PgPool) {
    let t = setup(db).await;
    a_case(&t, "BN-TT-0001").await;
    evaluate(&t).await;
    let (red, _) = alerts_of(&t, "00682", "red").await[0];

    let mut district = t.signed_in("thanhtri").await;
    let mut city = t.signed_in("thanhpho").await;
    let mut elsewhere = t.signed_in("hoankiem").await;
    let mut neighbour = t.signed_in("tamhiep").await;
    let page = district.get("/alerts").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains(&format!("id=\"alert-{red}\"")));
    assert!(page.text.contains("Xã Liên Ninh"));
    assert!(page.text.contains("Chuyển vùng đỏ"));
    let before = header_count(&page.text);
    assert!(before >= 1);
    let city_page = city.get("/alerts").await;
    assert!(city_page.text.contains(&format!("id=\"alert-{red}\"")));
    let city_before = header_count(&city_page.text);
    for other in [&mut elsewhere, &mut neighbour] {
        let p = other.get("/alerts").await;
        assert!(
            !p.text.contains(&format!("id=\"alert-{red}\"")),
            "another district's or commune's reader does not see it"
        );
        assert_eq!(header_count(&p.text), 0);
    }

    // "Đã xem" by the district: its count goes down, the city's does not.
    let audit = t.audit_count().await;
    let r = district
        .post("/alerts", &format!("/alerts/{red}/seen"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let after = district.get("/alerts").await;
    assert_eq!(header_count(&after.text), before - 1);
    assert!(after.text.contains("Đã xem"));
    assert_eq!(t.audit_count().await, audit + 1, "seen is audited");
    assert_eq!(header_count(&city.get("/alerts").await.text), city_before);
    // Seen twice is seen once.
    district
        .post("/alerts", &format!("/alerts/{red}/seen"), &[])
        .await;
    assert_eq!(t.audit_count().await, audit + 1);
    // Outside one's jurisdiction the alert is not there at all.
    let r = elsewhere
        .post("/alerts", &format!("/alerts/{red}/seen"), &[])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let seen: i64 = sqlx::query_scalar("select count(*) from alert_seen where alert_id = $1")
        .bind(red)
        .fetch_one(&t.db)
        .await
        .unwrap();
    assert_eq!(seen, 1);

    // The wall view shows the newest.
    let wall = city.get("/areas/01/wall").await;
    assert!(wall.text.contains("id=\"wall-alerts\""));
    assert!(wall.text.contains("Xã Liên Ninh"));
}

#[sqlx::test]
async fn a_missing_daily_report_is_an_alert_from_the_deadline_until_it_is_filed(db: PgPool) {
    let t = setup(db).await;
    // 16:59 in Hà Nội: not yet.
    t.clock
        .set(Utc.with_ymd_and_hms(2021, 8, 1, 9, 59, 0).unwrap());
    evaluate(&t).await;
    assert!(alerts_of(&t, "00682", "report_missing").await.is_empty());
    // 17:00: every commune that has not filed.
    t.clock
        .set(Utc.with_ymd_and_hms(2021, 8, 1, 10, 0, 0).unwrap());
    evaluate(&t).await;
    let missing = alerts_of(&t, "00682", "report_missing").await;
    assert_eq!(missing.len(), 1);
    let communes: i64 = sqlx::query_scalar(
        "select count(*) from alerts where kind = 'report_missing' and ended_at is null",
    )
    .fetch_one(&t.db)
    .await
    .unwrap();
    assert_eq!(communes, 579, "every commune of Hà Nội");

    let token = t.token("lienninh").await;
    let r = t
        .api(
            "PUT",
            "/api/v1/daily-reports/00682/2021-08-01",
            Some(&token),
            Some(
                json!({"f1_traced": 3, "f1_quarantined": 2, "tests": 40, "dose1": 0,
                "dose2": 0, "dose3": 0, "notes": ""}),
            ),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    let out = evaluate(&t).await;
    assert_eq!(out.ended, vec![missing[0].0], "only the commune that filed");
    assert_eq!(
        alerts_of(&t, "00682", "report_missing").await,
        vec![(missing[0].0, true)]
    );
}

#[sqlx::test]
async fn a_district_sends_its_report_up_and_the_city_sees_who_has_not(db: PgPool) {
    let t = setup(db).await;
    a_case(&t, "BN-TT-0001").await;
    let mut district = t.signed_in("thanhtri").await;
    let form = district.get("/areas/020/report-up").await;
    assert_eq!(form.status, StatusCode::OK);
    // Prefilled from the board: the case of today.
    assert_eq!(
        input_value(&form.text, "new_f0"),
        "1",
        "today's new case prefilled"
    );
    assert_eq!(input_value(&form.text, "active_f0"), "1");

    // A mistake comes back with the input kept and the error by its field.
    let fields = [
        ("date", "2021-08-01"),
        ("version", ""),
        ("new_f0", "1"),
        ("active_f0", "1"),
        ("f1_held", "4"),
        ("free_places", "120"),
        ("red_communes", "1"),
        ("level", "7"),
        ("situation", "Đã truy vết xong chùm Thọ Am."),
        ("difficulties", "Thiếu sinh phẩm xét nghiệm nhanh."),
        ("proposals", "Đề nghị Thành phố hỗ trợ 5.000 test nhanh."),
    ];
    let r = district
        .post("/areas/020/report-up", "/areas/020/report-up", &fields)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("Thiếu sinh phẩm xét nghiệm nhanh."));
    let mut good = fields;
    good[7] = ("level", "2");
    let audit = t.audit_count().await;
    let r = district
        .post("/areas/020/report-up", "/areas/020/report-up", &good)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(t.audit_count().await, audit + 1);

    let today = district.get("/today").await.text;
    let line = &today[today.find("id=\"today-report-up\"").unwrap()..];
    assert!(line[..line.find("</li>").unwrap()].contains("Đã gửi"));

    let mut city = t.signed_in("thanhpho").await;
    assert!(
        city.get("/today")
            .await
            .text
            .contains("1/30 quận, huyện đã gửi báo cáo")
    );
    let list = city.get("/areas/01/reports-up").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.text.contains("1/30 quận, huyện đã gửi báo cáo"));
    assert!(
        list.text
            .contains("Đề nghị Thành phố hỗ trợ 5.000 test nhanh.")
    );
    let not_sent = list.text.matches("Chưa gửi").count();
    assert_eq!(not_sent, 29);
    // The city reads; it does not file for a district, nor does another district.
    let r = city
        .post("/areas/01/reports-up", "/areas/020/report-up", &good)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut other = t.signed_in("hoankiem").await;
    let r = other.post("/alerts", "/areas/020/report-up", &good).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut commune = t.signed_in("lienninh").await;
    assert_eq!(
        commune.get("/areas/01/reports-up").await.status,
        StatusCode::FORBIDDEN
    );

    // After the deadline the others are alerts; Thanh Trì is not.
    t.clock
        .set(Utc.with_ymd_and_hms(2021, 8, 1, 11, 0, 0).unwrap());
    evaluate(&t).await;
    assert!(alerts_of(&t, "020", "report_up_missing").await.is_empty());
    assert_eq!(alerts_of(&t, "001", "report_up_missing").await.len(), 1);
}

/// A receiver that fails the first send of each alert, keeps the second
/// waiting past the timeout, and takes the third; it keeps what it got.
#[derive(Default)]
struct Receiver {
    got: Mutex<Vec<Got>>,
}

/// One send as received: delivery id, signature, body, the code answered
/// (0: kept waiting past the sender's timeout).
type Got = (String, String, Vec<u8>, u16);

async fn receiver() -> (String, Arc<Receiver>) {
    use axum::body::Bytes;
    use axum::http::HeaderMap;
    let seen = Arc::new(Receiver::default());
    let kept = seen.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let kept = kept.clone();
            async move {
                let id = headers["x-vungxanh-delivery"].to_str().unwrap().to_string();
                let sig = headers["x-vungxanh-signature"]
                    .to_str()
                    .unwrap()
                    .to_string();
                // Kept as it arrives: a send still waiting counts already.
                let n = {
                    let mut got = kept.got.lock().unwrap();
                    let n = got.iter().filter(|g| g.0 == id).count();
                    let code = if n == 0 {
                        500
                    } else if n == 1 {
                        0
                    } else {
                        200
                    };
                    got.push((id, sig, body.to_vec(), code));
                    n
                };
                let code = match n {
                    0 => 500,
                    1 => {
                        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
                        200
                    }
                    _ => 200,
                };
                StatusCode::from_u16(code).unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), seen)
}

#[sqlx::test]
async fn the_webhook_gets_each_alert_once_signed_through_failures_and_restarts(db: PgPool) {
    let mut config = vungxanh::Config::for_tests();
    config.webhook_timeout = std::time::Duration::from_secs(1);
    let t = TestApp::with_config(db.clone(), config.clone()).await;
    t.user("lienninh", "commune", "00682").await;
    let (url, got) = receiver().await;
    let secret = "a-secret-of-the-city-0123";
    vungxanh::storage::alerts::set_hook(
        &t.db,
        &vungxanh::storage::audit::Actor::system("test"),
        t.clock.now(),
        "00682",
        &url,
        secret,
    )
    .await
    .unwrap();
    a_case(&t, "BN-TT-0001").await;
    let raised = evaluate(&t).await;
    assert!(!raised.raised.is_empty());
    assert_eq!(raised.queued as usize, raised.raised.len(), "one per alert");

    // Each process a new one over the same database: a restart between sends.
    let restart = |at| {
        t.clock.set(at);
        vungxanh::AppState::new(db.clone(), config.clone(), t.clock.clone())
    };
    let first = restart(t.clock.now());
    assert_eq!(first.send_due_alerts().await.unwrap(), raised.raised.len());
    // Not due again before its backoff.
    assert_eq!(first.send_due_alerts().await.unwrap(), 0);
    let second = restart(t.clock.now() + Duration::seconds(6));
    assert_eq!(second.send_due_alerts().await.unwrap(), raised.raised.len());
    let third = restart(t.clock.now() + Duration::seconds(11));
    assert_eq!(third.send_due_alerts().await.unwrap(), raised.raised.len());
    let fourth = restart(t.clock.now() + Duration::hours(1));
    assert_eq!(
        fourth.send_due_alerts().await.unwrap(),
        0,
        "nothing sent twice"
    );
    // Evaluated again while they stand: nothing new to send.
    let again = evaluate(&t).await;
    assert_eq!(again.queued, 0);

    let got = got.got.lock().unwrap().clone();
    for id in &raised.raised {
        let mine: Vec<_> = got.iter().filter(|g| g.0 == id.to_string()).collect();
        assert_eq!(mine.len(), 3, "failed, timed out, taken");
        assert_eq!(
            mine.iter().filter(|g| g.3 == 200).count(),
            1,
            "answered 200 once"
        );
        for (_, sig, body, _) in &mine {
            assert_eq!(sig, &vungxanh::storage::webhook::sign(secret, body));
            let v: Value = serde_json::from_slice(body).unwrap();
            assert_eq!(v["id"], json!(id));
            assert_eq!(v["area_code"], "00682");
        }
    }
    let states: Vec<(String, i32, Option<i32>)> =
        sqlx::query_as("select state, attempts, last_code from alert_deliveries order by alert_id")
            .fetch_all(&t.db)
            .await
            .unwrap();
    assert!(
        states
            .iter()
            .all(|s| s == &("sent".to_string(), 3, Some(200))),
        "{states:?}"
    );
}

#[sqlx::test]
async fn the_briefing_shows_the_boards_figures_and_only_to_its_readers(db: PgPool) {
    let t = setup(db).await;
    a_case(&t, "BN-TT-0001").await;
    a_case(&t, "BN-TT-0002").await;
    evaluate(&t).await;
    let token = t.token("thanhtri").await;
    let summary = t
        .api("GET", "/api/v1/areas/020/summary", Some(&token), None)
        .await
        .json();
    let mut district = t.signed_in("thanhtri").await;
    let page = district.get("/areas/020/briefing").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Báo cáo giao ban sáng"));
    assert!(page.text.contains("Số liệu đến 17:00"));
    for (id, figure) in [
        ("b-new-today", &summary["f0"]["new_today"]),
        ("b-new-7d", &summary["f0"]["new_7d"]),
        ("b-active", &summary["f0"]["active"]),
    ] {
        let at = page.text.find(&format!("id=\"{id}\">")).unwrap() + id.len() + 6;
        let shown = &page.text[at..at + page.text[at..].find('<').unwrap()];
        assert_eq!(shown, figure.to_string(), "{id}");
    }
    assert_eq!(summary["f0"]["new_today"], 2);
    assert!(page.text.contains("Chuyển vùng đỏ"), "standing alerts");
    let mut other = t.signed_in("hoankiem").await;
    assert_eq!(
        other.get("/areas/020/briefing").await.status,
        StatusCode::FORBIDDEN
    );
    let mut commune = t.signed_in("tamhiep").await;
    assert_eq!(
        commune.get("/areas/00682/briefing").await.status,
        StatusCode::FORBIDDEN
    );
}

/// The pages of a PDF and its text, read by poppler-utils (`make test`
/// installs them with the browser).
fn pdf_pages_and_text(path: &std::path::Path) -> (u32, String) {
    let info = std::process::Command::new("pdfinfo")
        .arg(path)
        .output()
        .expect("pdfinfo (Debian package poppler-utils; scripts/bootstrap.sh --browser)");
    let info = String::from_utf8_lossy(&info.stdout).to_string();
    let pages = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .expect("a page count")
        .trim()
        .parse()
        .unwrap();
    let text = std::process::Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext");
    (pages, String::from_utf8_lossy(&text.stdout).to_string())
}

#[sqlx::test]
async fn the_briefing_prints_on_one_a4_page_for_the_city_and_thanh_tri_with_the_boards_figures(
    db: PgPool,
) {
    use crate::browser::{browser, driver, serve, shot, sign_in, text};
    let t = TestApp::new(db).await;
    t.user("thanhpho", "city", "01").await;
    t.user("thanhtri", "district", "020").await;
    vungxanh::storage::demo::load(&t.db, &t.clock)
        .await
        .unwrap();
    // As the server's watcher does once the figures move.
    evaluate(&t).await;
    let base = serve(&t).await;
    let d = driver();
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    for (user, code) in [("thanhpho", "01"), ("thanhtri", "020")] {
        let c = browser(&d).await;
        c.set_window_size(1440, 900).await.unwrap();
        sign_in(&c, &base, user).await;
        c.goto(&format!("{base}/areas/{code}")).await.unwrap();
        let shown = [
            text(&c, "#f0-active").await,
            text(&c, "#f0-new-today").await,
            text(&c, "#f0-new-7d").await,
        ];
        c.goto(&format!("{base}/areas/{code}/briefing"))
            .await
            .unwrap();
        shot(&c, &format!("briefing-{code}")).await;
        let pdf = c
            .print(fantoccini::wd::PrintConfiguration::default())
            .await
            .unwrap();
        let path = dir.join(format!("briefing-{code}.pdf"));
        std::fs::write(&path, pdf).unwrap();
        let (pages, words) = pdf_pages_and_text(&path);
        assert_eq!(pages, 1, "{code}: one A4 page");
        assert!(words.contains("BÁO CÁO GIAO BAN SÁNG"), "{words}");
        assert!(words.contains("Số liệu đến 17:00"));
        for figure in &shown {
            assert!(
                words.contains(figure.as_str()),
                "{code}: the dashboard's {figure} is on the paper:\n{words}"
            );
        }
        assert!(!words.contains("Trình đơn"), "the menu is not printed");
        c.close().await.unwrap();
    }
}
