//! Quarantine sites: capacity, occupancy (never negative, never above
//! capacity) and status, with every change of occupancy kept as history.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};

use super::{Stored, page_and_total, placed_at, writable_area};
use crate::domain::area::{AreaRef, Codes, Level};
use crate::domain::error::AppError;
use crate::domain::fields::{AREA, AREA_NAME, NAME_MAX, Spec, Table};
use crate::domain::forms::{Check, Cursor, Paging, Raw, Vocab};
use crate::domain::policy::{CurrentUser, RecordKind};
use crate::domain::vocab::{RunBy, SiteKind, SiteStatus};

const NAME: Spec = Spec::text("name", "sites.name", NAME_MAX).required();
const KIND: Spec =
    Spec::choice("kind", "sites.kind", SiteKind::VALUES, SiteKind::PREFIX).required();
const TIER: Spec = Spec::int("treatment_tier", "sites.treatment_tier", 1, 3);
const RUN_BY: Spec =
    Spec::choice("run_by", "sites.run_by", RunBy::VALUES, RunBy::PREFIX).required();
const CAPACITY: Spec = Spec::int("capacity", "sites.capacity", 0, 1_000_000).required();
const OCCUPANCY: Spec = Spec::int("occupancy", "sites.occupancy", 0, 1_000_000).required();
const STATUS: Spec = Spec::choice(
    "status",
    "sites.status",
    SiteStatus::VALUES,
    SiteStatus::PREFIX,
)
.required();
const STATUS_ON: Spec = Spec::past_date("status_on", "sites.status_on").always();

/// A site as stored.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct SiteRow {
    pub id: i64,
    #[serde(skip)]
    pub city_code: String,
    #[serde(skip)]
    pub district_code: Option<String>,
    pub area_code: String,
    pub area_name: String,
    #[serde(skip)]
    pub area_level: String,
    #[serde(skip)]
    pub area_parent: Option<String>,
    pub name: String,
    pub kind: String,
    /// The tier (1–3) of a treatment facility.
    pub treatment_tier: Option<i16>,
    pub run_by: String,
    pub capacity: i32,
    pub occupancy: i32,
    pub status: String,
    pub status_on: NaiveDate,
    pub version: i32,
}

/// A site that passed every check.
pub struct SiteValues {
    pub area: AreaRef,
    pub name: String,
    pub kind: SiteKind,
    pub treatment_tier: Option<i16>,
    pub run_by: RunBy,
    pub capacity: i32,
    pub occupancy: i32,
    pub status: SiteStatus,
    pub status_on: NaiveDate,
}

/// Filters of the site list.
pub struct SiteFilter {
    pub status: Option<SiteStatus>,
}

/// A change of occupancy, capacity or status.
pub struct Occupancy {
    pub at: DateTime<Utc>,
    pub occupancy: i32,
    pub capacity: i32,
    pub status: String,
}

async fn history(
    conn: &mut PgConnection,
    id: i64,
    now: DateTime<Utc>,
    v: &SiteValues,
) -> Result<(), AppError> {
    sqlx::query!(
        "insert into quarantine_occupancy (site_id, at, occupancy, capacity, status) values ($1, $2, $3, $4, $5)",
        id,
        now as _,
        v.occupancy,
        v.capacity,
        v.status.as_str()
    )
    .execute(conn)
    .await?;
    Ok(())
}

impl Stored for SiteRow {
    type Values = SiteValues;
    type Filter = SiteFilter;
    const KIND: RecordKind = RecordKind::Site;
    const ENTITY: &'static str = "quarantine_site";
    const FIELDS: Table = &[
        AREA, AREA_NAME, NAME, KIND, TIER, RUN_BY, CAPACITY, OCCUPANCY, STATUS, STATUS_ON,
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

    fn values_area(v: &SiteValues) -> &AreaRef {
        &v.area
    }

    fn values_json(v: &SiteValues) -> Value {
        json!({"area_code": v.area.code, "name": v.name, "kind": v.kind.as_str(),
            "treatment_tier": v.treatment_tier, "run_by": v.run_by.as_str(), "capacity": v.capacity, "occupancy": v.occupancy,
            "status": v.status.as_str(), "status_on": v.status_on})
    }

    async fn load(db: &PgPool, _today: NaiveDate, id: i64) -> Result<Option<Self>, AppError> {
        Ok(sqlx::query_as!(
            SiteRow,
            r#"select s.id, s.city_code, s.district_code, s.area_code, a.name as area_name,
                 a.level as area_level, a.parent_code as area_parent, s.name, s.kind, s.treatment_tier, s.run_by,
                 s.capacity, s.occupancy, s.status, s.status_on as "status_on: _", s.version
               from quarantine_sites s join areas a on a.code = s.area_code
               where s.id = $1"#,
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
    ) -> Result<SiteValues, AppError> {
        let mut c = Check::on(raw, today);
        let code = c.code_of(&AREA);
        let name = c.text_of(&NAME);
        let kind = c.choice_of::<SiteKind>(&KIND);
        let treatment_tier = c.int_of(&TIER).map(|t| t as i16);
        if treatment_tier.is_some() && kind.is_some_and(|k| k != SiteKind::Treatment) {
            c.fail("treatment_tier", "err.tier_for_treatment_only");
        }
        let run_by = c.choice_of::<RunBy>(&RUN_BY);
        let capacity = c.int_of(&CAPACITY);
        let occupancy = c.int_of(&OCCUPANCY);
        if let (Some(cap), Some(occ)) = (capacity, occupancy)
            && occ > cap
        {
            c.fail("occupancy", "err.occupancy_over_capacity");
        }
        let status = c.choice_of::<SiteStatus>(&STATUS);
        let status_on = c.date_of(&STATUS_ON).unwrap_or(today);
        let mut errors = std::mem::take(&mut c.errors);
        let area =
            writable_area(db, user, Self::KIND, code, "area_code", false, &mut errors).await?;
        match (area, name, kind, run_by, capacity, occupancy, status) {
            (
                Some(area),
                Some(name),
                Some(kind),
                Some(run_by),
                Some(cap),
                Some(occ),
                Some(status),
            ) if errors.is_empty() => Ok(SiteValues {
                area,
                name,
                kind,
                treatment_tier,
                run_by,
                capacity: cap as i32,
                occupancy: occ as i32,
                status,
                status_on,
            }),
            _ => Err(AppError::Invalid(errors)),
        }
    }

    fn filter(raw: &Raw, today: NaiveDate) -> Result<SiteFilter, AppError> {
        let mut c = Check::on(raw, today);
        let status = c.choice::<SiteStatus>("status", false);
        c.finish()?;
        Ok(SiteFilter { status })
    }

    async fn query(
        db: &PgPool,
        _today: NaiveDate,
        area: &AreaRef,
        f: &SiteFilter,
        paging: Paging,
    ) -> Result<(Vec<Self>, i64), AppError> {
        let status = f.status.map(|s| s.as_str());
        // One column for the area's level, so the list reads its own index
        // in order (0014).
        let place = match area.level {
            Level::City => "s.city_code",
            Level::District => "s.district_code",
            Level::Commune => "s.area_code",
        };
        let conditions = |qb: &mut QueryBuilder<'_, Postgres>| {
            qb.push(format_args!(" where {place} = "))
                .push_bind(area.code.clone());
            if let Some(st) = status {
                qb.push(" and s.status = ").push_bind(st);
            }
        };
        let mut count = QueryBuilder::new("select count(*) from quarantine_sites s");
        conditions(&mut count);
        let count = async { Ok(count.build_query_scalar().fetch_one(db).await?) };
        let mut rows = QueryBuilder::new(
            r#"select s.id, s.city_code, s.district_code, s.area_code, a.name as area_name,
                 a.level as area_level, a.parent_code as area_parent, s.name, s.kind, s.treatment_tier, s.run_by,
                 s.capacity, s.occupancy, s.status, s.status_on, s.version
               from quarantine_sites s join areas a on a.code = s.area_code"#,
        );
        conditions(&mut rows);
        if let Some(after) = &paging.after {
            let (name, id) = after.text_key()?;
            rows.push(r#" and (s.name collate "vi-x-icu", s.id) > ("#)
                .push_bind(name.to_string())
                .push(r#" collate "vi-x-icu", "#)
                .push_bind(id)
                .push(")");
        }
        rows.push(r#" order by s.name collate "vi-x-icu", s.id limit "#)
            .push_bind(paging.limit)
            .push(" offset ")
            .push_bind(paging.offset);
        let rows = async { Ok(rows.build_query_as().fetch_all(db).await?) };
        page_and_total(&paging, rows, count).await
    }

    fn cursor(&self) -> Option<Cursor> {
        Some(Cursor::text(&self.name, self.id))
    }

    async fn insert(
        conn: &mut PgConnection,
        now: DateTime<Utc>,
        v: &SiteValues,
    ) -> Result<i64, AppError> {
        let codes = Codes::of(&v.area);
        let id = sqlx::query_scalar!(
            "insert into quarantine_sites (city_code, district_code, area_code, name, kind, run_by, capacity,
               occupancy, status, status_on, created_at, updated_at, treatment_tier)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12) returning id",
            codes.city,
            codes.district,
            v.area.code,
            v.name,
            v.kind.as_str(),
            v.run_by.as_str(),
            v.capacity,
            v.occupancy,
            v.status.as_str(),
            v.status_on as _,
            now as _,
            v.treatment_tier
        )
        .fetch_one(&mut *conn)
        .await?;
        history(conn, id, now, v).await?;
        Ok(id)
    }

    async fn update(
        conn: &mut PgConnection,
        now: DateTime<Utc>,
        old: &Self,
        version: i32,
        v: &SiteValues,
    ) -> Result<bool, AppError> {
        let codes = Codes::of(&v.area);
        let done = sqlx::query!(
            "update quarantine_sites set city_code = $3, district_code = $4, area_code = $5, name = $6, kind = $7,
               run_by = $8, capacity = $9, occupancy = $10, status = $11, status_on = $12,
               version = version + 1, updated_at = $13, treatment_tier = $14
             where id = $1 and version = $2",
            old.id,
            version,
            codes.city,
            codes.district,
            v.area.code,
            v.name,
            v.kind.as_str(),
            v.run_by.as_str(),
            v.capacity,
            v.occupancy,
            v.status.as_str(),
            v.status_on as _,
            now as _,
            v.treatment_tier
        )
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        if old.occupancy != v.occupancy
            || old.capacity != v.capacity
            || old.status != v.status.as_str()
        {
            history(conn, old.id, now, v).await?;
        }
        Ok(true)
    }
}

/// The latest changes of a site's occupancy, newest first.
pub async fn occupancy_history(db: &PgPool, id: i64) -> Result<Vec<Occupancy>, AppError> {
    Ok(sqlx::query_as!(
        Occupancy,
        r#"select at as "at: _", occupancy, capacity, status from quarantine_occupancy
           where site_id = $1 order by at desc, id desc limit 200"#,
        id
    )
    .fetch_all(db)
    .await?)
}
