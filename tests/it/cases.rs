//! Cases (F0) through the pages and the API: create, edit, list, void,
//! validation, stale edits, import and export.

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

async fn cases(t: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from cases")
        .fetch_one(&t.db)
        .await
        .unwrap()
}

fn case_json(code: &str, commune: &str) -> serde_json::Value {
    json!({"commune_code": commune, "case_code": code, "detected_on": "2021-07-30",
           "detected_in": "community", "status": "treating", "treated_at": "tier1",
           "village": "Thôn Thọ Am", "sex": "f", "birth_year": 1985,
           "full_name": "Nguyễn Thị A", "phone": "0912 345 678", "address": "Số 1 Thọ Am"})
}

#[sqlx::test]
async fn a_commune_official_logs_a_case_and_finds_it_in_the_list(db: PgPool) {
    let t = setup(db).await;
    let mut b = t.signed_in("lienninh").await;
    let form = b.get("/cases/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("Mã ca bệnh") && form.text.contains("Xã Liên Ninh"));
    let r = b
        .post(
            "/cases/new",
            "/cases",
            &[
                ("commune_code", "00682"),
                ("case_code", "bn123456"),
                ("detected_on", "2021-07-31"),
                ("detected_in", "community"),
                ("status", "treating"),
                ("village", "Thôn Thọ Am"),
                ("full_name", "Trần Văn B"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let show = b.get(r.location()).await;
    assert!(
        show.text.contains("BN123456")
            && show.text.contains("Trần Văn B")
            && show.text.contains("31/07/2021")
    );
    let list = b.get("/cases").await;
    assert!(list.text.contains("BN123456") && list.text.contains("Tổng số: 1"));
    let audit: (String, String) =
        sqlx::query_as("select action, username from audit_log where entity = 'case'")
            .fetch_one(&t.db)
            .await
            .unwrap();
    assert_eq!(audit, ("create".to_string(), "lienninh".to_string()));
}

#[sqlx::test]
async fn a_case_with_mistakes_comes_back_in_vietnamese_with_the_input_kept(db: PgPool) {
    let t = setup(db).await;
    let mut b = t.signed_in("lienninh").await;
    let r = b
        .post(
            "/cases/new",
            "/cases",
            &[
                ("commune_code", "00682"),
                ("case_code", "BN<1>"),
                ("detected_on", "2021-08-02"),
                ("detected_in", ""),
                ("status", "treating"),
                ("village", "Thôn Đông"),
                ("birth_year", "1850"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("Mã ca bệnh gồm chữ in hoa và số"));
    assert!(
        r.text.contains("Ngày không được ở tương lai."),
        "the clock says 01/08/2021"
    );
    assert!(r.text.contains("Không được để trống."));
    assert!(r.text.contains("Phải từ 1900 đến 2021."));
    assert!(
        r.text.contains(r#"value="Thôn Đông""#) && r.text.contains(r#"value="BN&#60;1&#62;""#)
            || r.text.contains("BN&lt;1&gt;")
    );
    assert_eq!(cases(&t).await, 0);
}

#[sqlx::test]
async fn a_duplicate_case_code_is_a_field_error_on_the_page_and_a_409_in_the_api(db: PgPool) {
    let t = setup(db).await;
    let token = t.token("lienninh").await;
    let r = t
        .api(
            "POST",
            "/api/v1/cases",
            Some(&token),
            Some(case_json("BN1", "00682")),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = t
        .api(
            "POST",
            "/api/v1/cases",
            Some(&token),
            Some(case_json("bn1", "00682")),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(
        r.json()["error"]["fields"]["case_code"],
        "Mã ca bệnh này đã có."
    );
    let mut b = t.signed_in("lienninh").await;
    let r = b
        .post(
            "/cases/new",
            "/cases",
            &[
                ("commune_code", "00682"),
                ("case_code", "BN1"),
                ("detected_on", "2021-07-31"),
                ("detected_in", "quarantine"),
                ("status", "treating"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text.contains("Mã ca bệnh này đã có."));
    assert_eq!(cases(&t).await, 1);
}

#[sqlx::test]
async fn the_cases_api_creates_lists_reads_and_patches_with_the_design_fields(db: PgPool) {
    let t = setup(db).await;
    let token = t.token("thanhtri").await;
    let r = t
        .api(
            "POST",
            "/api/v1/cases",
            Some(&token),
            Some(case_json("BN2001", "00682")),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let c = r.json();
    for f in [
        "id",
        "version",
        "commune_code",
        "case_code",
        "detected_on",
        "detected_in",
        "status",
        "treated_at",
        "village",
        "sex",
        "birth_year",
        "full_name",
    ] {
        assert!(c.get(f).is_some(), "missing {f}");
    }
    assert_eq!(c["version"], 1);
    assert_eq!(c["detected_on"], "2021-07-30");
    let id = c["id"].as_i64().unwrap();
    let list = t
        .api(
            "GET",
            "/api/v1/cases?area=020&status=treating&from=2021-07-01&to=2021-08-01",
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["case_code"], "BN2001");
    let none = t
        .api(
            "GET",
            "/api/v1/cases?area=020&status=recovered",
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(none["total"], 0);
    let r = t
        .api(
            "PATCH",
            &format!("/api/v1/cases/{id}"),
            Some(&token),
            Some(json!({"version": 1, "status": "recovered", "status_on": "2021-08-01"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["status"], "recovered");
    assert_eq!(r.json()["version"], 2);
    assert_eq!(
        r.json()["village"],
        "Thôn Thọ Am",
        "fields not sent are kept"
    );
    // The version read last is now stale.
    let r = t
        .api(
            "PATCH",
            &format!("/api/v1/cases/{id}"),
            Some(&token),
            Some(json!({"version": 1, "status": "died"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = t
        .api("GET", &format!("/api/v1/cases/{id}"), Some(&token), None)
        .await
        .json();
    assert_eq!(r["status"], "recovered");
    // Malformed and wrongly typed bodies.
    let r = t
        .api(
            "PATCH",
            &format!("/api/v1/cases/{id}"),
            Some(&token),
            Some(json!({"status": "recovered"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = t.api("POST", "/api/v1/cases", Some(&token), Some(json!({"commune_code": "00682", "case_code": "BN9", "detected_on": "hôm qua", "detected_in": "community", "status": "treating"}))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json()["error"]["fields"]["detected_on"],
        "Không phải ngày hợp lệ (dd/mm/yyyy)."
    );
}

#[sqlx::test]
async fn a_stale_edit_on_the_page_shows_both_versions_and_loses_nothing(db: PgPool) {
    let t = setup(db).await;
    let token = t.token("lienninh").await;
    let id = t
        .api(
            "POST",
            "/api/v1/cases",
            Some(&token),
            Some(case_json("BN3001", "00682")),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let mut b = t.signed_in("lienninh").await;
    let edit = b.get(&format!("/cases/{id}/edit")).await;
    assert!(edit.text.contains(r#"name="version" value="1""#));
    // Meanwhile the district changes the case.
    let district = t.token("thanhtri").await;
    let r = t
        .api(
            "PATCH",
            &format!("/api/v1/cases/{id}"),
            Some(&district),
            Some(json!({"version": 1, "village": "Thôn Bắc"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let csrf = edit.csrf();
    let r = b
        .post_raw(
            &format!("/cases/{id}"),
            &[
                ("csrf", &csrf),
                ("version", "1"),
                ("commune_code", "00682"),
                ("case_code", "BN3001"),
                ("detected_on", "2021-07-30"),
                ("detected_in", "community"),
                ("status", "recovered"),
                ("status_on", "2021-08-01"),
                ("village", "Thôn Nam"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text.contains("Bản ghi đã được người khác sửa"));
    assert!(r.text.contains("Thôn Bắc"), "the stored value is shown");
    assert!(
        r.text.contains(r#"value="Thôn Nam""#),
        "the user's input is kept"
    );
    assert!(
        r.text.contains(r#"name="version" value="2""#),
        "saving again applies over the new version"
    );
    let village: String = sqlx::query_scalar("select village from cases where id = $1")
        .bind(id)
        .fetch_one(&t.db)
        .await
        .unwrap();
    assert_eq!(village, "Thôn Bắc");
}

#[sqlx::test]
async fn voiding_a_case_needs_a_reason_and_keeps_the_record(db: PgPool) {
    let t = setup(db).await;
    let token = t.token("lienninh").await;
    let id = t
        .api(
            "POST",
            "/api/v1/cases",
            Some(&token),
            Some(case_json("BN4001", "00682")),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let mut b = t.signed_in("lienninh").await;
    let page = format!("/cases/{id}");
    let r = b
        .post(&page, &format!("/cases/{id}/void"), &[("reason", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = b
        .post(
            &page,
            &format!("/cases/{id}/void"),
            &[("reason", "Nhập trùng với BN4000")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let show = b.get(&page).await;
    assert!(show.text.contains("Nhập trùng với BN4000"));
    assert_eq!(cases(&t).await, 1, "nothing is deleted");
    assert!(
        !b.get("/cases").await.text.contains("BN4001"),
        "voided cases leave the list"
    );
    assert!(b.get("/cases?voided=on").await.text.contains("BN4001"));
}

#[sqlx::test]
async fn a_commune_official_cannot_log_or_edit_a_case_in_another_commune(db: PgPool) {
    let t = setup(db).await;
    let mut b = t.signed_in("lienninh").await;
    let before = t.audit_count().await;
    let r = b
        .post(
            "/cases/new",
            "/cases",
            &[
                ("commune_code", "00685"),
                ("case_code", "BN5001"),
                ("detected_on", "2021-07-31"),
                ("detected_in", "community"),
                ("status", "treating"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let token = t.token("lienninh").await;
    let r = t
        .api(
            "POST",
            "/api/v1/cases",
            Some(&token),
            Some(case_json("BN5002", "00685")),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A case of the neighbouring commune, logged by the district.
    let district = t.token("thanhtri").await;
    let id = t
        .api(
            "POST",
            "/api/v1/cases",
            Some(&district),
            Some(case_json("BN5003", "00685")),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let before_edit = t.audit_count().await;
    assert_eq!(
        b.get(&format!("/cases/{id}")).await.status,
        StatusCode::FORBIDDEN
    );
    let r = t
        .api(
            "PATCH",
            &format!("/api/v1/cases/{id}"),
            Some(&token),
            Some(json!({"version": 1, "status": "died"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = b
        .post(
            "/cases/new",
            &format!("/cases/{id}/void"),
            &[("reason", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(t.audit_count().await, before_edit);
    assert_eq!(
        before_edit,
        before + 3,
        "only the two tokens and the district's case were written"
    );
    // The city reads but does not write.
    let city = t.token("thanhpho").await;
    assert_eq!(
        t.api(
            "POST",
            "/api/v1/cases",
            Some(&city),
            Some(case_json("BN5004", "00682"))
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
}

#[sqlx::test]
async fn personal_details_are_hidden_from_the_city(db: PgPool) {
    let t = setup(db).await;
    let token = t.token("lienninh").await;
    let id = t
        .api(
            "POST",
            "/api/v1/cases",
            Some(&token),
            Some(case_json("BN6001", "00682")),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let city = t.token("thanhpho").await;
    let c = t
        .api("GET", &format!("/api/v1/cases/{id}"), Some(&city), None)
        .await
        .json();
    assert_eq!(c["case_code"], "BN6001");
    assert!(c.get("full_name").is_none() && c.get("phone").is_none() && c.get("address").is_none());
    let mut b = t.signed_in("thanhpho").await;
    let page = b.get(&format!("/cases/{id}")).await;
    assert!(
        page.text.contains("BN6001")
            && !page.text.contains("Nguyễn Thị A")
            && !page.text.contains("0912")
    );
    let csv = b.get("/cases?format=csv").await;
    assert!(
        csv.text.contains("BN6001")
            && !csv.text.contains("Nguyễn Thị A")
            && !csv.text.contains("full_name")
    );
    let district = t.token("thanhtri").await;
    let c = t
        .api("GET", &format!("/api/v1/cases/{id}"), Some(&district), None)
        .await
        .json();
    assert_eq!(c["full_name"], "Nguyễn Thị A");
}

async fn upload(b: &mut crate::common::Browser, mode: &str, csv: &str) -> crate::common::Reply {
    b.upload("/cases/import", "/cases/import", &[("mode", mode)], csv)
        .await
}

#[sqlx::test]
async fn a_csv_with_bad_rows_reports_each_line_and_imports_nothing_unless_asked(db: PgPool) {
    let t = setup(db).await;
    let mut b = t.signed_in("thanhtri").await;
    let csv = "commune_code,case_code,detected_on,detected_in,status\n\
               00682,BN7001,2021-07-30,community,treating\n\
               00682,BN7002,2021-13-01,community,treating\n\
               00001,BN7003,2021-07-30,community,treating\n\
               00685,BN7004,30/07/2021,lockdown,treating\n\
               00682,BN7001,2021-07-30,community,treating\n";
    let r = upload(&mut b, "all", csv).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "a commune of another district is refused outright"
    );
    let csv = csv.replace("00001,", "99999,");
    let r = upload(&mut b, "all", &csv).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(
        r.text.contains("3 dòng có lỗi; chưa nhập gì."),
        "{}",
        r.text
    );
    assert!(r.text.contains("Dòng 3") && r.text.contains("Dòng 4") && r.text.contains("Dòng 6"));
    assert!(r.text.contains("Không có địa bàn với mã này."));
    assert_eq!(cases(&t).await, 0);
    let r = upload(&mut b, "good", &csv).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text.contains("Đã nhập 2 ca bệnh; bỏ qua 3 dòng lỗi."),
        "{}",
        r.text
    );
    let codes: Vec<String> = sqlx::query_scalar("select case_code from cases order by case_code")
        .fetch_all(&t.db)
        .await
        .unwrap();
    assert_eq!(codes, vec!["BN7001", "BN7004"]);
}

#[sqlx::test]
async fn exported_cases_import_back_as_the_same_records(db: PgPool) {
    let t = setup(db).await;
    let token = t.token("thanhtri").await;
    for (code, commune) in [
        ("BN8001", "00682"),
        ("BN8002", "00685"),
        ("BN8003", "00682"),
    ] {
        let mut body = case_json(code, commune);
        body["village"] = json!(format!("Tổ {code}, \"ngõ\" 5"));
        assert_eq!(
            t.api("POST", "/api/v1/cases", Some(&token), Some(body))
                .await
                .status,
            StatusCode::CREATED
        );
    }
    let snapshot = |db: PgPool| async move {
        sqlx::query_as::<_, (String, String, String, String, String, Option<String>, String, Option<String>, Option<i32>, String, String, String)>(
            "select commune_code, case_code, detected_on::text, detected_in, status, treated_at, village, sex, birth_year, full_name, phone, address from cases order by case_code",
        )
        .fetch_all(&db)
        .await
        .unwrap()
    };
    let before = snapshot(t.db.clone()).await;
    let mut b = t.signed_in("thanhtri").await;
    let csv = b.get("/cases?format=csv").await;
    assert_eq!(
        csv.headers.get("content-type").unwrap(),
        "text/csv; charset=utf-8"
    );
    let xlsx = b.get("/cases?format=xlsx").await;
    assert!(
        xlsx.headers
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    sqlx::query("delete from cases")
        .execute(&t.db)
        .await
        .unwrap();
    let r = upload(&mut b, "all", &csv.text).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(snapshot(t.db.clone()).await, before);
}

/// DESIGN §3: a year of birth with the commune, the date and the village
/// can single a person out, so the city sees a ten-year band instead.
#[sqlx::test]
async fn the_city_sees_an_age_band_where_the_commune_and_district_see_the_year_of_birth(
    db: PgPool,
) {
    let t = setup(db).await;
    let commune = t.token("lienninh").await;
    let r = t
        .api(
            "POST",
            "/api/v1/cases",
            Some(&commune),
            Some(case_json("BN4001", "00682")),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    assert_eq!(r.json()["birth_year"], 1985);
    let district = t.token("thanhtri").await;
    let d = t
        .api("GET", &format!("/api/v1/cases/{id}"), Some(&district), None)
        .await;
    assert_eq!(d.json()["birth_year"], 1985);

    let city = t.token("thanhpho").await;
    let c = t
        .api("GET", &format!("/api/v1/cases/{id}"), Some(&city), None)
        .await;
    assert_eq!(c.status, StatusCode::OK);
    assert_eq!(c.json()["age_band"], "30–39", "born 1985, detected 2021");
    assert!(c.json().get("birth_year").is_none(), "{}", c.text);
    let list = t
        .api("GET", "/api/v1/cases?area=00682", Some(&city), None)
        .await;
    assert_eq!(list.json()["items"][0]["age_band"], "30–39");
    assert!(!list.text.contains("1985"), "{}", list.text);

    let mut b = t.signed_in("thanhpho").await;
    let page = b.get(&format!("/cases/{id}")).await;
    assert!(page.text.contains("Nhóm tuổi") && page.text.contains("30–39"));
    assert!(!page.text.contains("1985"));
    let csv = b.get("/cases?area=00682&format=csv").await.text;
    let header = csv.lines().next().unwrap();
    assert!(
        header.contains("age_band") && !header.contains("birth_year"),
        "{header}"
    );
    assert!(csv.contains("30–39") && !csv.contains("1985"), "{csv}");
    let audit = b.get("/audit").await;
    assert!(audit.text.contains("BN4001") || audit.text.contains(&format!("case #{id}")));
    assert!(
        audit.text.contains("30–39") && !audit.text.contains("1985"),
        "{}",
        audit.text
    );

    let mut b = t.signed_in("lienninh").await;
    let page = b.get(&format!("/cases/{id}")).await;
    assert!(page.text.contains("Năm sinh") && page.text.contains("1985"));
    let audit = b.get("/audit").await;
    assert!(audit.text.contains("1985"));
}

#[sqlx::test]
async fn save_and_add_another_keeps_the_shared_fields_and_suggests_the_next_code(db: PgPool) {
    let t = setup(db).await;
    let mut b = t.signed_in("lienninh").await;
    let r = b
        .post(
            "/cases/new",
            "/cases",
            &[
                ("commune_code", "00682"),
                ("case_code", "BN2021-0090001"),
                ("detected_on", "2021-07-30"),
                ("detected_in", "community"),
                ("status", "treating"),
                ("village", "Thôn Thọ Am"),
                ("full_name", "Nguyễn Văn B"),
                ("next", "another"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(r.location().starts_with("/cases/new?"), "{}", r.location());
    let next = b.get(r.location()).await;
    assert!(next.text.contains("Đã thêm."));
    assert!(
        next.text.contains(r#"value="2021-07-30""#),
        "the date is kept"
    );
    assert!(
        next.text.contains(r#"value="Thôn Thọ Am""#),
        "the village is kept"
    );
    assert!(
        next.text.contains(r#"<option value="community" selected>"#),
        "where detected is kept"
    );
    assert!(
        next.text.contains(r#"value="BN2021-0090002""#),
        "the next code of the series is suggested"
    );
    assert!(
        !next.text.contains("Nguyễn Văn B"),
        "the person is not carried over"
    );
    assert!(
        next.text.contains(r#"type="tel" inputmode="tel""#),
        "the phone opens the dial pad"
    );
    assert!(next.text.contains(r#"id="save-another""#));

    // A district official must choose the commune; nothing is chosen for them.
    let mut d = t.signed_in("thanhtri").await;
    let form = d.get("/cases/new").await;
    assert!(
        form.text
            .contains(r#"<option value="" selected>— Chọn phường/xã —</option>"#),
        "{}",
        form.text
    );
    let r = d
        .post(
            "/cases/new",
            "/cases",
            &[
                ("case_code", "BN7777"),
                ("detected_on", "2021-07-30"),
                ("detected_in", "community"),
                ("status", "treating"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test]
async fn the_audit_log_reads_as_sentences_with_before_and_after(db: PgPool) {
    let t = setup(db).await;
    let token = t.token("lienninh").await;
    let id = t
        .api(
            "POST",
            "/api/v1/cases",
            Some(&token),
            Some(case_json("BN2021-0090001", "00682")),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let r = t
        .api(
            "PATCH",
            &format!("/api/v1/cases/{id}"),
            Some(&token),
            Some(json!({"version": 1, "village": "Thôn Bắc"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mut b = t.signed_in("thanhtri").await;
    let audit = b.get("/audit").await.text;
    assert!(
        audit.contains("lienninh đã thêm ca bệnh BN2021-0090001"),
        "{audit}"
    );
    assert!(audit.contains("lienninh đã sửa ca bệnh BN2021-0090001"));
    assert!(
        audit.contains("Thôn Thọ Am → Thôn Bắc"),
        "the change, before → after"
    );
    assert!(
        !audit.contains("{&quot;") && !audit.contains("{\""),
        "no raw JSON"
    );
    assert!(!audit.contains(&format!("#{id}")), "no internal ids");
    let mut city = t.signed_in("thanhpho").await;
    assert!(
        city.get("/audit")
            .await
            .text
            .contains("thanhtri đã đăng nhập")
    );
}

#[sqlx::test]
async fn a_list_of_more_cases_than_it_counts_says_more_than_ten_thousand_and_still_pages(
    db: PgPool,
) {
    let t = setup(db).await;
    vungxanh::storage::synth::generate(
        &t.db,
        "01",
        &vungxanh::storage::synth::Scale {
            cases: 10_050,
            days: 60,
            sites: 0,
            checkpoints: 0,
            directives: 0,
            report_days: 0,
            contacts_per_case: 0,
            seed: 3,
        },
        t.clock.today(),
    )
    .await
    .unwrap();
    let mut city = t.signed_in("thanhpho").await;
    let page = city.get("/cases").await.text;
    assert!(
        page.contains("Tổng số: hơn 10.000"),
        "the count stops at the cap"
    );
    assert_eq!(page.matches("<tr").count() - 1, 50, "a full first page");
    // Newest first, across the whole city.
    let newest: String = sqlx::query_scalar(
        "select case_code from cases where voided_at is null order by detected_on desc, id desc limit 1",
    )
    .fetch_one(&t.db)
    .await
    .unwrap();
    assert!(page.find(&newest).unwrap() < page.find("</tbody>").unwrap());
    // A deep page still answers, and a commune's list counts exactly.
    assert_eq!(city.get("/cases?page=150").await.status, StatusCode::OK);
    let exact: i64 = sqlx::query_scalar(
        "select count(*) from cases where commune_code = '00682' and voided_at is null",
    )
    .fetch_one(&t.db)
    .await
    .unwrap();
    let mut commune = t.signed_in("lienninh").await;
    let mine = commune.get("/cases").await.text;
    assert!(mine.contains(&format!("Tổng số: {}", exact)), "{exact}");
}
