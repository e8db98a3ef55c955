//! User administration: the administrator's pages, `POST /api/v1/users`,
//! and the service both use (also the operator command and the demo load).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use tower_sessions::Session;

use crate::domain::account::UserInput;
use crate::domain::error::{AppError, FieldErrors};
use crate::state::AppState;
use crate::storage::audit::Actor;
use crate::storage::users::{UserRow, create_user, update_user};
use crate::web::auth::{Action, CsrfForm, CurrentUser, Role};
use crate::web::json::ApiJson;
use crate::web::page::Page;

/// Routes of the user administration pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list).post(create))
        .route("/admin/users/new", get(new_form))
        .route("/admin/users/{id}", get(edit_form).post(update))
}

/// Routes of the users API.
pub fn api_router() -> Router<AppState> {
    Router::new().route("/users", axum::routing::post(api_create))
}

#[derive(Template, WebTemplate)]
#[template(path = "users/list.html")]
struct ListPage {
    page: Page,
    users: Vec<UserRow>,
    q: String,
}

#[derive(Debug, Default, serde::Deserialize)]
struct ListQuery {
    #[serde(default)]
    q: String,
}

async fn list(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    user.authorize(Action::ManageUsers)?;
    let q = query.q.trim().to_lowercase();
    let users = crate::storage::users::list(&state.db, &q).await?;
    Ok(ListPage {
        page,
        users,
        q: query.q,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "users/form.html")]
struct FormPage {
    page: Page,
    /// `None` when adding a user.
    id: Option<i64>,
    input: UserInput,
    errors: FieldErrors,
    roles: Vec<(&'static str, &'static str)>,
}

impl FormPage {
    fn new(page: Page, id: Option<i64>, input: UserInput, errors: FieldErrors) -> Self {
        let roles = Role::ALL
            .iter()
            .map(|r| (r.as_str(), r.label_key()))
            .collect();
        Self {
            page,
            id,
            input,
            errors,
            roles,
        }
    }
    fn error(&self, field: &str) -> Option<String> {
        self.errors.get(field, self.page.lang)
    }
    fn is_disabled(&self) -> bool {
        self.input.disabled.as_deref() == Some("on")
    }
}

async fn new_form(page: Page, user: CurrentUser) -> Result<FormPage, AppError> {
    user.authorize(Action::ManageUsers)?;
    Ok(FormPage::new(
        page,
        None,
        UserInput {
            role: "commune".into(),
            ..Default::default()
        },
        FieldErrors::default(),
    ))
}

/// Shows the form again with the user's input and the errors beside the fields.
fn form_again(
    page: Page,
    id: Option<i64>,
    mut input: UserInput,
    e: AppError,
) -> Result<Response, AppError> {
    match e {
        AppError::Invalid(errors) | AppError::Conflict(errors) => {
            input.password.clear();
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                FormPage::new(page, id, input, errors),
            )
                .into_response())
        }
        other => Err(other),
    }
}

async fn create(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    CsrfForm(input): CsrfForm<UserInput>,
) -> Result<Response, AppError> {
    user.authorize(Action::ManageUsers)?;
    match create_user(&state.db, &Actor::from(&user), state.clock.now(), &input).await {
        Ok(_) => {
            let name = input.username.trim().to_lowercase();
            Page::flash(&session, page.tf("users.created", &[&name])).await?;
            Ok(Redirect::to("/admin/users").into_response())
        }
        Err(e) => form_again(page, None, input, e),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<FormPage, AppError> {
    user.authorize(Action::ManageUsers)?;
    let row = crate::storage::users::by_id(&state.db, id).await?;
    let input = UserInput {
        username: row.username,
        display_name: row.display_name,
        password: String::new(),
        role: row.role,
        area_code: row.area_code,
        disabled: row.disabled_at.map(|_| "on".into()),
    };
    Ok(FormPage::new(page, Some(id), input, FieldErrors::default()))
}

async fn update(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
    CsrfForm(mut input): CsrfForm<UserInput>,
) -> Result<Response, AppError> {
    user.authorize(Action::ManageUsers)?;
    let username = crate::storage::users::by_id(&state.db, id).await?.username;
    input.username = username.clone();
    match update_user(
        &state.db,
        &Actor::from(&user),
        state.clock.now(),
        id,
        &input,
    )
    .await
    {
        Ok(()) => {
            // Disabled or moved takes effect on their next page, here at once
            // and in other processes when the change feed hears of it.
            state.feed.forget_user(id);
            Page::flash(&session, page.tf("users.saved", &[&username])).await?;
            Ok(Redirect::to("/admin/users").into_response())
        }
        Err(e) => form_again(page, Some(id), input, e),
    }
}

async fn api_create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<UserInput>,
) -> Result<(StatusCode, Json<UserRow>), AppError> {
    user.authorize(Action::ManageUsers)?;
    let id = create_user(&state.db, &Actor::from(&user), state.clock.now(), &input).await?;
    let row = crate::storage::users::by_id(&state.db, id).await?;
    Ok((StatusCode::CREATED, Json(row)))
}
