//! Testing rounds (đợt xét nghiệm) filed by a commune or a district: who
//! was targeted, how, samples taken, results back and positives. Samples
//! still without results two days on are "late" on every dashboard.

use chrono::NaiveDate;
use sqlx::PgPool;

use super::{Stored, area_of};
use crate::domain::area::{AreaRef, Level, code_only};
use crate::domain::error::AppError;
use crate::domain::fields::{AREA_NAME, COUNT_MAX, DISTRICT_CODE, NAME_MAX, NOTE, Spec, Table};
use crate::domain::forms::{Check, Raw, Vocab};
use crate::domain::policy::{CurrentUser, RecordKind};
use crate::domain::vocab::TestMethod;

/// A round is of a commune or a district (not of the city).
const AREA: Spec = Spec::area("area_code", "testing.area").required();
const TESTED_ON: Spec = Spec::past_date("tested_on", "testing.tested_on").required();
const TARGET: Spec = Spec::text("target", "testing.target", NAME_MAX).required();
const METHOD: Spec = Spec::choice(
    "method",
    "testing.method",
    TestMethod::VALUES,
    TestMethod::PREFIX,
)
.required();
const SAMPLES: Spec = Spec::int("samples", "testing.samples", 1, COUNT_MAX).required();
const RESULTS: Spec = Spec::count("results", "testing.results").always();
const RESULTS_ON: Spec = Spec::past_date("results_on", "testing.results_on");
const POSITIVES: Spec = Spec::count("positives", "testing.positives").always();

/// A testing round.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TestingRow {
    pub id: i64,
    #[serde(skip)]
    pub city_code: String,
    pub district_code: String,
    pub area_code: String,
    pub area_name: String,
    #[serde(skip)]
    pub area_level: String,
    #[serde(skip)]
    pub parent_code: Option<String>,
    pub tested_on: NaiveDate,
    pub target: String,
    pub method: String,
    pub samples: i32,
    pub results: i32,
    pub results_on: Option<NaiveDate>,
    pub positives: i32,
    pub note: String,
    pub version: i32,
}

/// A testing round that passed every check.
#[derive(serde::Serialize)]
pub struct TestingValues {
    #[serde(rename = "area_code", serialize_with = "code_only")]
    pub area: AreaRef,
    pub tested_on: NaiveDate,
    pub target: String,
    pub method: TestMethod,
    pub samples: i32,
    pub results: i32,
    pub results_on: Option<NaiveDate>,
    pub positives: i32,
    pub note: String,
}

/// A testing round as read: its columns and joins, stated once for every read (sqlx
/// checks each use at build time).
macro_rules! select_rounds {
    ($tail:tt $(+ $more:tt)*, $($arg:expr),* $(,)?) => {
        sqlx::query_as!(
            TestingRow,
            r#"select t.id, t.city_code, t.district_code, t.area_code, a.name as area_name,
                 a.level as area_level, a.parent_code, t.tested_on as "tested_on: _", t.target, t.method,
                 t.samples, t.results, t.results_on as "results_on: _", t.positives, t.note, t.version
               from testing_rounds t join areas a on a.code = t.area_code "# + $tail $(+ $more)*,
            $($arg),*
        )
    };
}

impl Stored for TestingRow {
    type Values = TestingValues;
    type Filter = ();
    const KIND: RecordKind = RecordKind::TestingRound;
    const ENTITY: &'static str = "testing_round";
    const FIELDS: Table = &[
        AREA,
        DISTRICT_CODE,
        AREA_NAME,
        TESTED_ON,
        TARGET,
        METHOD,
        SAMPLES,
        RESULTS,
        RESULTS_ON,
        POSITIVES,
        NOTE,
    ];

    row_accessors!(serialize);

    placed_by_area_fields!();

    values_serialized!();

    placed_and_loaded!(area, select_rounds, r#"where t.id = $1"#);

    async fn check(
        db: &PgPool,
        user: &CurrentUser,
        raw: &Raw,
        today: NaiveDate,
        _existing: Option<&Self>,
    ) -> Result<TestingValues, AppError> {
        let mut c = Check::on(raw, today);
        let area = area_of(db, user, Self::KIND, &mut c, &AREA).await?;
        if area.as_ref().is_some_and(|a| a.level == Level::City) {
            c.fail("area_code", "err.not_a_commune_or_district");
        }
        let tested_on = c.date_of(&TESTED_ON);
        let target = c.text_of(&TARGET);
        let method = c.choice_of::<TestMethod>(&METHOD);
        let samples = c.int_of(&SAMPLES).map(|n| n as i32);
        let results = c.int_of(&RESULTS).map_or(0, |n| n as i32);
        let results_on = c.date_of(&RESULTS_ON);
        let positives = c.int_of(&POSITIVES).map_or(0, |n| n as i32);
        if samples.is_some_and(|s| results > s) {
            c.fail("results", "err.results_over_samples");
        }
        if positives > results {
            c.fail("positives", "err.positives_over_results");
        }
        if results > 0 && results_on.is_none() {
            c.fail("results_on", "err.required");
        }
        if let (Some(t), Some(r)) = (tested_on, results_on)
            && r < t
        {
            c.fail("results_on", "err.date_order");
        }
        let note = c.opt_text_of(&NOTE);
        checked!(c => TestingValues {
            area, tested_on, target, method, samples;
            results, results_on, positives, note
        })
    }

    fn filter(_raw: &Raw, _today: NaiveDate) -> Result<(), AppError> {
        Ok(())
    }

    listed_where! {
        select_rounds, "testing_rounds t",
        "where t.city_code = $1 or t.district_code = $1 or t.area_code = $1",
        "order by t.tested_on desc, t.id desc limit $2 offset $3";
        |area, _f| area.code
    }

    written_as! {
        "testing_rounds" ("city_code, district_code, area_code, tested_on, target, method, samples, results, results_on, positives, note") = ("$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11"), now "$12", id "$13", version "$14";
        |v, codes| codes.city, codes.district, v.area.code, v.tested_on as _, v.target, v.method.as_str(), v.samples, v.results, v.results_on as _, v.positives, v.note
    }
}
