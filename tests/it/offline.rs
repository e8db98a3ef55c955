//! Nothing lost offline (issue 12): every write that creates a record
//! carries an idempotency key, so a retried or duplicated send stores it
//! once; and in a real Chromium, cases saved with no signal wait on the
//! phone and arrive, exactly once, when the signal returns.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use sqlx::PgPool;

use crate::common::{Reply, TestApp};

async fn setup(db: PgPool) -> TestApp {
    let t = TestApp::new(db).await;
    t.user("lienninh", "commune", "00682").await;
    t.user("tuhiep", "commune", "00685").await;
    t
}

fn case_json(code: &str) -> serde_json::Value {
    json!({"commune_code": "00682", "case_code": code, "detected_on": "2021-07-30",
           "detected_in": "community", "status": "treating", "village": "Thôn Thọ Am"})
}

async fn send_keyed(
    t: &TestApp,
    method: &str,
    path: &str,
    token: &str,
    key: &str,
    body: serde_json::Value,
) -> Reply {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header("Idempotency-Key", key)
        .body(Body::from(body.to_string()))
        .unwrap();
    t.send(req).await
}

async fn cases_with_code(t: &TestApp, code: &str) -> i64 {
    sqlx::query_scalar("select count(*) from cases where case_code = $1")
        .bind(code)
        .fetch_one(&t.db)
        .await
        .unwrap()
}

#[sqlx::test]
async fn the_same_idempotency_key_twice_on_the_api_stores_one_case_and_answers_alike(db: PgPool) {
    let t = setup(db).await;
    let token = t.token("lienninh").await;
    let key = "5b0f8d1e-6a53-4c55-9d3e-0c2b1f7a9e11";
    let first = send_keyed(&t, "POST", "/api/v1/cases", &token, key, case_json("BN700")).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let audit = t.audit_count().await;
    // The answer was lost on the way back: the phone sends the same again.
    let again = send_keyed(&t, "POST", "/api/v1/cases", &token, key, case_json("BN700")).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text);
    assert_eq!(again.json()["id"], first.json()["id"]);
    assert_eq!(again.json()["case_code"], "BN700");
    assert_eq!(cases_with_code(&t, "BN700").await, 1);
    assert_eq!(t.audit_count().await, audit, "nothing more was written");
    // A new key is a new case; the old key with another body still answers with the first.
    let other = send_keyed(&t, "POST", "/api/v1/cases", &token, key, case_json("BN701")).await;
    assert_eq!(other.json()["id"], first.json()["id"]);
    assert_eq!(cases_with_code(&t, "BN701").await, 0);
    let fresh = send_keyed(
        &t,
        "POST",
        "/api/v1/cases",
        &token,
        "a-second-key-0001",
        case_json("BN701"),
    )
    .await;
    assert_eq!(fresh.status, StatusCode::CREATED, "{}", fresh.text);
    assert_ne!(fresh.json()["id"], first.json()["id"]);
}

#[sqlx::test]
async fn sends_racing_with_one_key_store_one_case(db: PgPool) {
    let t = setup(db).await;
    let token = t.token("lienninh").await;
    let key = "race-key-0123456789";
    let send = || send_keyed(&t, "POST", "/api/v1/cases", &token, key, case_json("BN800"));
    let (a, b, c, d) = tokio::join!(send(), send(), send(), send());
    let ids: std::collections::HashSet<String> = [a, b, c, d]
        .iter()
        .map(|r| {
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
            r.json()["id"].to_string()
        })
        .collect();
    assert_eq!(ids.len(), 1, "every send answers with the one case");
    assert_eq!(cases_with_code(&t, "BN800").await, 1);
}

#[sqlx::test]
async fn a_key_is_the_senders_own_and_a_malformed_key_is_refused(db: PgPool) {
    let t = setup(db).await;
    let mine = t.token("lienninh").await;
    let theirs = t.token("tuhiep").await;
    let key = "shared-looking-key-1";
    let r = send_keyed(&t, "POST", "/api/v1/cases", &mine, key, case_json("BN710")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let mut other = case_json("BN711");
    other["commune_code"] = "00685".into();
    let r = send_keyed(&t, "POST", "/api/v1/cases", &theirs, key, other).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        r.json()["case_code"],
        "BN711",
        "another user's key is not mine"
    );
    let r = send_keyed(
        &t,
        "POST",
        "/api/v1/cases",
        &mine,
        "bad key!",
        case_json("BN712"),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert_eq!(cases_with_code(&t, "BN712").await, 0);
}

#[sqlx::test]
async fn the_new_case_form_sent_twice_with_its_key_stores_one_case(db: PgPool) {
    let t = setup(db).await;
    let mut b = t.signed_in("lienninh").await;
    let form = b.get("/cases/new").await;
    assert!(
        form.text.contains("name=\"idempotency_key\""),
        "{}",
        form.text
    );
    let csrf = form.csrf();
    let fields = [
        ("csrf", csrf.as_str()),
        ("idempotency_key", "form-key-000000001"),
        ("commune_code", "00682"),
        ("case_code", "BN720"),
        ("detected_on", "31/07/2021"),
        ("detected_in", "community"),
        ("status", "treating"),
    ];
    let first = b.post_raw("/cases", &fields).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.text);
    let again = b.post_raw("/cases", &fields).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.text);
    assert_eq!(
        again.location(),
        first.location(),
        "the repeat goes to the same case"
    );
    assert_eq!(cases_with_code(&t, "BN720").await, 1);
}

#[sqlx::test]
async fn a_daily_report_sent_again_with_its_key_is_stored_once(db: PgPool) {
    let t = setup(db).await;
    let token = t.token("lienninh").await;
    let body = json!({"f1_traced": 3, "f1_quarantined": 2, "tests": 40, "dose1": 10, "dose2": 5, "dose3": 0});
    let path = "/api/v1/daily-reports/00682/2021-07-31";
    let first = send_keyed(&t, "PUT", path, &token, "daily-key-00000001", body.clone()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let audit = t.audit_count().await;
    // Without a key a second filing would need the version; with the same key it answers as the first.
    let again = send_keyed(&t, "PUT", path, &token, "daily-key-00000001", body.clone()).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text);
    assert_eq!(again.json()["version"], 1);
    assert_eq!(t.audit_count().await, audit);
    // The key of one report is not the key of another.
    let other = send_keyed(
        &t,
        "PUT",
        "/api/v1/daily-reports/00682/2021-07-30",
        &token,
        "daily-key-00000001",
        body,
    )
    .await;
    assert_eq!(other.status, StatusCode::BAD_REQUEST, "{}", other.text);
}
