//! A read replica: dashboards and lists read from a real streaming replica
//! of the private cluster, a user's write is on the next page whatever the
//! replica's lag, and the app keeps serving when the replica stops.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde_json::json;
use sqlx::PgPool;
use vungxanh::storage::db;
use vungxanh::storage::pg::PrivateCluster;
use vungxanh::{AppState, Config, router};

use crate::common::TestApp;

/// The city's case total on its dashboard, and the cases in its list.
async fn seen(t: &TestApp, token: &str) -> (i64, usize) {
    let r = t
        .api("GET", "/api/v1/areas/01/summary", Some(token), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let total = r.json()["f0"]["total"].as_i64().unwrap();
    let r = t.api("GET", "/api/v1/cases", Some(token), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let listed = r.json()["items"].as_array().unwrap().len();
    (total, listed)
}

async fn file_case(t: &TestApp, token: &str, code: &str) {
    let r = t
        .api("POST", "/api/v1/cases", Some(token), Some(json!({"commune_code": "00682", "case_code": code, "detected_on": "2021-07-30", "detected_in": "community", "status": "treating"})))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

/// A case written behind the app's back (another process's write): the app
/// has no reason to wait for it.
async fn insert_behind_the_apps_back(primary: &PgPool, code: &str) {
    sqlx::query(
        "insert into cases (city_code, district_code, commune_code, case_code, detected_on,
                            detected_in, status, status_on, created_at, updated_at)
         values ('01', '020', '00682', $1, '2021-07-30', 'community', 'treating', '2021-07-30', now(), now())",
    )
    .bind(code)
    .execute(primary)
    .await
    .unwrap();
}

async fn replay(replica: &PgPool, on: bool) {
    let f = if on {
        "pg_wal_replay_resume"
    } else {
        "pg_wal_replay_pause"
    };
    sqlx::query(&format!("select {f}()"))
        .execute(replica)
        .await
        .unwrap();
}

async fn replica_cases(replica: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from cases")
        .fetch_one(replica)
        .await
        .unwrap()
}

#[tokio::test]
async fn pages_read_from_the_replica_yet_show_a_users_own_write_and_survive_its_stopping() {
    let base = std::env::temp_dir().join(format!("vx-replica-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let primary = PrivateCluster::locate(&base.join("primary"))
        .await
        .expect("PostgreSQL programs")
        .with_wal_archive(false);
    primary.start().await.unwrap();
    let outcome = tokio::spawn(reads_from_the_replica(primary.clone(), base.clone())).await;
    let replica = PrivateCluster::locate(&base.join("replica")).await.unwrap();
    replica.stop().await.unwrap();
    primary.stop().await.unwrap();
    match outcome {
        Ok(()) => {
            let _ = std::fs::remove_dir_all(&base);
        }
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

async fn reads_from_the_replica(primary: PrivateCluster, base: std::path::PathBuf) {
    primary.ensure_database("vungxanh").await.unwrap();
    let pool = db::connect(&primary.database_url("vungxanh"), 4)
        .await
        .unwrap();
    db::migrate(&pool).await.unwrap();
    let mut t = TestApp::new(pool.clone()).await;
    t.user("lienninh", "commune", "00682").await;
    t.user("thanhpho", "city", "01").await;
    let commune = t.token("lienninh").await;
    let city = t.token("thanhpho").await;

    let replica = primary.start_replica(&base.join("replica")).await.unwrap();
    let replica_url = replica.database_url("vungxanh");
    let replica_pool = db::connect(&replica_url, 2).await.unwrap();
    let config = Config {
        // Generous: under a loaded CI machine replay took over 300 ms once.
        read_wait_ms: 2000,
        ..Config::for_tests()
    };
    let state = AppState::new(pool.clone(), config, t.clock.clone())
        .with_replica(db::connect_replica(&replica_url, 4).unwrap());
    let replica_state = state.replica.clone().unwrap();
    t.app = router(state);

    // Replaying: a user's write is waited for, then read from the replica.
    file_case(&t, &commune, "BN1").await;
    assert!(
        !replica_state.is_behind(),
        "the replica replayed it in time"
    );
    assert_eq!(seen(&t, &city).await, (1, 1));

    // Pages read from the replica: with its replay paused, a write made
    // elsewhere is not on them yet.
    replay(&replica_pool, false).await;
    insert_behind_the_apps_back(&pool, "BN2").await;
    assert_eq!(
        seen(&t, &city).await,
        (1, 1),
        "read from the paused replica"
    );

    // A user's own write is on the next page all the same: the replica did
    // not replay it in time, so reads go to the primary until it has.
    file_case(&t, &commune, "BN3").await;
    assert!(replica_state.is_behind());
    assert_eq!(
        replica_cases(&replica_pool).await,
        1,
        "the replica is still behind"
    );
    assert_eq!(seen(&t, &city).await, (3, 3), "read from the primary");

    // Once the replica has caught up, reads go back to it.
    replay(&replica_pool, true).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while replica_cases(&replica_pool).await < 3 {
        assert!(Instant::now() < deadline, "the replica never caught up");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(seen(&t, &city).await, (3, 3));
    assert!(!replica_state.is_behind(), "reads are the replica's again");

    // The replica stops: the app keeps serving, from the primary.
    replica_pool.close().await;
    replica.stop().await.unwrap();
    assert_eq!(seen(&t, &city).await, (3, 3));
    file_case(&t, &commune, "BN4").await;
    assert_eq!(seen(&t, &city).await, (4, 4));
    assert_eq!(
        t.api("GET", "/readyz", None, None).await.status,
        StatusCode::OK,
        "ready: the primary answers"
    );
}
