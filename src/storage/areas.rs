//! Areas as stored: look-ups with ancestors, listings, and the import.

use sqlx::{PgConnection, PgPool};

use crate::domain::area::{AreaRef, ImportReport, Level, NewArea, fold};
use crate::domain::error::AppError;
use crate::storage::audit::{self, Actor, Entry};

/// Looks up an area with its ancestors.
pub async fn area_ref(db: &PgPool, code: &str) -> Result<Option<AreaRef>, AppError> {
    type Row = (String, String, String, Option<String>, Option<String>);
    let row: Option<Row> = sqlx::query_as(
        "select a.code, a.name, a.level, a.parent_code, p.parent_code
         from areas a left join areas p on p.code = a.parent_code
         where a.code = $1",
    )
    .bind(code)
    .fetch_optional(db)
    .await?;
    Ok(row.map(
        |(code, name, level, parent_code, grandparent_code)| AreaRef {
            code,
            name,
            level: Level::parse(&level).unwrap_or(Level::Commune),
            parent_code,
            grandparent_code,
        },
    ))
}

/// An area as listed and as the API answers it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Area {
    pub code: String,
    pub name: String,
    #[serde(skip)]
    pub unit_type: String,
    pub level: String,
    pub parent_code: Option<String>,
    pub population: Option<i64>,
    #[serde(skip)]
    pub children: i64,
}

pub const AREA_COLUMNS: &str = "a.code, a.name, a.unit_type, a.level, a.parent_code, a.population,
    (select count(*) from areas c where c.parent_code = a.code) as children";

pub async fn fetch_area(db: &PgPool, code: &str) -> Result<Area, AppError> {
    sqlx::query_as(&format!(
        "select {AREA_COLUMNS} from areas a where a.code = $1"
    ))
    .bind(code)
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)
}

pub async fn fetch_children(db: &PgPool, code: &str) -> Result<Vec<Area>, AppError> {
    Ok(sqlx::query_as(&format!(
        "select {AREA_COLUMNS} from areas a where a.parent_code = $1 order by a.code"
    ))
    .bind(code)
    .fetch_all(db)
    .await?)
}

/// Stores areas (parents first), updating those that exist; a population
/// left empty in the file keeps the stored one. One audit row per change.
pub async fn store(
    conn: &mut PgConnection,
    areas: &[NewArea],
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<ImportReport, AppError> {
    let mut report = ImportReport::default();
    let mut ordered: Vec<&NewArea> = areas.iter().collect();
    ordered.sort_by_key(|a| (a.level as u8, a.code.clone()));
    for a in ordered {
        let old: Option<(String, String, Option<String>, Option<i64>)> = sqlx::query_as(
            "select name, unit_type, parent_code, population from areas where code = $1 for update",
        )
        .bind(&a.code)
        .fetch_optional(&mut *conn)
        .await?;
        let population = a.population.or(old.as_ref().and_then(|o| o.3));
        let new_json = serde_json::json!({
            "name": a.name, "unit_type": a.unit_type, "level": a.level.as_str(),
            "parent_code": a.parent_code, "population": population,
        });
        let old_json = match &old {
            None => None,
            Some((name, unit_type, parent_code, pop)) => {
                if name == &a.name
                    && unit_type == &a.unit_type
                    && parent_code == &a.parent_code
                    && *pop == population
                {
                    report.unchanged += 1;
                    continue;
                }
                Some(serde_json::json!({
                    "name": name, "unit_type": unit_type, "parent_code": parent_code, "population": pop,
                }))
            }
        };
        sqlx::query(
            "insert into areas (code, name, unit_type, level, parent_code, population, search_key)
             values ($1, $2, $3, $4, $5, $6, $7)
             on conflict (code) do update set name = excluded.name, unit_type = excluded.unit_type,
               level = excluded.level, parent_code = excluded.parent_code,
               population = excluded.population, search_key = excluded.search_key",
        )
        .bind(&a.code)
        .bind(&a.name)
        .bind(&a.unit_type)
        .bind(a.level.as_str())
        .bind(&a.parent_code)
        .bind(population)
        .bind(fold(&a.name))
        .execute(&mut *conn)
        .await?;
        let action = if old_json.is_some() {
            "update"
        } else {
            "create"
        };
        if old_json.is_some() {
            report.updated += 1
        } else {
            report.inserted += 1
        }
        audit::record(
            conn,
            now,
            actor,
            Entry {
                area_code: Some(&a.code),
                action,
                entity: "area",
                entity_id: a.code.clone(),
                old: old_json,
                new: Some(new_json),
            },
        )
        .await?;
    }
    Ok(report)
}
