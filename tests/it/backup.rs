//! Backups that restore: a dump restores what was written up to it, into an
//! empty database only (unless forced) and only when its checksum holds; the
//! private cluster's archived WAL recovers any instant after a base backup.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgPool;
use vungxanh::storage::backup;
use vungxanh::storage::db;
use vungxanh::storage::pg::PrivateCluster;
use vungxanh::{AppState, Config, router};

use crate::common::TestApp;

/// Files the cases `range` through the API, as a commune would.
async fn file_cases(t: &TestApp, token: &str, range: std::ops::Range<usize>) {
    for i in range {
        let r = t
            .api("POST", "/api/v1/cases", Some(token), Some(json!({"commune_code": "00682", "case_code": format!("BN{i}"), "detected_on": "2021-07-30", "detected_in": "community", "status": "treating"})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
}

/// The city's case total on its dashboard, as `t`'s database has it.
async fn city_total(t: &TestApp, token: &str) -> i64 {
    let r = t
        .api("GET", "/api/v1/areas/01/summary", Some(token), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()["f0"]["total"].as_i64().unwrap()
}

/// The app over another database, with `t`'s clock.
async fn app_over(t: &TestApp, url: &str) -> TestApp {
    let db: PgPool = db::connect(url, 4).await.unwrap();
    let state = AppState::new(db.clone(), Config::for_tests(), t.clock.clone());
    TestApp {
        app: router(state.clone()),
        state,
        clock: t.clock.clone(),
        db,
    }
}

async fn cases(db: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from cases")
        .fetch_one(db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_backup_restores_what_was_written_before_it_and_the_wal_recovers_an_instant_after_it() {
    let base = std::env::temp_dir().join(format!("vx-backup-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let cluster = PrivateCluster::locate(&base)
        .await
        .expect("PostgreSQL programs");
    cluster.start().await.unwrap();
    // The cluster is stopped whatever the outcome, then the outcome reported.
    let outcome = tokio::spawn(backup_restore_and_recover(cluster.clone(), base.clone())).await;
    cluster.stop().await.unwrap();
    match outcome {
        Ok(()) => {
            let _ = std::fs::remove_dir_all(&base);
        }
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

async fn backup_restore_and_recover(cluster: PrivateCluster, base: std::path::PathBuf) {
    cluster.ensure_database("vungxanh").await.unwrap();
    let url = cluster.database_url("vungxanh");
    let pool = db::connect(&url, 4).await.unwrap();
    db::migrate(&pool).await.unwrap();
    let t = TestApp::new(pool).await;
    t.user("lienninh", "commune", "00682").await;
    t.user("thanhpho", "city", "01").await;
    let commune = t.token("lienninh").await;
    let city = t.token("thanhpho").await;

    // Written, backed up, written more.
    file_cases(&t, &commune, 0..5).await;
    let dir = base.join("backups");
    let m = backup::backup(&url, Some(&cluster), &dir).await.unwrap();
    assert_eq!(m.tables["cases"], 5);
    assert_eq!(m.tables["users"], 2);
    assert_eq!(
        m.schema_version,
        db::MIGRATOR.iter().last().unwrap().version
    );
    let dump = dir.join(&m.dump);
    let sums = std::fs::read_to_string(dump.with_extension("sha256")).unwrap();
    assert_eq!(
        sums,
        format!("{}  {}\n", m.sha256, m.dump),
        "sha256sum -c reads it"
    );
    assert!(
        m.base_backup.is_some(),
        "the private cluster gets a base backup"
    );
    // Names and phone numbers: no other local user reads any of it, even
    // once copied out of the private folder.
    let mut files = vec![
        dump.clone(),
        dump.with_extension("sha256"),
        dump.with_extension("json"),
    ];
    let base_dir = dir.join(&m.base_backup.as_ref().unwrap().dir);
    files.extend(
        std::fs::read_dir(&base_dir)
            .unwrap()
            .map(|e| e.unwrap().path()),
    );
    assert!(files.len() > 3, "the base backup has files");
    for f in files {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{} is {mode:o}", f.display());
    }
    file_cases(&t, &commune, 5..8).await;
    let between: DateTime<Utc> = sqlx::query_scalar("select clock_timestamp()")
        .fetch_one(&t.db)
        .await
        .unwrap();
    file_cases(&t, &commune, 8..12).await;
    assert_eq!(city_total(&t, &city).await, 12);

    // The dump restores, into an empty database, what was written before it.
    cluster.ensure_database("restored").await.unwrap();
    let restored_url = cluster.database_url("restored");
    let r = backup::restore(&dump, &restored_url, false).await.unwrap();
    assert!(r.verified);
    assert_eq!(r.tables, m.tables);
    let restored = app_over(&t, &restored_url).await;
    assert_eq!(cases(&restored.db).await, 5);
    assert_eq!(city_total(&restored, &city).await, 5, "the dashboard too");
    file_cases(&restored, &commune, 20..21).await;

    // A database that holds something is refused, unless forced.
    let err = backup::restore(&dump, &restored_url, false)
        .await
        .expect_err("not empty");
    assert!(format!("{err:#}").contains("--force"), "{err:#}");
    assert_eq!(cases(&restored.db).await, 6, "nothing was touched");
    restored.db.close().await;
    let r = backup::restore(&dump, &restored_url, true).await.unwrap();
    assert_eq!(r.tables["cases"], 5);

    // A damaged dump is refused before anything is touched.
    let damaged = base.join("damaged");
    std::fs::create_dir_all(&damaged).unwrap();
    let mut bytes = std::fs::read(&dump).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(damaged.join("x.dump"), bytes).unwrap();
    std::fs::copy(dump.with_extension("json"), damaged.join("x.json")).unwrap();
    cluster.ensure_database("empty").await.unwrap();
    let err = backup::restore(
        &damaged.join("x.dump"),
        &cluster.database_url("empty"),
        false,
    )
    .await
    .expect_err("damaged");
    assert!(format!("{err:#}").contains("damaged"), "{err:#}");

    // The cluster recovers to the instant between the second and third writes.
    t.db.close().await;
    let rec = backup::restore_until(&cluster, &dir, between)
        .await
        .unwrap();
    assert!(
        rec.kept_aside.join("PG_VERSION").exists(),
        "the old files are kept"
    );
    let recovered = app_over(&t, &url).await;
    assert_eq!(cases(&recovered.db).await, 8);
    assert_eq!(city_total(&recovered, &city).await, 8);
    let codes: Vec<String> = sqlx::query_scalar("select case_code from cases order by id")
        .fetch_all(&recovered.db)
        .await
        .unwrap();
    assert_eq!(codes, (0..8).map(|i| format!("BN{i}")).collect::<Vec<_>>());
    // It takes writes again.
    file_cases(&recovered, &commune, 30..31).await;
    assert_eq!(city_total(&recovered, &city).await, 9);
    recovered.db.close().await;

    // An instant before every base backup cannot be reached.
    let err = backup::restore_until(&cluster, &dir, m.taken_at - chrono::Duration::hours(1))
        .await
        .expect_err("too early");
    assert!(format!("{err:#}").contains("no base backup"), "{err:#}");
}

#[tokio::test]
async fn keeping_the_newest_backups_deletes_the_older_ones_with_their_files() {
    let dir = std::env::temp_dir().join(format!("vx-prune-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for day in 20..24 {
        let stem = format!("vungxanh-202108{day}T190000Z");
        let m = backup::Manifest {
            dump: format!("{stem}.dump"),
            sha256: String::new(),
            bytes: 0,
            taken_at: format!("2021-08-{day}T19:00:00Z").parse().unwrap(),
            database: "vungxanh".into(),
            schema_version: 7,
            migrations: vec![],
            tables: BTreeMap::new(),
            base_backup: None,
            seconds: 0.0,
            program_version: String::new(),
        };
        std::fs::write(dir.join(&m.dump), b"").unwrap();
        std::fs::write(dir.join(format!("{stem}.sha256")), b"").unwrap();
        std::fs::write(
            dir.join(format!("{stem}.json")),
            serde_json::to_vec(&m).unwrap(),
        )
        .unwrap();
    }
    let gone = backup::prune(&dir, 2, None).await.unwrap();
    assert_eq!(
        gone,
        [
            "vungxanh-20210820T190000Z.dump",
            "vungxanh-20210821T190000Z.dump"
        ]
    );
    let mut left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            "vungxanh-20210822T190000Z.dump",
            "vungxanh-20210822T190000Z.json",
            "vungxanh-20210822T190000Z.sha256",
            "vungxanh-20210823T190000Z.dump",
            "vungxanh-20210823T190000Z.json",
            "vungxanh-20210823T190000Z.sha256",
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}
