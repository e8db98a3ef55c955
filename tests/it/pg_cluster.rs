//! The private PostgreSQL cluster: created, started, reused and stopped.

use sqlx::Connection;
use vungxanh::storage::pg::PrivateCluster;

#[tokio::test]
async fn a_private_cluster_is_created_started_stopped_and_started_again_with_its_data() {
    let base = std::env::temp_dir().join(format!("vx-cluster-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let cluster = PrivateCluster::locate(&base)
        .await
        .expect("PostgreSQL programs");
    assert!(!cluster.is_running().await);

    assert!(cluster.start().await.unwrap(), "this call started it");
    assert!(cluster.is_running().await);
    assert!(
        !cluster.start().await.unwrap(),
        "a running cluster is left as it is"
    );
    cluster.ensure_database("lifecycle").await.unwrap();
    cluster.ensure_database("lifecycle").await.unwrap();
    let url = cluster.database_url("lifecycle");
    let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::raw_sql("create table kept (n int); insert into kept values (42)")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();

    cluster.stop().await.unwrap();
    assert!(!cluster.is_running().await);
    assert!(
        sqlx::PgConnection::connect(&url).await.is_err(),
        "stopped means unreachable"
    );
    assert!(!cluster.data_dir().join("postmaster.pid").exists());

    // Started again, it keeps what was written.
    assert!(cluster.start().await.unwrap());
    let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
    let n: i32 = sqlx::query_scalar("select n from kept")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(n, 42);
    conn.close().await.unwrap();
    cluster.stop().await.unwrap();
    let _ = std::fs::remove_dir_all(&base);
}
