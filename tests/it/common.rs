//! What the integration tests share: the app over a fresh database with the
//! Hà Nội tree, users per role, and a small cookie-keeping client.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use chrono::{TimeZone, Utc};
use http_body_util::BodyExt;
use sqlx::PgPool;
use tower::ServiceExt;
use vungxanh::domain::account::UserInput;
use vungxanh::domain::area as areas;
use vungxanh::storage::areas as stored_areas;
use vungxanh::storage::audit::Actor;
use vungxanh::{AppState, Clock, Config, router};

pub const PASSWORD: &str = "mật-khẩu-thử-nghiệm";

/// The application over one test database.
pub struct TestApp {
    pub db: PgPool,
    pub clock: Clock,
    pub app: Router,
    pub state: AppState,
}

impl TestApp {
    /// The app with the Hà Nội tree loaded and the clock at 1 Aug 2021, 09:00 in Hà Nội.
    pub async fn new(db: PgPool) -> Self {
        Self::with_config(db, Config::for_tests()).await
    }

    pub async fn with_config(db: PgPool, config: Config) -> Self {
        // VX_TEST_LOG=error shows what the app logged (5xx details stay out of responses).
        if let Ok(filter) = std::env::var("VX_TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_test_writer()
                .try_init();
        }
        let clock = Clock::fixed(Utc.with_ymd_and_hms(2021, 8, 1, 2, 0, 0).unwrap());
        let tree = areas::parse_csv(areas::HANOI_CSV).expect("shipped tree");
        let mut tx = db.begin().await.unwrap();
        stored_areas::store(&mut tx, &tree, &Actor::system("test"), clock.now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let state = AppState::new(db.clone(), config, clock.clone());
        let app = router(state.clone());
        Self {
            db,
            clock,
            app,
            state,
        }
    }

    /// The app over a pool that follows `primary` among several hosts, as
    /// `serve` runs it: listening, with the primary watched.
    pub async fn following(
        db: PgPool,
        primary: std::sync::Arc<vungxanh::storage::primary::Primary>,
    ) -> Self {
        let mut t = Self::new(db).await;
        t.state = t.state.clone().following(&primary);
        t.app = router(t.state.clone());
        drop(tokio::spawn(primary.watch()));
        t.start_listening().await;
        t
    }

    /// The app as `serve` runs it: stamps, sessions and users from memory
    /// while the change feed listens (it listens when this returns).
    pub async fn listening(db: PgPool) -> Self {
        let app = Self::new(db).await;
        app.start_listening().await;
        app
    }

    /// Starts the change feed and waits until it listens.
    pub async fn start_listening(&self) {
        drop(self.state.listen());
        self.state.feed.ready().await;
    }

    /// A second web process over the same database, listening too.
    pub async fn another_process(&self) -> Self {
        let state = AppState::new(self.db.clone(), Config::for_tests(), self.clock.clone());
        let other = Self {
            db: self.db.clone(),
            clock: self.clock.clone(),
            app: router(state.clone()),
            state,
        };
        other.start_listening().await;
        other
    }

    /// Creates a user with [`PASSWORD`]; returns its id.
    pub async fn user(&self, username: &str, role: &str, area: &str) -> i64 {
        let input = UserInput {
            username: username.into(),
            display_name: format!("Người dùng {username}"),
            password: PASSWORD.into(),
            role: role.into(),
            area_code: area.into(),
            disabled: None,
        };
        vungxanh::storage::users::create_user(
            &self.db,
            &Actor::system("test"),
            self.clock.now(),
            &input,
        )
        .await
        .unwrap()
    }

    /// A browser with no cookies.
    pub fn browser(&self) -> Browser {
        Browser {
            app: self.app.clone(),
            cookies: Vec::new(),
        }
    }

    /// A browser signed in as `username`.
    pub async fn signed_in(&self, username: &str) -> Browser {
        let mut b = self.browser();
        let res = b.sign_in(username, PASSWORD).await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "sign-in of {username} failed: {}",
            res.text
        );
        b
    }

    /// Audit rows so far.
    pub async fn audit_count(&self) -> i64 {
        sqlx::query_scalar("select count(*) from audit_log")
            .fetch_one(&self.db)
            .await
            .unwrap()
    }

    /// Sends a raw request.
    pub async fn send(&self, req: Request<Body>) -> Reply {
        Reply::from(self.app.clone().oneshot(req).await.unwrap()).await
    }

    /// An API call with an optional bearer token and JSON body.
    pub async fn api(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        };
        self.send(req.unwrap()).await
    }

    /// A fresh API token for `username`.
    pub async fn token(&self, username: &str) -> String {
        let r = self
            .api(
                "POST",
                "/api/v1/auth/token",
                None,
                Some(serde_json::json!({"username": username, "password": PASSWORD})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.json()["token"].as_str().unwrap().to_string()
    }
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Reply {
    pub async fn from(res: axum::response::Response) -> Self {
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Self {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The CSRF token in the page's forms.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let i = self
            .text
            .find(marker)
            .unwrap_or_else(|| panic!("no CSRF field in: {}", self.text));
        let rest = &self.text[i + marker.len()..];
        rest[..rest.find('"').unwrap()].to_string()
    }
}

/// A client that keeps cookies, as a browser does.
pub struct Browser {
    app: Router,
    pub cookies: Vec<(String, String)>,
}

impl Browser {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&mut self, req: Request<Body>) -> Reply {
        let res = self.app.clone().oneshot(req).await.unwrap();
        for v in res.headers().get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let (kv, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = kv.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != k);
            let expired = attrs.contains("Max-Age=0") || attrs.contains("1970");
            if !expired {
                self.cookies.push((k.to_string(), val.to_string()));
            }
        }
        Reply::from(res).await
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        let req = Request::get(path)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// The body of a GET as bytes (a download that is not text).
    pub async fn get_bytes(&mut self, path: &str) -> Vec<u8> {
        let req = Request::get(path)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        let res = self.app.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        res.into_body().collect().await.unwrap().to_bytes().to_vec()
    }

    /// Posts a form as is (no CSRF token added).
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let req = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Posts a form with the CSRF token of the page at `form_page`, as a
    /// person filling that form would.
    pub async fn post(&mut self, form_page: &str, path: &str, fields: &[(&str, &str)]) -> Reply {
        let page = self.get(form_page).await;
        let csrf = page.csrf();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Saves the account form of user `id` with `fields`, as an
    /// administrator would; the form answers 303.
    pub async fn save_user(&mut self, id: i64, fields: &[(&str, &str)]) {
        let path = format!("/admin/users/{id}");
        let r = self.post(&path, &path, fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    }

    /// Uploads `file` (as `file`, a CSV) with `fields` and the CSRF token
    /// of the page at `form_page`, as a multipart form.
    pub async fn upload(
        &mut self,
        form_page: &str,
        path: &str,
        fields: &[(&str, &str)],
        file: &str,
    ) -> Reply {
        let csrf = self.get(form_page).await.csrf();
        let boundary = "vxboundary7d2f";
        let mut body = String::new();
        for (k, v) in std::iter::once(&("csrf", csrf.as_str())).chain(fields) {
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
            ));
        }
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
        ));
        let req = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    pub async fn sign_in(&mut self, username: &str, password: &str) -> Reply {
        self.post(
            "/sign-in",
            "/sign-in",
            &[("username", username), ("password", password)],
        )
        .await
    }
}
