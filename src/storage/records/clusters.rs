//! Clusters (chùm ca bệnh): a named chain of cases in a commune; the case
//! count is derived from the cases linked to it.

use chrono::NaiveDate;
use sqlx::PgPool;

use super::{Stored, area_of, placed_at};
use crate::domain::area::{AreaRef, code_only};
use crate::domain::error::AppError;
use crate::domain::fields::{COMMUNE, COMMUNE_NAME, DISTRICT_CODE, NAME_MAX, NOTE, Spec, Table};
use crate::domain::forms::{Check, Raw};
use crate::domain::policy::{CurrentUser, RecordKind};

const NAME: Spec = Spec::text("name", "clusters.name", NAME_MAX).required();
const OPENED_ON: Spec = Spec::past_date("opened_on", "clusters.opened_on").required();
const CLOSED_ON: Spec = Spec::past_date("closed_on", "clusters.closed_on");
const CASES: Spec = Spec::count("cases", "clusters.cases").read_only().always();
const CLUSTER_NOTE: Spec = Spec {
    label: "clusters.note",
    ..NOTE
};

/// A cluster with its derived case count.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ClusterRow {
    pub id: i64,
    #[serde(skip)]
    pub city_code: String,
    pub district_code: String,
    pub commune_code: String,
    pub commune_name: String,
    pub name: String,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub note: String,
    pub cases: i64,
    pub version: i32,
}

/// A cluster that passed every check.
#[derive(serde::Serialize)]
pub struct ClusterValues {
    #[serde(rename = "commune_code", serialize_with = "code_only")]
    pub commune: AreaRef,
    pub name: String,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub note: String,
}

/// Filters of the cluster list.
pub struct ClusterFilter {
    /// Only clusters not yet closed.
    pub active_only: bool,
}

/// A case of a cluster, for its page.
pub struct ClusterCase {
    pub city_code: String,
    pub district_code: String,
    pub commune_code: String,
    pub case_code: String,
    pub detected_on: NaiveDate,
    pub status: String,
}

/// A cluster as read: its columns and joins, stated once for every read (sqlx
/// checks each use at build time).
macro_rules! select_clusters {
    ($tail:tt $(+ $more:tt)*, $($arg:expr),* $(,)?) => {
        sqlx::query_as!(
            ClusterRow,
            r#"select k.id, k.city_code, k.district_code, k.commune_code, a.name as commune_name,
                 k.name, k.opened_on as "opened_on: _", k.closed_on as "closed_on: _", k.note, k.version,
                 (select count(*) from cases c where c.cluster_id = k.id and c.voided_at is null) as "cases!"
               from clusters k join areas a on a.code = k.commune_code "# + $tail $(+ $more)*,
            $($arg),*
        )
    };
}

impl Stored for ClusterRow {
    type Values = ClusterValues;
    type Filter = ClusterFilter;
    const KIND: RecordKind = RecordKind::Cluster;
    const ENTITY: &'static str = "cluster";
    const FIELDS: Table = &[
        COMMUNE,
        DISTRICT_CODE,
        COMMUNE_NAME,
        NAME,
        OPENED_ON,
        CLOSED_ON,
        CASES,
        CLUSTER_NOTE,
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

    placed_and_loaded!(commune, select_clusters, r#"where k.id = $1"#);

    async fn check(
        db: &PgPool,
        user: &CurrentUser,
        raw: &Raw,
        today: NaiveDate,
        existing: Option<&Self>,
    ) -> Result<ClusterValues, AppError> {
        let mut c = Check::on(raw, today);
        let commune = area_of(db, user, Self::KIND, &mut c, &COMMUNE).await?;
        let name = c.text_of(&NAME);
        let opened_on = c.date_of(&OPENED_ON);
        let closed_on = c.date_of(&CLOSED_ON);
        if let (Some(o), Some(cl)) = (opened_on, closed_on)
            && cl < o
        {
            c.fail("closed_on", "err.date_order");
        }
        let note = c.opt_text_of(&CLUSTER_NOTE);
        // Its cases stay in their commune: a cluster with cases cannot move,
        // or another commune would read them through it.
        if let (Some(old), Some(new)) = (existing, &commune)
            && old.commune_code != new.code
        {
            let has_cases = sqlx::query_scalar!(
                r#"select exists (select 1 from cases where cluster_id = $1) as "e!""#,
                old.id
            )
            .fetch_one(db)
            .await?;
            if has_cases {
                c.fail("commune_code", "err.cluster_has_cases");
            }
        }
        checked!(c => ClusterValues { commune, name, opened_on; closed_on, note })
    }

    fn filter(raw: &Raw, _today: NaiveDate) -> Result<ClusterFilter, AppError> {
        // The page sends "on", the API "true".
        Ok(ClusterFilter {
            active_only: matches!(raw.get("active"), "on" | "true"),
        })
    }

    listed_where! {
        select_clusters, "clusters k",
        "where (k.city_code = $1 or k.district_code = $1 or k.commune_code = $1)
            and (not $2 or k.closed_on is null)",
        "order by k.opened_on desc, k.id desc limit $3 offset $4";
        |area, f| area.code, f.active_only
    }

    written_as! {
        "clusters" ("city_code, district_code, commune_code, name, opened_on, closed_on, note") = ("$1, $2, $3, $4, $5, $6, $7"), now "$8", id "$9", version "$10";
        |v, codes| codes.city, codes.district, v.commune.code, v.name, v.opened_on as _, v.closed_on as _, v.note
    }
}

/// The live cases of a cluster, oldest first.
pub async fn cases_of(db: &PgPool, id: i64) -> Result<Vec<ClusterCase>, AppError> {
    Ok(sqlx::query_as!(
        ClusterCase,
        r#"select city_code, district_code, commune_code, case_code,
             detected_on as "detected_on: _", status from cases
         where cluster_id = $1 and voided_at is null order by detected_on, case_code"#,
        id
    )
    .fetch_all(db)
    .await?)
}
