//! The district's daily report up to the city (DESIGN §3b): its figures as
//! filed (prefilled from its board) and its remarks, one per district and
//! day, replaced with the version read last.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;

use crate::domain::area::{AreaRef, Codes};
use crate::domain::error::AppError;
use crate::storage::audit::{self, Actor, Entry};

/// The figures of a report up, in this order (their labels: `report-up-<name>`).
pub const NUMBERS: [&str; 6] = [
    "new_f0",
    "active_f0",
    "f1_held",
    "free_places",
    "red_communes",
    "level",
];

/// The remarks of a report up, in this order.
pub const TEXTS: [&str; 3] = ["situation", "difficulties", "proposals"];

/// A district's report for a day, or its absence.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReportUp {
    pub district_code: String,
    pub district_name: String,
    pub day: NaiveDate,
    pub filed: bool,
    /// In the order of [`NUMBERS`].
    pub numbers: Vec<i64>,
    /// In the order of [`TEXTS`].
    pub texts: Vec<String>,
    pub filed_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
    pub version: Option<i32>,
}

/// Every district of `city` on `day`, filed or not: those not filed first,
/// then by name.
pub async fn day_rows(db: &PgPool, city: &str, day: NaiveDate) -> Result<Vec<ReportUp>, AppError> {
    let rows = sqlx::query!(
        r#"select a.code, a.name, r.district_code is not null as "filed!",
                  r.new_f0 as "new_f0?", r.active_f0 as "active_f0?", r.f1_held as "f1_held?",
                  r.free_places as "free_places?", r.red_communes as "red_communes?", r.level as "level?",
                  r.situation as "situation?", r.difficulties as "difficulties?", r.proposals as "proposals?",
                  u.username as "filed_by?", r.updated_at as "updated_at?: DateTime<Utc>", r.version as "version?"
           from areas a
           left join district_reports r on r.district_code = a.code and r.day = $2
           left join users u on u.id = r.filed_by
           where a.parent_code = $1 and a.level = 'district'
           order by r.district_code is not null, a.name collate "vi-x-icu""#,
        city,
        day as _
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ReportUp {
            district_code: r.code,
            district_name: r.name,
            day,
            filed: r.filed,
            numbers: [
                r.new_f0,
                r.active_f0,
                r.f1_held,
                r.free_places,
                r.red_communes,
                r.level.map(i32::from),
            ]
            .into_iter()
            .map(|n| n.unwrap_or(0).into())
            .collect(),
            texts: [r.situation, r.difficulties, r.proposals]
                .into_iter()
                .map(Option::unwrap_or_default)
                .collect(),
            filed_by: r.filed_by,
            updated_at: r.updated_at,
            version: r.version,
        })
        .collect())
}

/// One district's report for `day`, filed or not.
pub async fn of(db: &PgPool, district: &AreaRef, day: NaiveDate) -> Result<ReportUp, AppError> {
    let city = Codes::of(district).city;
    day_rows(db, &city, day)
        .await?
        .into_iter()
        .find(|r| r.district_code == district.code)
        .ok_or(AppError::NotFound)
}

/// The districts of `city` that filed for `day`.
pub async fn filed(db: &PgPool, city: &str, day: NaiveDate) -> Result<HashSet<String>, AppError> {
    Ok(sqlx::query_scalar!(
        "select district_code from district_reports where city_code = $1 and day = $2",
        city,
        day as _
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .collect())
}

/// Files (`true`) or replaces (`false`) a district's report for `day`; a
/// replacement must carry the version read last, else 409.
#[allow(clippy::too_many_arguments)]
pub async fn save(
    db: &PgPool,
    actor: &Actor,
    now: DateTime<Utc>,
    district: &AreaRef,
    day: NaiveDate,
    n: &[i32; 6],
    texts: &[String; 3],
    version: Option<i32>,
) -> Result<bool, AppError> {
    let city = Codes::of(district).city;
    let entity_id = format!("{}/{day}", district.code);
    let mut tx = crate::storage::db::begin(db).await?;
    let old: Option<serde_json::Value> = sqlx::query_scalar!(
        r#"select to_jsonb(r) - 'city_code' - 'filed_by' - 'updated_at' - 'version' as "old!"
           from district_reports r where district_code = $1 and day = $2 for update"#,
        district.code,
        day as _
    )
    .fetch_optional(&mut *tx)
    .await?;
    let created = old.is_none();
    // One statement files or replaces: a replacement only over the version
    // the sender read (none returned: someone changed it meanwhile).
    let written = sqlx::query_scalar!(
        r#"insert into district_reports (district_code, day, city_code, new_f0, active_f0, f1_held,
             free_places, red_communes, level, situation, difficulties, proposals, filed_by, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
           on conflict (district_code, day) do update set new_f0 = excluded.new_f0,
             active_f0 = excluded.active_f0, f1_held = excluded.f1_held,
             free_places = excluded.free_places, red_communes = excluded.red_communes,
             level = excluded.level, situation = excluded.situation,
             difficulties = excluded.difficulties, proposals = excluded.proposals,
             filed_by = excluded.filed_by, updated_at = excluded.updated_at,
             version = district_reports.version + 1
           where district_reports.version = $15
           returning version"#,
        district.code,
        day as _,
        city,
        n[0],
        n[1],
        n[2],
        n[3],
        n[4],
        n[5] as i16,
        texts[0],
        texts[1],
        texts[2],
        actor.user_id,
        now as _,
        version.unwrap_or(-1)
    )
    .fetch_optional(&mut *tx)
    .await?;
    if written.is_none() {
        return Err(crate::storage::records::stale());
    }
    let mut new = serde_json::Map::new();
    for (k, v) in NUMBERS.iter().zip(n) {
        new.insert(k.to_string(), (*v).into());
    }
    for (k, v) in TEXTS.iter().zip(texts) {
        new.insert(k.to_string(), v.clone().into());
    }
    let entry = Entry {
        area_code: Some(&district.code),
        action: if created { "create" } else { "update" },
        entity: "report_up",
        entity_id,
        old,
        new: Some(new.into()),
    };
    audit::record(&mut tx, now, actor, entry).await?;
    tx.commit().await?;
    Ok(created)
}
