//! Failover (issue 29): pg_auto_failover's monitor, primary and synchronous
//! standby on this machine (`scripts/failover-cluster.sh`), the app
//! following whichever host is writable. A write answered 201 survives the
//! primary's machine dying; while no primary is known pages are read-only
//! and writes answer 503 with a reason.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use tower::ServiceExt;
use vungxanh::storage::db;
use vungxanh::storage::primary::{Primary, host_urls};

use crate::common::{Reply, TestApp};

/// A monitor and two nodes of their own, stopped and deleted when dropped
/// (a failed assertion included).
struct Cluster {
    dir: PathBuf,
}

impl Cluster {
    fn up(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("vx-fo-{name}-{}", std::process::id()));
        let ports: Vec<String> = (0..3)
            .map(|_| std::net::TcpListener::bind("127.0.0.1:0").unwrap())
            .collect::<Vec<_>>()
            .iter()
            .map(|l| l.local_addr().unwrap().port().to_string())
            .collect();
        let c = Self { dir };
        c.run(&["up", &ports[0], &ports[1], &ports[2]]);
        c
    }

    fn run(&self, args: &[&str]) -> String {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/failover-cluster.sh");
        let out = Command::new("bash")
            .arg(script)
            .arg(args[0])
            .arg(&self.dir)
            .args(&args[1..])
            .output()
            .expect("bash");
        assert!(
            out.status.success(),
            "failover-cluster.sh {}: {}",
            args[0],
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// The app over this cluster's hosts, following its primary.
    async fn app(&self) -> TestApp {
        let urls = host_urls(&self.run(&["urls"]), None).unwrap();
        assert_eq!(urls.len(), 2);
        let (primary, pool) = Primary::connect(&urls, 8, Duration::from_secs(30))
            .await
            .unwrap();
        db::migrate(&pool).await.unwrap();
        let t = TestApp::following(pool, primary).await;
        t.user("lienninh", "commune", "00682").await;
        t
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/failover-cluster.sh");
        let _ = Command::new("bash")
            .arg(script)
            .arg("down")
            .arg(&self.dir)
            .status();
    }
}

fn new_case(token: &str, key: &str, code: &str) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri("/api/v1/cases")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header("Idempotency-Key", key)
        .body(Body::from(
            json!({"commune_code": "00682", "case_code": code, "detected_on": "2021-07-30",
                   "detected_in": "community", "status": "treating"})
            .to_string(),
        ))
        .unwrap()
}

/// Waits until `/readyz` answers `status` with `words` in its body.
async fn ready_says(t: &TestApp, status: StatusCode, words: &str) {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let r = t.api("GET", "/readyz", None, None).await;
        if r.status == status && r.text.contains(words) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "/readyz never answered {status} {words}: {}",
            r.text
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_answered_201_is_kept_exactly_once_when_the_primarys_machine_dies() {
    let cluster = Cluster::up("storm");
    let t = cluster.app().await;
    let token = t.token("lienninh").await;

    // Four phones send cases, each retrying its write under the same key
    // until it is answered 201, as the offline outbox does.
    let stop = Arc::new(AtomicBool::new(false));
    // Each write answered 201: its case code, when the attempt that was
    // answered was sent, and when the answer came.
    let (acks, mut acked) = tokio::sync::mpsc::unbounded_channel::<(String, Instant, Instant)>();
    let mut phones = Vec::new();
    for phone in 0..4 {
        let (app, token, stop, acks) = (t.app.clone(), token.clone(), stop.clone(), acks.clone());
        phones.push(tokio::spawn(async move {
            let mut refused = 0u32;
            for n in 0.. {
                if stop.load(Ordering::Acquire) {
                    break;
                }
                let (key, code) = (format!("storm-{phone}-{n:05}"), format!("FO{phone}-{n}"));
                let sent = loop {
                    let sent = Instant::now();
                    let res = app
                        .clone()
                        .oneshot(new_case(&token, &key, &code))
                        .await
                        .unwrap();
                    let status = res.status();
                    let r = Reply::from(res).await;
                    match status {
                        StatusCode::CREATED => break sent,
                        StatusCode::SERVICE_UNAVAILABLE | StatusCode::INTERNAL_SERVER_ERROR => {
                            refused += 1;
                            // The outbox's pause between tries, not a wait for anything.
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                        other => panic!("{other}: {}", r.text),
                    }
                };
                if acks.send((code, sent, Instant::now())).is_err() {
                    break;
                }
            }
            refused
        }));
    }
    drop(acks);

    let mut codes = Vec::new();
    while codes.len() < 40 {
        codes.push(acked.recv().await.unwrap().0);
    }
    let killed = cluster.run(&["kill-primary"]);
    let killed_at = Instant::now();
    assert_eq!(killed, "node1", "the first node was the primary");
    let mut resumed = None;
    let mut after = 0;
    let deadline = killed_at + Duration::from_secs(120);
    while after < 40 {
        let (code, sent, at) = tokio::time::timeout_at(deadline.into(), acked.recv())
            .await
            .expect("writes never resumed after the primary died")
            .unwrap();
        // A write sent before the kill and answered just after it is no
        // sign that writes resumed.
        if sent > killed_at {
            resumed.get_or_insert(at);
            after += 1;
        }
        codes.push(code);
    }
    stop.store(true, Ordering::Release);
    // Writes in flight finish: each phone's last write is answered too.
    while let Some((code, _, _)) = acked.recv().await {
        codes.push(code);
    }
    let mut refused = 0;
    for p in phones {
        refused += p.await.unwrap();
    }
    let gap = resumed.unwrap() - killed_at;
    eprintln!(
        "failover: writes resumed {:.1} s after the primary's machine was killed; {} writes \
         answered 201, {refused} refusals retried",
        gap.as_secs_f64(),
        codes.len()
    );

    // On the new primary: every acknowledged case once, and nothing else.
    let stored: Vec<(String, i64)> =
        sqlx::query_as("select case_code, count(*) from cases group by case_code")
            .fetch_all(&t.db)
            .await
            .unwrap();
    let mut acked_codes = codes.clone();
    acked_codes.sort();
    acked_codes.dedup();
    assert_eq!(
        acked_codes.len(),
        codes.len(),
        "each case answered 201 once"
    );
    assert!(
        stored.iter().all(|(_, n)| *n == 1),
        "a case stored twice: {:?}",
        stored.iter().filter(|(_, n)| *n > 1).collect::<Vec<_>>()
    );
    let mut stored_codes: Vec<String> = stored.into_iter().map(|(c, _)| c).collect();
    stored_codes.sort();
    assert_eq!(stored_codes, acked_codes, "exactly the acknowledged cases");
    let on: bool = sqlx::query_scalar("select pg_is_in_recovery()")
        .fetch_one(&t.db)
        .await
        .unwrap();
    assert!(!on, "the app writes to the promoted standby");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_no_primary_is_known_pages_are_read_only_and_writes_are_refused_with_a_reason() {
    let cluster = Cluster::up("gap");
    let t = cluster.app().await;
    let token = t.token("lienninh").await;
    let mut phone = t.signed_in("lienninh").await;
    let r = t.send(new_case(&token, "gap-before-00001", "GAP-1")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    phone.get("/areas/00682").await;
    // What this process holds once every change it was told of is applied:
    // a user who has been reading pages has their session and board held.
    t.state.feed.settle(&t.db).await.unwrap();
    let before = phone.get("/areas/00682").await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(!before.text.contains("Đang chuyển máy chủ dữ liệu"));

    // The monitor is held still, so no standby is promoted: the gap lasts.
    cluster.run(&["freeze-monitor"]);
    cluster.run(&["kill-primary"]);
    ready_says(&t, StatusCode::SERVICE_UNAVAILABLE, "primary lost").await;

    let page = phone.get("/areas/00682").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let banner = page
        .text
        .lines()
        .find(|l| l.contains("Đang chuyển máy chủ dữ liệu — chỉ xem"))
        .expect("the banner")
        .to_string();
    assert!(
        page.text.replacen(&banner, "", 1) == before.text,
        "the board as it was held, with the banner: {banner}"
    );

    let r = t.send(new_case(&token, "gap-during-0001", "GAP-2")).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text);
    assert_eq!(r.headers.get(header::RETRY_AFTER).unwrap(), "5");
    assert_eq!(r.json()["error"]["code"], "switching", "{}", r.text);
    let form = phone
        .post_raw("/cases/new", &[("case_code", "GAP-3")])
        .await;
    assert_eq!(form.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(form.text.contains("chưa lưu được"), "{}", form.text);

    // The monitor promotes the standby; the same write, sent again, is taken.
    cluster.run(&["thaw-monitor"]);
    ready_says(&t, StatusCode::OK, "ready").await;
    let r = t.send(new_case(&token, "gap-during-0001", "GAP-2")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let page = phone.get("/areas/00682").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text.contains("Đang chuyển máy chủ dữ liệu"));
}
