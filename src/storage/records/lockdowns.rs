//! Lockdown areas (điểm phong tỏa / vùng cách ly y tế) in a commune: who
//! is inside, since when, and the cluster they contain. An active one
//! makes its commune red (DESIGN §5).

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};

use super::{Stored, placed_at, writable_area};
use crate::domain::area::{AreaRef, Codes};
use crate::domain::error::AppError;
use crate::domain::fields::{COMMUNE, COMMUNE_NAME, DISTRICT_CODE, NAME_MAX, NOTE, Spec, Table};
use crate::domain::forms::{Check, Paging, Raw, Vocab};
use crate::domain::policy::{CurrentUser, RecordKind};
use crate::domain::vocab::{LockdownKind, LockdownStatus};

const NAME: Spec = Spec::text("name", "lockdowns.name", NAME_MAX).required();
const KIND: Spec = Spec::choice(
    "kind",
    "lockdowns.kind",
    LockdownKind::VALUES,
    LockdownKind::PREFIX,
)
.required();
const STARTED_ON: Spec = Spec::past_date("started_on", "lockdowns.started_on").required();
const HOUSEHOLDS: Spec = Spec::int("households", "lockdowns.households", 0, 1_000_000);
const PEOPLE: Spec = Spec::count("people", "lockdowns.people").required();
const CLUSTER: Spec = Spec::reference("cluster_id", "lockdowns.cluster_id");
const CLUSTER_NAME: Spec = Spec::text("cluster_name", "lockdowns.cluster_id", NAME_MAX)
    .read_only()
    .or_null()
    .unexported();
const STATUS: Spec = Spec::choice(
    "status",
    "lockdowns.status",
    LockdownStatus::VALUES,
    LockdownStatus::PREFIX,
)
.required();
const LIFTED_ON: Spec = Spec::past_date("lifted_on", "lockdowns.lifted_on");

/// A lockdown area.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LockdownRow {
    pub id: i64,
    #[serde(skip)]
    pub city_code: String,
    pub district_code: String,
    pub commune_code: String,
    pub commune_name: String,
    pub name: String,
    pub kind: String,
    pub started_on: NaiveDate,
    pub households: Option<i32>,
    pub people: i32,
    pub cluster_id: Option<i64>,
    pub cluster_name: Option<String>,
    pub status: String,
    pub lifted_on: Option<NaiveDate>,
    pub note: String,
    pub version: i32,
}

/// A lockdown area that passed every check.
pub struct LockdownValues {
    pub commune: AreaRef,
    pub name: String,
    pub kind: LockdownKind,
    pub started_on: NaiveDate,
    pub households: Option<i32>,
    pub people: i32,
    pub cluster_id: Option<i64>,
    pub status: LockdownStatus,
    pub lifted_on: Option<NaiveDate>,
    pub note: String,
}

/// Filters of the lockdown list.
pub struct LockdownFilter {
    /// Only those not lifted.
    pub active_only: bool,
}

/// A lockdown area as read: its columns and joins, stated once for every read (sqlx
/// checks each use at build time).
macro_rules! select_lockdowns {
    ($tail:tt, $($arg:expr),* $(,)?) => {
        sqlx::query_as!(
            LockdownRow,
            r#"select l.id, l.city_code, l.district_code, l.commune_code, a.name as commune_name,
                 l.name, l.kind, l.started_on as "started_on: _", l.households, l.people, l.cluster_id,
                 k.name as "cluster_name?", l.status, l.lifted_on as "lifted_on: _", l.note, l.version
               from lockdowns l join areas a on a.code = l.commune_code
               left join clusters k on k.id = l.cluster_id "# + $tail,
            $($arg),*
        )
    };
}

impl Stored for LockdownRow {
    type Values = LockdownValues;
    type Filter = LockdownFilter;
    const KIND: RecordKind = RecordKind::Lockdown;
    const ENTITY: &'static str = "lockdown";
    const FIELDS: Table = &[
        COMMUNE,
        DISTRICT_CODE,
        COMMUNE_NAME,
        NAME,
        KIND,
        STARTED_ON,
        HOUSEHOLDS,
        PEOPLE,
        CLUSTER,
        CLUSTER_NAME,
        STATUS,
        LIFTED_ON,
        NOTE,
    ];

    row_accessors!(serialize);

    fn area(&self) -> AreaRef {
        placed_at(
            &self.commune_code,
            &self.commune_name,
            "commune",
            Some(&self.district_code),
            &self.city_code,
        )
    }

    fn values_area(v: &LockdownValues) -> &AreaRef {
        &v.commune
    }

    fn values_json(v: &LockdownValues) -> Value {
        json!({"commune_code": v.commune.code, "name": v.name, "kind": v.kind.as_str(),
            "started_on": v.started_on, "households": v.households, "people": v.people,
            "cluster_id": v.cluster_id, "status": v.status.as_str(), "lifted_on": v.lifted_on,
            "note": v.note})
    }

    async fn load(db: &PgPool, _today: NaiveDate, id: i64) -> Result<Option<Self>, AppError> {
        Ok(select_lockdowns!(r#"where l.id = $1"#, id)
            .fetch_optional(db)
            .await?)
    }

    async fn check(
        db: &PgPool,
        user: &CurrentUser,
        raw: &Raw,
        today: NaiveDate,
        _existing: Option<&Self>,
    ) -> Result<LockdownValues, AppError> {
        let mut c = Check::on(raw, today);
        let code = c.code_of(&COMMUNE);
        let name = c.text_of(&NAME);
        let kind = c.choice_of::<LockdownKind>(&KIND);
        let started_on = c.date_of(&STARTED_ON);
        let households = c.int_of(&HOUSEHOLDS).map(|n| n as i32);
        let people = c.int_of(&PEOPLE).map(|n| n as i32);
        let cluster_id = c.int_of(&CLUSTER);
        let status = c.choice_of::<LockdownStatus>(&STATUS);
        let lifted_on = c.date_of(&LIFTED_ON);
        match (status, lifted_on) {
            (Some(LockdownStatus::Lifted), None) => c.fail("lifted_on", "err.required"),
            (Some(LockdownStatus::Active), Some(_)) => {
                c.fail("lifted_on", "err.lifted_while_active")
            }
            _ => {}
        }
        if let (Some(s), Some(l)) = (started_on, lifted_on)
            && l < s
        {
            c.fail("lifted_on", "err.date_order");
        }
        let note = c.opt_text_of(&NOTE);
        let mut errors = std::mem::take(&mut c.errors);
        let commune = writable_area(
            db,
            user,
            Self::KIND,
            code,
            "commune_code",
            true,
            &mut errors,
        )
        .await?;
        // The cluster inside must be one of the commune's own.
        if let (Some(id), Some(commune)) = (cluster_id, &commune) {
            let here = sqlx::query_scalar!(
                r#"select exists (select 1 from clusters where id = $1 and commune_code = $2) as "e!""#,
                id,
                commune.code
            )
            .fetch_one(db)
            .await?;
            if !here {
                errors.add("cluster_id", "err.unknown_cluster");
            }
        }
        match (commune, name, kind, started_on, people, status) {
            (
                Some(commune),
                Some(name),
                Some(kind),
                Some(started_on),
                Some(people),
                Some(status),
            ) if errors.is_empty() => Ok(LockdownValues {
                commune,
                name,
                kind,
                started_on,
                households,
                people,
                cluster_id,
                status,
                lifted_on,
                note,
            }),
            _ => Err(AppError::Invalid(errors)),
        }
    }

    fn filter(raw: &Raw, _today: NaiveDate) -> Result<LockdownFilter, AppError> {
        Ok(LockdownFilter {
            active_only: matches!(raw.get("active"), "on" | "true"),
        })
    }

    async fn query(
        db: &PgPool,
        _today: NaiveDate,
        area: &AreaRef,
        f: &LockdownFilter,
        paging: Paging,
    ) -> Result<(Vec<Self>, i64), AppError> {
        let total = sqlx::query_scalar!(
            r#"select count(*) as "n!" from lockdowns l
               where (l.city_code = $1 or l.district_code = $1 or l.commune_code = $1)
                 and (not $2 or l.status = 'active')"#,
            area.code,
            f.active_only
        )
        .fetch_one(db)
        .await?;
        let rows = select_lockdowns!(
            r#"where (l.city_code = $1 or l.district_code = $1 or l.commune_code = $1)
                 and (not $2 or l.status = 'active')
               order by l.status, l.started_on desc, l.id desc limit $3 offset $4"#,
            area.code,
            f.active_only,
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
        v: &LockdownValues,
    ) -> Result<i64, AppError> {
        let codes = Codes::of(&v.commune);
        Ok(sqlx::query_scalar!(
            "insert into lockdowns (city_code, district_code, commune_code, name, kind, started_on, households,
               people, cluster_id, status, lifted_on, note, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) returning id",
            codes.city,
            codes.district,
            v.commune.code,
            v.name,
            v.kind.as_str(),
            v.started_on as _,
            v.households,
            v.people,
            v.cluster_id,
            v.status.as_str(),
            v.lifted_on as _,
            v.note,
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
        v: &LockdownValues,
    ) -> Result<bool, AppError> {
        let codes = Codes::of(&v.commune);
        let done = sqlx::query!(
            "update lockdowns set city_code = $3, district_code = $4, commune_code = $5, name = $6, kind = $7,
               started_on = $8, households = $9, people = $10, cluster_id = $11, status = $12,
               lifted_on = $13, note = $14, version = version + 1, updated_at = $15
             where id = $1 and version = $2",
            old.id,
            version,
            codes.city,
            codes.district,
            v.commune.code,
            v.name,
            v.kind.as_str(),
            v.started_on as _,
            v.households,
            v.people,
            v.cluster_id,
            v.status.as_str(),
            v.lifted_on as _,
            v.note,
            now as _
        )
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
