//! Lockdown areas (điểm phong tỏa / vùng cách ly y tế) in a commune: who
//! is inside, since when, and the cluster they contain. An active one
//! makes its commune red (DESIGN §5).

use chrono::NaiveDate;
use sqlx::PgPool;

use super::{Stored, area_of, placed_at};
use crate::domain::area::{AreaRef, code_only};
use crate::domain::error::AppError;
use crate::domain::fields::{COMMUNE, COMMUNE_NAME, DISTRICT_CODE, NAME_MAX, NOTE, Spec, Table};
use crate::domain::forms::{Check, Raw, Vocab};
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
#[derive(serde::Serialize)]
pub struct LockdownValues {
    #[serde(rename = "commune_code", serialize_with = "code_only")]
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
    ($tail:tt $(+ $more:tt)*, $($arg:expr),* $(,)?) => {
        sqlx::query_as!(
            LockdownRow,
            r#"select l.id, l.city_code, l.district_code, l.commune_code, a.name as commune_name,
                 l.name, l.kind, l.started_on as "started_on: _", l.households, l.people, l.cluster_id,
                 k.name as "cluster_name?", l.status, l.lifted_on as "lifted_on: _", l.note, l.version
               from lockdowns l join areas a on a.code = l.commune_code
               left join clusters k on k.id = l.cluster_id "# + $tail $(+ $more)*,
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

    values_serialized!();

    placed_and_loaded!(commune, select_lockdowns, r#"where l.id = $1"#);

    async fn check(
        db: &PgPool,
        user: &CurrentUser,
        raw: &Raw,
        today: NaiveDate,
        _existing: Option<&Self>,
    ) -> Result<LockdownValues, AppError> {
        let mut c = Check::on(raw, today);
        let commune = area_of(db, user, Self::KIND, &mut c, &COMMUNE).await?;
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
                c.fail("cluster_id", "err.unknown_cluster");
            }
        }
        checked!(c => LockdownValues {
            commune, name, kind, started_on, people, status;
            households, cluster_id, lifted_on, note
        })
    }

    fn filter(raw: &Raw, _today: NaiveDate) -> Result<LockdownFilter, AppError> {
        Ok(LockdownFilter {
            active_only: matches!(raw.get("active"), "on" | "true"),
        })
    }

    listed_where! {
        select_lockdowns, "lockdowns l",
        "where (l.city_code = $1 or l.district_code = $1 or l.commune_code = $1)
            and (not $2 or l.status = 'active')",
        "order by l.status, l.started_on desc, l.id desc limit $3 offset $4";
        |area, f| area.code, f.active_only
    }

    written_as! {
        "lockdowns" ("city_code, district_code, commune_code, name, kind, started_on, households, people, cluster_id, status, lifted_on, note") = ("$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12"), now "$13", id "$14", version "$15";
        |v, codes| codes.city, codes.district, v.commune.code, v.name, v.kind.as_str(), v.started_on as _, v.households, v.people, v.cluster_id, v.status.as_str(), v.lifted_on as _, v.note
    }
}
