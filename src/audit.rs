//! The audit log: every write records who, when, what, old and new values,
//! in the same transaction as the write. Its page is filtered by the
//! reader's jurisdiction.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::PgConnection;

use crate::AppState;
use crate::auth::{Action, CurrentUser};
use crate::error::AppError;
use crate::web::Page;

/// Who made a change.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The user, or `None` for an operator command.
    pub user_id: Option<i64>,
    /// The user's name, or what ran the command (e.g. `system:import`).
    pub username: String,
}

impl Actor {
    /// An operator command run from the shell.
    pub fn system(what: &str) -> Self {
        Self {
            user_id: None,
            username: format!("system:{what}"),
        }
    }
}

impl From<&CurrentUser> for Actor {
    fn from(u: &CurrentUser) -> Self {
        Self {
            user_id: Some(u.id),
            username: u.username.clone(),
        }
    }
}

/// One change.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// The area the changed record belongs to (for filtering by jurisdiction).
    pub area_code: Option<&'a str>,
    /// `create`, `update`, `void`, `sign_in`…
    pub action: &'a str,
    /// The kind of record: `user`, `area`, `case`…
    pub entity: &'a str,
    /// The record's id.
    pub entity_id: String,
    /// The values before, for an update.
    pub old: Option<Value>,
    /// The values after.
    pub new: Option<Value>,
}

/// Writes one audit row; call it inside the write's own transaction.
pub async fn record(
    conn: &mut PgConnection,
    at: DateTime<Utc>,
    actor: &Actor,
    entry: Entry<'_>,
) -> Result<(), AppError> {
    sqlx::query(
        "insert into audit_log (at, user_id, username, area_code, action, entity, entity_id, old_value, new_value)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(at)
    .bind(actor.user_id)
    .bind(&actor.username)
    .bind(entry.area_code)
    .bind(entry.action)
    .bind(entry.entity)
    .bind(entry.entity_id)
    .bind(entry.old)
    .bind(entry.new)
    .execute(conn)
    .await?;
    Ok(())
}

/// Routes of the audit page.
pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(audit_page))
}

/// Filters of the audit page, as typed.
#[derive(Debug, Default, serde::Deserialize)]
pub struct AuditFilter {
    #[serde(default)]
    user: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    page: Option<i64>,
}

/// A row on the audit page.
#[derive(sqlx::FromRow)]
pub struct AuditRow {
    pub at: DateTime<Utc>,
    pub username: String,
    pub area_code: Option<String>,
    pub area_name: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub old_value: Option<Value>,
    pub new_value: Option<Value>,
}

impl AuditRow {
    /// A JSON value as compact text for the table.
    pub fn show(v: &Option<Value>) -> String {
        v.as_ref().map(|v| v.to_string()).unwrap_or_default()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
struct AuditPage {
    page: Page,
    filter: AuditFilter,
    rows: Vec<AuditRow>,
    total: i64,
    page_no: i64,
    pages: i64,
}

impl AuditPage {
    fn page_href(&self, n: i64) -> String {
        use crate::web::url_encode as e;
        format!(
            "/audit?user={}&area={}&from={}&to={}&page={n}",
            e(&self.filter.user),
            e(&self.filter.area),
            e(&self.filter.from),
            e(&self.filter.to)
        )
    }
}

const PAGE_SIZE: i64 = 50;

async fn audit_page(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(filter): Query<AuditFilter>,
) -> Result<AuditPage, AppError> {
    user.authorize(Action::ReadAudit(&user.area))?;
    let area = filter.area.trim();
    if !area.is_empty() {
        let a = crate::areas::area_ref(&state.db, area)
            .await?
            .ok_or(AppError::NotFound)?;
        user.authorize(Action::ReadAudit(&a))?;
    }
    let day = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    let from = day(&filter.from);
    let to = day(&filter.to).and_then(|d| d.succ_opt());
    let page_no = filter.page.unwrap_or(1).max(1);
    let username = filter.user.trim().to_lowercase();
    // Each bound is optional; $1 is the reader's jurisdiction, $2 the area asked for.
    const WHERE: &str = "
        from audit_log l
        left join areas a on a.code = l.area_code
        left join areas p on p.code = a.parent_code
        where ($1::text is null or l.area_code = $1 or a.parent_code = $1 or p.parent_code = $1)
          and ($2::text is null or l.area_code = $2 or a.parent_code = $2 or p.parent_code = $2)
          and ($3::text is null or l.username = $3)
          and ($4::date is null or l.at >= ($4::date::timestamp at time zone 'Asia/Ho_Chi_Minh'))
          and ($5::date is null or l.at < ($5::date::timestamp at time zone 'Asia/Ho_Chi_Minh'))";
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let total: i64 = sqlx::query_scalar(&format!("select count(*) {WHERE}"))
        .bind(user.scope())
        .bind(opt(area))
        .bind(opt(&username))
        .bind(from)
        .bind(to)
        .fetch_one(&state.db)
        .await?;
    let rows: Vec<AuditRow> = sqlx::query_as(&format!(
        "select l.at, l.username, l.area_code, a.name as area_name, l.action, l.entity,
                l.entity_id, l.old_value, l.new_value
         {WHERE} order by l.at desc, l.id desc limit $6 offset $7"
    ))
    .bind(user.scope())
    .bind(opt(area))
    .bind(opt(&username))
    .bind(from)
    .bind(to)
    .bind(PAGE_SIZE)
    .bind((page_no - 1) * PAGE_SIZE)
    .fetch_all(&state.db)
    .await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    Ok(AuditPage {
        page,
        filter,
        rows,
        total,
        page_no,
        pages,
    })
}
