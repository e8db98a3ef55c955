//! The audit trail: every write records who, when, what, old and new
//! values, in the same transaction as the write.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};

use crate::domain::error::AppError;
use crate::domain::policy::CurrentUser;

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

/// Writes one audit row; call it inside the write's own transaction. A
/// user's entry that concerns no area (a sign-in, an API token) is filed
/// under the user's own area, so it is read within their province only.
pub async fn record(
    conn: &mut PgConnection,
    at: DateTime<Utc>,
    actor: &Actor,
    entry: Entry<'_>,
) -> Result<(), AppError> {
    sqlx::query!(
        "insert into audit_log (at, user_id, username, area_code, action, entity, entity_id, old_value, new_value)
         values ($1, $2, $3, coalesce($4, (select area_code from users where id = $2)), $5, $6, $7, $8, $9)",
        at as _,
        actor.user_id,
        actor.username,
        entry.area_code,
        entry.action,
        entry.entity,
        entry.entity_id,
        entry.old,
        entry.new
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A row on the audit page.
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
    /// Drops the network address a sign-in or a token came from, for a
    /// reader who may not see it.
    pub fn hide_addresses(&mut self) {
        if !matches!(self.entity.as_str(), "session" | "api_token") {
            return;
        }
        for v in [&mut self.old_value, &mut self.new_value]
            .into_iter()
            .flatten()
        {
            if let Value::Object(map) = v {
                map.remove("address");
            }
        }
    }

    /// Puts a ten-year age band where a case's year of birth stands, for a
    /// reader who may not read personal details (DESIGN §3).
    pub fn hide_birth_years(&mut self) {
        if self.entity != "case" {
            return;
        }
        let on = crate::domain::clock::local_date(self.at);
        for v in [&mut self.old_value, &mut self.new_value]
            .into_iter()
            .flatten()
        {
            if let Value::Object(map) = v
                && let Some(year) = map.remove("birth_year")
            {
                let detected = map
                    .get("detected_on")
                    .and_then(Value::as_str)
                    .and_then(crate::domain::forms::parse_date)
                    .unwrap_or(on);
                let band = year
                    .as_i64()
                    .and_then(|y| crate::domain::person::age_band(y as i32, detected));
                map.insert("age_band".into(), band.into());
            }
        }
    }
}

/// What the audit page asks for; each bound is optional.
#[derive(Debug, Default)]
pub struct AuditQuery<'a> {
    /// The reader's jurisdiction (`None` for the whole city).
    pub scope: Option<&'a str>,
    /// An area the reader picked.
    pub area: Option<String>,
    /// A username.
    pub username: Option<String>,
    /// First day, inclusive.
    pub from: Option<NaiveDate>,
    /// Day after the last, exclusive.
    pub to: Option<NaiveDate>,
}

/// One page of the audit log, newest first, and the total.
pub async fn page(
    db: &PgPool,
    q: &AuditQuery<'_>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<AuditRow>, i64), AppError> {
    // $1 is the reader's jurisdiction, $2 the area asked for; each bound is
    // optional. sqlx's macros take only literals, hence the macro.
    macro_rules! audit_query {
        ($kind:ident, [$($out:ty)?], $head:tt, $tail:tt, $($arg:expr),*) => {
            sqlx::$kind!(
                $($out,)?
                $head + r#"
                from audit_log l
                left join areas a on a.code = l.area_code
                left join areas p on p.code = a.parent_code
                where ($1::text is null or l.area_code = $1 or a.parent_code = $1 or p.parent_code = $1)
                  and ($2::text is null or l.area_code = $2 or a.parent_code = $2 or p.parent_code = $2)
                  and ($3::text is null or l.username = $3)
                  and ($4::date is null or l.at >= ($4::date::timestamp at time zone 'Asia/Ho_Chi_Minh'))
                  and ($5::date is null or l.at < ($5::date::timestamp at time zone 'Asia/Ho_Chi_Minh'))
                "# + $tail,
                $($arg),*
            )
        };
    }
    let total = audit_query!(
        query_scalar,
        [],
        r#"select count(*) as "n!""#,
        "",
        q.scope,
        q.area,
        q.username,
        q.from as _,
        q.to as _
    )
    .fetch_one(db)
    .await?;
    let rows = audit_query!(
        query_as,
        [AuditRow],
        r#"select l.at as "at: _", l.username, l.area_code as "area_code?", a.name as "area_name?",
             l.action, l.entity, l.entity_id, l.old_value, l.new_value"#,
        "order by l.at desc, l.id desc limit $6 offset $7",
        q.scope,
        q.area,
        q.username,
        q.from as _,
        q.to as _,
        limit,
        offset
    )
    .fetch_all(db)
    .await?;
    Ok((rows, total))
}
