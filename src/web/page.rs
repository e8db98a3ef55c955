//! What every page shares: the layout context, the language switch,
//! security headers and static files.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use crate::domain::error::AppError;
use crate::domain::i18n::Lang;
use crate::state::AppState;
use crate::web::auth::{CSRF_KEY, CurrentUser, session_error};
use crate::web::error::{request_lang, url_encode};

const FLASH_KEY: &str = "flash";

/// The shared layout context every page template fills.
pub struct Page {
    /// The interface language.
    pub lang: Lang,
    /// The signed-in user, if any.
    pub user: Option<CurrentUser>,
    /// The CSRF token to put in every form.
    pub csrf: String,
    /// A one-time message from the previous request (catalogue text, already translated).
    pub flash: Option<String>,
    /// The path and query of this page, to come back to after switching language.
    pub here: String,
    /// The primary database is lost: the page is what was held, nothing saves.
    pub read_only: bool,
    /// Standing alerts in the user's jurisdiction they have not marked seen.
    pub alerts: Option<i64>,
}

impl Page {
    /// Whether the menu shows the records (the policy's `UseRecords`).
    pub fn shows_records(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.can(crate::domain::policy::Action::UseRecords))
    }

    /// Whether the menu shows the user's own area, its work and its audit
    /// (every role but the national view, which reads counts only).
    pub fn shows_areas(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.can(crate::domain::policy::Action::ReadArea(&u.area)))
    }

    /// Whether the menu shows the national board.
    pub fn shows_country(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.can(crate::domain::policy::Action::ReadCountry))
    }

    /// Whether the menu shows user administration.
    pub fn shows_users(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.can(crate::domain::policy::Action::ManageUsers))
    }

    /// The text for `key` in the page's language.
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        self.lang.t(key)
    }

    /// A fresh idempotency key for a form that creates a record: sending
    /// the same form twice stores it once (the offline outbox replaces it
    /// with one of its own per send).
    pub fn fresh_key(&self) -> String {
        crate::storage::tokens::random_token()
    }

    /// The text for `key` with its placeholders filled.
    pub fn tf(&self, key: &str, args: &[&str]) -> String {
        self.lang.tf(key, args)
    }

    /// A number with thousands grouped for the page's language.
    pub fn int(&self, n: &i64) -> String {
        self.lang.int(*n)
    }

    /// An optional number, or "not set".
    pub fn opt_int(&self, n: &Option<i64>) -> String {
        self.lang.opt_int(*n)
    }

    /// A date as dd/mm/yyyy.
    pub fn date(&self, d: &chrono::NaiveDate) -> String {
        self.lang.date(*d)
    }

    /// An instant as dd/mm/yyyy HH:MM in Hà Nội time.
    pub fn datetime(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        self.lang.datetime(*at)
    }

    /// The link that switches to the other language and comes back here.
    pub fn switch_lang_href(&self) -> String {
        format!(
            "/lang/{}?next={}",
            self.lang.other().code(),
            url_encode(&self.here)
        )
    }

    /// Stores a one-time message for the next page.
    pub async fn flash(session: &Session, text: String) -> Result<(), AppError> {
        session
            .insert(FLASH_KEY, text)
            .await
            .map_err(session_error)?;
        Ok(())
    }
}

impl FromRequestParts<AppState> for Page {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let lang = request_lang(&parts.headers);
        let user = crate::web::auth::optional_user(parts, state).await?;
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|(_, msg)| AppError::Internal(anyhow::anyhow!(msg)))?;
        let csrf = csrf_token(&session).await?;
        // Removing marks the session changed, and a changed session is
        // written back: only when there is a message to take.
        let flash = match session
            .get::<String>(FLASH_KEY)
            .await
            .map_err(session_error)?
        {
            Some(_) => session
                .remove::<String>(FLASH_KEY)
                .await
                .map_err(session_error)?,
            None => None,
        };
        let here = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let alerts = match &user {
            Some(u) if u.can(crate::domain::policy::Action::UseRecords) => {
                Some(unseen_alerts(state, u).await?)
            }
            _ => None,
        };
        Ok(Page {
            lang,
            alerts,
            user,
            csrf,
            flash,
            here,
            read_only: state.primary.lost_for().is_some(),
        })
    }
}

/// The count in the header: from memory while nothing about alerts changed.
async fn unseen_alerts(state: &AppState, u: &CurrentUser) -> Result<i64, AppError> {
    let epoch = state.feed.alerts_epoch();
    if let Some(n) = state.feed.unseen(u.id, epoch) {
        return Ok(n);
    }
    let n = crate::storage::alerts::unseen(&state.db, &u.area.code, u.id).await?;
    state.feed.keep_unseen(u.id, epoch, n);
    Ok(n)
}

/// The session's CSRF token, created on first use.
pub async fn csrf_token(session: &Session) -> Result<String, AppError> {
    if let Some(t) = session
        .get::<String>(CSRF_KEY)
        .await
        .map_err(session_error)?
    {
        return Ok(t);
    }
    let t = crate::storage::tokens::random_token();
    session.insert(CSRF_KEY, &t).await.map_err(session_error)?;
    Ok(t)
}

/// A path on this site to go back to, or `/`: never another site. Only a
/// path that starts with one `/` followed by anything but `/` or `\` is
/// taken (`//evil.example` and `/\evil.example` are other sites to a
/// browser), and none with a control or space character in it (browsers
/// drop a tab, so `/\t/evil.example` would become `//evil.example`; CR and
/// LF cannot go into a `Location` header).
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(n) if is_local_path(n) => n.to_string(),
        _ => "/".to_string(),
    }
}

fn is_local_path(n: &str) -> bool {
    let mut chars = n.chars();
    chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !n.chars().any(|c| c.is_control() || c.is_whitespace())
}

#[derive(serde::Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// `GET /lang/{code}`: remembers the language in a cookie and goes back.
pub async fn switch_lang(
    axum::extract::Path(code): axum::extract::Path<String>,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    let lang = Lang::parse(&code).ok_or(AppError::NotFound)?;
    let mut res = Redirect::to(&local_path(q.next.as_deref())).into_response();
    let cookie = format!(
        "lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    res.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).expect("ascii cookie"),
    );
    Ok(res)
}

/// Headers that every response carries.
pub fn security_headers() -> [(header::HeaderName, HeaderValue); 5] {
    [
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                 object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            ),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ),
        (
            header::HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_a_switch_or_sign_in() {
        assert_eq!(local_path(Some("/areas/020")), "/areas/020");
        assert_eq!(local_path(Some("//evil.example")), "/");
        assert_eq!(local_path(Some("/\\evil.example")), "/");
        assert_eq!(local_path(Some("https://evil.example")), "/");
        assert_eq!(local_path(None), "/");
        assert_eq!(local_path(Some("/")), "/");
        assert_eq!(local_path(Some("/\t/evil.example/x")), "/");
        assert_eq!(local_path(Some("/areas/020\r\nSet-Cookie: a=b")), "/");
        assert_eq!(local_path(Some("/ /evil.example")), "/");
        assert_eq!(local_path(Some("/\u{a0}/evil.example")), "/");
        assert_eq!(
            local_path(Some("/areas/020?date=2021-08-01")),
            "/areas/020?date=2021-08-01"
        );
    }

    #[test]
    fn url_encode_keeps_paths_readable_and_escapes_the_rest() {
        use crate::web::error::url_encode;
        assert_eq!(
            url_encode("/areas/020?q=a b&x"),
            "/areas/020%3Fq%3Da%20b%26x"
        );
        assert_eq!(url_encode("Liên"), "Li%C3%AAn");
    }
}
