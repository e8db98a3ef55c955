//! Users as stored: loading the signed-in user, creating and changing users.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

use crate::domain::account::{UserInput, Username, check_display_name, check_password};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::password;
use crate::domain::policy::{CurrentUser, Role};
use crate::storage::ResultExt;
use crate::storage::areas::area_ref;
use crate::storage::audit::{self, Actor, Entry};

/// Loads an enabled user with their area and session generation (a session
/// signed in under another generation has ended).
pub async fn load_session_user(
    db: &PgPool,
    id: i64,
) -> Result<Option<(CurrentUser, i32)>, AppError> {
    let row = sqlx::query!(
        "select id, username, display_name, role, area_code, session_generation from users
         where id = $1 and disabled_at is null",
        id
    )
    .fetch_optional(db)
    .await?;
    let Some(r) = row else {
        return Ok(None);
    };
    let (id, username, display_name, role, area_code, generation) = (
        r.id,
        r.username,
        r.display_name,
        r.role,
        r.area_code,
        r.session_generation,
    );
    let area = crate::storage::areas::area_ref(db, &area_code)
        .await?
        .ok_or(AppError::NotFound)?;
    let role = Role::parse(&role).ok_or_else(|| anyhow::anyhow!("unknown role {role}"))?;
    Ok(Some((
        CurrentUser {
            id,
            username,
            display_name,
            role,
            area,
            token_id: None,
        },
        generation,
    )))
}

/// Ends every session of a user and revokes every API token, at once (a
/// changed password, a disabled account). Call it inside the change's own
/// transaction.
pub async fn end_sessions(
    conn: &mut PgConnection,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    sqlx::query!(
        "update users set session_generation = session_generation + 1 where id = $1",
        user_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "update api_tokens set revoked_at = $2 where user_id = $1 and revoked_at is null",
        user_id,
        now as _
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
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
    if let Err(k) = check_display_name(&display_name) {
        errors.add_with("display_name", k, &["120"]);
    }
    let role = Role::parse(input.role.trim());
    if role.is_none() {
        errors.add("role", "err.bad_role");
    }
    let code = input.area_code.trim().to_string();
    let area = if code.is_empty() {
        errors.add("area_code", "err.required");
        None
    } else if crate::domain::forms::has_bidi_controls(&code) {
        errors.add("area_code", "err.bidi_chars");
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
    let mut tx = crate::storage::db::begin(db).await?;
    let id: i64 = sqlx::query_scalar!(
        "insert into users (username, display_name, password_hash, role, area_code, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $6) returning id",
        username.as_str(),
        c.display_name,
        hash,
        c.role.as_str(),
        c.area_code,
        now as _
    )
    .fetch_one(&mut *tx)
    .await
    .on_constraint("users_username_key", "username", "err.username_taken")?;
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
#[derive(Debug, Clone, serde::Serialize)]
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
    /// The catalogue key of the user's role.
    pub fn role_key(&self) -> &'static str {
        Role::parse(&self.role).map_or("role.commune", Role::label_key)
    }
}

/// Selects users with their area's name; `$tail` is the rest of the query
/// (sqlx's macros take only literals joined by `+`).
macro_rules! select_users {
    ($tail:tt, $($arg:expr),* $(,)?) => {
        sqlx::query_as!(
            UserRow,
            r#"select u.id, u.username, u.display_name, u.role, u.area_code,
                 a.name as area_name, u.disabled_at as "disabled_at: _", u.created_at as "created_at: _"
               from users u join areas a on a.code = u.area_code "# + $tail,
            $($arg),*
        )
    };
}

/// Users whose name contains `q` or whose area is `q` (all when empty).
pub async fn list(db: &PgPool, q: &str) -> Result<Vec<UserRow>, AppError> {
    Ok(select_users!(
        "where ($1 = '' or u.username like '%' || $1 || '%' or u.area_code = $1)
         order by u.area_code, u.username limit 500",
        q
    )
    .fetch_all(db)
    .await?)
}

/// A user by id (404 when there is none).
pub async fn by_id(db: &PgPool, id: i64) -> Result<UserRow, AppError> {
    select_users!("where u.id = $1", id)
        .fetch_optional(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// An enabled user's id, password hash and session generation, for signing in.
pub async fn credentials(
    db: &PgPool,
    username: &str,
) -> Result<Option<(i64, String, i32)>, AppError> {
    Ok(sqlx::query!(
        "select id, password_hash, session_generation from users
         where username = $1 and disabled_at is null",
        username
    )
    .fetch_optional(db)
    .await?
    .map(|r| (r.id, r.password_hash, r.session_generation)))
}

/// Changes role, area, name, password or the disabled flag of a user.
pub async fn update_user(
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
    let mut tx = crate::storage::db::begin(db).await?;
    let old = select_users!("where u.id = $1 for update of u", id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let disabled_at = match (disabled, old.disabled_at) {
        (true, Some(at)) => Some(at),
        (true, None) => Some(now),
        (false, _) => None,
    };
    sqlx::query!(
        "update users set display_name = $2, role = $3, area_code = $4, disabled_at = $5,
           password_hash = coalesce($6, password_hash), updated_at = $7
         where id = $1",
        id,
        c.display_name,
        c.role.as_str(),
        c.area_code,
        disabled_at as _,
        hash,
        now as _
    )
    .execute(&mut *tx)
    .await?;
    if disabled || new_password {
        // A disabled account, or one whose password changed, loses its
        // sessions and API tokens at once.
        end_sessions(&mut tx, id, now).await?;
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

/// Where a user is signed in: one sign-in still open.
#[derive(Debug, Clone)]
pub struct SignIn {
    pub id: i64,
    pub signed_in_at: DateTime<Utc>,
    pub address: String,
    pub user_agent: String,
}

/// Notes a sign-in, in the sign-in's own transaction; its id (kept in the
/// session, so sign-out removes it).
pub async fn record_sign_in(
    conn: &mut PgConnection,
    user_id: i64,
    generation: i32,
    now: DateTime<Utc>,
    address: &str,
    user_agent: &str,
) -> Result<i64, AppError> {
    let agent: String = user_agent.chars().take(300).collect();
    Ok(sqlx::query_scalar!(
        "insert into sign_ins (user_id, generation, signed_in_at, address, user_agent)
         values ($1, $2, $3, $4, $5) returning id",
        user_id,
        generation,
        now as _,
        address,
        agent
    )
    .fetch_one(conn)
    .await?)
}

/// Forgets a sign-in at sign-out.
pub async fn forget_sign_in(db: &PgPool, user_id: i64, id: i64) -> Result<(), AppError> {
    sqlx::query!(
        "delete from sign_ins where id = $1 and user_id = $2",
        id,
        user_id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The sign-ins of a user still open: of the current session generation,
/// since `since` (the oldest a session may be), newest first.
pub async fn open_sign_ins(
    db: &PgPool,
    user_id: i64,
    since: DateTime<Utc>,
) -> Result<Vec<SignIn>, AppError> {
    Ok(sqlx::query_as!(
        SignIn,
        r#"select s.id, s.signed_in_at as "signed_in_at: _", s.address, s.user_agent
           from sign_ins s join users u on u.id = s.user_id
           where s.user_id = $1 and s.generation = u.session_generation and s.signed_in_at > $2
           order by s.signed_in_at desc, s.id desc limit 50"#,
        user_id,
        since as _
    )
    .fetch_all(db)
    .await?)
}

/// Ends every session and API token of `user` (their own "sign out
/// everywhere", from a computer left signed in), with an audit row.
pub async fn sign_out_everywhere(
    db: &PgPool,
    actor: &Actor,
    user: &crate::domain::policy::CurrentUser,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = crate::storage::db::begin(db).await?;
    end_sessions(&mut tx, user.id, now).await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            area_code: Some(&user.area.code),
            action: "update",
            entity: "user",
            entity_id: user.id.to_string(),
            old: None,
            new: Some(serde_json::json!({ "signed_out_everywhere": true })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Operator command: sets a user's password, ends the user's sessions and
/// revokes their tokens, with an audit row, in one transaction.
pub async fn set_password(
    conn: &mut PgConnection,
    actor: &Actor,
    username: &str,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    use sqlx::Connection;
    let mut tx = conn.begin().await?;
    let row = sqlx::query!(
        "update users set password_hash = $2, updated_at = $3 where username = $1
         returning id, area_code",
        username,
        hash,
        now as _
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(r) = row else {
        return Ok(false);
    };
    let (id, area_code) = (r.id, r.area_code);
    end_sessions(&mut tx, id, now).await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            area_code: Some(&area_code),
            action: "update",
            entity: "user",
            entity_id: id.to_string(),
            old: None,
            new: Some(serde_json::json!({ "password_changed": true })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

// ---------------------------------------------------------------- pages
