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
    // The old key with another case is refused, never answered as the
    // first (case BN701 would be lost without a word); a new key is a new case.
    let other = send_keyed(&t, "POST", "/api/v1/cases", &token, key, case_json("BN701")).await;
    assert_eq!(
        other.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        other.text
    );
    let said = other.json()["error"]["fields"]["idempotency_key"].clone();
    assert!(
        said.as_str().is_some_and(|m| m.contains("mã mới")),
        "the message says to send with a new key: {said}"
    );
    assert_eq!(cases_with_code(&t, "BN701").await, 0);
    assert_eq!(t.audit_count().await, audit, "nothing was written");
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
    // The same form's key with another case (the official changed the code
    // after the first send went through): refused on the form, not dropped.
    let mut changed = fields;
    changed[3] = ("case_code", "BN721");
    let other = b.post_raw("/cases", &changed).await;
    assert_eq!(
        other.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        other.text
    );
    assert!(other.text.contains("Mã chống gửi trùng"), "{}", other.text);
    assert!(other.text.contains("BN721"), "the input is kept");
    assert_eq!(cases_with_code(&t, "BN721").await, 0);
    assert_eq!(cases_with_code(&t, "BN720").await, 1);
}

#[sqlx::test]
async fn the_daily_report_form_sent_twice_with_its_key_is_filed_once(db: PgPool) {
    let t = setup(db).await;
    let mut b = t.signed_in("lienninh").await;
    let form = b.get("/daily/00682/2021-07-31").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text);
    assert!(form.text.contains("name=\"idempotency_key\""));
    let csrf = form.csrf();
    let fields = [
        ("csrf", csrf.as_str()),
        ("idempotency_key", "daily-form-key-0001"),
        ("version", ""),
        ("f1_traced", "3"),
        ("f1_quarantined", "2"),
        ("tests", "40"),
        ("dose1", "10"),
        ("dose2", "5"),
        ("dose3", "0"),
        ("notes", ""),
    ];
    let first = b.post_raw("/daily/00682/2021-07-31", &fields).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.text);
    let audit = t.audit_count().await;
    // Sent again from the phone's outbox: without the key this would be a
    // second filing without the version (409); with it, the first's answer.
    let again = b.post_raw("/daily/00682/2021-07-31", &fields).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.text);
    assert_eq!(again.location(), first.location());
    assert_eq!(t.audit_count().await, audit);
    let version: i32 = sqlx::query_scalar(
        "select version from daily_reports where commune_code = '00682' and day = '2021-07-31'",
    )
    .fetch_one(&t.db)
    .await
    .unwrap();
    assert_eq!(version, 1);
    // The key again with other figures is refused; the report stays as filed.
    let mut changed = fields;
    changed[3] = ("f1_traced", "30");
    let other = b.post_raw("/daily/00682/2021-07-31", &changed).await;
    assert_eq!(
        other.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        other.text
    );
    let traced: i32 = sqlx::query_scalar(
        "select f1_traced from daily_reports where commune_code = '00682' and day = '2021-07-31'",
    )
    .fetch_one(&t.db)
    .await
    .unwrap();
    assert_eq!(traced, 3);
    assert_eq!(t.audit_count().await, audit);
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
    // The key of one report is not the key of another: refused as a key
    // used for another request.
    let other = send_keyed(
        &t,
        "PUT",
        "/api/v1/daily-reports/00682/2021-07-30",
        &token,
        "daily-key-00000001",
        body,
    )
    .await;
    assert_eq!(
        other.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        other.text
    );
}

// ---------------------------------------------------------------- in a browser

mod in_browser {
    use std::time::{Duration, Instant};

    use fantoccini::{Client, Locator};
    use sqlx::PgPool;

    use std::net::SocketAddr;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use crate::browser::{Driver, browser, driver, fill, shot, sign_in};
    use crate::common::TestApp;

    /// What the test server does with a request.
    #[derive(Clone, Copy, PartialEq)]
    #[repr(usize)]
    enum Line {
        /// Answers it.
        Up = 0,
        /// Drops the connection before the request reaches the app: no signal.
        Cut = 1,
        /// Lets the app handle it, then drops the connection: the answer is lost.
        LosesAnswers = 2,
    }

    /// The app on a real socket whose line the test controls.
    struct Server {
        base: String,
        line: Arc<AtomicUsize>,
    }

    impl Server {
        fn set(&self, line: Line) {
            self.line.store(line as usize, Ordering::SeqCst);
        }
    }

    async fn serve(t: &TestApp) -> Server {
        use tower::ServiceExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let line = Arc::new(AtomicUsize::new(Line::Up as usize));
        let (app, l) = (t.app.clone(), line.clone());
        tokio::spawn(async move {
            loop {
                let Ok((stream, peer)) = listener.accept().await else {
                    continue;
                };
                let (app, line) = (app.clone(), l.clone());
                tokio::spawn(async move {
                    let svc = hyper::service::service_fn(
                        move |req: axum::http::Request<hyper::body::Incoming>| {
                            let (app, line) = (app.clone(), line.clone());
                            async move {
                                let mode = line.load(Ordering::SeqCst);
                                if mode == Line::Cut as usize {
                                    return Err(std::io::Error::other("no signal"));
                                }
                                let mut req = req.map(axum::body::Body::new);
                                req.extensions_mut()
                                    .insert(axum::extract::ConnectInfo::<SocketAddr>(peer));
                                let res = app.oneshot(req).await.unwrap();
                                if mode == Line::LosesAnswers as usize {
                                    return Err(std::io::Error::other("answer lost"));
                                }
                                Ok(res)
                            }
                        },
                    );
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(io, svc)
                        .await;
                });
            }
        });
        Server {
            base: format!("http://{addr}"),
            line,
        }
    }

    /// Cuts (or restores) the phone's network: Chromium's offline emulation,
    /// through chromedriver's network conditions.
    async fn network(d: &Driver, c: &Client, online: bool) {
        use http_body_util::{BodyExt, Full};
        use hyper_util::client::legacy::Client as Http;
        let sid = c.session_id().await.unwrap().expect("a session");
        let uri = format!(
            "http://127.0.0.1:{}/session/{sid}/chromium/network_conditions",
            d.port
        );
        let body = serde_json::json!({"network_conditions": {
            "offline": !online, "latency": 0,
            "download_throughput": 100_000_000, "upload_throughput": 100_000_000}});
        let http = Http::builder(hyper_util::rt::TokioExecutor::new())
            .build_http::<Full<axum::body::Bytes>>();
        let req = axum::http::Request::post(uri)
            .header("content-type", "application/json")
            .body(Full::new(axum::body::Bytes::from(body.to_string())))
            .unwrap();
        let res = http.request(req).await.unwrap();
        let status = res.status();
        let text = res.into_body().collect().await.unwrap().to_bytes();
        assert!(status.is_success(), "network conditions: {text:?}");
        let want = if online { "true" } else { "false" };
        until(
            c,
            &format!("return String(navigator.onLine) === '{want}'"),
            "navigator.onLine",
        )
        .await;
    }

    /// Waits until the script returns true.
    async fn until(c: &Client, script: &str, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let v = c.execute(script, vec![]).await.unwrap();
            if v == serde_json::Value::Bool(true) {
                return;
            }
            if Instant::now() >= deadline {
                let state = c
                    .execute_async(
                        "const done = arguments[arguments.length - 1];
                         navigator.serviceWorker.getRegistrations().then(rs => done(JSON.stringify(rs.map(r =>
                           ({scope: r.scope, active: !!r.active, installing: !!r.installing, waiting: !!r.waiting})))),
                           e => done(String(e)));",
                        vec![],
                    )
                    .await;
                panic!("timed out waiting for {what}; service workers: {state:?}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    async fn count(t: &TestApp, code: &str) -> i64 {
        sqlx::query_scalar("select count(*) from cases where case_code = $1")
            .bind(code)
            .fetch_one(&t.db)
            .await
            .unwrap()
    }

    async fn save_case(c: &Client, code: &str) {
        fill(c, "case_code", code).await;
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
    }

    async fn waiting(c: &Client, n: usize) {
        until(
            c,
            &format!(
                "const e = document.getElementById('outbox-count'); \
                 return !!e && !e.hidden && e.textContent === '{n} bản ghi chờ gửi'"
            ),
            &format!("{n} records waiting"),
        )
        .await;
    }

    #[sqlx::test]
    async fn two_cases_saved_without_signal_arrive_exactly_once_when_it_returns(db: PgPool) {
        let t = TestApp::new(db).await;
        t.user("lienninh", "commune", "00682").await;
        let server = serve(&t).await;
        let base = server.base.clone();
        let d = driver();
        let c = browser(&d).await;
        c.set_window_size(390, 844).await.unwrap();
        sign_in(&c, &base, "lienninh").await;

        // With signal, the new case form is opened once: the service worker keeps it.
        c.goto(&format!("{base}/cases/new")).await.unwrap();
        let ready = "const done = arguments[arguments.length - 1];
            navigator.serviceWorker.ready.then(() => done(true), () => done(false));";
        assert_eq!(
            c.execute_async(ready, vec![]).await.unwrap(),
            serde_json::Value::Bool(true),
            "the service worker is active"
        );
        // A page opened once the worker is active is served through it.
        c.refresh().await.unwrap();
        until(
            &c,
            "return !!(navigator.serviceWorker && navigator.serviceWorker.controller)",
            "the service worker",
        )
        .await;
        let kept = "const done = arguments[arguments.length - 1];
            caches.open('vx-pages-v1').then(c => c.match('/cases/new')).then(r => done(!!r), () => done(false));";
        let deadline = Instant::now() + Duration::from_secs(30);
        while c.execute_async(kept, vec![]).await.unwrap() != serde_json::Value::Bool(true) {
            assert!(Instant::now() < deadline, "the form page was not kept");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }

        // A weak signal: the phone believes it is online but nothing gets
        // through. The first case is kept by the service worker.
        server.set(Line::Cut);
        save_case(&c, "BN900").await;
        waiting(&c, 1).await;
        until(
            &c,
            "return !!document.getElementById('outbox-kept') && location.search.includes('kept=1')",
            "the form again, with the case kept",
        )
        .await;
        shot(&c, "offline-01-kept-on-a-weak-signal").await;

        // No signal at all (Chromium's offline emulation): the second case
        // is kept by the page.
        network(&d, &c, false).await;
        save_case(&c, "BN901").await;
        waiting(&c, 2).await;
        shot(&c, "offline-02-two-cases-waiting").await;
        // Each waits for the user who saved it (a shared phone sends no one else's).
        let owners = c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 caches.open('vx-outbox').then(c => c.keys().then(ks => Promise.all(ks.map(k => c.match(k)))))
                   .then(rs => done(rs.map(r => r.headers.get('x-vx-user')).join(',')), e => done(String(e)));",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(owners, serde_json::json!("lienninh,lienninh"));

        // The form still opens without signal (from the phone: the server is
        // unreachable), and what waits is still there.
        c.goto(&format!("{base}/cases/new")).await.unwrap();
        waiting(&c, 2).await;
        assert!(c.find(Locator::Css("#save")).await.is_ok());
        shot(&c, "offline-03-form-without-signal").await;
        assert_eq!(count(&t, "BN900").await + count(&t, "BN901").await, 0);

        // The signal returns but the first answer is lost on the way back:
        // the case is stored, the phone does not know and keeps it.
        server.set(Line::LosesAnswers);
        network(&d, &c, true).await;
        let deadline = Instant::now() + Duration::from_secs(30);
        while count(&t, "BN900").await == 0 {
            assert!(Instant::now() < deadline, "the first send did not arrive");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        waiting(&c, 2).await;

        // A good signal: both are sent again; each is stored once.
        server.set(Line::Up);
        network(&d, &c, false).await;
        network(&d, &c, true).await;
        until(
            &c,
            "const e = document.getElementById('outbox'); return !!e && e.hidden",
            "the outbox to empty",
        )
        .await;
        shot(&c, "offline-04-sent").await;
        assert_eq!(count(&t, "BN900").await, 1);
        assert_eq!(count(&t, "BN901").await, 1);
        let keys: i64 = sqlx::query_scalar("select count(*) from idempotency_keys")
            .fetch_one(&t.db)
            .await
            .unwrap();
        assert_eq!(keys, 2, "each stored under its own key");
        c.close().await.unwrap();
    }
}
