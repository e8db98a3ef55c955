//! Alerts as stored (migration 0030): the records a rule reads besides the
//! boards (full sites, late targets and tasks), raising and ending alerts
//! against what holds now, what a reader sees, "Đã xem", and the webhook
//! deliveries each raised alert queues.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;

use crate::domain::alerts::{Condition, Late, SiteFill};
use crate::domain::area::AreaRef;
use crate::domain::error::AppError;
use crate::storage::audit::{self, Actor, Entry};

/// The active quarantine and treatment sites of a city with places.
pub async fn sites(db: &PgPool, city: &str) -> Result<Vec<SiteFill>, AppError> {
    Ok(sqlx::query_as!(
        SiteFill,
        r#"select id, area_code as area, name, capacity::int8 as "capacity!", occupancy::int8 as "occupancy!"
           from quarantine_sites
           where city_code = $1 and status = 'active' and kind in ('centralised', 'treatment')
             and capacity > 0"#,
        city
    )
    .fetch_all(db)
    .await?)
}

/// A city's directive targets and tasks not done by their deadline, as the
/// boards count them overdue: from the day after the deadline.
pub async fn late(db: &PgPool, city: &str, today: NaiveDate) -> Result<Vec<Late>, AppError> {
    Ok(sqlx::query_as!(
        Late,
        r#"select t.area_code as "area!", 'directive:' || d.id as "subject!", d.number as "number!",
                  d.title as "what!", d.due_on as "due_on!: NaiveDate"
           from directive_targets t join directives d on d.id = t.directive_id
           where d.city_code = $1 and d.due_on < $2 and t.status is distinct from 'done'
           union all
           select coalesce(k.area_code, k.owner_code), 'task:' || k.id, d.number, k.what, k.due_on
           from tasks k join directives d on d.id = k.directive_id
           where d.city_code = $1 and k.due_on < $2 and k.status is distinct from 'done'"#,
        city,
        today as _
    )
    .fetch_all(db)
    .await?)
}

/// Each area's level when the city was last evaluated.
pub async fn levels_seen(db: &PgPool, city: &str) -> Result<HashMap<String, u8>, AppError> {
    let rows = sqlx::query!(
        "select area_code, level from alert_levels where city_code = $1",
        city
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.area_code, r.level as u8))
        .collect())
}

/// The level alerts standing in a city: (area, level reached).
pub async fn open_levels(db: &PgPool, city: &str) -> Result<HashSet<(String, String)>, AppError> {
    let rows = sqlx::query!(
        "select area_code, subject from alerts
         where city_code = $1 and kind = 'level' and ended_at is null",
        city
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.area_code, r.subject)).collect())
}

/// What one evaluation changed.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Outcome {
    pub raised: Vec<i64>,
    pub ended: Vec<i64>,
    /// Deliveries queued for the raised alerts.
    pub queued: u64,
}

/// Makes the city's standing alerts those of `holding`: raises the ones
/// not standing, ends the ones that no longer hold, remembers the levels
/// and queues a delivery per raised alert to each hook above it. One
/// evaluation per city at a time (an advisory lock), and one open alert
/// per key whatever races (the unique index).
pub async fn settle(
    db: &PgPool,
    city: &str,
    now: DateTime<Utc>,
    holding: &[Condition],
    levels: &HashMap<String, u8>,
) -> Result<Outcome, AppError> {
    let mut tx = crate::storage::db::begin(db).await?;
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtextextended('alerts ' || $1, 0))",
        city
    )
    .execute(&mut *tx)
    .await?;
    let open = sqlx::query!(
        "select id, area_code, kind, subject from alerts where city_code = $1 and ended_at is null",
        city
    )
    .fetch_all(&mut *tx)
    .await?;
    let wanted: HashSet<(String, &str, String)> = holding.iter().map(|c| c.key()).collect();
    let standing: HashSet<(String, String, String)> = open
        .iter()
        .map(|r| (r.area_code.clone(), r.kind.clone(), r.subject.clone()))
        .collect();
    let ending: Vec<i64> = open
        .iter()
        .filter(|r| !wanted.contains(&(r.area_code.clone(), r.kind.as_str(), r.subject.clone())))
        .map(|r| r.id)
        .collect();
    let new: Vec<&Condition> = holding
        .iter()
        .filter(|c| {
            !standing.contains(&(c.area.clone(), c.kind.code().to_string(), c.subject.clone()))
        })
        .collect();
    let mut out = Outcome::default();
    if !ending.is_empty() {
        sqlx::query!(
            "update alerts set ended_at = $2 where id = any($1) and ended_at is null",
            &ending,
            now as _
        )
        .execute(&mut *tx)
        .await?;
        out.ended = ending;
    }
    if !new.is_empty() {
        let areas: Vec<String> = new.iter().map(|c| c.area.clone()).collect();
        let kinds: Vec<String> = new.iter().map(|c| c.kind.code().to_string()).collect();
        let subjects: Vec<String> = new.iter().map(|c| c.subject.clone()).collect();
        let severities: Vec<i16> = new.iter().map(|c| c.kind.severity()).collect();
        let details: Vec<serde_json::Value> = new.iter().map(|c| c.detail.clone()).collect();
        out.raised = sqlx::query_scalar!(
            r#"insert into alerts (city_code, district_code, area_code, kind, subject, severity, detail, since)
               select $1, case a.level when 'district' then a.code when 'commune' then a.parent_code end,
                      n.area, n.kind, n.subject, n.severity, n.detail, $7
               from unnest($2::text[], $3::text[], $4::text[], $5::int2[], $6::jsonb[])
                      as n(area, kind, subject, severity, detail)
               join areas a on a.code = n.area
               on conflict (area_code, kind, subject) where ended_at is null do nothing
               returning id"#,
            city,
            &areas,
            &kinds,
            &subjects,
            &severities,
            &details,
            now as _
        )
        .fetch_all(&mut *tx)
        .await?;
        out.queued = sqlx::query!(
            "insert into alert_deliveries (alert_id, hook_area, next_at)
             select a.id, h.area_code, $2 from alerts a
             join alert_hooks h on h.area_code in (a.area_code, a.district_code, a.city_code)
             where a.id = any($1)
             on conflict do nothing",
            &out.raised,
            now as _
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
    }
    let (codes, lv): (Vec<String>, Vec<i16>) =
        levels.iter().map(|(c, l)| (c.clone(), *l as i16)).unzip();
    sqlx::query!(
        "insert into alert_levels (area_code, city_code, level)
         select c, $3, l from unnest($1::text[], $2::int2[]) as n(c, l)
         on conflict (area_code) do update set level = excluded.level
         where alert_levels.level is distinct from excluded.level",
        &codes,
        &lv,
        city
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(out)
}

/// An alert as a reader sees it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AlertRow {
    pub id: i64,
    pub area_code: String,
    pub area_name: String,
    pub kind: String,
    pub subject: String,
    pub severity: i16,
    pub detail: serde_json::Value,
    pub since: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    /// This reader marked it "Đã xem".
    pub seen: bool,
}

/// The alerts of `area` and the areas under it: standing ones by severity
/// then age (oldest first: what has waited longest), or those ended since
/// `ended_since`, newest first.
pub async fn list(
    db: &PgPool,
    area: &AreaRef,
    user_id: i64,
    ended_since: Option<DateTime<Utc>>,
    kind: Option<&str>,
    limit: i64,
) -> Result<Vec<AlertRow>, AppError> {
    Ok(sqlx::query_as!(
        AlertRow,
        r#"select a.id, a.area_code, r.name as area_name, a.kind, a.subject, a.severity, a.detail,
                  a.since as "since: DateTime<Utc>", a.ended_at as "ended_at: DateTime<Utc>",
                  exists (select 1 from alert_seen s where s.alert_id = a.id and s.user_id = $2) as "seen!"
           from alerts a join areas r on r.code = a.area_code
           where (a.city_code = $1 or a.district_code = $1 or a.area_code = $1)
             and case when $3::timestamptz is null then a.ended_at is null else a.ended_at >= $3 end
             and ($5::text is null or a.kind = $5)
           order by case when $3::timestamptz is null then a.severity end, 
                    case when $3::timestamptz is null then a.since end,
                    a.ended_at desc nulls last, a.id
           limit $4"#,
        area.code,
        user_id,
        ended_since as _,
        limit,
        kind
    )
    .fetch_all(db)
    .await?)
}

/// How many alerts of each kind stand under `area`, most severe first.
pub async fn counts(db: &PgPool, area: &str) -> Result<Vec<(String, i64)>, AppError> {
    let rows = sqlx::query!(
        r#"select kind, count(*) as "n!" from alerts a
           where (a.city_code = $1 or a.district_code = $1 or a.area_code = $1) and a.ended_at is null
           group by kind, severity order by severity, count(*) desc, kind"#,
        area
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.kind, r.n)).collect())
}

/// The newest standing alerts of `area` and the areas under it.
pub async fn newest(db: &PgPool, area: &str, limit: i64) -> Result<Vec<AlertRow>, AppError> {
    Ok(sqlx::query_as!(
        AlertRow,
        r#"select a.id, a.area_code, r.name as area_name, a.kind, a.subject, a.severity, a.detail,
                  a.since as "since: DateTime<Utc>", a.ended_at as "ended_at: DateTime<Utc>",
                  false as "seen!"
           from alerts a join areas r on r.code = a.area_code
           where (a.city_code = $1 or a.district_code = $1 or a.area_code = $1) and a.ended_at is null
           order by a.since desc, a.severity, a.id desc
           limit $2"#,
        area,
        limit
    )
    .fetch_all(db)
    .await?)
}

/// Standing alerts under `area` this user has not marked seen.
pub async fn unseen(db: &PgPool, area: &str, user_id: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar!(
        r#"select count(*) as "n!" from alerts a
           where (a.city_code = $1 or a.district_code = $1 or a.area_code = $1) and a.ended_at is null
             and not exists (select 1 from alert_seen s where s.alert_id = a.id and s.user_id = $2)"#,
        area,
        user_id
    )
    .fetch_one(db)
    .await?)
}

/// The area an alert stands for, to decide who may see it.
pub async fn area_of(db: &PgPool, id: i64) -> Result<Option<String>, AppError> {
    Ok(
        sqlx::query_scalar!("select area_code from alerts where id = $1", id)
            .fetch_optional(db)
            .await?,
    )
}

/// Marks an alert seen by the actor (once; audited the first time).
pub async fn mark_seen(
    db: &PgPool,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    area: &str,
) -> Result<bool, AppError> {
    let user = actor
        .user_id
        .ok_or_else(|| AppError::BadRequest("a user marks an alert seen".into()))?;
    let mut tx = crate::storage::db::begin(db).await?;
    let done = sqlx::query!(
        "insert into alert_seen (alert_id, user_id, seen_at) values ($1, $2, $3) on conflict do nothing",
        id,
        user,
        now as _
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if done {
        let entry = Entry {
            area_code: Some(area),
            action: "seen",
            entity: "alert",
            entity_id: id.to_string(),
            old: None,
            new: Some(serde_json::json!({"seen_at": now})),
        };
        audit::record(&mut tx, now, actor, entry).await?;
    }
    tx.commit().await?;
    Ok(done)
}

/// Sets (or replaces) the webhook an area's alerts are sent to.
pub async fn set_hook(
    db: &PgPool,
    actor: &Actor,
    now: DateTime<Utc>,
    area: &str,
    url: &str,
    secret: &str,
) -> Result<(), AppError> {
    let mut tx = crate::storage::db::begin(db).await?;
    let old = sqlx::query_scalar!("select url from alert_hooks where area_code = $1", area)
        .fetch_optional(&mut *tx)
        .await?;
    sqlx::query!(
        "insert into alert_hooks (area_code, url, secret, updated_at) values ($1, $2, $3, $4)
         on conflict (area_code) do update set url = excluded.url, secret = excluded.secret,
           updated_at = excluded.updated_at",
        area,
        url,
        secret,
        now as _
    )
    .execute(&mut *tx)
    .await?;
    // The secret is never written to the audit log.
    let entry = Entry {
        area_code: Some(area),
        action: if old.is_some() { "update" } else { "create" },
        entity: "alert_hook",
        entity_id: area.to_string(),
        old: old.map(|u| serde_json::json!({ "url": u })),
        new: Some(serde_json::json!({ "url": url })),
    };
    audit::record(&mut tx, now, actor, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// A delivery taken to send now.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub alert_id: i64,
    pub hook_area: String,
    pub url: String,
    pub secret: String,
    pub attempt: i32,
    /// The alert as sent.
    pub body: serde_json::Value,
}

/// Attempts before a delivery is given up.
pub const MAX_ATTEMPTS: i32 = 12;

/// Takes up to `limit` deliveries due at `now`: each is pushed back by its
/// backoff before it is sent, in its own commit, so no other process takes
/// it meanwhile and a crash mid-send retries it only after the wait.
pub async fn take_due(
    db: &PgPool,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Delivery>, AppError> {
    let rows = sqlx::query!(
        r#"with due as (
             select alert_id, hook_area from alert_deliveries
             where state = 'pending' and next_at <= $1
             order by next_at limit $2 for update skip locked)
           update alert_deliveries d set attempts = d.attempts + 1,
             next_at = $1 + make_interval(secs => least(900, 5 * power(2, d.attempts)))
           from due where d.alert_id = due.alert_id and d.hook_area = due.hook_area
           returning d.alert_id, d.hook_area, d.attempts"#,
        now as _,
        limit
    )
    .fetch_all(db)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let a = sqlx::query!(
            r#"select a.id, a.city_code, a.area_code, r.name as area_name, a.kind, a.subject,
                      a.severity, a.detail, a.since as "since: DateTime<Utc>",
                      a.ended_at as "ended_at: DateTime<Utc>", h.url, h.secret
               from alerts a join areas r on r.code = a.area_code
               join alert_hooks h on h.area_code = $2
               where a.id = $1"#,
            r.alert_id,
            r.hook_area
        )
        .fetch_one(db)
        .await?;
        out.push(Delivery {
            alert_id: r.alert_id,
            hook_area: r.hook_area,
            url: a.url,
            secret: a.secret,
            attempt: r.attempts,
            body: serde_json::json!({
                "id": a.id, "city_code": a.city_code, "area_code": a.area_code,
                "area_name": a.area_name, "kind": a.kind, "subject": a.subject,
                "severity": a.severity, "detail": a.detail, "since": a.since,
                "ended_at": a.ended_at,
            }),
        });
    }
    Ok(out)
}

/// Records a delivery's answer: sent on a 2xx (never sent again), else
/// kept for its next attempt, or given up after [`MAX_ATTEMPTS`].
pub async fn answered(
    db: &PgPool,
    d: &Delivery,
    now: DateTime<Utc>,
    code: Option<u16>,
    error: Option<&str>,
) -> Result<(), AppError> {
    let ok = code.is_some_and(|c| (200..300).contains(&c));
    let state = if ok {
        "sent"
    } else if d.attempt >= MAX_ATTEMPTS {
        "given_up"
    } else {
        "pending"
    };
    sqlx::query!(
        "update alert_deliveries set state = $3, last_code = $4, last_error = $5,
           sent_at = case when $3 = 'sent' then $6::timestamptz end
         where alert_id = $1 and hook_area = $2",
        d.alert_id,
        d.hook_area,
        state,
        code.map(i32::from),
        error,
        now as _
    )
    .execute(db)
    .await?;
    Ok(())
}

/// When the next pending delivery is due, if any.
pub async fn next_due(db: &PgPool) -> Result<Option<DateTime<Utc>>, AppError> {
    Ok(sqlx::query_scalar!(
        r#"select min(next_at) as "at: DateTime<Utc>" from alert_deliveries where state = 'pending'"#
    )
    .fetch_one(db)
    .await?)
}
