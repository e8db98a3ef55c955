//! Hotlines (đường dây nóng) of an area and its duty roster (trực ban):
//! public by the seeds' own rule, kept by the area's officials and the
//! levels above it.

use chrono::NaiveDate;
use sqlx::PgPool;

use super::{Stored, area_of};
use crate::domain::area::{AreaRef, code_only};
use crate::domain::error::AppError;
use crate::domain::fields::{AREA, AREA_NAME, NAME_MAX, Spec, Table};
use crate::domain::forms::{Check, Raw};
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
#[derive(serde::Serialize)]
pub struct HotlineValues {
    #[serde(rename = "area_code", serialize_with = "code_only")]
    pub area: AreaRef,
    pub label: String,
    pub phone: String,
}

/// A hotline as read: its columns and joins, stated once for every read (sqlx
/// checks each use at build time).
macro_rules! select_hotlines {
    ($tail:tt $(+ $more:tt)*, $($arg:expr),* $(,)?) => {
        sqlx::query_as!(
            HotlineRow,
            r#"select h.id, h.city_code, h.district_code, h.area_code, a.name as area_name,
                 a.level as area_level, a.parent_code, h.label, h.phone, h.version
               from hotlines h join areas a on a.code = h.area_code "# + $tail $(+ $more)*,
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

    values_serialized!();

    placed_and_loaded!(area, select_hotlines, r#"where h.id = $1"#);

    async fn check(
        db: &PgPool,
        user: &CurrentUser,
        raw: &Raw,
        today: NaiveDate,
        _existing: Option<&Self>,
    ) -> Result<HotlineValues, AppError> {
        let mut c = Check::on(raw, today);
        let area = area_of(db, user, Self::KIND, &mut c, &AREA).await?;
        let label = c.text_of(&H_LABEL);
        let phone = c.phone_of(&PHONE);
        checked!(c => HotlineValues { area, label, phone; })
    }

    fn filter(_raw: &Raw, _today: NaiveDate) -> Result<(), AppError> {
        Ok(())
    }

    listed_where! {
        select_hotlines, "hotlines h",
        "where h.city_code = $1 or h.district_code = $1 or h.area_code = $1",
        r#"order by length(h.area_code), a.name collate "vi-x-icu", h.id limit $2 offset $3"#;
        |area, _f| area.code
    }

    written_as! {
        "hotlines" ("city_code, district_code, area_code, label, phone") = ("$1, $2, $3, $4, $5"), now "$6", id "$7", version "$8";
        |v, codes| codes.city, codes.district, v.area.code, v.label, v.phone
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
#[derive(serde::Serialize)]
pub struct DutyValues {
    #[serde(rename = "area_code", serialize_with = "code_only")]
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
    ($tail:tt $(+ $more:tt)*, $($arg:expr),* $(,)?) => {
        sqlx::query_as!(
            DutyRow,
            r#"select d.id, d.city_code, d.district_code, d.area_code, a.name as area_name,
                 a.level as area_level, a.parent_code, d.day as "day: _", d.name, d.position, d.phone, d.version
               from duty_roster d join areas a on a.code = d.area_code "# + $tail $(+ $more)*,
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

    values_serialized!();

    placed_and_loaded!(area, select_duty, r#"where d.id = $1"#);

    async fn check(
        db: &PgPool,
        user: &CurrentUser,
        raw: &Raw,
        today: NaiveDate,
        _existing: Option<&Self>,
    ) -> Result<DutyValues, AppError> {
        let mut c = Check::on(raw, today);
        let area = area_of(db, user, Self::KIND, &mut c, &AREA).await?;
        // A roster is written ahead: up to the window's end, not only today.
        let day = c.date_of(&D_DAY);
        let name = c.text_of(&D_NAME);
        let position = c.text_of(&D_POSITION);
        let phone = c.phone_of(&PHONE);
        checked!(c => DutyValues { area, day, name, position, phone; })
    }

    fn filter(raw: &Raw, today: NaiveDate) -> Result<DutyFilter, AppError> {
        Ok(DutyFilter {
            day: crate::domain::forms::query_date(raw.get("day"), "day", today)?,
        })
    }

    listed_where! {
        select_duty, "duty_roster d",
        r#"where (d.city_code = $1 or d.district_code = $1 or d.area_code = $1)
            and ($2::date is null or d.day = $2)"#,
        r#"order by d.day desc, length(d.area_code), a.name collate "vi-x-icu", d.id
            limit $3 offset $4"#;
        |area, f| area.code, f.day as _
    }

    written_as! {
        "duty_roster" ("city_code, district_code, area_code, day, name, position, phone") = ("$1, $2, $3, $4, $5, $6, $7"), now "$8", id "$9", version "$10";
        |v, codes| codes.city, codes.district, v.area.code, v.day as _, v.name, v.position, v.phone
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
