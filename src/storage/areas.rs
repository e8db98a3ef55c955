//! Areas as stored: look-ups with ancestors, listings, and the import.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor, PgPool};

use crate::domain::area::{AreaRef, ImportReport, Level, NewArea, fold};
use crate::domain::body::usual_units;
use crate::domain::error::AppError;
use crate::domain::forms::Vocab;
use crate::storage::audit::{self, Actor, Entry};

/// An area row with its grandparent, as the look-ups below read it.
struct RefRow {
    code: String,
    name: String,
    level: String,
    parent_code: Option<String>,
    grandparent_code: Option<String>,
}

impl From<RefRow> for AreaRef {
    fn from(r: RefRow) -> Self {
        AreaRef {
            code: r.code,
            name: r.name,
            level: Level::parse(&r.level).unwrap_or(Level::Commune),
            parent_code: r.parent_code,
            grandparent_code: r.grandparent_code,
        }
    }
}

fn by_code(rows: Vec<RefRow>) -> std::collections::HashMap<String, AreaRef> {
    rows.into_iter()
        .map(|r| (r.code.clone(), AreaRef::from(r)))
        .collect()
}

/// Looks up an area with its ancestors.
pub async fn area_ref(db: &PgPool, code: &str) -> Result<Option<AreaRef>, AppError> {
    let row = sqlx::query_as!(
        RefRow,
        r#"select a.code, a.name, a.level, a.parent_code, p.parent_code as "grandparent_code?"
           from areas a left join areas p on p.code = a.parent_code
           where a.code = $1"#,
        code
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(AreaRef::from))
}

/// Several areas with their ancestors, in one query, by code.
pub async fn area_refs(
    db: &PgPool,
    codes: &[String],
) -> Result<std::collections::HashMap<String, AreaRef>, AppError> {
    let rows = sqlx::query_as!(
        RefRow,
        r#"select a.code, a.name, a.level, a.parent_code, p.parent_code as "grandparent_code?"
           from areas a left join areas p on p.code = a.parent_code
           where a.code = any($1)"#,
        codes
    )
    .fetch_all(db)
    .await?;
    Ok(by_code(rows))
}

/// Every area with its ancestors, by code (the change feed keeps them).
pub async fn every_area_ref(
    db: &PgPool,
) -> Result<std::collections::HashMap<String, AreaRef>, AppError> {
    let rows = sqlx::query_as!(
        RefRow,
        r#"select a.code, a.name, a.level, a.parent_code, p.parent_code as "grandparent_code?"
           from areas a left join areas p on p.code = a.parent_code"#
    )
    .fetch_all(db)
    .await?;
    Ok(by_code(rows))
}

/// An area as listed and as the API answers it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Area {
    pub code: String,
    pub name: String,
    #[serde(skip)]
    pub unit_type: String,
    pub level: String,
    pub parent_code: Option<String>,
    pub population: Option<i64>,
    /// The population is an estimate (e.g. the demo's share of its district).
    pub population_estimated: bool,
    /// Adults (18+), when recorded.
    pub adult_population: Option<i64>,
    #[serde(skip)]
    pub children: i64,
}

/// Selects areas with their number of children; `$tail` is the rest of the
/// query (sqlx's macros take only literals joined by `+`).
macro_rules! select_areas {
    ($tail:tt, $($arg:expr),* $(,)?) => {
        sqlx::query_as!(
            Area,
            r#"select a.code, a.name, a.unit_type, a.level, a.parent_code, a.population,
                 a.population_estimated, a.adult_population, (select count(*) from areas c where c.parent_code = a.code) as "children!"
               from areas a "# + $tail,
            $($arg),*
        )
    };
}

/// An area by code (404 when there is none).
pub async fn fetch_area(db: impl PgExecutor<'_>, code: &str) -> Result<Area, AppError> {
    select_areas!("where a.code = $1", code)
        .fetch_optional(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The areas directly under `code`, in Vietnamese alphabetical order.
pub async fn fetch_children(db: impl PgExecutor<'_>, code: &str) -> Result<Vec<Area>, AppError> {
    Ok(select_areas!(
        r#"where a.parent_code = $1 order by a.name collate "vi-x-icu", a.code"#,
        code
    )
    .fetch_all(db)
    .await?)
}

/// Areas under `root` (children and grandchildren) whose folded name
/// contains `folded`, districts first.
pub async fn search_under(db: &PgPool, root: &str, folded: &str) -> Result<Vec<Area>, AppError> {
    let pattern = format!(
        "%{}%",
        folded
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    Ok(select_areas!(
        "left join areas p on p.code = a.parent_code
         where a.search_key like $1 and (a.parent_code = $2 or p.parent_code = $2)
         order by a.level, a.name collate \"vi-x-icu\", a.code limit 100",
        pattern,
        root
    )
    .fetch_all(db)
    .await?)
}

/// The code of the first city of the tree, if any.
pub async fn first_city(db: &PgPool) -> Result<Option<String>, AppError> {
    Ok(
        sqlx::query_scalar!("select code from areas where level = 'city' order by code limit 1")
            .fetch_optional(db)
            .await?,
    )
}

/// Every city (province) of the database, in Vietnamese name order.
pub async fn cities(db: &PgPool) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar!(
        r#"select code from areas where level = 'city' order by name collate "vi-x-icu", code"#
    )
    .fetch_all(db)
    .await?)
}

/// Sets an area's population, with its audit row.
pub async fn set_population(
    db: &PgPool,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
    code: &str,
    population: Option<i64>,
) -> Result<(), AppError> {
    let mut tx = crate::storage::db::begin(db).await?;
    let old = sqlx::query_scalar!(
        "select population from areas where code = $1 for update",
        code
    )
    .fetch_one(&mut *tx)
    .await?;
    // A typed figure is no estimate; an adult count it no longer covers
    // is dropped rather than left contradicting it.
    sqlx::query!(
        "update areas set population = $2, population_estimated = false,
           adult_population = case when adult_population > $2 then null else adult_population end
         where code = $1",
        code,
        population
    )
    .execute(&mut *tx)
    .await?;
    let entry = Entry {
        area_code: Some(code),
        action: "update",
        entity: "area",
        entity_id: code.to_string(),
        old: Some(serde_json::json!({ "population": old })),
        new: Some(serde_json::json!({ "population": population })),
    };
    audit::record(&mut tx, now, actor, entry).await?;
    tx.commit().await?;
    Ok(())
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
    let mut new_areas = Vec::new();
    let mut ordered: Vec<&NewArea> = areas.iter().collect();
    ordered.sort_by_key(|a| (a.level as u8, a.code.clone()));
    for a in ordered {
        let old = sqlx::query!(
            "select name, unit_type, parent_code, population from areas where code = $1 for update",
            a.code
        )
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| (r.name, r.unit_type, r.parent_code, r.population));
        let population = a.population.or(old.as_ref().and_then(|o| o.3));
        let sourced = a.population.is_some();
        let mut new_json = serde_json::json!({
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
        sqlx::query!(
            "insert into areas (code, name, unit_type, level, parent_code, population, search_key)
             values ($1, $2, $3, $4, $5, $6, $7)
             on conflict (code) do update set name = excluded.name, unit_type = excluded.unit_type,
               level = excluded.level, parent_code = excluded.parent_code,
               population = excluded.population, search_key = excluded.search_key,
               population_estimated = areas.population_estimated and not $8",
            a.code,
            a.name,
            a.unit_type,
            a.level.as_str(),
            a.parent_code,
            population,
            fold(&a.name),
            sourced
        )
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
            report.inserted += 1;
            new_areas.push((a.code.clone(), a.name.clone(), a.level));
            // The departments it starts with are part of its creation.
            new_json["units"] = crate::domain::body::usual_units(&a.name, a.level)
                .into_iter()
                .map(|(_, name)| name)
                .collect::<Vec<_>>()
                .into();
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
    // A new area starts with the usual departments (DESIGN §3, tasks),
    // listed in its own audit row above.
    seed_usual(conn, now, &new_areas).await?;
    Ok(report)
}

/// Gives each new area (code, name, level) the usual departments, in one
/// statement; the caller's audit row of each area lists them.
pub async fn seed_usual(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    areas: &[(String, String, Level)],
) -> Result<u64, AppError> {
    let (mut codes, mut kinds, mut names) = (Vec::new(), Vec::new(), Vec::new());
    for (code, name, level) in areas {
        for (kind, unit) in usual_units(name, *level) {
            codes.push(code.clone());
            kinds.push(kind.as_str().to_string());
            names.push(unit);
        }
    }
    if codes.is_empty() {
        return Ok(0);
    }
    let done = sqlx::query!(
        "insert into units (area_code, kind, name, created_at, updated_at)
         select c, k, n, $4, $4 from unnest($1::text[], $2::text[], $3::text[]) as x(c, k, n)
         on conflict (area_code, name) do nothing",
        &codes,
        &kinds,
        &names,
        now as _
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// What a populations import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PopulationReport {
    pub updated: usize,
    pub unchanged: usize,
}

/// Stores the populations of a `code,population[,adult_population]` file
/// for areas under `root` (itself included), all or nothing: an unknown
/// code, or one outside `root`, refuses the whole file. One audit row per
/// area changed.
pub async fn import_populations(
    db: &PgPool,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
    root: &str,
    rows: &[crate::domain::area::PopulationRow],
) -> Result<PopulationReport, AppError> {
    let mut tx = crate::storage::db::begin(db).await?;
    let mut report = PopulationReport::default();
    let mut unknown = Vec::new();
    for r in rows {
        let old = sqlx::query!(
            "select a.population, a.adult_population, a.population_estimated
             from areas a left join areas p on p.code = a.parent_code
             where a.code = $1 and (a.code = $2 or a.parent_code = $2 or p.parent_code = $2)
             for update of a",
            r.code,
            root
        )
        .fetch_optional(&mut *tx)
        .await?;
        let Some(old) = old else {
            unknown.push(r.code.clone());
            continue;
        };
        let adults = r
            .adults
            .or(old.adult_population.filter(|a| *a <= r.population));
        if old.population == Some(r.population)
            && old.adult_population == adults
            && !old.population_estimated
        {
            report.unchanged += 1;
            continue;
        }
        sqlx::query!(
            "update areas set population = $2, adult_population = $3, population_estimated = false
             where code = $1",
            r.code,
            r.population,
            adults
        )
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            now,
            actor,
            Entry {
                area_code: Some(&r.code),
                action: "update",
                entity: "area",
                entity_id: r.code.clone(),
                old: Some(serde_json::json!({
                    "population": old.population, "adult_population": old.adult_population,
                    "population_estimated": old.population_estimated,
                })),
                new: Some(serde_json::json!({
                    "population": r.population, "adult_population": adults,
                    "population_estimated": false,
                })),
            },
        )
        .await?;
        report.updated += 1;
    }
    if !unknown.is_empty() {
        let mut errors = crate::domain::error::FieldErrors::default();
        errors.add_with("populations", "areas.unknown_codes", &[&unknown.join(", ")]);
        return Err(AppError::Invalid(errors));
    }
    tx.commit().await?;
    Ok(report)
}

/// Gives every commune under `city` without a population a synthetic
/// share of its district's figure, marked estimated, so the demo can show
/// levels; the shares of a district's communes sum to the district's
/// figure when none of them had one. Returns how many were filled.
pub async fn estimate_commune_populations(
    db: &PgPool,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
    city: &str,
) -> Result<usize, AppError> {
    let mut tx = crate::storage::db::begin(db).await?;
    let districts = sqlx::query!(
        r#"select d.code, d.population as "population!",
             d.population - coalesce((select sum(c.population) from areas c where c.parent_code = d.code), 0)::int8 as "left!"
           from areas d where d.parent_code = $1 and d.population is not null"#,
        city
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut filled = 0;
    for d in districts {
        let empty: Vec<String> = sqlx::query_scalar!(
            "select code from areas where parent_code = $1 and population is null order by code",
            d.code
        )
        .fetch_all(&mut *tx)
        .await?;
        if empty.is_empty() || d.left <= 0 {
            continue;
        }
        // Weights from the code, so a rebuilt demo gets the same figures.
        let weights: Vec<u64> = empty
            .iter()
            .map(|c| {
                60 + c
                    .bytes()
                    .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
                    % 90
            })
            .collect();
        let parts = crate::domain::area::apportion(d.left, &weights);
        sqlx::query!(
            "update areas a set population = v.population, population_estimated = true
             from unnest($1::text[], $2::int8[]) as v(code, population) where a.code = v.code",
            &empty,
            &parts
        )
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            now,
            actor,
            Entry {
                area_code: Some(&d.code),
                action: "update",
                entity: "area",
                entity_id: d.code.clone(),
                old: None,
                new: Some(serde_json::json!({
                    "estimated_commune_populations": empty.len(), "of": d.population,
                })),
            },
        )
        .await?;
        filled += empty.len();
    }
    tx.commit().await?;
    Ok(filled)
}

/// Codes of the areas under `scope` (all when `None`) whose folded name is
/// `folded` or ends with it as whole words ("tu hiep" → "xa tu hiep").
pub async fn named_areas(
    db: &PgPool,
    scope: Option<&str>,
    folded: &str,
) -> Result<Vec<String>, AppError> {
    let escaped = folded
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    Ok(sqlx::query_scalar!(
        "select a.code from areas a left join areas p on p.code = a.parent_code
         where (a.search_key = $2 or a.search_key like '% ' || $3)
           and ($1::text is null or a.code = $1 or a.parent_code = $1 or p.parent_code = $1)
         order by a.level, a.code limit 10",
        scope,
        folded,
        escaped
    )
    .fetch_all(db)
    .await?)
}

/// Names of `root` and the areas under it, by level, then by name without
/// accents (the suggestions of a list's area filter, drawn on every list
/// page: sorting a city's 610 names in the database's Vietnamese collation
/// cost more than the page's rows).
pub async fn names_under(db: &PgPool, root: &str) -> Result<Vec<String>, AppError> {
    let mut rows: Vec<(String, String, String)> = sqlx::query!(
        "select a.level, a.name from areas a left join areas p on p.code = a.parent_code
         where a.code = $1 or a.parent_code = $1 or p.parent_code = $1",
        root
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| (r.level, crate::domain::area::fold(&r.name), r.name))
    .collect();
    rows.sort_unstable();
    Ok(rows.into_iter().map(|(_, _, name)| name).collect())
}
