//! Several provinces in one deployment (issue 28, DESIGN §2): each a city
//! of its own, loaded from the shipped 2021 tree, isolated from the others.

use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::common::TestApp;
use vungxanh::domain::area;

/// Hà Nội (as every test has it) and Hồ Chí Minh City from the 2021 tree,
/// each with its command centre; a ward official in Thủ Đức.
async fn two_provinces(db: PgPool) -> TestApp {
    let t = TestApp::new(db).await;
    let tree = area::parse_csv(area::VIETNAM_2021_CSV).unwrap();
    let hcmc = area::province(&tree, "Hồ Chí Minh").unwrap();
    let mut tx = t.db.begin().await.unwrap();
    vungxanh::storage::areas::store(
        &mut tx,
        &hcmc,
        &vungxanh::storage::audit::Actor::system("test"),
        t.clock.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    t.user("thanhpho", "city", "01").await;
    t.user("hcmc", "city", "79").await;
    t.user("thuduc", "district", "769").await;
    t.user("quantri", "admin", "01").await;
    t
}

/// Asks the API, as the holder of `token`, to open an account.
async fn open_account(
    t: &TestApp,
    token: &str,
    username: &str,
    role: &str,
    area: &str,
) -> crate::common::Reply {
    t.api(
        "POST",
        "/api/v1/users",
        Some(token),
        Some(
            json!({"username": username, "password": "một mật khẩu dài đủ 2021",
                    "role": role, "area_code": area}),
        ),
    )
    .await
}

/// A ward of Thủ Đức: its first commune in the tree.
async fn thu_duc_ward(t: &TestApp) -> String {
    sqlx::query_scalar("select code from areas where parent_code = '769' order by code limit 1")
        .fetch_one(&t.db)
        .await
        .unwrap()
}

async fn created(t: &TestApp, token: &str, path: &str, body: Value) -> i64 {
    let r = t.api("POST", path, Some(token), Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{path}: {}", r.text);
    r.json()["id"].as_i64().unwrap()
}

#[sqlx::test]
async fn a_hanoi_city_user_reaches_nothing_of_ho_chi_minh_city(db: PgPool) {
    let t = two_provinces(db).await;
    let hcmc = t.token("hcmc").await;
    let thuduc = t.token("thuduc").await;
    let ward = thu_duc_ward(&t).await;
    let case = created(
        &t,
        &thuduc,
        "/api/v1/cases",
        json!({"commune_code": ward, "case_code": "BN-HCM-0001", "detected_on": "2021-07-30",
               "detected_in": "community", "status": "treating", "full_name": "Lê Văn C"}),
    )
    .await;
    let site = created(
        &t,
        &hcmc,
        "/api/v1/quarantine-sites",
        json!({"area_code": "79", "name": "Ký túc xá Đại học Quốc gia", "kind": "centralised",
               "run_by": "city", "capacity": 5000, "occupancy": 1200, "status": "active"}),
    )
    .await;
    let directive = created(
        &t,
        &hcmc,
        "/api/v1/directives",
        json!({"issuer_code": "79", "number": "2715/UBND-VX", "kind": "letter",
               "title": "Về tăng cường giãn cách xã hội", "issued_on": "2021-07-18",
               "target_codes": ["769"]}),
    )
    .await;

    let hanoi = t.token("thanhpho").await;
    for path in [
        "/api/v1/areas/79".to_string(),
        "/api/v1/areas/79/children".into(),
        "/api/v1/areas/79/summary".into(),
        "/api/v1/areas/769/summary".into(),
        format!("/api/v1/cases/{case}"),
        "/api/v1/cases?area=79".into(),
        format!("/api/v1/cases?area={ward}"),
        format!("/api/v1/quarantine-sites/{site}"),
        "/api/v1/quarantine-sites?area=79".into(),
        format!("/api/v1/directives/{directive}"),
        "/api/v1/directives?area=79".into(),
        "/api/v1/contacts?area=79".into(),
    ] {
        let r = t.api("GET", &path, Some(&hanoi), None).await;
        assert!(
            matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{path}: {} {}",
            r.status,
            r.text
        );
        assert!(!r.text.contains("BN-HCM-0001") && !r.text.contains("Lê Văn C"));
    }
    // Its own lists hold nothing of the other province.
    let own = t.api("GET", "/api/v1/cases", Some(&hanoi), None).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(!own.text.contains("BN-HCM-0001"));

    let mut b = t.signed_in("thanhpho").await;
    for path in [
        "/areas/79".to_string(),
        "/areas/769".into(),
        format!("/areas/{ward}"),
        "/areas/79/wall".into(),
        "/areas/79/briefing".into(),
        "/areas/79/reports-up".into(),
        format!("/cases/{case}"),
        "/cases?area=79".into(),
        "/cases?area=79&format=csv".into(),
        "/cases?area=79&format=xlsx".into(),
        format!("/sites/{site}"),
        "/sites?area=79&format=csv".into(),
        format!("/directives/{directive}"),
        "/audit?area=79".into(),
        "/daily?area=79".into(),
    ] {
        let r = b.get(&path).await;
        assert!(
            matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{path}: {}",
            r.status
        );
        assert!(!r.text.contains("BN-HCM-0001"), "{path}");
    }
    // Its own case list and export do not carry the other province's case.
    assert!(!b.get("/cases").await.text.contains("BN-HCM-0001"));
    assert!(
        !b.get("/cases?format=csv")
            .await
            .text
            .contains("BN-HCM-0001")
    );
    // A name typed in the area filter finds only its own province's areas.
    let r = b.get("/cases?area=Thủ+Đức").await;
    assert_ne!(r.status, StatusCode::OK);
    assert!(!r.text.contains("BN-HCM-0001"));
    // Nor does its audit log: not the other province's records, nor its
    // users' sign-ins and API tokens.
    let audit = b.get("/audit").await.text;
    assert!(
        !audit.contains("hcmc") && !audit.contains("thuduc"),
        "{audit}"
    );
    // Alerts stay in their province.
    for city in ["01", "79"] {
        let a = t.state.area_ref(city).await.unwrap().unwrap();
        t.state.evaluate_alerts(&a).await.unwrap();
    }
    let alerts = b.get("/alerts").await.text;
    assert!(!alerts.contains("Thủ Đức"));

    // And the other way round.
    let r = t
        .api("GET", "/api/v1/areas/01/summary", Some(&hcmc), None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Each province's own user does see its case.
    let r = t
        .api("GET", &format!("/api/v1/cases/{case}"), Some(&hcmc), None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[sqlx::test]
async fn each_province_has_its_public_page_and_the_administrator_opens_its_first_accounts(
    db: PgPool,
) {
    let t = two_provinces(db).await;
    let mut public = t.browser();
    let hcmc = public.get("/cong-khai/79").await;
    assert_eq!(hcmc.status, StatusCode::OK);
    assert!(hcmc.text.contains("Thành phố Hồ Chí Minh"));
    assert!(hcmc.text.contains("Thành phố Thủ Đức"));
    assert!(!hcmc.text.contains("Huyện Thanh Trì"));
    assert!(hcmc.text.contains("action=\"/cong-khai/79\""));
    let default = public.get("/cong-khai").await;
    assert!(
        default.text.contains("Huyện Thanh Trì"),
        "the first province by code"
    );
    let found = public.get("/cong-khai/79?q=linh+trung").await;
    assert!(found.text.contains("Phường Linh Trung"));
    for nothing in ["/cong-khai/769", "/cong-khai/99", "/cong-khai/%3Cb%3E"] {
        assert_eq!(
            public.get(nothing).await.status,
            StatusCode::NOT_FOUND,
            "{nothing}"
        );
    }

    // The deployment's administrator creates Bình Dương's first account
    // once its tree is loaded.
    let tree = area::parse_csv(area::VIETNAM_2021_CSV).unwrap();
    let binh_duong = area::province(&tree, "binh duong").unwrap();
    let mut tx = t.db.begin().await.unwrap();
    vungxanh::storage::areas::store(
        &mut tx,
        &binh_duong,
        &vungxanh::storage::audit::Actor::system("test"),
        t.clock.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let admin = t.token("quantri").await;
    let r = open_account(&t, &admin, "binhduong", "city", &binh_duong[0].code).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // The city user of Hà Nội cannot create one.
    let hanoi = t.token("thanhpho").await;
    let r = open_account(&t, &hanoi, "other", "city", "79").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[sqlx::test]
async fn the_national_view_sees_every_provinces_counts_and_no_record_of_any(db: PgPool) {
    let t = two_provinces(db).await;
    // The deployment's administrator opens the Ministry's account.
    let admin = t.token("quantri").await;
    let r = open_account(&t, &admin, "boyte", "country", "01").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    sqlx::query("update users set password_hash = (select password_hash from users where username = 'thanhpho') where username = 'boyte'")
        .execute(&t.db)
        .await
        .unwrap();

    // Two cases today in a ward of Thủ Đức, none in Hà Nội.
    let thuduc = t.token("thuduc").await;
    let ward = thu_duc_ward(&t).await;
    let today = t.clock.today().to_string();
    for n in 1..=2 {
        created(
            &t,
            &thuduc,
            "/api/v1/cases",
            json!({"commune_code": ward, "case_code": format!("BN-HCM-000{n}"),
                   "detected_on": today, "detected_in": "community", "status": "treating",
                   "full_name": "Lê Văn C"}),
        )
        .await;
    }

    let national = t.token("boyte").await;
    let r = t.api("GET", "/api/v1/country", Some(&national), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let c = r.json();
    let provinces = c["provinces"].as_array().unwrap();
    assert_eq!(provinces.len(), 2);
    let hcmc = provinces.iter().find(|p| p["code"] == "79").unwrap();
    assert_eq!(hcmc["name"], "Thành phố Hồ Chí Minh");
    assert_eq!(hcmc["new_today"], 2);
    assert_eq!(hcmc["active"], 2);
    assert_eq!(
        hcmc["communes"], 312,
        "HCMC's 2021 wards, communes and towns"
    );
    let hanoi = provinces.iter().find(|p| p["code"] == "01").unwrap();
    assert_eq!(hanoi["new_today"], 0);
    assert_eq!(c["totals"]["new_today"], 2);
    assert_eq!(c["totals"]["provinces"], 2);
    // The API document describes exactly the fields the answer carries.
    let doc = t
        .api("GET", "/api/v1/openapi.json", None, None)
        .await
        .json();
    let fields = |v: &Value| -> std::collections::BTreeSet<String> {
        v.as_object().unwrap().keys().cloned().collect()
    };
    let schema = &doc["components"]["schemas"];
    assert_eq!(fields(&schema["Province"]["properties"]), fields(hcmc));
    assert_eq!(
        fields(&schema["CountryTotals"]["properties"]),
        fields(&c["totals"])
    );
    assert_eq!(fields(&schema["Country"]["properties"]), fields(&c));
    // Rising first: the province with today's cases leads "getting worse".
    let r = t
        .api("GET", "/api/v1/country?sort=worse", Some(&national), None)
        .await;
    assert_eq!(r.json()["provinces"][0]["code"], "79");
    assert!(!r.text.contains("Lê Văn C") && !r.text.contains("BN-HCM"));

    let mut b = t.signed_in("boyte").await;
    let home = b.get("/").await;
    assert_eq!(home.location(), "/country");
    let page = b.get("/country").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Thành phố Hồ Chí Minh") && page.text.contains("Thành phố Hà Nội"));
    assert!(!page.text.contains("Lê Văn C") && !page.text.contains("BN-HCM"));
    // Its menu offers the country, not a province's work.
    assert!(page.text.contains("href=\"/country\"") && !page.text.contains("href=\"/cases\""));

    // Not a province's page, list, export or record: not even Hà Nội's,
    // the province its account is filed under.
    for path in [
        "/areas",
        "/areas/01",
        "/areas/79",
        "/areas/769",
        "/areas/79/wall",
        "/areas/79/briefing",
        "/areas/01/reports-up",
        "/today",
        "/alerts",
        "/cases",
        "/cases?format=csv",
        "/contacts/today",
        "/daily",
        "/sites",
        "/directives",
        "/audit",
        "/admin/users",
    ] {
        let mut r = b.get(path).await;
        // `/areas` sends each user to their own area: that too is closed.
        if r.status == StatusCode::SEE_OTHER {
            let to = r.location().to_string();
            r = b.get(&to).await;
        }
        assert!(
            matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{path}: {}",
            r.status
        );
        assert!(!r.text.contains("BN-HCM"), "{path}");
    }
    for path in [
        "/api/v1/cases",
        "/api/v1/cases?area=79",
        "/api/v1/contacts",
        "/api/v1/directives",
        "/api/v1/quarantine-sites",
        "/api/v1/daily-reports?area=01",
        "/api/v1/areas/79/summary",
        "/api/v1/areas/01",
    ] {
        let r = t.api("GET", path, Some(&national), None).await;
        assert!(
            matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{path}: {} {}",
            r.status,
            r.text
        );
    }
    // Nor may it write.
    let r = t
        .api(
            "POST",
            "/api/v1/directives",
            Some(&national),
            Some(
                json!({"issuer_code": "01", "number": "1/BYT", "kind": "letter",
                        "title": "Công điện", "issued_on": today, "target_codes": ["79"]}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);

    // A province's command centre does not read the country.
    let city = t.token("thanhpho").await;
    let r = t.api("GET", "/api/v1/country", Some(&city), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut c = t.signed_in("thanhpho").await;
    assert_eq!(c.get("/country").await.status, StatusCode::FORBIDDEN);
}

#[sqlx::test]
async fn the_national_board_shows_a_case_as_soon_as_it_is_saved(db: PgPool) {
    let t = two_provinces(db).await;
    // As served: the list is kept while no province's stamp moves.
    t.start_listening().await;
    t.user("boyte", "country", "01").await;
    let national = t.token("boyte").await;
    let hcmc_today = |c: &Value| {
        c["provinces"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["code"] == "79")
            .unwrap()["new_today"]
            .as_i64()
            .unwrap()
    };
    let before = t.api("GET", "/api/v1/country", Some(&national), None).await;
    assert_eq!(hcmc_today(&before.json()), 0);
    // Asked again with nothing written: the same answer.
    let again = t.api("GET", "/api/v1/country", Some(&national), None).await;
    assert_eq!(again.text, before.text);

    let ward = thu_duc_ward(&t).await;
    let thuduc = t.token("thuduc").await;
    created(
        &t,
        &thuduc,
        "/api/v1/cases",
        json!({"commune_code": ward, "case_code": "BN-HCM-0001",
               "detected_on": t.clock.today().to_string(), "detected_in": "community",
               "status": "treating"}),
    )
    .await;
    let after = t.api("GET", "/api/v1/country", Some(&national), None).await;
    assert_eq!(hcmc_today(&after.json()), 1);
    assert_eq!(after.json()["totals"]["new_today"], 1);
}
