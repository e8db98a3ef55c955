//! The web layer: extractors, pages, the JSON API, error rendering and the
//! router. It may use every layer below it; nothing below uses it.

pub mod account;
pub mod alerts;
pub mod api;
pub mod areas;
pub mod audit;
pub mod auth;
pub mod briefing;
pub mod charts;
pub mod country;
pub mod dashboard;
pub mod error;
pub mod json;
pub mod metrics;
pub mod page;
pub mod public;
pub mod records;
pub mod reports_up;
pub mod serve;
pub mod sign_in;
pub mod today;
pub mod users;

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

use crate::storage::feed::CachedSessions;

use crate::domain::policy::Action;
use crate::state::AppState;
use auth::CurrentUser;

/// Largest request body accepted anywhere (a CSV import stays well below).
const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The whole application as a router, so tests can call it without a socket.
pub fn router(state: AppState) -> Router {
    metrics::handle();
    with_layers(routes(&state), state)
}

/// Every route, without the layers that every response passes through.
pub fn routes(state: &AppState) -> Router<AppState> {
    let mut app = Router::new()
        .route("/", get(home))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/whoami", get(whoami))
        .route("/metrics", get(metrics::metrics))
        .route("/static/style.css", get(style))
        .route("/static/refresh.js", get(refresh_js))
        .route("/static/offline.js", get(offline_js))
        .route("/sw.js", get(service_worker))
        .route("/lang/{code}", get(page::switch_lang))
        .merge(sign_in::router())
        .merge(public::router())
        .merge(areas::router())
        .merge(users::router())
        .merge(account::router())
        .merge(today::router())
        .merge(alerts::router())
        .merge(briefing::router())
        .merge(country::router())
        .merge(reports_up::router())
        .merge(audit::router())
        .merge(records::routes::router())
        .nest("/api/v1", api::router())
        .fallback(|| async { error::AppError::NotFound });
    if let Some(dir) = state.config.files_dir.clone() {
        app = app.nest_service("/files", tower_http::services::ServeDir::new(dir));
    }
    app
}

/// `routes` (or more, in tests) with sessions, limits, error pages and
/// headers: what every response passes through.
pub fn with_layers(routes: Router<AppState>, state: AppState) -> Router {
    let sessions = SessionManagerLayer::new(CachedSessions::new(
        state.feed.clone(),
        PostgresStore::new(state.db.clone()),
    ))
    .with_name("vx_session")
    .with_http_only(true)
    .with_same_site(tower_sessions::cookie::SameSite::Lax)
    .with_secure(state.config.secure_cookies())
    .with_expiry(Expiry::OnInactivity(
        tower_sessions::cookie::time::Duration::minutes(state.config.session_idle_minutes),
    ));
    let mut app = routes
        .layer(sessions)
        // Before the session is read, inside the error pages: its 503 is
        // rendered like any other error.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            read_only_while_switching,
        ))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.config.request_timeout,
        ))
        // The last line of defence: a handler that panics answers 500 with
        // the error page (rendered by the layer around it) and is logged.
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(axum::middleware::from_fn(error::render_errors))
        // Outside the error pages, so a signed-in user's error page is not kept either.
        .layer(axum::middleware::from_fn(auth::no_store_when_signed_in));
    for (name, value) in page::security_headers() {
        app = app.layer(SetResponseHeaderLayer::overriding(name, value));
    }
    app.layer(axum::middleware::from_fn_with_state(
        state.clone(),
        read_your_writes,
    ))
    .layer(axum::middleware::from_fn(metrics::track))
    .layer(TraceLayer::new_for_http())
    .with_state(state)
}

/// While the primary database is lost, a write is refused at once (503 with
/// `Retry-After`; the phone's outbox keeps it and sends it again) instead of
/// waiting for a connection that cannot come.
async fn read_only_while_switching(
    State(state): State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if !req.method().is_safe() && state.primary.lost_for().is_some() {
        return error::AppError::Switching.into_response();
    }
    next.run(req).await
}

/// With a read replica: a write is answered once the replica has replayed
/// it (or, past `VX_READ_WAIT_MS`, once reads are sent to the primary until
/// it has), so the page after a user's write shows it.
async fn read_your_writes(
    State(state): State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let writes = !req.method().is_safe();
    // A browser that wrote through another process brings the stamps it saw.
    if let Some(seen) = seen_cookie(req.headers())
        && let Err(e) = state.feed.catch_up(&state.db, &seen).await
    {
        tracing::warn!(error = %e, "reading the city stamps failed");
    }
    let mut res = next.run(req).await;
    let wrote = writes && !res.status().is_client_error() && !res.status().is_server_error();
    if wrote && state.feed.listening() {
        // Read before the response goes, so the next page from here shows
        // the write; the stamps go to the browser for other processes.
        match state.feed.refresh_stamps(&state.db).await {
            Ok(stamps) => {
                if let Some(v) = seen_cookie_value(&stamps, state.config.secure_cookies()) {
                    res.headers_mut().append(header::SET_COOKIE, v);
                }
            }
            Err(e) => tracing::warn!(error = %e, "reading the city stamps failed"),
        }
    }
    if let Some(replica) = &state.replica
        && wrote
    {
        match crate::storage::replica::primary_lsn(&state.db).await {
            Ok(lsn) => {
                replica.catch_up(lsn).await;
            }
            Err(e) => tracing::warn!(error = %e, "reading the primary's WAL position failed"),
        }
    }
    res
}

/// The cookie that carries the stamps a browser's last write produced.
const SEEN_COOKIE: &str = "vx_seen";

/// `vx_seen=01.1234_79.12`: city code and stamp, at most a few cities.
fn seen_cookie(headers: &axum::http::HeaderMap) -> Option<std::collections::HashMap<String, i64>> {
    let raw = error::cookie(headers, SEEN_COOKIE)?;
    let seen: std::collections::HashMap<String, i64> = raw
        .split('_')
        .take(8)
        .filter_map(|p| {
            let (city, stamp) = p.split_once('.')?;
            if city.is_empty() || city.len() > 8 || !city.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            Some((city.to_string(), stamp.parse().ok()?))
        })
        .collect();
    (!seen.is_empty()).then_some(seen)
}

fn seen_cookie_value(
    stamps: &std::collections::HashMap<String, i64>,
    secure: bool,
) -> Option<HeaderValue> {
    if stamps.is_empty() {
        return None;
    }
    let mut parts: Vec<String> = stamps.iter().map(|(c, s)| format!("{c}.{s}")).collect();
    parts.sort();
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SEEN_COOKIE}={}; Path=/; Max-Age=300; HttpOnly; SameSite=Lax{secure}",
        parts.join("_")
    ))
    .ok()
}

async fn home(user: Option<CurrentUser>) -> Redirect {
    match user {
        // The national view reads no area of its own: its page is the country's.
        Some(u) if !u.can(Action::ReadArea(&u.area)) && u.can(Action::ReadCountry) => {
            Redirect::to("/country")
        }
        Some(u) => Redirect::to(&format!("/areas/{}", u.area.code)),
        None => Redirect::to("/sign-in"),
    }
}

/// Who is signed in: the smallest page that still resolves a session, the
/// benchmark's floor for signed-in pages.
async fn whoami(user: CurrentUser) -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({
        "username": user.username, "role": user.role.as_str(), "area_code": user.area.code,
    }))
}

async fn readyz(State(state): State<AppState>) -> Response {
    if let Some(lost) = state.primary.lost_for() {
        let why = format!(
            "database primary lost {} s ago (last {}); looking for a writable host",
            lost.as_secs(),
            state.primary.host()
        );
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Extension(error::AsIs),
            why,
        )
            .into_response();
    }
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
        include_str!("../../static/style.css"),
    )
}

async fn refresh_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/refresh.js"),
    )
}

async fn offline_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../../static/offline.js"),
    )
}

/// The service worker, served from the root so that it may keep every
/// entry page (its scope is `/`); checked for a new version on every visit.
async fn service_worker() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            (
                header::HeaderName::from_static("service-worker-allowed"),
                "/",
            ),
        ],
        include_str!("../../static/sw.js"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seen_cookie_reads_back_what_it_wrote_and_ignores_junk() {
        let stamps =
            std::collections::HashMap::from([("01".to_string(), 1234), ("79".to_string(), 5)]);
        let v = seen_cookie_value(&stamps, true).unwrap();
        let v = v.to_str().unwrap();
        assert!(v.starts_with("vx_seen=01.1234_79.5; Path=/;"), "{v}");
        assert!(v.contains("HttpOnly") && v.ends_with("; Secure"));
        let mut h = axum::http::HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=b; vx_seen=01.1234_79.5"),
        );
        assert_eq!(seen_cookie(&h), Some(stamps));
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("vx_seen=x.1_01.z_../.3"),
        );
        assert_eq!(seen_cookie(&h), None);
    }
}
