//! Contacts (issue 26, DESIGN §3a): F1 traced from a case, F2 from an F1,
//! held in a site that counts its people, tested on the rule's days, and
//! turned into a case by a positive test; the commune's list for today.

use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::common::TestApp;

async fn setup(db: PgPool) -> TestApp {
    let t = TestApp::new(db).await;
    t.user("lienninh", "commune", "00682").await;
    t.user("tamhiep", "commune", "00685").await;
    t.user("thanhtri", "district", "020").await;
    t.user("thanhpho", "city", "01").await;
    t
}

async fn post(t: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let r = t.api("POST", path, Some(token), Some(body)).await;
    let v = serde_json::from_str(&r.text).unwrap_or(Value::Null);
    (r.status, v)
}

/// Case BN-TT-0001 of Liên Ninh, confirmed on 30 July.
async fn a_case(t: &TestApp, token: &str) -> i64 {
    let (s, v) = post(
        t,
        token,
        "/api/v1/cases",
        json!({"commune_code": "00682", "case_code": "BN-TT-0001", "detected_on": "2021-07-30",
               "detected_in": "community", "status": "treating"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_i64().unwrap()
}

/// A district site of Thanh Trì with `capacity` places.
async fn a_site(t: &TestApp, capacity: i64) -> i64 {
    let token = t.token("thanhtri").await;
    let (s, v) = post(
        t,
        &token,
        "/api/v1/quarantine-sites",
        json!({"area_code": "020", "name": "KTX Học viện Cảnh sát", "kind": "centralised",
               "run_by": "district", "capacity": capacity, "occupancy": 0, "status": "active"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_i64().unwrap()
}

/// An F1 of case BN-TT-0001 in Liên Ninh, with `extra` fields.
fn f1(extra: Value) -> Value {
    let v = json!({"commune_code": "00682", "case_code": "BN-TT-0001", "exposed_on": "2021-07-29",
                   "found_by": "household", "held_at": "unplaced", "status": "traced",
                   "village": "Thọ Am", "full_name": "Nguyễn Thị Hoa", "phone": "0912 345 678",
                   "birth_year": 1984, "sex": "f"});
    with(v, extra)
}

fn with(mut v: Value, extra: Value) -> Value {
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

async fn occupancy(t: &TestApp, site: i64) -> (i32, bool) {
    sqlx::query_as("select occupancy, keeps_people from quarantine_sites where id = $1")
        .bind(site)
        .fetch_one(&t.db)
        .await
        .unwrap()
}

#[sqlx::test]
async fn a_commune_official_traces_an_f1_and_the_city_sees_an_age_band_not_a_name(db: PgPool) {
    let t = setup(db).await;
    let token = t.token("lienninh").await;
    let case = a_case(&t, &token).await;
    let audit_before = t.audit_count().await;
    let (s, v) = post(&t, &token, "/api/v1/contacts", f1(json!({}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    assert_eq!(t.audit_count().await, audit_before + 1, "one audit row");

    let mine = t
        .api("GET", &format!("/api/v1/contacts/{id}"), Some(&token), None)
        .await
        .json();
    assert_eq!(mine["case_id"], case);
    assert_eq!(mine["case_code"], "BN-TT-0001");
    assert_eq!(mine["tier"], "F1");
    assert_eq!(mine["full_name"], "Nguyễn Thị Hoa");

    let city = t.token("thanhpho").await;
    let r = t
        .api("GET", &format!("/api/v1/contacts/{id}"), Some(&city), None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let seen = r.json();
    for k in ["full_name", "phone", "address", "birth_year"] {
        assert!(seen.get(k).is_none(), "the city sees no {k}: {seen}");
    }
    assert_eq!(seen["age_band"], "30–39");
    assert!(!r.text.contains("Hoa") && !r.text.contains("0912"));
    // The city's list and its page alike.
    let mut wall = t.signed_in("thanhpho").await;
    let page = wall.get(&format!("/contacts/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text.contains("Nguyễn Thị Hoa") && page.text.contains("30–39"));
    let list = wall.get("/contacts?area=020").await;
    assert!(list.text.contains(&format!("F1 #{id}")) && !list.text.contains("Nguyễn Thị Hoa"));
}

#[sqlx::test]
async fn a_commune_official_cannot_record_a_contact_in_another_commune_nor_can_the_city(
    db: PgPool,
) {
    let t = setup(db).await;
    let token = t.token("lienninh").await;
    a_case(&t, &token).await;
    let other = t.token("tamhiep").await;
    let (s, _) = post(&t, &other, "/api/v1/contacts", f1(json!({}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let city = t.token("thanhpho").await;
    let (s, _) = post(&t, &city, "/api/v1/contacts", f1(json!({}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The district may, for its commune.
    let district = t.token("thanhtri").await;
    let (s, v) = post(&t, &district, "/api/v1/contacts", f1(json!({}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    // Another commune reads nothing of it.
    let r = t
        .api("GET", &format!("/api/v1/contacts/{id}"), Some(&other), None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let n: i64 = sqlx::query_scalar("select count(*) from contacts")
        .fetch_one(&t.db)
        .await
        .unwrap();
    assert_eq!(n, 1, "only the district's contact is stored");
}

#[sqlx::test]
async fn a_contact_needs_a_known_case_or_f1_and_a_site_when_held_at_one(db: PgPool) {
    let t = setup(db).await;
    let token = t.token("lienninh").await;
    a_case(&t, &token).await;
    let r = t
        .api(
            "POST",
            "/api/v1/contacts",
            Some(&token),
            Some(f1(json!({"case_code": "BN-KHONG-CO"}))),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.json()["error"]["fields"]["case_code"]
            .as_str()
            .unwrap()
            .contains("Không có ca bệnh")
    );
    let r = t
        .api(
            "POST",
            "/api/v1/contacts",
            Some(&token),
            Some(f1(json!({"held_at": "site", "status": "quarantined", "quarantine_from": "2021-07-30"}))),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.json()["error"]["fields"]["site_id"].is_string(),
        "{}",
        r.text
    );
    // Nothing given as a source.
    let mut none = f1(json!({}));
    none.as_object_mut().unwrap().remove("case_code");
    let r = t
        .api("POST", "/api/v1/contacts", Some(&token), Some(none))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let n: i64 = sqlx::query_scalar("select count(*) from contacts")
        .fetch_one(&t.db)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[sqlx::test]
async fn a_placement_beyond_a_sites_capacity_is_refused_with_the_free_places_named(db: PgPool) {
    let t = setup(db).await;
    let token = t.token("lienninh").await;
    a_case(&t, &token).await;
    let site = a_site(&t, 1).await;
    let held = json!({"held_at": "site", "site_id": site, "status": "quarantined", "quarantine_from": "2021-07-30"});
    let (s, v) = post(&t, &token, "/api/v1/contacts", f1(held.clone())).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let first = v["id"].as_i64().unwrap();
    assert_eq!(
        occupancy(&t, site).await,
        (1, true),
        "the site counts its people"
    );

    let r = t
        .api(
            "POST",
            "/api/v1/contacts",
            Some(&token),
            Some(with(
                f1(held.clone()),
                json!({"full_name": "Trần Văn Bình"}),
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let msg = r.json()["error"]["fields"]["site_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        msg.contains("KTX Học viện Cảnh sát") && msg.contains("còn 0 chỗ"),
        "{msg}"
    );
    assert_eq!(occupancy(&t, site).await, (1, true), "nothing placed");

    // The site counts its people now: a number typed in an edit gives way,
    // a capacity below them is refused, and its pages say which it is.
    let chair = t.token("thanhtri").await;
    let r = t
        .api(
            "PATCH",
            &format!("/api/v1/quarantine-sites/{site}"),
            Some(&chair),
            Some(json!({"version": 1, "occupancy": 0, "name": "KTX Học viện Cảnh sát (khu A)"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(occupancy(&t, site).await, (1, true), "the count stands");
    let r = t
        .api(
            "PATCH",
            &format!("/api/v1/quarantine-sites/{site}"),
            Some(&chair),
            Some(json!({"version": 2, "capacity": 0})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(
        r.json()["error"]["fields"]["capacity"]
            .as_str()
            .unwrap()
            .contains("(1)")
    );
    let mut desk = t.signed_in("thanhtri").await;
    let page = desk.get(&format!("/sites/{site}")).await.text;
    assert!(page.contains("1 (đếm theo danh sách người)"), "says which");
    let form = desk.get(&format!("/sites/{site}/edit")).await.text;
    assert!(!form.contains(r#"name="occupancy""#), "no number to type");

    // The form says so too, with what was typed kept.
    let mut phone = t.signed_in("lienninh").await;
    let site_s = site.to_string();
    let r = phone
        .post(
            "/contacts/new",
            "/contacts",
            &[
                ("commune_code", "00682"),
                ("case_code", "BN-TT-0001"),
                ("exposed_on", "2021-07-29"),
                ("found_by", "workplace"),
                ("held_at", "site"),
                ("site_id", &site_s),
                ("status", "quarantined"),
                ("quarantine_from", "2021-07-30"),
                ("full_name", "Lê Thị Cúc"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("còn 0 chỗ") && r.text.contains("Lê Thị Cúc"));

    // Released, the place is free again and the next one fits.
    let mut desk = t.signed_in("lienninh").await;
    let page = desk.get(&format!("/contacts/{first}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let r = desk
        .post(
            "/contacts/today",
            &format!("/contacts/{first}/release"),
            &[("version", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(occupancy(&t, site).await, (0, true));
    let (s, v) = post(&t, &token, "/api/v1/contacts", f1(held)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(occupancy(&t, site).await, (1, true));
}

#[sqlx::test]
async fn a_positive_test_makes_the_contact_a_case_found_in_quarantine_and_their_f2_its_f1(
    db: PgPool,
) {
    let t = setup(db).await;
    let token = t.token("lienninh").await;
    a_case(&t, &token).await;
    let site = a_site(&t, 10).await;
    let (s, v) = post(
        &t,
        &token,
        "/api/v1/contacts",
        f1(json!({"held_at": "site", "site_id": site, "status": "quarantined", "quarantine_from": "2021-07-30"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let f1_id = v["id"].as_i64().unwrap();
    let mut f2 =
        f1(json!({"source_id": f1_id, "full_name": "Nguyễn Văn Nam", "exposed_on": "2021-07-30"}));
    f2.as_object_mut().unwrap().remove("case_code");
    let (s, v) = post(&t, &token, "/api/v1/contacts", f2).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let f2_id = v["id"].as_i64().unwrap();
    assert_eq!(
        t.api(
            "GET",
            &format!("/api/v1/contacts/{f2_id}"),
            Some(&token),
            None
        )
        .await
        .json()["tier"],
        "F2"
    );

    // A negative first test is kept; nothing else changes.
    let (s, v) = post(
        &t,
        &token,
        &format!("/api/v1/contacts/{f1_id}/tests"),
        json!({"taken_on": "2021-07-30", "kind": "individual_pcr", "result": "negative"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert!(v["case_id"].is_null());

    // Positive on the second: through the contact's page, one step.
    let mut phone = t.signed_in("lienninh").await;
    let audit_before = t.audit_count().await;
    let r = phone
        .post(
            &format!("/contacts/{f1_id}"),
            &format!("/contacts/{f1_id}/tests"),
            &[
                ("taken_on", "2021-08-01"),
                ("kind", "individual_pcr"),
                ("result", "positive"),
                ("new_case_code", "bn-tt-0002"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let case: (i64, String, String, String) = sqlx::query_as(
        "select id, case_code, detected_in, full_name from cases where case_code = 'BN-TT-0002'",
    )
    .fetch_one(&t.db)
    .await
    .unwrap();
    assert_eq!(r.location(), format!("/cases/{}", case.0));
    assert_eq!(case.2, "quarantine", "found while held");
    // Its chain starts at the case its F1 was exposed to.
    let page = phone.get(&format!("/cases/{}", case.0)).await.text;
    let chain = &page[page.find(r#"id="chain""#).expect("the chain")..];
    let (from, via, me) = (
        chain.find("BN-TT-0001 · 30/07").expect("the source case"),
        chain.find(&format!(">F1 #{f1_id} · ")).expect("the F1"),
        chain.find("BN-TT-0002 · 01/08").expect("the case"),
    );
    assert!(from < via && via < me, "case → F1 → case");
    assert_eq!(case.3, "Nguyễn Thị Hoa", "the person carried over");

    let c = t
        .api(
            "GET",
            &format!("/api/v1/contacts/{f1_id}"),
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(c["status"], "became_case");
    assert_eq!(c["became_case_code"], "BN-TT-0002");
    let f2 = t
        .api(
            "GET",
            &format!("/api/v1/contacts/{f2_id}"),
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(f2["tier"], "F1", "{f2}");
    assert_eq!(f2["case_code"], "BN-TT-0002");
    assert_eq!(
        occupancy(&t, site).await.0,
        0,
        "moved out of the site's count"
    );
    let tests: i64 = sqlx::query_scalar("select count(*) from contact_tests where contact_id = $1")
        .bind(f1_id)
        .fetch_one(&t.db)
        .await
        .unwrap();
    assert_eq!(tests, 2);
    // Every write audited: the test, the case, the contact, the F2.
    assert_eq!(t.audit_count().await, audit_before + 4);
    // A case can come of a contact once.
    let (s, _) = post(
        &t,
        &token,
        &format!("/api/v1/contacts/{f1_id}/tests"),
        json!({"taken_on": "2021-08-01", "kind": "individual_pcr", "result": "positive", "new_case_code": "BN-TT-0003"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test]
async fn a_taken_case_code_on_a_positive_test_changes_nothing(db: PgPool) {
    let t = setup(db).await;
    let token = t.token("lienninh").await;
    a_case(&t, &token).await;
    let (_, v) = post(&t, &token, "/api/v1/contacts", f1(json!({}))).await;
    let id = v["id"].as_i64().unwrap();
    let r = t
        .api(
            "POST",
            &format!("/api/v1/contacts/{id}/tests"),
            Some(&token),
            Some(json!({"taken_on": "2021-08-01", "kind": "rapid_antigen", "result": "positive", "new_case_code": "BN-TT-0001"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(
        r.json()["error"]["fields"]["new_case_code"].is_string(),
        "{}",
        r.text
    );
    let (tests, status): (i64, String) = sqlx::query_as(
        "select (select count(*) from contact_tests), (select status from contacts where id = $1)",
    )
    .bind(id)
    .fetch_one(&t.db)
    .await
    .unwrap();
    assert_eq!((tests, status.as_str()), (0, "traced"), "rolled back whole");
}

#[sqlx::test]
async fn the_communes_list_for_today_shows_who_to_test_release_and_place(db: PgPool) {
    let t = setup(db).await;
    let token = t.token("lienninh").await;
    a_case(&t, &token).await;
    let site = a_site(&t, 10).await;
    let held = |name: &str, exposed: &str, from: &str| {
        f1(
            json!({"full_name": name, "exposed_on": exposed, "held_at": "site", "site_id": site,
                  "status": "quarantined", "quarantine_from": from}),
        )
    };
    // Today is 1 August 2021.
    let mut ids = Vec::new();
    for body in [
        // Placed today: day 1, tested today.
        held("Người Xét Nghiệm Hôm Nay", "2021-07-31", "2021-08-01"),
        // Placed on 25 July, never tested: day 7 (31 July) is overdue.
        held("Người Quá Hạn", "2021-07-24", "2021-07-25"),
        // Exposed on 18 July: fourteen days end today.
        held("Người Ra Hôm Nay", "2021-07-18", "2021-07-19"),
        f1(json!({"full_name": "Người Chưa Xếp Chỗ"})),
        f1(
            json!({"full_name": "Người Ở Nhà", "held_at": "home", "status": "quarantined", "quarantine_from": "2021-07-31"}),
        ),
    ] {
        let (s, v) = post(&t, &token, "/api/v1/contacts", body).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        ids.push(v["id"].as_i64().unwrap());
    }
    // The one released today took their tests on days 1 and 7 and 14.
    for day in ["2021-07-19", "2021-07-25", "2021-08-01"] {
        let (s, v) = post(
            &t,
            &token,
            &format!("/api/v1/contacts/{}/tests", ids[2]),
            json!({"taken_on": day, "kind": "pooled_pcr", "result": "negative"}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }

    let mut phone = t.signed_in("lienninh").await;
    let page = phone.get("/contacts/today").await;
    assert_eq!(page.status, StatusCode::OK);
    let section = |id: &str| {
        let start = page
            .text
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("no section {id}"));
        let rest = &page.text[start..];
        rest[..rest.find("</section>").unwrap()].to_string()
    };
    let today = section("contacts-due_today");
    assert!(today.contains("Người Xét Nghiệm Hôm Nay"), "{today}");
    assert!(!today.contains("Người Ra Hôm Nay"), "tested today already");
    let overdue = section("contacts-due_overdue");
    assert!(
        overdue.contains("Người Quá Hạn") && overdue.contains("31/07/2021"),
        "{overdue}"
    );
    let release = section("contacts-due_release");
    assert!(release.contains("Người Ra Hôm Nay"), "{release}");
    assert!(section("contacts-due_unplaced").contains("Người Chưa Xếp Chỗ"));
    assert!(section("contacts-due_home").contains("Người Ở Nhà"));

    // One tap releases.
    let r = phone
        .post(
            "/contacts/today",
            &format!("/contacts/{}/release", ids[2]),
            &[("version", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = phone.get("/contacts/today").await;
    assert!(!page.text.contains("Người Ra Hôm Nay"));
    assert_eq!(occupancy(&t, site).await.0, 2, "two left in the site");

    // The district counts its communes' work, each opening its own list;
    // another commune cannot open Liên Ninh's.
    let mut chair = t.signed_in("thanhtri").await;
    let district = chair.get("/contacts/today").await.text;
    let row = district
        .split("<tr>")
        .find(|r| r.contains("/contacts/today?area=00682"))
        .expect("Liên Ninh's row")
        .to_string();
    // Overdue: the one never tested and the one at home since yesterday.
    assert!(row.contains(r#"<td class="num bad">2</td>"#), "{row}");
    let listed = chair.get("/contacts/today?area=00682").await.text;
    assert!(listed.contains("Người Quá Hạn"));
    let mut neighbour = t.signed_in("tamhiep").await;
    assert_eq!(
        neighbour.get("/contacts/today?area=00682").await.status,
        StatusCode::FORBIDDEN
    );
    // The city picks a district; a commune's list shows it no names.
    let mut wall = t.signed_in("thanhpho").await;
    let city = wall.get("/contacts/today").await;
    assert_eq!(city.status, StatusCode::OK);
    assert!(city.text.contains("/contacts/today?area=020"));
    let commune = wall.get("/contacts/today?area=00682").await.text;
    assert!(!commune.contains("Người Quá Hạn") && commune.contains("Thọ Am · Xã Liên Ninh"));
}

#[sqlx::test]
async fn on_a_phone_the_commune_finds_todays_test_and_turns_a_positive_contact_into_a_case(
    db: PgPool,
) {
    use crate::browser::{browser, driver, fill, serve, shot, sign_in, text};
    use fantoccini::Locator;

    let t = setup(db).await;
    let token = t.token("lienninh").await;
    a_case(&t, &token).await;
    let site = a_site(&t, 20).await;
    let (s, v) = post(
        &t,
        &token,
        "/api/v1/contacts",
        f1(
            json!({"held_at": "site", "site_id": site, "status": "quarantined",
                  "quarantine_from": "2021-08-01", "exposed_on": "2021-07-31"}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    post(
        &t,
        &token,
        "/api/v1/contacts",
        f1(json!({"full_name": "Phạm Văn Dũng"})),
    )
    .await;

    let base = serve(&t).await;
    let d = driver();
    let c = browser(&d).await;
    c.set_window_size(390, 844).await.unwrap();
    sign_in(&c, &base, "lienninh").await;
    c.goto(&format!("{base}/contacts/today")).await.unwrap();
    let due = text(&c, "#contacts-due_today").await;
    assert!(
        due.contains(&format!("F1 #{id}")) && due.contains("Nguyễn Thị Hoa"),
        "{due}"
    );
    assert!(
        text(&c, "#contacts-due_unplaced")
            .await
            .contains("Phạm Văn Dũng")
    );
    let wide: bool = c
        .execute(
            "return document.documentElement.scrollWidth > window.innerWidth",
            vec![],
        )
        .await
        .unwrap()
        .as_bool()
        .unwrap();
    assert!(!wide, "the list fits a phone's width");
    shot(&c, "contacts-01-today-phone").await;

    // One tap to the test form, positive, a new code: a case.
    c.find(Locator::Css(&format!(
        "#contacts-due_today a.button[href^='/contacts/{id}']"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.wait().for_element(Locator::Css("#form-0")).await.unwrap();
    c.find(Locator::Css("select[name='result']"))
        .await
        .unwrap()
        .select_by_value("positive")
        .await
        .unwrap();
    fill(&c, "new_case_code", "bn-tt-0009").await;
    shot(&c, "contacts-02-positive-test-phone").await;
    c.find(Locator::Css(&format!(
        "form[action='/contacts/{id}/tests'] button"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.wait()
        .for_element(Locator::Css("#chain svg"))
        .await
        .unwrap();
    assert!(c.current_url().await.unwrap().path().starts_with("/cases/"));
    let details = text(&c, ".details").await;
    assert!(details.contains("BN-TT-0009"), "{details}");
    assert!(text(&c, "#chain").await.contains(&format!("F1 #{id}")));
    shot(&c, "contacts-03-became-case-phone").await;
    // The list for today no longer asks for their test.
    c.goto(&format!("{base}/contacts/today")).await.unwrap();
    let page = c.source().await.unwrap();
    assert!(!page.contains(&format!("F1 #{id} ")), "done with");
    c.close().await.unwrap();
}

/// The contact facts of every area, as the triggers keep them.
async fn contact_facts(t: &TestApp) -> Vec<(String, chrono::NaiveDate, String, i64)> {
    sqlx::query_as(
        "select area_code, day, fact, n from area_facts
         where (fact like 'f1_%' or fact = 'f0_held') and n <> 0 order by 1, 2, 3",
    )
    .fetch_all(&t.db)
    .await
    .unwrap()
}

#[sqlx::test]
async fn every_board_shows_f1_held_and_traced_in_time_and_warns_of_home_quarantine_where_forbidden(
    db: PgPool,
) {
    let config = vungxanh::domain::config::Config {
        no_home_quarantine: Some("020".into()),
        ..vungxanh::domain::config::Config::for_tests()
    };
    let t = TestApp::with_config(db, config).await;
    t.user("lienninh", "commune", "00682").await;
    t.user("thanhtri", "district", "020").await;
    t.user("thanhpho", "city", "01").await;
    let token = t.token("lienninh").await;
    a_case(&t, &token).await;
    // A second case confirmed today: its F1 traced today are within 24 h.
    let (s, _) = post(
        &t,
        &token,
        "/api/v1/cases",
        json!({"commune_code": "00682", "case_code": "BN-TT-0002", "detected_on": "2021-08-01",
               "detected_in": "community", "status": "treating"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let site = a_site(&t, 10).await;
    let in_site = |from: &str| {
        f1(
            json!({"held_at": "site", "site_id": site, "status": "quarantined", "quarantine_from": from}),
        )
    };
    let mut ids = Vec::new();
    for body in [
        in_site("2021-07-31"),
        in_site("2021-08-01"),
        with(in_site("2021-08-01"), json!({"case_code": "BN-TT-0002"})),
        f1(json!({"held_at": "home", "status": "quarantined", "quarantine_from": "2021-08-01"})),
        f1(json!({})),
    ] {
        let (s, v) = post(&t, &token, "/api/v1/contacts", body).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        ids.push(v["id"].as_i64().unwrap());
    }
    // One in the site turns F0.
    let (s, v) = post(
        &t,
        &token,
        &format!("/api/v1/contacts/{}/tests", ids[0]),
        json!({"taken_on": "2021-08-01", "kind": "individual_pcr", "result": "positive", "new_case_code": "BN-TT-0003"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");

    let city = t.token("thanhpho").await;
    for code in ["00682", "020", "01"] {
        let r = t
            .api(
                "GET",
                &format!("/api/v1/areas/{code}/summary"),
                Some(&city),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let k = &r.json()["contacts"];
        assert_eq!(k["in_sites"], 2, "{code}: {k}");
        assert_eq!(
            k["in_sites_change"], 1,
            "{code}: placed today, one left today"
        );
        assert_eq!(k["at_home"], 1, "{code}");
        assert_eq!(k["traced_7d"], 5, "{code}");
        assert_eq!(k["traced_24h_7d"], 1, "{code}: only BN-TT-0002's");
        assert_eq!(k["f0_held_7d"], 1, "{code}");
        assert_eq!(k["home_forbidden"], code != "01", "{code}");
    }
    let mut phone = t.signed_in("lienninh").await;
    let board = phone.get("/areas/00682").await.text;
    assert!(board.contains(r#"id="f1-at-home" class="bad""#), "warned");
    assert!(board.contains("Có F1 cách ly tại nhà nơi địa bàn không cho phép"));
    assert!(board.contains(r#"id="traced-24h">20%"#), "1 of 5");

    // Released today: no longer held, today's change says so.
    let mut desk = t.signed_in("lienninh").await;
    let r = desk
        .post(
            "/contacts/today",
            &format!("/contacts/{}/release", ids[1]),
            &[("version", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let k = t
        .api("GET", "/api/v1/areas/00682/summary", Some(&city), None)
        .await
        .json()["contacts"]
        .clone();
    assert_eq!(k["in_sites"], 1, "{k}");

    // What the triggers kept equals a rebuild from the records.
    let kept = contact_facts(&t).await;
    assert!(!kept.is_empty());
    sqlx::query("select rebuild_area_facts()")
        .execute(&t.db)
        .await
        .unwrap();
    assert_eq!(kept, contact_facts(&t).await, "triggers equal a rebuild");
}

#[sqlx::test]
async fn the_synthetic_contacts_give_the_boards_what_a_count_of_the_records_gives(db: PgPool) {
    use vungxanh::storage::synth::{Scale, generate};
    let t = setup(db).await;
    let today = t.clock.today();
    let scale = Scale {
        cases: 2000,
        days: 60,
        sites: 30,
        checkpoints: 10,
        directives: 5,
        report_days: 5,
        contacts_per_case: 4,
        seed: 11,
    };
    let made = generate(&t.db, "01", &scale, today).await.unwrap();
    assert_eq!(made.contacts, 8000);
    let city = t.token("thanhpho").await;
    for code in ["01", "020", "00682"] {
        let k = t
            .api(
                "GET",
                &format!("/api/v1/areas/{code}/summary"),
                Some(&city),
                None,
            )
            .await
            .json()["contacts"]
            .clone();
        let (site, home, traced, in_time): (i64, i64, i64, i64) = sqlx::query_as(
            "select count(*) filter (where held_at = 'site' and held),
                    count(*) filter (where held_at = 'home' and held),
                    count(*) filter (where traced > $2::date - 7 and traced <= $2),
                    count(*) filter (where traced > $2::date - 7 and traced <= $2
                                       and traced <= (select detected_on from cases where id = case_id) + 1)
             from (select c.*, (c.created_at at time zone 'Asia/Ho_Chi_Minh')::date as traced,
                          c.quarantine_from <= $2 and (c.status = 'quarantined' or c.quarantine_to > $2) as held
                   from contacts c
                   where $1 in (c.commune_code, c.district_code, c.city_code)) x",
        )
        .bind(code)
        .bind(today)
        .fetch_one(&t.db)
        .await
        .unwrap();
        assert_eq!(
            (k["in_sites"].as_i64(), k["at_home"].as_i64()),
            (Some(site), Some(home)),
            "{code}: {k}"
        );
        assert_eq!(
            (k["traced_7d"].as_i64(), k["traced_24h_7d"].as_i64()),
            (Some(traced), Some(in_time)),
            "{code}: {k}"
        );
    }
    let k = t
        .api("GET", "/api/v1/areas/01/summary", Some(&city), None)
        .await
        .json()["contacts"]
        .clone();
    assert!(
        k["in_sites"].as_i64().unwrap() > 0 && k["traced_7d"].as_i64().unwrap() > 0,
        "{k}"
    );
}

#[sqlx::test]
async fn a_cases_page_starts_its_f1_and_an_f1s_page_its_f2_with_the_form_filled_in(db: PgPool) {
    let t = setup(db).await;
    let token = t.token("lienninh").await;
    let case = a_case(&t, &token).await;
    let mut phone = t.signed_in("lienninh").await;
    let page = phone.get(&format!("/cases/{case}")).await.text;
    let href = "/contacts/new?case_code=BN-TT-0001&#38;commune_code=00682";
    assert!(page.contains(href), "the case offers its F1");
    let form = phone
        .get("/contacts/new?case_code=BN-TT-0001&commune_code=00682")
        .await
        .text;
    assert!(form.contains(r#"value="BN-TT-0001""#));
    assert!(
        form.contains(r#"name="next" value="another""#),
        "save and add another"
    );
    let (_, v) = post(&t, &token, "/api/v1/contacts", f1(json!({}))).await;
    let id = v["id"].as_i64().unwrap();
    let page = phone.get(&format!("/contacts/{id}")).await.text;
    assert!(page.contains(&format!(
        "/contacts/new?source_id={id}&#38;commune_code=00682"
    )));
    // The city reads the case but adds nothing to it.
    let mut wall = t.signed_in("thanhpho").await;
    assert!(
        !wall
            .get(&format!("/cases/{case}"))
            .await
            .text
            .contains("/contacts/new")
    );
}

#[sqlx::test]
async fn a_clusters_page_draws_the_chains_of_its_cases(db: PgPool) {
    let t = setup(db).await;
    let token = t.token("lienninh").await;
    let (s, v) = post(
        &t,
        &token,
        "/api/v1/clusters",
        json!({"commune_code": "00682", "name": "Thôn Thọ Am", "opened_on": "2021-07-28"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let cluster = v["id"].as_i64().unwrap();
    let (s, v) = post(
        &t,
        &token,
        "/api/v1/cases",
        json!({"commune_code": "00682", "case_code": "BN-TT-0001", "detected_on": "2021-07-30",
               "detected_in": "community", "status": "treating", "cluster_id": cluster}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let mut phone = t.signed_in("lienninh").await;
    let page = phone.get(&format!("/clusters/{cluster}")).await.text;
    assert!(!page.contains(r#"id="chain""#), "no chain without contacts");
    let (_, v) = post(&t, &token, "/api/v1/contacts", f1(json!({}))).await;
    let id = v["id"].as_i64().unwrap();
    let page = phone.get(&format!("/clusters/{cluster}")).await.text;
    let chain = &page[page.find(r#"id="chain""#).expect("the chain")..];
    assert!(chain.contains("BN-TT-0001") && chain.contains(&format!("/contacts/{id}")));
}

#[sqlx::test]
async fn a_list_of_f1_pasted_under_a_case_is_stored_whole_once_or_not_at_all(db: PgPool) {
    let t = setup(db).await;
    let token = t.token("lienninh").await;
    let case = a_case(&t, &token).await;
    let path = format!("/cases/{case}/contacts");
    let mut phone = t.signed_in("lienninh").await;
    let form = phone.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    let key = form
        .text
        .split(r#"name="idempotency_key" value=""#)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    let count = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from contacts")
            .fetch_one(&t.db)
            .await
            .unwrap()
    };
    // One bad phone: nothing is stored, the line is named, the text kept.
    let bad = "Nguyễn Văn An; 0912 345 678; 1985; Thọ Am\nTrần Thị Bình; gọi sau; 1990\n\nLê Văn Cường\t0987 654 321\t2001";
    let fields = |text: &'static str| {
        vec![
            ("exposed_on", "2021-07-29"),
            ("found_by", "household"),
            ("text", text),
        ]
    };
    let mut sent = fields(bad);
    sent.push(("idempotency_key", key.as_str()));
    let r = phone.post(&path, &path, &sent).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("Dòng 2, Số điện thoại"), "{}", r.text);
    assert!(r.text.contains("Lê Văn Cường"), "the text is kept");
    assert_eq!(count().await, 0);
    // Fixed: all three, each an F1 of the case, not yet placed.
    let good = "Nguyễn Văn An; 0912 345 678; 1985; Thọ Am\nTrần Thị Bình; 0911 222 333; 1990\n\nLê Văn Cường\t0987 654 321\t2001";
    let mut sent = fields(good);
    sent.push(("idempotency_key", key.as_str()));
    let audit = t.audit_count().await;
    let r = phone.post(&path, &path, &sent).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.location(), format!("/cases/{case}"));
    assert_eq!(count().await, 3);
    assert_eq!(t.audit_count().await, audit + 3);
    let names: Vec<(String, String, Option<i32>)> = sqlx::query_as(
        "select full_name, held_at, birth_year from contacts where case_id = $1 order by id",
    )
    .bind(case)
    .fetch_all(&t.db)
    .await
    .unwrap();
    assert_eq!(
        names[2],
        ("Lê Văn Cường".into(), "unplaced".into(), Some(2001))
    );
    // Sent again (a double tap): stored once.
    let r = phone.post(&path, &path, &sent).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(count().await, 3);
    // Another commune, and the city, cannot add to Liên Ninh's case.
    let mut neighbour = t.signed_in("tamhiep").await;
    assert_eq!(neighbour.get(&path).await.status, StatusCode::FORBIDDEN);
    let mut wall = t.signed_in("thanhpho").await;
    assert_eq!(wall.get(&path).await.status, StatusCode::FORBIDDEN);
}

#[sqlx::test]
async fn a_contact_csv_is_imported_whole_or_not_at_all_and_an_export_reads_back(db: PgPool) {
    let t = setup(db).await;
    let token = t.token("lienninh").await;
    a_case(&t, &token).await;
    let mut desk = t.signed_in("lienninh").await;
    let template = desk.get("/contacts/import/template.csv").await.text;
    assert!(
        template.contains(r#""commune_code","case_code","source_id","exposed_on","found_by""#),
        "{template}"
    );
    assert!(
        !template.contains("became_case_code"),
        "read-only columns are not asked for"
    );
    let count = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from contacts")
            .fetch_one(&t.db)
            .await
            .unwrap()
    };
    let header = "commune_code,case_code,exposed_on,found_by,held_at,status,full_name,phone";
    let bad = format!(
        "{header}\n00682,BN-TT-0001,2021-07-29,household,unplaced,traced,Nguyễn Văn An,0912345678\n\
         00682,BN-TT-0001,2021-07-29,workplace,unplaced,traced,Trần Thị Bình,0911222333\n\
         00682,BN-KHONG-CO,2021-07-29,household,unplaced,traced,Lê Văn Cường,0987654321\n"
    );
    let r = desk
        .upload("/contacts/import", "/contacts/import", &[], &bad)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("Dòng 4"), "{}", r.text);
    assert_eq!(count().await, 0, "nothing while a line is wrong");
    let good = bad.replace("BN-KHONG-CO", "BN-TT-0001");
    let r = desk
        .upload("/contacts/import", "/contacts/import", &[], &good)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(count().await, 3);
    // The list's export, read back: three more, the same people.
    let export = desk.get("/contacts?format=csv").await.text;
    let r = desk
        .upload("/contacts/import", "/contacts/import", &[], &export)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let names: Vec<(String, i64)> =
        sqlx::query_as("select full_name, count(*) from contacts group by 1 order by 1")
            .fetch_all(&t.db)
            .await
            .unwrap();
    assert_eq!(names.len(), 3);
    assert!(names.iter().all(|(_, n)| *n == 2), "{names:?}");
    // Another commune's contacts in a file are that line's error.
    let mut neighbour = t.signed_in("tamhiep").await;
    let r = neighbour
        .upload("/contacts/import", "/contacts/import", &[], &good)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(count().await, 6);
}

#[sqlx::test]
async fn the_new_contact_form_sent_again_from_the_phones_outbox_stores_one_contact(db: PgPool) {
    let t = setup(db).await;
    let token = t.token("lienninh").await;
    a_case(&t, &token).await;
    let mut phone = t.signed_in("lienninh").await;
    let form = phone.get("/contacts/new").await;
    assert!(form.text.contains(r#"name="idempotency_key""#));
    let csrf = form.csrf();
    let fields = [
        ("csrf", csrf.as_str()),
        ("idempotency_key", "outbox-contact-0001"),
        ("commune_code", "00682"),
        ("case_code", "BN-TT-0001"),
        ("exposed_on", "29/07/2021"),
        ("found_by", "household"),
        ("held_at", "unplaced"),
        ("status", "traced"),
        ("full_name", "Đỗ Thị Mai"),
    ];
    let first = phone.post_raw("/contacts", &fields).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.text);
    let again = phone.post_raw("/contacts", &fields).await;
    assert_eq!(
        again.location(),
        first.location(),
        "the repeat lands on the same contact"
    );
    let n: i64 = sqlx::query_scalar("select count(*) from contacts")
        .fetch_one(&t.db)
        .await
        .unwrap();
    assert_eq!(n, 1);
}

#[sqlx::test]
async fn an_f2_is_not_tested_on_the_f1_schedule_and_is_released_when_their_f1_tests_negative(
    db: PgPool,
) {
    let t = setup(db).await;
    let token = t.token("lienninh").await;
    a_case(&t, &token).await;
    let (_, v) = post(
        &t,
        &token,
        "/api/v1/contacts",
        f1(json!({"held_at": "home", "status": "quarantined", "quarantine_from": "2021-08-01"})),
    )
    .await;
    let f1_id = v["id"].as_i64().unwrap();
    let mut f2 = f1(json!({"source_id": f1_id, "full_name": "Người F2 Theo Dõi",
                           "held_at": "home", "status": "quarantined", "quarantine_from": "2021-08-01"}));
    f2.as_object_mut().unwrap().remove("case_code");
    let (s, v) = post(&t, &token, "/api/v1/contacts", f2).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let mut phone = t.signed_in("lienninh").await;
    let list = phone.get("/contacts/today").await.text;
    assert!(list.contains("Nguyễn Thị Hoa"), "the F1 is tested today");
    assert!(
        !list.contains("Người F2 Theo Dõi"),
        "the F2 is only watched"
    );
    let (s, _) = post(
        &t,
        &token,
        &format!("/api/v1/contacts/{f1_id}/tests"),
        json!({"taken_on": "2021-08-01", "kind": "rapid_antigen", "result": "negative"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let list = phone.get("/contacts/today").await.text;
    let release = &list[list.find(r#"id="contacts-due_release""#).expect("releases")..];
    assert!(release.contains("Người F2 Theo Dõi") && release.contains("F1 của họ đã âm tính"));
}
