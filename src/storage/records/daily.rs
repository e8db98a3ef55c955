//! Daily reports (báo cáo ngày): one per commune and day, filed or replaced
//! by the commune; the new F0 of the day is derived from the cases.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;

use super::stale;
use crate::domain::area::{AreaRef, Codes};
use crate::domain::error::AppError;
use crate::storage::audit::{self, Actor, Entry};
use crate::storage::idempotency::{self, IdempotencyKey};

/// The figures of a report, in this order.
pub const NUMBERS: [&str; 6] = [
    "f1_traced",
    "f1_quarantined",
    "tests",
    "dose1",
    "dose2",
    "dose3",
];

/// A commune's report for a day (or its absence), with the derived new F0.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DayRow {
    pub commune_code: String,
    pub commune_name: String,
    #[serde(skip)]
    pub district_code: String,
    pub day: NaiveDate,
    pub reported: bool,
    pub new_f0: i64,
    pub f1_traced: Option<i32>,
    pub f1_quarantined: Option<i32>,
    pub tests: Option<i32>,
    pub dose1: Option<i32>,
    pub dose2: Option<i32>,
    pub dose3: Option<i32>,
    pub notes: Option<String>,
    pub version: Option<i32>,
}

/// Every commune under `area` on `day`, reported or not.
pub async fn day_rows(db: &PgPool, area: &str, day: NaiveDate) -> Result<Vec<DayRow>, AppError> {
    Ok(sqlx::query_as!(
        DayRow,
        r#"select a.code as commune_code, a.name as commune_name,
             a.parent_code as "district_code!", $2::date as "day!: _",
             r.commune_code is not null as "reported!",
             (select count(*) from cases c where c.commune_code = a.code and c.detected_on = $2
                and c.voided_at is null) as "new_f0!",
             r.f1_traced as "f1_traced?", r.f1_quarantined as "f1_quarantined?", r.tests as "tests?",
             r.dose1 as "dose1?", r.dose2 as "dose2?", r.dose3 as "dose3?", r.notes as "notes?",
             r.version as "version?"
           from areas a
           left join areas p on p.code = a.parent_code
           left join daily_reports r on r.commune_code = a.code and r.day = $2
           where a.level = 'commune' and (a.code = $1 or a.parent_code = $1 or p.parent_code = $1)
           order by r.commune_code is not null, a.name collate "vi-x-icu""#,
        area,
        day as _
    )
    .fetch_all(db)
    .await?)
}

/// Files (`true`) or replaces (`false`) `area`'s report for `day`; a
/// replacement must carry the version read last, else 409. Under an
/// idempotency `key` already used for this report, nothing is written and
/// the answer is the first send's.
#[allow(clippy::too_many_arguments)]
pub async fn save(
    db: &PgPool,
    actor: &Actor,
    now: DateTime<Utc>,
    area: &AreaRef,
    day: NaiveDate,
    n: &[i32],
    notes: &str,
    version: Option<i32>,
    key: Option<&IdempotencyKey>,
) -> Result<bool, AppError> {
    let codes = Codes::of(area);
    let entity_id = format!("{}/{day}", area.code);
    let mut tx = crate::storage::db::begin(db).await?;
    if let Some(e) = idempotency::claim(&mut tx, actor, key, "daily_report", now).await? {
        if e.entity_id != entity_id {
            return Err(AppError::BadRequest(
                "Idempotency-Key: already used for another report".into(),
            ));
        }
        return Ok(e.created);
    }
    let old: Option<serde_json::Value> = sqlx::query_scalar!(
        r#"select to_jsonb(r) - 'city_code' - 'district_code' as "old!" from daily_reports r
           where commune_code = $1 and day = $2 for update"#,
        area.code,
        day as _
    )
    .fetch_optional(&mut *tx)
    .await?;
    let created = old.is_none();
    if created {
        sqlx::query!(
            "insert into daily_reports (commune_code, day, city_code, district_code, f1_traced, f1_quarantined,
               tests, dose1, dose2, dose3, notes, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            area.code,
            day as _,
            codes.city,
            codes.district,
            n[0],
            n[1],
            n[2],
            n[3],
            n[4],
            n[5],
            notes,
            now as _
        )
        .execute(&mut *tx)
        .await?;
    } else {
        let done = sqlx::query!(
            "update daily_reports set f1_traced = $3, f1_quarantined = $4, tests = $5, dose1 = $6, dose2 = $7,
               dose3 = $8, notes = $9, updated_at = $10, version = version + 1
             where commune_code = $1 and day = $2 and version = $11",
            area.code,
            day as _,
            n[0],
            n[1],
            n[2],
            n[3],
            n[4],
            n[5],
            notes,
            now as _,
            version.unwrap_or(-1)
        )
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(stale());
        }
    }
    let mut new = serde_json::Map::new();
    for (k, v) in NUMBERS.iter().zip(n) {
        new.insert(k.to_string(), (*v).into());
    }
    new.insert("notes".into(), notes.into());
    let entry = Entry {
        area_code: Some(&area.code),
        action: if created { "create" } else { "update" },
        entity: "daily_report",
        entity_id: entity_id.clone(),
        old,
        new: Some(new.into()),
    };
    audit::record(&mut tx, now, actor, entry).await?;
    idempotency::settle(&mut tx, actor, key, &entity_id, created).await?;
    tx.commit().await?;
    Ok(created)
}
