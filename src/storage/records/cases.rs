//! Confirmed cases (F0). Personal details (name, phone, address) are
//! written and shown only to those the policy lets read them; a wrong case
//! is voided with a reason, never deleted.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};

use super::{DatedList, Stored, area_of, dated_page, list_key, placed_at};
use crate::domain::area::{AreaRef, Codes, Level};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::fields::{COMMUNE, DISTRICT_CODE, Spec, Table};
use crate::domain::forms::{Check, Cursor, Paging, Raw, Vocab};
use crate::domain::policy::{Action, CurrentUser, RecordKind};
use crate::domain::vocab::{CaseStatus, DetectedIn, Sex, TreatedAt};
use crate::storage::ResultExt;
use crate::storage::audit::{self, Actor, Entry};

/// The case's code, as the city numbers them ("BN-TT-0001"): letters,
/// digits and `._/-`, stored upper-case without spaces.
pub const CASE_CODE: Spec = Spec::text("case_code", "cases.case_code", 30)
    .required()
    .pattern(CASE_CODE_PATTERN);
/// What a case code looks like, wherever one is typed.
pub const CASE_CODE_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9._/-]{1,29}$";
const DETECTED_ON: Spec = Spec::past_date("detected_on", "cases.detected_on").required();
const DETECTED_IN: Spec = Spec::choice(
    "detected_in",
    "cases.detected_in",
    DetectedIn::VALUES,
    DetectedIn::PREFIX,
)
.required();
const STATUS: Spec = Spec::choice(
    "status",
    "cases.status",
    CaseStatus::VALUES,
    CaseStatus::PREFIX,
)
.required();
const STATUS_ON: Spec = Spec::past_date("status_on", "cases.status_on").always();
const TREATED_AT: Spec = Spec::choice(
    "treated_at",
    "cases.treated_at",
    TreatedAt::VALUES,
    TreatedAt::PREFIX,
);
const CLUSTER: Spec = Spec::reference("cluster_id", "cases.cluster");
/// A person's details, as cases and contacts both keep them (the same
/// need-to-know: name, phone, address and year of birth for those who may
/// read them, an age band for the rest).
pub const VILLAGE: Spec = Spec::text("village", "cases.village", 100);
pub const SEX: Spec = Spec::choice("sex", "cases.sex", Sex::VALUES, Sex::PREFIX);
/// The year of birth. The check takes years up to this one; the API
/// document promises those every today takes.
pub const BIRTH_YEAR: Spec = Spec::int("birth_year", "cases.birth_year", 1900, 2021).personal();
pub const AGE_BAND: Spec = Spec::text("age_band", "cases.age_band", 10)
    .impersonal()
    .read_only()
    .or_null();
pub const FULL_NAME: Spec = Spec::text("full_name", "cases.full_name", 100)
    .personal()
    .hint("cases.personal_hint");
pub const PHONE: Spec = Spec::phone("phone", "cases.phone").personal();
pub const ADDRESS: Spec = Spec::text("address", "cases.address", 200).personal();
const VOIDED: Spec = Spec::boolean("voided", "rec.voided")
    .read_only()
    .always()
    .unexported();
const VOID_REASON: Spec = Spec::text("void_reason", "rec.void_reason", 300)
    .read_only()
    .or_null()
    .unexported();

/// A case as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseRow {
    pub id: i64,
    pub city_code: String,
    pub district_code: String,
    pub commune_code: String,
    pub commune_name: String,
    pub case_code: String,
    pub detected_on: NaiveDate,
    pub detected_in: String,
    pub status: String,
    pub status_on: NaiveDate,
    pub treated_at: Option<String>,
    pub cluster_id: Option<i64>,
    pub cluster_name: Option<String>,
    pub village: String,
    pub sex: Option<String>,
    pub birth_year: Option<i32>,
    pub full_name: String,
    pub phone: String,
    pub address: String,
    pub voided_at: Option<DateTime<Utc>>,
    pub void_reason: Option<String>,
    pub version: i32,
}

impl CaseRow {
    /// The ten-year age band at detection, shown instead of the year of
    /// birth to those who may not read personal details.
    pub fn age_band(&self) -> Option<String> {
        self.birth_year
            .and_then(|y| crate::domain::person::age_band(y, self.detected_on))
    }

    /// The case as the API answers it: with `personal`, the name, phone,
    /// address and year of birth; without, an age band in their place.
    pub fn json(&self, personal: bool) -> Value {
        let mut v = json!({
            "id": self.id,
            "version": self.version,
            "commune_code": self.commune_code,
            "district_code": self.district_code,
            "case_code": self.case_code,
            "detected_on": self.detected_on,
            "detected_in": self.detected_in,
            "status": self.status,
            "status_on": self.status_on,
            "treated_at": self.treated_at,
            "cluster_id": self.cluster_id,
            "village": self.village,
            "sex": self.sex,
            "voided": self.voided_at.is_some(),
            "void_reason": self.void_reason,
        });
        if personal {
            v["birth_year"] = self.birth_year.into();
            v["full_name"] = self.full_name.clone().into();
            v["phone"] = self.phone.clone().into();
            v["address"] = self.address.clone().into();
        } else {
            v["age_band"] = self.age_band().into();
        }
        v
    }
}

/// A case that passed every check.
#[derive(Debug, Clone)]
pub struct CaseValues {
    pub commune: AreaRef,
    pub case_code: String,
    pub detected_on: NaiveDate,
    pub detected_in: DetectedIn,
    pub status: CaseStatus,
    pub status_on: NaiveDate,
    pub treated_at: Option<TreatedAt>,
    pub cluster_id: Option<i64>,
    pub village: String,
    pub sex: Option<Sex>,
    pub birth_year: Option<i32>,
    /// Whether the writer may see personal details; if not, those stored are kept.
    pub personal: bool,
    pub full_name: String,
    pub phone: String,
    pub address: String,
}

/// Filters of the case list.
#[derive(Debug)]
pub struct CaseFilter {
    pub status: Option<CaseStatus>,
    pub detected_in: Option<DetectedIn>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// The start of a case code.
    pub q: String,
    /// Include voided cases.
    pub voided: bool,
}

/// Parses a case code: capital letters and digits (`bn 123` → `BN123`).
pub fn parse_case_code(s: &str) -> Option<String> {
    let code: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    let ok = (2..=30).contains(&code.len())
        && code
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "._/-".contains(c));
    ok.then_some(code)
}

/// A case code typed into `field`, parsed; one that is not a code is the
/// field's error.
pub fn case_code_in(c: &mut Check<'_>, field: &str, typed: Option<String>) -> Option<String> {
    let parsed = typed.as_deref().and_then(parse_case_code);
    if typed.is_some() && parsed.is_none() {
        c.fail(field, "err.case_code_format");
    }
    parsed
}

/// The select of a case with its commune and cluster names; a `where` follows.
/// The names are looked up per row (a page's 50, by primary key): as joins,
/// a search by case code was planned as hash joins over every area and
/// cluster, ten times the cost of the search itself.
const SELECT: &str = "select c.id, c.city_code, c.district_code, c.commune_code,
    (select a.name from areas a where a.code = c.commune_code) as commune_name,
    c.case_code, c.detected_on, c.detected_in, c.status, c.status_on, c.treated_at, c.cluster_id,
    (select k.name from clusters k where k.id = c.cluster_id) as cluster_name,
    c.village, c.sex, c.birth_year, c.full_name, c.phone, c.address,
    c.voided_at, c.void_reason, c.version
    from cases c";

/// Adds the list's conditions to a query over `cases c`.
fn push_conditions<'a>(qb: &mut QueryBuilder<'a, Postgres>, area: &'a AreaRef, f: &'a CaseFilter) {
    // One column for the area's level, so the list reads its own index in
    // order (an OR of the three columns scans every case of the city).
    let column = match area.level {
        Level::City => " where c.city_code = ",
        Level::District => " where c.district_code = ",
        Level::Commune => " where c.commune_code = ",
    };
    qb.push(column).push_bind(&area.code);
    if let Some(s) = f.status {
        qb.push(" and c.status = ").push_bind(s.as_str());
    }
    if let Some(d) = f.detected_in {
        qb.push(" and c.detected_in = ").push_bind(d.as_str());
    }
    if let Some(from) = f.from {
        qb.push(" and c.detected_on >= ").push_bind(from);
    }
    if let Some(to) = f.to {
        qb.push(" and c.detected_on <= ").push_bind(to);
    }
    if !f.q.is_empty() {
        let escaped: String =
            f.q.chars()
                .flat_map(|c| match c {
                    '\\' | '%' | '_' => vec!['\\', c],
                    c => vec![c],
                })
                .collect();
        qb.push(" and c.case_code like ")
            .push_bind(format!("{escaped}%"));
        // Codes are unique within a city: with the city named, a search
        // from a district or a commune reads the (city_code, case_code)
        // index instead of every case of the area.
        let city = Codes::of(area).city;
        if area.level != Level::City && !city.is_empty() {
            qb.push(" and c.city_code = ").push_bind(city);
        }
    }
    if !f.voided {
        qb.push(" and c.voided_at is null");
    }
}

impl Stored for CaseRow {
    type Values = CaseValues;
    type Filter = CaseFilter;
    const KIND: RecordKind = RecordKind::Case;
    const ENTITY: &'static str = "case";
    const FIELDS: Table = &[
        COMMUNE,
        DISTRICT_CODE,
        CASE_CODE,
        DETECTED_ON,
        DETECTED_IN,
        STATUS,
        STATUS_ON,
        TREATED_AT,
        CLUSTER,
        VILLAGE,
        SEX,
        BIRTH_YEAR,
        AGE_BAND,
        FULL_NAME,
        PHONE,
        ADDRESS,
        VOIDED,
        VOID_REASON,
    ];

    row_accessors!();

    fn area(&self) -> AreaRef {
        placed_at(
            &self.commune_code,
            &self.commune_name,
            "commune",
            Some(&self.district_code),
            &self.city_code,
        )
    }

    /// Without name, phone and address; with the year of birth, which the
    /// audit page shows only to those who may read it.
    fn json_value(&self) -> Value {
        let mut v = self.json(false);
        if let Some(o) = v.as_object_mut() {
            o.remove("age_band");
            o.insert("birth_year".into(), self.birth_year.into());
        }
        v
    }

    fn values_area(v: &CaseValues) -> &AreaRef {
        &v.commune
    }

    fn values_json(v: &CaseValues) -> Value {
        json!({
            "commune_code": v.commune.code, "case_code": v.case_code,
            "detected_on": v.detected_on, "detected_in": v.detected_in.as_str(),
            "status": v.status.as_str(), "status_on": v.status_on,
            "treated_at": v.treated_at.map(|t| t.as_str()), "cluster_id": v.cluster_id,
            "village": v.village, "sex": v.sex.map(|s| s.as_str()), "birth_year": v.birth_year,
            "personal_details": !(v.full_name.is_empty() && v.phone.is_empty() && v.address.is_empty()),
        })
    }

    async fn load(db: &PgPool, _today: NaiveDate, id: i64) -> Result<Option<Self>, AppError> {
        Ok(sqlx::query_as!(
            CaseRow,
            r#"select c.id, c.city_code, c.district_code, c.commune_code, a.name as commune_name,
                 c.case_code, c.detected_on as "detected_on: _", c.detected_in, c.status,
                 c.status_on as "status_on: _", c.treated_at, c.cluster_id,
                 k.name as "cluster_name?", c.village, c.sex, c.birth_year, c.full_name, c.phone,
                 c.address, c.voided_at as "voided_at: _", c.void_reason, c.version
               from cases c join areas a on a.code = c.commune_code
               left join clusters k on k.id = c.cluster_id
               where c.id = $1"#,
            id
        )
        .fetch_optional(db)
        .await?)
    }

    async fn check(
        db: &PgPool,
        user: &CurrentUser,
        raw: &Raw,
        today: NaiveDate,
        _existing: Option<&Self>,
    ) -> Result<CaseValues, AppError> {
        let mut c = Check::on(raw, today);
        let commune = area_of(db, user, Self::KIND, &mut c, &COMMUNE).await?;
        let typed = c.text_of(&CASE_CODE);
        let case_code = case_code_in(&mut c, "case_code", typed);
        let detected_on = c.date_of(&DETECTED_ON);
        let detected_in = c.choice_of::<DetectedIn>(&DETECTED_IN);
        let status = c.choice_of::<CaseStatus>(&STATUS);
        let status_on = c.date_of(&STATUS_ON).or(detected_on);
        if let (Some(d), Some(s)) = (detected_on, status_on)
            && s < d
        {
            c.fail("status_on", "err.date_before_detected");
        }
        let treated_at = c.choice_of::<TreatedAt>(&TREATED_AT);
        let cluster_id = c.int_of(&CLUSTER);
        let village = c.opt_text_of(&VILLAGE);
        let sex = c.choice_of::<Sex>(&SEX);
        // Up to this year: the table's bound is the document's, for any today.
        let birth_year = c
            .int(BIRTH_YEAR.name, false, 1900, today.year() as i64)
            .map(|y| y as i32);
        let full_name = c.opt_text_of(&FULL_NAME);
        let phone = c.phone_of(&PHONE).unwrap_or_default();
        let address = c.opt_text_of(&ADDRESS);
        if let (Some(id), Some(a)) = (cluster_id, &commune) {
            let exists = sqlx::query_scalar!(
                r#"select exists (select 1 from clusters where id = $1 and commune_code = $2) as "e!""#,
                id,
                a.code
            )
            .fetch_one(db)
            .await?;
            if !exists {
                c.errors.add("cluster_id", "err.unknown_cluster");
            }
        }
        // Personal details are only written by those allowed to read them.
        let personal = commune
            .as_ref()
            .is_some_and(|a| user.can(Action::ReadPersonal(a)));
        let keep = |s: String| if personal { s } else { String::new() };
        checked!(c => CaseValues {
            commune, case_code, detected_on, detected_in, status, status_on;
            treated_at, cluster_id, village, sex, birth_year, personal,
            full_name: keep(full_name),
            phone: keep(phone),
            address: keep(address)
        })
    }

    fn filter(raw: &Raw, today: NaiveDate) -> Result<CaseFilter, AppError> {
        let mut c = Check::on(raw, today);
        let f = CaseFilter {
            status: c.choice("status", false),
            detected_in: c.choice("detected_in", false),
            from: c.date("from", false, None),
            to: c.date("to", false, None),
            q: raw.get("q").trim().to_uppercase(),
            voided: matches!(raw.get("voided"), "on" | "true"),
        };
        c.finish()?;
        Ok(f)
    }

    async fn query(
        db: &PgPool,
        _today: NaiveDate,
        area: &AreaRef,
        f: &CaseFilter,
        paging: Paging,
    ) -> Result<(Vec<Self>, i64), AppError> {
        let list = DatedList {
            select: SELECT,
            from: "cases c",
            date: "c.detected_on",
        };
        let key = list_key(db, area, f);
        dated_page(db, list, key, |qb| push_conditions(qb, area, f), paging).await
    }

    fn cursor(&self) -> Option<Cursor> {
        Some(Cursor::date(self.detected_on, self.id))
    }

    async fn insert(
        conn: &mut PgConnection,
        now: DateTime<Utc>,
        v: &CaseValues,
    ) -> Result<i64, AppError> {
        let codes = Codes::of(&v.commune);
        sqlx::query_scalar!(
            "insert into cases (city_code, district_code, commune_code, case_code, detected_on, detected_in,
               status, status_on, treated_at, cluster_id, village, sex, birth_year, full_name, phone, address,
               created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)
             returning id",
            codes.city,
            codes.district,
            v.commune.code,
            v.case_code,
            v.detected_on as _,
            v.detected_in.as_str(),
            v.status.as_str(),
            v.status_on as _,
            v.treated_at.map(|t| t.as_str()),
            v.cluster_id,
            v.village,
            v.sex.map(|s| s.as_str()),
            v.birth_year,
            v.full_name,
            v.phone,
            v.address,
            now as _
        )
        .fetch_one(conn)
        .await
        .on_constraint("cases_case_code_key", "case_code", "err.case_code_taken")
    }

    async fn update(
        conn: &mut PgConnection,
        now: DateTime<Utc>,
        old: &Self,
        version: i32,
        v: &CaseValues,
    ) -> Result<bool, AppError> {
        let codes = Codes::of(&v.commune);
        let done = sqlx::query!(
            "update cases set city_code = $3, district_code = $4, commune_code = $5, case_code = $6,
               detected_on = $7, detected_in = $8, status = $9, status_on = $10, treated_at = $11,
               cluster_id = $12, village = $13, sex = $14, birth_year = $15,
               full_name = case when $19 then $16 else full_name end,
               phone = case when $19 then $17 else phone end,
               address = case when $19 then $18 else address end,
               version = version + 1, updated_at = $20
             where id = $1 and version = $2 and voided_at is null",
            old.id,
            version,
            codes.city,
            codes.district,
            v.commune.code,
            v.case_code,
            v.detected_on as _,
            v.detected_in.as_str(),
            v.status.as_str(),
            v.status_on as _,
            v.treated_at.map(|t| t.as_str()),
            v.cluster_id,
            v.village,
            v.sex.map(|s| s.as_str()),
            v.birth_year,
            v.full_name,
            v.phone,
            v.address,
            v.personal,
            now as _
        )
        .execute(conn)
        .await
        .on_constraint("cases_case_code_key", "case_code", "err.case_code_taken")?;
        Ok(done.rows_affected() == 1)
    }
}

/// Voids a case with a reason; nothing is deleted.
pub async fn void(
    db: &PgPool,
    actor: &Actor,
    now: DateTime<Utc>,
    old: &CaseRow,
    reason: &str,
) -> Result<(), AppError> {
    let mut tx = crate::storage::db::begin(db).await?;
    let done = sqlx::query!(
        "update cases set voided_at = $2, void_reason = $3, version = version + 1, updated_at = $2
         where id = $1 and voided_at is null",
        old.id,
        now as _,
        reason
    )
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        let mut f = FieldErrors::default();
        f.add("reason", "err.already_voided");
        return Err(AppError::Conflict(f));
    }
    let entry = Entry {
        area_code: Some(&old.commune_code),
        action: "void",
        entity: "case",
        entity_id: old.id.to_string(),
        old: Some(old.json_value()),
        new: Some(json!({ "void_reason": reason })),
    };
    audit::record(&mut tx, now, actor, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// The next free code in the series of a commune's latest case: its
/// trailing number plus one, with the same width (`BN2021-0090001` →
/// `BN2021-0090002`); `None` when the commune has no case with a number.
pub async fn next_case_code(db: &PgPool, commune: &str) -> Result<Option<String>, AppError> {
    let last = sqlx::query_scalar!(
        "select case_code from cases where commune_code = $1 order by id desc limit 1",
        commune
    )
    .fetch_optional(db)
    .await?;
    let Some(mut code) = last.as_deref().and_then(next_in_series) else {
        return Ok(None);
    };
    // Someone may have taken the next ones already: skip them.
    for _ in 0..50 {
        let taken = sqlx::query_scalar!(
            r#"select exists (select 1 from cases where case_code = $1) as "e!""#,
            code
        )
        .fetch_one(db)
        .await?;
        if !taken {
            return Ok(Some(code));
        }
        match next_in_series(&code) {
            Some(next) => code = next,
            None => break,
        }
    }
    Ok(None)
}

/// `code` with its trailing number plus one, keeping the width.
pub fn next_in_series(code: &str) -> Option<String> {
    let digits = code.len() - code.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return None;
    }
    let (head, num) = code.split_at(code.len() - digits);
    let n: u64 = num.parse().ok()?;
    let next = format!("{head}{:0width$}", n + 1, width = digits);
    parse_case_code(&next)
}

/// The codes among `codes` already stored.
pub async fn taken_codes(db: &PgPool, codes: &[String]) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar!(
        "select case_code from cases where case_code = any($1)",
        codes
    )
    .fetch_all(db)
    .await?)
}

/// Open clusters a user may link a case to, with their commune's name.
pub async fn open_clusters(
    db: &PgPool,
    scope: Option<&str>,
) -> Result<Vec<(i64, String, String)>, AppError> {
    let rows = sqlx::query!(
        "select k.id, k.name, a.name as commune from clusters k join areas a on a.code = k.commune_code
         where ($1::text is null or k.city_code = $1 or k.district_code = $1 or k.commune_code = $1)
           and k.closed_on is null
         order by a.name collate \"vi-x-icu\", k.name collate \"vi-x-icu\" limit 300",
        scope
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, r.name, r.commune))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_code_in_a_series_keeps_its_prefix_and_width() {
        assert_eq!(
            next_in_series("BN2021-0090001").as_deref(),
            Some("BN2021-0090002")
        );
        assert_eq!(next_in_series("BN099").as_deref(), Some("BN100"));
        assert_eq!(next_in_series("F0-9").as_deref(), Some("F0-10"));
        assert_eq!(next_in_series("BNABC"), None);
    }

    #[test]
    fn case_codes_are_capitalised_and_checked() {
        assert_eq!(parse_case_code("bn123456").as_deref(), Some("BN123456"));
        assert_eq!(parse_case_code(" BN 1234 ").as_deref(), Some("BN1234"));
        assert_eq!(parse_case_code("B"), None);
        assert_eq!(parse_case_code("BN<script>"), None);
        assert_eq!(parse_case_code("'; drop"), None);
        assert_eq!(parse_case_code(&"A".repeat(31)), None);
    }
}
