//! Bad input at every API write route and the main forms: malformed JSON,
//! wrong types, huge bodies, overlong strings, invalid UTF-8, script and SQL
//! fragments, negative and enormous numbers, impossible dates and foreign
//! area codes. Each gets a clear 4xx (never a 500), nothing bad is stored,
//! and text that is stored comes back escaped.

use crate::common::TestApp;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use sqlx::PgPool;

const TABLES: &str = "select (select count(*) from lockdowns) + (select count(*) from testing_rounds)
    + (select count(*) from hotlines) + (select count(*) from duty_roster)
    + (select count(*) from cases) + (select count(*) from clusters) + (select count(*) from quarantine_sites)
    + (select count(*) from checkpoints) + (select count(*) from checkpoint_reports) + (select count(*) from directives)
    + (select count(*) from daily_reports) + (select count(*) from zone_declarations) + (select count(*) from users)
    + (select count(*) from contacts) + (select count(*) from contact_tests)";

async fn stored(t: &TestApp) -> i64 {
    sqlx::query_scalar(TABLES).fetch_one(&t.db).await.unwrap()
}

/// Values a field of this name must refuse: what no field takes (objects,
/// control characters, 10,000 characters), plus what its type forbids.
fn nasty_values(field: &str) -> Vec<Value> {
    let mut v = vec![
        json!({"nested": 1}),
        json!(["a", {"b": 1}]),
        json!("\u{0000}\u{0007}"),
        json!("x".repeat(10_000)),
    ];
    let numbers = [
        "birth_year",
        "capacity",
        "occupancy",
        "people_checked",
        "vehicles_checked",
        "violations",
        "fines_vnd",
        "f1_traced",
        "f1_quarantined",
        "tests",
        "dose1",
        "dose2",
        "dose3",
        "level",
        "households",
        "people",
        "samples",
        "results",
        "positives",
    ];
    let dates = [
        "detected_on",
        "opened_on",
        "date",
        "issued_on",
        "due_on",
        "effective_on",
        "started_on",
        "tested_on",
        "results_on",
        "day",
    ];
    let choices = [
        "detected_in",
        "status",
        "sex",
        "treated_at",
        "kind",
        "run_by",
        "staffed_by",
        "colour",
        "role",
        "method",
    ];
    if numbers.contains(&field) {
        v.extend([
            json!(-1),
            json!(-99999999999i64),
            json!(1e30),
            json!("99999999999999999999999"),
            json!(true),
            json!("nhiều"),
            json!(2.5),
        ]);
    } else if dates.contains(&field) {
        v.extend([
            json!("2021-02-30"),
            json!("0000-01-01"),
            json!("2021-13-01"),
            json!("hôm qua"),
            json!(20210730),
        ]);
    } else if choices.contains(&field) {
        v.extend([json!("moon"), json!(5), json!(true), json!("COMMUNITY")]);
    } else if field == "case_code" {
        v.extend([json!("BN<1>"), json!("'; drop table cases; --"), json!("B")]);
    } else if field == "phone" {
        v.extend([json!("gọi tôi"), json!("12"), json!("+84 <script>")]);
    } else if field == "username" {
        v.extend([json!("Cán Bộ"), json!("a"), json!("x'--")]);
    } else if field == "password" {
        v.extend([json!("ngắn"), json!(12345)]);
    }
    v
}

#[sqlx::test]
async fn every_api_write_route_refuses_bad_values_with_a_clear_4xx_and_stores_nothing(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("thanhtri", "district", "020").await;
    t.user("quantri", "admin", "01").await;
    let token = t.token("thanhtri").await;
    let admin = t.token("quantri").await;
    let cp = t
        .api("POST", "/api/v1/checkpoints", Some(&token), Some(json!({"area_code": "00682", "name": "Chốt", "kind": "commune", "staffed_by": "police", "status": "active"})))
        .await
        .json()["id"]
        .clone();
    let r = t
        .api("POST", "/api/v1/cases", Some(&token), Some(json!({"commune_code": "00682", "case_code": "BN-F1", "detected_on": "2021-07-30", "detected_in": "community", "status": "treating"})))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let contact = json!({"commune_code": "00682", "case_code": "BN-F1", "exposed_on": "2021-07-29", "found_by": "household", "held_at": "home", "status": "quarantined", "quarantine_from": "2021-07-30", "full_name": "Nguyễn Văn A", "phone": "0912 345 678", "birth_year": 1980});
    let f1 = t
        .api(
            "POST",
            "/api/v1/contacts",
            Some(&token),
            Some(contact.clone()),
        )
        .await
        .json()["id"]
        .clone();
    let routes: Vec<(&str, String, &String, Value)> = vec![
        ("POST", "/api/v1/contacts".into(), &token, contact),
        (
            "POST",
            format!("/api/v1/contacts/{f1}/tests"),
            &token,
            json!({"taken_on": "2021-07-31", "kind": "pooled_pcr", "result": "positive", "new_case_code": "BN-F0-2"}),
        ),
        (
            "POST",
            "/api/v1/cases".into(),
            &token,
            json!({"commune_code": "00682", "case_code": "BN1", "detected_on": "2021-07-30", "detected_in": "community", "status": "treating", "birth_year": 1980, "sex": "m", "treated_at": "home"}),
        ),
        (
            "POST",
            "/api/v1/clusters".into(),
            &token,
            json!({"commune_code": "00682", "name": "Chùm", "opened_on": "2021-07-30"}),
        ),
        (
            "POST",
            "/api/v1/quarantine-sites".into(),
            &token,
            json!({"area_code": "020", "name": "Khu", "kind": "centralised", "run_by": "district", "capacity": 10, "occupancy": 1, "status": "active"}),
        ),
        (
            "POST",
            "/api/v1/checkpoints".into(),
            &token,
            json!({"area_code": "00682", "name": "Chốt 2", "kind": "lane", "staffed_by": "militia", "status": "active"}),
        ),
        (
            "POST",
            format!("/api/v1/checkpoints/{cp}/reports"),
            &token,
            json!({"date": "2021-08-01", "people_checked": 1, "vehicles_checked": 1, "violations": 0, "fines_vnd": 0}),
        ),
        (
            "POST",
            "/api/v1/directives".into(),
            &token,
            json!({"issuer_code": "020", "number": "1/CV", "kind": "letter", "title": "Về việc", "issued_on": "2021-07-30", "due_on": "2021-08-10"}),
        ),
        (
            "PUT",
            "/api/v1/daily-reports/00682/2021-07-31".into(),
            &token,
            json!({"f1_traced": 1, "f1_quarantined": 1, "tests": 1, "dose1": 1, "dose2": 1, "dose3": 1}),
        ),
        (
            "POST",
            "/api/v1/areas/00682/zone".into(),
            &token,
            json!({"colour": "red", "level": 2, "reason": "Ổ dịch", "effective_on": "2021-08-01"}),
        ),
        (
            "POST",
            "/api/v1/lockdowns".into(),
            &token,
            json!({"commune_code": "00682", "name": "Thôn Thọ Am", "kind": "isolation_area", "started_on": "2021-07-28", "households": 12, "people": 40, "status": "active"}),
        ),
        (
            "POST",
            "/api/v1/testing-rounds".into(),
            &token,
            json!({"area_code": "00682", "tested_on": "2021-07-30", "target": "Toàn xã", "method": "pooled_pcr", "samples": 100, "results": 50, "results_on": "2021-07-31", "positives": 1}),
        ),
        (
            "POST",
            "/api/v1/hotlines".into(),
            &token,
            json!({"area_code": "020", "label": "Ban Chỉ đạo", "phone": "0243 861 2345"}),
        ),
        (
            "POST",
            "/api/v1/duty-roster".into(),
            &token,
            json!({"area_code": "020", "day": "2021-08-01", "name": "Nguyễn Văn Trực", "position": "Phó Chủ tịch", "phone": "0912 345 678"}),
        ),
        (
            "POST",
            "/api/v1/users".into(),
            &admin,
            json!({"username": "canbo1", "password": "mật-khẩu-dài-đủ", "role": "commune", "area_code": "00682"}),
        ),
    ];
    let before = stored(&t).await;
    let mut tried = 0;
    for (method, path, tok, valid) in &routes {
        // Whole-body faults.
        for (ct, body) in [
            ("application/json", b"{\"commune_code\": ".to_vec()),
            ("application/json", b"[1, 2, 3]".to_vec()),
            ("application/json", b"null".to_vec()),
            (
                "application/json",
                vec![b'{', b'"', 0xff, 0xfe, b'"', b':', b'1', b'}'],
            ),
            ("text/plain", valid.to_string().into_bytes()),
            (
                "application/json",
                format!("{{\"x\": \"{}\"}}", "a".repeat(3 * 1024 * 1024)).into_bytes(),
            ),
        ] {
            let req = Request::builder()
                .method(*method)
                .uri(path)
                .header(header::AUTHORIZATION, format!("Bearer {tok}"))
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(body))
                .unwrap();
            let r = t.send(req).await;
            assert!(
                r.status.is_client_error(),
                "{method} {path} with a broken body: {}",
                r.status
            );
            assert!(
                r.json()["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()),
                "{method} {path}: a message"
            );
            tried += 1;
        }
        // Field by field.
        for field in valid.as_object().unwrap().keys() {
            for bad in nasty_values(field) {
                let mut body = valid.clone();
                body[field] = bad.clone();
                let r = t.api(method, path, Some(tok), Some(body)).await;
                assert!(
                    r.status.is_client_error(),
                    "{method} {path} with {field} = {}: {} {}",
                    bad.to_string().chars().take(40).collect::<String>(),
                    r.status,
                    r.text.chars().take(300).collect::<String>()
                );
                tried += 1;
            }
        }
        // A foreign area code where the body names an area.
        for field in ["commune_code", "area_code", "issuer_code"] {
            if valid.get(field).is_some() {
                for code in ["99999", "00001", "abc", "0068'2", ""] {
                    if code == "00001" && path.ends_with("/users") {
                        continue; // every area is the administrator's
                    }
                    let mut body = valid.clone();
                    body[field] = json!(code);
                    let r = t.api(method, path, Some(tok), Some(body)).await;
                    assert!(
                        r.status.is_client_error(),
                        "{method} {path} with {field} = {code:?}: {}",
                        r.status
                    );
                    tried += 1;
                }
            }
        }
    }
    assert_eq!(stored(&t).await, before, "no bad request stored anything");
    assert!(tried > 400, "{tried} requests");
}

#[sqlx::test]
async fn script_and_sql_fragments_are_stored_as_text_and_come_back_escaped(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("lienninh", "commune", "00682").await;
    let token = t.token("lienninh").await;
    let script = "<script>alert('xss')</script>";
    let sql = "'); drop table cases; --";
    let r = t
        .api("POST", "/api/v1/cases", Some(&token), Some(json!({"commune_code": "00682", "case_code": "BN1", "detected_on": "2021-07-30", "detected_in": "community", "status": "treating", "village": script, "full_name": sql, "address": "\"><img src=x onerror=alert(1)>"})))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    assert_eq!(r.json()["village"], script, "stored exactly as typed");
    let mut b = t.signed_in("lienninh").await;
    for page in [
        format!("/cases/{id}"),
        "/cases".to_string(),
        format!("/cases/{id}/edit"),
    ] {
        let html = b.get(&page).await.text;
        assert!(!html.contains("<script>alert"), "{page} runs the script");
        assert!(!html.contains("<img src=x"), "{page} injects markup");
        assert!(
            html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"),
            "{page} shows it escaped"
        );
    }
    let n: i64 = sqlx::query_scalar("select count(*) from cases")
        .fetch_one(&t.db)
        .await
        .unwrap();
    assert_eq!(n, 1, "the table is still there");
    // In a CSV export a formula is defused.
    let r = t
        .api("POST", "/api/v1/cases", Some(&token), Some(json!({"commune_code": "00682", "case_code": "BN2", "detected_on": "2021-07-30", "detected_in": "community", "status": "treating", "village": "=HYPERLINK(\"http://x\")"})))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let csv = b.get("/cases?format=csv").await.text;
    assert!(csv.contains("'=HYPERLINK") && !csv.contains(",=HYPERLINK"));
}

#[sqlx::test]
async fn bad_form_posts_get_a_clear_page_in_vietnamese_and_never_a_500(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("thanhtri", "district", "020").await;
    let mut b = t.signed_in("thanhtri").await;
    let before = stored(&t).await;
    let long = "x".repeat(5000);
    type Form<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>);
    let forms: Vec<Form> = vec![
        (
            "/cases/new",
            "/cases",
            vec![
                ("commune_code", "00001"),
                ("case_code", "BN1"),
                ("detected_on", "2021-07-30"),
                ("detected_in", "community"),
                ("status", "treating"),
            ],
        ),
        (
            "/cases/new",
            "/cases",
            vec![
                ("commune_code", "00682"),
                ("case_code", &long),
                ("detected_on", "30/02/2021"),
                ("detected_in", "moon"),
                ("status", "zombie"),
                ("birth_year", "-5"),
            ],
        ),
        (
            "/clusters/new",
            "/clusters",
            vec![
                ("commune_code", "abc"),
                ("name", ""),
                ("opened_on", "9999-99-99"),
            ],
        ),
        (
            "/sites/new",
            "/sites",
            vec![
                ("area_code", "020"),
                ("name", "Khu"),
                ("kind", "centralised"),
                ("run_by", "district"),
                ("capacity", "99999999999999999999"),
                ("occupancy", "-1"),
                ("status", "active"),
            ],
        ),
        (
            "/checkpoints/new",
            "/checkpoints",
            vec![
                ("area_code", "00682"),
                ("name", &long),
                ("kind", "x"),
                ("staffed_by", "y"),
                ("status", "z"),
            ],
        ),
        (
            "/directives/new",
            "/directives",
            vec![
                ("issuer_code", "020"),
                ("number", ""),
                ("kind", "letter"),
                ("title", "t"),
                ("issued_on", "2021-13-01"),
                ("due_on", "2021-01-01"),
            ],
        ),
        (
            "/daily/00682/2021-07-31",
            "/daily/00682/2021-07-31",
            vec![
                ("f1_traced", "nhiều"),
                ("f1_quarantined", "1e9"),
                ("tests", "-3"),
                ("dose1", "0"),
                ("dose2", "0"),
                ("dose3", "0"),
            ],
        ),
    ];
    for (page, action, fields) in forms {
        let r = b.post(page, action, &fields).await;
        assert!(r.status.is_client_error(), "{action}: {}", r.status);
        assert!(
            r.text.contains("<html lang=\"vi\">"),
            "{action}: a page in Vietnamese"
        );
    }
    assert_eq!(stored(&t).await, before);
    // Unknown routes and methods are clear too.
    assert_eq!(b.get("/cases/abc").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(b.get("/cases/999999").await.status, StatusCode::NOT_FOUND);
}
