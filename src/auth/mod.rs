//! Who is asking, and what they may do. The rules of DESIGN §4 live in
//! [`policy`]; handlers ask `user.authorize(Action::…)` and filter queries
//! with `user.scope()`.

pub mod pages;
pub mod password;
pub mod policy;
pub mod throttle;
pub mod tokens;

use axum::extract::{FromRequest, FromRequestParts, OriginalUri, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use sqlx::PgPool;
use tower_sessions::Session;

use crate::AppState;
use crate::areas::{AreaRef, Level};
use crate::error::{AppError, is_api_path};
use crate::web::{CSRF_KEY, session_error};

pub use policy::Action;

/// Session keys.
pub(crate) const USER_KEY: &str = "uid";
pub(crate) const SIGNED_IN_AT_KEY: &str = "since";
const SEEN_KEY: &str = "seen";

/// The four roles of DESIGN §4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Commune official (phường/xã).
    Commune,
    /// District chair or district command centre.
    District,
    /// City command centre.
    City,
    /// Administrator of users and areas.
    Admin,
}

impl Role {
    /// All roles, in the order the forms list them.
    pub const ALL: [Role; 4] = [Role::Commune, Role::District, Role::City, Role::Admin];

    /// Reads a role as sent and stored (`commune`, `district`, `city`, `admin`).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "commune" => Some(Self::Commune),
            "district" => Some(Self::District),
            "city" => Some(Self::City),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Commune => "commune",
            Self::District => "district",
            Self::City => "city",
            Self::Admin => "admin",
        }
    }

    /// The level of area a user of this role belongs to.
    pub fn area_level(self) -> Level {
        match self {
            Self::Commune => Level::Commune,
            Self::District => Level::District,
            Self::City | Self::Admin => Level::City,
        }
    }

    /// The catalogue key of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Commune => "role.commune",
            Self::District => "role.district",
            Self::City => "role.city",
            Self::Admin => "role.admin",
        }
    }
}

/// The signed-in user of a request, from the session (pages) or a bearer
/// token (API).
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// User id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name shown in the header.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// The user's own area, with its ancestors.
    pub area: AreaRef,
    /// The token used, for API requests (so it can be revoked).
    pub token_id: Option<i64>,
}

#[derive(Clone)]
struct CachedUser(Option<CurrentUser>);

impl CurrentUser {
    /// Whether the policy allows `action`.
    pub fn can(&self, action: Action<'_>) -> bool {
        policy::permits(self.role, &self.area, action)
    }

    /// `Ok` when the policy allows `action`, else 403.
    pub fn authorize(&self, action: Action<'_>) -> Result<(), AppError> {
        if self.can(action) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The root of the user's jurisdiction for filtering queries: `None`
    /// means every area (city command centre, administrator).
    pub fn scope(&self) -> Option<&str> {
        match self.role {
            Role::City | Role::Admin => None,
            Role::Commune | Role::District => Some(&self.area.code),
        }
    }

    /// The user of this request, if any; looked up once per request.
    pub async fn optional(parts: &mut Parts, state: &AppState) -> Result<Option<Self>, AppError> {
        if let Some(CachedUser(u)) = parts.extensions.get::<CachedUser>() {
            return Ok(u.clone());
        }
        let path = parts
            .extensions
            .get::<OriginalUri>()
            .map(|u| u.path().to_string())
            .unwrap_or_else(|| parts.uri.path().to_string());
        let user = if let Some(token) = bearer(parts) {
            tokens::user_for_token(&state.db, &token, state.clock.now()).await?
        } else if is_api_path(&path) {
            // The API takes tokens only, so a browser's cookie cannot be
            // used against it without CSRF protection.
            None
        } else {
            from_session(parts, state).await?
        };
        parts.extensions.insert(CachedUser(user.clone()));
        Ok(user)
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        Self::optional(parts, state)
            .await?
            .ok_or(AppError::Unauthorized)
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
    let user = load_user(&state.db, uid).await?;
    if user.is_none() {
        // Disabled or removed since sign-in.
        session.flush().await.map_err(session_error)?;
        return Ok(None);
    }
    // Saving the session pushes its idle expiry forward; once a minute is enough.
    let seen = session
        .get::<i64>(SEEN_KEY)
        .await
        .map_err(session_error)?
        .unwrap_or(0);
    if now - seen >= 60 {
        session.insert(SEEN_KEY, now).await.map_err(session_error)?;
    }
    Ok(user)
}

/// Loads an enabled user with their area.
pub async fn load_user(db: &PgPool, id: i64) -> Result<Option<CurrentUser>, AppError> {
    let row: Option<(i64, String, String, String, String)> = sqlx::query_as(
        "select id, username, display_name, role, area_code from users
         where id = $1 and disabled_at is null",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    let Some((id, username, display_name, role, area_code)) = row else {
        return Ok(None);
    };
    let area = crate::areas::area_ref(db, &area_code)
        .await?
        .ok_or(AppError::NotFound)?;
    let role = Role::parse(&role).ok_or_else(|| anyhow::anyhow!("unknown role {role}"))?;
    Ok(Some(CurrentUser {
        id,
        username,
        display_name,
        role,
        area,
        token_id: None,
    }))
}

/// A fresh random token: 32 bytes as hex.
pub fn random_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Compares secrets in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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
