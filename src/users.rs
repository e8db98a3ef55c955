//! User administration: the administrator's pages, `POST /api/v1/users`,
//! and the service both use (also the operator command and the demo load).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use tower_sessions::Session;

use crate::AppState;
use crate::api::ApiJson;
use crate::areas::area_ref;
use crate::audit::{self, Actor, Entry};
use crate::auth::{Action, CsrfForm, CurrentUser, Role, password};
use crate::error::{AppError, FieldErrors};
use crate::web::Page;

/// A login name: 3–64 of a–z, 0–9, `.`, `_`, `-`, stored lower-case.
#[derive(Debug, Clone, PartialEq)]
pub struct Username(String);

impl Username {
    /// Checks a username as typed.
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let s = s.trim().to_lowercase();
        let ok = (3..=64).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        if ok {
            Ok(Self(s))
        } else {
            Err("err.username_format")
        }
    }

    /// The stored form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: at least [`password::MIN_LEN`] characters, at most 200.
pub fn check_password(s: &str) -> Result<(), &'static str> {
    let n = s.chars().count();
    if n < password::MIN_LEN {
        Err("err.password_short")
    } else if n > 200 {
        Err("err.too_long")
    } else {
        Ok(())
    }
}

/// What a form or API call asks for a user.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct UserInput {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub area_code: String,
    /// On the edit form: "on" when the account is disabled.
    #[serde(default)]
    pub disabled: Option<String>,
}

struct Checked {
    role: Role,
    area_code: String,
    display_name: String,
}

/// Checks role, area and name; the area must exist at the role's level.
async fn check_common(
    db: &PgPool,
    input: &UserInput,
    errors: &mut FieldErrors,
) -> Result<Option<Checked>, AppError> {
    let display_name = input.display_name.trim().to_string();
    if display_name.chars().count() > 120 {
        errors.add_with("display_name", "err.too_long", &["120"]);
    }
    let role = Role::parse(input.role.trim());
    if role.is_none() {
        errors.add("role", "err.bad_role");
    }
    let code = input.area_code.trim().to_string();
    let area = if code.is_empty() {
        errors.add("area_code", "err.required");
        None
    } else if code.len() > 5 || !code.chars().all(|c| c.is_ascii_digit()) {
        errors.add("area_code", "err.unknown_area");
        None
    } else {
        let a = area_ref(db, &code).await?;
        if a.is_none() {
            errors.add("area_code", "err.unknown_area");
        }
        a
    };
    if let (Some(role), Some(area)) = (role, &area)
        && area.level != role.area_level()
    {
        errors.add_with(
            "area_code",
            "err.role_area_mismatch",
            &[role.area_level().as_str()],
        );
    }
    Ok(match (role, area) {
        (Some(role), Some(_)) if errors.is_empty() => Some(Checked {
            role,
            area_code: code,
            display_name,
        }),
        _ => None,
    })
}

/// Creates a user after checking every field; field errors otherwise
/// (a taken username is a 409).
pub async fn create_user(
    db: &PgPool,
    actor: &Actor,
    now: DateTime<Utc>,
    input: &UserInput,
) -> Result<i64, AppError> {
    let mut errors = FieldErrors::default();
    let username = Username::parse(&input.username)
        .map_err(|k| errors.add("username", k))
        .ok();
    if let Err(k) = check_password(&input.password) {
        errors.add_with("password", k, &["200"]);
    }
    let checked = check_common(db, input, &mut errors).await?;
    let (Some(username), Some(c)) = (username, checked) else {
        return Err(AppError::Invalid(errors));
    };
    errors.into_result()?;
    let hash = password::hash(input.password.clone()).await?;
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "insert into users (username, display_name, password_hash, role, area_code, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $6) returning id",
    )
    .bind(username.as_str())
    .bind(&c.display_name)
    .bind(&hash)
    .bind(c.role.as_str())
    .bind(&c.area_code)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| AppError::on_constraint(e, "users_username_key", "username", "err.username_taken"))?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            area_code: Some(&c.area_code),
            action: "create",
            entity: "user",
            entity_id: id.to_string(),
            old: None,
            new: Some(serde_json::json!({
                "username": username.as_str(), "display_name": c.display_name,
                "role": c.role.as_str(), "area_code": c.area_code,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A user as listed and edited.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub area_code: String,
    pub area_name: String,
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl UserRow {
    fn role_key(&self) -> &'static str {
        Role::parse(&self.role).map_or("role.commune", Role::label_key)
    }
}

const USER_SELECT: &str = "select u.id, u.username, u.display_name, u.role, u.area_code,
    a.name as area_name, u.disabled_at, u.created_at
    from users u join areas a on a.code = u.area_code";

/// Changes role, area, name, password or the disabled flag of a user.
async fn update_user(
    db: &PgPool,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    input: &UserInput,
) -> Result<(), AppError> {
    let mut errors = FieldErrors::default();
    let new_password = !input.password.is_empty();
    if new_password && let Err(k) = check_password(&input.password) {
        errors.add_with("password", k, &["200"]);
    }
    let checked = check_common(db, input, &mut errors).await?;
    let Some(c) = checked else {
        return Err(AppError::Invalid(errors));
    };
    errors.into_result()?;
    let hash = if new_password {
        Some(password::hash(input.password.clone()).await?)
    } else {
        None
    };
    let disabled = input.disabled.as_deref() == Some("on");
    let mut tx = db.begin().await?;
    let old: UserRow = sqlx::query_as(&format!("{USER_SELECT} where u.id = $1 for update of u"))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let disabled_at = match (disabled, old.disabled_at) {
        (true, Some(at)) => Some(at),
        (true, None) => Some(now),
        (false, _) => None,
    };
    sqlx::query(
        "update users set display_name = $2, role = $3, area_code = $4, disabled_at = $5,
           password_hash = coalesce($6, password_hash), updated_at = $7
         where id = $1",
    )
    .bind(id)
    .bind(&c.display_name)
    .bind(c.role.as_str())
    .bind(&c.area_code)
    .bind(disabled_at)
    .bind(hash)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if disabled {
        // A disabled account loses its API tokens at once.
        sqlx::query(
            "update api_tokens set revoked_at = $2 where user_id = $1 and revoked_at is null",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            area_code: Some(&c.area_code),
            action: "update",
            entity: "user",
            entity_id: id.to_string(),
            old: Some(serde_json::json!({
                "display_name": old.display_name, "role": old.role, "area_code": old.area_code,
                "disabled": old.disabled_at.is_some(),
            })),
            new: Some(serde_json::json!({
                "display_name": c.display_name, "role": c.role.as_str(), "area_code": c.area_code,
                "disabled": disabled, "password_changed": new_password,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Operator command: sets a user's password.
pub async fn set_password(
    conn: &mut PgConnection,
    username: &str,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let done =
        sqlx::query("update users set password_hash = $2, updated_at = $3 where username = $1")
            .bind(username)
            .bind(hash)
            .bind(now)
            .execute(&mut *conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

// ---------------------------------------------------------------- pages

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
    let users = sqlx::query_as(&format!(
        "{USER_SELECT} where ($1 = '' or u.username like '%' || $1 || '%' or u.area_code = $1)
         order by u.area_code, u.username limit 500"
    ))
    .bind(&q)
    .fetch_all(&state.db)
    .await?;
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
    let row: UserRow = sqlx::query_as(&format!("{USER_SELECT} where u.id = $1"))
        .bind(id)
        .fetch_optional(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
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
    let username: String = sqlx::query_scalar("select username from users where id = $1")
        .bind(id)
        .fetch_optional(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
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
    let row = sqlx::query_as(&format!("{USER_SELECT} where u.id = $1"))
        .bind(id)
        .fetch_one(&state.db)
        .await?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lower_case_ascii_of_sensible_length() {
        assert_eq!(
            Username::parse(" LienNinh.01 ").unwrap().as_str(),
            "lienninh.01"
        );
        assert_eq!(Username::parse("ab"), Err("err.username_format"));
        assert_eq!(Username::parse("liên ninh"), Err("err.username_format"));
        assert_eq!(Username::parse(&"a".repeat(65)), Err("err.username_format"));
        assert_eq!(
            Username::parse("a'; drop table users;--"),
            Err("err.username_format")
        );
    }

    #[test]
    fn passwords_need_ten_characters_counted_as_letters_not_bytes() {
        assert_eq!(check_password("ngắnquá"), Err("err.password_short"));
        assert_eq!(check_password("đủ mười ký"), Ok(()));
        assert_eq!(check_password(&"x".repeat(201)), Err("err.too_long"));
    }
}
