//! The records of DESIGN §3 as stored. Each record is a row type that
//! implements [`Stored`]: how it is checked, loaded, listed, inserted and
//! updated. [`save`] is the one versioned write every record goes through:
//! transaction, stale check, audit row, commit.

/// The accessors of a row with `id` and `version` fields, inside an
/// `impl Stored`; with `serialize`, also the row itself as its JSON value.
macro_rules! row_accessors {
    () => {
        fn id(&self) -> i64 {
            self.id
        }

        fn version(&self) -> i32 {
            self.version
        }
    };
    (serialize) => {
        row_accessors!();

        fn json_value(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap_or_default()
        }
    };
}

/// `Stored::area` for a row placed at any level, with `area_code`,
/// `area_name`, `area_level`, `parent_code` and `city_code` fields.
macro_rules! placed_by_area_fields {
    () => {
        fn area(&self) -> crate::domain::area::AreaRef {
            super::placed_at(
                &self.area_code,
                &self.area_name,
                &self.area_level,
                self.parent_code.as_deref(),
                &self.city_code,
            )
        }
    };
}

/// `Stored::query` of a short list read by its `select_…!` macro: how
/// many rows its `where` holds (counted over `$from`, the table and its
/// alias) and one page of them in its order. The `where`'s parameters come
/// first (`|area, filter|` name what they are bound from), then the page's
/// limit and offset.
macro_rules! listed_where {
    ($select:ident, $from:tt, $where:tt, $order:tt; |$area:ident, $f:ident| $($arg:expr),+ $(,)?) => {
        async fn query(
            db: &sqlx::PgPool,
            _today: chrono::NaiveDate,
            $area: &crate::domain::area::AreaRef,
            $f: &Self::Filter,
            paging: crate::domain::forms::Paging,
        ) -> Result<(Vec<Self>, i64), crate::domain::error::AppError> {
            let total = sqlx::query_scalar!(
                r#"select count(*) as "n!" from "# + $from + " " + $where,
                $($arg),+
            )
            .fetch_one(db)
            .await?;
            let rows = $select!($where + " " + $order, $($arg,)+ paging.limit, paging.offset)
                .fetch_all(db)
                .await?;
            Ok((rows, total))
        }
    };
}

/// The end of a record's check: with no error, its values from the
/// checked fields (those before `;` required: a failed check left them
/// `None`; those after as they are); else 422 with every error beside its
/// field.
macro_rules! checked {
    ($c:expr => $ty:ident { $($req:ident),* ; $($rest:tt)* }) => {{
        let c = $c;
        match ($($req,)*) {
            ($(Some($req),)*) if c.ok() => Ok($ty { $($req,)* $($rest)* }),
            _ => Err(crate::domain::error::AppError::Invalid(c.errors)),
        }
    }};
}

/// `Stored::values_json` of a record whose checked values serialise as the
/// audit log keeps them.
macro_rules! values_serialized {
    () => {
        fn values_json(v: &Self::Values) -> serde_json::Value {
            serde_json::to_value(v).unwrap_or_default()
        }
    };
}

/// `Stored::values_area` and `Stored::load` of a record read by its
/// `select_…!` macro: the values' area field, the macro, and the `where`
/// that finds one row by its id (`$1`; `$2` after today `with today`).
macro_rules! placed_and_loaded {
    ($field:ident, $select:ident, $by_id:tt) => {
        placed_and_loaded!(@area $field);

        async fn load(
            db: &sqlx::PgPool,
            _today: chrono::NaiveDate,
            id: i64,
        ) -> Result<Option<Self>, crate::domain::error::AppError> {
            Ok($select!($by_id, id).fetch_optional(db).await?)
        }
    };
    ($field:ident, $select:ident, $by_id:tt, with today) => {
        placed_and_loaded!(@area $field);

        async fn load(
            db: &sqlx::PgPool,
            today: chrono::NaiveDate,
            id: i64,
        ) -> Result<Option<Self>, crate::domain::error::AppError> {
            Ok($select!($by_id, today as _, id).fetch_optional(db).await?)
        }
    };
    (@area $field:ident) => {
        fn values_area(v: &Self::Values) -> &crate::domain::area::AreaRef {
            &v.$field
        }
    };
}

/// `Stored::insert` and `Stored::update` of a record whose edit writes the
/// columns its creation does: the table, its columns and their parameters
/// (`$1…$k`, then now, the id and the version) stated once, and the values
/// bound to them (`|v, codes|`: the checked values and the codes of their
/// area). Both statements stay checked by sqlx at build time; an update
/// names its columns as a row (`set (a, b) = ($1, $2)`) so that the one
/// list serves both.
macro_rules! written_as {
    ($table:tt ($cols:tt) = ($params:tt), now $now:tt, id $id:tt, version $version:tt;
     |$v:ident, $codes:ident| $($arg:expr),+ $(,)?) => {
        written_as!(@both $table ($cols) = ($params), now $now, id $id, version $version,
            refused []; |$v, $codes| $($arg),+);
    };
    // A constraint a write may break that is the user's to fix: its
    // violation is the catalogue `key` beside `field` (409), not a fault.
    ($table:tt ($cols:tt) = ($params:tt), now $now:tt, id $id:tt, version $version:tt,
     refused $constraint:literal => $field:literal $key:literal;
     |$v:ident, $codes:ident| $($arg:expr),+ $(,)?) => {
        written_as!(@both $table ($cols) = ($params), now $now, id $id, version $version,
            refused [$constraint, $field, $key]; |$v, $codes| $($arg),+);
    };
    (@both $table:tt ($cols:tt) = ($params:tt), now $now:tt, id $id:tt, version $version:tt,
     refused [$($refused:tt)*]; |$v:ident, $codes:ident| $($arg:expr),+) => {
        async fn insert(
            conn: &mut sqlx::PgConnection,
            now: chrono::DateTime<chrono::Utc>,
            $v: &Self::Values,
        ) -> Result<i64, crate::domain::error::AppError> {
            let $codes = crate::domain::area::Codes::of(Self::values_area($v));
            let id = sqlx::query_scalar!(
                "insert into " + $table + " (" + $cols + ", created_at, updated_at) values ("
                    + $params + ", " + $now + ", " + $now + ") returning id",
                $($arg,)+
                now as _
            )
            .fetch_one(conn)
            .await;
            written_as!(@refused id $($refused)*)
        }

        async fn update(
            conn: &mut sqlx::PgConnection,
            now: chrono::DateTime<chrono::Utc>,
            old: &Self,
            version: i32,
            $v: &Self::Values,
        ) -> Result<bool, crate::domain::error::AppError> {
            let $codes = crate::domain::area::Codes::of(Self::values_area($v));
            let done = sqlx::query!(
                "update " + $table + " set (" + $cols + ", version, updated_at) = ("
                    + $params + ", version + 1, " + $now + ") where id = " + $id
                    + " and version = " + $version,
                $($arg,)+
                now as _,
                old.id,
                version
            )
            .execute(conn)
            .await;
            Ok(written_as!(@refused done $($refused)*)?.rows_affected() == 1)
        }
    };
    (@refused $r:ident) => {
        $r.map_err(crate::domain::error::AppError::from)
    };
    (@refused $r:ident $constraint:literal, $field:literal, $key:literal) => {
        crate::storage::ResultExt::on_constraint($r, $constraint, $field, $key)
    };
}

pub mod cases;
pub mod checkpoints;
pub mod clusters;
pub mod contacts;
pub mod daily;
pub mod directives;
pub mod hotlines;
pub mod inspections;
pub mod lockdowns;
pub mod sites;
pub mod tasks;
pub mod testing;
pub mod units;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};

use crate::domain::area::{AreaRef, Level};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::fields::{Kind, Spec, Table};
use crate::domain::forms::{Check, Cursor, Paging, Raw};
use crate::domain::policy::{Action, CurrentUser, RecordKind};
use crate::storage::areas::area_ref;
use crate::storage::audit::{self, Actor, Entry};
use crate::storage::idempotency::{self, IdempotencyKey};

/// A record as stored: its checks, its SQL and what the audit log keeps.
pub trait Stored: Sized + Send + Sync + Unpin + 'static {
    /// Values that passed every check, ready to store.
    type Values: Send + Sync;
    /// A list's filters, checked.
    type Filter: Send + Sync + 'static;

    /// What the policy calls this kind of record.
    const KIND: RecordKind;
    /// Its name in the audit log.
    const ENTITY: &'static str;
    /// Its fields, described once: the form, the check's limits, the
    /// export's columns and the API document's schemas follow this table.
    const FIELDS: Table;

    /// The record's id.
    fn id(&self) -> i64;
    /// The version an edit must carry.
    fn version(&self) -> i32;
    /// The area the record is placed at: reads and writes are decided on it.
    fn area(&self) -> AreaRef;
    /// The record as JSON without personal details: the audit log's "old"
    /// value, and the API's answer unless the record says otherwise.
    fn json_value(&self) -> Value;
    /// Where checked values place the record.
    fn values_area(v: &Self::Values) -> &AreaRef;
    /// Checked values as the audit log keeps them ("new").
    fn values_json(v: &Self::Values) -> Value;

    /// Loads a record by id, whoever asks (callers decide who may read it).
    fn load(
        db: &PgPool,
        today: NaiveDate,
        id: i64,
    ) -> impl Future<Output = Result<Option<Self>, AppError>> + Send;

    /// Whether `user` may read this record; most records by their area.
    fn readable(
        &self,
        _db: &PgPool,
        user: &CurrentUser,
    ) -> impl Future<Output = Result<bool, AppError>> + Send {
        let ok = user.can(Action::ReadArea(&self.area()));
        async move { Ok(ok) }
    }

    /// Checks a form or a JSON body; `existing` is the record being edited.
    /// A place outside the user's jurisdiction is 403 and nothing is written.
    fn check(
        db: &PgPool,
        user: &CurrentUser,
        raw: &Raw,
        today: NaiveDate,
        existing: Option<&Self>,
    ) -> impl Future<Output = Result<Self::Values, AppError>> + Send;

    /// Checks a list's filters (dates within the window around `today`).
    fn filter(raw: &Raw, today: NaiveDate) -> Result<Self::Filter, AppError>;

    /// One page of the records under `area`, and how many there are
    /// (counted up to [`Paging::COUNT_CAP`] where a list can be that long;
    /// -1 when `paging.count` is false and the record did not count).
    /// A record with a [`Stored::cursor`] takes `paging.after`: the rows
    /// after that place in the list's order.
    fn query(
        db: &PgPool,
        today: NaiveDate,
        area: &AreaRef,
        filter: &Self::Filter,
        paging: Paging,
    ) -> impl Future<Output = Result<(Vec<Self>, i64), AppError>> + Send;

    /// Where this row stands in its list's order, for the next page to
    /// start after it (keyset paging); `None` for a record whose list pages
    /// by OFFSET only (short lists).
    fn cursor(&self) -> Option<Cursor> {
        None
    }

    /// Inserts checked values; the id.
    fn insert(
        conn: &mut PgConnection,
        now: DateTime<Utc>,
        v: &Self::Values,
    ) -> impl Future<Output = Result<i64, AppError>> + Send;

    /// Writes that follow a save of record `id` in its transaction (an
    /// inspection's task), each with its own audit row by the same actor.
    fn after_save(
        _conn: &mut PgConnection,
        _actor: &Actor,
        _now: DateTime<Utc>,
        _id: i64,
        _v: &Self::Values,
    ) -> impl Future<Output = Result<(), AppError>> + Send {
        async { Ok(()) }
    }

    /// Updates `old` if it is still at `version`; `false` when it is not.
    fn update(
        conn: &mut PgConnection,
        now: DateTime<Utc>,
        old: &Self,
        version: i32,
        v: &Self::Values,
    ) -> impl Future<Output = Result<bool, AppError>> + Send;
}

/// A write of checked values: a new record, or an edit of `old` made against `version`.
pub enum Write<'a, R> {
    /// A new record.
    Create,
    /// An edit of the stored record, made against the version read.
    Update(&'a R, i32),
}

/// The one versioned save, inside the caller's transaction: insert or
/// update (a stale version is 409 on `version`), then the audit row.
pub async fn save_in<R: Stored>(
    conn: &mut PgConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    write: Write<'_, R>,
    v: &R::Values,
) -> Result<i64, AppError> {
    let (id, action, old) = match write {
        Write::Create => (R::insert(conn, now, v).await?, "create", None),
        Write::Update(old, version) => {
            if !R::update(conn, now, old, version, v).await? {
                return Err(stale());
            }
            (old.id(), "update", Some(old.json_value()))
        }
    };
    let entry = Entry {
        area_code: Some(&R::values_area(v).code),
        action,
        entity: R::ENTITY,
        entity_id: id.to_string(),
        old,
        new: Some(R::values_json(v)),
    };
    audit::record(conn, now, actor, entry).await?;
    R::after_save(conn, actor, now, id, v).await?;
    Ok(id)
}

/// [`save_in`] in a transaction of its own.
pub async fn save<R: Stored>(
    db: &PgPool,
    actor: &Actor,
    now: DateTime<Utc>,
    write: Write<'_, R>,
    v: &R::Values,
) -> Result<i64, AppError> {
    let mut tx = crate::storage::db::begin(db).await?;
    let id = save_in(&mut tx, actor, now, write, v).await?;
    tx.commit().await?;
    Ok(id)
}

/// A new record stored at most once per idempotency key: a key this
/// actor already used answers with the id stored under it (`true`: this
/// call stored it). The key is claimed and settled in the record's own
/// transaction, beside its audit row.
pub async fn create_once<R: Stored>(
    db: &PgPool,
    actor: &Actor,
    now: DateTime<Utc>,
    key: Option<&IdempotencyKey>,
    v: &R::Values,
) -> Result<(i64, bool), AppError> {
    let mut tx = crate::storage::db::begin(db).await?;
    if let Some(e) = idempotency::claim(&mut tx, actor, key, R::ENTITY, now).await? {
        return Ok((stored_id(&e.entity_id)?, false));
    }
    let id = save_in::<R>(&mut tx, actor, now, Write::Create, v).await?;
    idempotency::settle(&mut tx, actor, key, &id.to_string(), true).await?;
    tx.commit().await?;
    Ok((id, true))
}

/// The id of the record of `R` stored earlier under `key` by this actor.
pub async fn created_under<R: Stored>(
    db: &PgPool,
    actor: &Actor,
    key: Option<&IdempotencyKey>,
) -> Result<Option<i64>, AppError> {
    idempotency::earlier(db, actor, key, R::ENTITY)
        .await?
        .map(|e| stored_id(&e.entity_id))
        .transpose()
}

fn stored_id(entity_id: &str) -> Result<i64, AppError> {
    entity_id
        .parse()
        .map_err(|_| AppError::Internal(anyhow::anyhow!("idempotency key without its record")))
}

/// Lists known to hold more than [`Paging::COUNT_CAP`] rows, and since
/// when. Page 1 of a long list says "more than 10.000" from this memo for
/// [`OVER_CAP_FOR`] instead of counting 10,001 rows on every view (a third
/// of the city list's cost at 1,000,000 cases). A list that long does not
/// fall back under the cap in a minute; one that might (a few thousand
/// rows, counted exactly) is counted every time.
static OVER_CAP: std::sync::LazyLock<
    std::sync::Mutex<std::collections::HashMap<String, std::time::Instant>>,
> = std::sync::LazyLock::new(Default::default);

/// How long a list found longer than the cap is taken to still be.
const OVER_CAP_FOR: std::time::Duration = std::time::Duration::from_secs(60);

/// Most lists remembered at once (the memo is emptied past it).
const OVER_CAP_LISTS: usize = 10_000;

/// The key of a list for [`counted_up_to_cap`]: its database, area and filters.
pub fn list_key(db: &PgPool, area: &AreaRef, filter: &impl std::fmt::Debug) -> String {
    format!(
        "{}|{}|{:?}",
        db.connect_options().get_database().unwrap_or(""),
        area.code,
        filter
    )
}

/// `count` (a count capped just past [`Paging::COUNT_CAP`]), unless the list
/// of `key` was found longer than the cap within the last minute.
pub async fn counted_up_to_cap(
    key: String,
    count: impl Future<Output = Result<i64, AppError>>,
) -> Result<i64, AppError> {
    let now = std::time::Instant::now();
    let known = OVER_CAP
        .lock()
        .ok()
        .and_then(|m| m.get(&key).copied())
        .is_some_and(|at| now.duration_since(at) < OVER_CAP_FOR);
    if known {
        return Ok(Paging::COUNT_CAP + 1);
    }
    let n = count.await?;
    if n > Paging::COUNT_CAP
        && let Ok(mut m) = OVER_CAP.lock()
    {
        if m.len() >= OVER_CAP_LISTS {
            m.clear();
        }
        m.insert(key, now);
    }
    Ok(n)
}

/// How a long list newest first is read: its rows' select (ending in its
/// table and alias), that table and alias alone for the count, and the date
/// column it is ordered by (with the alias's `id` after it).
pub struct DatedList<'a> {
    pub select: &'a str,
    pub from: &'a str,
    pub date: &'a str,
}

/// One page of a [`DatedList`] under the `where` that `conditions` pushes
/// (it starts with " where "): counted up to just past the cap (remembered
/// under `key` while over it, see [`counted_up_to_cap`]); after a cursor,
/// the rows past it, read on in the level's index (no OFFSET to walk).
pub async fn dated_page<'q, R>(
    db: &PgPool,
    list: DatedList<'_>,
    key: String,
    conditions: impl Fn(&mut sqlx::QueryBuilder<'q, sqlx::Postgres>),
    paging: Paging,
) -> Result<(Vec<R>, i64), AppError>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    let mut count =
        sqlx::QueryBuilder::new(format!("select count(*) from (select 1 from {}", list.from));
    conditions(&mut count);
    count
        .push(" limit ")
        .push_bind(Paging::COUNT_CAP + 1)
        .push(") capped");
    let count = async {
        let n = async { Ok(count.build_query_scalar().fetch_one(db).await?) };
        counted_up_to_cap(key, n).await
    };
    let alias = list.date.split('.').next().unwrap_or("");
    let mut rows = sqlx::QueryBuilder::new(list.select);
    conditions(&mut rows);
    if let Some(after) = &paging.after {
        let (day, id) = after.date_key()?;
        rows.push(format_args!(" and ({}, {alias}.id) < (", list.date))
            .push_bind(day)
            .push(", ")
            .push_bind(id)
            .push(")");
    }
    rows.push(format_args!(
        " order by {} desc, {alias}.id desc limit ",
        list.date
    ))
    .push_bind(paging.limit)
    .push(" offset ")
    .push_bind(paging.offset);
    let rows = async { Ok(rows.build_query_as().fetch_all(db).await?) };
    page_and_total(&paging, rows, count).await
}

/// A page's rows, then the list's total when `paging` asks for it: a page
/// that shows the list's end is its own count (see [`Paging::whole_list`]),
/// so `count` runs only for a full page.
pub async fn page_and_total<R>(
    paging: &Paging,
    rows: impl Future<Output = Result<Vec<R>, AppError>>,
    count: impl Future<Output = Result<i64, AppError>>,
) -> Result<(Vec<R>, i64), AppError> {
    let rows = rows.await?;
    let total = match paging.whole_list(rows.len()) {
        _ if !paging.count => -1,
        Some(n) => n,
        None => count.await?,
    };
    Ok((rows, total))
}

/// The 409 of a stale edit.
pub fn stale() -> AppError {
    let mut f = FieldErrors::default();
    f.add("version", "err.stale");
    AppError::Conflict(f)
}

/// Resolves an area code typed into `field` and checks that the user may
/// write a record of `kind` there: an unknown code is a field error, a code
/// outside the user's jurisdiction is 403 (DESIGN §4), and nothing is
/// written either way. `commune_only` refuses a district or the city.
pub async fn writable_area(
    db: &PgPool,
    user: &CurrentUser,
    kind: RecordKind,
    code: Option<String>,
    field: &str,
    commune_only: bool,
    errors: &mut FieldErrors,
) -> Result<Option<AreaRef>, AppError> {
    let Some(code) = code else { return Ok(None) };
    let Some(area) = area_ref(db, &code).await? else {
        errors.add(field, "err.unknown_area");
        return Ok(None);
    };
    if !user.can(Action::WriteRecord(kind, &area)) {
        return Err(AppError::Forbidden);
    }
    if commune_only && area.level != Level::Commune {
        errors.add(field, "err.not_a_commune");
        return Ok(None);
    }
    Ok(Some(area))
}

/// The area a record's checked values place it at, read from its field
/// `f` (an area or a commune code): an unknown code, or another level where
/// a commune is needed, is an error beside the field; a place outside the
/// user's jurisdiction is 403 and nothing is written.
pub async fn area_of(
    db: &PgPool,
    user: &CurrentUser,
    kind: RecordKind,
    c: &mut Check<'_>,
    f: &Spec,
) -> Result<Option<AreaRef>, AppError> {
    let code = c.code_of(f);
    let commune_only = matches!(f.kind, Kind::Area { commune: true });
    writable_area(db, user, kind, code, f.name, commune_only, &mut c.errors).await
}

/// The communes a user may write records in, for a form's select.
pub async fn writable_communes(
    db: &PgPool,
    user: &CurrentUser,
) -> Result<Vec<(String, String)>, AppError> {
    let rows = sqlx::query!(
        "select a.code, a.name from areas a left join areas p on p.code = a.parent_code
         where a.level = 'commune' and ($1::text is null or a.code = $1 or a.parent_code = $1 or p.parent_code = $1)
         order by a.name collate \"vi-x-icu\"",
        user.scope()
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.code, r.name)).collect())
}

/// The area of a record placed at `code` of `level` (as stored) under
/// `parent`, with the city as grandparent of a commune.
pub fn placed_at(code: &str, name: &str, level: &str, parent: Option<&str>, city: &str) -> AreaRef {
    let level = Level::parse(level).unwrap_or(Level::Commune);
    AreaRef {
        code: code.to_string(),
        name: name.to_string(),
        level,
        parent_code: parent.map(str::to_string),
        grandparent_code: (level == Level::Commune).then(|| city.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_list_found_longer_than_the_cap_is_not_counted_again_within_the_minute() {
        let key = "test-db|01|long list".to_string();
        let over = counted_up_to_cap(key.clone(), async { Ok(Paging::COUNT_CAP + 1) }).await;
        assert_eq!(over.unwrap(), Paging::COUNT_CAP + 1);
        let again = counted_up_to_cap(key, async { Err(AppError::NotFound) }).await;
        assert_eq!(again.unwrap(), Paging::COUNT_CAP + 1, "not counted again");
        // A short list is counted every time.
        let key = "test-db|00682|short list".to_string();
        assert_eq!(
            counted_up_to_cap(key.clone(), async { Ok(42) })
                .await
                .unwrap(),
            42
        );
        assert_eq!(counted_up_to_cap(key, async { Ok(41) }).await.unwrap(), 41);
    }
}
