//! Who is asking: the signed-in user from the session (pages) or a bearer
//! token (API), and forms that carry the session's CSRF token. What a user
//! may do is decided by [`crate::domain::policy`].

use axum::extract::{
    FromRequest, FromRequestParts, OptionalFromRequestParts, OriginalUri, Request,
};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use serde::de::DeserializeOwned;
use tower_sessions::Session;

use crate::domain::error::AppError;
pub use crate::domain::policy::{Action, CurrentUser, Role};
use crate::state::AppState;
use crate::storage::tokens::{self, constant_time_eq};
use crate::storage::users::load_session_user;
use crate::web::error::is_api_path;

/// Session key of the CSRF token.
pub const CSRF_KEY: &str = "csrf";

/// A session store failure: the store is PostgreSQL, so the database is
/// away (503, try again) rather than a fault of ours.
pub fn session_error(e: tower_sessions::session::Error) -> AppError {
    AppError::Unavailable(anyhow::anyhow!("session store: {e}"))
}

/// Session keys.
pub(crate) const USER_KEY: &str = "uid";
pub(crate) const SIGNED_IN_AT_KEY: &str = "since";
/// The user's session generation at sign-in; a session whose generation is
/// no longer the user's (password changed, account disabled) has ended.
pub(crate) const GENERATION_KEY: &str = "gen";
const SEEN_KEY: &str = "seen";

#[derive(Clone)]
struct CachedUser(Option<CurrentUser>);

/// Set on a request by [`no_store_when_signed_in`]; raised when a user is
/// found for it.
#[derive(Clone, Default)]
struct SignedIn(std::sync::Arc<std::sync::atomic::AtomicBool>);

/// Every response to a request made as a user carries `Cache-Control:
/// no-store`, so personal data stays out of browser and proxy caches.
/// Static files never ask who the user is and keep their own caching.
pub async fn no_store_when_signed_in(mut req: Request, next: Next) -> Response {
    let flag = SignedIn::default();
    req.extensions_mut().insert(flag.clone());
    let mut res = next.run(req).await;
    if flag.0.load(std::sync::atomic::Ordering::Relaxed) {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// The user of this request, if any; looked up once per request.
pub async fn optional_user(
    parts: &mut Parts,
    state: &AppState,
) -> Result<Option<CurrentUser>, AppError> {
    {
        if let Some(CachedUser(u)) = parts.extensions.get::<CachedUser>() {
            return Ok(u.clone());
        }
        let path = parts
            .extensions
            .get::<OriginalUri>()
            .map(|u| u.path().to_string())
            .unwrap_or_else(|| parts.uri.path().to_string());
        let user = if let Some(token) = bearer(parts) {
            match tokens::token_owner(&state.db, &token, state.clock.now()).await? {
                // An enabled user, as a session's: disabled or removed, the
                // token no longer answers (the generation is the session's).
                Some((token_id, uid)) => {
                    session_user(state, uid).await?.map(|(u, _)| CurrentUser {
                        token_id: Some(token_id),
                        ..u
                    })
                }
                None => None,
            }
        } else if is_api_path(&path) {
            // The API takes tokens only, so a browser's cookie cannot be
            // used against it without CSRF protection.
            None
        } else {
            from_session(parts, state).await?
        };
        parts.extensions.insert(CachedUser(user.clone()));
        if user.is_some()
            && let Some(SignedIn(flag)) = parts.extensions.get::<SignedIn>()
        {
            flag.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(user)
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        optional_user(parts, state)
            .await?
            .ok_or(AppError::Unauthorized)
    }
}

impl OptionalFromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, AppError> {
        optional_user(parts, state).await
    }
}

fn bearer(parts: &Parts) -> Option<String> {
    let v = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

async fn from_session(
    parts: &mut Parts,
    state: &AppState,
) -> Result<Option<CurrentUser>, AppError> {
    let session = Session::from_request_parts(parts, state)
        .await
        .map_err(|(_, msg)| AppError::Internal(anyhow::anyhow!(msg)))?;
    let Some(uid) = session.get::<i64>(USER_KEY).await.map_err(session_error)? else {
        return Ok(None);
    };
    let now = state.clock.now().timestamp();
    let since = session
        .get::<i64>(SIGNED_IN_AT_KEY)
        .await
        .map_err(session_error)?
        .unwrap_or(0);
    if now - since > state.config.session_max_hours * 3600 {
        session.flush().await.map_err(session_error)?;
        return Ok(None);
    }
    let generation = session
        .get::<i32>(GENERATION_KEY)
        .await
        .map_err(session_error)?
        .unwrap_or(0);
    let user = match session_user(state, uid).await? {
        Some((user, current)) if current == generation => user,
        _ => {
            // Disabled, removed, or its password changed since sign-in.
            session.flush().await.map_err(session_error)?;
            return Ok(None);
        }
    };
    // Saving the session pushes its idle expiry forward; once a minute is enough.
    let seen = session
        .get::<i64>(SEEN_KEY)
        .await
        .map_err(session_error)?
        .unwrap_or(0);
    if now - seen >= 60 {
        session.insert(SEEN_KEY, now).await.map_err(session_error)?;
    }
    Ok(Some(user))
}

/// The user `uid` and their session generation: from memory while the
/// change feed listens, else from PostgreSQL (and kept).
async fn session_user(state: &AppState, uid: i64) -> Result<Option<(CurrentUser, i32)>, AppError> {
    if let Some(kept) = state.feed.user(uid) {
        return Ok(Some(kept));
    }
    let epoch = state.feed.epoch();
    let loaded = load_session_user(&state.db, uid).await?;
    if let Some(u) = &loaded {
        state.feed.keep_user(epoch, uid, u.clone());
    }
    Ok(loaded)
}

/// A multipart form (a file upload) read whole, whose `csrf` field matches
/// the session's token; otherwise 403 and the handler never runs. Fields
/// by name; a repeated name keeps the last.
pub struct CsrfMultipart(pub std::collections::HashMap<String, Vec<u8>>);

impl CsrfMultipart {
    /// A field as text (lossy: bad bytes become U+FFFD), empty when absent.
    pub fn text(&self, name: &str) -> String {
        self.0
            .get(name)
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default()
    }

    /// A field's bytes, empty when absent.
    pub fn bytes(&self, name: &str) -> &[u8] {
        self.0.get(name).map_or(&[], Vec::as_slice)
    }
}

impl FromRequest<AppState> for CsrfMultipart {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let (mut parts, body) = req.into_parts();
        let session = Session::from_request_parts(&mut parts, state)
            .await
            .map_err(|(_, msg)| AppError::Internal(anyhow::anyhow!(msg)))?;
        let req = Request::from_parts(parts, body);
        let mut multipart = axum::extract::Multipart::from_request(req, state)
            .await
            .map_err(|e| AppError::BadRequest(e.body_text()))?;
        let bad = |e: axum::extract::multipart::MultipartError| AppError::BadRequest(e.to_string());
        let mut fields = std::collections::HashMap::new();
        while let Some(field) = multipart.next_field().await.map_err(bad)? {
            let name = field.name().unwrap_or("").to_string();
            let value = field.bytes().await.map_err(bad)?.to_vec();
            fields.insert(name, value);
        }
        let expected = session
            .get::<String>(CSRF_KEY)
            .await
            .map_err(session_error)?;
        let sent = fields.get("csrf").map(Vec::as_slice).unwrap_or_default();
        match expected {
            Some(e) if constant_time_eq(e.as_bytes(), sent) => Ok(Self(fields)),
            _ => Err(AppError::Csrf),
        }
    }
}

/// A form body whose `csrf` field matches the session's token; otherwise 403
/// and the handler never runs. Form structs ignore the `csrf` field.
pub struct CsrfForm<T>(pub T);

/// Largest form body accepted.
const FORM_LIMIT: usize = 256 * 1024;

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let (mut parts, body) = req.into_parts();
        let is_form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(AppError::BadRequest("expected a form".into()));
        }
        let session = Session::from_request_parts(&mut parts, state)
            .await
            .map_err(|(_, msg)| AppError::Internal(anyhow::anyhow!(msg)))?;
        let expected = session
            .get::<String>(CSRF_KEY)
            .await
            .map_err(session_error)?;
        let bytes = axum::body::to_bytes(body, FORM_LIMIT)
            .await
            .map_err(|_| AppError::BadRequest("form too large or unreadable".into()))?;
        #[derive(serde::Deserialize)]
        struct Token {
            csrf: Option<String>,
        }
        let sent = serde_urlencoded::from_bytes::<Token>(&bytes)
            .ok()
            .and_then(|t| t.csrf)
            .unwrap_or_default();
        match expected {
            Some(e) if constant_time_eq(e.as_bytes(), sent.as_bytes()) => {}
            _ => return Err(AppError::Csrf),
        }
        let value = serde_urlencoded::from_bytes::<T>(&bytes)
            .map_err(|e| AppError::BadRequest(format!("form: {e}")))?;
        Ok(CsrfForm(value))
    }
}
