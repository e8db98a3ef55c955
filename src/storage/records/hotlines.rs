//! Hotlines (đường dây nóng) of an area and its duty roster (trực ban):
//! public by the seeds' own rule, kept by the area's officials and the
//! levels above it.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};

use super::{Stored, writable_area};
use crate::domain::area::{AreaRef, Codes};
use crate::domain::error::AppError;
use crate::domain::fields::{AREA, AREA_NAME, NAME_MAX, Spec, Table};
use crate::domain::forms::{Check, Paging, Raw};
use crate::domain::policy::{CurrentUser, RecordKind};

const H_LABEL: Spec = Spec::text("label", "hotlines.label", NAME_MAX).required();
const PHONE: Spec = Spec::phone("phone", "hotlines.phone").required();
const D_DAY: Spec = Spec::date("day", "duty.day").required();
const D_NAME: Spec = Spec::text("name", "duty.name", NAME_MAX).required();
const D_POSITION: Spec = Spec::text("position", "duty.role", NAME_MAX).required();

/// A hotline of an area.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HotlineRow {
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
    pub parent_code: Option<String>,
    pub label: String,
    pub phone: String,
    pub version: i32,
}

/// A hotline that passed every check.
pub struct HotlineValues {
    pub area: AreaRef,
    pub label: String,
    pub phone: String,
}

/// A hotline as read: its columns and joins, stated once for every read (sqlx
/// checks each use at build time).
macro_rules! select_hotlines {
    ($tail:tt, $($arg:expr),* $(,)?) => {
        sqlx::query_as!(
            HotlineRow,
            r#"select h.id, h.city_code, h.district_code, h.area_code, a.name as area_name,
                 a.level as area_level, a.parent_code, h.label, h.phone, h.version
               from hotlines h join areas a on a.code = h.area_code "# + $tail,
            $($arg),*
        )
    };
}

impl Stored for HotlineRow {
    type Values = HotlineValues;
    type Filter = ();
    const KIND: RecordKind = RecordKind::Hotline;
    const ENTITY: &'static str = "hotline";
    const FIELDS: Table = &[AREA, AREA_NAME, H_LABEL, PHONE];

    row_accessors!(serialize);

    placed_by_area_fields!();

    fn values_area(v: &HotlineValues) -> &AreaRef {
        &v.area
    }

    fn values_json(v: &HotlineValues) -> Value {
        json!({"area_code": v.area.code, "label": v.label, "phone": v.phone})
    }

    async fn load(db: &PgPool, _today: NaiveDate, id: i64) -> Result<Option<Self>, AppError> {
        Ok(select_hotlines!(r#"where h.id = $1"#, id)
            .fetch_optional(db)
            .await?)
    }

    async fn check(
        db: &PgPool,
        user: &CurrentUser,
        raw: &Raw,
        today: NaiveDate,
        _existing: Option<&Self>,
    ) -> Result<HotlineValues, AppError> {
        let mut c = Check::on(raw, today);
        let code = c.code_of(&AREA);
        let label = c.text_of(&H_LABEL);
        let phone = c.phone_of(&PHONE);
        let mut errors = std::mem::take(&mut c.errors);
        let area =
            writable_area(db, user, Self::KIND, code, "area_code", false, &mut errors).await?;
        match (area, label, phone) {
            (Some(area), Some(label), Some(phone)) if errors.is_empty() => {
                Ok(HotlineValues { area, label, phone })
            }
            _ => Err(AppError::Invalid(errors)),
        }
    }

    fn filter(_raw: &Raw, _today: NaiveDate) -> Result<(), AppError> {
        Ok(())
    }

    async fn query(
        db: &PgPool,
        _today: NaiveDate,
        area: &AreaRef,
        _f: &(),
        paging: Paging,
    ) -> Result<(Vec<Self>, i64), AppError> {
        let total = sqlx::query_scalar!(
            r#"select count(*) as "n!" from hotlines h
               where h.city_code = $1 or h.district_code = $1 or h.area_code = $1"#,
            area.code
        )
        .fetch_one(db)
        .await?;
        let rows = select_hotlines!(
            r#"where h.city_code = $1 or h.district_code = $1 or h.area_code = $1
               order by length(h.area_code), a.name collate "vi-x-icu", h.id
               limit $2 offset $3"#,
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
        v: &HotlineValues,
    ) -> Result<i64, AppError> {
        let codes = Codes::of(&v.area);
        Ok(sqlx::query_scalar!(
            "insert into hotlines (city_code, district_code, area_code, label, phone, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $6) returning id",
            codes.city,
            codes.district,
            v.area.code,
            v.label,
            v.phone,
            now as _
        )
        .fetch_one(conn)
        .await?)
    }

    async fn update(
        conn: &mut PgConnection,
        now: DateTime<Utc>,
        old: &Self,
        version: i32,
        v: &HotlineValues,
    ) -> Result<bool, AppError> {
        let codes = Codes::of(&v.area);
        let done = sqlx::query!(
            "update hotlines set city_code = $3, district_code = $4, area_code = $5, label = $6,
               phone = $7, version = version + 1, updated_at = $8
             where id = $1 and version = $2",
            old.id,
            version,
            codes.city,
            codes.district,
            v.area.code,
            v.label,
            v.phone,
            now as _
        )
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

/// Who is on duty in an area on a day.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DutyRow {
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
    pub parent_code: Option<String>,
    pub day: NaiveDate,
    pub name: String,
    pub position: String,
    pub phone: String,
    pub version: i32,
}

/// A duty that passed every check.
pub struct DutyValues {
    pub area: AreaRef,
    pub day: NaiveDate,
    pub name: String,
    pub position: String,
    pub phone: String,
}

/// Filters of the duty roster: one day, or every day.
pub struct DutyFilter {
    pub day: Option<NaiveDate>,
}

/// A duty as read: its columns and joins, stated once for every read (sqlx
/// checks each use at build time).
macro_rules! select_duty {
    ($tail:tt, $($arg:expr),* $(,)?) => {
        sqlx::query_as!(
            DutyRow,
            r#"select d.id, d.city_code, d.district_code, d.area_code, a.name as area_name,
                 a.level as area_level, a.parent_code, d.day as "day: _", d.name, d.position, d.phone, d.version
               from duty_roster d join areas a on a.code = d.area_code "# + $tail,
            $($arg),*
        )
    };
}

impl Stored for DutyRow {
    type Values = DutyValues;
    type Filter = DutyFilter;
    const KIND: RecordKind = RecordKind::Duty;
    const ENTITY: &'static str = "duty";
    const FIELDS: Table = &[AREA, AREA_NAME, D_DAY, D_NAME, D_POSITION, PHONE];

    row_accessors!(serialize);

    placed_by_area_fields!();

    fn values_area(v: &DutyValues) -> &AreaRef {
        &v.area
    }

    fn values_json(v: &DutyValues) -> Value {
        json!({"area_code": v.area.code, "day": v.day, "name": v.name, "position": v.position, "phone": v.phone})
    }

    async fn load(db: &PgPool, _today: NaiveDate, id: i64) -> Result<Option<Self>, AppError> {
        Ok(select_duty!(r#"where d.id = $1"#, id)
            .fetch_optional(db)
            .await?)
    }

    async fn check(
        db: &PgPool,
        user: &CurrentUser,
        raw: &Raw,
        today: NaiveDate,
        _existing: Option<&Self>,
    ) -> Result<DutyValues, AppError> {
        let mut c = Check::on(raw, today);
        let code = c.code_of(&AREA);
        // A roster is written ahead: up to the window's end, not only today.
        let day = c.date_of(&D_DAY);
        let name = c.text_of(&D_NAME);
        let position = c.text_of(&D_POSITION);
        let phone = c.phone_of(&PHONE);
        let mut errors = std::mem::take(&mut c.errors);
        let area =
            writable_area(db, user, Self::KIND, code, "area_code", false, &mut errors).await?;
        match (area, day, name, position, phone) {
            (Some(area), Some(day), Some(name), Some(position), Some(phone))
                if errors.is_empty() =>
            {
                Ok(DutyValues {
                    area,
                    day,
                    name,
                    position,
                    phone,
                })
            }
            _ => Err(AppError::Invalid(errors)),
        }
    }

    fn filter(raw: &Raw, today: NaiveDate) -> Result<DutyFilter, AppError> {
        Ok(DutyFilter {
            day: crate::domain::forms::query_date(raw.get("day"), "day", today)?,
        })
    }

    async fn query(
        db: &PgPool,
        _today: NaiveDate,
        area: &AreaRef,
        f: &DutyFilter,
        paging: Paging,
    ) -> Result<(Vec<Self>, i64), AppError> {
        let total = sqlx::query_scalar!(
            r#"select count(*) as "n!" from duty_roster d
               where (d.city_code = $1 or d.district_code = $1 or d.area_code = $1)
                 and ($2::date is null or d.day = $2)"#,
            area.code,
            f.day as _
        )
        .fetch_one(db)
        .await?;
        let rows = select_duty!(
            r#"where (d.city_code = $1 or d.district_code = $1 or d.area_code = $1)
                 and ($2::date is null or d.day = $2)
               order by d.day desc, length(d.area_code), a.name collate "vi-x-icu", d.id
               limit $3 offset $4"#,
            area.code,
            f.day as _,
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
        v: &DutyValues,
    ) -> Result<i64, AppError> {
        let codes = Codes::of(&v.area);
        Ok(sqlx::query_scalar!(
            "insert into duty_roster (city_code, district_code, area_code, day, name, position, phone, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $8) returning id",
            codes.city,
            codes.district,
            v.area.code,
            v.day as _,
            v.name,
            v.position,
            v.phone,
            now as _
        )
        .fetch_one(conn)
        .await?)
    }

    async fn update(
        conn: &mut PgConnection,
        now: DateTime<Utc>,
        old: &Self,
        version: i32,
        v: &DutyValues,
    ) -> Result<bool, AppError> {
        let codes = Codes::of(&v.area);
        let done = sqlx::query!(
            "update duty_roster set city_code = $3, district_code = $4, area_code = $5, day = $6,
               name = $7, position = $8, phone = $9, version = version + 1, updated_at = $10
             where id = $1 and version = $2",
            old.id,
            version,
            codes.city,
            codes.district,
            v.area.code,
            v.day as _,
            v.name,
            v.position,
            v.phone,
            now as _
        )
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

/// A contact shown on the public page: an area's hotline or today's duty.
#[derive(Debug, Clone)]
pub struct PublicContact {
    pub area_code: String,
    pub label: String,
    pub phone: String,
}

/// Every hotline under `city`, and who is on duty on `day`, for the
/// public page (public information; no personal data of cases).
pub async fn public_contacts(
    db: &PgPool,
    city: &str,
    day: NaiveDate,
) -> Result<(Vec<PublicContact>, Vec<PublicContact>), AppError> {
    let hotlines = sqlx::query_as!(
        PublicContact,
        "select area_code, label, phone from hotlines where city_code = $1 or area_code = $1 order by area_code, id",
        city
    )
    .fetch_all(db)
    .await?;
    let duty = sqlx::query_as!(
        PublicContact,
        r#"select area_code, name || ' (' || position || ')' as "label!", phone from duty_roster
           where (city_code = $1 or area_code = $1) and day = $2 order by area_code, id"#,
        city,
        day as _
    )
    .fetch_all(db)
    .await?;
    Ok((hotlines, duty))
}
