//! Issue 15's operations: lockdown areas in the zone rules and on every
//! dashboard, testing rounds with late results, treatment tiers, hotlines
//! and duty rosters, and the public page that never shows a case field.

use crate::common::TestApp;
use axum::http::{Request, StatusCode};
use chrono::Duration;
use serde_json::{Value, json};
use sqlx::PgPool;
use vungxanh::domain::config::Config;

async fn setup(db: PgPool) -> TestApp {
    let t = TestApp::new(db).await;
    t.user("lienninh", "commune", "00682").await;
    t.user("thanhtri", "district", "020").await;
    t.user("thanhpho", "city", "01").await;
    t.user("quantri", "admin", "01").await;
    t.user("phucxa", "commune", "00001").await;
    t
}

async fn summary(t: &TestApp, token: &str, code: &str) -> Value {
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

fn lockdown(commune: &str) -> Value {
    json!({"commune_code": commune, "name": "Ngõ 200 Tôn Đức Thắng", "kind": "lockdown_point",
           "started_on": "2021-07-28", "households": 40, "people": 132, "status": "active"})
}

fn testing(area: &str) -> Value {
    json!({"area_code": area, "tested_on": "2021-07-29", "target": "Chợ đầu mối", "method": "pooled_pcr",
           "samples": 1000, "results": 400, "results_on": "2021-07-30", "positives": 4})
}

fn hotline(area: &str) -> Value {
    json!({"area_code": area, "label": "Ban Chỉ đạo phòng, chống dịch", "phone": "0243 825 1234"})
}

fn duty(area: &str) -> Value {
    json!({"area_code": area, "day": "2021-08-01", "name": "Trần Văn Trực", "position": "Phó Chủ tịch UBND", "phone": "0912 000 111"})
}

async fn count(t: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("select count(*) from {table}"))
        .fetch_one(&t.db)
        .await
        .unwrap()
}

#[sqlx::test]
async fn each_role_may_file_operations_only_where_the_policy_says(db: PgPool) {
    let t = setup(db).await;
    let tokens = [
        ("commune", t.token("lienninh").await),
        ("district", t.token("thanhtri").await),
        ("city", t.token("thanhpho").await),
        ("admin", t.token("quantri").await),
    ];
    // (path, body in Liên Ninh, body elsewhere, who may in Liên Ninh)
    let routes: [(&str, Value, Value, &[&str]); 5] = [
        (
            "/api/v1/lockdowns",
            lockdown("00682"),
            lockdown("00001"),
            &["commune", "district"],
        ),
        (
            "/api/v1/testing-rounds",
            testing("00682"),
            testing("00001"),
            &["commune", "district"],
        ),
        (
            "/api/v1/hotlines",
            hotline("00682"),
            hotline("00001"),
            &["commune", "district", "city"],
        ),
        (
            "/api/v1/duty-roster",
            duty("00682"),
            duty("00001"),
            &["commune", "district", "city"],
        ),
        // A district's own round, hotline: the commune is below it.
        (
            "/api/v1/testing-rounds",
            testing("020"),
            testing("001"),
            &["district"],
        ),
    ];
    for (path, mine, other, allowed) in routes {
        for (who, token) in &tokens {
            let table = match path {
                "/api/v1/lockdowns" => "lockdowns",
                "/api/v1/testing-rounds" => "testing_rounds",
                "/api/v1/hotlines" => "hotlines",
                _ => "duty_roster",
            };
            let before = (count(&t, table).await, count(&t, "audit_log").await);
            let r = t.api("POST", path, Some(token), Some(mine.clone())).await;
            let want = if allowed.contains(who) {
                StatusCode::CREATED
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(r.status, want, "{who} POST {path} at home: {}", r.text);
            if want == StatusCode::FORBIDDEN {
                assert_eq!(
                    (count(&t, table).await, count(&t, "audit_log").await),
                    before
                );
            } else {
                assert_eq!(count(&t, "audit_log").await, before.1 + 1, "audited");
            }
            // Nobody but the city writes in another district; the city
            // only its contacts.
            let r = t.api("POST", path, Some(token), Some(other.clone())).await;
            let want = if *who == "city" && allowed.contains(who) {
                StatusCode::CREATED
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(r.status, want, "{who} POST {path} elsewhere: {}", r.text);
        }
    }
}

#[sqlx::test]
async fn a_lockdown_area_turns_its_commune_red_and_counts_the_people_inside_until_lifted(
    db: PgPool,
) {
    let t = setup(db).await;
    let commune = t.token("lienninh").await;
    let city = t.token("thanhpho").await;
    assert_eq!(summary(&t, &city, "00682").await["zone"]["colour"], "green");
    let r = t
        .api(
            "POST",
            "/api/v1/lockdowns",
            Some(&commune),
            Some(lockdown("00682")),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.json()["id"].clone();
    for code in ["00682", "020", "01"] {
        let s = summary(&t, &city, code).await;
        assert_eq!(s["zone"]["colour"], "red", "{code}");
        assert_eq!(
            s["lockdowns"],
            json!({"active": 1, "people": 132}),
            "{code}"
        );
    }
    // Lifting needs its date; then the commune is green again.
    let r = t
        .api(
            "PATCH",
            &format!("/api/v1/lockdowns/{id}"),
            Some(&commune),
            Some(json!({"version": 1, "status": "lifted"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("lifted_on"));
    let r = t
        .api(
            "PATCH",
            &format!("/api/v1/lockdowns/{id}"),
            Some(&commune),
            Some(json!({"version": 1, "status": "lifted", "lifted_on": "2021-08-01"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let s = summary(&t, &city, "00682").await;
    assert_eq!(s["zone"]["colour"], "green");
    assert_eq!(s["lockdowns"]["active"], 0);
    // On a day it stood, it still counts.
    let r = t
        .api(
            "GET",
            "/api/v1/areas/00682/summary?date=2021-07-30",
            Some(&city),
            None,
        )
        .await;
    assert_eq!(r.json()["lockdowns"]["people"], 132);
    // A cluster of another commune cannot be the one inside.
    let mut bad = lockdown("00682");
    bad["cluster_id"] = json!(999_999);
    let r = t
        .api("POST", "/api/v1/lockdowns", Some(&commune), Some(bad))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test]
async fn testing_rounds_show_the_positive_rate_and_where_results_are_late(db: PgPool) {
    let t = setup(db).await;
    let district = t.token("thanhtri").await;
    let r = t
        .api(
            "POST",
            "/api/v1/testing-rounds",
            Some(&district),
            Some(testing("00682")),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // A round with more positives than results is refused, field by field.
    let mut bad = testing("00682");
    bad["positives"] = json!(500);
    let r = t
        .api("POST", "/api/v1/testing-rounds", Some(&district), Some(bad))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("positives"));
    let s = summary(&t, &district, "020").await;
    assert_eq!(
        s["testing"],
        json!({"samples_7d": 1000, "results_7d": 400, "positives_7d": 4, "waiting_over_48h": 600})
    );
    let mut b = t.signed_in("thanhtri").await;
    let page = b.get("/areas/020").await.text;
    assert!(
        page.contains(r#"id="testing-late" class="bad">600<"#),
        "the district sees it"
    );
    let row = page.split(r#"data-code="00682""#).nth(1).unwrap();
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains(r#"<td class="num missing">600</td>"#), "{row}");
    assert!(page.contains("1,0%"), "4 positives of 400 results");
    // Sorting by late results puts Liên Ninh first.
    let sorted = b.get("/areas/020?sort=late_tests").await.text;
    assert!(
        sorted
            .split(r#"<tr data-code=""#)
            .nth(1)
            .unwrap()
            .starts_with("00682")
    );
}

#[sqlx::test]
async fn f0_are_counted_by_where_they_are_treated_and_a_nearly_full_tier_is_flagged(db: PgPool) {
    let t = setup(db).await;
    let commune = t.token("lienninh").await;
    let district = t.token("thanhtri").await;
    for (i, place) in ["tier2", "tier2", "home", "commune_station"]
        .iter()
        .enumerate()
    {
        let r = t.api("POST", "/api/v1/cases", Some(&commune), Some(json!({"commune_code": "00682", "case_code": format!("BN5{i}"), "detected_on": "2021-07-30", "detected_in": "quarantine", "status": "treating", "treated_at": place}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let r = t.api("POST", "/api/v1/quarantine-sites", Some(&district), Some(json!({"area_code": "020", "name": "Bệnh viện dã chiến", "kind": "treatment", "treatment_tier": 2, "run_by": "district", "capacity": 10, "occupancy": 9, "status": "active"}))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // A tier is for treatment facilities only.
    let r = t.api("POST", "/api/v1/quarantine-sites", Some(&district), Some(json!({"area_code": "020", "name": "Khu tập trung", "kind": "centralised", "treatment_tier": 1, "run_by": "district", "capacity": 10, "occupancy": 0, "status": "active"}))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let s = summary(&t, &district, "020").await;
    assert_eq!(s["treatment"]["tiers"], json!([0, 2, 0]));
    assert_eq!(
        (
            s["treatment"]["home"].clone(),
            s["treatment"]["commune_station"].clone()
        ),
        (json!(1), json!(1))
    );
    assert_eq!(s["treatment"]["tier_capacity"], json!([0, 10, 0]));
    let mut b = t.signed_in("thanhtri").await;
    let page = b.get("/areas/020").await.text;
    let tiers = page.split(r#"id="tiers""#).nth(1).unwrap();
    assert!(
        tiers.contains(r#"<tr class="full"><td>Tầng 2</td><td class="num">2</td>"#),
        "{tiers:.800}"
    );
    assert!(tiers.contains("9/10 (90%)") && tiers.contains("gần hết chỗ"));
    // Recovery takes a case off its tier.
    let id = t
        .api("GET", "/api/v1/cases?q=BN50", Some(&commune), None)
        .await
        .json()["items"][0]["id"]
        .clone();
    let r = t
        .api(
            "PATCH",
            &format!("/api/v1/cases/{id}"),
            Some(&commune),
            Some(json!({"version": 1, "status": "recovered", "status_on": "2021-08-01"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        summary(&t, &district, "020").await["treatment"]["tiers"],
        json!([0, 1, 0])
    );
}

async fn public(t: &TestApp) -> crate::common::Reply {
    t.send(
        Request::get("/cong-khai")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
}

#[sqlx::test]
async fn the_public_page_needs_no_sign_in_shows_contacts_and_never_a_case_field(db: PgPool) {
    let t = setup(db).await;
    let commune = t.token("lienninh").await;
    let district = t.token("thanhtri").await;
    let r = t.api("POST", "/api/v1/cases", Some(&commune), Some(json!({"commune_code": "00682", "case_code": "BN777777", "detected_on": "2021-07-31", "detected_in": "community", "status": "treating", "village": "Thôn Bímật", "full_name": "Nguyễn Văn Bímật", "phone": "0987654321", "address": "Số 9 ngõ Bímật", "sex": "m", "birth_year": 1988, "treated_at": "home"}))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    for (path, body) in [
        ("/api/v1/hotlines", hotline("00682")),
        ("/api/v1/duty-roster", duty("00682")),
        ("/api/v1/hotlines", hotline("020")),
    ] {
        let r = t.api("POST", path, Some(&district), Some(body)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let r = public(&t).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers.get("set-cookie").is_none(),
        "no session for a citizen"
    );
    let page = &r.text;
    assert!(page.contains("Cập nhật lúc 09:00 · 01/08/2021"));
    assert!(page.contains("1/579 phường/xã vùng đỏ"));
    let row = page.split(r#"data-code="00682""#).nth(1).unwrap();
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("Vùng đỏ") && row.contains("0243 825 1234"));
    assert!(row.contains("Trần Văn Trực (Phó Chủ tịch UBND)") && row.contains("tel:0912000111"));
    assert_eq!(page.matches(r#"class="public-district""#).count(), 30);
    for secret in ["BN777777", "Bímật", "0987654321", "1988", "Nguyễn Văn"] {
        assert!(
            !page.contains(secret),
            "{secret} leaked onto the public page"
        );
    }
    // In English too, from the language cookie.
    let r = t
        .send(
            Request::get("/cong-khai")
                .header("cookie", "lang=en")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert!(r.text.contains("1/579 communes red") && r.text.contains("On duty today"));
}

async fn public_lookup(t: &TestApp, q: &str) -> String {
    t.send(
        Request::get(format!("/cong-khai?q={q}"))
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
    .text
}

#[sqlx::test]
async fn a_citizen_finds_their_commune_by_name_without_accents_on_top_of_the_public_page(
    db: PgPool,
) {
    let t = setup(db).await;
    let district = t.token("thanhtri").await;
    for (path, body) in [
        ("/api/v1/hotlines", hotline("00682")),
        ("/api/v1/duty-roster", duty("00682")),
        ("/api/v1/lockdowns", lockdown("00682")),
    ] {
        let r = t.api("POST", path, Some(&district), Some(body)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    // Typed without accents, in any case: Liên Ninh's card, before the city.
    let page = public_lookup(&t, "LIEN+ninh").await;
    let card = page
        .split(r#"<article class="answer" data-code="00682">"#)
        .nth(1)
        .expect("Liên Ninh's card");
    let card = &card[..card.find("</article>").unwrap()];
    assert!(card.contains("Xã Liên Ninh") && card.contains("Huyện Thanh Trì"));
    assert!(card.contains("Vùng đỏ"), "its lockdown makes it red");
    assert!(card.contains("tel:02438251234") && card.contains("Trần Văn Trực"));
    assert!(
        page.find("id=\"answers\"").unwrap() < page.find("id=\"city-contacts\"").unwrap(),
        "the answer comes before the city"
    );
    assert!(
        page.contains(r#"value="LIEN ninh""#),
        "the question stays in its box"
    );
    // A name found nowhere says so; what was typed is shown as text, never markup.
    let page = public_lookup(&t, "%3Cb%3Ekhong+co%3C%2Fb%3E").await;
    assert!(page.contains("Không tìm thấy phường/xã nào có tên “&lt;b&gt;khong co&lt;/b&gt;”"));
    assert!(!page.contains("<b>khong"));
    // Without a question, no answer and an empty box.
    let page = public_lookup(&t, "").await;
    assert!(
        !page.contains(r#"class="answer""#) && page.contains(r#"name="q" type="search" value="""#)
    );
}

#[sqlx::test]
async fn the_public_page_is_served_from_memory_and_refreshed_at_most_once_a_minute(db: PgPool) {
    let t = setup(db).await;
    assert!(public(&t).await.text.contains("0/579 phường/xã vùng đỏ"));
    let commune = t.token("lienninh").await;
    t.api(
        "POST",
        "/api/v1/lockdowns",
        Some(&commune),
        Some(lockdown("00682")),
    )
    .await;
    // Within the minute: the copy, untouched by the write.
    t.clock.set(t.clock.now() + Duration::seconds(30));
    assert!(public(&t).await.text.contains("0/579 phường/xã vùng đỏ"));
    // A minute on, the copy is checked against the stamp and rebuilt.
    t.clock.set(t.clock.now() + Duration::seconds(31));
    assert!(public(&t).await.text.contains("1/579 phường/xã vùng đỏ"));
}

#[sqlx::test]
async fn the_public_page_limits_requests_from_one_address(db: PgPool) {
    let config = Config {
        public_per_minute: 3,
        ..Config::for_tests()
    };
    let t = TestApp::with_config(db, config).await;
    for _ in 0..3 {
        assert_eq!(public(&t).await.status, StatusCode::OK);
    }
    let r = public(&t).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text.contains("Quá nhiều yêu cầu"));
    t.clock.set(t.clock.now() + Duration::seconds(61));
    assert_eq!(public(&t).await.status, StatusCode::OK);
}

#[sqlx::test]
async fn a_commune_official_files_a_lockdown_on_a_phone_form_choosing_its_cluster_by_name(
    db: PgPool,
) {
    let t = setup(db).await;
    let mut b = t.signed_in("lienninh").await;
    let r = b
        .post(
            "/clusters/new",
            "/clusters",
            &[
                ("commune_code", "00682"),
                ("name", "Thôn Thọ Am"),
                ("opened_on", "2021-07-28"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let form = b.get("/lockdowns/new").await.text;
    assert!(
        form.contains("Thôn Thọ Am (Xã Liên Ninh)"),
        "the cluster is offered by name"
    );
    let cluster: i64 = sqlx::query_scalar("select id from clusters where name = 'Thôn Thọ Am'")
        .fetch_one(&t.db)
        .await
        .unwrap();
    let r = b
        .post(
            "/lockdowns/new",
            "/lockdowns",
            &[
                ("commune_code", "00682"),
                ("name", "Thôn Thọ Am"),
                ("kind", "isolation_area"),
                ("started_on", "2021-07-28"),
                ("households", ""),
                ("people", "1.250"),
                ("cluster_id", &cluster.to_string()),
                ("status", "active"),
                ("lifted_on", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = b.get(r.location()).await.text;
    assert!(page.contains("Thôn Thọ Am") && page.contains("1.250"));
    assert!(
        page.contains("Chưa có"),
        "households not given read as unknown, not 0"
    );
    // A bad form comes back with the input kept and the error by its field.
    let r = b
        .post(
            "/lockdowns/new",
            "/lockdowns",
            &[
                ("commune_code", "00682"),
                ("name", "Ngõ 200"),
                ("kind", "lockdown_point"),
                ("started_on", "2021-07-28"),
                ("people", "nhiều"),
                ("status", "lifted"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("Ngõ 200") && r.text.contains("aria-invalid"));
}

#[sqlx::test]
async fn todays_work_shows_each_user_what_is_due_and_clears_once_done(db: PgPool) {
    let t = setup(db).await;
    let today = t.clock.today();
    // The commune: today's report not sent, with the link that files it.
    let mut ward = t.signed_in("lienninh").await;
    let page = ward.get("/today").await;
    assert_eq!(page.status, StatusCode::OK);
    let report = page.text.split(r#"id="today-report""#).nth(1).unwrap();
    let report = &report[..report.find("</li>").unwrap()];
    assert!(page.text.contains(r#"class="due" id="today-report""#));
    assert!(report.contains("Chưa gửi"), "{report}");
    assert!(report.contains(&format!(r#"href="/daily/00682/{today}""#)));
    // The district sees how many of its sixteen have reported.
    let mut chair = t.signed_in("thanhtri").await;
    assert!(
        chair
            .get("/today")
            .await
            .text
            .contains("0/16 phường/xã đã báo cáo")
    );
    let token = t.token("lienninh").await;
    let r = t
        .api(
            "PUT",
            &format!("/api/v1/daily-reports/00682/{today}"),
            Some(&token),
            Some(json!({"f1_traced": 3, "f1_quarantined": 3, "tests": 40, "dose1": 0, "dose2": 0, "dose3": 0})),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    let page = ward.get("/today").await;
    assert!(page.text.contains(r#"class="done" id="today-report""#));
    assert!(page.text.contains("Đã gửi") && !page.text.contains("Chưa gửi"));
    assert!(
        chair
            .get("/today")
            .await
            .text
            .contains("1/16 phường/xã đã báo cáo")
    );
    // Every page's menu leads with it; without signing in there is none.
    assert!(
        page.text
            .contains(r#"<a href="/today" class="today-link">Việc hôm nay</a>"#)
    );
    let r = t
        .send(
            Request::get("/today")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        r.status.is_redirection() || r.status == StatusCode::UNAUTHORIZED,
        "{}",
        r.status
    );
}

#[sqlx::test]
async fn the_demo_puts_each_accounts_own_area_in_the_story_with_work_due_today(db: PgPool) {
    let t = setup(db).await;
    let actor = vungxanh::storage::audit::Actor::system("demo");
    let today = t.clock.today();
    let story = vungxanh::storage::demo_story::load(&t.db, &actor, today);
    assert!(story.await.unwrap(), "loaded once");
    // Liên Ninh: its cluster's 136 F0, the hamlet locked down, the commune red.
    let mut ward = t.signed_in("lienninh").await;
    let page = ward.get("/areas/00682").await.text;
    assert!(
        page.contains(r#"id="f0-total">136<"#),
        "the cluster's F0 are the commune's"
    );
    assert!(page.contains("Vùng đỏ"));
    let clusters = ward.get("/clusters").await.text;
    assert!(clusters.contains("Thôn Thọ Am") && clusters.contains("136"));
    // Thọ Am's chain: F1 in the district's site, tests due and overdue, a
    // release, people at home and people not yet placed, on today's list.
    let list = ward.get("/contacts/today").await.text;
    for group in [
        "contacts-due_overdue",
        "contacts-due_today",
        "contacts-due_release",
        "contacts-due_home",
        "contacts-due_unplaced",
    ] {
        assert!(list.contains(&format!(r#"id="{group}""#)), "{group}");
    }
    let became: i64 =
        sqlx::query_scalar("select count(*) from contacts where status = 'became_case'")
            .fetch_one(&t.db)
            .await
            .unwrap();
    assert_eq!(became, 2, "two F1 turned F0 in quarantine");
    // Work waits today for the commune and for the district, each its own.
    let work = ward.get("/today").await.text;
    assert!(work.contains("Lấy mẫu xét nghiệm toàn bộ người dân Thôn Thọ Am"));
    let mut chair = t.signed_in("thanhtri").await;
    let work = chair.get("/today").await.text;
    assert!(work.contains("88/CĐ-BCĐ") && !work.contains("Lấy mẫu xét nghiệm toàn bộ"));
    // Written through the records' save: the audit log has the story.
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where username = 'system:demo' and entity in ('cluster', 'lockdown', 'directive', 'task')",
    )
    .fetch_one(&t.db)
    .await
    .unwrap();
    assert_eq!(audited, 6);
    // A second start adds nothing.
    let again = vungxanh::storage::demo_story::load(&t.db, &actor, today);
    assert!(!again.await.unwrap());
    let cases: i64 = sqlx::query_scalar("select count(*) from cases where cluster_id is not null")
        .fetch_one(&t.db)
        .await
        .unwrap();
    assert_eq!(cases, 136);
}
