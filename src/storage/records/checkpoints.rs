//! Checkpoints (chốt kiểm soát) and their shift reports.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgPool, Postgres, QueryBuilder};

use super::{Stored, area_of, page_and_total, placed_at};
use crate::domain::area::{AreaRef, Level, code_only};
use crate::domain::error::AppError;
use crate::domain::fields::{AREA, AREA_NAME, NAME_MAX, Spec, Table};
use crate::domain::forms::{Check, Cursor, Paging, Raw, Vocab};
use crate::domain::policy::{CurrentUser, RecordKind};
use crate::domain::vocab::{CheckpointKind, CheckpointStatus, StaffedBy};
use crate::storage::audit::{self, Actor, Entry};

const NAME: Spec = Spec::text("name", "checkpoints.name", NAME_MAX).required();
const KIND: Spec = Spec::choice(
    "kind",
    "checkpoints.kind",
    CheckpointKind::VALUES,
    CheckpointKind::PREFIX,
)
.required();
const STAFFED_BY: Spec = Spec::choice(
    "staffed_by",
    "checkpoints.staffed_by",
    StaffedBy::VALUES,
    StaffedBy::PREFIX,
)
.required();
const STATUS: Spec = Spec::choice(
    "status",
    "checkpoints.status",
    CheckpointStatus::VALUES,
    CheckpointStatus::PREFIX,
)
.required();
const STATUS_ON: Spec = Spec::past_date("status_on", "checkpoints.status_on").always();
const VIOLATIONS_TODAY: Spec = Spec::count("violations_today", "checkpoints.violations")
    .read_only()
    .always();

/// A checkpoint with today's figures.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct CheckpointRow {
    pub id: i64,
    #[serde(skip)]
    pub city_code: String,
    pub area_code: String,
    pub area_name: String,
    #[serde(skip)]
    pub area_level: String,
    #[serde(skip)]
    pub area_parent: Option<String>,
    pub name: String,
    pub kind: String,
    pub staffed_by: String,
    pub status: String,
    pub status_on: NaiveDate,
    pub version: i32,
    pub violations_today: i64,
}

/// A checkpoint that passed every check.
#[derive(serde::Serialize)]
pub struct CheckpointValues {
    #[serde(rename = "area_code", serialize_with = "code_only")]
    pub area: AreaRef,
    pub name: String,
    pub kind: CheckpointKind,
    pub staffed_by: StaffedBy,
    pub status: CheckpointStatus,
    pub status_on: NaiveDate,
}

/// Filters of the checkpoint list.
pub struct CheckpointFilter {
    pub status: Option<CheckpointStatus>,
}

/// One shift's report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ShiftReport {
    #[serde(rename = "date")]
    pub day: NaiveDate,
    pub people_checked: i32,
    pub vehicles_checked: i32,
    pub violations: i32,
    pub fines_vnd: i64,
}

impl Stored for CheckpointRow {
    type Values = CheckpointValues;
    type Filter = CheckpointFilter;
    const KIND: RecordKind = RecordKind::Checkpoint;
    const ENTITY: &'static str = "checkpoint";
    const FIELDS: Table = &[
        AREA,
        AREA_NAME,
        NAME,
        KIND,
        STAFFED_BY,
        STATUS,
        STATUS_ON,
        VIOLATIONS_TODAY,
    ];

    row_accessors!(serialize);

    fn area(&self) -> AreaRef {
        placed_at(
            &self.area_code,
            &self.area_name,
            &self.area_level,
            self.area_parent.as_deref(),
            &self.city_code,
        )
    }

    fn values_area(v: &CheckpointValues) -> &AreaRef {
        &v.area
    }

    values_serialized!();

    async fn load(db: &PgPool, today: NaiveDate, id: i64) -> Result<Option<Self>, AppError> {
        Ok(sqlx::query_as!(
            CheckpointRow,
            r#"select k.id, k.city_code, k.area_code, a.name as area_name, a.level as area_level,
                 a.parent_code as area_parent, k.name, k.kind, k.staffed_by, k.status,
                 k.status_on as "status_on: _", k.version,
                 coalesce((select sum(r.violations) from checkpoint_reports r
                           where r.checkpoint_id = k.id and r.day = $1), 0)::int8 as "violations_today!"
               from checkpoints k join areas a on a.code = k.area_code
               where k.id = $2"#,
            today as _,
            id
        )
        .fetch_optional(db)
        .await?)
    }

    async fn check(
        db: &PgPool,
        user: &CurrentUser,
        raw: &Raw,
        today: NaiveDate,
        _existing: Option<&Self>,
    ) -> Result<CheckpointValues, AppError> {
        let mut c = Check::on(raw, today);
        let area = area_of(db, user, Self::KIND, &mut c, &AREA).await?;
        let name = c.text_of(&NAME);
        let kind = c.choice_of::<CheckpointKind>(&KIND);
        let staffed_by = c.choice_of::<StaffedBy>(&STAFFED_BY);
        let status = c.choice_of::<CheckpointStatus>(&STATUS);
        let status_on = c.date_of(&STATUS_ON).unwrap_or(today);
        checked!(c => CheckpointValues { area, name, kind, staffed_by, status; status_on })
    }

    fn filter(raw: &Raw, today: NaiveDate) -> Result<CheckpointFilter, AppError> {
        let mut c = Check::on(raw, today);
        let status = c.choice::<CheckpointStatus>("status", false);
        c.finish()?;
        Ok(CheckpointFilter { status })
    }

    async fn query(
        db: &PgPool,
        today: NaiveDate,
        area: &AreaRef,
        f: &CheckpointFilter,
        paging: Paging,
    ) -> Result<(Vec<Self>, i64), AppError> {
        let status = f.status.map(|s| s.as_str());
        // One column for the area's level, so the list reads its own index
        // in order (0014).
        let place = match area.level {
            Level::City => "k.city_code",
            Level::District => "k.district_code",
            Level::Commune => "k.area_code",
        };
        let conditions = |qb: &mut QueryBuilder<'_, Postgres>| {
            qb.push(format_args!(" where {place} = "))
                .push_bind(area.code.clone());
            if let Some(st) = status {
                qb.push(" and k.status = ").push_bind(st);
            }
        };
        let mut count = QueryBuilder::new("select count(*) from checkpoints k");
        conditions(&mut count);
        let count = async { Ok(count.build_query_scalar().fetch_one(db).await?) };
        let mut rows = QueryBuilder::new(
            "select k.id, k.city_code, k.area_code, a.name as area_name, a.level as area_level,
                 a.parent_code as area_parent, k.name, k.kind, k.staffed_by, k.status,
                 k.status_on, k.version,
                 coalesce((select sum(r.violations) from checkpoint_reports r
                           where r.checkpoint_id = k.id and r.day = ",
        );
        rows.push_bind(today)
            .push("), 0)::int8 as violations_today from checkpoints k join areas a on a.code = k.area_code");
        conditions(&mut rows);
        if let Some(after) = &paging.after {
            let (name, id) = after.text_key()?;
            rows.push(r#" and (k.name collate "vi-x-icu", k.id) > ("#)
                .push_bind(name.to_string())
                .push(r#" collate "vi-x-icu", "#)
                .push_bind(id)
                .push(")");
        }
        rows.push(r#" order by k.name collate "vi-x-icu", k.id limit "#)
            .push_bind(paging.limit)
            .push(" offset ")
            .push_bind(paging.offset);
        let rows = async { Ok(rows.build_query_as().fetch_all(db).await?) };
        page_and_total(&paging, rows, count).await
    }

    fn cursor(&self) -> Option<Cursor> {
        Some(Cursor::text(&self.name, self.id))
    }

    written_as! {
        "checkpoints" ("city_code, district_code, area_code, name, kind, staffed_by, status, status_on") = ("$1, $2, $3, $4, $5, $6, $7, $8"), now "$9", id "$10", version "$11";
        |v, codes| codes.city, codes.district, v.area.code, v.name, v.kind.as_str(), v.staffed_by.as_str(), v.status.as_str(), v.status_on as _
    }
}

/// Checks a shift report for `cp` as typed.
pub fn check_report(raw: &Raw, today: NaiveDate) -> Result<ShiftReport, AppError> {
    let mut c = Check::on(raw, today);
    let day = c.date("date", true, Some(today));
    let people = c.int("people_checked", true, 0, 10_000_000);
    let vehicles = c.int("vehicles_checked", true, 0, 10_000_000);
    let violations = c.int("violations", true, 0, 10_000_000);
    let fines = c.int("fines_vnd", true, 0, 1_000_000_000_000);
    match (day, people, vehicles, violations, fines) {
        (Some(day), Some(p), Some(v), Some(x), Some(fines_vnd)) if c.ok() => Ok(ShiftReport {
            day,
            people_checked: p as i32,
            vehicles_checked: v as i32,
            violations: x as i32,
            fines_vnd,
        }),
        _ => Err(AppError::Invalid(c.errors)),
    }
}

/// Stores one shift report with its audit row.
pub async fn insert_report(
    db: &PgPool,
    actor: &Actor,
    now: DateTime<Utc>,
    cp: &CheckpointRow,
    r: &ShiftReport,
) -> Result<i64, AppError> {
    let mut tx = crate::storage::db::begin(db).await?;
    let id = sqlx::query_scalar!(
        "insert into checkpoint_reports (checkpoint_id, day, people_checked, vehicles_checked, violations, fines_vnd, created_at)
         values ($1, $2, $3, $4, $5, $6, $7) returning id",
        cp.id,
        r.day as _,
        r.people_checked,
        r.vehicles_checked,
        r.violations,
        r.fines_vnd,
        now as _
    )
    .fetch_one(&mut *tx)
    .await?;
    let mut new = serde_json::to_value(r).unwrap_or_default();
    new["checkpoint_id"] = cp.id.into();
    let entry = Entry {
        area_code: Some(&cp.area_code),
        action: "create",
        entity: "checkpoint_report",
        entity_id: id.to_string(),
        old: None,
        new: Some(new),
    };
    audit::record(&mut tx, now, actor, entry).await?;
    tx.commit().await?;
    Ok(id)
}

/// A checkpoint's latest shift reports, newest first.
pub async fn reports(db: &PgPool, id: i64) -> Result<Vec<ShiftReport>, AppError> {
    Ok(sqlx::query_as!(
        ShiftReport,
        r#"select day as "day: _", people_checked, vehicles_checked, violations, fines_vnd
           from checkpoint_reports where checkpoint_id = $1 order by day desc, id desc limit 400"#,
        id
    )
    .fetch_all(db)
    .await?)
}
