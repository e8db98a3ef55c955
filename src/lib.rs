//! Vùng Xanh: a dashboard for the COVID-19 command centres of a city, its
//! districts and its communes. See DESIGN.md for the product.

pub mod api;
pub mod areas;
pub mod audit;
pub mod auth;
pub mod clock;
pub mod config;
pub mod dashboard;
pub mod db;
pub mod demo;
pub mod error;
pub mod forms;
pub mod i18n;
pub mod pg;
pub mod records;
pub mod synth;
pub mod users;
pub mod web;
pub mod zone;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use sqlx::PgPool;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

pub use clock::Clock;
pub use config::Config;

/// What every handler can reach. Holds no request state: sessions and
/// everything else live in PostgreSQL, so several copies can run.
#[derive(Clone)]
pub struct AppState {
    /// The database pool.
    pub db: PgPool,
    /// Configuration.
    pub config: Arc<Config>,
    /// The clock ("now" comes from here).
    pub clock: Clock,
    /// Dashboards computed, checked against the database on every use.
    pub boards: Arc<dashboard::BoardCache>,
}

impl AppState {
    /// State over a pool, with the given configuration and clock.
    pub fn new(db: PgPool, config: Config, clock: Clock) -> Self {
        Self {
            db,
            config: Arc::new(config),
            clock,
            boards: Arc::default(),
        }
    }
}

/// Largest request body accepted anywhere (a CSV import stays well below).
const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The whole application as a router, so tests can call it without a socket.
pub fn router(state: AppState) -> Router {
    let sessions = SessionManagerLayer::new(PostgresStore::new(state.db.clone()))
        .with_name("vx_session")
        .with_http_only(true)
        .with_same_site(tower_sessions::cookie::SameSite::Lax)
        .with_secure(state.config.secure_cookies())
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::minutes(state.config.session_idle_minutes),
        ));
    let files = state.config.files_dir.clone();
    let mut app = Router::new()
        .route("/", get(home))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/static/style.css", get(style))
        .route("/static/refresh.js", get(refresh_js))
        .route("/lang/{code}", get(web::switch_lang))
        .merge(auth::pages::router())
        .merge(areas::router())
        .merge(users::router())
        .merge(audit::router())
        .merge(records::router())
        .nest("/api/v1", api::router())
        .fallback(|| async { error::AppError::NotFound })
        .layer(sessions);
    if let Some(dir) = files {
        app = app.nest_service("/files", tower_http::services::ServeDir::new(dir));
    }
    let mut app = app
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(axum::middleware::from_fn(error::render_errors));
    for (name, value) in web::security_headers() {
        app = app.layer(SetResponseHeaderLayer::overriding(name, value));
    }
    app.layer(TraceLayer::new_for_http()).with_state(state)
}

async fn home(user: Option<auth::CurrentUser>) -> Redirect {
    match user {
        Some(u) => Redirect::to(&format!("/areas/{}", u.area.code)),
        None => Redirect::to("/sign-in"),
    }
}

impl axum::extract::OptionalFromRequestParts<AppState> for auth::CurrentUser {
    type Rejection = error::AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        auth::CurrentUser::optional(parts, state).await
    }
}

async fn readyz(State(state): State<AppState>) -> Response {
    let check = tokio::time::timeout(
        Duration::from_secs(2),
        sqlx::query_scalar::<_, i32>("select 1").fetch_one(&state.db),
    )
    .await;
    match check {
        Ok(Ok(_)) => "ready".into_response(),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response(),
    }
}

async fn style() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/style.css"),
    )
}

async fn refresh_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/refresh.js"),
    )
}
