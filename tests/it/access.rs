//! The access matrix of DESIGN §4: every write route × every role × own
//! area / another area, with the status and whether anything was written.

use crate::common::{PASSWORD, TestApp};
use axum::http::StatusCode;
use sqlx::PgPool;

/// One person per role, with their own area and an area that is not theirs.
const PEOPLE: [(&str, &str, &str, &str); 4] = [
    // username, role, own area, another area
    ("lienninh", "commune", "00682", "00685"),
    ("thanhtri", "district", "020", "001"),
    ("thanhpho", "city", "01", "020"),
    ("quantri", "admin", "01", "020"),
];

async fn setup(db: PgPool) -> TestApp {
    let t = TestApp::new(db).await;
    for (u, role, area, _) in PEOPLE {
        t.user(u, role, area).await;
    }
    t
}

async fn population(t: &TestApp, code: &str) -> Option<i64> {
    sqlx::query_scalar("select population from areas where code = $1")
        .bind(code)
        .fetch_one(&t.db)
        .await
        .unwrap()
}

async fn users(t: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from users")
        .fetch_one(&t.db)
        .await
        .unwrap()
}

#[sqlx::test]
async fn only_an_administrator_edits_a_population_in_any_area(db: PgPool) {
    let t = setup(db).await;
    for (who, role, own, other) in PEOPLE {
        let mut b = t.signed_in(who).await;
        for (target, n) in [(own, "1234"), (other, "5678")] {
            let before_audit = t.audit_count().await;
            let before = population(&t, target).await;
            let r = b
                .post(
                    &format!("/areas/{own}"),
                    &format!("/areas/{target}/population"),
                    &[("population", n)],
                )
                .await;
            if role == "admin" {
                assert_eq!(r.status, StatusCode::SEE_OTHER, "{who} on {target}");
                assert_eq!(population(&t, target).await, Some(n.parse().unwrap()));
                assert_eq!(t.audit_count().await, before_audit + 1);
            } else {
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} on {target}");
                assert!(
                    r.text.contains("Bạn không có quyền"),
                    "a clear page for {who}"
                );
                assert_eq!(
                    population(&t, target).await,
                    before,
                    "{who} wrote to {target}"
                );
                assert_eq!(t.audit_count().await, before_audit);
            }
        }
    }
}

#[sqlx::test]
async fn only_an_administrator_creates_users_through_the_page_or_the_api(db: PgPool) {
    let t = setup(db).await;
    for (i, (who, role, own, other)) in PEOPLE.into_iter().enumerate() {
        let mut b = t.signed_in(who).await;
        let token = t.token(who).await;
        for (j, area) in [own, other].into_iter().enumerate() {
            // A commune user for the area's level would be refused for level anyway;
            // ask for a user the area's own level fits.
            let new_role = match area.len() {
                5 => "commune",
                3 => "district",
                _ => "city",
            };
            let name = format!("moi{i}{j}");
            let before = (users(&t).await, t.audit_count().await);
            let r = b
                .post(
                    &format!("/areas/{own}"),
                    "/admin/users",
                    &[
                        ("username", &name),
                        ("password", PASSWORD),
                        ("role", new_role),
                        ("area_code", area),
                    ],
                )
                .await;
            let api_name = format!("api{i}{j}");
            let a = t
                .api(
                    "POST",
                    "/api/v1/users",
                    Some(&token),
                    Some(serde_json::json!({"username": api_name, "password": PASSWORD, "role": new_role, "area_code": area})),
                )
                .await;
            if role == "admin" {
                assert_eq!(r.status, StatusCode::SEE_OTHER, "{who}: {}", r.text);
                assert_eq!(a.status, StatusCode::CREATED, "{who}: {}", a.text);
                assert_eq!(a.json()["username"], api_name);
                assert_eq!(users(&t).await, before.0 + 2);
                // create_user ×2 and the token issue before the loop are audited.
                assert_eq!(t.audit_count().await, before.1 + 2);
            } else {
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
                assert_eq!(a.status, StatusCode::FORBIDDEN, "{who}");
                assert_eq!(a.json()["error"]["code"], "forbidden");
                assert_eq!(users(&t).await, before.0, "{who} created a user");
                assert_eq!(t.audit_count().await, before.1);
            }
        }
    }
}

#[sqlx::test]
async fn only_an_administrator_reassigns_or_disables_a_user(db: PgPool) {
    let t = setup(db).await;
    let target = t.user("canbo", "commune", "00682").await;
    for (who, role, own, other) in PEOPLE {
        let mut b = t.signed_in(who).await;
        for area in [own, other] {
            let new_area = if area.len() == 5 { area } else { "00685" };
            let before: (String, i64) = sqlx::query_as(
                "select area_code, (select count(*) from audit_log) from users where id = $1",
            )
            .bind(target)
            .fetch_one(&t.db)
            .await
            .unwrap();
            let r = b
                .post(
                    &format!("/areas/{own}"),
                    &format!("/admin/users/{target}"),
                    &[
                        ("display_name", "Cán bộ"),
                        ("role", "commune"),
                        ("area_code", new_area),
                    ],
                )
                .await;
            let after: (String, i64) = sqlx::query_as(
                "select area_code, (select count(*) from audit_log) from users where id = $1",
            )
            .bind(target)
            .fetch_one(&t.db)
            .await
            .unwrap();
            if role == "admin" {
                assert_eq!(r.status, StatusCode::SEE_OTHER, "{who}: {}", r.text);
                assert_eq!(after.0, new_area);
                assert_eq!(after.1, before.1 + 1);
            } else {
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
                assert_eq!(after, before, "{who} changed the user");
            }
        }
    }
}

#[sqlx::test]
async fn each_role_reads_only_its_own_jurisdiction(db: PgPool) {
    let t = setup(db).await;
    // (who, area, may read)
    let cases = [
        ("lienninh", "00682", true),
        ("lienninh", "00685", false),
        ("lienninh", "020", false),
        ("lienninh", "01", false),
        ("thanhtri", "020", true),
        ("thanhtri", "00682", true),
        ("thanhtri", "001", false),
        ("thanhtri", "00001", false),
        ("thanhtri", "01", false),
        ("thanhpho", "01", true),
        ("thanhpho", "00001", true),
        ("quantri", "020", true),
    ];
    for (who, _, _, _) in PEOPLE {
        let mut b = t.signed_in(who).await;
        let token = t.token(who).await;
        for (w, area, ok) in cases.iter().filter(|c| c.0 == who) {
            let want = if *ok {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(
                b.get(&format!("/areas/{area}")).await.status,
                want,
                "{w} page {area}"
            );
            let api = t
                .api("GET", &format!("/api/v1/areas/{area}"), Some(&token), None)
                .await;
            assert_eq!(api.status, want, "{w} api {area}");
        }
    }
}

#[sqlx::test]
async fn only_an_administrator_sees_the_user_pages(db: PgPool) {
    let t = setup(db).await;
    for (who, role, _, _) in PEOPLE {
        let mut b = t.signed_in(who).await;
        for path in ["/admin/users", "/admin/users/new", "/admin/users/1"] {
            let want = if role == "admin" {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(b.get(path).await.status, want, "{who} {path}");
        }
    }
}

#[sqlx::test]
async fn the_audit_page_shows_each_reader_only_their_jurisdiction(db: PgPool) {
    let t = setup(db).await;
    // Users created in setup are audited against their areas: 00682, 020, 01, 01.
    let mut commune = t.signed_in("lienninh").await;
    let page = commune.get("/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Xã Liên Ninh"));
    assert!(
        !page.text.contains("Huyện Thanh Trì</td>"),
        "the district's own rows are not the commune's"
    );
    assert_eq!(
        commune.get("/audit?area=020").await.status,
        StatusCode::FORBIDDEN
    );
    let mut district = t.signed_in("thanhtri").await;
    let page = district.get("/audit?area=00682").await;
    assert!(page.text.contains("Xã Liên Ninh"));
    assert_eq!(
        district.get("/audit?area=001").await.status,
        StatusCode::FORBIDDEN
    );
    let mut city = t.signed_in("thanhpho").await;
    let page = city.get("/audit?user=system:test").await;
    assert!(page.text.contains("Thành phố Hà Nội") && page.text.contains("Huyện Thanh Trì"));
}

#[sqlx::test]
async fn a_user_form_with_mistakes_comes_back_with_errors_in_place_and_input_kept(db: PgPool) {
    let t = setup(db).await;
    let mut b = t.signed_in("quantri").await;
    let before = users(&t).await;
    let r = b
        .post(
            "/admin/users/new",
            "/admin/users",
            &[
                ("username", "Cán Bộ"),
                ("display_name", "Nguyễn Văn A"),
                ("password", "ngắn"),
                ("role", "district"),
                ("area_code", "00682"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("Chỉ gồm chữ thường không dấu"));
    assert!(r.text.contains("Mật khẩu phải có ít nhất 10 ký tự."));
    assert!(
        r.text
            .contains("Vai trò này phải gắn với địa bàn cấp district.")
    );
    assert!(r.text.contains(r#"value="Nguyễn Văn A""#));
    assert!(r.text.contains(r#"value="00682""#));
    assert_eq!(users(&t).await, before);
    // A taken username is a field error on the page and a 409 in the API.
    let r = b
        .post(
            "/admin/users/new",
            "/admin/users",
            &[
                ("username", "lienninh"),
                ("password", PASSWORD),
                ("role", "commune"),
                ("area_code", "00682"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("Tên đăng nhập đã có người dùng."));
    let token = t.token("quantri").await;
    let a = t
        .api("POST", "/api/v1/users", Some(&token), Some(serde_json::json!({"username": "lienninh", "password": PASSWORD, "role": "commune", "area_code": "00682"})))
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert_eq!(
        a.json()["error"]["fields"]["username"],
        "Tên đăng nhập đã có người dùng."
    );
    assert_eq!(users(&t).await, before);
}
