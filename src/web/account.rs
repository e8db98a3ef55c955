//! A user's own account: changing their password (which signs them out
//! everywhere, API tokens included) and signing out everywhere at once.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tower_sessions::Session;

use crate::domain::account::check_new_password;
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::password;
use crate::state::AppState;
use crate::storage::audit::Actor;
use crate::storage::users::{open_sign_ins, set_password, sign_out_everywhere};
use crate::web::auth::{CsrfForm, CurrentUser};
use crate::web::page::Page;
use crate::web::sign_in::{ClientAddress, SIGN_IN_KEY, check_credentials};

/// The account pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(show))
        .route("/account/password", post(change_password))
        .route("/account/sign-out-everywhere", post(everywhere))
}

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
struct AccountPage {
    page: Page,
    username: String,
    errors: Vec<(&'static str, String)>,
    /// Where the user is signed in: (when, address, device, this one).
    sign_ins: Vec<(String, String, String, bool)>,
}

impl AccountPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
) -> Result<AccountPage, AppError> {
    let sign_ins = sign_ins(&state, &page, &user, &session).await?;
    Ok(AccountPage {
        page,
        username: user.username,
        errors: vec![],
        sign_ins,
    })
}

/// The user's open sign-ins as the page lists them, this one marked.
async fn sign_ins(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    session: &Session,
) -> Result<Vec<(String, String, String, bool)>, AppError> {
    let this = session
        .get::<i64>(SIGN_IN_KEY)
        .await
        .map_err(crate::web::auth::session_error)?;
    let since = state.clock.now() - chrono::Duration::hours(state.config.session_max_hours);
    Ok(open_sign_ins(&state.db, user.id, since)
        .await?
        .into_iter()
        .map(|s| {
            let device: String = s.user_agent.chars().take(80).collect();
            (
                page.lang.datetime(s.signed_in_at),
                s.address,
                device,
                Some(s.id) == this,
            )
        })
        .collect())
}

/// The password form's fields.
#[derive(serde::Deserialize)]
struct PasswordForm {
    current: String,
    new: String,
    repeat: String,
}

async fn change_password(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    ClientAddress(address): ClientAddress,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut errors = FieldErrors::default();
    if let Err(key) = check_new_password(&form.new, &user.username, &user.display_name) {
        errors.add("new", key);
    } else if form.new != form.repeat {
        errors.add("repeat", "err.password_repeat");
    }
    // The current password first, under the sign-in limits: a session left
    // open on a shared computer does not let anyone take the account.
    let right = match check_credentials(&state, &user.username, form.current, &address, now).await {
        Ok(found) => found.is_some_and(|(id, _)| id == user.id),
        Err(AppError::RateLimited(m)) => {
            errors.add_with("current", "auth.rate_limited", &[&m.to_string()]);
            false
        }
        Err(e) => return Err(e),
    };
    if !right && errors.get("current", page.lang).is_none() {
        errors.add("current", "err.password_wrong");
    }
    if !errors.is_empty() {
        let lang = page.lang;
        let errors = ["current", "new", "repeat"]
            .into_iter()
            .filter_map(|f| errors.get(f, lang).map(|m| (f, m)))
            .collect();
        let sign_ins = sign_ins(&state, &page, &user, &session).await?;
        let p = AccountPage {
            page,
            username: user.username,
            errors,
            sign_ins,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
    }
    let hash = password::hash(form.new).await?;
    let mut conn = state.db.acquire().await?;
    set_password(&mut conn, &Actor::from(&user), &user.username, &hash, now).await?;
    // Every session ended with the change, this one too: sign in again.
    Ok(Redirect::to("/sign-in?changed=1").into_response())
}

async fn everywhere(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    sign_out_everywhere(&state.db, &Actor::from(&user), &user, state.clock.now()).await?;
    session
        .flush()
        .await
        .map_err(crate::web::auth::session_error)?;
    Ok(Redirect::to("/sign-in").into_response())
}
