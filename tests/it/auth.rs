//! Sign-in, sessions, CSRF, rate limits, tokens and security headers,
//! against a real PostgreSQL.

use crate::common::{PASSWORD, TestApp};
use axum::http::{StatusCode, header};
use chrono::Duration;
use sqlx::PgPool;
use vungxanh::{AppState, Config, router};

#[sqlx::test]
async fn a_commune_official_signs_in_lands_on_their_commune_and_signs_out(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("lienninh", "commune", "00682").await;
    let mut b = t.browser();
    let r = b.sign_in("LienNinh", PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.location(), "/");
    let home = b.get("/").await;
    assert_eq!(home.location(), "/areas/00682");
    let page = b.get("/areas/00682").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Xã Liên Ninh") && page.text.contains("Đăng nhập: lienninh"));

    let out = b.post("/areas/00682", "/sign-out", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), "/sign-in");
    assert!(b.get("/sign-in").await.text.contains("Bạn đã đăng xuất."));
    let after = b.get("/areas/00682").await;
    assert_eq!(
        after.status,
        StatusCode::SEE_OTHER,
        "signed out means signed out"
    );
    let actions: Vec<String> =
        sqlx::query_scalar("select action from audit_log where entity = 'session' order by id")
            .fetch_all(&t.db)
            .await
            .unwrap();
    assert_eq!(actions, vec!["sign_in", "sign_out"]);
}

#[sqlx::test]
async fn sign_in_goes_back_to_the_page_asked_for_but_never_off_site(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("thanhtri", "district", "020").await;
    let mut b = t.browser();
    let r = b
        .post(
            "/sign-in?next=/areas/00682",
            "/sign-in",
            &[
                ("username", "thanhtri"),
                ("password", PASSWORD),
                ("next", "/areas/00682"),
            ],
        )
        .await;
    assert_eq!(r.location(), "/areas/00682");
    let mut b = t.browser();
    let r = b
        .post(
            "/sign-in",
            "/sign-in",
            &[
                ("username", "thanhtri"),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(r.location(), "/");
}

#[sqlx::test]
async fn a_wrong_password_is_refused_in_vietnamese_and_the_username_is_kept(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("lienninh", "commune", "00682").await;
    let mut b = t.browser();
    let r = b.sign_in("lienninh", "không phải mật khẩu").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.text.contains("Tên đăng nhập hoặc mật khẩu không đúng."));
    assert!(r.text.contains(r#"value="lienninh""#));
    let r = b.sign_in("khongco", "không phải mật khẩu").await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "an unknown user gets the same answer"
    );
    assert!(r.text.contains("Tên đăng nhập hoặc mật khẩu không đúng."));
}

#[sqlx::test]
async fn the_session_id_changes_at_sign_in_and_its_cookie_is_http_only_and_same_site(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("lienninh", "commune", "00682").await;
    let mut b = t.browser();
    let form = b.get("/sign-in").await;
    let set = form
        .headers
        .get(header::SET_COOKIE)
        .expect("session cookie")
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    assert!(!set.contains("Secure"), "plain http in tests");
    let before = b.cookie("vx_session").unwrap();
    let csrf = form.csrf();
    b.post_raw(
        "/sign-in",
        &[
            ("csrf", &csrf),
            ("username", "lienninh"),
            ("password", PASSWORD),
        ],
    )
    .await;
    let after = b.cookie("vx_session").unwrap();
    assert_ne!(
        before, after,
        "the id planted before sign-in is not the signed-in one"
    );
    // The old id is no longer a session at all.
    let old_rows: i64 =
        sqlx::query_scalar("select count(*) from tower_sessions.session where id = $1")
            .bind(&before)
            .fetch_one(&t.db)
            .await
            .unwrap();
    assert_eq!(old_rows, 0);
}

#[sqlx::test]
async fn session_cookies_are_secure_when_served_over_https(db: PgPool) {
    let mut config = Config::for_tests();
    config.public_url = "https://vungxanh.hanoi.gov.vn".into();
    let t = TestApp::with_config(db, config).await;
    let mut b = t.browser();
    let form = b.get("/sign-in").await;
    let set = form
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(set.contains("Secure"), "{set}");
}

#[sqlx::test]
async fn a_form_without_its_csrf_token_is_refused_and_nothing_is_written(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("quantri", "admin", "01").await;
    let mut b = t.signed_in("quantri").await;
    let before = t.audit_count().await;
    let r = b
        .post_raw("/areas/020/population", &[("population", "1")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.text.contains("Biểu mẫu đã hết hạn hoặc không hợp lệ"),
        "{}",
        r.text
    );
    let r = b
        .post_raw(
            "/areas/020/population",
            &[("csrf", "sai"), ("population", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let pop = || async {
        sqlx::query_scalar::<_, Option<i64>>("select population from areas where code = '020'")
            .fetch_one(&t.db)
            .await
            .unwrap()
    };
    let shipped = pop().await;
    assert!(shipped.is_some_and(|p| p != 1), "the census figure stays");
    assert_eq!(t.audit_count().await, before);
    // With the token from the page it goes through.
    let r = b
        .post(
            "/areas/020",
            "/areas/020/population",
            &[("population", "288.270")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(b.get("/areas/020").await.text.contains("288.270"));
    assert_eq!(t.audit_count().await, before + 1);
}

#[sqlx::test]
async fn a_bad_population_comes_back_with_the_error_beside_the_field_and_the_input_kept(
    db: PgPool,
) {
    let t = TestApp::new(db).await;
    t.user("quantri", "admin", "01").await;
    let mut b = t.signed_in("quantri").await;
    let before = t.audit_count().await;
    let r = b
        .post(
            "/areas/020",
            "/areas/020/population",
            &[("population", "hai trăm")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("Phải là số nguyên không âm."));
    assert!(r.text.contains(r#"value="hai trăm""#));
    assert_eq!(t.audit_count().await, before);
}

#[sqlx::test]
async fn sign_in_is_rate_limited_per_account_even_with_the_right_password(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("lienninh", "commune", "00682").await;
    let mut b = t.browser();
    for _ in 0..5 {
        assert_eq!(
            b.sign_in("lienninh", "đoán-sai-mật-khẩu").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let r = b.sign_in("lienninh", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        r.text
            .contains("Đăng nhập sai quá nhiều lần. Xin thử lại sau 15 phút."),
        "{}",
        r.text
    );
    // The API shares the limit.
    let r = t
        .api(
            "POST",
            "/api/v1/auth/token",
            None,
            Some(serde_json::json!({"username": "lienninh", "password": PASSWORD})),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.json()["error"]["code"], "rate_limited");
    assert_eq!(r.headers.get(header::RETRY_AFTER).unwrap(), "900");
    // Once the window has passed, the right password works again.
    t.clock.set(t.clock.now() + Duration::minutes(16));
    assert_eq!(
        b.sign_in("lienninh", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[sqlx::test]
async fn sign_in_is_rate_limited_per_address_across_accounts(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("lienninh", "commune", "00682").await;
    let mut b = t.browser();
    // 20 failures spread over 5 names, 4 each: no account reaches its own limit.
    for i in 0..20 {
        let name = format!("nguoi{}", i % 5);
        assert_eq!(
            b.sign_in(&name, "sai-mật-khẩu-rồi").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        b.sign_in("lienninh", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[sqlx::test]
async fn an_api_token_works_until_it_is_revoked(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("thanhtri", "district", "020").await;
    let token = t.token("thanhtri").await;
    let stored: Vec<u8> = sqlx::query_scalar("select token_hash from api_tokens")
        .fetch_one(&t.db)
        .await
        .unwrap();
    assert_ne!(stored, token.as_bytes(), "only a hash is stored");
    assert_eq!(
        t.api("GET", "/api/v1/areas/020", Some(&token), None)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        t.api("DELETE", "/api/v1/auth/token", Some(&token), None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let r = t.api("GET", "/api/v1/areas/020", Some(&token), None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["error"]["code"], "unauthorized");
    let r = t
        .api("GET", "/api/v1/areas/020", Some("vx_gia-mao"), None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = t.api("GET", "/api/v1/areas/020", None, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test]
async fn an_api_token_expires(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("thanhtri", "district", "020").await;
    let token = t.token("thanhtri").await;
    let r = t
        .api(
            "POST",
            "/api/v1/auth/token",
            None,
            Some(serde_json::json!({"username": "thanhtri", "password": PASSWORD})),
        )
        .await;
    let expires =
        chrono::DateTime::parse_from_rfc3339(r.json()["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!(expires, t.clock.now() + Duration::days(30));
    t.clock.set(t.clock.now() + Duration::days(31));
    assert_eq!(
        t.api("GET", "/api/v1/areas/020", Some(&token), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[sqlx::test]
async fn the_api_does_not_take_a_browser_session(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("thanhtri", "district", "020").await;
    let mut b = t.signed_in("thanhtri").await;
    let r = b.get("/api/v1/areas/020").await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "cookies would need CSRF protection"
    );
}

#[sqlx::test]
async fn a_disabled_user_is_signed_out_cannot_sign_in_and_loses_their_tokens(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("quantri", "admin", "01").await;
    let id = t.user("lienninh", "commune", "00682").await;
    let mut official = t.signed_in("lienninh").await;
    let token = t.token("lienninh").await;
    let mut admin = t.signed_in("quantri").await;
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
        official.get("/areas/00682").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        t.browser().sign_in("lienninh", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        t.api("GET", "/api/v1/areas/00682", Some(&token), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[sqlx::test]
async fn a_session_ends_twelve_hours_after_sign_in_whatever_the_activity(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("lienninh", "commune", "00682").await;
    let mut b = t.signed_in("lienninh").await;
    t.clock.set(t.clock.now() + Duration::hours(11));
    assert_eq!(b.get("/areas/00682").await.status, StatusCode::OK);
    t.clock.set(t.clock.now() + Duration::hours(2));
    let r = b.get("/areas/00682").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/sign-in"));
}

#[sqlx::test]
async fn a_session_works_on_another_copy_of_the_web_tier(db: PgPool) {
    let t = TestApp::new(db.clone()).await;
    t.user("lienninh", "commune", "00682").await;
    let b = t.signed_in("lienninh").await;
    // A second copy shares nothing with the first but the database.
    let other = router(AppState::new(db, Config::for_tests(), t.clock.clone()));
    let req = axum::http::Request::get("/areas/00682")
        .header(
            header::COOKIE,
            format!("vx_session={}", b.cookie("vx_session").unwrap()),
        )
        .body(axum::body::Body::empty())
        .unwrap();
    let res = tower::ServiceExt::oneshot(other, req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[sqlx::test]
async fn every_response_carries_the_security_headers(db: PgPool) {
    let t = TestApp::new(db).await;
    let mut b = t.browser();
    for path in ["/sign-in", "/khong-co", "/healthz"] {
        let r = b.get(path).await;
        let h = |n: &str| {
            r.headers
                .get(n)
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default()
        };
        let csp = h("content-security-policy");
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(h("x-frame-options"), "DENY", "{path}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(h("referrer-policy"), "same-origin", "{path}");
    }
}

#[sqlx::test]
async fn text_from_users_comes_back_escaped(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("thanhpho", "city", "01").await;
    let mut b = t.signed_in("thanhpho").await;
    let r = b
        .get("/areas/01?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.text.contains("<script>alert(1)</script>"));
    assert!(
        r.text.contains("&#60;script&#62;") || r.text.contains("&lt;script&gt;"),
        "escaped"
    );
}

#[sqlx::test]
async fn a_user_changes_their_own_password_and_every_session_and_token_of_theirs_ends(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("lienninh", "commune", "00682").await;
    let mut b = t.signed_in("lienninh").await;
    let mut elsewhere = t.signed_in("lienninh").await;
    let token = t.token("lienninh").await;
    let page = b.get("/account").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("Đổi mật khẩu"));
    let audit = t.audit_count().await;
    let good = "rau muống xào tỏi 2021";
    // Refused, each with its reason beside its field, and nothing changes.
    for (current, new, repeat, said) in [
        (
            "sai-mật-khẩu-rồi",
            good,
            good,
            "Mật khẩu hiện tại không đúng",
        ),
        (
            PASSWORD,
            "1234567890",
            "1234567890",
            "mười nghìn mật khẩu phổ biến",
        ),
        (
            PASSWORD,
            "Liên Ninh 2021!",
            "Liên Ninh 2021!",
            "tên đăng nhập",
        ),
        (PASSWORD, good, "rau muống xào tỏi", "không khớp"),
    ] {
        let r = b
            .post(
                "/account",
                "/account/password",
                &[("current", current), ("new", new), ("repeat", repeat)],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{said}");
        assert!(r.text.contains(said), "{said}: {}", r.text);
    }
    assert_eq!(t.audit_count().await, audit, "nothing written");
    // Changed: every session ends, this one too, and the token is revoked.
    let r = b
        .post(
            "/account",
            "/account/password",
            &[("current", PASSWORD), ("new", good), ("repeat", good)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.location(), "/sign-in?changed=1");
    assert!(
        b.get("/sign-in?changed=1")
            .await
            .text
            .contains("Đã đổi mật khẩu")
    );
    assert_eq!(t.audit_count().await, audit + 1, "the change is audited");
    assert!(
        b.get("/areas/00682")
            .await
            .location()
            .starts_with("/sign-in")
    );
    assert!(
        elsewhere
            .get("/areas/00682")
            .await
            .location()
            .starts_with("/sign-in")
    );
    let r = t
        .api("GET", "/api/v1/areas/00682", Some(&token), None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // The old password no longer opens the account; the new one does.
    let mut again = t.browser();
    assert_eq!(
        again.sign_in("lienninh", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        again.sign_in("lienninh", good).await.status,
        StatusCode::SEE_OTHER
    );
}

#[sqlx::test]
async fn signing_out_everywhere_ends_the_sessions_on_other_devices_and_the_tokens(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("lienninh", "commune", "00682").await;
    let mut here = t.signed_in("lienninh").await;
    let mut shared_computer = t.signed_in("lienninh").await;
    let token = t.token("lienninh").await;
    let r = here
        .post("/account", "/account/sign-out-everywhere", &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(
        shared_computer
            .get("/areas/00682")
            .await
            .location()
            .starts_with("/sign-in"),
        "the forgotten session is over"
    );
    let r = t
        .api("GET", "/api/v1/areas/00682", Some(&token), None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Without the form's CSRF token nothing happens.
    let mut other = t.signed_in("lienninh").await;
    let r = other.post_raw("/account/sign-out-everywhere", &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(other.get("/areas/00682").await.status, StatusCode::OK);
}

#[sqlx::test]
async fn the_account_page_lists_where_the_user_is_signed_in_until_they_sign_out(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("lienninh", "commune", "00682").await;
    t.user("tuhiep", "commune", "00685").await;
    let mut phone = t.signed_in("lienninh").await;
    let mut desk = t.signed_in("lienninh").await;
    let _someone_else = t.signed_in("tuhiep").await;
    let page = desk.get("/account").await.text;
    let rows = page.matches("<tr><td>").count();
    assert_eq!(rows, 2, "both of mine and nobody else's: {page}");
    assert_eq!(page.matches("(phiên này)").count(), 1, "this one marked");
    // Signing out on the phone takes it off the list.
    let r = phone.post("/account", "/sign-out", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = desk.get("/account").await.text;
    assert_eq!(page.matches("<tr><td>").count(), 1, "{page}");
    // Signing out everywhere empties it; a new sign-in is the only one.
    let r = desk
        .post("/account", "/account/sign-out-everywhere", &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let mut again = t.signed_in("lienninh").await;
    let page = again.get("/account").await.text;
    assert_eq!(page.matches("<tr><td>").count(), 1, "{page}");
}
