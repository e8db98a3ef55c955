//! The change feed: sessions, users and the city's stamp served from
//! memory, and still exact when they change here or in another process.

use axum::http::StatusCode;
use sqlx::PgPool;

use crate::common::{PASSWORD, TestApp};

async fn setup(db: PgPool) -> TestApp {
    let t = TestApp::listening(db).await;
    t.user("quantri", "admin", "01").await;
    t.user("lienninh", "commune", "00682").await;
    t.user("thanhpho", "city", "01").await;
    t
}

fn total(page: &str) -> i64 {
    let at = page
        .find(r#"id="f0-total">"#)
        .expect("the total on the page")
        + 14;
    let end = page[at..].find('<').unwrap() + at;
    page[at..end].replace('.', "").parse().unwrap()
}

#[sqlx::test]
async fn a_signed_in_page_keeps_the_user_and_the_city_stamp_in_memory(db: PgPool) {
    let t = setup(db).await;
    let id: i64 = sqlx::query_scalar("select id from users where username = 'thanhpho'")
        .fetch_one(&t.db)
        .await
        .unwrap();
    let mut b = t.signed_in("thanhpho").await;
    assert_eq!(b.get("/areas/01").await.status, StatusCode::OK);
    let kept = t.state.feed.user(id).expect("the user kept after a page");
    assert_eq!(kept.0.username, "thanhpho");
    let stamp: i64 = sqlx::query_scalar("select stamp from city_stamps where city_code = '01'")
        .fetch_one(&t.db)
        .await
        .unwrap();
    assert_eq!(t.state.feed.stamp("01"), Some(stamp));
}

#[sqlx::test]
async fn a_case_written_outside_the_web_shows_once_the_feed_has_heard_it(db: PgPool) {
    let t = setup(db).await;
    let mut b = t.signed_in("thanhpho").await;
    assert_eq!(total(&b.get("/areas/01").await.text), 0);
    // As the command line or another tool would: straight into PostgreSQL.
    sqlx::query(
        "insert into cases (case_code, city_code, district_code, commune_code, detected_on, detected_in, status, status_on, created_at, updated_at)
         values ('BN9', '01', '020', '00682', '2021-08-01', 'community', 'treating', '2021-08-01', now(), now())",
    )
    .execute(&t.db)
    .await
    .unwrap();
    t.state.feed.settle(&t.db).await.unwrap();
    assert_eq!(total(&b.get("/areas/01").await.text), 1);
}

#[sqlx::test]
async fn a_write_through_one_process_shows_on_the_next_page_from_another(db: PgPool) {
    let a = setup(db).await;
    let b_proc = a.another_process().await;
    let mut on_a = a.signed_in("lienninh").await;
    let mut on_b = b_proc.browser();
    on_b.cookies = on_a.cookies.clone();
    assert_eq!(total(&on_b.get("/areas/00682").await.text), 0);
    // The official's own write, through process A: the cookie A sets tells
    // B what A has seen, so B's next page shows it without waiting.
    let r = on_a
        .post(
            "/cases/new",
            "/cases",
            &[
                ("commune_code", "00682"),
                ("case_code", "BN2"),
                ("detected_on", "2021-08-01"),
                ("detected_in", "community"),
                ("status", "treating"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(on_a.cookie("vx_seen").is_some(), "a write leaves its stamp");
    on_b.cookies = on_a.cookies.clone();
    assert_eq!(total(&on_b.get("/areas/00682").await.text), 1);
    assert_eq!(total(&on_a.get("/areas/00682").await.text), 1);
}

#[sqlx::test]
async fn signing_out_in_one_process_ends_the_session_in_another(db: PgPool) {
    let a = setup(db).await;
    let b_proc = a.another_process().await;
    let mut on_a = a.signed_in("lienninh").await;
    let mut on_b = b_proc.browser();
    on_b.cookies = on_a.cookies.clone();
    assert_eq!(on_b.get("/areas/00682").await.status, StatusCode::OK);
    let stolen = on_a.cookies.clone();
    let out = on_a.post("/areas/00682", "/sign-out", &[]).await;
    assert_eq!(out.location(), "/sign-in");
    // The same process forgets at once.
    on_a.cookies = stolen.clone();
    assert_eq!(on_a.get("/areas/00682").await.status, StatusCode::SEE_OTHER);
    b_proc.state.feed.settle(&b_proc.db).await.unwrap();
    on_b.cookies = stolen;
    let r = on_b.get("/areas/00682").await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "the ended session is refused"
    );
    assert!(r.location().starts_with("/sign-in"));
}

#[sqlx::test]
async fn a_disabled_user_is_refused_here_at_once_and_in_another_process_once_heard(db: PgPool) {
    let a = setup(db).await;
    let b_proc = a.another_process().await;
    let id: i64 = sqlx::query_scalar("select id from users where username = 'lienninh'")
        .fetch_one(&a.db)
        .await
        .unwrap();
    let mut official_a = a.signed_in("lienninh").await;
    let mut official_b = b_proc.browser();
    official_b.cookies = official_a.cookies.clone();
    assert_eq!(official_a.get("/areas/00682").await.status, StatusCode::OK);
    assert_eq!(official_b.get("/areas/00682").await.status, StatusCode::OK);
    assert!(b_proc.state.feed.user(id).is_some(), "kept in B's memory");
    let mut admin = a.signed_in("quantri").await;
    admin
        .save_user(
            id,
            &[
                ("display_name", "Cán bộ cũ"),
                ("role", "commune"),
                ("area_code", "00682"),
                ("disabled", "on"),
            ],
        )
        .await;
    assert_eq!(
        official_a.get("/areas/00682").await.status,
        StatusCode::SEE_OTHER
    );
    b_proc.state.feed.settle(&b_proc.db).await.unwrap();
    assert_eq!(
        official_b.get("/areas/00682").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        a.browser().sign_in("lienninh", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[sqlx::test]
async fn an_area_renamed_outside_the_web_shows_its_new_name_once_heard(db: PgPool) {
    let t = setup(db).await;
    let mut b = t.signed_in("thanhpho").await;
    assert!(b.get("/areas/00682").await.text.contains("Xã Liên Ninh"));
    sqlx::query("update areas set name = 'Xã Liên Ninh Mới' where code = '00682'")
        .execute(&t.db)
        .await
        .unwrap();
    t.state.feed.settle(&t.db).await.unwrap();
    let page = b.get("/areas/00682").await.text;
    assert!(
        page.contains("Xã Liên Ninh Mới"),
        "the new name from the tree kept in memory"
    );
    let mut official = t.signed_in("lienninh").await;
    assert!(
        official
            .get("/areas/00682")
            .await
            .text
            .contains("Xã Liên Ninh Mới")
    );
}
