//! `/metrics`: Prometheus's text format, for the operator only, counting
//! what an operator watches. The recorder is the process's, shared by the
//! tests running beside this one, so figures are checked as increases.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use sqlx::PgPool;
use vungxanh::Config;

use crate::common::{Reply, TestApp};

const TOKEN: &str = "gs-7f3a9c1e5b2d";

async fn scrape(t: &TestApp, bearer: Option<&str>, from: Option<[u8; 4]>, proxied: bool) -> Reply {
    let mut req = Request::get("/metrics");
    if let Some(b) = bearer {
        req = req.header(header::AUTHORIZATION, format!("Bearer {b}"));
    }
    if proxied {
        req = req.header("x-forwarded-for", "203.0.113.9");
    }
    let mut req = req.body(Body::empty()).unwrap();
    if let Some(ip) = from {
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from((ip, 40000))));
    }
    t.send(req).await
}

/// The sum of the series of `name` whose labels include every one of `labels`.
fn value(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.rsplit_once(' '))
        .filter(|(series, _)| {
            let (n, rest) = series.split_once('{').unwrap_or((series, ""));
            n == name
                && labels
                    .iter()
                    .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\"")))
        })
        .map(|(_, v)| v.parse::<f64>().unwrap())
        .sum()
}

#[sqlx::test]
async fn metrics_answer_only_this_machine_unless_a_token_is_set(db: PgPool) {
    let t = TestApp::new(db.clone()).await;
    assert_eq!(
        scrape(&t, None, None, false).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        scrape(&t, None, Some([192, 0, 2, 7]), false).await.status,
        StatusCode::FORBIDDEN,
        "another machine"
    );
    assert_eq!(
        scrape(&t, None, Some([127, 0, 0, 1]), true).await.status,
        StatusCode::FORBIDDEN,
        "through the proxy: from anyone"
    );
    let local = scrape(&t, None, Some([127, 0, 0, 1]), false).await;
    assert_eq!(local.status, StatusCode::OK);
    assert!(
        local.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );

    let config = Config {
        metrics_token: Some(TOKEN.into()),
        ..Config::for_tests()
    };
    let t = TestApp::with_config(db, config).await;
    for wrong in [None, Some("doan-bua")] {
        let r = scrape(&t, wrong, Some([127, 0, 0, 1]), false).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.headers[header::WWW_AUTHENTICATE], "Bearer");
    }
    assert_eq!(
        scrape(&t, Some(TOKEN), Some([192, 0, 2, 7]), true)
            .await
            .status,
        StatusCode::OK,
        "the token is enough, from anywhere"
    );
}

#[sqlx::test]
async fn metrics_count_requests_per_route_boards_cache_hits_sign_in_failures_and_keyed_writes(
    db: PgPool,
) {
    let config = Config {
        metrics_token: Some(TOKEN.into()),
        ..Config::for_tests()
    };
    let t = TestApp::with_config(db, config).await;
    t.user("thanhpho", "city", "01").await;
    t.user("lienninh", "commune", "00682").await;
    let city = t.token("thanhpho").await;
    let commune = t.token("lienninh").await;
    let before = scrape(&t, Some(TOKEN), None, false).await.text;
    let summary = [("method", "GET"), ("route", "/api/v1/areas/{code}/summary")];

    // The same board three times: computed once, then served from the cache.
    for _ in 0..3 {
        let r = t
            .api("GET", "/api/v1/areas/01/summary", Some(&city), None)
            .await;
        assert_eq!(r.status, StatusCode::OK);
    }
    // The city's page draws its board (and then serves it drawn).
    let mut b = t.signed_in("thanhpho").await;
    for _ in 0..2 {
        assert_eq!(b.get("/areas/01").await.status, StatusCode::OK);
    }
    t.api("GET", "/api/v1/nowhere/at/all", Some(&city), None)
        .await;
    let r = t
        .api(
            "POST",
            "/api/v1/auth/token",
            None,
            Some(json!({"username": "thanhpho", "password": "sai-mật-khẩu"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // A write from the offline outbox, sent twice.
    for _ in 0..2 {
        let req = Request::post("/api/v1/cases")
            .header(header::AUTHORIZATION, format!("Bearer {commune}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header("Idempotency-Key", "outbox-metrics-1")
            .body(Body::from(json!({"commune_code": "00682", "case_code": "BN1", "detected_on": "2021-07-30", "detected_in": "community", "status": "treating"}).to_string()))
            .unwrap();
        assert_eq!(t.send(req).await.status, StatusCode::CREATED);
    }

    let after = scrape(&t, Some(TOKEN), None, false).await.text;
    let grew = |name: &str, labels: &[(&str, &str)]| {
        value(&after, name, labels) - value(&before, name, labels)
    };
    let ok: Vec<(&str, &str)> = [summary.as_slice(), &[("status", "200")]].concat();
    assert!(grew("vx_http_requests_total", &ok) >= 3.0, "{after}");
    assert!(grew("vx_http_request_duration_seconds_count", &summary) >= 3.0);
    assert!(
        value(
            &after,
            "vx_http_request_duration_seconds_bucket",
            &[summary.as_slice(), &[("le", "+Inf")]].concat()
        ) >= 3.0,
        "a histogram with buckets"
    );
    assert!(
        grew(
            "vx_http_requests_total",
            &[("route", "unmatched"), ("status", "404")]
        ) >= 1.0,
        "unknown paths share one label"
    );
    assert!(
        !after.contains("/api/v1/nowhere"),
        "paths never become labels"
    );
    assert!(grew("vx_board_computations_total", &[("level", "city")]) >= 1.0);
    assert!(grew("vx_board_computation_seconds_count", &[("level", "city")]) >= 1.0);
    assert!(grew("vx_board_cache_hits_total", &[]) >= 2.0);
    assert!(grew("vx_board_render_seconds_count", &[("level", "city")]) >= 1.0);
    assert!(grew("vx_sign_in_failures_total", &[]) >= 1.0);
    assert!(grew("vx_idempotent_writes_total", &[("outcome", "stored")]) >= 1.0);
    assert!(grew("vx_idempotent_writes_total", &[("outcome", "repeat")]) >= 1.0);
    assert!(value(&after, "vx_db_pool_max_connections", &[]) >= 1.0);
    assert!(after.contains("vx_db_pool_connections{state=\"in_use\"}"));
}

#[sqlx::test]
async fn a_sign_in_refused_by_the_rate_limit_is_counted(db: PgPool) {
    let config = Config {
        metrics_token: Some(TOKEN.into()),
        sign_in_max_failures: 1,
        ..Config::for_tests()
    };
    let t = TestApp::with_config(db, config).await;
    t.user("thanhpho", "city", "01").await;
    let before = scrape(&t, Some(TOKEN), None, false).await.text;
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let r = t
            .api(
                "POST",
                "/api/v1/auth/token",
                None,
                Some(json!({"username": "thanhpho", "password": "sai-mật-khẩu"})),
            )
            .await;
        statuses.push(r.status);
    }
    assert_eq!(statuses.last(), Some(&StatusCode::TOO_MANY_REQUESTS));
    let after = scrape(&t, Some(TOKEN), None, false).await.text;
    assert!(
        value(&after, "vx_sign_in_refusals_total", &[])
            - value(&before, "vx_sign_in_refusals_total", &[])
            >= 1.0
    );
}
