//! Inspections (kiểm tra, tổng kiểm tra): a team sent by a directive's
//! issuer visits a unit it may task and records what it found. A "not met"
//! verdict opens a task for the inspected unit under the same directive, due
//! at the follow-up deadline, in the inspection's own transaction.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};

use super::directives::DirectiveRow;
use super::tasks::{
    ASSIGNED_AREA, ASSIGNED_UNIT, Assignee, DIRECTIVE, DIRECTIVE_NUMBER, ISSUER_CODE, OWNER_CODE,
    TaskRow, TaskValues, owner_of, read_assignee, split,
};
use super::{Stored, placed_at};
use crate::domain::area::AreaRef;
use crate::domain::error::AppError;
use crate::domain::fields::{NAME_MAX, Spec, Table};
use crate::domain::forms::{Check, Paging, Raw, Vocab};
use crate::domain::policy::{Action, CurrentUser, RecordKind};
use crate::domain::vocab::Verdict;
use crate::storage::audit::{self, Actor, Entry};

const UNIT_NAME: Spec = Spec::text("unit_name", "inspections.unit", NAME_MAX)
    .read_only()
    .always();
/// Who inspected.
pub const TEAM: Spec = Spec::text("team", "inspections.team", NAME_MAX).required();
/// When.
pub const VISITED_ON: Spec = Spec::past_date("visited_on", "inspections.visited_on").required();
/// What was found.
pub const FINDINGS: Spec = Spec::lines("findings", "inspections.findings", 4000).required();
/// Met or not met.
pub const VERDICT: Spec = Spec::choice(
    "verdict",
    "inspections.verdict",
    Verdict::VALUES,
    Verdict::PREFIX,
)
.required();
/// When the unit must have put right what was not met (required then).
pub const FOLLOW_UP_DUE: Spec =
    Spec::date("follow_up_due", "inspections.follow_up_due").hint("inspections.follow_up_hint");
const TASK: Spec = Spec::reference("task_id", "tasks.title").read_only();

/// An inspection with its unit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InspectionRow {
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
    pub unit_name: String,
    pub owner_code: String,
    #[serde(skip)]
    pub owner_name: String,
    #[serde(skip)]
    pub owner_level: String,
    #[serde(skip)]
    pub owner_parent: Option<String>,
    pub team: String,
    pub visited_on: NaiveDate,
    pub findings: String,
    pub verdict: String,
    pub follow_up_due: Option<NaiveDate>,
    /// The task a "not met" verdict opened.
    pub task_id: Option<i64>,
    pub version: i32,
}

impl InspectionRow {
    /// The inspected unit's area.
    pub fn owner(&self) -> AreaRef {
        placed_at(
            &self.owner_code,
            &self.owner_name,
            &self.owner_level,
            self.owner_parent.as_deref(),
            &self.city_code,
        )
    }
}

/// An inspection that passed every check.
pub struct InspectionValues {
    pub directive_id: i64,
    /// The area that inspected: the directive's issuer, or an area the
    /// directive reaches, over the areas below it.
    pub issuer: AreaRef,
    /// That area, where it is not the directive's issuer.
    pub by_code: Option<String>,
    pub unit: Assignee,
    pub owner_code: String,
    pub team: String,
    pub visited_on: NaiveDate,
    pub findings: String,
    pub verdict: Verdict,
    pub follow_up_due: Option<NaiveDate>,
}

/// The inspection list has no filter beyond its area.
pub struct NoFilter;

macro_rules! select_inspections {
    ($tail:tt $(+ $more:tt)*, $($arg:expr),* $(,)?) => {
        sqlx::query_as!(
            InspectionRow,
            r#"select n.id, n.directive_id, d.number as directive_number, d.city_code,
                 coalesce(n.by_code, d.issuer_code) as "issuer_code!",
                 i.name as issuer_name, i.level as issuer_level, i.parent_code as issuer_parent,
                 n.area_code, n.unit_id, coalesce(u.name, ta.name) as "unit_name!",
                 n.owner_code, o.name as owner_name, o.level as owner_level, o.parent_code as owner_parent,
                 n.team, n.visited_on as "visited_on: _", n.findings, n.verdict,
                 n.follow_up_due as "follow_up_due: _", n.task_id, n.version
               from inspections n join directives d on d.id = n.directive_id
               join areas i on i.code = coalesce(n.by_code, d.issuer_code) left join areas ip on ip.code = i.parent_code
               join areas o on o.code = n.owner_code left join areas op on op.code = o.parent_code
               left join areas ta on ta.code = n.area_code left join units u on u.id = n.unit_id "# + $tail $(+ $more)*,
            $($arg),*
        )
    };
}

impl Stored for InspectionRow {
    type Values = InspectionValues;
    type Filter = NoFilter;
    const KIND: RecordKind = RecordKind::Inspection;
    const ENTITY: &'static str = "inspection";
    const FIELDS: Table = &[
        DIRECTIVE,
        DIRECTIVE_NUMBER,
        ISSUER_CODE,
        ASSIGNED_AREA,
        ASSIGNED_UNIT,
        UNIT_NAME,
        OWNER_CODE,
        TEAM,
        VISITED_ON,
        FINDINGS,
        VERDICT,
        FOLLOW_UP_DUE,
        TASK,
    ];

    row_accessors!(serialize);

    /// The directive's issuer sends the team and keeps the record.
    fn area(&self) -> AreaRef {
        placed_at(
            &self.issuer_code,
            &self.issuer_name,
            &self.issuer_level,
            self.issuer_parent.as_deref(),
            &self.city_code,
        )
    }

    fn values_json(v: &InspectionValues) -> Value {
        let (area_code, unit_id) = split(&v.unit);
        json!({"directive_id": v.directive_id, "area_code": area_code, "unit_id": unit_id,
            "team": v.team, "visited_on": v.visited_on, "findings": v.findings,
            "verdict": v.verdict.as_str(), "follow_up_due": v.follow_up_due})
    }

    placed_and_loaded!(issuer, select_inspections, "where n.id = $1");

    /// Read by those who may read the issuer, and by the inspected unit's area.
    async fn readable(&self, _db: &PgPool, user: &CurrentUser) -> Result<bool, AppError> {
        Ok(user.can(Action::ReadArea(&self.area())) || user.can(Action::ReadArea(&self.owner())))
    }

    async fn check(
        db: &PgPool,
        user: &CurrentUser,
        raw: &Raw,
        today: NaiveDate,
        existing: Option<&Self>,
    ) -> Result<InspectionValues, AppError> {
        let mut c = Check::on(raw, today);
        let directive_id = match existing {
            Some(n) => Some(n.directive_id),
            None => c.int_of(&DIRECTIVE),
        };
        let (field, unit) = read_assignee(&mut c, raw);
        let team = c.text_of(&TEAM);
        let visited_on = c.date_of(&VISITED_ON);
        let findings = c.text_of(&FINDINGS);
        let verdict = c.choice_of::<Verdict>(&VERDICT);
        let follow_up_due = c.date_of(&FOLLOW_UP_DUE);
        // "Not met" must say by when it is put right.
        if verdict == Some(Verdict::NotMet)
            && follow_up_due.is_none()
            && raw.get("follow_up_due").is_empty()
        {
            c.fail("follow_up_due", "err.required");
        }
        if let (Some(v), Some(f)) = (visited_on, follow_up_due)
            && f < v
        {
            c.fail("follow_up_due", "err.date_order");
        }
        let Some(directive_id) = directive_id else {
            return Err(AppError::Invalid(c.errors));
        };
        let Some(directive) = DirectiveRow::load(db, today, directive_id).await? else {
            c.errors.add("directive_id", "err.unknown_directive");
            return Err(AppError::Invalid(c.errors));
        };
        let issuer = match existing {
            Some(n) => n.area(),
            None => inspecting_area(db, user, &directive).await?,
        };
        if !user.can(Action::WriteRecord(Self::KIND, &issuer)) {
            return Err(AppError::Forbidden);
        }
        let by_code = (issuer.code != directive.issuer_code).then(|| issuer.code.clone());
        let owner_code = owner_of(db, &issuer, unit.as_ref()).await?;
        if unit.is_some() && owner_code.is_none() {
            c.errors.add(field, "err.assignee");
        }
        checked!(c => InspectionValues {
            unit, owner_code, team, visited_on, findings, verdict;
            directive_id, issuer, by_code,
            follow_up_due: if verdict == Verdict::NotMet { follow_up_due } else { None }
        })
    }

    fn filter(_raw: &Raw, _today: NaiveDate) -> Result<NoFilter, AppError> {
        Ok(NoFilter)
    }

    /// Inspections sent by, or made in, the area or any area under it.
    async fn query(
        db: &PgPool,
        _today: NaiveDate,
        area: &AreaRef,
        _f: &NoFilter,
        paging: Paging,
    ) -> Result<(Vec<Self>, i64), AppError> {
        let total = sqlx::query_scalar!(
            r#"select count(*) as "n!" from inspections n join directives d on d.id = n.directive_id
               join areas i on i.code = coalesce(n.by_code, d.issuer_code) left join areas ip on ip.code = i.parent_code
               join areas o on o.code = n.owner_code left join areas op on op.code = o.parent_code
               where $1 in (i.code, i.parent_code, ip.parent_code, o.code, o.parent_code, op.parent_code)"#,
            area.code
        )
        .fetch_one(db)
        .await?;
        let rows = select_inspections!(
            "where $1 in (i.code, i.parent_code, ip.parent_code, o.code, o.parent_code, op.parent_code)
             order by n.visited_on desc, n.id desc limit $2 offset $3",
            area.code,
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
        v: &InspectionValues,
    ) -> Result<i64, AppError> {
        let (area_code, unit_id) = split(&v.unit);
        Ok(sqlx::query_scalar!(
            "insert into inspections (directive_id, area_code, unit_id, owner_code, team, visited_on, findings,
               verdict, follow_up_due, created_at, updated_at, by_code)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11) returning id",
            v.directive_id,
            area_code,
            unit_id,
            v.owner_code,
            v.team,
            v.visited_on as _,
            v.findings,
            v.verdict.as_str(),
            v.follow_up_due as _,
            now as _,
            v.by_code
        )
        .fetch_one(conn)
        .await?)
    }

    /// A "not met" verdict opens its task, once (also when an edit turns
    /// the verdict), with the task's own audit row.
    async fn after_save(
        conn: &mut PgConnection,
        actor: &Actor,
        now: DateTime<Utc>,
        id: i64,
        v: &InspectionValues,
    ) -> Result<(), AppError> {
        let opened = sqlx::query_scalar!("select task_id from inspections where id = $1", id)
            .fetch_one(&mut *conn)
            .await?;
        if v.verdict != Verdict::NotMet || opened.is_some() {
            return Ok(());
        }
        // The inspecting area follows what it found.
        let task = TaskValues {
            directive_id: v.directive_id,
            issuer: v.issuer.clone(),
            by_code: v.by_code.clone(),
            assignee: v.unit.clone(),
            owner_code: v.owner_code.clone(),
            what: format!(
                "Khắc phục sau kiểm tra ngày {}: {}",
                v.visited_on.format("%d/%m/%Y"),
                v.findings
            )
            .chars()
            .take(2000)
            .collect(),
            due_on: v.follow_up_due,
        };
        let task_id = TaskRow::insert(conn, now, &task).await?;
        sqlx::query!(
            "update inspections set task_id = $2 where id = $1",
            id,
            task_id
        )
        .execute(&mut *conn)
        .await?;
        let entry = Entry {
            area_code: Some(&v.issuer.code),
            action: "create",
            entity: TaskRow::ENTITY,
            entity_id: task_id.to_string(),
            old: None,
            new: Some(
                json!({"inspection_id": id, "what": task.what, "due_on": task.due_on,
                "owner_code": task.owner_code}),
            ),
        };
        audit::record(conn, now, actor, entry).await
    }

    async fn update(
        conn: &mut PgConnection,
        now: DateTime<Utc>,
        old: &Self,
        version: i32,
        v: &InspectionValues,
    ) -> Result<bool, AppError> {
        let (area_code, unit_id) = split(&v.unit);
        let done = sqlx::query!(
            "update inspections set area_code = $3, unit_id = $4, owner_code = $5, team = $6, visited_on = $7,
               findings = $8, verdict = $9, follow_up_due = $10, version = version + 1, updated_at = $11
             where id = $1 and version = $2",
            old.id,
            version,
            area_code,
            unit_id,
            v.owner_code,
            v.team,
            v.visited_on as _,
            v.findings,
            v.verdict.as_str(),
            v.follow_up_due as _,
            now as _
        )
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

/// The area a new inspection against `directive` is made by: its issuer,
/// when the user may write there; else the user's own area, when the
/// directive is sent to it (it then inspects the areas below it). 403
/// when neither.
async fn inspecting_area(
    db: &PgPool,
    user: &CurrentUser,
    directive: &DirectiveRow,
) -> Result<AreaRef, AppError> {
    let issuer = directive.area();
    if user.can(Action::WriteRecord(RecordKind::Inspection, &issuer)) {
        return Ok(issuer);
    }
    let reached = sqlx::query_scalar!(
        r#"select exists (select 1 from directive_targets
             where directive_id = $1 and area_code = $2) as "e!""#,
        directive.id,
        user.area.code
    )
    .fetch_one(db)
    .await?;
    if reached && user.can(Action::WriteRecord(RecordKind::Inspection, &user.area)) {
        Ok(user.area.clone())
    } else {
        Err(AppError::Forbidden)
    }
}
