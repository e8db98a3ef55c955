//! Upgrades: a database built by the first release (migrations 0001–0005)
//! and filled the way that release filled it keeps its data and its
//! dashboards through every later migration; a landed migration never
//! changes (migrations/CHECKSUMS), and a database that applied an edited one
//! refuses to start.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use serde_json::json;
use sqlx::PgPool;
use sqlx::migrate::Migrate;
use vungxanh::domain::area::{fold, parse_csv};
use vungxanh::storage::db::{MIGRATOR, migrate};
use vungxanh::{AppState, Clock, Config, router};

use crate::common::{PASSWORD, TestApp};

/// The first release's migrations: 0001–0005.
const FIRST_RELEASE: i64 = 5;

/// Tables whose rows the first release wrote and an upgrade must keep.
const KEPT: &[&str] = &[
    "areas",
    "users",
    "api_tokens",
    "audit_log",
    "cases",
    "clusters",
    "quarantine_sites",
    "quarantine_occupancy",
    "daily_reports",
    "zone_declarations",
    "case_rollup",
    "report_rollup",
];

async fn counts(db: &PgPool) -> BTreeMap<&'static str, i64> {
    let mut out = BTreeMap::new();
    for t in KEPT {
        let n: i64 = sqlx::query_scalar(&format!("select count(*) from {t}"))
            .fetch_one(db)
            .await
            .unwrap();
        out.insert(*t, n);
    }
    out
}

/// Fills a database at the first release's schema with plain SQL, as that
/// release's code would have: the tree, users, cases (one voided), a
/// cluster, a site, a daily report and two declarations.
async fn fill_first_release(db: &PgPool) {
    let at = "2021-07-31 08:00:00+07";
    for a in parse_csv(vungxanh::domain::area::HANOI_CSV).unwrap() {
        sqlx::query(
            "insert into areas (code, name, unit_type, level, parent_code, population, search_key)
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&a.code)
        .bind(&a.name)
        .bind(&a.unit_type)
        .bind(a.level.as_str())
        .bind(&a.parent_code)
        .bind(a.population)
        .bind(fold(&a.name))
        .execute(db)
        .await
        .unwrap();
    }
    let hash = vungxanh::domain::password::hash(PASSWORD.into())
        .await
        .unwrap();
    for (name, role, area) in [
        ("thanhpho", "city", "01"),
        ("thanhtri", "district", "020"),
        ("lienninh", "commune", "00682"),
    ] {
        sqlx::query(
            "insert into users (username, display_name, password_hash, role, area_code, created_at, updated_at)
             values ($1, $1, $2, $3, $4, $5::timestamptz, $5::timestamptz)",
        )
        .bind(name)
        .bind(&hash)
        .bind(role)
        .bind(area)
        .bind(at)
        .execute(db)
        .await
        .unwrap();
    }
    sqlx::raw_sql(&format!(
        "insert into clusters (city_code, district_code, commune_code, name, opened_on, created_at, updated_at)
         values ('01', '020', '00682', 'Thôn Thọ Am', '2021-07-20', '{at}', '{at}');
         insert into cases (city_code, district_code, commune_code, case_code, detected_on, detected_in,
                            status, status_on, cluster_id, created_at, updated_at) values
           ('01', '020', '00682', 'BN1', '2021-07-25', 'community',  'treating',  '2021-07-25', 1, '{at}', '{at}'),
           ('01', '020', '00682', 'BN2', '2021-07-26', 'quarantine', 'treating',  '2021-07-26', 1, '{at}', '{at}'),
           ('01', '020', '00682', 'BN3', '2021-07-10', 'community',  'recovered', '2021-07-24', null, '{at}', '{at}'),
           ('01', '001', '00001', 'BN4', '2021-07-30', 'screening',  'treating',  '2021-07-30', null, '{at}', '{at}'),
           ('01', '001', '00001', 'BN5', '2021-07-28', 'community',  'died',      '2021-07-31', null, '{at}', '{at}');
         insert into cases (city_code, district_code, commune_code, case_code, detected_on, detected_in,
                            status, status_on, voided_at, void_reason, created_at, updated_at) values
           ('01', '020', '00685', 'BN6', '2021-07-29', 'community', 'treating', '2021-07-29', '{at}', 'trùng', '{at}', '{at}');
         insert into quarantine_sites (city_code, district_code, area_code, name, kind, run_by, capacity,
                                       occupancy, status, status_on, created_at, updated_at)
         values ('01', '020', '020', 'Ký túc xá', 'centralised', 'district', 300, 120, 'active', '2021-07-20', '{at}', '{at}');
         insert into quarantine_occupancy (site_id, at, occupancy, capacity, status)
         values (1, '{at}', 120, 300, 'active');
         insert into daily_reports (commune_code, day, city_code, district_code, f1_traced, f1_quarantined,
                                    tests, dose1, dose2, dose3, updated_at)
         values ('00682', '2021-08-01', '01', '020', 12, 10, 300, 50, 20, 0, '{at}');
         insert into zone_declarations (city_code, area_code, colour, reason, effective_on, declared_by,
                                        declared_name, declared_at)
         values ('01', '00685', 'red', 'Ổ dịch mới', '2021-07-30',
                 (select id from users where username = 'thanhtri'), 'thanhtri', '{at}'),
                ('01', '001', 'red', 'Phong toả', '2021-07-30',
                 (select id from users where username = 'thanhpho'), 'thanhpho', '{at}');
         insert into audit_log (at, user_id, username, area_code, action, entity, entity_id)
         values ('{at}', 1, 'thanhpho', '01', 'create', 'case', '1');"
    ))
    .execute(db)
    .await
    .unwrap();
}

#[sqlx::test(migrations = false)]
async fn a_database_of_the_first_release_keeps_its_data_and_dashboards_after_every_later_migration(
    db: PgPool,
) {
    let mut conn = db.acquire().await.unwrap();
    conn.ensure_migrations_table().await.unwrap();
    for m in MIGRATOR.iter().filter(|m| m.version <= FIRST_RELEASE) {
        conn.apply(m).await.unwrap();
    }
    drop(conn);
    assert!(
        MIGRATOR.iter().any(|m| m.version > FIRST_RELEASE),
        "there are later migrations to apply"
    );
    fill_first_release(&db).await;
    let before = counts(&db).await;

    migrate(&db).await.expect("every later migration applies");

    let applied: Vec<i64> =
        sqlx::query_scalar("select version from _sqlx_migrations where success order by version")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(
        applied,
        MIGRATOR.iter().map(|m| m.version).collect::<Vec<_>>()
    );
    assert_eq!(counts(&db).await, before, "no row lost or added");
    // 0006 gave each declaration the level that made it.
    let levels: Vec<(String, String)> = sqlx::query_as(
        "select area_code, declared_level from zone_declarations order by area_code",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    assert_eq!(
        levels,
        [
            ("001".to_string(), "city".to_string()),
            ("00685".to_string(), "district".to_string())
        ]
    );

    // The upgraded database serves: the old password signs in, and the
    // dashboards show what the first release wrote.
    let clock = Clock::fixed("2021-08-01T02:00:00Z".parse().unwrap());
    let state = AppState::new(db.clone(), Config::for_tests(), clock.clone());
    let t = TestApp {
        app: router(state.clone()),
        state,
        clock,
        db: db.clone(),
    };
    let token = t.token("thanhpho").await;
    let summary = |code: &'static str| {
        let (t, token) = (&t, &token);
        async move {
            let r = t
                .api(
                    "GET",
                    &format!("/api/v1/areas/{code}/summary"),
                    Some(token),
                    None,
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            r.json()
        }
    };
    let city = summary("01").await;
    let expected = [
        ("total", 5),
        ("active", 3),
        ("new_today", 0),
        ("new_7d", 3),
        ("community_7d", 1),
        ("community_total", 3),
        ("recovered", 1),
        ("died", 1),
    ];
    for (figure, n) in expected {
        assert_eq!(
            city["f0"][figure], n,
            "f0.{figure} (the voided case is not counted)"
        );
    }
    assert_eq!(city["quarantine"]["occupancy"], 120);
    assert_eq!(city["quarantine"]["free"], 180);
    assert_eq!(city["clusters"]["active"], 1);
    let commune = summary("00685").await;
    assert_eq!(
        (
            commune["zone"]["colour"].clone(),
            commune["zone"]["declared"].clone()
        ),
        (json!("red"), json!(true))
    );
    let district = summary("020").await;
    assert_eq!(district["f0"]["total"], 3);
    assert_eq!(district["reports"]["reported"], 1);

    // And it takes new writes.
    let lienninh = t.token("lienninh").await;
    let r = t
        .api("POST", "/api/v1/cases", Some(&lienninh), Some(json!({"commune_code": "00682", "case_code": "BN7", "detected_on": "2021-08-01", "detected_in": "community", "status": "treating"})))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(summary("01").await["f0"]["new_today"], 1);
}

/// `migrations/CHECKSUMS`: file name → SHA-384, as sqlx computes it.
fn committed_checksums() -> BTreeMap<String, String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/CHECKSUMS");
    std::fs::read_to_string(path)
        .expect("migrations/CHECKSUMS")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (sum, file) = l.split_once("  ").expect("`<sha384>  <file>` lines");
            (file.trim().to_string(), sum.trim().to_string())
        })
        .collect()
}

#[test]
fn every_landed_migration_is_byte_for_byte_what_was_committed_in_migrations_checksums() {
    let committed = committed_checksums();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
    let mut problems = Vec::new();
    for m in MIGRATOR.iter() {
        let file = format!("{:04}_{}.sql", m.version, m.description.replace(' ', "_"));
        let sum = hex::encode(&m.checksum);
        match committed.get(&file) {
            Some(c) if *c == sum => {}
            Some(_) => problems.push(format!(
                "{file} was edited after it landed: a landed migration is never changed; \
                 put the change in a new migration"
            )),
            None => problems.push(format!(
                "{file} is not in migrations/CHECKSUMS: when it lands, add the line\n{sum}  {file}"
            )),
        }
    }
    for file in committed.keys() {
        if !std::path::Path::new(dir).join(file).exists() {
            problems.push(format!("{file} landed and has been removed"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[sqlx::test]
async fn a_database_that_applied_a_migration_since_edited_refuses_to_migrate(db: PgPool) {
    // What an edited file would look like to a database that ran the original.
    sqlx::query("update _sqlx_migrations set checksum = sha384('edited'::bytea) where version = 1")
        .execute(&db)
        .await
        .unwrap();
    let err = migrate(&db)
        .await
        .expect_err("an edited migration is refused");
    assert!(
        format!("{err:#}").contains("modified"),
        "the operator is told why: {err:#}"
    );
}
