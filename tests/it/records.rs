//! Clusters, quarantine sites, checkpoints, directives and daily reports
//! through the pages and the API.

use crate::common::TestApp;
use axum::http::StatusCode;
use serde_json::json;
use sqlx::PgPool;

async fn setup(db: PgPool) -> TestApp {
    let t = TestApp::new(db).await;
    t.user("lienninh", "commune", "00682").await;
    t.user("thanhtri", "district", "020").await;
    t.user("thanhpho", "city", "01").await;
    t
}

async fn count(t: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("select count(*) from {table}"))
        .fetch_one(&t.db)
        .await
        .unwrap()
}

#[sqlx::test]
async fn a_cluster_counts_the_cases_linked_to_it(db: PgPool) {
    let t = setup(db).await;
    let mut b = t.signed_in("lienninh").await;
    let r = b
        .post(
            "/clusters/new",
            "/clusters",
            &[
                ("commune_code", "00682"),
                ("name", "Thôn Thọ Am"),
                ("opened_on", "2021-07-25"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let cluster = r.location().trim_start_matches("/clusters/").to_string();
    let token = t.token("lienninh").await;
    for code in ["BN10", "BN11", "BN12"] {
        let r = t
            .api("POST", "/api/v1/cases", Some(&token), Some(json!({"commune_code": "00682", "case_code": code, "detected_on": "2021-07-28", "detected_in": "community", "status": "treating", "cluster_id": cluster.parse::<i64>().unwrap()})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let list = t
        .api("GET", "/api/v1/clusters?area=00682", Some(&token), None)
        .await
        .json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["cases"], 3);
    let page = b.get(&format!("/clusters/{cluster}")).await;
    assert!(page.text.contains("Thôn Thọ Am") && page.text.contains("BN11"));
    // Closing before opening is refused, input kept.
    let edit = b.get(&format!("/clusters/{cluster}/edit")).await;
    let r = b
        .post_raw(
            &format!("/clusters/{cluster}"),
            &[
                ("csrf", &edit.csrf()),
                ("version", "1"),
                ("commune_code", "00682"),
                ("name", "Thôn Thọ Am"),
                ("opened_on", "2021-07-25"),
                ("closed_on", "2021-07-20"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text.contains("Ngày kết thúc phải sau ngày bắt đầu.") && r.text.contains("2021-07-20")
    );
    let r = b
        .post_raw(
            &format!("/clusters/{cluster}"),
            &[
                ("csrf", &edit.csrf()),
                ("version", "1"),
                ("commune_code", "00682"),
                ("name", "Thôn Thọ Am"),
                ("opened_on", "2021-07-25"),
                ("closed_on", "2021-07-31"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // A second save with the old version is stale.
    let r = b
        .post_raw(
            &format!("/clusters/{cluster}"),
            &[
                ("csrf", &edit.csrf()),
                ("version", "1"),
                ("commune_code", "00682"),
                ("name", "Khác"),
                ("opened_on", "2021-07-25"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text.contains(r#"value="Khác""#));
}

#[sqlx::test]
async fn quarantine_occupancy_never_exceeds_capacity_and_every_change_is_kept(db: PgPool) {
    let t = setup(db).await;
    let token = t.token("thanhtri").await;
    let site = json!({"area_code": "020", "name": "KTX Đại học Y", "kind": "centralised", "run_by": "district", "capacity": 300, "occupancy": 120, "status": "active"});
    let r = t
        .api(
            "POST",
            "/api/v1/quarantine-sites",
            Some(&token),
            Some(site.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    let r = t
        .api(
            "PATCH",
            &format!("/api/v1/quarantine-sites/{id}"),
            Some(&token),
            Some(json!({"occupancy": 301, "version": 1})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json()["error"]["fields"]["occupancy"],
        "Số người đang cách ly không được vượt sức chứa."
    );
    let r = t
        .api(
            "PATCH",
            &format!("/api/v1/quarantine-sites/{id}"),
            Some(&token),
            Some(json!({"occupancy": -1, "version": 1})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for (version, occ) in [(1, 150), (2, 180)] {
        let r = t
            .api(
                "PATCH",
                &format!("/api/v1/quarantine-sites/{id}"),
                Some(&token),
                Some(json!({"occupancy": occ, "version": version})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.json()["occupancy"], occ);
    }
    let hist: Vec<i32> = sqlx::query_scalar(
        "select occupancy from quarantine_occupancy where site_id = $1 order by id",
    )
    .bind(id)
    .fetch_all(&t.db)
    .await
    .unwrap();
    assert_eq!(hist, vec![120, 150, 180]);
    // A new name is not a change of occupancy: the history keeps its three rows.
    let r = t
        .api(
            "PATCH",
            &format!("/api/v1/quarantine-sites/{id}"),
            Some(&token),
            Some(json!({"name": "KTX Đại học Y Hà Nội", "version": 3})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let kept: i64 =
        sqlx::query_scalar("select count(*) from quarantine_occupancy where site_id = $1")
            .bind(id)
            .fetch_one(&t.db)
            .await
            .unwrap();
    assert_eq!(kept, 3);
    // The page shows the history; a commune official may not write sites.
    let mut b = t.signed_in("thanhtri").await;
    let page = b.get(&format!("/sites/{id}")).await;
    assert!(page.text.contains("Lịch sử số người cách ly") && page.text.contains("180"));
    let r = b
        .post(
            &format!("/sites/{id}/edit"),
            &format!("/sites/{id}"),
            &[
                ("version", "3"),
                ("area_code", "020"),
                ("name", "KTX"),
                ("kind", "centralised"),
                ("run_by", "district"),
                ("capacity", "100"),
                ("occupancy", "180"),
                ("status", "active"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("không được vượt sức chứa"));
    let commune = t.token("lienninh").await;
    let mut s2 = site.clone();
    s2["area_code"] = json!("00682");
    assert_eq!(
        t.api("POST", "/api/v1/quarantine-sites", Some(&commune), Some(s2))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let city = t.token("thanhpho").await;
    assert_eq!(
        t.api(
            "PATCH",
            &format!("/api/v1/quarantine-sites/{id}"),
            Some(&city),
            Some(json!({"occupancy": 1}))
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(count(&t, "quarantine_sites").await, 1);
}

#[sqlx::test]
async fn checkpoints_take_shift_reports_and_show_todays_violations(db: PgPool) {
    let t = setup(db).await;
    let mut b = t.signed_in("lienninh").await;
    let r = b
        .post(
            "/checkpoints/new",
            "/checkpoints",
            &[
                ("area_code", "00682"),
                ("name", "Chốt cầu Văn Điển"),
                ("kind", "commune"),
                ("staffed_by", "militia"),
                ("status", "active"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = r.location().to_string();
    let id = page.trim_start_matches("/checkpoints/").to_string();
    let r = b
        .post(
            &page,
            &format!("{page}/reports"),
            &[
                ("date", "2021-08-01"),
                ("people_checked", "1.416"),
                ("vehicles_checked", "830"),
                ("violations", "7"),
                ("fines_vnd", "14000000"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = b
        .post(
            &page,
            &format!("{page}/reports"),
            &[
                ("date", "2021-08-01"),
                ("people_checked", "-3"),
                ("vehicles_checked", "x"),
                ("violations", "1"),
                ("fines_vnd", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("Phải là số nguyên không âm."));
    let token = t.token("lienninh").await;
    let r = t.api("POST", &format!("/api/v1/checkpoints/{id}/reports"), Some(&token), Some(json!({"date": "2021-08-01", "people_checked": 200, "vehicles_checked": 50, "violations": 3, "fines_vnd": 6000000}))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let list = t
        .api("GET", "/api/v1/checkpoints?area=020", Some(&token), None)
        .await;
    assert_eq!(
        list.status,
        StatusCode::FORBIDDEN,
        "a commune reads only its commune"
    );
    let district = t.token("thanhtri").await;
    let list = t
        .api("GET", "/api/v1/checkpoints?area=020", Some(&district), None)
        .await
        .json();
    assert_eq!(list["items"][0]["violations_today"], 10);
    let show = b.get(&page).await;
    assert!(show.text.contains("1.416") && show.text.contains("14.000.000"));
    // A city gate is the city's.
    let city = t.token("thanhpho").await;
    let gate = json!({"area_code": "01", "name": "Cửa ngõ Pháp Vân", "kind": "city_gate", "staffed_by": "police", "status": "active"});
    assert_eq!(
        t.api(
            "POST",
            "/api/v1/checkpoints",
            Some(&city),
            Some(gate.clone())
        )
        .await
        .status,
        StatusCode::CREATED
    );
    assert_eq!(
        t.api("POST", "/api/v1/checkpoints", Some(&district), Some(gate))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[sqlx::test]
async fn a_directive_cascades_from_city_to_district_to_commune_with_each_units_status(db: PgPool) {
    let t = setup(db).await;
    let city = t.token("thanhpho").await;
    let r = t
        .api("POST", "/api/v1/directives", Some(&city), Some(json!({"issuer_code": "01", "number": "17/CT-UBND", "kind": "directive", "title": "Giãn cách xã hội toàn thành phố", "issued_on": "2021-07-23", "due_on": "2021-07-31", "target_codes": ["020", "001"]})))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let top = r.json()["id"].as_i64().unwrap();
    assert_eq!(r.json()["targets"].as_array().unwrap().len(), 2);
    let district = t.token("thanhtri").await;
    // Thanh Trì implements it for all its communes (targets left empty).
    let r = t
        .api("POST", "/api/v1/directives", Some(&district), Some(json!({"issuer_code": "020", "number": "1862/UBND", "kind": "plan", "title": "Triển khai Chỉ thị 17", "issued_on": "2021-07-24", "due_on": "2021-08-05", "implements_id": top})))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let plan = r.json()["id"].as_i64().unwrap();
    assert_eq!(r.json()["targets"].as_array().unwrap().len(), 16);
    // A target outside the issuer is refused; a commune may not issue for the district.
    let r = t.api("POST", "/api/v1/directives", Some(&district), Some(json!({"issuer_code": "020", "number": "1/X", "kind": "letter", "title": "x", "issued_on": "2021-07-24", "target_codes": ["00001"]}))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let commune = t.token("lienninh").await;
    let r = t.api("POST", "/api/v1/directives", Some(&commune), Some(json!({"issuer_code": "020", "number": "2/X", "kind": "letter", "title": "x", "issued_on": "2021-07-24"}))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Reports.
    let r = t
        .api(
            "POST",
            &format!("/api/v1/directives/{plan}/reports"),
            Some(&commune),
            Some(json!({"area_code": "00682", "status": "done", "note": "Đã lập 12 chốt"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = t
        .api(
            "POST",
            &format!("/api/v1/directives/{plan}/reports"),
            Some(&commune),
            Some(json!({"area_code": "00685", "status": "done"})),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "one commune cannot report for another"
    );
    let r = t
        .api(
            "POST",
            &format!("/api/v1/directives/{top}/reports"),
            Some(&district),
            Some(json!({"area_code": "020", "status": "in_progress"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // The cascade from the top: Thanh Trì in progress (overdue on 01/08), with its plan under it.
    let c = t
        .api(
            "GET",
            &format!("/api/v1/directives/{top}"),
            Some(&city),
            None,
        )
        .await
        .json();
    let tt = c["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["area_code"] == "020")
        .unwrap()
        .clone();
    assert_eq!(tt["status"], "in_progress");
    assert_eq!(tt["overdue"], true);
    let sub = &tt["implemented_by"][0];
    assert_eq!(sub["number"], "1862/UBND");
    assert!((sub["done_rate"].as_f64().unwrap() - 1.0 / 16.0).abs() < 1e-9);
    let ln = sub["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["area_code"] == "00682")
        .unwrap();
    assert_eq!(ln["status"], "done");
    // The page draws the same tree, and the commune reads the district's plan sent to it.
    let mut b = t.signed_in("lienninh").await;
    let page = b.get(&format!("/directives/{plan}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains("17/CT-UBND")
            && page.text.contains("1862/UBND")
            && page.text.contains("Đã hoàn thành")
    );
    assert!(page.text.contains("Quá hạn"));
    let list = b.get("/directives").await;
    assert!(list.text.contains("1862/UBND"));
    // Reporting through the page.
    let r = b
        .post(
            &format!("/directives/{plan}"),
            &format!("/directives/{plan}/reports"),
            &[
                ("area_code", "00682"),
                ("status", "in_progress"),
                ("note", "Bổ sung"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
}

#[sqlx::test]
async fn the_district_sees_which_communes_have_not_reported_today(db: PgPool) {
    let t = setup(db).await;
    let mut b = t.signed_in("lienninh").await;
    let form = b.get("/daily/00682/2021-08-01").await;
    assert_eq!(form.status, StatusCode::OK);
    let r = b
        .post_raw(
            "/daily/00682/2021-08-01",
            &[
                ("csrf", &form.csrf()),
                ("version", ""),
                ("f1_traced", "25"),
                ("f1_quarantined", "20"),
                ("tests", "1.200"),
                ("dose1", "300"),
                ("dose2", "150"),
                ("dose3", "0"),
                ("notes", "Phong toả thôn Thọ Am"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let token = t.token("lienninh").await;
    t.api("POST", "/api/v1/cases", Some(&token), Some(json!({"commune_code": "00682", "case_code": "BN99", "detected_on": "2021-08-01", "detected_in": "community", "status": "treating"}))).await;
    let mut d = t.signed_in("thanhtri").await;
    let page = d.get("/daily").await;
    assert!(
        page.text.contains("15 phường/xã chưa báo cáo"),
        "{}",
        page.text
    );
    let district = t.token("thanhtri").await;
    let list = t
        .api(
            "GET",
            "/api/v1/daily-reports?area=020&date=2021-08-01",
            Some(&district),
            None,
        )
        .await
        .json();
    assert_eq!(list["total"], 16);
    let ln = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["commune_code"] == "00682")
        .unwrap()
        .clone();
    assert_eq!(
        (
            ln["reported"].clone(),
            ln["new_f0"].clone(),
            ln["tests"].clone()
        ),
        (json!(true), json!(1), json!(1200))
    );
    // Replacing needs the version read last; the future is refused.
    let r = t.api("PUT", "/api/v1/daily-reports/00682/2021-08-01", Some(&token), Some(json!({"f1_traced": 30, "f1_quarantined": 20, "tests": 1300, "dose1": 0, "dose2": 0, "dose3": 0}))).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = t.api("PUT", "/api/v1/daily-reports/00682/2021-08-01", Some(&token), Some(json!({"version": 1, "f1_traced": 30, "f1_quarantined": 20, "tests": 1300, "dose1": 0, "dose2": 0, "dose3": 0}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["version"], 2);
    let r = t.api("PUT", "/api/v1/daily-reports/00682/2021-08-02", Some(&token), Some(json!({"f1_traced": 1, "f1_quarantined": 1, "tests": 1, "dose1": 0, "dose2": 0, "dose3": 0}))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = t.api("PUT", "/api/v1/daily-reports/00685/2021-08-01", Some(&token), Some(json!({"f1_traced": 1, "f1_quarantined": 1, "tests": 1, "dose1": 0, "dose2": 0, "dose3": 0}))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t.api("PUT", "/api/v1/daily-reports/00682/2021-07-31", Some(&token), Some(json!({"f1_traced": "nhiều", "f1_quarantined": 1, "tests": 1, "dose1": 0, "dose2": 0, "dose3": 0}))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(count(&t, "daily_reports").await, 1);
}

#[sqlx::test]
async fn every_list_exports_to_csv_and_xlsx(db: PgPool) {
    let t = setup(db).await;
    let mut b = t.signed_in("thanhtri").await;
    for list in [
        "/cases",
        "/clusters",
        "/sites",
        "/checkpoints",
        "/directives",
        "/daily",
    ] {
        let page = b.get(list).await;
        assert_eq!(page.status, StatusCode::OK, "{list}");
        let csv = b.get(&format!("{list}?format=csv")).await;
        assert_eq!(csv.status, StatusCode::OK, "{list}");
        assert!(
            csv.headers
                .get("content-disposition")
                .unwrap()
                .to_str()
                .unwrap()
                .ends_with(".csv\""),
            "{list}"
        );
        let xlsx = b.get(&format!("{list}?format=xlsx")).await;
        assert!(
            xlsx.headers
                .get("content-type")
                .unwrap()
                .to_str()
                .unwrap()
                .contains("spreadsheetml"),
            "{list}"
        );
    }
}

#[sqlx::test]
async fn the_openapi_document_lists_every_route_of_the_design(db: PgPool) {
    let t = setup(db).await;
    let doc = t.api("GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(doc.status, StatusCode::OK);
    let doc = doc.json();
    for path in [
        "/auth/token",
        "/areas/{code}",
        "/cases",
        "/cases/{id}",
        "/clusters",
        "/quarantine-sites/{id}",
        "/checkpoints/{id}/reports",
        "/directives/{id}/reports",
        "/daily-reports/{commune_code}/{date}",
        "/users",
        "/tasks",
        "/tasks/{id}",
        "/tasks/{id}/reports",
        "/units",
        "/units/{id}",
        "/inspections",
        "/inspections/{id}",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
}

#[sqlx::test]
async fn sites_checkpoints_directives_and_cases_are_added_and_edited_through_the_pages(db: PgPool) {
    let t = setup(db).await;
    let mut d = t.signed_in("thanhtri").await;
    // A quarantine site, added then edited.
    let r = d
        .post(
            "/sites/new",
            "/sites",
            &[
                ("area_code", "020"),
                ("name", "KTX Học viện"),
                ("kind", "centralised"),
                ("run_by", "district"),
                ("capacity", "400"),
                ("occupancy", "35"),
                ("status", "active"),
                ("status_on", "2021-07-20"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let site = r.location().to_string();
    let r = d
        .post(
            &format!("{site}/edit"),
            &site,
            &[
                ("version", "1"),
                ("area_code", "020"),
                ("name", "KTX Học viện"),
                ("kind", "centralised"),
                ("run_by", "district"),
                ("capacity", "400"),
                ("occupancy", "120"),
                ("status", "active"),
                ("status_on", "2021-07-20"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(d.get(&site).await.text.contains("120"));
    assert!(d.get("/sites").await.text.contains("KTX Học viện"));
    // A checkpoint, edited to stand down.
    let r = d
        .post(
            "/checkpoints/new",
            "/checkpoints",
            &[
                ("area_code", "00682"),
                ("name", "Chốt thôn Đông"),
                ("kind", "lane"),
                ("staffed_by", "community_team"),
                ("status", "active"),
            ],
        )
        .await;
    let cp = r.location().to_string();
    let r = d
        .post(
            &format!("{cp}/edit"),
            &cp,
            &[
                ("version", "1"),
                ("area_code", "00682"),
                ("name", "Chốt thôn Đông"),
                ("kind", "lane"),
                ("staffed_by", "community_team"),
                ("status", "stood_down"),
                ("status_on", "2021-08-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(d.get(&cp).await.text.contains("Đã giải thể"));
    // A directive to two communes, then its title corrected.
    let r = d
        .post(
            "/directives/new",
            "/directives",
            &[
                ("issuer_code", "020"),
                ("number", "2001/UBND-YT"),
                ("kind", "letter"),
                ("title", "Về xét nghiệm diện rộng"),
                ("issued_on", "2021-07-29"),
                ("due_on", "2021-08-03"),
                ("target_codes", "00682, 00685"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let dir = r.location().to_string();
    let r = d
        .post(
            &format!("{dir}/edit"),
            &dir,
            &[
                ("version", "1"),
                ("number", "2001/UBND-YT"),
                ("kind", "letter"),
                ("title", "Về xét nghiệm diện rộng toàn huyện"),
                ("issued_on", "2021-07-29"),
                ("due_on", "2021-08-03"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = d.get(&dir).await.text;
    assert!(
        page.contains("toàn huyện") && page.contains("Xã Liên Ninh") && page.contains("Chưa nhận")
    );
    // A case, edited to recovered.
    let r = d
        .post(
            "/cases/new",
            "/cases",
            &[
                ("commune_code", "00682"),
                ("case_code", "BN777"),
                ("detected_on", "2021-07-20"),
                ("detected_in", "screening"),
                ("status", "treating"),
            ],
        )
        .await;
    let case = r.location().to_string();
    let r = d
        .post(
            &format!("{case}/edit"),
            &case,
            &[
                ("version", "1"),
                ("commune_code", "00682"),
                ("case_code", "BN777"),
                ("detected_on", "2021-07-20"),
                ("detected_in", "screening"),
                ("status", "recovered"),
                ("status_on", "2021-08-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = d.get(&case).await.text;
    assert!(
        page.contains("Khỏi bệnh") && page.contains(">2<"),
        "status and version 2 shown"
    );
}

/// Every record's edit goes through one save: `version` is required on
/// the page and in the API, and its absence is a 422 on `version`.
#[sqlx::test]
async fn an_edit_without_the_version_read_is_refused_alike_for_every_record(db: PgPool) {
    let t = setup(db).await;
    let commune = t.token("lienninh").await;
    let district = t.token("thanhtri").await;
    let made = |path: &'static str, token: String, body: serde_json::Value| {
        let t = &t;
        async move {
            let r = t.api("POST", path, Some(&token), Some(body)).await;
            assert_eq!(r.status, StatusCode::CREATED, "{path}: {}", r.text);
            (
                token,
                format!("{path}/{}", r.json()["id"].as_i64().unwrap()),
            )
        }
    };
    let records = [
        made(
            "/api/v1/cases",
            commune.clone(),
            json!({"commune_code": "00682", "case_code": "BN7001", "detected_on": "2021-07-30",
                   "detected_in": "community", "status": "treating"}),
        )
        .await,
        made(
            "/api/v1/clusters",
            commune.clone(),
            json!({"commune_code": "00682", "name": "Chợ", "opened_on": "2021-07-30"}),
        )
        .await,
        made(
            "/api/v1/quarantine-sites",
            district.clone(),
            json!({"area_code": "020", "name": "KTX", "kind": "centralised", "run_by": "district",
                   "capacity": 100, "occupancy": 0, "status": "active"}),
        )
        .await,
        made(
            "/api/v1/checkpoints",
            commune.clone(),
            json!({"area_code": "00682", "name": "Cầu", "kind": "commune",
                   "staffed_by": "militia", "status": "active"}),
        )
        .await,
        made(
            "/api/v1/directives",
            district.clone(),
            json!({"issuer_code": "020", "number": "12/KH-UBND", "kind": "plan",
                   "title": "Kế hoạch", "issued_on": "2021-07-30"}),
        )
        .await,
    ];
    for (token, path) in &records {
        let before = t.audit_count().await;
        let r = t
            .api("PATCH", path, Some(token), Some(json!({"note": "x"})))
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}: {}",
            r.text
        );
        assert_eq!(
            r.json()["error"]["fields"]["version"],
            "Thiếu phiên bản bản ghi đã đọc.",
            "{path}"
        );
        assert_eq!(t.audit_count().await, before, "{path}: nothing written");
        // With the version read, the same route saves.
        let r = t
            .api("PATCH", path, Some(token), Some(json!({"version": 1})))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
        assert_eq!(r.json()["version"], 2, "{path}");
    }
    // The page edit of a case without a version: 422 with the message beside the form.
    let case_id = records[0].1.rsplit('/').next().unwrap().to_string();
    let mut b = t.signed_in("lienninh").await;
    let r = b
        .post(
            &format!("/cases/{case_id}/edit"),
            &format!("/cases/{case_id}"),
            &[
                ("commune_code", "00682"),
                ("case_code", "BN7001"),
                ("detected_on", "2021-07-30"),
                ("detected_in", "community"),
                ("status", "recovered"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("Thiếu phiên bản bản ghi đã đọc."));
    assert!(r.text.contains(r#"value="BN7001""#), "the input is kept");
}

#[sqlx::test]
async fn a_stale_edit_of_a_site_shows_what_is_stored_beside_the_input(db: PgPool) {
    let t = setup(db).await;
    let district = t.token("thanhtri").await;
    let r = t
        .api(
            "POST",
            "/api/v1/quarantine-sites",
            Some(&district),
            Some(json!({"area_code": "020", "name": "KTX Thanh Trì", "kind": "centralised",
                        "run_by": "district", "capacity": 300, "occupancy": 10, "status": "active"})),
        )
        .await;
    let id = r.json()["id"].as_i64().unwrap();
    let mut b = t.signed_in("thanhtri").await;
    let edit = b.get(&format!("/sites/{id}/edit")).await;
    // Meanwhile someone records 250 people.
    let r = t
        .api(
            "PATCH",
            &format!("/api/v1/quarantine-sites/{id}"),
            Some(&district),
            Some(json!({"version": 1, "occupancy": 250})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let csrf = edit.csrf();
    let r = b
        .post_raw(
            &format!("/sites/{id}"),
            &[
                ("csrf", &csrf),
                ("version", "1"),
                ("area_code", "020"),
                ("name", "KTX Thanh Trì"),
                ("kind", "centralised"),
                ("run_by", "district"),
                ("capacity", "300"),
                ("occupancy", "40"),
                ("status", "active"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(r.text.contains("250"), "the stored occupancy is shown");
    assert!(r.text.contains(r#"value="40""#), "the user's input is kept");
    assert!(r.text.contains(r#"name="version" value="2""#));
    let occ: i32 = sqlx::query_scalar("select occupancy from quarantine_sites where id = $1")
        .bind(id)
        .fetch_one(&t.db)
        .await
        .unwrap();
    assert_eq!(occ, 250);
}

#[sqlx::test]
async fn a_cluster_with_cases_cannot_move_to_another_commune(db: PgPool) {
    let t = setup(db).await;
    let district = t.token("thanhtri").await;
    let r = t
        .api(
            "POST",
            "/api/v1/clusters",
            Some(&district),
            Some(json!({"commune_code": "00682", "name": "Chợ Liên Ninh", "opened_on": "2021-07-25"})),
        )
        .await;
    let cluster = r.json()["id"].as_i64().unwrap();
    // An empty cluster may still be moved (a typing mistake).
    let r = t
        .api(
            "PATCH",
            &format!("/api/v1/clusters/{cluster}"),
            Some(&district),
            Some(json!({"version": 1, "commune_code": "00685"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = t
        .api(
            "PATCH",
            &format!("/api/v1/clusters/{cluster}"),
            Some(&district),
            Some(json!({"version": 2, "commune_code": "00682"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = t
        .api(
            "POST",
            "/api/v1/cases",
            Some(&district),
            Some(
                json!({"commune_code": "00682", "case_code": "BN5001", "detected_on": "2021-07-30",
                        "detected_in": "community", "status": "treating", "cluster_id": cluster}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let before = t.audit_count().await;
    let r = t
        .api(
            "PATCH",
            &format!("/api/v1/clusters/{cluster}"),
            Some(&district),
            Some(json!({"version": 3, "commune_code": "00685"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(
        r.json()["error"]["fields"]["commune_code"],
        "Chùm ca bệnh đã có ca F0 nên không thể chuyển sang phường/xã khác."
    );
    assert_eq!(t.audit_count().await, before);
    let commune: String = sqlx::query_scalar("select commune_code from clusters where id = $1")
        .bind(cluster)
        .fetch_one(&t.db)
        .await
        .unwrap();
    assert_eq!(commune, "00682");
    // A case of another commune linked before this rule (old data) stays
    // hidden from the cluster's commune; the district reads both.
    sqlx::query(
        "insert into cases (city_code, district_code, commune_code, case_code, detected_on, detected_in,
           status, status_on, cluster_id, created_at, updated_at)
         values ('01', '020', '00685', 'BN5002', '2021-07-30', 'community', 'treating', '2021-07-30', $1, now(), now())",
    )
    .bind(cluster)
    .execute(&t.db)
    .await
    .unwrap();
    let mut b = t.signed_in("lienninh").await;
    let page = b.get(&format!("/clusters/{cluster}")).await;
    assert!(page.text.contains("BN5001") && !page.text.contains("BN5002"));
    let mut b = t.signed_in("thanhtri").await;
    let page = b.get(&format!("/clusters/{cluster}")).await;
    assert!(page.text.contains("BN5001") && page.text.contains("BN5002"));
    // The other commune's official does not see the cluster at all.
    t.user("other", "commune", "00685").await;
    let mut b = t.signed_in("other").await;
    let page = b.get(&format!("/clusters/{cluster}")).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

/// A city directive goes to Thanh Trì and Gia Lâm; Gia Lâm plans under it
/// and one of its communes reports with a note. Thanh Trì reads the city
/// directive but sees Gia Lâm only as a status and counts.
#[sqlx::test]
async fn a_directive_cascade_shows_other_jurisdictions_as_counts_only(db: PgPool) {
    let t = setup(db).await;
    t.user("gialam", "district", "018").await;
    t.user("yenvien", "commune", "00526").await;
    let city = t.token("thanhpho").await;
    let r = t
        .api("POST", "/api/v1/directives", Some(&city), Some(json!({"issuer_code": "01", "number": "17/CT-UBND",
            "kind": "directive", "title": "Giãn cách", "issued_on": "2021-07-23", "target_codes": ["020", "018"]})))
        .await;
    let top = r.json()["id"].as_i64().unwrap();
    let gialam = t.token("gialam").await;
    let r = t
        .api(
            "POST",
            "/api/v1/directives",
            Some(&gialam),
            Some(json!({"issuer_code": "018", "number": "99/KH-GL",
            "kind": "plan", "title": "Kế hoạch Gia Lâm bí mật", "summary": "Phong toả chợ Yên Viên",
            "issued_on": "2021-07-24", "implements_id": top, "target_codes": ["00526", "00529"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let plan = r.json()["id"].as_i64().unwrap();
    let yenvien = t.token("yenvien").await;
    let r = t
        .api("POST", &format!("/api/v1/directives/{plan}/reports"), Some(&yenvien),
            Some(json!({"area_code": "00526", "status": "done", "note": "Ghi chú riêng của Yên Viên"})))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    let thanhtri = t.token("thanhtri").await;
    let r = t
        .api(
            "GET",
            &format!("/api/v1/directives/{top}"),
            Some(&thanhtri),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(
        !r.text.contains("bí mật") && !r.text.contains("Ghi chú riêng"),
        "{}",
        r.text
    );
    let gl = r.json()["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["area_code"] == "018")
        .cloned()
        .unwrap();
    assert_eq!(gl["plan_targets"], 2);
    assert_eq!(gl["plan_targets_done"], 1);
    assert_eq!(gl["implemented_by"], json!([]));
    let mut b = t.signed_in("thanhtri").await;
    let page = b.get(&format!("/directives/{top}")).await;
    assert!(page.text.contains("Huyện Gia Lâm"));
    assert!(!page.text.contains("99/KH-GL") && !page.text.contains("Xã Yên Thường"));
    assert!(
        page.text.contains("kế hoạch: 1/2 đơn vị đã xong"),
        "{}",
        page.text
    );
    // Reading Gia Lâm's plan directly is still refused.
    let r = t
        .api(
            "GET",
            &format!("/api/v1/directives/{plan}"),
            Some(&thanhtri),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Gia Lâm sees its whole branch.
    let r = t
        .api(
            "GET",
            &format!("/api/v1/directives/{top}"),
            Some(&gialam),
            None,
        )
        .await;
    assert!(r.text.contains("bí mật") && r.text.contains("Ghi chú riêng"));
}

#[sqlx::test]
async fn the_commune_home_starts_with_its_evening_work(db: PgPool) {
    let t = setup(db).await;
    let district = t.token("thanhtri").await;
    let r = t
        .api("POST", "/api/v1/directives", Some(&district), Some(json!({"issuer_code": "020", "number": "5/KH",
            "kind": "plan", "title": "Truy vết", "issued_on": "2021-07-24", "target_codes": ["00682", "00685"]})))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let mut b = t.signed_in("lienninh").await;
    let home = b.get("/areas/00682").await;
    assert!(home.text.contains(r#"id="entry-case""#) && home.text.contains("Thêm ca bệnh"));
    assert!(home.text.contains(r#"href="/daily/00682/"#));
    assert!(
        home.text.contains("Văn bản cần báo cáo (1)"),
        "{}",
        home.text
    );
    // The district's own page is a dashboard, not a commune's to-do list.
    let mut d = t.signed_in("thanhtri").await;
    assert!(
        !d.get("/areas/020")
            .await
            .text
            .contains(r#"id="entry-case""#)
    );
}

/// A commune answers a directive from its phone: its own part comes first,
/// with the status it already reported, and the rest of the city folds away.
#[sqlx::test]
async fn a_directive_page_starts_with_the_readers_own_part_and_folds_the_rest(db: PgPool) {
    let t = setup(db).await;
    let city = t.token("thanhpho").await;
    let r = t
        .api("POST", "/api/v1/directives", Some(&city), Some(json!({"issuer_code": "01", "number": "17/CT-UBND",
            "kind": "directive", "title": "Giãn cách", "issued_on": "2021-07-23", "due_on": "2021-08-02",
            "target_codes": ["020", "018"]})))
        .await;
    let top = r.json()["id"].as_i64().unwrap();
    let district = t.token("thanhtri").await;
    let r = t
        .api("POST", "/api/v1/directives", Some(&district), Some(json!({"issuer_code": "020", "number": "1862/UBND",
            "kind": "plan", "title": "Triển khai", "issued_on": "2021-07-24", "due_on": "2021-08-02",
            "implements_id": top, "target_codes": ["00682", "00685"]})))
        .await;
    let plan = r.json()["id"].as_i64().unwrap();
    let commune = t.token("lienninh").await;
    let r = t
        .api(
            "POST",
            &format!("/api/v1/directives/{plan}/reports"),
            Some(&commune),
            Some(
                json!({"area_code": "00682", "status": "in_progress", "note": "Đã rà soát 3 thôn"}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    let mut b = t.signed_in("lienninh").await;
    let page = b.get(&format!("/directives/{plan}")).await;
    let form_at = page
        .text
        .find(&format!(r#"action="/directives/{plan}/reports""#))
        .unwrap();
    let tree_at = page.text.find(r#"id="cascade""#).unwrap();
    assert!(
        form_at < tree_at,
        "the report form comes before the cascade"
    );
    assert!(
        page.text
            .contains(r#"<option value="in_progress" selected>"#),
        "{}",
        page.text
    );
    assert!(page.text.contains(r#"value="Đã rà soát 3 thôn""#));
    // 01/08/2021 in the test clock: the deadline 02/08 is one day away.
    assert!(
        page.text
            .contains("Còn 1 ngày đến hạn báo cáo (02/08/2021)."),
        "{}",
        page.text
    );

    // The city sees Thanh Trì's plan folded under its line, with its progress.
    let mut c = t.signed_in("thanhpho").await;
    let page = c.get(&format!("/directives/{top}")).await;
    assert!(
        page.text.contains("<details><summary"),
        "folded for the city"
    );
    assert!(
        page.text.contains(r#"<progress value="0" max="2">"#),
        "{}",
        page.text
    );
    // Thanh Trì's own branch starts unfolded for Thanh Trì.
    let mut d = t.signed_in("thanhtri").await;
    assert!(
        d.get(&format!("/directives/{top}"))
            .await
            .text
            .contains("<details open><summary")
    );
    // The list flags the directive near its deadline.
    let list = c.get("/directives").await;
    assert!(
        list.text.contains("02/08/2021 · sắp đến hạn"),
        "{}",
        list.text
    );
}

#[sqlx::test]
async fn an_area_filter_takes_a_name_without_accents_and_suggests_names(db: PgPool) {
    let t = setup(db).await;
    let district = t.token("thanhtri").await;
    for (code, commune) in [("BN8001", "00682"), ("BN8002", "00685")] {
        let r = t
            .api("POST", "/api/v1/cases", Some(&district), Some(json!({"commune_code": commune,
                "case_code": code, "detected_on": "2021-07-30", "detected_in": "community", "status": "treating"})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let mut b = t.signed_in("thanhtri").await;
    let list = b.get("/cases").await;
    assert!(list.text.contains(r#"<datalist id="area-names">"#));
    assert!(list.text.contains(r#"<option value="Xã Liên Ninh">"#));
    assert!(list.text.contains(r#"list="area-names""#));
    for typed in ["Liên Ninh", "lien ninh", "Xã Liên Ninh", "00682"] {
        let r = b
            .get(&format!("/cases?area={}", typed.replace(' ', "+")))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{typed}");
        assert!(
            r.text.contains("BN8001") && !r.text.contains("BN8002"),
            "{typed}"
        );
    }
    // A name that finds nothing: the list stays, the error sits by the filter.
    let r = b.get("/cases?area=Ba+V%C3%AC+Xa").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text
            .contains("Không tìm thấy địa bàn này trong phạm vi của bạn")
    );
    assert!(r.text.contains(r#"id="total""#));
    // A name with a NUL byte (PostgreSQL refuses one) is unknown too, not a fault.
    let r = b.get("/cases?area=%00Li%C3%AAn+Ninh").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text
            .contains("Không tìm thấy địa bàn này trong phạm vi của bạn")
    );
    // Outside the jurisdiction, a name is not even found.
    let r = b
        .get("/cases?area=Ph%C6%B0%E1%BB%9Dng+B%E1%BA%A1ch+%C4%90%E1%BA%B1ng")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test]
async fn the_city_sees_daily_reports_by_district_missing_ones_first(db: PgPool) {
    let t = setup(db).await;
    let commune = t.token("lienninh").await;
    let r = t
        .api(
            "PUT",
            "/api/v1/daily-reports/00682/2021-08-01",
            Some(&commune),
            Some(json!({"f1_traced": 12,
            "f1_quarantined": 10, "tests": 40, "dose1": 5, "dose2": 3, "dose3": 0})),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    let mut c = t.signed_in("thanhpho").await;
    let page = c.get("/daily").await.text;
    assert!(
        page.contains("1/16 đã báo cáo"),
        "Thanh Trì: 1 of its 16 communes"
    );
    assert!(
        page.contains(r#"href="/daily?area=020&#38;date=2021-08-01""#),
        "{page}"
    );
    assert_eq!(
        page.matches("<tr class=\"marked\">").count(),
        30,
        "every district still misses some"
    );
    // Thanh Trì, one report in, comes after the districts that have none.
    let thanh_tri = page.find(">Huyện Thanh Trì</a>").unwrap();
    let ba_vi = page.find(">Huyện Ba Vì</a>").unwrap();
    assert!(ba_vi < thanh_tri);
    // The district's own page lists its communes, the missing ones marked first.
    let district = c.get("/daily?area=020").await.text;
    assert!(district.contains("Xã Liên Ninh"));
    assert!(
        district.find(">Xã Tứ Hiệp</a>").unwrap() < district.find(">Xã Liên Ninh</a>").unwrap()
    );
    assert!(
        district.contains(r#"<tr class="marked">"#) && !district.contains(r#"<tr class="muted">"#)
    );
}
