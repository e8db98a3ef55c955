//! WCAG 2.0/2.1 A and AA on every kind of page (issue 25), in a real
//! headless Chromium with axe-core (npm `axe-core`, installed by
//! scripts/test.sh under var/axe): lists, forms, show pages, dashboards, the
//! wall, the public page, sign-in and an error page, at phone and desk
//! sizes, as each role that uses them.

use fantoccini::Client;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::browser::{browser, driver, serve, sign_in};
use crate::common::TestApp;

/// axe-core's source, to put into each page.
fn axe_source() -> String {
    let path = std::env::var("VX_AXE").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/var/axe/node_modules/axe-core/axe.min.js"
        )
        .into()
    });
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("axe-core at {path} ({e}): scripts/test.sh installs it"))
}

/// The WCAG 2.0/2.1 A and AA violations on the page open in `c`, each as
/// "rule (impact): where".
async fn violations(c: &Client, axe: &str) -> Vec<String> {
    c.execute(axe, vec![]).await.expect("axe-core loads");
    let found = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: { type: 'tag',
                 values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
               .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact,
                   nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + n.failureSummary) }))))
               .catch(e => done([{ id: 'axe-error', impact: String(e), nodes: [] }]));",
            vec![],
        )
        .await
        .expect("axe-core runs");
    found
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| {
            format!(
                "{} ({}): {}",
                v["id"].as_str().unwrap_or(""),
                v["impact"].as_str().unwrap_or(""),
                v["nodes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" | ")
            )
        })
        .collect()
}

/// One record of each kind in Thanh Trì, so every show page has one to show.
async fn records(t: &TestApp) -> Vec<String> {
    let district = t.token("thanhtri").await;
    let city = t.token("thanhpho").await;
    let made = |path: &'static str, token: &str, body: Value| {
        let token = token.to_string();
        async move {
            let r = t
                .api("POST", &format!("/api/v1{path}"), Some(&token), Some(body))
                .await;
            assert_eq!(r.status.as_u16(), 201, "{path}: {}", r.text);
            let id = r.json()["id"].as_i64().unwrap();
            (path, id)
        }
    };
    let mut pages = Vec::new();
    let (_, cluster) = made(
        "/clusters",
        &district,
        json!({"commune_code": "00682", "name": "Ổ dịch thôn Thọ Am", "opened_on": "2021-07-28"}),
    )
    .await;
    pages.push(format!("/clusters/{cluster}"));
    let (_, case) = made(
        "/cases",
        &district,
        json!({"commune_code": "00682", "case_code": "BN-TT-0001", "detected_on": "2021-07-30",
               "detected_in": "community", "status": "treating", "cluster_id": cluster,
               "full_name": "Nguyễn Văn A", "birth_year": 1980}),
    )
    .await;
    pages.push(format!("/cases/{case}"));
    pages.push(format!("/cases/{case}/contacts"));
    let (_, contact) = made(
        "/contacts",
        &district,
        json!({"commune_code": "00682", "case_code": "BN-TT-0001", "exposed_on": "2021-07-29",
               "found_by": "household", "held_at": "home", "status": "quarantined",
               "quarantine_from": "2021-07-30", "full_name": "Trần Thị B", "birth_year": 1990}),
    )
    .await;
    pages.push(format!("/contacts/{contact}"));
    let (_, directive) = made(
        "/directives",
        &city,
        json!({"issuer_code": "01", "number": "17/CT-UBND", "kind": "directive",
               "title": "Về việc thực hiện giãn cách xã hội", "issued_on": "2021-07-23",
               "due_on": "2021-07-31", "target_codes": ["020"]}),
    )
    .await;
    pages.push(format!("/directives/{directive}"));
    for (path, body) in [
        (
            "/quarantine-sites",
            json!({"area_code": "020", "name": "Ký túc xá Học viện", "kind": "centralised",
                   "run_by": "district", "capacity": 400, "occupancy": 35, "status": "active"}),
        ),
        (
            "/checkpoints",
            json!({"area_code": "020", "name": "Chốt cầu Văn Điển", "kind": "district_border",
                   "staffed_by": "police", "status": "active"}),
        ),
        (
            "/lockdowns",
            json!({"commune_code": "00682", "name": "Thôn Thọ Am", "kind": "isolation_area",
                   "started_on": "2021-07-28", "people": 410, "status": "active"}),
        ),
        (
            "/testing-rounds",
            json!({"area_code": "00682", "tested_on": "2021-07-30", "target": "Toàn xã",
                   "method": "pooled_pcr", "samples": 1200}),
        ),
        (
            "/hotlines",
            json!({"area_code": "020", "label": "Ban Chỉ đạo huyện", "phone": "0243 861 2345"}),
        ),
    ] {
        let (_, id) = made(path, &district, body).await;
        let page = match path {
            "/quarantine-sites" => "/sites",
            "/testing-rounds" => "/testing",
            p => p,
        };
        pages.push(format!("{page}/{id}"));
    }
    let (_, task) = made(
        "/tasks",
        &city,
        json!({"directive_id": directive, "area_code": "020", "what": "Kiểm tra chợ"}),
    )
    .await;
    pages.push(format!("/tasks/{task}"));
    pages
}

#[sqlx::test]
async fn every_kind_of_page_meets_wcag_2_1_a_and_aa_at_phone_and_desk_sizes(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("lienninh", "commune", "00682").await;
    t.user("thanhtri", "district", "020").await;
    t.user("thanhpho", "city", "01").await;
    t.user("quantri", "admin", "01").await;
    t.user("boyte", "country", "01").await;
    let shown = records(&t).await;
    // Alerts stand for the records above (a red commune, an overdue directive).
    let city = t.state.area_ref("01").await.unwrap().unwrap();
    assert!(
        !t.state
            .evaluate_alerts(&city)
            .await
            .unwrap()
            .raised
            .is_empty()
    );
    let axe = axe_source();
    let base = serve(&t).await;
    let d = driver();
    let mut found = Vec::new();
    // Who looks at what: each role at the pages it works with.
    let mut district_pages: Vec<String> = [
        "/areas/020",
        "/areas/020/wall",
        "/areas",
        "/cases",
        "/cases/new",
        "/cases/paste",
        "/cases/import",
        "/clusters",
        "/clusters/new",
        "/contacts",
        "/contacts/new",
        "/contacts/today",
        "/contacts/import",
        "/sites",
        "/sites/new",
        "/checkpoints",
        "/directives",
        "/directives/new",
        "/tasks",
        "/inspections",
        "/lockdowns",
        "/testing",
        "/hotlines",
        "/duty",
        "/daily",
        "/audit",
        "/account",
        "/today",
        "/alerts",
        "/areas/020/briefing",
        "/areas/020/report-up",
        "/no-such-page",
    ]
    .map(String::from)
    .to_vec();
    district_pages.extend(shown);
    let visits: Vec<(&str, Vec<String>)> = vec![
        (
            "",
            vec![
                "/sign-in".into(),
                "/cong-khai".into(),
                "/cong-khai?q=lien+ninh".into(),
            ],
        ),
        (
            "lienninh",
            vec![
                "/areas/00682".into(),
                "/daily/00682/2021-08-01".into(),
                "/contacts/today".into(),
            ],
        ),
        ("thanhtri", district_pages),
        (
            "thanhpho",
            vec![
                "/areas/01".into(),
                "/areas/01/wall".into(),
                "/alerts".into(),
                "/areas/01/briefing".into(),
                "/areas/01/reports-up".into(),
            ],
        ),
        (
            "boyte",
            vec!["/country".into(), "/country?sort=worse".into()],
        ),
        (
            "quantri",
            vec![
                "/admin/users".into(),
                "/admin/users/new".into(),
                "/units".into(),
            ],
        ),
    ];
    for (width, height) in [(390, 844), (1440, 900)] {
        for (who, pages) in &visits {
            let c = browser(&d).await;
            c.set_window_size(width, height).await.unwrap();
            if !who.is_empty() {
                sign_in(&c, &base, who).await;
            }
            for page in pages {
                c.goto(&format!("{base}{page}")).await.unwrap();
                for v in violations(&c, &axe).await {
                    found.push(format!("{width}px {who} {page}: {v}"));
                }
            }
            c.close().await.unwrap();
        }
    }
    assert!(
        found.is_empty(),
        "{} WCAG violations:\n{}",
        found.len(),
        found.join("\n")
    );
}
