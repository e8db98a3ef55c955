//! The Hà Nội area tree, its import and the area browser.

use crate::common::TestApp;
use axum::http::StatusCode;
use sqlx::PgPool;
use vungxanh::domain::area as areas;
use vungxanh::storage::areas as stored_areas;
use vungxanh::storage::audit::Actor;

async fn count(db: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db).await.unwrap()
}

#[sqlx::test]
async fn the_hanoi_tree_has_30_districts_and_579_communes_of_the_right_kinds(db: PgPool) {
    let t = TestApp::new(db).await;
    let by = |level: &str, unit: &str| {
        format!("select count(*) from areas where level = '{level}' and unit_type = '{unit}'")
    };
    assert_eq!(
        count(&t.db, "select count(*) from areas where level = 'city'").await,
        1
    );
    assert_eq!(
        count(&t.db, "select count(*) from areas where level = 'district'").await,
        30
    );
    assert_eq!(
        count(&t.db, "select count(*) from areas where level = 'commune'").await,
        579
    );
    assert_eq!(count(&t.db, &by("district", "Quận")).await, 12);
    assert_eq!(count(&t.db, &by("district", "Huyện")).await, 17);
    assert_eq!(count(&t.db, &by("district", "Thị xã")).await, 1);
    assert_eq!(count(&t.db, &by("commune", "Phường")).await, 175);
    assert_eq!(count(&t.db, &by("commune", "Xã")).await, 383);
    assert_eq!(count(&t.db, &by("commune", "Thị trấn")).await, 21);
    assert_eq!(
        count(
            &t.db,
            "select count(*) from areas where parent_code = '020'"
        )
        .await,
        16,
        "Huyện Thanh Trì has 16 communes"
    );
}

#[sqlx::test]
async fn communes_sit_under_their_real_districts(db: PgPool) {
    let t = TestApp::new(db).await;
    let parent_of = |name: &'static str| {
        let db = t.db.clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "select p.name from areas c join areas p on p.code = c.parent_code where c.name = $1",
            )
            .bind(name)
            .fetch_all(&db)
            .await
            .unwrap()
        }
    };
    assert_eq!(parent_of("Xã Liên Ninh").await, vec!["Huyện Thanh Trì"]);
    assert_eq!(
        parent_of("Phường Quỳnh Lôi").await,
        vec!["Quận Hai Bà Trưng"]
    );
    assert_eq!(
        parent_of("Phường Trung Văn").await,
        vec!["Quận Nam Từ Liêm"]
    );
    let lien_ninh: (String, String) =
        sqlx::query_as("select code, parent_code from areas where name = 'Xã Liên Ninh'")
            .fetch_one(&t.db)
            .await
            .unwrap();
    assert_eq!(lien_ninh, ("00682".to_string(), "020".to_string()));
    // The source's "Xã Đại áng" is shipped with its proper casing.
    assert_eq!(
        count(
            &t.db,
            "select count(*) from areas where name = 'Xã Đại Áng'"
        )
        .await,
        1
    );
}

#[sqlx::test]
async fn importing_the_same_tree_again_changes_nothing_and_writes_no_audit(db: PgPool) {
    let t = TestApp::new(db).await;
    let before = t.audit_count().await;
    let tree = areas::parse_csv(areas::HANOI_CSV).unwrap();
    let mut tx = t.db.begin().await.unwrap();
    let report = stored_areas::store(&mut tx, &tree, &Actor::system("test"), t.clock.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        (report.inserted, report.updated, report.unchanged),
        (0, 0, 610)
    );
    assert_eq!(t.audit_count().await, before);
    assert_eq!(before, 610, "the first load wrote one audit row per area");
}

#[sqlx::test]
async fn another_citys_tree_imports_from_a_csv_of_the_same_shape(db: PgPool) {
    let t = TestApp::new(db).await;
    let csv = "code,name,unit_type,level,parent_code,population\n\
               79,Thành phố Hồ Chí Minh,Thành phố,city,,8993082\n\
               760,Quận 1,Quận,district,79,\n\
               26734,Phường Tân Định,Phường,commune,760,\n";
    let tree = areas::parse_csv(csv).unwrap();
    let mut tx = t.db.begin().await.unwrap();
    let report = stored_areas::store(&mut tx, &tree, &Actor::system("test"), t.clock.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(report.inserted, 3);
    let key: String = sqlx::query_scalar("select search_key from areas where code = '26734'")
        .fetch_one(&t.db)
        .await
        .unwrap();
    assert_eq!(key, "phuong tan dinh");
    assert_eq!(
        count(&t.db, "select count(*) from areas where level = 'city'").await,
        2
    );
}

#[sqlx::test]
async fn the_area_browser_shows_30_districts_and_16_communes_under_thanh_tri(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("thanhpho", "city", "01").await;
    let mut b = t.signed_in("thanhpho").await;
    let city = b.get("/areas/01").await;
    assert_eq!(city.status, StatusCode::OK);
    assert!(city.text.contains("Thành phố Hà Nội"));
    assert!(
        city.text
            .contains("30 quận/huyện/thị xã, 579 phường/xã/thị trấn"),
        "{}",
        city.text
    );
    assert_eq!(rows(&city.text), 30);
    assert!(
        city.text.contains("8.053.663"),
        "population grouped the Vietnamese way"
    );
    let thanh_tri = b.get("/areas/020").await;
    assert_eq!(rows(&thanh_tri.text), 16);
    assert!(thanh_tri.text.contains("Xã Liên Ninh"));
    assert!(
        thanh_tri
            .text
            .contains(r#"<a href="/areas/01">Thành phố Hà Nội</a>"#),
        "breadcrumb"
    );
    // A commune's breadcrumb: the city, then its district.
    let lien_ninh = b.get("/areas/00682").await.text;
    assert!(
        lien_ninh.contains(
            r#"<a href="/areas/01">Thành phố Hà Nội</a> › <a href="/areas/020">Huyện Thanh Trì</a> › "#
        ),
        "breadcrumb from the city down"
    );
}

/// Rows in the table of areas under the one shown.
fn rows(html: &str) -> usize {
    let table = &html[html.find(r#"id="children""#).expect("children table")..];
    let body = &table[table.find("<tbody>").unwrap()..table.find("</tbody>").unwrap()];
    body.matches("<tr").count()
}

#[sqlx::test]
async fn search_finds_areas_with_or_without_diacritics_and_in_any_case(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("thanhpho", "city", "01").await;
    let mut b = t.signed_in("thanhpho").await;
    for q in [
        "lien%20ninh",
        "LIÊN%20NINH",
        "Li%C3%AAn%20Ninh",
        "dai%20ang",
    ] {
        let r = b.get(&format!("/areas/01?q={q}")).await;
        assert_eq!(r.status, StatusCode::OK);
        let results = &r.text[r
            .text
            .find("class=\"results\"")
            .unwrap_or_else(|| panic!("no results for {q}"))..];
        assert!(
            results.contains("Xã Liên Ninh") || results.contains("Xã Đại Áng"),
            "query {q} found nothing expected"
        );
    }
    // A district's search stays inside the district.
    let r = b.get("/areas/020?q=trung%20van").await;
    assert!(
        r.text.contains("Không tìm thấy địa bàn nào."),
        "Trung Văn is not in Thanh Trì"
    );
}

#[sqlx::test]
async fn the_interface_switches_to_english_and_back(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("thanhpho", "city", "01").await;
    let mut b = t.signed_in("thanhpho").await;
    let vi = b.get("/areas/01").await;
    assert!(vi.text.contains("<html lang=\"vi\">") && vi.text.contains("Đăng xuất"));
    let switch = b.get("/lang/en?next=/areas/01").await;
    assert_eq!(switch.status, StatusCode::SEE_OTHER);
    assert_eq!(switch.location(), "/areas/01");
    let en = b.get("/areas/01").await;
    assert!(en.text.contains("<html lang=\"en\">") && en.text.contains("Sign out"));
    assert!(en.text.contains("30 districts, 579 communes"));
    assert!(
        en.text.contains("8,053,663"),
        "population grouped the English way"
    );
    let _ = b.get("/lang/vi?next=/areas/01").await;
    assert!(b.get("/areas/01").await.text.contains("Đăng xuất"));
    // Never redirected off the site.
    assert_eq!(b.get("/lang/en?next=//evil.example").await.location(), "/");
}

#[sqlx::test]
async fn pages_need_sign_in_and_unknown_pages_answer_in_vietnamese(db: PgPool) {
    let t = TestApp::new(db).await;
    let mut b = t.browser();
    let r = b.get("/areas/020").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/sign-in?next=/areas/020");
    let r = b.get("/khong-co-trang-nay").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.text
            .contains("Không tìm thấy trang hoặc dữ liệu yêu cầu."),
        "{}",
        r.text
    );
    let r = t.api("GET", "/api/v1/khong-co", None, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["code"], "not_found");
}

#[sqlx::test]
async fn health_and_readiness_answer(db: PgPool) {
    let t = TestApp::new(db).await;
    let mut b = t.browser();
    assert_eq!(b.get("/healthz").await.status, StatusCode::OK);
    let ready = b.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.text, "ready");
}

#[sqlx::test]
async fn the_areas_api_answers_with_the_design_fields(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("thanhtri", "district", "020").await;
    let token = t.token("thanhtri").await;
    let r = t.api("GET", "/api/v1/areas/020", Some(&token), None).await;
    assert_eq!(r.status, StatusCode::OK);
    let a = r.json();
    assert_eq!(a["code"], "020");
    assert_eq!(a["name"], "Huyện Thanh Trì");
    assert_eq!(a["level"], "district");
    assert_eq!(a["parent_code"], "01");
    assert!(a.get("population").is_some());
    let kids = t
        .api("GET", "/api/v1/areas/020/children", Some(&token), None)
        .await
        .json();
    assert_eq!(kids["total"], 16);
    assert_eq!(kids["items"].as_array().unwrap().len(), 16);
    // Another district is out of reach.
    let r = t.api("GET", "/api/v1/areas/001", Some(&token), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"]["code"], "forbidden");
}

#[sqlx::test]
async fn names_sort_the_vietnamese_way(db: PgPool) {
    let t = TestApp::new(db).await;
    // Districts of the city: "Đan Phượng" after "Chương Mỹ", before "Đông Anh"
    // and "Gia Lâm" (Đ is its own letter after D, not after Z).
    let kids: Vec<String> = stored_areas::fetch_children(&t.db, "01")
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    let pos = |n: &str| kids.iter().position(|k| k == n).unwrap();
    assert!(pos("Huyện Chương Mỹ") < pos("Huyện Đan Phượng"));
    assert!(pos("Huyện Đan Phượng") < pos("Huyện Đông Anh"));
    assert!(pos("Huyện Đông Anh") < pos("Huyện Gia Lâm"));
    assert!(pos("Huyện Thạch Thất") > pos("Huyện Đan Phượng"));
    // Communes: "Bạch Đằng" before "Bưởi" (tones weigh after letters).
    let names = stored_areas::names_under(&t.db, "01").await.unwrap();
    let at = |n: &str| names.iter().position(|k| k == n).unwrap();
    assert!(at("Phường Bạch Đằng") < at("Phường Bưởi"));
    // And on the city's page, sorted by name.
    t.user("thanhpho", "city", "01").await;
    let mut b = t.signed_in("thanhpho").await;
    let page = b.get("/areas/01?sort=name").await.text;
    let i = |n: &str| page.find(&format!(">{n}</a>")).unwrap();
    assert!(
        i("Huyện Chương Mỹ") < i("Huyện Đan Phượng") && i("Huyện Đan Phượng") < i("Huyện Gia Lâm")
    );
}

#[sqlx::test]
async fn the_shipped_district_populations_add_up_to_the_citys_census_figure(db: PgPool) {
    let t = TestApp::new(db).await;
    let (sum, filled, city): (i64, i64, i64) = sqlx::query_as(
        "select sum(d.population)::int8, count(d.population), c.population from areas d
         join areas c on c.code = d.parent_code where d.level = 'district' group by c.population",
    )
    .fetch_one(&t.db)
    .await
    .unwrap();
    assert_eq!(filled, 30);
    assert_eq!(sum, city);
    // A tree imported before the figures shipped gains them on re-import,
    // and an estimate is replaced by the sourced figure.
    sqlx::query("update areas set population = null where code = '020'")
        .execute(&t.db)
        .await
        .unwrap();
    sqlx::query("update areas set population = 5, population_estimated = true where code = '001'")
        .execute(&t.db)
        .await
        .unwrap();
    let tree = areas::parse_csv(areas::HANOI_CSV).unwrap();
    let mut tx = t.db.begin().await.unwrap();
    let report = stored_areas::store(&mut tx, &tree, &Actor::system("test"), t.clock.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(report.updated, 2);
    let (pop, estimated): (Option<i64>, bool) =
        sqlx::query_as("select population, population_estimated from areas where code = '001'")
            .fetch_one(&t.db)
            .await
            .unwrap();
    assert!(pop.unwrap() > 100_000 && !estimated);
}

#[sqlx::test]
async fn the_demos_commune_estimates_sum_to_their_district_and_say_so(db: PgPool) {
    let t = TestApp::new(db).await;
    let n = stored_areas::estimate_commune_populations(
        &t.db,
        &Actor::system("test"),
        t.clock.now(),
        "01",
    )
    .await
    .unwrap();
    assert_eq!(n, 579);
    let off: i64 = count(
        &t.db,
        "select count(*) from areas d where d.level = 'district' and d.population <>
           (select sum(c.population) from areas c where c.parent_code = d.code and c.population_estimated)",
    )
    .await;
    assert_eq!(off, 0, "every district's communes sum to its figure");
    t.user("thanhtri", "district", "020").await;
    let mut b = t.signed_in("thanhtri").await;
    let page = b.get("/areas/00682").await.text;
    assert!(page.contains("(ước tính)") && page.contains("theo dân số ước tính"));
    // Run again, nothing is left to estimate.
    let again = stored_areas::estimate_commune_populations(
        &t.db,
        &Actor::system("test"),
        t.clock.now(),
        "01",
    )
    .await
    .unwrap();
    assert_eq!(again, 0);
}

#[sqlx::test]
async fn an_administrator_imports_commune_populations_and_a_bad_file_changes_nothing(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("quantri", "admin", "01").await;
    t.user("thanhtri", "district", "020").await;
    let mut admin = t.signed_in("quantri").await;
    let before = t.audit_count().await;
    // A bad line: nothing is stored, every bad line is named.
    let r = admin
        .upload(
            "/areas/020",
            "/areas/020/populations",
            &[],
            "mã,dân số\n00682,12.345\n00679,nhiều\n00685,100,200\n",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text
            .contains("Dòng 3: số dân không phải số nguyên không âm")
    );
    assert!(
        r.text
            .contains("Dòng 4: số người từ 18 tuổi lớn hơn dân số")
    );
    // A code outside the district refuses the whole file.
    let r = admin
        .upload(
            "/areas/020",
            "/areas/020/populations",
            &[],
            "code,population\n00682,12345\n00001,5\n",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text.contains("Mã không thuộc địa bàn này: 00001"),
        "{}",
        r.text
    );
    assert_eq!(t.audit_count().await, before);
    assert_eq!(
        count(
            &t.db,
            "select count(*) from areas where code = '00682' and population is not null"
        )
        .await,
        0
    );
    // A good file: stored, audited, shown.
    let r = admin
        .upload(
            "/areas/020",
            "/areas/020/populations",
            &[],
            "code;population;adult_population\n00682;12.345;9.000\n00679;8000\n",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(t.audit_count().await, before + 2);
    let (pop, adults): (Option<i64>, Option<i64>) =
        sqlx::query_as("select population, adult_population from areas where code = '00682'")
            .fetch_one(&t.db)
            .await
            .unwrap();
    assert_eq!((pop, adults), (Some(12_345), Some(9_000)));
    assert!(admin.get("/areas/00682").await.text.contains("12.345"));
    // Only an administrator may.
    let mut chair = t.signed_in("thanhtri").await;
    let r = chair
        .upload(
            "/areas/020",
            "/areas/020/populations",
            &[],
            "code,population\n00682,1\n",
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[sqlx::test]
async fn whoami_names_the_signed_in_user_and_nobody_else(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("thanhtri", "district", "020").await;
    let mut anon = t.browser();
    assert_ne!(anon.get("/whoami").await.status, StatusCode::OK);
    let mut b = t.signed_in("thanhtri").await;
    let r = b.get("/whoami").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.json(),
        serde_json::json!({"username": "thanhtri", "role": "district", "area_code": "020"})
    );
}
