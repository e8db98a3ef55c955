//! Tasks (giao nhiệm vụ): a directive assigns each unit what it is to do by
//! when — an area below the issuer, or a department of the issuer's own area
//! — and the unit reports on it (received, in progress, done). The area that
//! answers for a task (`owner_code`: the area itself, or the department's
//! area) reports on it, and the boards count it there.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};

use super::directives::DirectiveRow;
use super::{Stored, placed_at};
use crate::domain::area::AreaRef;
use crate::domain::error::AppError;
use crate::domain::fields::{NAME_MAX, NOTE_MAX, Spec, Table};
use crate::domain::forms::{Check, Paging, Raw, Vocab};
use crate::domain::policy::{Action, CurrentUser, RecordKind};
use crate::domain::vocab::ReportStatus;
use crate::storage::areas::area_ref;
use crate::storage::audit::{self, Actor, Entry};

/// The directive a task or an inspection follows.
pub const DIRECTIVE: Spec = Spec::reference("directive_id", "tasks.directive_id").required();
/// The directive's number, looked up.
pub const DIRECTIVE_NUMBER: Spec = Spec::text("directive_number", "tasks.directive", 60)
    .read_only()
    .always();
/// The directive's issuer, looked up.
pub const ISSUER_CODE: Spec = Spec::area("issuer_code", "directives.issuer")
    .read_only()
    .always()
    .unexported();
/// An area below the issuer that answers for it (or `unit_id`).
pub const ASSIGNED_AREA: Spec = Spec::area("area_code", "tasks.assignee").unexported();
/// A department of the issuer's area that answers for it (or `area_code`).
pub const ASSIGNED_UNIT: Spec = Spec::reference("unit_id", "tasks.assignee").unexported();
/// The area that answers for it: the assigned area, or the issuer for a department.
pub const OWNER_CODE: Spec = Spec::area("owner_code", "tasks.of_area")
    .read_only()
    .always();
const ASSIGNEE_NAME: Spec = Spec::text("assignee_name", "tasks.assignee", NAME_MAX)
    .read_only()
    .always();
pub const WHAT: Spec = Spec::lines("what", "tasks.what", 2000).required();
pub const DUE_ON: Spec = Spec::date("due_on", "tasks.due_on");
const STATUS: Spec = Spec::choice(
    "status",
    "tasks.status",
    ReportStatus::VALUES,
    ReportStatus::PREFIX,
)
.read_only();
const NOTE: Spec = Spec::text("note", "tasks.note", NOTE_MAX)
    .read_only()
    .always();
const REPORTED_ON: Spec = Spec::date("reported_on", "tasks.reported_on").read_only();
const OVERDUE: Spec = Spec::boolean("overdue", "tasks.overdue")
    .read_only()
    .always();

/// A task with its unit and its latest report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TaskRow {
    pub id: i64,
    pub directive_id: i64,
    pub directive_number: String,
    #[serde(skip)]
    pub city_code: String,
    pub issuer_code: String,
    #[serde(skip)]
    pub issuer_name: String,
    #[serde(skip)]
    pub issuer_level: String,
    #[serde(skip)]
    pub issuer_parent: Option<String>,
    pub area_code: Option<String>,
    pub unit_id: Option<i64>,
    /// The unit by its name ("Công an quận Nam Từ Liêm", "Phường Cầu Diễn").
    pub assignee_name: String,
    pub owner_code: String,
    #[serde(skip)]
    pub owner_name: String,
    #[serde(skip)]
    pub owner_level: String,
    #[serde(skip)]
    pub owner_parent: Option<String>,
    pub what: String,
    pub due_on: Option<NaiveDate>,
    pub status: Option<String>,
    pub note: String,
    pub reported_on: Option<NaiveDate>,
    pub overdue: bool,
    pub version: i32,
}

impl TaskRow {
    /// The area that answers for the task and reports on it.
    pub fn owner(&self) -> AreaRef {
        placed_at(
            &self.owner_code,
            &self.owner_name,
            &self.owner_level,
            self.owner_parent.as_deref(),
            &self.city_code,
        )
    }

    /// Whether it is done.
    pub fn done(&self) -> bool {
        self.status.as_deref() == Some("done")
    }
}

/// Who a task goes to.
#[derive(Debug, Clone, PartialEq)]
pub enum Assignee {
    /// An area below the issuer.
    Area(String),
    /// A department of the issuer's area.
    Unit(i64),
}

/// A task that passed every check.
pub struct TaskValues {
    pub directive_id: i64,
    /// Who assigns and edits the task: the directive's issuer, or the area
    /// whose inspection opened it.
    pub issuer: AreaRef,
    /// That area, where it is not the directive's issuer.
    pub by_code: Option<String>,
    pub assignee: Assignee,
    /// The area that answers for it.
    pub owner_code: String,
    pub what: String,
    pub due_on: Option<NaiveDate>,
}

/// A task list's filters.
pub struct TaskFilter {
    /// Only tasks not done.
    pub open: bool,
    /// Only the tasks of this directive.
    pub directive_id: Option<i64>,
}

/// Selects tasks; `$1` is today, `$tail` the rest of the query.
macro_rules! select_tasks {
    ($tail:tt $(+ $more:tt)*, $($arg:expr),* $(,)?) => {
        sqlx::query_as!(
            TaskRow,
            r#"select t.id, t.directive_id, d.number as directive_number, d.city_code,
                 coalesce(t.by_code, d.issuer_code) as "issuer_code!",
                 i.name as issuer_name, i.level as issuer_level, i.parent_code as issuer_parent,
                 t.area_code, t.unit_id, coalesce(u.name, ta.name) as "assignee_name!",
                 t.owner_code, o.name as owner_name, o.level as owner_level, o.parent_code as owner_parent,
                 t.what, t.due_on as "due_on: _", t.status, t.note, t.reported_on as "reported_on: _",
                 coalesce(t.due_on < $1 and t.status is distinct from 'done', false) as "overdue!",
                 t.version
               from tasks t join directives d on d.id = t.directive_id
               join areas i on i.code = coalesce(t.by_code, d.issuer_code) left join areas ip on ip.code = i.parent_code
               join areas o on o.code = t.owner_code left join areas op on op.code = o.parent_code
               left join areas ta on ta.code = t.area_code left join units u on u.id = t.unit_id "# + $tail $(+ $more)*,
            $($arg),*
        )
    };
}

impl Stored for TaskRow {
    type Values = TaskValues;
    type Filter = TaskFilter;
    const KIND: RecordKind = RecordKind::Task;
    const ENTITY: &'static str = "task";
    const FIELDS: Table = &[
        DIRECTIVE,
        DIRECTIVE_NUMBER,
        ISSUER_CODE,
        ASSIGNED_AREA,
        ASSIGNED_UNIT,
        ASSIGNEE_NAME,
        OWNER_CODE,
        WHAT,
        DUE_ON,
        STATUS,
        NOTE,
        REPORTED_ON,
        OVERDUE,
    ];

    row_accessors!(serialize);

    /// The directive's issuer assigns and edits the task.
    fn area(&self) -> AreaRef {
        placed_at(
            &self.issuer_code,
            &self.issuer_name,
            &self.issuer_level,
            self.issuer_parent.as_deref(),
            &self.city_code,
        )
    }

    fn values_json(v: &TaskValues) -> Value {
        let (area_code, unit_id) = match &v.assignee {
            Assignee::Area(c) => (Some(c.clone()), None),
            Assignee::Unit(u) => (None, Some(*u)),
        };
        json!({"directive_id": v.directive_id, "area_code": area_code, "unit_id": unit_id,
            "owner_code": v.owner_code, "what": v.what, "due_on": v.due_on})
    }

    placed_and_loaded!(issuer, select_tasks, "where t.id = $2", with today);

    /// Read by those who may read the issuer, and by the unit's area.
    async fn readable(&self, _db: &PgPool, user: &CurrentUser) -> Result<bool, AppError> {
        Ok(user.can(Action::ReadArea(&self.area())) || user.can(Action::ReadArea(&self.owner())))
    }

    async fn check(
        db: &PgPool,
        user: &CurrentUser,
        raw: &Raw,
        today: NaiveDate,
        existing: Option<&Self>,
    ) -> Result<TaskValues, AppError> {
        let mut c = Check::on(raw, today);
        let directive_id = match existing {
            Some(t) => Some(t.directive_id),
            None => c.int_of(&DIRECTIVE),
        };
        let what = c.text_of(&WHAT);
        let due_on = c.date_of(&DUE_ON);
        let (field, assignee) = read_assignee(&mut c, raw);
        let Some(directive_id) = directive_id else {
            return Err(AppError::Invalid(c.errors));
        };
        let Some(directive) = DirectiveRow::load(db, today, directive_id).await? else {
            c.errors.add("directive_id", "err.unknown_directive");
            return Err(AppError::Invalid(c.errors));
        };
        // A task stays with the area that gave it (an inspection's may be
        // given by an area the directive reaches).
        let issuer = existing.map_or_else(|| directive.area(), |t| t.area());
        if !user.can(Action::WriteRecord(Self::KIND, &issuer)) {
            return Err(AppError::Forbidden);
        }
        let by_code = (issuer.code != directive.issuer_code).then(|| issuer.code.clone());
        if let Some(d) = due_on
            && d < directive.issued_on
        {
            c.errors.add("due_on", "err.date_order");
        }
        let owner_code = owner_of(db, &issuer, assignee.as_ref()).await?;
        if assignee.is_some() && owner_code.is_none() {
            c.errors.add(field, "err.assignee");
        }
        checked!(c => TaskValues {
            assignee, owner_code, what;
            directive_id, issuer, by_code,
            // A task without its own deadline has the directive's.
            due_on: due_on.or(directive.due_on)
        })
    }

    fn filter(raw: &Raw, _today: NaiveDate) -> Result<TaskFilter, AppError> {
        let mut c = Check::new(raw);
        let directive_id = c.int("directive_id", false, 1, i64::MAX);
        c.finish()?;
        Ok(TaskFilter {
            open: matches!(raw.get("open"), "1" | "true" | "on"),
            directive_id,
        })
    }

    /// Tasks assigned by, or to, the area or any area under it.
    async fn query(
        db: &PgPool,
        today: NaiveDate,
        area: &AreaRef,
        f: &TaskFilter,
        paging: Paging,
    ) -> Result<(Vec<Self>, i64), AppError> {
        let total = sqlx::query_scalar!(
            r#"select count(*) as "n!" from tasks t join directives d on d.id = t.directive_id
               join areas i on i.code = coalesce(t.by_code, d.issuer_code) left join areas ip on ip.code = i.parent_code
               join areas o on o.code = t.owner_code left join areas op on op.code = o.parent_code
               where $1 in (i.code, i.parent_code, ip.parent_code, o.code, o.parent_code, op.parent_code)
                 and ($2::bigint is null or t.directive_id = $2)
                 and (not $3 or t.status is distinct from 'done')"#,
            area.code,
            f.directive_id,
            f.open
        )
        .fetch_one(db)
        .await?;
        let rows = select_tasks!(
            "where $2 in (i.code, i.parent_code, ip.parent_code, o.code, o.parent_code, op.parent_code)
               and ($3::bigint is null or t.directive_id = $3)
               and (not $4 or t.status is distinct from 'done')
             order by (t.due_on < $1 and t.status is distinct from 'done') desc, t.due_on nulls last, t.id
             limit $5 offset $6",
            today as _,
            area.code,
            f.directive_id,
            f.open,
            paging.limit,
            paging.offset
        )
        .fetch_all(db)
        .await?;
        Ok((rows, total))
    }

    async fn insert(
        conn: &mut PgConnection,
        now: DateTime<Utc>,
        v: &TaskValues,
    ) -> Result<i64, AppError> {
        let (area_code, unit_id) = split(&v.assignee);
        Ok(sqlx::query_scalar!(
            "insert into tasks (directive_id, area_code, unit_id, owner_code, what, due_on, created_at, updated_at, by_code)
             values ($1, $2, $3, $4, $5, $6, $7, $7, $8) returning id",
            v.directive_id,
            area_code,
            unit_id,
            v.owner_code,
            v.what,
            v.due_on as _,
            now as _,
            v.by_code
        )
        .fetch_one(conn)
        .await?)
    }

    async fn update(
        conn: &mut PgConnection,
        now: DateTime<Utc>,
        old: &Self,
        version: i32,
        v: &TaskValues,
    ) -> Result<bool, AppError> {
        let (area_code, unit_id) = split(&v.assignee);
        let done = sqlx::query!(
            "update tasks set area_code = $3, unit_id = $4, owner_code = $5, what = $6, due_on = $7,
               version = version + 1, updated_at = $8
             where id = $1 and version = $2",
            old.id,
            version,
            area_code,
            unit_id,
            v.owner_code,
            v.what,
            v.due_on as _,
            now as _
        )
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

/// The unit a form or a body names: the form in one select ("a:CODE",
/// "u:ID"), the API by `area_code` or `unit_id`, which win over the form's
/// value (a PATCH starts from the stored one). The field it came in, and
/// the unit when it reads as one (an error on the field otherwise).
pub fn read_assignee(c: &mut Check<'_>, raw: &Raw) -> (&'static str, Option<Assignee>) {
    let (field, assignee) = match (
        raw.get("area_code"),
        raw.get("unit_id"),
        raw.get("assignee"),
    ) {
        (a, _, _) if !a.is_empty() => ("area_code", Some(Assignee::Area(a.to_string()))),
        (_, u, _) if !u.is_empty() => ("unit_id", u.parse().ok().map(Assignee::Unit)),
        (_, _, a) if !a.is_empty() => ("assignee", parse_assignee(a)),
        _ => {
            c.fail("assignee", "err.required");
            return ("assignee", None);
        }
    };
    if assignee.is_none() {
        c.fail(field, "err.assignee");
    }
    (field, assignee)
}

/// The area that answers for `assignee` when `issuer` may task it: an area
/// strictly below the issuer (itself), or an active department of the
/// issuer's own area (the issuer); `None` otherwise.
pub async fn owner_of(
    db: &PgPool,
    issuer: &AreaRef,
    assignee: Option<&Assignee>,
) -> Result<Option<String>, AppError> {
    Ok(match assignee {
        Some(Assignee::Area(code)) => match area_ref(db, code).await? {
            Some(a) if a.code != issuer.code && a.is_within(&issuer.code) => Some(a.code),
            _ => None,
        },
        Some(Assignee::Unit(id)) => {
            sqlx::query_scalar!(
                "select area_code from units where id = $1 and area_code = $2 and active",
                id,
                issuer.code
            )
            .fetch_optional(db)
            .await?
        }
        None => None,
    })
}

pub(crate) fn split(a: &Assignee) -> (Option<&str>, Option<i64>) {
    match a {
        Assignee::Area(c) => (Some(c.as_str()), None),
        Assignee::Unit(u) => (None, Some(*u)),
    }
}

/// The form's value for a unit: `a:CODE` for an area, `u:ID` for a department.
pub fn parse_assignee(s: &str) -> Option<Assignee> {
    match s.split_once(':')? {
        ("a", code) if !code.is_empty() => Some(Assignee::Area(code.to_string())),
        ("u", id) => id.parse().ok().map(Assignee::Unit),
        _ => None,
    }
}

/// The units a directive's issuer may assign tasks to: the areas directly
/// under it, then its own departments, as (form value, name).
pub async fn assignable(db: &PgPool, issuer: &str) -> Result<Vec<(String, String)>, AppError> {
    let rows = sqlx::query!(
        r#"select v as "v!", name as "name!" from (
             select 0 as k, 'a:' || code as v, name from areas where parent_code = $1
             union all select 1, 'u:' || id, name from units where area_code = $1 and active) x
           order by k, name collate "vi-x-icu""#,
        issuer
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.v, r.name)).collect())
}

/// The tasks of directive `id`.
pub async fn tasks_of(db: &PgPool, today: NaiveDate, id: i64) -> Result<Vec<TaskRow>, AppError> {
    Ok(
        select_tasks!("where t.directive_id = $2 order by t.id", today as _, id)
            .fetch_all(db)
            .await?,
    )
}

/// The open tasks `area` answers for, across every directive, the most late first.
pub async fn open_for(db: &PgPool, today: NaiveDate, area: &str) -> Result<Vec<TaskRow>, AppError> {
    Ok(select_tasks!(
        "where t.owner_code = $2 and t.status is distinct from 'done'
         order by (t.due_on < $1) desc, t.due_on nulls last, t.id limit 50",
        today as _,
        area
    )
    .fetch_all(db)
    .await?)
}

/// A unit behind on its tasks: its name, its overdue and its open tasks.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Behind {
    pub name: String,
    pub overdue: i64,
    pub open: i64,
}

/// The units in `area` (itself, or under it) with the most overdue tasks,
/// at most `limit`, counted in one query.
pub async fn behind(
    db: &PgPool,
    today: NaiveDate,
    area: &str,
    limit: i64,
) -> Result<Vec<Behind>, AppError> {
    Ok(sqlx::query_as!(
        Behind,
        r#"select coalesce(u.name, ta.name) as "name!",
             count(*) filter (where t.due_on < $2) as "overdue!", count(*) as "open!"
           from tasks t join areas o on o.code = t.owner_code left join areas op on op.code = o.parent_code
           left join units u on u.id = t.unit_id left join areas ta on ta.code = t.area_code
           where $1 in (o.code, o.parent_code, op.parent_code) and t.status is distinct from 'done'
           group by t.unit_id, t.area_code, u.name, ta.name
           having count(*) filter (where t.due_on < $2) > 0
           order by 2 desc, 1 limit $3"#,
        area,
        today as _,
        limit
    )
    .fetch_all(db)
    .await?)
}

/// A report on a task as kept: status, note, date and who reported it.
pub struct TaskReport {
    pub status: String,
    pub note: String,
    pub reported_on: NaiveDate,
    pub reporter: Option<String>,
}

/// The reports on task `id`, oldest first.
pub async fn reports_of(db: &PgPool, id: i64) -> Result<Vec<TaskReport>, AppError> {
    Ok(sqlx::query_as!(
        TaskReport,
        r#"select r.status, r.note, r.reported_on as "reported_on: _", u.display_name as "reporter?"
           from task_reports r left join users u on u.id = r.reported_by
           where r.task_id = $1 order by r.id"#,
        id
    )
    .fetch_all(db)
    .await?)
}

/// Records a report on `task` by the area that answers for it: the report is
/// kept, the task shows it, and the audit log has both.
pub async fn save_report(
    db: &PgPool,
    user: &CurrentUser,
    now: DateTime<Utc>,
    today: NaiveDate,
    task: &TaskRow,
    raw: &Raw,
) -> Result<(), AppError> {
    if !user.can(Action::WriteRecord(RecordKind::Task, &task.owner())) {
        return Err(AppError::Forbidden);
    }
    let mut c = Check::on(raw, today);
    let status = c.choice::<ReportStatus>("status", true);
    let note = c.opt_text("note", 1000);
    let day = c.date("reported_on", false, Some(today)).unwrap_or(today);
    let Some(status) = status else {
        return Err(AppError::Invalid(c.errors));
    };
    if !c.errors.is_empty() {
        return Err(AppError::Invalid(c.errors));
    }
    let status = status.as_str();
    record_report(
        db,
        &Actor::from(user),
        Some(user.id),
        now,
        task.id,
        status,
        &note,
        day,
    )
    .await
}

/// Keeps a report on task `id` and shows it on the task, with its audit row,
/// in one transaction (checks are the caller's).
#[allow(clippy::too_many_arguments)]
pub async fn record_report(
    db: &PgPool,
    actor: &Actor,
    user_id: Option<i64>,
    now: DateTime<Utc>,
    id: i64,
    status: &str,
    note: &str,
    day: NaiveDate,
) -> Result<(), AppError> {
    let mut tx = crate::storage::db::begin(db).await?;
    let old = sqlx::query!(
        r#"select owner_code, status, note, reported_on as "reported_on: NaiveDate"
           from tasks where id = $1 for update"#,
        id
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!(
        "update tasks set status = $2, note = $3, reported_on = $4, updated_at = $5 where id = $1",
        id,
        status,
        note,
        day as _,
        now as _
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into task_reports (task_id, status, note, reported_on, reported_by, created_at)
         values ($1, $2, $3, $4, $5, $6)",
        id,
        status,
        note,
        day as _,
        user_id,
        now as _
    )
    .execute(&mut *tx)
    .await?;
    let entry = Entry {
        area_code: Some(&old.owner_code),
        action: "report",
        entity: "task",
        entity_id: id.to_string(),
        old: Some(json!({"status": old.status, "note": old.note, "reported_on": old.reported_on})),
        new: Some(json!({"status": status, "note": note, "reported_on": day})),
    };
    audit::record(&mut tx, now, actor, entry).await?;
    tx.commit().await?;
    Ok(())
}
