//! Contacts (DESIGN §3a): an F1 exposed to a case, an F2 exposed to an
//! F1, recorded in the commune they live in, with where they are held and
//! their tests. Personal details follow the cases' need-to-know. A
//! placement into a full site is refused with the free places named; a
//! positive test turns the contact into a case in one step.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::{PgPool, Postgres, QueryBuilder};

use super::cases::{
    ADDRESS, AGE_BAND, BIRTH_YEAR, CASE_CODE_PATTERN, CaseRow, CaseValues, FULL_NAME, PHONE, SEX,
    VILLAGE, case_code_in,
};
use super::{DatedList, Stored, Write, area_of, dated_page, list_key, placed_at, save_in};
use crate::domain::area::{AreaRef, Level, code_only};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::fields::{COMMUNE, COMMUNE_NAME, DISTRICT_CODE, NAME_MAX, NOTE, Spec, Table};
use crate::domain::forms::{Check, Cursor, Paging, Raw, Vocab};
use crate::domain::policy::{CurrentUser, RecordKind};
use crate::domain::vocab::{
    CaseStatus, ContactStatus, DetectedIn, FoundBy, HeldAt, Sex, TestMethod, TestResult,
};
use crate::storage::audit::{self, Actor, Entry};

/// The case an F1 was exposed to, by its code.
const CASE_CODE: Spec = Spec::text("case_code", "contacts.case_code", 30)
    .pattern(CASE_CODE_PATTERN)
    .hint("contacts.source_hint");
/// The F1 an F2 was exposed to, by its number.
const SOURCE: Spec = Spec::reference("source_id", "contacts.source_id");
const TIER: Spec = Spec::text("tier", "contacts.tier", 2).read_only().always();
const EXPOSED_ON: Spec = Spec::past_date("exposed_on", "contacts.exposed_on").required();
const FOUND_BY: Spec = Spec::choice(
    "found_by",
    "contacts.found_by",
    FoundBy::VALUES,
    FoundBy::PREFIX,
)
.required();
const HELD_AT: Spec = Spec::choice(
    "held_at",
    "contacts.held_at",
    HeldAt::VALUES,
    HeldAt::PREFIX,
)
.required();
const SITE: Spec = Spec::reference("site_id", "contacts.site_id").shown_by("site_name");
const SITE_NAME: Spec = Spec::text("site_name", "contacts.site_id", NAME_MAX)
    .read_only()
    .or_null()
    .unexported();
const QUARANTINE_FROM: Spec = Spec::past_date("quarantine_from", "contacts.quarantine_from");
const QUARANTINE_TO: Spec =
    Spec::date("quarantine_to", "contacts.quarantine_to").hint("contacts.quarantine_to_hint");
const STATUS: Spec = Spec::choice(
    "status",
    "contacts.status",
    ContactStatus::VALUES,
    ContactStatus::PREFIX,
)
.required();
const BECAME_CASE: Spec = Spec::text("became_case_code", "contacts.became_case", 30)
    .read_only()
    .or_null();
/// A contact as stored.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct ContactRow {
    pub id: i64,
    #[serde(skip)]
    pub city_code: String,
    pub district_code: String,
    pub commune_code: String,
    pub commune_name: String,
    pub case_id: Option<i64>,
    /// The code of the case an F1 was exposed to.
    pub case_code: Option<String>,
    pub source_id: Option<i64>,
    pub exposed_on: NaiveDate,
    pub found_by: String,
    pub held_at: String,
    pub site_id: Option<i64>,
    pub site_name: Option<String>,
    pub quarantine_from: Option<NaiveDate>,
    pub quarantine_to: Option<NaiveDate>,
    pub status: String,
    pub became_case_id: Option<i64>,
    pub became_case_code: Option<String>,
    pub village: String,
    pub sex: Option<String>,
    pub birth_year: Option<i32>,
    pub full_name: String,
    pub phone: String,
    pub address: String,
    pub note: String,
    pub version: i32,
}

impl ContactRow {
    /// "F1" or "F2".
    pub fn tier(&self) -> &'static str {
        if self.case_id.is_some() { "F1" } else { "F2" }
    }

    /// Whether they are held now (counted in a site, chased for tests).
    pub fn held(&self) -> bool {
        self.status == ContactStatus::Quarantined.as_str()
    }

    /// The record as the API answers it: with `personal`, name, phone,
    /// address and year of birth; without, the age band in their place.
    pub fn answer(&self, personal: bool) -> Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(o) = v.as_object_mut() {
            o.insert("tier".into(), self.tier().into());
            if !personal {
                // Personal details, as the field table marks them.
                for f in Self::FIELDS.iter().filter(|f| !f.visible(false)) {
                    o.remove(f.name);
                }
                let band = self
                    .birth_year
                    .and_then(|y| crate::domain::person::age_band(y, self.exposed_on));
                o.insert("age_band".into(), band.into());
            }
        }
        v
    }
}

/// A contact that passed every check.
#[derive(serde::Serialize)]
pub struct ContactValues {
    #[serde(rename = "commune_code", serialize_with = "code_only")]
    pub commune: AreaRef,
    pub case_id: Option<i64>,
    pub source_id: Option<i64>,
    pub exposed_on: NaiveDate,
    pub found_by: FoundBy,
    pub held_at: HeldAt,
    pub site_id: Option<i64>,
    pub quarantine_from: Option<NaiveDate>,
    pub quarantine_to: Option<NaiveDate>,
    pub status: ContactStatus,
    pub village: String,
    pub sex: Option<Sex>,
    #[serde(skip)]
    pub birth_year: Option<i32>,
    #[serde(skip)]
    pub full_name: String,
    #[serde(skip)]
    pub phone: String,
    #[serde(skip)]
    pub address: String,
    pub note: String,
}

/// Filters of the contact list.
#[derive(Debug)]
pub struct ContactFilter {
    pub status: Option<ContactStatus>,
    /// Only the contacts of this case.
    pub case_id: Option<i64>,
}

/// A contact as read, for every read: the names it points at looked up
/// per row (a page's 50, by primary key), as the case list does, so that
/// a list reads its level's index in order and stops at the page.
const LIST_SELECT: &str = "select c.id, c.city_code, c.district_code, c.commune_code,
    (select a.name from areas a where a.code = c.commune_code) as commune_name,
    c.case_id, (select k.case_code from cases k where k.id = c.case_id) as case_code, c.source_id,
    c.exposed_on, c.found_by, c.held_at, c.site_id,
    (select s.name from quarantine_sites s where s.id = c.site_id) as site_name,
    c.quarantine_from, c.quarantine_to, c.status, c.became_case_id,
    (select b.case_code from cases b where b.id = c.became_case_id) as became_case_code,
    c.village, c.sex, c.birth_year, c.full_name, c.phone, c.address, c.note, c.version
    from contacts c";

impl Stored for ContactRow {
    type Values = ContactValues;
    type Filter = ContactFilter;
    const KIND: RecordKind = RecordKind::Contact;
    const ENTITY: &'static str = "contact";
    const FIELDS: Table = &[
        COMMUNE,
        DISTRICT_CODE,
        COMMUNE_NAME,
        TIER,
        CASE_CODE,
        SOURCE,
        EXPOSED_ON,
        FOUND_BY,
        STATUS,
        HELD_AT,
        SITE,
        SITE_NAME,
        QUARANTINE_FROM,
        QUARANTINE_TO,
        BECAME_CASE,
        VILLAGE,
        SEX,
        BIRTH_YEAR,
        AGE_BAND,
        FULL_NAME,
        PHONE,
        ADDRESS,
        NOTE,
    ];

    row_accessors!();

    /// Without name, phone and address; with the year of birth, which the
    /// audit page shows only to those who may read it.
    fn json_value(&self) -> Value {
        let mut v = self.answer(true);
        if let Some(o) = v.as_object_mut() {
            for k in ["full_name", "phone", "address"] {
                o.remove(k);
            }
        }
        v
    }

    fn area(&self) -> AreaRef {
        placed_at(
            &self.commune_code,
            &self.commune_name,
            "commune",
            Some(&self.district_code),
            &self.city_code,
        )
    }

    fn values_json(v: &ContactValues) -> Value {
        let mut j = serde_json::to_value(v).unwrap_or_default();
        j["birth_year"] = v.birth_year.into();
        j
    }

    fn values_area(v: &ContactValues) -> &AreaRef {
        &v.commune
    }

    async fn load(db: &PgPool, _today: NaiveDate, id: i64) -> Result<Option<Self>, AppError> {
        Ok(sqlx::query_as(&format!("{LIST_SELECT} where c.id = $1"))
            .bind(id)
            .fetch_optional(db)
            .await?)
    }

    async fn check(
        db: &PgPool,
        user: &CurrentUser,
        raw: &Raw,
        today: NaiveDate,
        existing: Option<&Self>,
    ) -> Result<ContactValues, AppError> {
        let mut c = Check::on(raw, today);
        let commune = area_of(db, user, Self::KIND, &mut c, &COMMUNE).await?;
        let typed = c.text_of(&CASE_CODE);
        let case_code = case_code_in(&mut c, "case_code", typed);
        let source_id = c.int_of(&SOURCE);
        let exposed_on = c.date_of(&EXPOSED_ON);
        let found_by = c.choice_of::<FoundBy>(&FOUND_BY);
        let held_at = c.choice_of::<HeldAt>(&HELD_AT);
        let site_id = c.int_of(&SITE);
        let quarantine_from = c.date_of(&QUARANTINE_FROM);
        let mut quarantine_to = c.date_of(&QUARANTINE_TO);
        // Became a case: only a positive test sets it, and nothing unsets it.
        let typed = c.choice_of::<ContactStatus>(&STATUS);
        let status = match existing {
            Some(e) if e.became_case_id.is_some() => typed.and(Some(ContactStatus::BecameCase)),
            _ => typed,
        };
        let village = c.opt_text_of(&VILLAGE);
        let sex = c.choice_of::<Sex>(&SEX);
        let birth_year = c.int_of(&BIRTH_YEAR).map(|y| y as i32);
        let full_name = c.opt_text_of(&FULL_NAME);
        let phone = c.phone_of(&PHONE).unwrap_or_default();
        let address = c.opt_text_of(&ADDRESS);
        let note = c.opt_text_of(&NOTE);

        // Exposed to a case or to an F1: one of them, not both.
        if case_code.is_some() && source_id.is_some() {
            c.fail("source_id", "err.contact_one_source");
        } else if raw.get("case_code").is_empty() && raw.get("source_id").is_empty() {
            c.fail("case_code", "err.contact_source_required");
        }
        let city = commune.as_ref().and_then(|a| a.grandparent_code.clone());
        let mut case_id = None;
        if let (Some(code), Some(city)) = (&case_code, &city) {
            case_id = sqlx::query_scalar!(
                "select id from cases where city_code = $1 and case_code = $2 and voided_at is null",
                city,
                code
            )
            .fetch_optional(db)
            .await?;
            if case_id.is_none() {
                c.fail("case_code", "err.unknown_case");
            }
        }
        if let (Some(id), Some(city)) = (source_id, &city) {
            let f1 = sqlx::query_scalar!(
                r#"select exists (select 1 from contacts where id = $1 and city_code = $2
                     and case_id is not null) as "e!""#,
                id,
                city
            )
            .fetch_one(db)
            .await?;
            if !f1 || existing.is_some_and(|e| e.id == id) {
                c.fail("source_id", "err.unknown_f1");
            }
        }

        match (held_at, site_id) {
            (Some(HeldAt::Site), None) => c.fail("site_id", "err.required"),
            (Some(HeldAt::Home | HeldAt::Unplaced), Some(_)) => {
                c.fail("site_id", "err.site_for_site_only")
            }
            _ => {}
        }
        if status == Some(ContactStatus::Quarantined) {
            if quarantine_from.is_none() {
                c.fail("quarantine_from", "err.required");
            }
            if held_at == Some(HeldAt::Unplaced) {
                c.fail("held_at", "err.quarantined_unplaced");
            }
        }
        if status == Some(ContactStatus::BecameCase)
            && existing.is_none_or(|e| e.became_case_id.is_none())
        {
            c.fail("status", "err.became_case_by_test");
        }
        // Released or lost without a last day: today was the last day held.
        if matches!(status, Some(ContactStatus::Released | ContactStatus::Lost))
            && quarantine_from.is_some()
            && quarantine_to.is_none()
            && raw.get("quarantine_to").is_empty()
        {
            quarantine_to = Some(today);
        }
        if let (Some(e), Some(f)) = (exposed_on, quarantine_from)
            && f < e
        {
            c.fail("quarantine_from", "err.date_order");
        }
        if let (Some(f), Some(t)) = (quarantine_from, quarantine_to)
            && t < f
        {
            c.fail("quarantine_to", "err.date_order");
        }

        // A site of the contact's district (or the city's), open, with a
        // free place unless the contact is already counted in it.
        if let (Some(id), Some(commune)) = (site_id, &commune) {
            let site = sqlx::query!(
                "select name, capacity, occupancy, status from quarantine_sites
                 where id = $1 and (district_code = $2 or (district_code is null and city_code = $3))",
                id,
                commune.parent_code,
                city
            )
            .fetch_optional(db)
            .await?;
            match site {
                None => c.fail("site_id", "err.unknown_site"),
                Some(s) if s.status == "closed" => c.fail("site_id", "err.site_closed"),
                Some(s) => {
                    let already = existing.is_some_and(|e| e.site_id == Some(id) && e.held());
                    let counts = status == Some(ContactStatus::Quarantined) && !already;
                    // A site not yet keeping people is as full as typed.
                    if counts && s.occupancy >= s.capacity {
                        let free = (s.capacity - s.occupancy).max(0).to_string();
                        c.errors
                            .add_with("site_id", "err.site_full", &[&s.name, &free]);
                    }
                }
            }
        }
        checked!(c => ContactValues {
            commune, exposed_on, found_by, held_at, status;
            case_id, source_id, site_id, quarantine_from, quarantine_to, village, sex,
            birth_year, full_name, phone, address, note
        })
    }

    fn filter(raw: &Raw, today: NaiveDate) -> Result<ContactFilter, AppError> {
        let mut c = Check::on(raw, today);
        let status = c.choice::<ContactStatus>("status", false);
        let case_id = c.int("case_id", false, 1, i64::MAX);
        c.finish()?;
        Ok(ContactFilter { status, case_id })
    }

    async fn query(
        db: &PgPool,
        _today: NaiveDate,
        area: &AreaRef,
        f: &ContactFilter,
        paging: Paging,
    ) -> Result<(Vec<Self>, i64), AppError> {
        // One column for the area's level, so the list reads its own index
        // in order (0028).
        let place = match area.level {
            Level::City => "c.city_code",
            Level::District => "c.district_code",
            Level::Commune => "c.commune_code",
        };
        let conditions = |qb: &mut QueryBuilder<'_, Postgres>| {
            qb.push(format_args!(" where {place} = "))
                .push_bind(area.code.clone());
            if let Some(s) = f.status {
                qb.push(" and c.status = ").push_bind(s.as_str());
            }
            if let Some(id) = f.case_id {
                qb.push(" and c.case_id = ").push_bind(id);
            }
        };
        let list = DatedList {
            select: LIST_SELECT,
            from: "contacts c",
            date: "c.exposed_on",
        };
        let key = list_key(db, area, &("contacts", f));
        dated_page(db, list, key, conditions, paging).await
    }

    fn cursor(&self) -> Option<Cursor> {
        Some(Cursor::date(self.exposed_on, self.id))
    }

    // The site's own check (`occupancy <= capacity`) is broken by the
    // trigger that counts its people when two placements race for its
    // last place.
    written_as! {
        "contacts" ("city_code, district_code, commune_code, case_id, source_id, exposed_on, found_by, held_at, site_id, quarantine_from, quarantine_to, status, village, sex, birth_year, full_name, phone, address, note") = ("$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19"), now "$20", id "$21", version "$22",
        refused "quarantine_sites_occupancy_check" => "site_id" "err.site_full_now";
        |v, codes| codes.city, codes.district, v.commune.code, v.case_id, v.source_id, v.exposed_on as _, v.found_by.as_str(), v.held_at.as_str(), v.site_id, v.quarantine_from as _, v.quarantine_to as _, v.status.as_str(), v.village, v.sex.map(|s| s.as_str()), v.birth_year, v.full_name, v.phone, v.address, v.note
    }
}

/// A test of a contact.
#[derive(Debug, Clone)]
pub struct ContactTest {
    pub id: i64,
    pub taken_on: NaiveDate,
    pub kind: String,
    pub result: String,
}

/// A contact's tests, oldest first.
pub async fn tests_of(db: &PgPool, contact: i64) -> Result<Vec<ContactTest>, AppError> {
    Ok(sqlx::query_as!(
        ContactTest,
        r#"select id, taken_on as "taken_on: _", kind, result from contact_tests
           where contact_id = $1 order by taken_on, id"#,
        contact
    )
    .fetch_all(db)
    .await?)
}

/// A test result as checked: positive names the new case's code.
pub struct TestValues {
    pub taken_on: NaiveDate,
    pub kind: TestMethod,
    pub result: TestResult,
    /// The code the new case is given (a positive result only).
    pub case_code: Option<String>,
}

/// Checks a test result sent for `contact`.
pub fn check_test(
    raw: &Raw,
    today: NaiveDate,
    contact: &ContactRow,
) -> Result<TestValues, AppError> {
    let mut c = Check::on(raw, today);
    let taken_on = c.date("taken_on", true, Some(today));
    if taken_on.is_some_and(|d| d < contact.exposed_on) {
        c.fail("taken_on", "err.test_before_exposure");
    }
    let kind = c.choice::<TestMethod>("kind", true);
    let result = c.choice::<TestResult>("result", true);
    let mut case_code = None;
    if result == Some(TestResult::Positive) {
        let typed = c.text("new_case_code", true, 30);
        case_code = case_code_in(&mut c, "new_case_code", typed);
    }
    if contact.status == ContactStatus::BecameCase.as_str() {
        c.fail("result", "err.already_a_case");
    }
    match (taken_on, kind, result) {
        (Some(taken_on), Some(kind), Some(result)) if c.ok() => Ok(TestValues {
            taken_on,
            kind,
            result,
            case_code,
        }),
        _ => Err(AppError::Invalid(c.errors)),
    }
}

/// Records a test; a positive one, in the same transaction, makes the
/// contact a case (linked; detected in quarantine when held), ends their
/// quarantine, and makes their own contacts (F2) the new case's F1. Each
/// write has its audit row. The id of the new case, if any.
pub async fn record_test(
    db: &PgPool,
    actor: &Actor,
    now: DateTime<Utc>,
    contact: &ContactRow,
    v: &TestValues,
) -> Result<Option<i64>, AppError> {
    let mut tx = crate::storage::db::begin(db).await?;
    let id = sqlx::query_scalar!(
        "insert into contact_tests (contact_id, taken_on, kind, result, created_at)
         values ($1, $2, $3, $4, $5) returning id",
        contact.id,
        v.taken_on as _,
        v.kind.as_str(),
        v.result.as_str(),
        now as _
    )
    .fetch_one(&mut *tx)
    .await?;
    let area = contact.area();
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            area_code: Some(&area.code),
            action: "create",
            entity: "contact_test",
            entity_id: id.to_string(),
            old: None,
            new: Some(serde_json::json!({
                "contact_id": contact.id, "taken_on": v.taken_on,
                "kind": v.kind.as_str(), "result": v.result.as_str(),
            })),
        },
    )
    .await?;
    let mut new_case = None;
    if let (TestResult::Positive, Some(code)) = (v.result, &v.case_code) {
        let case = CaseValues {
            commune: area.clone(),
            case_code: code.clone(),
            detected_on: v.taken_on,
            // Held at home is held all the same: found in quarantine.
            detected_in: if contact.held() {
                DetectedIn::Quarantine
            } else {
                DetectedIn::Community
            },
            status: CaseStatus::Treating,
            status_on: v.taken_on,
            treated_at: None,
            cluster_id: None,
            village: contact.village.clone(),
            sex: contact.sex.as_deref().and_then(Sex::parse),
            birth_year: contact.birth_year,
            personal: true,
            full_name: contact.full_name.clone(),
            phone: contact.phone.clone(),
            address: contact.address.clone(),
        };
        let case_id = save_in::<CaseRow>(&mut tx, actor, now, Write::Create, &case)
            .await
            .map_err(|e| match e {
                // The form's field for the code is `new_case_code`; a code
                // taken is that field's error, redrawn beside it.
                AppError::Invalid(f) | AppError::Conflict(f) => {
                    AppError::Invalid(renamed(f, "case_code", "new_case_code"))
                }
                e => e,
            })?;
        let old = contact.json_value();
        sqlx::query!(
            "update contacts set status = 'became_case', became_case_id = $2,
               quarantine_to = case when status = 'quarantined' then $3 else quarantine_to end,
               version = version + 1, updated_at = $4
             where id = $1",
            contact.id,
            case_id,
            v.taken_on as _,
            now as _
        )
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            now,
            actor,
            Entry {
                area_code: Some(&area.code),
                action: "update",
                entity: "contact",
                entity_id: contact.id.to_string(),
                old: Some(old),
                new: Some(serde_json::json!({"status": "became_case", "became_case_id": case_id})),
            },
        )
        .await?;
        // Their own contacts were F2; now they are the new case's F1.
        let moved = sqlx::query!(
            "update contacts set case_id = $2, source_id = null, version = version + 1, updated_at = $3
             where source_id = $1 returning id, commune_code",
            contact.id,
            case_id,
            now as _
        )
        .fetch_all(&mut *tx)
        .await?;
        for m in moved {
            audit::record(
                &mut tx,
                now,
                actor,
                Entry {
                    area_code: Some(&m.commune_code),
                    action: "update",
                    entity: "contact",
                    entity_id: m.id.to_string(),
                    old: Some(serde_json::json!({"source_id": contact.id})),
                    new: Some(serde_json::json!({"case_id": case_id, "source_id": null})),
                },
            )
            .await?;
        }
        new_case = Some(case_id);
    }
    tx.commit().await?;
    Ok(new_case)
}

fn renamed(f: FieldErrors, from: &str, to: &str) -> FieldErrors {
    FieldErrors(
        f.0.into_iter()
            .map(|(n, k, a)| (if n == from { to.to_string() } else { n }, k, a))
            .collect(),
    )
}

/// A contact held or to be placed in `area`, with the dates of their tests:
/// the commune's work for today.
pub struct Open {
    pub contact: ContactRow,
    pub tested: Vec<NaiveDate>,
    /// An F2's F1 has tested negative (the F2's watch ends).
    pub f1_negative: bool,
}

/// The contacts of commune `commune` still followed (traced or in
/// quarantine), with the dates of their tests, newest exposure first.
pub async fn open_in(db: &PgPool, commune: &str) -> Result<Vec<Open>, AppError> {
    let rows: Vec<ContactRow> = sqlx::query_as(&format!(
        "{LIST_SELECT} where c.commune_code = $1 and c.status in ('traced', 'quarantined')
         order by c.exposed_on desc, c.id desc"
    ))
    .bind(commune)
    .fetch_all(db)
    .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let tests = sqlx::query!(
        r#"select contact_id, taken_on as "taken_on: NaiveDate" from contact_tests
           where contact_id = any($1)"#,
        &ids
    )
    .fetch_all(db)
    .await?;
    let mut by: std::collections::HashMap<i64, Vec<NaiveDate>> = Default::default();
    for t in tests {
        by.entry(t.contact_id).or_default().push(t.taken_on);
    }
    let sources: Vec<i64> = rows.iter().filter_map(|r| r.source_id).collect();
    let cleared: std::collections::HashSet<i64> = sqlx::query_scalar!(
        "select distinct contact_id from contact_tests
         where contact_id = any($1) and result = 'negative'",
        &sources
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .collect();
    Ok(rows
        .into_iter()
        .map(|contact| Open {
            tested: by.remove(&contact.id).unwrap_or_default(),
            f1_negative: contact.source_id.is_some_and(|s| cleared.contains(&s)),
            contact,
        })
        .collect())
}

/// A site a contact of `district` may be placed in: the district's own and
/// the city's, open, with their free places (people counted where the
/// site keeps them).
pub struct Place {
    pub id: i64,
    pub name: String,
    pub free: i32,
}

/// The open sites of `district` and of its city, by name.
pub async fn places(db: &PgPool, district: &str) -> Result<Vec<Place>, AppError> {
    Ok(sqlx::query_as!(
        Place,
        r#"select s.id, s.name, greatest(s.capacity - s.occupancy, 0) as "free!"
           from quarantine_sites s
           where s.status <> 'closed'
             and (s.district_code = $1
                  or (s.district_code is null and s.city_code = (select parent_code from areas where code = $1)))
           order by s.name collate "vi-x-icu", s.id"#,
        district
    )
    .fetch_all(db)
    .await?)
}

/// A node of a chain of transmission: a case or a contact.
#[derive(Debug, Clone)]
pub struct ChainNode {
    /// The node it was traced from (an index into the chain).
    pub parent: Option<usize>,
    /// Whether it is a case (else a contact).
    pub case: bool,
    /// The record's id.
    pub id: i64,
    /// A case's code, or "F1 #12": nothing personal.
    pub label: String,
    /// Detected on (a case) or exposed on (a contact).
    pub on: NaiveDate,
    /// A contact's status.
    pub status: String,
}

/// The case a contact's chain starts from: an F1's case, or an F2's F1's.
pub async fn chain_root(db: &PgPool, contact: &ContactRow) -> Result<Option<i64>, AppError> {
    Ok(match (contact.case_id, contact.source_id) {
        (Some(case), _) => Some(case),
        (None, Some(f1)) => {
            sqlx::query_scalar!("select case_id from contacts where id = $1", f1)
                .fetch_one(db)
                .await?
        }
        (None, None) => None,
    })
}

/// Most nodes a chain draws.
pub const CHAIN_MAX: usize = 300;

/// The chain from case `root`: its F1 and their F2, the cases those F1
/// became and their own contacts, and so on, breadth first, up to
/// [`CHAIN_MAX`] nodes; led by the contact the case itself came from.
pub async fn chain(db: &PgPool, root: i64) -> Result<Vec<ChainNode>, AppError> {
    let mut nodes = Vec::new();
    // Where the case came from: the contact it was, and what that contact
    // was exposed to (a case, or an F1), each a node of its own.
    let head = sqlx::query!(
        r#"select k.case_code, k.detected_on as "detected_on: NaiveDate",
             c.id as "from_contact?", c.exposed_on as "from_on?: NaiveDate", c.source_id as from_f1,
             s.id as "from_case?", s.case_code as "from_case_code?",
             s.detected_on as "from_case_on?: NaiveDate"
           from cases k
           left join lateral (select * from contacts c where c.became_case_id = k.id
                              order by c.id limit 1) c on true
           left join cases s on s.id = c.case_id
           where k.id = $1"#,
        root
    )
    .fetch_optional(db)
    .await?;
    let Some(head) = head else { return Ok(nodes) };
    if let (Some(id), Some(on)) = (head.from_contact, head.from_on) {
        let tier = match (head.from_case, head.from_case_code, head.from_case_on) {
            (Some(case), Some(code), Some(case_on)) => {
                nodes.push(ChainNode {
                    parent: None,
                    case: true,
                    id: case,
                    label: code,
                    on: case_on,
                    status: String::new(),
                });
                "F1"
            }
            _ => {
                if let Some(f1) = head.from_f1 {
                    nodes.push(ChainNode {
                        parent: None,
                        case: false,
                        id: f1,
                        label: format!("F1 #{f1}"),
                        on,
                        status: String::new(),
                    });
                }
                "F2"
            }
        };
        nodes.push(ChainNode {
            parent: nodes.len().checked_sub(1),
            case: false,
            id,
            label: format!("{tier} #{id}"),
            on,
            status: ContactStatus::BecameCase.as_str().into(),
        });
    }
    nodes.push(ChainNode {
        parent: nodes.len().checked_sub(1),
        case: true,
        id: root,
        label: head.case_code,
        on: head.detected_on,
        status: String::new(),
    });
    let mut frontier = vec![nodes.len() - 1];
    while !frontier.is_empty() && nodes.len() < CHAIN_MAX {
        let cases: Vec<i64> = frontier
            .iter()
            .filter(|&&i| nodes[i].case)
            .map(|&i| nodes[i].id)
            .collect();
        let contacts: Vec<i64> = frontier
            .iter()
            .filter(|&&i| !nodes[i].case)
            .map(|&i| nodes[i].id)
            .collect();
        let rows = sqlx::query!(
            r#"select c.id, c.case_id, c.source_id, c.exposed_on as "exposed_on: NaiveDate", c.status,
                 c.became_case_id, b.case_code as "became_code?", b.detected_on as "became_on?: NaiveDate"
               from contacts c left join cases b on b.id = c.became_case_id
               where c.case_id = any($1) or c.source_id = any($2)
               order by c.exposed_on, c.id limit $3"#,
            &cases,
            &contacts,
            (CHAIN_MAX - nodes.len()) as i64
        )
        .fetch_all(db)
        .await?;
        let mut next = Vec::new();
        for r in rows {
            let parent = frontier.iter().copied().find(|&i| {
                let n = &nodes[i];
                (n.case && Some(n.id) == r.case_id) || (!n.case && Some(n.id) == r.source_id)
            });
            let tier = if r.case_id.is_some() { "F1" } else { "F2" };
            nodes.push(ChainNode {
                parent,
                case: false,
                id: r.id,
                label: format!("{tier} #{}", r.id),
                on: r.exposed_on,
                status: r.status,
            });
            let me = nodes.len() - 1;
            next.push(me);
            if let (Some(id), Some(code), Some(on)) = (r.became_case_id, r.became_code, r.became_on)
                && nodes.len() < CHAIN_MAX
            {
                nodes.push(ChainNode {
                    parent: Some(me),
                    case: true,
                    id,
                    label: code,
                    on,
                    status: String::new(),
                });
                next.push(nodes.len() - 1);
            }
        }
        frontier = next;
    }
    Ok(nodes)
}

/// A contact still followed, reduced to what decides their work today.
pub struct Followed {
    pub commune_code: String,
    pub exposed_on: NaiveDate,
    pub quarantine_from: Option<NaiveDate>,
    pub quarantine_to: Option<NaiveDate>,
    pub held_at: String,
    pub status: String,
    pub tested: Vec<NaiveDate>,
    /// An F2 (exposed to an F1, not to a case).
    pub f2: bool,
    /// An F2's F1 has tested negative.
    pub f1_negative: bool,
}

/// Every contact of district `district` still followed, with their test
/// dates: a district's list for today counts them per commune.
pub async fn followed_in_district(db: &PgPool, district: &str) -> Result<Vec<Followed>, AppError> {
    Ok(sqlx::query_as!(
        Followed,
        r#"select c.commune_code, c.exposed_on as "exposed_on: _",
             c.quarantine_from as "quarantine_from: _", c.quarantine_to as "quarantine_to: _",
             c.held_at, c.status,
             coalesce((select array_agg(t.taken_on) from contact_tests t where t.contact_id = c.id),
                      '{}') as "tested!: Vec<NaiveDate>",
             c.source_id is not null as "f2!",
             exists (select 1 from contact_tests t where t.contact_id = c.source_id
                     and t.result = 'negative') as "f1_negative!"
           from contacts c
           where c.district_code = $1 and c.status in ('traced', 'quarantined')"#,
        district
    )
    .fetch_all(db)
    .await?)
}

/// The chains of a cluster: from each of its cases with contacts, oldest
/// first, unless an earlier chain already reached it; up to [`CHAIN_MAX`]
/// nodes in all.
pub async fn cluster_chain(db: &PgPool, cluster: i64) -> Result<Vec<ChainNode>, AppError> {
    let roots = sqlx::query_scalar!(
        "select k.id from cases k
         where k.cluster_id = $1 and k.voided_at is null
           and (exists (select 1 from contacts c where c.case_id = k.id)
                or exists (select 1 from contacts c where c.became_case_id = k.id))
         order by k.detected_on, k.id limit $2",
        cluster,
        CHAIN_MAX as i64
    )
    .fetch_all(db)
    .await?;
    let mut nodes: Vec<ChainNode> = Vec::new();
    for root in roots {
        if nodes.len() >= CHAIN_MAX {
            break;
        }
        if nodes.iter().any(|n| n.case && n.id == root) {
            continue;
        }
        let base = nodes.len();
        for mut n in chain(db, root).await? {
            if nodes.len() >= CHAIN_MAX {
                break;
            }
            n.parent = n.parent.map(|p| p + base);
            nodes.push(n);
        }
    }
    Ok(nodes)
}

/// Stores a list of checked contacts in one transaction, each with its
/// audit row, once per idempotency key: the number stored, or `None` when
/// the key's list was stored before.
pub async fn store_many(
    db: &PgPool,
    actor: &Actor,
    now: DateTime<Utc>,
    key: Option<&crate::storage::idempotency::IdempotencyKey>,
    rows: &[ContactValues],
) -> Result<Option<usize>, AppError> {
    use crate::storage::idempotency;
    let mut tx = crate::storage::db::begin(db).await?;
    if idempotency::claim(&mut tx, actor, key, "contact_list", now)
        .await?
        .is_some()
    {
        return Ok(None);
    }
    let mut last = 0;
    for v in rows {
        last = save_in::<ContactRow>(&mut tx, actor, now, Write::Create, v).await?;
    }
    idempotency::settle(&mut tx, actor, key, &last.to_string(), true).await?;
    tx.commit().await?;
    Ok(Some(rows.len()))
}
