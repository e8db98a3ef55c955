//! Dashboards: exact figures at every level and date, the zone rules on real
//! records, declarations, the summary API, and freshness after a write.

use crate::common::TestApp;
use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use serde_json::json;
use sqlx::PgPool;
use vungxanh::domain::zone::Thresholds;
use vungxanh::storage::areas::area_ref;
use vungxanh::storage::board::{Summary, compute};
use vungxanh::storage::synth::{Scale, generate, rebuild_rollups};

async fn setup(db: PgPool) -> TestApp {
    let t = TestApp::new(db).await;
    t.user("lienninh", "commune", "00682").await;
    t.user("thanhtri", "district", "020").await;
    t.user("thanhpho", "city", "01").await;
    t
}

fn small() -> Scale {
    Scale {
        cases: 3000,
        days: 90,
        sites: 40,
        checkpoints: 60,
        directives: 20,
        report_days: 10,
        contacts_per_case: 0,
        seed: 7,
    }
}

/// Every additive figure of a summary, named.
fn figures(s: &Summary) -> Vec<(&'static str, i64)> {
    vec![
        ("f0.total", s.f0.total),
        ("f0.active", s.f0.active),
        ("f0.new_today", s.f0.new_today),
        ("f0.new_7d", s.f0.new_7d),
        ("f0.community_7d", s.f0.community_7d),
        ("f0.community_total", s.f0.community_total),
        ("f0.recovered", s.f0.recovered),
        ("f0.died", s.f0.died),
        ("quarantine.sites_active", s.quarantine.sites_active),
        ("quarantine.capacity", s.quarantine.capacity),
        ("quarantine.occupancy", s.quarantine.occupancy),
        ("quarantine.free", s.quarantine.free),
        ("checkpoints.active", s.checkpoints.active),
        (
            "checkpoints.violations_today",
            s.checkpoints.violations_today,
        ),
        ("clusters.active", s.clusters.active),
        ("directives.open", s.directives.open),
        ("directives.overdue", s.directives.overdue),
        ("reports.reported", s.reports.reported),
        ("reports.communes", s.reports.communes),
        ("zone.red_communes", s.zone.red_communes),
        ("zone.green_communes", s.zone.green_communes),
    ]
}

#[sqlx::test]
async fn every_figure_of_an_area_is_the_sum_over_its_children_at_every_date(db: PgPool) {
    let t = setup(db).await;
    let today = t.clock.today();
    let made = generate(&t.db, "01", &small(), today).await.unwrap();
    assert_eq!(made.cases, 3000);
    let mut conn = t.db.acquire().await.unwrap();
    for code in ["01", "020", "001"] {
        let area = area_ref(&t.db, code).await.unwrap().unwrap();
        for back in [0, 3, 20, 60, 200] {
            let date = today - Duration::days(back);
            let b = compute(&mut conn, &area, date, &Thresholds::default(), None)
                .await
                .unwrap();
            for (i, (name, value)) in figures(&b.me).into_iter().enumerate() {
                let mut sum: i64 = b.children.iter().map(|c| figures(c)[i].1).sum();
                if let Some(o) = &b.own_level {
                    sum += figures(o)[i].1;
                }
                assert_eq!(value, sum, "{name} of {code} on {date}");
            }
            // The rollups agree with the records themselves.
            let direct: i64 = sqlx::query_scalar(
                "select count(*) from cases where voided_at is null and detected_on <= $2
                   and (city_code = $1 or district_code = $1 or commune_code = $1)",
            )
            .bind(code)
            .bind(date)
            .fetch_one(&t.db)
            .await
            .unwrap();
            assert_eq!(b.me.f0.total, direct, "total of {code} on {date}");
        }
    }
    let city = compute(
        &mut conn,
        &area_ref(&t.db, "01").await.unwrap().unwrap(),
        today,
        &Thresholds::default(),
        None,
    )
    .await
    .unwrap();
    assert_eq!(city.children.len(), 30);
    assert_eq!(city.me.reports.communes, 579);
    assert_eq!(city.me.zone.red_communes + city.me.zone.green_communes, 579);
}

#[sqlx::test]
async fn the_rollups_kept_by_triggers_equal_a_rebuild_from_the_records(db: PgPool) {
    let t = setup(db).await;
    let token = t.token("thanhtri").await;
    let mut ids = Vec::new();
    for (i, (commune, day, place)) in [
        ("00682", "2021-07-20", "community"),
        ("00682", "2021-07-28", "quarantine"),
        ("00685", "2021-07-30", "community"),
        ("00685", "2021-08-01", "lockdown"),
    ]
    .into_iter()
    .enumerate()
    {
        let r = t
            .api("POST", "/api/v1/cases", Some(&token), Some(json!({"commune_code": commune, "case_code": format!("BN{i}"), "detected_on": day, "detected_in": place, "status": "treating"})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        ids.push(r.json()["id"].as_i64().unwrap());
    }
    // Move one case to another day and commune, recover one, void one.
    t.api(
        "PATCH",
        &format!("/api/v1/cases/{}", ids[0]),
        Some(&token),
        Some(json!({"version": 1, "detected_on": "2021-07-22", "commune_code": "00685"})),
    )
    .await;
    t.api(
        "PATCH",
        &format!("/api/v1/cases/{}", ids[1]),
        Some(&token),
        Some(json!({"version": 1, "status": "recovered", "status_on": "2021-08-01"})),
    )
    .await;
    sqlx::query("update cases set voided_at = now(), void_reason = 'trùng' where id = $1")
        .bind(ids[2])
        .execute(&t.db)
        .await
        .unwrap();
    let snapshot = |db: PgPool| async move {
        sqlx::query_as::<_, (String, NaiveDate, i32, i32, i32, i32, i32)>(
            "select area_code, day, detected, community, recovered, died, transferred from case_rollup
             where (detected, community, recovered, died, transferred) <> (0, 0, 0, 0, 0) order by 1, 2",
        )
        .fetch_all(&db)
        .await
        .unwrap()
    };
    // The running totals the boards read, beside the days they sum.
    let totals = |db: PgPool| async move {
        let cases = sqlx::query_as::<_, (String, i64, i64, i64, i64, i64, Option<NaiveDate>)>(
            "select area_code, detected, community, recovered, died, transferred, last_community from case_totals
             where (detected, community, recovered, died, transferred) <> (0, 0, 0, 0, 0) order by 1",
        )
        .fetch_all(&db)
        .await
        .unwrap();
        let treated = sqlx::query_as::<_, (String, String, i64)>(
            "select area_code, treated_at, n from treatment_totals where n <> 0 order by 1, 2",
        )
        .fetch_all(&db)
        .await
        .unwrap();
        (cases, treated)
    };
    let kept = snapshot(t.db.clone()).await;
    let kept_totals = totals(t.db.clone()).await;
    let mut conn = t.db.acquire().await.unwrap();
    rebuild_rollups(&mut conn).await.unwrap();
    assert_eq!(kept, snapshot(t.db.clone()).await);
    assert_eq!(kept_totals, totals(t.db.clone()).await);
    assert!(
        kept_totals.0.contains(&(
            "01".to_string(),
            3,
            1,
            1,
            0,
            0,
            // The 30th's community case was voided: the 20th is the latest.
            NaiveDate::from_ymd_opt(2021, 7, 20)
        )),
        "the city's totals: {:?}",
        kept_totals.0
    );
    assert!(
        kept_totals
            .0
            .contains(&("00685".to_string(), 1, 0, 0, 0, 0, None)),
        "a commune whose only community case was voided has none: {:?}",
        kept_totals.0
    );
    assert!(
        kept.iter().any(|r| r.0 == "01" && r.2 == 1),
        "the city row is kept too"
    );
}

async fn summary(t: &TestApp, token: &str, code: &str) -> serde_json::Value {
    summary_at(t, token, &format!("/api/v1/areas/{code}/summary")).await
}

/// The summary of `code` as it stood on `date` (yyyy-mm-dd).
async fn summary_on(t: &TestApp, token: &str, code: &str, date: &str) -> serde_json::Value {
    summary_at(
        t,
        token,
        &format!("/api/v1/areas/{code}/summary?date={date}"),
    )
    .await
}

async fn summary_at(t: &TestApp, token: &str, path: &str) -> serde_json::Value {
    let r = t.api("GET", path, Some(token), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()
}

#[sqlx::test]
async fn the_summary_api_answers_with_every_field_of_the_design(db: PgPool) {
    let t = setup(db).await;
    let token = t.token("thanhpho").await;
    let s = summary(&t, &token, "01").await;
    assert_eq!(s["area"]["code"], "01");
    assert_eq!(s["date"], "2021-08-01");
    for f in [
        "total",
        "active",
        "new_today",
        "new_7d",
        "community_7d",
        "community_total",
        "recovered",
        "died",
    ] {
        assert!(s["f0"][f].is_i64(), "f0.{f}");
    }
    for f in ["sites_active", "capacity", "occupancy", "free"] {
        assert!(s["quarantine"][f].is_i64(), "quarantine.{f}");
    }
    assert!(s["checkpoints"]["active"].is_i64() && s["checkpoints"]["violations_today"].is_i64());
    assert!(s["clusters"]["active"].is_i64());
    assert!(
        s["directives"]["open"].is_i64()
            && s["directives"]["overdue"].is_i64()
            && s["directives"]["done_rate"].is_f64()
    );
    assert!(s["zone"]["colour"] == "green" && s["zone"]["declared"] == false);
    assert!(s["zone"].get("level").is_some() && s["zone"].get("reason").is_some());
    let r = t
        .api(
            "GET",
            "/api/v1/areas/01/summary?date=ngày-mai",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let commune = t.token("lienninh").await;
    assert_eq!(
        t.api("GET", "/api/v1/areas/020/summary", Some(&commune), None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[sqlx::test]
async fn a_community_case_turns_its_commune_district_and_city_red_for_14_days(db: PgPool) {
    let t = setup(db).await;
    let token = t.token("lienninh").await;
    let city = t.token("thanhpho").await;
    assert_eq!(summary(&t, &city, "01").await["zone"]["colour"], "green");
    let r = t
        .api("POST", "/api/v1/cases", Some(&token), Some(json!({"commune_code": "00682", "case_code": "BN1", "detected_on": "2021-07-19", "detected_in": "community", "status": "treating"})))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    for code in ["00682", "020", "01"] {
        assert_eq!(
            summary(&t, &city, code).await["zone"]["colour"],
            "red",
            "{code} on day 14"
        );
    }
    assert_eq!(summary(&t, &city, "00685").await["zone"]["colour"], "green");
    let d = summary(&t, &city, "020").await;
    assert_eq!(
        (
            d["zone"]["red_communes"].clone(),
            d["zone"]["green_communes"].clone()
        ),
        (json!(1), json!(15))
    );
    // Fifteen days after detection it is green again…
    t.clock.set(t.clock.now() + Duration::days(1));
    assert_eq!(summary(&t, &city, "00682").await["zone"]["colour"], "green");
    // …unless a case found in quarantine belongs to an open cluster.
    let mut b = t.signed_in("lienninh").await;
    b.post(
        "/clusters/new",
        "/clusters",
        &[
            ("commune_code", "00682"),
            ("name", "Thôn Thọ Am"),
            ("opened_on", "2021-08-01"),
        ],
    )
    .await;
    assert_eq!(summary(&t, &city, "00682").await["zone"]["colour"], "red");
}

#[sqlx::test]
async fn the_level_follows_the_rate_per_100000_and_says_which_criterion_set_it(db: PgPool) {
    let t = setup(db).await;
    sqlx::query("update areas set population = 10000 where code = '00682'")
        .execute(&t.db)
        .await
        .unwrap();
    let city = t.token("thanhpho").await;
    let s = summary(&t, &city, "00682").await;
    assert_eq!(
        (s["zone"]["level"].clone(), s["zone"]["set_by"].clone()),
        (json!(1), json!("incidence"))
    );
    let s = summary(&t, &city, "00685").await;
    assert_eq!(
        (s["zone"]["level"].clone(), s["zone"]["set_by"].clone()),
        (json!(null), json!("no_population"))
    );
    // 5 community cases in 10,000 people over 7 days: 50 per 100,000 → level 3.
    // No daily report has given doses, so coverage is unknown: it raises
    // nothing and the page says the data is missing.
    let token = t.token("lienninh").await;
    for i in 0..5 {
        t.api("POST", "/api/v1/cases", Some(&token), Some(json!({"commune_code": "00682", "case_code": format!("BN{i}"), "detected_on": "2021-07-30", "detected_in": "community", "status": "treating"}))).await;
    }
    let s = summary(&t, &city, "00682").await;
    assert_eq!(
        (s["zone"]["level"].clone(), s["zone"]["set_by"].clone()),
        (json!(3), json!("incidence"))
    );
    assert_eq!(s["zone"]["vaccine_coverage"], json!(null));
    assert!(
        s["zone"]["lacking"]
            .as_array()
            .unwrap()
            .contains(&json!("vaccination"))
    );
    // A report of no doses is known and low: it raises the level to 4.
    let r = t.api("PUT", "/api/v1/daily-reports/00682/2021-07-30", Some(&token), Some(json!({"f1_traced": 0, "f1_quarantined": 0, "tests": 0, "dose1": 0, "dose2": 0, "dose3": 0}))).await;
    assert!(r.status.is_success(), "{}", r.text);
    let s = summary(&t, &city, "00682").await;
    assert_eq!(
        (s["zone"]["level"].clone(), s["zone"]["set_by"].clone()),
        (json!(4), json!("vaccination"))
    );
    // 6,000 first doses are 60 % of everyone but 82 % of the adults (73 %
    // of 10,000 by default): criterion 2 counts adults, so it is met.
    t.api("PUT", "/api/v1/daily-reports/00682/2021-07-31", Some(&token), Some(json!({"f1_traced": 0, "f1_quarantined": 0, "tests": 0, "dose1": 6000, "dose2": 0, "dose3": 0}))).await;
    let s = summary(&t, &city, "00682").await;
    assert_eq!(s["zone"]["adults"], json!(7300));
    assert_eq!(s["zone"]["adults_estimated"], json!(true));
    assert_eq!(
        (s["zone"]["level"].clone(), s["zone"]["set_by"].clone()),
        (json!(3), json!("incidence"))
    );
    let mut b = t.signed_in("thanhpho").await;
    let page = b.get("/areas/00682").await;
    assert!(
        page.text.contains("Cấp 3 — nguy cơ cao (cam)")
            && page.text.contains("50,0 ca cộng đồng/100.000 dân"),
        "{}",
        page.text
    );
}

#[sqlx::test]
async fn a_declaration_overrides_the_computed_zone_until_it_is_withdrawn(db: PgPool) {
    let t = setup(db).await;
    let district = t.token("thanhtri").await;
    let r = t.api("POST", "/api/v1/areas/00682/zone", Some(&district), Some(json!({"colour": "red", "level": 3, "reason": "Ổ dịch phức tạp tại thôn Thọ Am", "effective_on": "2021-08-01"}))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let s = summary(&t, &district, "00682").await;
    assert_eq!(
        (
            s["zone"]["colour"].clone(),
            s["zone"]["level"].clone(),
            s["zone"]["declared"].clone()
        ),
        (json!("red"), json!(3), json!(true))
    );
    assert_eq!(s["zone"]["computed_colour"], "green");
    assert_eq!(s["zone"]["reason"], "Ổ dịch phức tạp tại thôn Thọ Am");
    let mut b = t.signed_in("thanhtri").await;
    let page = b.get("/areas/00682").await;
    assert!(
        page.text.contains("Công bố bởi thanhtri")
            && page.text.contains("Hệ thống tính: Vùng xanh")
    );
    // Only the authorised level declares: not a commune, not a district over another district.
    let commune = t.token("lienninh").await;
    assert_eq!(
        t.api(
            "POST",
            "/api/v1/areas/00682/zone",
            Some(&commune),
            Some(json!({"colour": "green", "reason": "x", "effective_on": "2021-08-01"}))
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        t.api(
            "POST",
            "/api/v1/areas/020/zone",
            Some(&district),
            Some(json!({"colour": "green", "reason": "x", "effective_on": "2021-08-01"}))
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let r = t
        .api(
            "POST",
            "/api/v1/areas/00682/zone",
            Some(&district),
            Some(json!({"reason": "x", "effective_on": "2021-08-01"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        t.api("DELETE", "/api/v1/areas/00682/zone", Some(&district), None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let s = summary(&t, &district, "00682").await;
    assert_eq!(
        (s["zone"]["colour"].clone(), s["zone"]["declared"].clone()),
        (json!("green"), json!(false))
    );
    let audited: Vec<String> =
        sqlx::query_scalar("select action from audit_log where entity = 'zone' order by id")
            .fetch_all(&t.db)
            .await
            .unwrap();
    assert_eq!(audited, vec!["declare", "withdraw"]);
}

#[sqlx::test]
async fn the_next_dashboard_after_a_write_shows_it(db: PgPool) {
    let t = setup(db).await;
    // As `serve` runs: the stamp comes from memory, not from PostgreSQL.
    t.start_listening().await;
    let mut b = t.signed_in("thanhpho").await;
    let before = b.get("/areas/01").await;
    assert!(before.text.contains(r#"id="f0-total">0<"#));
    assert!(
        b.get("/areas/01")
            .await
            .text
            .contains(r#"id="f0-total">0<"#),
        "served again from the same board"
    );
    let token = t.token("lienninh").await;
    t.api("POST", "/api/v1/cases", Some(&token), Some(json!({"commune_code": "00682", "case_code": "BN1", "detected_on": "2021-08-01", "detected_in": "community", "status": "treating"}))).await;
    let after = b.get("/areas/01").await;
    assert!(
        after.text.contains(r#"id="f0-total">1<"#)
            && after.text.contains(r#"id="f0-new-today">1<"#)
    );
    assert!(after.text.contains("Vùng đỏ"));
}

#[sqlx::test]
async fn a_board_read_again_after_cases_alone_still_shows_the_next_cluster(db: PgPool) {
    let t = setup(db).await;
    t.start_listening().await;
    let city = t.token("thanhpho").await;
    let commune = t.token("lienninh").await;
    let s = summary(&t, &city, "01").await;
    assert_eq!(
        (&s["clusters"]["active"], &s["f0"]["total"]),
        (&json!(0), &json!(0))
    );
    // A case moves only what cases move; the rest of the board is kept.
    case(&t, &commune, "00682", "BN1", "2021-08-01", "quarantine").await;
    let s = summary(&t, &city, "01").await;
    assert_eq!(
        (&s["clusters"]["active"], &s["f0"]["total"]),
        (&json!(0), &json!(1))
    );
    assert_eq!(
        s["zone"]["red_communes"],
        json!(0),
        "a case in quarantine leaves it green"
    );
    // A cluster is another write: the kept part is read again.
    let r = t
        .api(
            "POST",
            "/api/v1/clusters",
            Some(&commune),
            Some(json!({"commune_code": "00682", "name": "Chùm chợ", "opened_on": "2021-07-30"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let s = summary(&t, &city, "01").await;
    assert_eq!(
        (&s["clusters"]["active"], &s["f0"]["total"]),
        (&json!(1), &json!(1))
    );
    assert_eq!(
        s["zone"]["red_communes"],
        json!(1),
        "an open cluster makes its commune red"
    );
    // More cases keep the part read with the cluster.
    case(&t, &commune, "00682", "BN2", "2021-08-01", "quarantine").await;
    let s = summary(&t, &city, "01").await;
    assert_eq!(
        (&s["clusters"]["active"], &s["f0"]["total"]),
        (&json!(1), &json!(2))
    );
    assert_eq!(s["zone"]["red_communes"], json!(1));
}

#[sqlx::test]
async fn a_cluster_closed_since_makes_its_commune_red_on_the_days_it_stood_and_not_after(
    db: PgPool,
) {
    let t = setup(db).await;
    let city = t.token("thanhpho").await;
    let commune = t.token("lienninh").await;
    let r = t
        .api(
            "POST",
            "/api/v1/clusters",
            Some(&commune),
            Some(json!({"commune_code": "00682", "name": "Chùm chợ", "opened_on": "2021-07-20", "closed_on": "2021-07-28"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // Its totals are back to nothing: only its days say it stood.
    for (date, active, red) in [
        ("2021-07-19", 0, 0),
        ("2021-07-20", 1, 1),
        ("2021-07-25", 1, 1),
        ("2021-07-28", 0, 0),
        ("2021-08-01", 0, 0),
    ] {
        let s = summary_on(&t, &city, "01", date).await;
        assert_eq!(
            (&s["clusters"]["active"], &s["zone"]["red_communes"]),
            (&json!(active), &json!(red)),
            "on {date}"
        );
    }
}

#[sqlx::test]
async fn a_shift_report_and_a_daily_report_each_show_on_the_next_board_and_keep_the_other(
    db: PgPool,
) {
    let t = setup(db).await;
    t.start_listening().await;
    let city = t.token("thanhpho").await;
    let commune = t.token("lienninh").await;
    let r = t
        .api(
            "POST",
            "/api/v1/checkpoints",
            Some(&commune),
            Some(json!({"area_code": "00682", "name": "Chốt cầu", "kind": "commune", "staffed_by": "police", "status": "active"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let checkpoint = r.json()["id"].clone();
    let seen = |s: &serde_json::Value| {
        (
            s["checkpoints"]["violations_today"].clone(),
            s["reports"]["reported"].clone(),
            s["f0"]["total"].clone(),
        )
    };
    let s = summary(&t, &city, "01").await;
    assert_eq!(seen(&s), (json!(0), json!(0), json!(0)));
    // A shift report moves the facts alone: read again, the rest kept.
    let r = t
        .api(
            "POST",
            &format!("/api/v1/checkpoints/{checkpoint}/reports"),
            Some(&commune),
            Some(json!({"date": "2021-08-01", "people_checked": 40, "vehicles_checked": 12, "violations": 3, "fines_vnd": 0})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        seen(&summary(&t, &city, "01").await),
        (json!(3), json!(0), json!(0))
    );
    // A daily report moves the rest alone: read again, the facts kept.
    let r = t
        .api(
            "PUT",
            "/api/v1/daily-reports/00682/2021-08-01",
            Some(&commune),
            Some(json!({"f1_traced": 4, "f1_quarantined": 4, "tests": 20, "dose1": 5, "dose2": 2, "dose3": 0})),
        )
        .await;
    assert!(r.status.is_success(), "{} {}", r.status, r.text);
    assert_eq!(
        seen(&summary(&t, &city, "01").await),
        (json!(3), json!(1), json!(0))
    );
    // A case keeps both.
    case(&t, &commune, "00682", "BN7", "2021-08-01", "quarantine").await;
    assert_eq!(
        seen(&summary(&t, &city, "01").await),
        (json!(3), json!(1), json!(1))
    );
}

/// Files a case through the API, answering 201.
async fn case(t: &TestApp, token: &str, commune: &str, code: &str, day: &str, found: &str) {
    let r = t
        .api("POST", "/api/v1/cases", Some(token), Some(json!({"commune_code": commune, "case_code": code, "detected_on": day, "detected_in": found, "status": "treating"})))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

#[sqlx::test]
async fn an_area_page_shows_today_against_yesterday_and_the_week_against_the_one_before(
    db: PgPool,
) {
    let t = setup(db).await;
    let token = t.token("lienninh").await;
    // Today (1/8) 3, yesterday 1; the last 7 days 5, the 7 before 2.
    for (i, day) in [
        "2021-08-01",
        "2021-08-01",
        "2021-08-01",
        "2021-07-31",
        "2021-07-27",
        "2021-07-25",
        "2021-07-19",
    ]
    .iter()
    .enumerate()
    {
        case(&t, &token, "00682", &format!("BN{i}"), day, "quarantine").await;
    }
    let city = t.token("thanhpho").await;
    let s = summary(&t, &city, "00682").await;
    assert_eq!(
        (&s["f0"]["new_today"], &s["f0"]["new_yesterday"]),
        (&json!(3), &json!(1))
    );
    assert_eq!(
        (&s["f0"]["new_7d"], &s["f0"]["new_prev_7d"]),
        (&json!(5), &json!(2))
    );
    let mut b = t.signed_in("thanhtri").await;
    let page = b.get("/areas/00682").await.text;
    let day = page.split(r#"id="chg-day""#).nth(1).unwrap();
    assert!(
        day.contains("▲ 2") && day.contains("tăng 2 so với hôm qua"),
        "{day:.300}"
    );
    let week = page.split(r#"id="chg-week""#).nth(1).unwrap();
    assert!(
        week.contains("▲ 3 (+150%)") && week.contains("tăng 3 so với 7 ngày trước đó"),
        "{week:.300}"
    );
    // The district's row for the commune says the same in its table.
    let district = b.get("/areas/020").await.text;
    let row = district.split(r#"data-code="00682""#).nth(1).unwrap();
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("tăng 2 so với hôm qua") && row.contains("tăng 3 so với 7 ngày trước đó"));
    // In English too.
    b.get("/lang/en?next=/areas/00682").await;
    let page = b.get("/areas/00682").await.text;
    assert!(page.contains("up 2 on yesterday") && page.contains("up 3 on the previous 7 days"));
}

#[sqlx::test]
async fn a_districts_communes_come_worst_first_and_the_rising_fastest_are_named(db: PgPool) {
    let t = setup(db).await;
    let district = t.token("thanhtri").await;
    // Liên Ninh rises (0 → 3), Đông Mỹ falls (4 → 0), Đại Áng holds (1 → 1).
    let plan = [
        ("00682", "2021-07-31", 3),
        ("00685", "2021-07-22", 4),
        ("00679", "2021-07-30", 1),
        ("00679", "2021-07-21", 1),
    ];
    let mut n = 0;
    for (commune, day, count) in plan {
        for _ in 0..count {
            n += 1;
            case(&t, &district, commune, &format!("BN{n}"), day, "quarantine").await;
        }
    }
    let mut b = t.signed_in("thanhtri").await;
    let page = b.get("/areas/020").await.text;
    let order: Vec<&str> = page
        .split(r#"<tr data-code=""#)
        .skip(1)
        .map(|r| &r[..5])
        .collect();
    assert_eq!(order.len(), 16);
    assert_eq!(order[0], "00682", "the rising commune leads");
    assert_eq!(order[15], "00685", "the falling commune is last");
    assert!(page.contains(r#"id="sorted-worse""#));
    let rising = page.split(r#"id="rising""#).nth(1).unwrap();
    let rising = &rising[..rising.find("</div>").unwrap()];
    assert!(rising.contains("Xã Liên Ninh") && rising.contains("tăng 3 so với 7 ngày trước đó"));
    assert!(!rising.contains("Xã Đông Mỹ") && !rising.contains("Xã Đại Áng"));
    // Sorting by name is still there, the Vietnamese way: Đại Áng (Đ after D).
    let by_name = b.get("/areas/020?sort=name").await.text;
    let names: Vec<String> = by_name
        .split(r#"<tr data-code=""#)
        .skip(1)
        .map(|r| {
            let link = &r[r.find("<a href=").unwrap()..];
            let name = &link[link.find('>').unwrap() + 1..];
            name[..name.find('<').unwrap()].to_string()
        })
        .collect();
    let pos = |name: &str| names.iter().position(|n| n == name).unwrap();
    assert!(pos("Xã Duyên Hà") < pos("Xã Đại Áng"), "{names:?}");
    assert!(pos("Xã Đông Mỹ") < pos("Xã Hữu Hoà"), "{names:?}");
    // Sparklines share one scale: a commune without cases draws a quiet line.
    assert!(page.contains(r#"class="spark zero""#));
}

#[sqlx::test]
async fn a_city_with_one_case_and_no_daily_reports_is_not_raised_for_missing_vaccination_data(
    db: PgPool,
) {
    let t = setup(db).await;
    let token = t.token("lienninh").await;
    case(&t, &token, "00682", "BN1", "2021-08-01", "community").await;
    let mut b = t.signed_in("thanhpho").await;
    let page = b.get("/areas/01").await.text;
    assert!(!page.contains("tiêm chủng 0%"), "unknown read as zero");
    assert!(page.contains("Chưa đủ số liệu tiêm chủng"));
    // The city's census population gives a level, set by incidence alone.
    assert!(page.contains("Cấp 1 — nguy cơ thấp (xanh)"));
    assert!(page.contains("1/579 phường/xã vùng đỏ"));
}

#[sqlx::test]
async fn the_wall_view_draws_every_district_where_it_lies_with_the_time_of_the_figures(db: PgPool) {
    let t = setup(db).await;
    let mut b = t.signed_in("thanhpho").await;
    let r = b.get("/areas/01/wall").await;
    assert_eq!(r.status, StatusCode::OK);
    let map = r.text.split(r#"class="tilemap""#).nth(1).unwrap();
    let tiles = map.matches(r#"<a href="/areas/"#).count();
    assert_eq!(tiles, 30);
    // 09:00 in Hà Nội on 1 August 2021, the test clock.
    assert!(
        r.text.contains("Cập nhật lúc 09:00 · 01/08/2021"),
        "{}",
        &r.text[..2000]
    );
    assert!(r.text.contains("Chú giải"));
    // A commune official may not open the city's wall.
    let mut c = t.signed_in("lienninh").await;
    assert_eq!(c.get("/areas/01/wall").await.status, StatusCode::FORBIDDEN);
    // A district has no map positions for its communes: a sorted grid.
    let d = b.get("/areas/020/wall").await.text;
    assert!(d.contains(r#"id="tiles""#) && d.matches(r#"class="tile "#).count() == 16);
}

#[sqlx::test]
async fn a_kept_board_still_tells_the_time_of_each_request_and_changes_with_a_write(db: PgPool) {
    let t = setup(db).await;
    let mut b = t.signed_in("thanhpho").await;
    let first = b.get("/areas/01").await.text;
    assert!(first.contains("Cập nhật lúc 09:00 · 01/08/2021"));
    // Nothing written: the same board, told at the new time.
    t.clock.set(t.clock.now() + Duration::minutes(5));
    let again = b.get("/areas/01").await.text;
    assert!(
        again.contains("Cập nhật lúc 09:05 · 01/08/2021"),
        "the time is the request's"
    );
    assert!(again.contains(r#"id="f0-total">0<"#));
    // In English the board is its own.
    b.get("/lang/en?next=/areas/01").await;
    assert!(b.get("/areas/01").await.text.contains("Updated at 09:05"));
    b.get("/lang/vi?next=/areas/01").await;
    // A write moves the stamp: the next page is drawn again with it.
    let token = t.token("lienninh").await;
    t.api("POST", "/api/v1/cases", Some(&token), Some(json!({"commune_code": "00682", "case_code": "BN1", "detected_on": "2021-08-01", "detected_in": "community", "status": "treating"}))).await;
    let after = b.get("/areas/01").await.text;
    assert!(after.contains(r#"id="f0-total">1<"#) && after.contains("1/579 phường/xã vùng đỏ"));
}

#[sqlx::test]
async fn a_commune_is_not_told_it_lacks_treatment_figures_its_district_holds(db: PgPool) {
    let t = setup(db).await;
    sqlx::query("update areas set population = 10000 where code = '00682'")
        .execute(&t.db)
        .await
        .unwrap();
    let city = t.token("thanhpho").await;
    let commune = summary(&t, &city, "00682").await;
    assert_eq!(commune["zone"]["lacking"], json!(["vaccination"]));
    let district = summary(&t, &city, "020").await;
    assert_eq!(
        district["zone"]["lacking"],
        json!(["vaccination", "treatment"])
    );
}

/// The facts-derived figures of `code` on `date`, straight from the records
/// (the queries the board ran before migration 0016).
async fn direct_figures(db: &PgPool, code: &str, date: NaiveDate) -> Vec<(&'static str, i64)> {
    let one = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql)
            .bind(code)
            .bind(date)
            .fetch_one(db)
            .await
            .unwrap()
    };
    vec![
        ("clusters.active", one("select count(*) from clusters where (city_code = $1 or district_code = $1 or commune_code = $1)
             and opened_on <= $2 and (closed_on is null or closed_on > $2)").await),
        ("quarantine.sites_active", one("select count(*) from quarantine_sites s join lateral (select status from quarantine_occupancy o
             where o.site_id = s.id and o.at < (($2::date + 1)::timestamp at time zone 'Asia/Ho_Chi_Minh') order by o.at desc, o.id desc limit 1) h on true
             where (s.city_code = $1 or s.district_code = $1 or s.area_code = $1) and h.status = 'active'").await),
        ("quarantine.occupancy", one("select coalesce(sum(h.occupancy), 0)::int8 from quarantine_sites s join lateral (select status, occupancy from quarantine_occupancy o
             where o.site_id = s.id and o.at < (($2::date + 1)::timestamp at time zone 'Asia/Ho_Chi_Minh') order by o.at desc, o.id desc limit 1) h on true
             where (s.city_code = $1 or s.district_code = $1 or s.area_code = $1) and h.status = 'active'").await),
        ("treatment.tier2_capacity", one("select coalesce(sum(h.capacity), 0)::int8 from quarantine_sites s join lateral (select status, capacity from quarantine_occupancy o
             where o.site_id = s.id and o.at < (($2::date + 1)::timestamp at time zone 'Asia/Ho_Chi_Minh') order by o.at desc, o.id desc limit 1) h on true
             where (s.city_code = $1 or s.district_code = $1 or s.area_code = $1) and h.status = 'active' and s.kind = 'treatment' and s.treatment_tier = 2").await),
        ("checkpoints.active", one("select count(*) from checkpoints where (city_code = $1 or district_code = $1 or area_code = $1)
             and status = 'active' and status_on <= $2").await),
        ("checkpoints.violations_today", one("select coalesce(sum(r.violations), 0)::int8 from checkpoint_reports r join checkpoints k on k.id = r.checkpoint_id
             where (k.city_code = $1 or k.district_code = $1 or k.area_code = $1) and r.day = $2").await),
        ("directives.open", one("select count(*) filter (where t.status is distinct from 'done') from (
               select dt.area_code, dt.status, d.issued_on from directive_targets dt join directives d on d.id = dt.directive_id
               union all select k.owner_code, k.status, d.issued_on from tasks k join directives d on d.id = k.directive_id) t
             join areas a on a.code = t.area_code left join areas p on p.code = a.parent_code
             where t.issued_on <= $2 and (a.code = $1 or a.parent_code = $1 or p.parent_code = $1)").await),
        ("directives.overdue", one("select count(*) from (
               select dt.area_code, dt.status, d.issued_on, d.due_on from directive_targets dt join directives d on d.id = dt.directive_id
               union all select k.owner_code, k.status, d.issued_on, k.due_on from tasks k join directives d on d.id = k.directive_id) t
             join areas a on a.code = t.area_code left join areas p on p.code = a.parent_code
             where t.issued_on <= $2 and t.status is distinct from 'done' and t.due_on < $2
               and (a.code = $1 or a.parent_code = $1 or p.parent_code = $1)").await),
        ("lockdowns.people", one("select coalesce(sum(people), 0)::int8 from lockdowns where (city_code = $1 or district_code = $1 or commune_code = $1)
             and started_on <= $2 and (lifted_on is null or lifted_on > $2)").await),
        ("testing.samples_7d", one("select coalesce(sum(samples), 0)::int8 from testing_rounds where (city_code = $1 or district_code = $1 or area_code = $1)
             and tested_on > $2::date - 7 and tested_on <= $2").await),
        ("testing.waiting", one("select coalesce(sum(samples - results), 0)::int8 from testing_rounds where (city_code = $1 or district_code = $1 or area_code = $1)
             and tested_on <= $2::date - 2").await),
        ("reports.reported", one("select count(*) from daily_reports where (city_code = $1 or district_code = $1 or commune_code = $1)
             and day = $2").await),
    ]
}

fn fact_figures(s: &Summary) -> Vec<(&'static str, i64)> {
    vec![
        ("clusters.active", s.clusters.active),
        ("quarantine.sites_active", s.quarantine.sites_active),
        ("quarantine.occupancy", s.quarantine.occupancy),
        ("treatment.tier2_capacity", s.treatment.tier_capacity[1]),
        ("checkpoints.active", s.checkpoints.active),
        (
            "checkpoints.violations_today",
            s.checkpoints.violations_today,
        ),
        ("directives.open", s.directives.open),
        ("directives.overdue", s.directives.overdue),
        ("lockdowns.people", s.lockdowns.people),
        ("testing.samples_7d", s.testing.samples_7d),
        ("testing.waiting", s.testing.waiting_over_48h),
        ("reports.reported", s.reports.reported),
    ]
}

async fn facts_snapshot(
    db: &PgPool,
) -> (
    Vec<(String, NaiveDate, String, i64)>,
    Vec<(String, String, i64)>,
) {
    let facts = sqlx::query_as(
        "select area_code, day, fact, n from area_facts where n <> 0 order by 1, 2, 3",
    )
    .fetch_all(db)
    .await
    .unwrap();
    let totals = sqlx::query_as(
        "select area_code, fact, n from area_fact_totals where n <> 0 order by 1, 2",
    )
    .fetch_all(db)
    .await
    .unwrap();
    (facts, totals)
}

#[sqlx::test]
async fn every_board_figure_equals_a_count_from_the_records_after_edits_of_every_kind(db: PgPool) {
    let t = setup(db).await;
    let today = t.clock.today();
    generate(&t.db, "01", &small(), today).await.unwrap();
    let mut conn = t.db.acquire().await.unwrap();
    // Boards kept from before each edit: the next one keeps what that
    // edit's kind of write leaves as it was (0019, 0022), so each edit alone
    // must move the counter of every part it changes.
    let watched: Vec<(String, NaiveDate)> = ["01", "020", "00685"]
        .iter()
        .flat_map(|c| [0, 1].map(|b| (c.to_string(), today - Duration::days(b))))
        .collect();
    let mut kept = std::collections::HashMap::new();
    for (code, date) in &watched {
        let area = area_ref(&t.db, code).await.unwrap().unwrap();
        let b = compute(&mut conn, &area, *date, &Thresholds::default(), None)
            .await
            .unwrap();
        kept.insert((code.clone(), *date), b);
    }
    // Edits of every kind the facts follow, straight through the triggers.
    for edit in [
        "update clusters set closed_on = opened_on + 2 where id in (select id from clusters where closed_on is null order by id limit 3)",
        "update quarantine_sites set kind = 'treatment', treatment_tier = 2 where id = (select min(id) from quarantine_sites)",
        "insert into quarantine_occupancy (site_id, at, occupancy, capacity, status)
           select id, '2021-07-30 10:00+07', 5, 50, 'active' from quarantine_sites order by id limit 2",
        "update directive_targets set status = 'done' where (directive_id, area_code) in
           (select directive_id, area_code from directive_targets where status is distinct from 'done' order by 1, 2 limit 5)",
        "update directives set due_on = due_on + 5 where id = (select min(id) from directives where due_on is not null)",
        "update lockdowns set lifted_on = started_on + 3 where id = (select min(id) from lockdowns)",
        "update testing_rounds set results = samples where id = (select min(id) from testing_rounds)",
        "update checkpoints set status = 'stood_down' where id = (select min(id) from checkpoints where status = 'active')",
        "update checkpoints set area_code = '00685', district_code = '020' where id = (select max(id) from checkpoints)",
        "delete from checkpoint_reports where id = (select max(id) from checkpoint_reports where violations > 0
           and day = (select max(day) from checkpoint_reports))",
        "delete from daily_reports where (commune_code, day) =
           (select commune_code, day from daily_reports order by day desc, commune_code limit 1)",
    ] {
        sqlx::query(edit).execute(&t.db).await.unwrap();
        for (code, date) in &watched {
            let area = area_ref(&t.db, code).await.unwrap().unwrap();
            let before = kept[&(code.clone(), *date)].kept_part().clone();
            let b = compute(&mut conn, &area, *date, &Thresholds::default(), Some(&before))
                .await
                .unwrap();
            assert_eq!(
                fact_figures(&b.me),
                direct_figures(&t.db, code, *date).await,
                "{code} on {date} after {edit}"
            );
            kept.insert((code.clone(), *date), b);
        }
    }
    for code in ["01", "020", "00685", "001"] {
        let area = area_ref(&t.db, code).await.unwrap().unwrap();
        for back in [0, 1, 4, 20, 60] {
            let date = today - Duration::days(back);
            let b = compute(&mut conn, &area, date, &Thresholds::default(), None)
                .await
                .unwrap();
            assert_eq!(
                fact_figures(&b.me),
                direct_figures(&t.db, code, date).await,
                "{code} on {date}"
            );
        }
    }
    let kept = facts_snapshot(&t.db).await;
    assert!(
        kept.1
            .iter()
            .any(|(a, f, n)| a == "01" && f == "violations" && *n > 0)
    );
    sqlx::query("select rebuild_area_facts()")
        .execute(&t.db)
        .await
        .unwrap();
    assert_eq!(
        kept,
        facts_snapshot(&t.db).await,
        "triggers equal a rebuild"
    );
}
