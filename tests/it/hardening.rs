//! The holes found by probing the running server as each role (issue 10),
//! one test per hole: each fails on the code before the fix.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use sqlx::PgPool;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use vungxanh::{AppState, Config};

use crate::common::{PASSWORD, Reply, TestApp};

// ---------------------------------------------------------------- 1. open redirect

#[sqlx::test]
async fn sign_in_never_follows_next_off_site_and_a_line_break_in_it_is_no_error(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("thanhtri", "district", "020").await;
    for next in [
        "/\t/evil.example/x",
        "//evil.example/x",
        "/\\evil.example/x",
        "/ /evil.example",
        "/areas/020\r\nSet-Cookie: vx_session=planted",
        "/areas/020\nx",
        "https://evil.example/",
    ] {
        let mut b = t.browser();
        let r = b
            .post(
                "/sign-in",
                "/sign-in",
                &[
                    ("username", "thanhtri"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next:?}: {}", r.text);
        assert_eq!(r.location(), "/", "{next:?}");
    }
    let mut b = t.browser();
    let r = b
        .post(
            "/sign-in",
            "/sign-in",
            &[
                ("username", "thanhtri"),
                ("password", PASSWORD),
                ("next", "/areas/020?date=2021-07-30"),
            ],
        )
        .await;
    assert_eq!(r.location(), "/areas/020?date=2021-07-30");
    // The sign-in page asked for with such a `next` does not carry it either.
    let page = t.browser().get("/sign-in?next=%2F%09%2Fevil.example").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text
            .contains(r#"<input type="hidden" name="next" value="/">"#),
        "{}",
        page.text
    );
}

#[sqlx::test]
async fn the_language_switch_never_follows_next_off_site_and_a_line_break_is_no_error(db: PgPool) {
    let t = TestApp::new(db).await;
    let mut b = t.browser();
    for next in [
        "%2F%09%2Fevil.example%2Fx",
        "%2F%5C%2Fevil.example",
        "%2F%2Fevil.example",
        "%2Fareas%0D%0ASet-Cookie:%20a=b",
        "%2Fareas%0A",
        "%2F%C2%A0%2Fevil.example",
    ] {
        let r = b.get(&format!("/lang/en?next={next}")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next}: {}", r.text);
        assert_eq!(r.location(), "/", "{next}");
    }
    let r = b.get("/lang/vi?next=%2Fareas%2F020").await;
    assert_eq!(r.location(), "/areas/020");
}

// ---------------------------------------------------------------- 3. sessions and tokens

#[sqlx::test]
async fn a_password_change_ends_every_session_and_token_of_the_user_at_once(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("quantri", "admin", "01").await;
    let id = t.user("lienninh", "commune", "00682").await;
    let mut laptop = t.signed_in("lienninh").await;
    let mut phone = t.signed_in("lienninh").await;
    let token = t.token("lienninh").await;
    let mut admin = t.signed_in("quantri").await;
    let before = t.audit_count().await;
    admin
        .save_user(
            id,
            &[
                ("display_name", "Cán bộ Liên Ninh"),
                ("role", "commune"),
                ("area_code", "00682"),
                ("password", "mật-khẩu-mới-hoàn-toàn"),
            ],
        )
        .await;
    assert_eq!(t.audit_count().await, before + 1);
    for b in [&mut laptop, &mut phone] {
        let r = b.get("/areas/00682").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "the old session has ended");
        assert!(r.location().starts_with("/sign-in"));
    }
    assert_eq!(
        t.api("GET", "/api/v1/areas/00682", Some(&token), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED,
        "the token issued before has been revoked"
    );
    // The administrator's own session is untouched; the new password works.
    assert_eq!(admin.get("/admin/users").await.status, StatusCode::OK);
    let mut b = t.browser();
    let r = b.sign_in("lienninh", "mật-khẩu-mới-hoàn-toàn").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(b.get("/areas/00682").await.status, StatusCode::OK);
    // Saving without a new password ends nothing.
    admin
        .save_user(
            id,
            &[
                ("display_name", "Cán bộ Liên Ninh"),
                ("role", "commune"),
                ("area_code", "00682"),
            ],
        )
        .await;
    assert_eq!(b.get("/areas/00682").await.status, StatusCode::OK);
}

#[sqlx::test]
async fn a_disabled_then_re_enabled_user_does_not_get_the_old_session_back(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("quantri", "admin", "01").await;
    let id = t.user("lienninh", "commune", "00682").await;
    let mut official = t.signed_in("lienninh").await;
    let mut admin = t.signed_in("quantri").await;
    let fields = [
        ("display_name", "Cán bộ Liên Ninh"),
        ("role", "commune"),
        ("area_code", "00682"),
    ];
    let mut disabled = fields.to_vec();
    disabled.push(("disabled", "on"));
    // Disabled and enabled again without the official asking for a page in between.
    admin.save_user(id, &disabled).await;
    admin.save_user(id, &fields).await;
    let r = official.get("/areas/00682").await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "the old session stays ended"
    );
    assert!(r.location().starts_with("/sign-in"));
    assert_eq!(
        t.signed_in("lienninh")
            .await
            .get("/areas/00682")
            .await
            .status,
        StatusCode::OK,
        "signing in again works"
    );
}

#[sqlx::test]
async fn the_set_password_command_ends_every_session_and_token_and_is_audited(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("lienninh", "commune", "00682").await;
    let mut b = t.signed_in("lienninh").await;
    let token = t.token("lienninh").await;
    let hash = vungxanh::domain::password::hash("mật-khẩu-mới-hoàn-toàn".into())
        .await
        .unwrap();
    let before = t.audit_count().await;
    let mut conn = t.db.acquire().await.unwrap();
    let done = vungxanh::storage::users::set_password(
        &mut conn,
        &vungxanh::storage::audit::Actor::system("cli"),
        "lienninh",
        &hash,
        t.clock.now(),
    )
    .await
    .unwrap();
    assert!(done);
    assert_eq!(t.audit_count().await, before + 1);
    assert_eq!(b.get("/areas/00682").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        t.api("GET", "/api/v1/areas/00682", Some(&token), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

// ---------------------------------------------------------------- 5. dates and panics

#[sqlx::test]
async fn dates_outside_2019_to_a_year_ahead_are_400_everywhere_and_never_panic(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("lienninh", "commune", "00682").await;
    t.user("thanhpho", "city", "01").await;
    let token = t.token("lienninh").await;
    let mut b = t.signed_in("lienninh").await;
    let before = t.audit_count().await;
    // Today is 1 Aug 2021: the last date served is 1 Aug 2022.
    for date in ["+262142-12-31", "0001-01-01", "2018-12-31", "2022-08-02"] {
        for path in [
            format!("/api/v1/areas/00682/summary?date={date}"),
            format!("/api/v1/daily-reports/00682/{date}"),
            format!("/api/v1/daily-reports?area=00682&date={date}"),
        ] {
            let path = path.replace('+', "%2B");
            let r = t.api("GET", &path, Some(&token), None).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.text);
            assert_eq!(r.json()["error"]["code"], "bad_request", "{path}");
            assert!(
                r.json()["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("01/08/2022"),
                "{path}: {}",
                r.text
            );
        }
        let r = t
            .api(
                "PUT",
                &format!("/api/v1/daily-reports/00682/{date}").replace('+', "%2B"),
                Some(&token),
                Some(json!({"f1_traced": 0, "f1_quarantined": 0, "tests": 0, "dose1": 0, "dose2": 0, "dose3": 0})),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "PUT {date}: {}", r.text);
    }
    let r = t
        .api(
            "GET",
            "/api/v1/areas/00682/summary?date=2022-08-01",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    for path in [
        "/areas/00682?date=%2B262142-12-31",
        "/areas/00682?date=0001-01-01",
        "/daily/00682/0001-01-01",
        "/daily/00682/%2B262142-12-31",
        "/daily?area=00682&date=0001-01-01",
        "/audit?from=0001-01-01",
        "/audit?to=%2B262142-12-31",
    ] {
        let r = b.get(path).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(
            r.text.contains("Ngày phải từ 01/01/2019 đến 01/08/2022."),
            "{path}: {}",
            r.text
        );
    }
    assert_eq!(t.audit_count().await, before, "nothing written");
    // A declaration planned beyond a year is a field error.
    let city = t.token("thanhpho").await;
    let r = t
        .api(
            "POST",
            "/api/v1/areas/020/zone",
            Some(&city),
            Some(json!({"colour": "red", "reason": "Thử", "effective_on": "+262142-12-31"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json()["error"]["fields"]["effective_on"].is_string());
}

#[sqlx::test]
async fn a_handler_that_panics_answers_500_with_the_error_page_and_the_server_goes_on(db: PgPool) {
    let t = TestApp::new(db).await;
    let state = AppState::new(t.db.clone(), Config::for_tests(), t.clock.clone());
    async fn hong() -> &'static str {
        panic!("thử một lỗi")
    }
    let routes = vungxanh::web::routes(&state)
        .route("/hong", axum::routing::get(hong))
        .route("/api/hong", axum::routing::get(hong));
    let app = vungxanh::web::with_layers(routes, state);
    let send = |path: &str| {
        let app = app.clone();
        let req = Request::get(path).body(Body::empty()).unwrap();
        async move { Reply::from(tower::ServiceExt::oneshot(app, req).await.unwrap()).await }
    };
    let r = send("/hong").await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        r.text.contains("Hệ thống gặp lỗi") && !r.text.contains("thử một lỗi"),
        "{}",
        r.text
    );
    assert!(r.headers.contains_key("content-security-policy"));
    let r = send("/api/hong").await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(r.json()["error"]["code"], "internal");
    assert_eq!(send("/healthz").await.status, StatusCode::OK);
}

// ---------------------------------------------------------------- 6. sign-in limits

fn token_request(username: &str, password: &str, from: &str) -> Request<Body> {
    Request::post("/api/v1/auth/token")
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-forwarded-for", from)
        .body(Body::from(
            json!({"username": username, "password": password}).to_string(),
        ))
        .unwrap()
}

fn behind_proxy() -> Config {
    let mut config = Config::for_tests();
    config.trust_proxy = true;
    config
}

#[sqlx::test]
async fn twelve_wrong_passwords_sent_at_once_get_no_more_tries_than_the_limit(db: PgPool) {
    let t = TestApp::with_config(db, behind_proxy()).await;
    t.user("lienninh", "commune", "00682").await;
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let app = t.app.clone();
        set.spawn(async move {
            let req = token_request("lienninh", "đoán-sai-mật-khẩu", "203.0.113.9");
            tower::ServiceExt::oneshot(app, req).await.unwrap().status()
        });
    }
    let mut tried = 0;
    let mut limited = 0;
    while let Some(status) = set.join_next().await {
        match status.unwrap() {
            StatusCode::UNAUTHORIZED => tried += 1,
            StatusCode::TOO_MANY_REQUESTS => limited += 1,
            s => panic!("unexpected {s}"),
        }
    }
    assert_eq!((tried, limited), (5, 7), "five tries, then the lock");
}

#[sqlx::test]
async fn a_stranger_locks_only_their_own_address_out_of_an_account(db: PgPool) {
    let t = TestApp::with_config(db, behind_proxy()).await;
    t.user("lienninh", "commune", "00682").await;
    for _ in 0..5 {
        let r = t
            .send(token_request("lienninh", "đoán-sai", "203.0.113.9"))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = t
        .send(token_request("lienninh", PASSWORD, "203.0.113.9"))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // The official, from the commune office, is not locked out.
    let r = t
        .send(token_request("lienninh", PASSWORD, "198.51.100.7"))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // Nor are other accounts from the stranger's address (below its own limit).
    t.user("thanhtri", "district", "020").await;
    let r = t
        .send(token_request("thanhtri", PASSWORD, "203.0.113.9"))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

#[sqlx::test]
async fn guessing_spread_over_many_addresses_meets_the_accounts_ceiling(db: PgPool) {
    let mut config = behind_proxy();
    config.sign_in_account_max_failures = 8;
    let t = TestApp::with_config(db, config).await;
    t.user("lienninh", "commune", "00682").await;
    // Four addresses, each below its own limit, eight failures together.
    for i in 0..8 {
        let from = format!("192.0.2.{}", i % 4);
        let r = t.send(token_request("lienninh", "đoán-sai", &from)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{i}");
    }
    let r = t
        .send(token_request("lienninh", PASSWORD, "198.51.100.7"))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers.get(header::RETRY_AFTER).unwrap(), "3600");
    t.clock.set(t.clock.now() + chrono::Duration::minutes(61));
    let gone = vungxanh::storage::throttle::purge(&t.db, &Config::for_tests(), t.clock.now())
        .await
        .unwrap();
    assert_eq!(
        gone, 11,
        "5 pairs, 5 addresses and the account, all expired"
    );
    let r = t
        .send(token_request("lienninh", PASSWORD, "198.51.100.7"))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

// ---------------------------------------------------------------- 7. CSV

#[sqlx::test]
async fn a_formula_after_a_separator_in_an_exported_cell_is_defused_and_quoted(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("lienninh", "commune", "00682").await;
    let token = t.token("lienninh").await;
    let r = t
        .api(
            "POST",
            "/api/v1/cases",
            Some(&token),
            Some(json!({"commune_code": "00682", "case_code": "BN7001", "detected_on": "2021-07-31",
                "detected_in": "community", "status": "treating", "village": "Thon 1;=cmd|' /C calc'!A0"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let mut b = t.signed_in("lienninh").await;
    let csv = b.get("/cases?format=csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.text.contains("\"Thon 1;'=cmd|' /C calc'!A0\""),
        "{}",
        csv.text
    );
    assert!(csv.text.contains("\"BN7001\""), "text cells are quoted");
}

// ---------------------------------------------------------------- 8. slow clients

async fn serve_with(config: Config, t: &TestApp) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let limits = vungxanh::web::serve::Limits::from(&config);
    let app = vungxanh::router(AppState::new(t.db.clone(), config, t.clock.clone()));
    tokio::spawn(vungxanh::web::serve::serve(
        listener,
        app,
        limits,
        std::future::pending(),
    ));
    addr
}

#[sqlx::test]
async fn a_client_sending_its_headers_slowly_is_disconnected_within_the_header_timeout(db: PgPool) {
    let t = TestApp::new(db).await;
    let mut config = Config::for_tests();
    config.header_read_timeout = Duration::from_millis(800);
    let addr = serve_with(config, &t).await;
    let conn = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut read, mut write) = conn.into_split();
    let started = Instant::now();
    // One header line every 200 ms, for up to 10 s (slowloris).
    let writer = tokio::spawn(async move {
        if write
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
            .await
            .is_err()
        {
            return;
        }
        for i in 0..50 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if write
                .write_all(format!("X-Slow-{i}: 1\r\n").as_bytes())
                .await
                .is_err()
            {
                return;
            }
        }
    });
    let mut answer = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), read.read_to_end(&mut answer)).await;
    let took = started.elapsed();
    writer.abort();
    assert!(
        closed.is_ok(),
        "the connection is still open after 5 s of slow headers"
    );
    assert!(
        took >= Duration::from_millis(700) && took < Duration::from_secs(3),
        "closed after {took:?}"
    );
    assert!(
        !String::from_utf8_lossy(&answer).contains("200 OK"),
        "never served"
    );
    // A client that sends its request at once is served.
    let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
    conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[sqlx::test]
async fn a_request_whose_body_never_finishes_times_out_and_connections_are_capped(db: PgPool) {
    let t = TestApp::new(db).await;
    let mut config = Config::for_tests();
    config.request_timeout = Duration::from_millis(800);
    config.max_connections = 1;
    let addr = serve_with(config, &t).await;
    // Headers in time, but only part of the body: 408 after the request timeout.
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(
        b"POST /api/v1/auth/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{\"user",
    )
    .await
    .unwrap();
    // Meanwhile a second connection waits: one connection at a time.
    let mut second = tokio::net::TcpStream::connect(addr).await.unwrap();
    second
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 64];
    let early = tokio::time::timeout(Duration::from_millis(400), second.read(&mut buf)).await;
    assert!(early.is_err(), "served beyond the connection cap");
    let started = Instant::now();
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(5), slow.read_to_string(&mut answer))
        .await
        .expect("the slow request ends")
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(2));
    // Once the first connection is gone, the second is served.
    drop(slow);
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(5), second.read_to_string(&mut answer))
        .await
        .expect("the waiting connection is served")
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

// ---------------------------------------------------------------- 9. zone declarations

#[sqlx::test]
async fn a_district_cannot_withdraw_the_citys_declaration_which_outranks_its_own(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("thanhpho", "city", "01").await;
    t.user("thanhtri", "district", "020").await;
    let city = t.token("thanhpho").await;
    let district = t.token("thanhtri").await;
    let declare = |token: String, colour: &'static str, on: &'static str| {
        let t = &t;
        async move {
            let r = t
                .api(
                    "POST",
                    "/api/v1/areas/00682/zone",
                    Some(&token),
                    Some(json!({"colour": colour, "reason": "Chỉ đạo", "effective_on": on})),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        }
    };
    let colour = || async {
        let r = t
            .api("GET", "/api/v1/areas/00682/summary", Some(&city), None)
            .await;
        (
            r.json()["zone"]["colour"].as_str().unwrap().to_string(),
            r.json()["zone"]["declaration"]["declared_level"]
                .as_str()
                .unwrap_or("")
                .to_string(),
        )
    };
    declare(city.clone(), "red", "2021-07-30").await;
    // A later declaration by the district does not override the city's.
    declare(district.clone(), "green", "2021-08-01").await;
    assert_eq!(colour().await, ("red".into(), "city".into()));
    let before = t.audit_count().await;
    // The district withdraws its own declaration only.
    let r = t
        .api("DELETE", "/api/v1/areas/00682/zone", Some(&district), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(colour().await, ("red".into(), "city".into()));
    let r = t
        .api("DELETE", "/api/v1/areas/00682/zone", Some(&district), None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "the city's stands");
    assert_eq!(colour().await, ("red".into(), "city".into()));
    assert_eq!(t.audit_count().await, before + 1);
    let standing: i64 = sqlx::query_scalar(
        "select count(*) from zone_declarations where area_code = '00682' and withdrawn_at is null",
    )
    .fetch_one(&t.db)
    .await
    .unwrap();
    assert_eq!(standing, 1);
    // The city withdraws its own.
    let r = t
        .api("DELETE", "/api/v1/areas/00682/zone", Some(&city), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(colour().await, ("green".into(), "".into()));
}

// ---------------------------------------------------------------- 11. caching

#[sqlx::test]
async fn every_signed_in_response_says_no_store_and_static_files_keep_their_caching(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("lienninh", "commune", "00682").await;
    let token = t.token("lienninh").await;
    let mut b = t.signed_in("lienninh").await;
    let cache = |r: &Reply| {
        r.headers
            .get(header::CACHE_CONTROL)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    for path in [
        "/areas/00682",
        "/cases",
        "/audit",
        "/areas/020",
        "/areas/99999",
    ] {
        let r = b.get(path).await;
        assert_eq!(cache(&r), "no-store", "{path} ({})", r.status);
    }
    let r = b.get("/cases?format=csv").await;
    assert_eq!(cache(&r), "no-store", "exports");
    for path in [
        "/api/v1/areas/00682",
        "/api/v1/areas/00682/summary",
        "/api/v1/areas/020",
    ] {
        let r = t.api("GET", path, Some(&token), None).await;
        assert_eq!(cache(&r), "no-store", "{path} ({})", r.status);
    }
    let r = b.get("/static/style.css").await;
    assert_eq!(cache(&r), "public, max-age=3600");
    let r = t.browser().get("/healthz").await;
    assert_eq!(cache(&r), "");
}

// ---------------------------------------------------------------- 12. smaller ones

#[sqlx::test]
async fn only_the_administrator_sees_the_addresses_users_signed_in_from(db: PgPool) {
    let t = TestApp::with_config(db, behind_proxy()).await;
    t.user("quantri", "admin", "01").await;
    t.user("thanhpho", "city", "01").await;
    t.user("lienninh", "commune", "00682").await;
    let r = t
        .send(token_request("lienninh", PASSWORD, "198.51.100.77"))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let mut b = t.browser();
    let csrf = b.get("/sign-in").await.csrf();
    let body = serde_urlencoded::to_string([
        ("csrf", csrf.as_str()),
        ("username", "thanhpho"),
        ("password", PASSWORD),
    ])
    .unwrap();
    let cookies = b
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let r = t
        .send(
            Request::post("/sign-in")
                .header(header::COOKIE, cookies)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header("x-forwarded-for", "198.51.100.78")
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut city = t.signed_in("thanhpho").await;
    let page = city.get("/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("đã đăng nhập") && page.text.contains("mã truy cập API"));
    assert!(
        !page.text.contains("198.51.100.7") && !page.text.contains("address"),
        "{}",
        page.text
    );
    let mut admin = t.signed_in("quantri").await;
    let page = admin.get("/audit").await;
    assert!(page.text.contains("198.51.100.77") && page.text.contains("198.51.100.78"));
}

#[sqlx::test]
async fn text_direction_overrides_are_refused_in_names_codes_and_free_text(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("quantri", "admin", "01").await;
    t.user("thanhpho", "city", "01").await;
    t.user("lienninh", "commune", "00682").await;
    let admin = t.token("quantri").await;
    let commune = t.token("lienninh").await;
    let city = t.token("thanhpho").await;
    let before = t.audit_count().await;
    let user = |field: &str, value: &str| {
        let mut u = json!({"username": "nguoimoi", "password": PASSWORD, "role": "commune",
            "area_code": "00682", "display_name": "Người mới"});
        u[field] = value.into();
        u
    };
    for (field, value) in [
        ("display_name", "Nguyễn \u{202E}A nễyugN"),
        ("display_name", "Quản trị\u{2066}"),
        ("username", "admin\u{202E}"),
        ("area_code", "006\u{202D}82"),
    ] {
        let r = t
            .api(
                "POST",
                "/api/v1/users",
                Some(&admin),
                Some(user(field, value)),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            r.text
        );
        let msg = r.json()["error"]["fields"][field]
            .as_str()
            .unwrap_or("")
            .to_string();
        assert!(msg.contains("U+202A"), "{field}: {}", r.text);
    }
    let r = t
        .api(
            "POST",
            "/api/v1/cases",
            Some(&commune),
            Some(
                json!({"commune_code": "00682", "case_code": "BN7002", "detected_on": "2021-07-31",
                "detected_in": "community", "status": "treating", "village": "Thôn \u{202E}1"}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json()["error"]["fields"]["village"].is_string());
    let r = t
        .api(
            "POST",
            "/api/v1/areas/020/zone",
            Some(&city),
            Some(json!({"colour": "red", "reason": "Lý do\u{2067}", "effective_on": "2021-08-01"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json()["error"]["fields"]["reason"].is_string());
    assert_eq!(t.audit_count().await, before, "nothing stored");
}
