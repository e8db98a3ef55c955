//! Load, faults and shutdown: many users at once lose and duplicate nothing;
//! PostgreSQL stopped and restarted under load gives clear 503s and every
//! acknowledged write survives; a client that goes away mid-request leaves
//! nothing behind; a graceful shutdown finishes the request in flight.
//! Every loop is bounded in count and time and talks to loopback only.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::common::{PASSWORD, TestApp};
use axum::http::StatusCode;
use serde_json::json;
use sqlx::PgPool;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use vungxanh::storage::db;
use vungxanh::storage::pg::PrivateCluster;

fn case(code: &str) -> serde_json::Value {
    json!({"commune_code": "00682", "case_code": code, "detected_on": "2021-07-31", "detected_in": "community", "status": "treating"})
}

#[sqlx::test]
async fn many_users_viewing_and_writing_at_once_lose_and_duplicate_nothing(db: PgPool) {
    let t = Arc::new(TestApp::new(db).await);
    t.user("lienninh", "commune", "00682").await;
    t.user("thanhpho", "city", "01").await;
    let writer = Arc::new(t.token("lienninh").await);
    let reader = Arc::new(t.token("thanhpho").await);
    let (ok, errors) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let mut tasks = Vec::new();
    for worker in 0..16 {
        let (t, writer, reader, ok, errors) = (
            t.clone(),
            writer.clone(),
            reader.clone(),
            ok.clone(),
            errors.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            for i in 0..25 {
                let r = if i % 2 == 0 {
                    let code = format!("L{worker}-{i}");
                    let r = t
                        .api("POST", "/api/v1/cases", Some(&writer), Some(case(&code)))
                        .await;
                    if r.status == StatusCode::CREATED {
                        acknowledged.push(code);
                    }
                    r
                } else {
                    t.api("GET", "/api/v1/areas/01/summary", Some(&reader), None)
                        .await
                };
                if r.status.is_success() {
                    ok.fetch_add(1, Ordering::Relaxed)
                } else {
                    errors.fetch_add(1, Ordering::Relaxed)
                };
            }
            acknowledged
        }));
    }
    let mut acknowledged = Vec::new();
    for task in tasks {
        acknowledged.extend(
            tokio::time::timeout(Duration::from_secs(120), task)
                .await
                .unwrap()
                .unwrap(),
        );
    }
    let stored: Vec<String> = sqlx::query_scalar("select case_code from cases order by case_code")
        .fetch_all(&t.db)
        .await
        .unwrap();
    acknowledged.sort();
    println!(
        "load: {} requests, {} errors, {} writes acknowledged, {} stored",
        ok.load(Ordering::Relaxed) + errors.load(Ordering::Relaxed),
        errors.load(Ordering::Relaxed),
        acknowledged.len(),
        stored.len()
    );
    assert_eq!(errors.load(Ordering::Relaxed), 0, "no error responses");
    assert_eq!(
        stored, acknowledged,
        "every acknowledged write stored once, nothing else"
    );
    let s = t
        .api("GET", "/api/v1/areas/01/summary", Some(&reader), None)
        .await
        .json();
    assert_eq!(
        s["f0"]["total"],
        stored.len(),
        "the dashboard counts them all"
    );
}

#[tokio::test]
async fn postgres_stopped_under_load_gives_503_and_every_acknowledged_write_survives() {
    let base = std::env::temp_dir().join(format!("vx-fault-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let cluster = PrivateCluster::locate(&base).await.unwrap();
    cluster.start().await.unwrap();
    cluster.ensure_database("fault").await.unwrap();
    let pool = db::connect_with(&cluster.database_url("fault"), 10, Duration::from_secs(1))
        .await
        .unwrap();
    db::migrate(&pool).await.unwrap();
    let t = Arc::new(TestApp::new(pool.clone()).await);
    t.user("lienninh", "commune", "00682").await;
    let token = Arc::new(t.token("lienninh").await);

    let statuses = Arc::new(std::sync::Mutex::new(Vec::new()));
    let writer = {
        let (t, token, statuses) = (t.clone(), token.clone(), statuses.clone());
        tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            for i in 0..400 {
                let code = format!("F{i}");
                let r = t
                    .api("POST", "/api/v1/cases", Some(&token), Some(case(&code)))
                    .await;
                if r.status == StatusCode::CREATED {
                    acknowledged.push(code);
                } else {
                    assert_eq!(
                        r.json()["error"]["code"],
                        "unavailable",
                        "{}: {}",
                        r.status,
                        r.text
                    );
                }
                statuses.lock().unwrap().push(r.status.as_u16());
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            acknowledged
        })
    };
    // Let some writes through, stop the database, then bring it back.
    while statuses.lock().unwrap().len() < 50 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    cluster.stop().await.unwrap();
    let down = t.api("GET", "/readyz", None, None).await;
    assert_eq!(down.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        down.text
            .contains("Cơ sở dữ liệu tạm thời không truy cập được"),
        "a clear page: {}",
        down.text
    );
    let seen_before = statuses.lock().unwrap().len();
    while statuses.lock().unwrap().len() < seen_before + 5 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    cluster.start().await.unwrap();
    let acknowledged = tokio::time::timeout(Duration::from_secs(240), writer)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        t.api("GET", "/readyz", None, None).await.status,
        StatusCode::OK,
        "recovered by itself"
    );
    let statuses = statuses.lock().unwrap().clone();
    let unavailable = statuses.iter().filter(|s| **s == 503).count();
    let stored: Vec<String> = sqlx::query_scalar("select case_code from cases")
        .fetch_all(&pool)
        .await
        .unwrap();
    println!(
        "faults: {} writes tried, {} acknowledged, {} refused with 503 while down, {} stored",
        statuses.len(),
        acknowledged.len(),
        unavailable,
        stored.len()
    );
    assert!(unavailable > 0, "the outage was seen");
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 503),
        "only 201 and 503: {statuses:?}"
    );
    assert!(
        statuses.last() == Some(&201),
        "writes succeed again after the restart"
    );
    for code in &acknowledged {
        assert!(stored.contains(code), "acknowledged {code} was lost");
    }
    pool.close().await;
    cluster.stop().await.unwrap();
    let _ = std::fs::remove_dir_all(&base);
}

/// Serves the app on a socket with the binary's graceful shutdown.
async fn serve_with_shutdown(
    t: &TestApp,
) -> (
    SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let config = vungxanh::Config::for_tests();
    let limits = vungxanh::web::serve::Limits::from(&config);
    let app = t.app.clone();
    let server = tokio::spawn(vungxanh::web::serve::serve(listener, app, limits, async {
        rx.await.ok();
    }));
    (addr, tx, server)
}

fn head(token: &str, len: usize) -> String {
    format!(
        "POST /api/v1/cases HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
    )
}

#[sqlx::test]
async fn a_graceful_shutdown_finishes_the_request_in_flight(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("lienninh", "commune", "00682").await;
    let token = t.token("lienninh").await;
    let (addr, stop, server) = serve_with_shutdown(&t).await;
    let body = case("G1").to_string();
    let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
    conn.write_all(head(&token, body.len()).as_bytes())
        .await
        .unwrap();
    conn.write_all(&body.as_bytes()[..10]).await.unwrap();
    // The request is in flight, its body half sent: now the shutdown signal.
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.send(()).unwrap();
    conn.write_all(&body.as_bytes()[10..]).await.unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server stops")
        .unwrap();
    let n: i64 = sqlx::query_scalar("select count(*) from cases where case_code = 'G1'")
        .fetch_one(&t.db)
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no new connections after shutdown"
    );
}

#[sqlx::test]
async fn a_client_that_disconnects_mid_request_leaves_nothing_half_written(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("lienninh", "commune", "00682").await;
    let token = t.token("lienninh").await;
    let before = t.audit_count().await;
    let (addr, _stop, _server) = serve_with_shutdown(&t).await;
    let body = case("H1").to_string();
    for cut in [0, 5, body.len() / 2, body.len() - 1] {
        let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
        conn.write_all(head(&token, body.len()).as_bytes())
            .await
            .unwrap();
        conn.write_all(&body.as_bytes()[..cut]).await.unwrap();
        drop(conn);
    }
    // A complete request afterwards goes through: the server is fine.
    let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
    let whole = case("H2").to_string();
    conn.write_all(head(&token, whole.len()).as_bytes())
        .await
        .unwrap();
    conn.write_all(whole.as_bytes()).await.unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    let codes: Vec<String> = sqlx::query_scalar("select case_code from cases")
        .fetch_all(&t.db)
        .await
        .unwrap();
    assert_eq!(codes, vec!["H2"]);
    assert_eq!(t.audit_count().await, before + 1, "one audit row, for H2");
    let _ = PASSWORD;
}

/// A request dropped while its transaction begins (the client went away)
/// must not leave its pooled connection inside a transaction: the next
/// statements on that connection would stay uncommitted, and a write
/// acknowledged to the next user could vanish with a later rollback.
#[sqlx::test]
async fn a_request_dropped_while_its_transaction_begins_leaves_no_transaction_open(db: PgPool) {
    // One connection, so the next statement surely runs on the same one.
    let one = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect_with((*db.connect_options()).clone())
        .await
        .unwrap();
    sqlx::query("create table written (n int)")
        .execute(&db)
        .await
        .unwrap();
    for n in 1..=20i64 {
        // Dropped at its first wait, as hyper drops a handler whose client left.
        let _ = tokio::time::timeout(Duration::ZERO, db::begin(&one)).await;
        // The next user's write, on the same connection, without a transaction.
        sqlx::query("insert into written values (1)")
            .execute(&one)
            .await
            .unwrap();
        let seen: i64 = sqlx::query_scalar("select count(*) from written")
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(
            seen, n,
            "a write stayed inside a transaction left open by a dropped BEGIN"
        );
    }
    one.close().await;
}
