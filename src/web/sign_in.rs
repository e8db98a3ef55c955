//! Sign-in and sign-out pages, and the API's token endpoints.

use std::net::SocketAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use tower_sessions::Session;

use crate::domain::error::AppError;
use crate::domain::password;
use crate::state::AppState;
use crate::storage::audit::{self, Actor, Entry};
use crate::storage::{throttle, tokens};
use crate::web::auth::{CSRF_KEY, session_error};
use crate::web::auth::{CsrfForm, CurrentUser, GENERATION_KEY, SIGNED_IN_AT_KEY, USER_KEY};
use crate::web::json::ApiJson;
use crate::web::page::{Page, local_path};

/// Routes of the sign-in pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sign-in", get(sign_in_page).post(sign_in))
        .route("/sign-out", post(sign_out))
}

/// Routes of the token API.
pub fn api_router() -> Router<AppState> {
    Router::new().route("/auth/token", post(issue_token).delete(revoke_token))
}

/// Session key of this sign-in's row (`sign_ins`), so the account page can
/// mark it and sign-out remove it.
pub const SIGN_IN_KEY: &str = "sign_in";

/// The client's address, for rate limits and logs.
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if state.config.trust_proxy
            && let Some(first) = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
        {
            return Ok(Self(first.trim().to_string()));
        }
        let addr = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_else(|| "unknown".into());
        Ok(Self(addr))
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "sign_in.html")]
struct SignInPage {
    page: Page,
    username: String,
    next: String,
    error: Option<String>,
    /// A password just changed: sign in with the new one.
    changed: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
struct NextQuery {
    next: Option<String>,
    changed: Option<String>,
}

async fn sign_in_page(page: Page, Query(q): Query<NextQuery>) -> Response {
    if page.user.is_some() {
        return Redirect::to(&local_path(q.next.as_deref())).into_response();
    }
    SignInPage {
        page,
        username: String::new(),
        next: local_path(q.next.as_deref()),
        error: None,
        changed: q.changed.is_some(),
    }
    .into_response()
}

#[derive(Debug, serde::Deserialize)]
struct SignInForm {
    username: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

/// Checks a username and password under the rate limits; the user's id and
/// session generation when right.
pub async fn check_credentials(
    state: &AppState,
    username: &str,
    password: String,
    address: &str,
    now: DateTime<Utc>,
) -> Result<Option<(i64, i32)>, AppError> {
    if let Err(e) = throttle::attempt(&state.db, &state.config, username, address, now).await {
        if matches!(e, AppError::RateLimited(_)) {
            metrics::counter!("vx_sign_in_refusals_total").increment(1);
        }
        return Err(e);
    }
    let row = crate::storage::users::credentials(&state.db, username).await?;
    let (user, hash) = row.map_or((None, None), |(id, h, g)| (Some((id, g)), Some(h)));
    if password::verify(password, hash).await? {
        throttle::succeeded(&state.db, username, address).await?;
        Ok(user)
    } else {
        metrics::counter!("vx_sign_in_failures_total").increment(1);
        Ok(None)
    }
}

async fn sign_in(
    State(state): State<AppState>,
    page: Page,
    session: Session,
    ClientAddress(address): ClientAddress,
    headers: axum::http::HeaderMap,
    CsrfForm(form): CsrfForm<SignInForm>,
) -> Result<Response, AppError> {
    let username = form.username.trim().to_lowercase();
    let next = local_path(form.next.as_deref());
    let now = state.clock.now();
    let again = |page: Page, status: StatusCode, error: String| {
        let username = username.clone();
        let next = next.clone();
        (
            status,
            SignInPage {
                page,
                username,
                next,
                error: Some(error),
                changed: false,
            },
        )
            .into_response()
    };
    let (user_id, generation) =
        match check_credentials(&state, &username, form.password, &address, now).await {
            Ok(Some(user)) => user,
            Ok(None) => {
                let msg = page.t("auth.bad_credentials").to_string();
                return Ok(again(page, StatusCode::UNAUTHORIZED, msg));
            }
            Err(AppError::RateLimited(m)) => {
                let msg = page.tf("auth.rate_limited", &[&m.to_string()]);
                return Ok(again(page, StatusCode::TOO_MANY_REQUESTS, msg));
            }
            Err(e) => return Err(e),
        };
    // A new session id at sign-in, so an id planted before cannot be used after.
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(USER_KEY, user_id)
        .await
        .map_err(session_error)?;
    session
        .insert(SIGNED_IN_AT_KEY, now.timestamp())
        .await
        .map_err(session_error)?;
    session
        .insert(GENERATION_KEY, generation)
        .await
        .map_err(session_error)?;
    session
        .insert(CSRF_KEY, tokens::random_token())
        .await
        .map_err(session_error)?;
    let mut tx = crate::storage::db::begin(&state.db).await?;
    let agent = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let sign_in_id =
        crate::storage::users::record_sign_in(&mut tx, user_id, generation, now, &address, agent)
            .await?;
    session
        .insert(SIGN_IN_KEY, sign_in_id)
        .await
        .map_err(session_error)?;
    audit::record(
        &mut tx,
        now,
        &Actor {
            user_id: Some(user_id),
            username: username.clone(),
        },
        Entry {
            area_code: None,
            action: "sign_in",
            entity: "session",
            entity_id: user_id.to_string(),
            old: None,
            new: Some(serde_json::json!({ "address": address })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&next).into_response())
}

#[derive(Debug, serde::Deserialize)]
struct Empty {}

async fn sign_out(
    State(state): State<AppState>,
    page: Page,
    session: Session,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    if let Some(user) = &page.user {
        if let Some(id) = session
            .get::<i64>(SIGN_IN_KEY)
            .await
            .map_err(session_error)?
        {
            crate::storage::users::forget_sign_in(&state.db, user.id, id).await?;
        }
        let mut tx = crate::storage::db::begin(&state.db).await?;
        audit::record(
            &mut tx,
            state.clock.now(),
            &Actor::from(user),
            Entry {
                area_code: None,
                action: "sign_out",
                entity: "session",
                entity_id: user.id.to_string(),
                old: None,
                new: None,
            },
        )
        .await?;
        tx.commit().await?;
    }
    session.flush().await.map_err(session_error)?;
    Page::flash(&session, page.t("auth.signed_out").to_string()).await?;
    Ok(Redirect::to("/sign-in").into_response())
}

#[derive(Debug, serde::Deserialize)]
struct TokenRequest {
    username: String,
    password: String,
}

#[derive(Debug, serde::Serialize)]
struct TokenResponse {
    token: String,
    expires_at: DateTime<Utc>,
}

async fn issue_token(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    ApiJson(req): ApiJson<TokenRequest>,
) -> Result<(StatusCode, Json<TokenResponse>), AppError> {
    let username = req.username.trim().to_lowercase();
    let now = state.clock.now();
    let (user_id, _) = check_credentials(&state, &username, req.password, &address, now)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let mut tx = crate::storage::db::begin(&state.db).await?;
    let (token, token_id, expires_at) =
        tokens::issue(&mut tx, user_id, now, state.config.token_days).await?;
    audit::record(
        &mut tx,
        now,
        &Actor {
            user_id: Some(user_id),
            username,
        },
        Entry {
            area_code: None,
            action: "create",
            entity: "api_token",
            entity_id: token_id.to_string(),
            old: None,
            new: Some(serde_json::json!({ "expires_at": expires_at, "address": address })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenResponse { token, expires_at }),
    ))
}

async fn revoke_token(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<StatusCode, AppError> {
    let token_id = user.token_id.ok_or(AppError::Unauthorized)?;
    let now = state.clock.now();
    let mut tx = crate::storage::db::begin(&state.db).await?;
    tokens::revoke(&mut tx, token_id, now).await?;
    audit::record(
        &mut tx,
        now,
        &Actor::from(&user),
        Entry {
            area_code: None,
            action: "revoke",
            entity: "api_token",
            entity_id: token_id.to_string(),
            old: None,
            new: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
