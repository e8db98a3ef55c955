//! Issue 14: directives as the seeds describe them — issuing bodies,
//! follow-ups of texts from the same area or above, citations, tasks to
//! named units with their reports, and who is behind on them.

use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::common::TestApp;

/// Hà Nội (city), Nam Từ Liêm (district 019) and its ward Cầu Diễn (00592),
/// and Thanh Trì (district 020) for another branch.
async fn setup(db: PgPool) -> TestApp {
    let t = TestApp::new(db).await;
    t.user("thanhpho", "city", "01").await;
    t.user("namtuliem", "district", "019").await;
    t.user("caudien", "commune", "00592").await;
    t.user("thanhtri", "district", "020").await;
    t
}

async fn created(t: &TestApp, token: &str, path: &str, body: Value) -> i64 {
    let r = t.api("POST", path, Some(token), Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{path}: {}", r.text);
    r.json()["id"].as_i64().unwrap()
}

/// The seeds' chain: the city People's Committee's 17, the Party
/// Committee's conclusion 428 under it, the city's letter 2434, and Nam Từ
/// Liêm's 1862 implementing 428 and citing 2434. Ids (17, 428, 2434, 1862).
async fn chain(t: &TestApp) -> (i64, i64, i64, i64) {
    let city = t.token("thanhpho").await;
    let district = t.token("namtuliem").await;
    let d17 = created(
        t,
        &city,
        "/api/v1/directives",
        json!({"issuer_code": "01", "body": "people_committee",
        "number": "17/CT-UBND", "kind": "directive", "title": "Về việc thực hiện giãn cách xã hội",
        "issued_on": "2021-07-23", "due_on": "2021-07-31", "target_codes": ["019", "020"]}),
    )
    .await;
    let d428 = created(
        t,
        &city,
        "/api/v1/directives",
        json!({"issuer_code": "01", "body": "party_committee",
        "number": "428-TB/TU", "kind": "conclusion", "title": "Kết luận của Ban Thường vụ Thành ủy",
        "issued_on": "2021-07-27", "implements_id": d17, "target_codes": ["019", "020"]}),
    )
    .await;
    let d2434 = created(t, &city, "/api/v1/directives", json!({"issuer_code": "01", "number": "2434/UBND-KGVX",
        "kind": "letter", "title": "Về giấy đi đường", "issued_on": "2021-07-26", "target_codes": ["019"]})).await;
    let d1862 = created(t, &district, "/api/v1/directives", json!({"issuer_code": "019", "number": "1862/UBND",
        "kind": "plan", "title": "Triển khai Kết luận 428-TB/TU", "issued_on": "2021-07-29", "due_on": "2021-07-31",
        "implements_id": d428, "cited_ids": [d2434], "target_codes": ["00592", "00622"]})).await;
    (d17, d428, d2434, d1862)
}

#[sqlx::test]
async fn the_city_party_committee_follows_up_the_peoples_committees_directive_and_a_district_implements_it_citing_a_letter(
    db: PgPool,
) {
    let t = setup(db).await;
    let (d17, d428, d2434, d1862) = chain(&t).await;
    let city = t.token("thanhpho").await;
    let top = t
        .api(
            "GET",
            &format!("/api/v1/directives/{d17}"),
            Some(&city),
            None,
        )
        .await
        .json();
    assert_eq!(top["body_name"], "UBND thành phố Hà Nội");
    let nam_tu_liem = top["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["area_code"] == "019")
        .unwrap()
        .clone();
    // 428 sits under 17 at the city (its own area), not under a target.
    assert_eq!(top["followed_by"][0]["number"], "428-TB/TU");
    let c428 = t
        .api(
            "GET",
            &format!("/api/v1/directives/{d428}"),
            Some(&city),
            None,
        )
        .await
        .json();
    assert_eq!(c428["body_name"], "Thành ủy Hà Nội");
    assert_eq!(c428["implements_id"], d17);
    let ntl = c428["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["area_code"] == "019")
        .unwrap()
        .clone();
    assert_eq!(ntl["implemented_by"][0]["number"], "1862/UBND");
    assert_eq!(
        ntl["implemented_by"][0]["body_name"],
        "UBND quận Nam Từ Liêm"
    );
    assert_eq!(ntl["implemented_by"][0]["cited_ids"], json!([d2434]));
    assert!(nam_tu_liem["status"].is_null());
    // The pages: 1862 names its bodies in the tree and lists what it cites;
    // 2434 says who cites it.
    let mut b = t.signed_in("caudien").await;
    let page = b.get(&format!("/directives/{d1862}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for seen in [
        "UBND quận Nam Từ Liêm",
        "Thành ủy Hà Nội",
        "428-TB/TU",
        "17/CT-UBND",
        "id=\"citations\"",
        "2434/UBND-KGVX",
    ] {
        assert!(page.text.contains(seen), "{seen} missing from 1862's page");
    }
    let mut b = t.signed_in("thanhpho").await;
    let page = b.get(&format!("/directives/{d2434}")).await;
    assert!(page.text.contains("Được dẫn chiếu bởi") && page.text.contains("1862/UBND"));
}

#[sqlx::test]
async fn a_follow_up_cannot_predate_its_parent_come_from_another_branch_or_close_a_loop(
    db: PgPool,
) {
    let t = setup(db).await;
    let (d17, d428, d2434, d1862) = chain(&t).await;
    let city = t.token("thanhpho").await;
    let district = t.token("namtuliem").await;
    let commune = t.token("caudien").await;
    let thanh_tri = t.token("thanhtri").await;
    let before = t.audit_count().await;
    let field = |r: &crate::common::Reply, f: &str| {
        r.json()["error"]["fields"][f].as_str().map(str::to_string)
    };
    // Dated before 428.
    let r = t
        .api(
            "POST",
            "/api/v1/directives",
            Some(&district),
            Some(json!({"issuer_code": "019", "number": "1/KH",
        "kind": "plan", "title": "Sớm", "issued_on": "2021-07-26", "implements_id": d428})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        field(&r, "issued_on").unwrap().contains("trước"),
        "{}",
        r.text
    );
    // Thanh Trì cannot implement Nam Từ Liêm's text: another branch.
    let r = t
        .api(
            "POST",
            "/api/v1/directives",
            Some(&thanh_tri),
            Some(json!({"issuer_code": "020", "number": "2/KH",
        "kind": "plan", "title": "Nhánh khác", "issued_on": "2021-07-30", "implements_id": d1862})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field(&r, "implements_id").is_some(), "{}", r.text);
    // A ward implements 1862, which reaches it, but not 2434, sent to the district only… which reaches it through its district.
    let r = t.api("POST", "/api/v1/directives", Some(&commune), Some(json!({"issuer_code": "00592", "number": "5/KH-UBND",
        "kind": "plan", "title": "Phường triển khai", "issued_on": "2021-07-30", "implements_id": d1862}))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // …but not 428's sibling text that went to Thanh Trì alone.
    let only_tt = created(&t, &city, "/api/v1/directives", json!({"issuer_code": "01", "number": "9/CĐ-UBND",
        "kind": "letter", "title": "Riêng Thanh Trì", "issued_on": "2021-07-28", "target_codes": ["020"]})).await;
    let before = before + 2;
    let r = t.api("POST", "/api/v1/directives", Some(&commune), Some(json!({"issuer_code": "00592", "number": "6/KH",
        "kind": "plan", "title": "Không tới", "issued_on": "2021-07-30", "implements_id": only_tt}))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field(&r, "implements_id").unwrap(),
        "Địa bàn này không phải đơn vị nhận văn bản."
    );
    // 17 citing 1862 would close a loop (1862 → 428 → 17).
    let v = t
        .api(
            "GET",
            &format!("/api/v1/directives/{d17}"),
            Some(&city),
            None,
        )
        .await
        .json()["version"]
        .clone();
    let r = t
        .api(
            "PATCH",
            &format!("/api/v1/directives/{d17}"),
            Some(&city),
            Some(json!({"version": v, "cited_ids": [d1862]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        field(&r, "cited_ids").unwrap().contains("vòng lặp"),
        "{}",
        r.text
    );
    // Citing an unrelated text is fine, and kept.
    let r = t
        .api(
            "PATCH",
            &format!("/api/v1/directives/{d17}"),
            Some(&city),
            Some(json!({"version": v, "cited_ids": [d2434]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["cited_ids"], json!([d2434]));
    // Refusals wrote nothing: the ward's plan, the city letter and the edit only.
    assert_eq!(t.audit_count().await, before + 1);
}

/// The unit id of `name` in the area `code`.
async fn unit(t: &TestApp, token: &str, code: &str, name: &str) -> i64 {
    let r = t
        .api(
            "GET",
            &format!("/api/v1/units?area={code}&limit=100"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {}", r.text))["id"]
        .as_i64()
        .unwrap()
}

#[sqlx::test]
async fn a_directive_assigns_tasks_to_its_departments_and_wards_and_each_reports_its_own(
    db: PgPool,
) {
    let t = setup(db).await;
    let (_, _, _, d1862) = chain(&t).await;
    let district = t.token("namtuliem").await;
    let commune = t.token("caudien").await;
    let thanh_tri = t.token("thanhtri").await;
    let police = unit(&t, &district, "019", "Công an quận Nam Từ Liêm").await;
    let city = t.token("thanhpho").await;
    let other_police = unit(&t, &city, "020", "Công an huyện Thanh Trì").await;
    let police_task = created(
        &t,
        &district,
        "/api/v1/tasks",
        json!({"directive_id": d1862, "unit_id": police,
        "what": "Duy trì các chốt kiểm soát và tuần tra", "due_on": "2021-07-31"}),
    )
    .await;
    let ward_task = created(
        &t,
        &district,
        "/api/v1/tasks",
        json!({"directive_id": d1862, "area_code": "00592",
        "what": "Kiểm tra việc chấp hành Chỉ thị 17 tại mọi cơ sở kinh doanh"}),
    )
    .await;
    // Without its own deadline a task has the directive's.
    let r = t
        .api(
            "GET",
            &format!("/api/v1/tasks/{ward_task}"),
            Some(&district),
            None,
        )
        .await
        .json();
    assert_eq!(r["due_on"], "2021-07-31");
    assert_eq!(r["assignee_name"], "Phường Cầu Diễn");
    assert_eq!(r["overdue"], true);
    // Not a unit of the issuer, not below it, or not the issuer's to assign.
    for (token, body, want) in [
        (
            &district,
            json!({"directive_id": d1862, "unit_id": other_police, "what": "x"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            &district,
            json!({"directive_id": d1862, "area_code": "00682", "what": "x"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            &district,
            json!({"directive_id": d1862, "area_code": "019", "what": "x"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            &commune,
            json!({"directive_id": d1862, "area_code": "00592", "what": "x"}),
            StatusCode::FORBIDDEN,
        ),
        (
            &thanh_tri,
            json!({"directive_id": d1862, "area_code": "00592", "what": "x"}),
            StatusCode::FORBIDDEN,
        ),
    ] {
        let r = t
            .api("POST", "/api/v1/tasks", Some(token), Some(body.clone()))
            .await;
        assert_eq!(r.status, want, "{body}: {}", r.text);
    }
    // The ward reports on its own task, not on the police's.
    let r = t
        .api(
            "POST",
            &format!("/api/v1/tasks/{ward_task}/reports"),
            Some(&commune),
            Some(json!({"status": "in_progress", "note": "Đã kiểm tra 40/52 cơ sở"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["status"], "in_progress");
    let r = t
        .api(
            "POST",
            &format!("/api/v1/tasks/{police_task}/reports"),
            Some(&commune),
            Some(json!({"status": "done"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The ward's home lists its open task, late; the task's page keeps the report.
    let mut b = t.signed_in("caudien").await;
    let home = b.get("/areas/00592").await;
    assert!(
        home.text.contains("id=\"open-tasks\""),
        "no open tasks on the ward's page"
    );
    assert!(
        home.text.contains("Kiểm tra việc chấp hành Chỉ thị 17") && home.text.contains("Quá hạn")
    );
    let page = b.get(&format!("/tasks/{ward_task}")).await;
    assert!(
        page.text.contains("Đã kiểm tra 40/52 cơ sở") && page.text.contains("Người dùng caudien")
    );
    // Done through the page's form.
    let r = b
        .post(
            &format!("/tasks/{ward_task}"),
            &format!("/tasks/{ward_task}/reports"),
            &[
                ("status", "done"),
                ("note", "Hoàn thành"),
                ("reported_on", "2021-08-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let home = b.get("/areas/00592").await;
    assert!(!home.text.contains("id=\"open-tasks\""));
    // The district's home lists the police's task; its directive page lists both.
    let mut b = t.signed_in("namtuliem").await;
    let home = b.get("/areas/019").await;
    assert!(home.text.contains("Duy trì các chốt kiểm soát và tuần tra"));
    let page = b.get(&format!("/directives/{d1862}")).await;
    assert!(page.text.contains("id=\"tasks\"") && page.text.contains("Công an quận Nam Từ Liêm"));
    // Both writes and both reports are in the audit log.
    let n: i64 = sqlx::query_scalar("select count(*) from audit_log where entity = 'task'")
        .fetch_one(&t.db)
        .await
        .unwrap();
    assert_eq!(n, 4);
}

#[sqlx::test]
async fn the_area_page_says_who_is_behind_and_the_district_ranks_its_wards_by_overdue_tasks(
    db: PgPool,
) {
    let t = setup(db).await;
    let (_, _, _, d1862) = chain(&t).await;
    let district = t.token("namtuliem").await;
    let police = unit(&t, &district, "019", "Công an quận Nam Từ Liêm").await;
    for what in ["Chốt kiểm soát", "Tuần tra"] {
        created(
            &t,
            &district,
            "/api/v1/tasks",
            json!({"directive_id": d1862, "unit_id": police, "what": what, "due_on": "2021-07-30"}),
        )
        .await;
    }
    created(&t, &district, "/api/v1/tasks", json!({"directive_id": d1862, "area_code": "00622", "what": "Kiểm tra cơ sở", "due_on": "2021-07-30"})).await;
    // Not yet due: open, not overdue.
    created(&t, &district, "/api/v1/tasks", json!({"directive_id": d1862, "area_code": "00592", "what": "Báo cáo tuần", "due_on": "2021-08-05"})).await;
    let mut b = t.signed_in("namtuliem").await;
    let page = b.get("/areas/019").await;
    let panel = &page.text[page.text.find("id=\"overdue\"").unwrap()..];
    let panel = &panel[..panel.find("\n</div>").unwrap()];
    assert!(
        panel.contains("Công an quận Nam Từ Liêm: 2 việc quá hạn"),
        "{panel}"
    );
    assert!(
        panel.contains("Phường Xuân Phương: 1 việc quá hạn"),
        "{panel}"
    );
    // Xuân Phương's directive target and task are both late; Cầu Diễn's task is not.
    let list = &panel[panel.find("id=\"units-behind\"").unwrap()..];
    assert!(list.find("Công an quận").unwrap() < list.find("Phường Xuân Phương").unwrap());
    assert!(!list.contains("Phường Cầu Diễn"));
    let city = t.token("thanhpho").await;
    let s = t
        .api("GET", "/api/v1/areas/019/summary", Some(&city), None)
        .await
        .json();
    // Targets of 17, 428, 2434 (at 019), of 1862 (two wards), and the four tasks.
    assert_eq!(s["directives"]["open"], 3 + 2 + 4);
    // Late on 01/08: 17 at the district and 1862 at both wards (both due 31/07), and three
    // tasks; 428 and 2434 have no deadline.
    assert_eq!(s["directives"]["overdue"], 1 + 2 + 3);
}

#[sqlx::test]
async fn the_demo_loads_the_seeds_chain_from_the_city_down_to_nam_tu_liems_wards_with_its_tasks(
    db: PgPool,
) {
    let t = setup(db).await;
    let actor = vungxanh::storage::audit::Actor::system("demo");
    assert!(
        vungxanh::storage::seed_chain::load(&t.db, &actor)
            .await
            .unwrap()
    );
    // Loading again adds nothing.
    assert!(
        !vungxanh::storage::seed_chain::load(&t.db, &actor)
            .await
            .unwrap()
    );
    // A week after 1862's deadline of 6/8/2021.
    t.clock
        .set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2021, 8, 13, 2, 0, 0).unwrap());
    let city = t.token("thanhpho").await;
    let list = t
        .api(
            "GET",
            "/api/v1/directives?area=019&limit=100",
            Some(&city),
            None,
        )
        .await
        .json();
    let find = |n: &str| {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["number"] == n)
            .unwrap_or_else(|| panic!("{n}"))
            .clone()
    };
    let (d17, d428, d2434, d1862) = (
        find("17/CT-UBND"),
        find("428-TB/TU"),
        find("2434/UBND-KGVX"),
        find("1862/UBND"),
    );
    assert_eq!(d17["issued_on"], "2021-07-23");
    assert_eq!(d428["issued_on"], "2021-07-27");
    assert_eq!(d428["body_name"], "Thành ủy Hà Nội");
    assert_eq!(d428["implements_id"], d17["id"]);
    assert_eq!(d1862["issued_on"], "2021-07-29");
    assert_eq!(d1862["body_name"], "UBND quận Nam Từ Liêm");
    assert_eq!(d1862["implements_id"], d428["id"]);
    assert_eq!(d1862["cited_ids"], json!([d2434["id"]]));
    let one = t
        .api(
            "GET",
            &format!("/api/v1/directives/{}", d1862["id"]),
            Some(&city),
            None,
        )
        .await
        .json();
    let tasks = one["tasks"].as_array().unwrap();
    let names: Vec<&str> = tasks
        .iter()
        .map(|x| x["assignee_name"].as_str().unwrap())
        .collect();
    for unit in [
        "Phòng Y tế quận Nam Từ Liêm",
        "Trung tâm Y tế quận Nam Từ Liêm",
        "Công an quận Nam Từ Liêm",
        "Ban Chỉ huy Quân sự quận Nam Từ Liêm",
        "Phòng Nội vụ quận Nam Từ Liêm",
        "Phường Cầu Diễn",
    ] {
        assert!(names.contains(&unit), "{unit} has no task: {names:?}");
    }
    // Nam Từ Liêm's page says who is behind.
    let mut b = t.signed_in("namtuliem").await;
    let page = b.get("/areas/019").await;
    let behind = &page.text[page.text.find("id=\"units-behind\"").expect("units behind")..];
    assert!(behind.contains("Công an quận Nam Từ Liêm: 1 việc quá hạn"));
    assert!(behind.contains("Phòng Nội vụ quận Nam Từ Liêm: 1 việc quá hạn"));
    assert!(!behind[..behind.find("</ol>").unwrap()].contains("Phòng Y tế"));
}

#[sqlx::test]
async fn malformed_bodies_tasks_and_reports_are_refused_field_by_field_and_write_nothing(
    db: PgPool,
) {
    let t = setup(db).await;
    let (_, _, _, d1862) = chain(&t).await;
    let district = t.token("namtuliem").await;
    let commune = t.token("caudien").await;
    let task = created(
        &t,
        &district,
        "/api/v1/tasks",
        json!({"directive_id": d1862, "area_code": "00592", "what": "Kiểm tra"}),
    )
    .await;
    let before = t.audit_count().await;
    let long = "x".repeat(2001);
    let cases: Vec<(&str, &String, Value, &str)> = vec![
        (
            "/api/v1/directives",
            &district,
            json!({"issuer_code": "019", "number": "1/A", "kind": "plan", "title": "t", "issued_on": "2021-07-30", "body": "ubnd"}),
            "body",
        ),
        (
            "/api/v1/directives",
            &district,
            json!({"issuer_code": "019", "number": "1/B", "kind": "plan", "title": "t", "issued_on": "2021-07-30", "body": "department"}),
            "body_unit_id",
        ),
        (
            "/api/v1/directives",
            &district,
            json!({"issuer_code": "019", "number": "1/C", "kind": "plan", "title": "t", "issued_on": "2021-07-30", "body": "department", "body_unit_id": 999999}),
            "body_unit_id",
        ),
        (
            "/api/v1/directives",
            &district,
            json!({"issuer_code": "019", "number": "1/D", "kind": "plan", "title": "t", "issued_on": "2021-07-30", "cited_ids": "17, abc"}),
            "cited_ids",
        ),
        (
            "/api/v1/directives",
            &district,
            json!({"issuer_code": "019", "number": "1/E", "kind": "plan", "title": "t", "issued_on": "2021-07-30", "cited_ids": [999999]}),
            "cited_ids",
        ),
        (
            "/api/v1/directives",
            &district,
            json!({"issuer_code": "019", "number": "1/F", "kind": "plan", "title": "t", "issued_on": "2021-07-30", "implements_id": 999999}),
            "implements_id",
        ),
        (
            "/api/v1/tasks",
            &district,
            json!({"directive_id": "abc", "area_code": "00592", "what": "x"}),
            "directive_id",
        ),
        (
            "/api/v1/tasks",
            &district,
            json!({"directive_id": 999999, "area_code": "00592", "what": "x"}),
            "directive_id",
        ),
        (
            "/api/v1/tasks",
            &district,
            json!({"directive_id": d1862, "unit_id": "abc", "what": "x"}),
            "unit_id",
        ),
        (
            "/api/v1/tasks",
            &district,
            json!({"directive_id": d1862, "assignee": "z:1", "what": "x"}),
            "assignee",
        ),
        (
            "/api/v1/tasks",
            &district,
            json!({"directive_id": d1862, "what": "x"}),
            "assignee",
        ),
        (
            "/api/v1/tasks",
            &district,
            json!({"directive_id": d1862, "area_code": "00592", "what": long}),
            "what",
        ),
        (
            "/api/v1/tasks",
            &district,
            json!({"directive_id": d1862, "area_code": "00592", "what": "x", "due_on": "2021-07-01"}),
            "due_on",
        ),
        (
            "/api/v1/tasks",
            &district,
            json!({"directive_id": d1862, "area_code": "00592", "what": "x", "due_on": "31/07/2021x"}),
            "due_on",
        ),
    ];
    let report = format!("/api/v1/tasks/{task}/reports");
    let mut cases = cases;
    cases.push((&report, &commune, json!({"status": "finished"}), "status"));
    cases.push((
        &report,
        &commune,
        json!({"status": "done", "reported_on": "2021-08-09"}),
        "reported_on",
    ));
    for (path, token, body, field) in cases {
        let r = t.api("POST", path, Some(token), Some(body.clone())).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            r.text
        );
        assert!(
            r.json()["error"]["fields"][field].is_string(),
            "{body}: no error on {field}: {}",
            r.text
        );
    }
    assert_eq!(
        t.audit_count().await,
        before,
        "a refused write wrote something"
    );
    // Through the page, the report comes back with the input kept and the error by its field.
    let mut b = t.signed_in("caudien").await;
    // Signing in is itself in the log.
    let before = t.audit_count().await;
    let r = b
        .post(
            &format!("/tasks/{task}"),
            &format!("/tasks/{task}/reports"),
            &[("status", "finished"), ("note", "Ghi chú giữ lại")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("Ghi chú giữ lại"));
    // Without the form's CSRF token nothing is written.
    let r = b
        .post_raw(&format!("/tasks/{task}/reports"), &[("status", "done")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(t.audit_count().await, before);
}

#[sqlx::test]
async fn a_not_met_inspection_opens_a_task_for_the_inspected_unit_and_a_met_one_does_not(
    db: PgPool,
) {
    let t = setup(db).await;
    let (d17, _, _, _) = chain(&t).await;
    let city = t.token("thanhpho").await;
    let district = t.token("namtuliem").await;
    let commune = t.token("caudien").await;
    let before = t.audit_count().await;
    // The city's general inspection of Nam Từ Liêm under 17: not met.
    let r = t
        .api(
            "POST",
            "/api/v1/inspections",
            Some(&city),
            Some(json!({"directive_id": d17, "area_code": "019",
        "team": "Đoàn tổng kiểm tra số 3", "visited_on": "2021-07-30", "verdict": "not_met",
        "findings": "Khu công nghiệp chưa lập tổ an toàn COVID", "follow_up_due": "2021-08-04"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let inspection = r.json();
    let task = inspection["task_id"]
        .as_i64()
        .expect("a not-met verdict opens a task");
    // The inspection and its task, each audited.
    assert_eq!(t.audit_count().await, before + 2);
    let task = t
        .api(
            "GET",
            &format!("/api/v1/tasks/{task}"),
            Some(&district),
            None,
        )
        .await
        .json();
    assert_eq!(task["assignee_name"], "Quận Nam Từ Liêm");
    assert_eq!(task["due_on"], "2021-08-04");
    assert!(
        task["what"]
            .as_str()
            .unwrap()
            .contains("Khu công nghiệp chưa lập tổ an toàn COVID")
    );
    // Met: no task. Not met without a deadline, or by someone not the issuer: refused.
    let r = t.api("POST", "/api/v1/inspections", Some(&city), Some(json!({"directive_id": d17, "area_code": "020",
        "team": "Đoàn 4", "visited_on": "2021-07-30", "verdict": "met", "findings": "Đạt yêu cầu"}))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert!(r.json()["task_id"].is_null());
    let r = t.api("POST", "/api/v1/inspections", Some(&city), Some(json!({"directive_id": d17, "area_code": "020",
        "team": "Đoàn 4", "visited_on": "2021-07-30", "verdict": "not_met", "findings": "Chưa đạt"}))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["error"]["fields"]["follow_up_due"].is_string());
    // A ward the directive does not reach inspects nothing under it.
    let r = t
        .api(
            "POST",
            "/api/v1/inspections",
            Some(&commune),
            Some(json!({"directive_id": d17, "area_code": "00592",
        "team": "Đoàn", "visited_on": "2021-07-30", "verdict": "met", "findings": "x"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Nam Từ Liêm's home lists the task the inspection opened.
    let mut b = t.signed_in("namtuliem").await;
    let home = b.get("/areas/019").await;
    assert!(
        home.text
            .contains("Khu công nghiệp chưa lập tổ an toàn COVID")
    );
    let page = b.get(&format!("/inspections/{}", inspection["id"])).await;
    assert!(page.text.contains("Chưa đạt") && page.text.contains("Nhiệm vụ khắc phục"));
}

#[sqlx::test]
async fn a_district_a_city_directive_reaches_inspects_its_wards_and_follows_what_it_found(
    db: PgPool,
) {
    let t = setup(db).await;
    let (d17, _, d2434, _) = chain(&t).await;
    let city = t.token("thanhpho").await;
    let district = t.token("namtuliem").await;
    let other = t.token("thanhtri").await;
    // Directive 17 reaches Nam Từ Liêm, which checks its ward Cầu Diễn on it.
    let inspection = |d: i64, ward: &str| {
        json!({"directive_id": d, "area_code": ward, "team": "Đoàn kiểm tra của quận",
               "visited_on": "2021-07-30", "verdict": "not_met", "follow_up_due": "2021-08-03",
               "findings": "Chợ dân sinh chưa bố trí lối đi một chiều"})
    };
    let r = t
        .api(
            "POST",
            "/api/v1/inspections",
            Some(&district),
            Some(inspection(d17, "00592")),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let made = r.json();
    assert_eq!(made["issuer_code"], "019", "made by the district");
    assert_eq!(made["directive_number"], "17/CT-UBND");
    // The task it opened is the district's: it gives it and may change it.
    let task_id = made["task_id"].as_i64().expect("not met opens a task");
    let task = t
        .api(
            "GET",
            &format!("/api/v1/tasks/{task_id}"),
            Some(&district),
            None,
        )
        .await
        .json();
    assert_eq!(task["issuer_code"], "019");
    assert_eq!(task["owner_code"], "00592");
    let r = t
        .api(
            "PATCH",
            &format!("/api/v1/tasks/{task_id}"),
            Some(&district),
            Some(json!({"version": task["version"], "due_on": "2021-08-05"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // The city still reads both.
    let r = t
        .api(
            "GET",
            &format!("/api/v1/inspections/{}", made["id"]),
            Some(&city),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Over its own wards only: Thanh Trì, also reached, cannot inspect Cầu Diễn …
    let r = t
        .api(
            "POST",
            "/api/v1/inspections",
            Some(&other),
            Some(inspection(d17, "00592")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    // … and nothing under a directive that is not sent to it.
    let before = t.audit_count().await;
    let r = t
        .api(
            "POST",
            "/api/v1/inspections",
            Some(&other),
            Some(inspection(d2434, "00682")),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(t.audit_count().await, before, "nothing written");
}
