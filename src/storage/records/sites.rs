//! Quarantine sites: capacity, occupancy (never negative, never above
//! capacity) and status, with every change of occupancy kept as history.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};

use super::{Stored, area_of, page_and_total, placed_at};
use crate::domain::area::{AreaRef, Level, code_only};
use crate::domain::error::AppError;
use crate::domain::fields::{AREA, AREA_NAME, NAME_MAX, Spec, Table};
use crate::domain::forms::{Check, Cursor, Paging, Raw, Vocab};
use crate::domain::policy::{CurrentUser, RecordKind};
use crate::domain::vocab::{RunBy, SiteKind, SiteStatus};
use crate::storage::audit::Actor;

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
/// Whether the occupancy counts the contacts held there (from the first
/// placed) rather than a number typed.
const KEEPS_PEOPLE: Spec = Spec::boolean("keeps_people", "sites.keeps_people")
    .read_only()
    .always();

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
    /// The occupancy is the contacts held there (since the first was
    /// placed), not a number typed.
    pub keeps_people: bool,
    pub status: String,
    pub status_on: NaiveDate,
    pub version: i32,
}

/// A site that passed every check.
#[derive(serde::Serialize)]
pub struct SiteValues {
    #[serde(rename = "area_code", serialize_with = "code_only")]
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

impl Stored for SiteRow {
    type Values = SiteValues;
    type Filter = SiteFilter;
    const KIND: RecordKind = RecordKind::Site;
    const ENTITY: &'static str = "quarantine_site";
    const FIELDS: Table = &[
        AREA,
        AREA_NAME,
        NAME,
        KIND,
        TIER,
        RUN_BY,
        CAPACITY,
        OCCUPANCY,
        KEEPS_PEOPLE,
        STATUS,
        STATUS_ON,
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

    values_serialized!();

    async fn load(db: &PgPool, _today: NaiveDate, id: i64) -> Result<Option<Self>, AppError> {
        Ok(sqlx::query_as!(
            SiteRow,
            r#"select s.id, s.city_code, s.district_code, s.area_code, a.name as area_name,
                 a.level as area_level, a.parent_code as area_parent, s.name, s.kind, s.treatment_tier, s.run_by,
                 s.capacity, s.occupancy, s.keeps_people, s.status, s.status_on as "status_on: _", s.version
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
        existing: Option<&Self>,
    ) -> Result<SiteValues, AppError> {
        let mut c = Check::on(raw, today);
        let area = area_of(db, user, Self::KIND, &mut c, &AREA).await?;
        let name = c.text_of(&NAME);
        let kind = c.choice_of::<SiteKind>(&KIND);
        let treatment_tier = c.int_of(&TIER).map(|t| t as i16);
        if treatment_tier.is_some() && kind.is_some_and(|k| k != SiteKind::Treatment) {
            c.fail("treatment_tier", "err.tier_for_treatment_only");
        }
        let run_by = c.choice_of::<RunBy>(&RUN_BY);
        let capacity = c.int_of(&CAPACITY).map(|n| n as i32);
        // A site that keeps people counts them: what is typed gives way.
        let counted = existing.filter(|e| e.keeps_people).map(|e| e.occupancy);
        let occupancy = match counted {
            Some(n) => Some(n),
            None => c.int_of(&OCCUPANCY).map(|n| n as i32),
        };
        if let (Some(cap), Some(occ)) = (capacity, occupancy)
            && occ > cap
        {
            match counted {
                Some(n) => {
                    c.errors
                        .add_with("capacity", "err.capacity_below_people", &[&n.to_string()])
                }
                None => c.fail("occupancy", "err.occupancy_over_capacity"),
            }
        }
        let status = c.choice_of::<SiteStatus>(&STATUS);
        let status_on = c.date_of(&STATUS_ON).unwrap_or(today);
        checked!(c => SiteValues {
            area, name, kind, run_by, capacity, occupancy, status;
            treatment_tier, status_on
        })
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
                 s.capacity, s.occupancy, s.keeps_people, s.status, s.status_on, s.version
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

    /// A change of occupancy, capacity or status is kept in the site's
    /// history (the occupancy chart); an edit of its name is not.
    async fn after_save(
        conn: &mut PgConnection,
        _actor: &Actor,
        now: DateTime<Utc>,
        id: i64,
        v: &SiteValues,
    ) -> Result<(), AppError> {
        sqlx::query!(
            "insert into quarantine_occupancy (site_id, at, occupancy, capacity, status)
             select $1, $2, $3, $4, $5
             where not exists (
               select 1 from (select o.occupancy, o.capacity, o.status from quarantine_occupancy o
                              where o.site_id = $1 order by o.at desc, o.id desc limit 1) last
               where last.occupancy = $3 and last.capacity = $4 and last.status = $5)",
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

    written_as! {
        "quarantine_sites" ("city_code, district_code, area_code, name, kind, run_by, capacity, occupancy, status, status_on, treatment_tier") = ("$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11"), now "$12", id "$13", version "$14";
        |v, codes| codes.city, codes.district, v.area.code, v.name, v.kind.as_str(), v.run_by.as_str(), v.capacity, v.occupancy, v.status.as_str(), v.status_on as _, v.treatment_tier
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
