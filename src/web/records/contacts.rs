//! Contacts as drawn: the generic pages and API, their tests (a positive
//! one makes a case), a release in one tap, and the commune's list for
//! today (DESIGN §3a).

use std::sync::Arc;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use serde_json::{Value, json};
use sqlx::PgPool;
use tower_sessions::Session;

use super::record::{self, Extras, Record, Viewer, embedded_saved, load, load_for_edit};
use super::{
    Column, EmbeddedForm, QueryPairs, Section, columns, commune_choices, label, list_area,
    opt_date, saved,
};
use crate::domain::area::{AreaRef, Level};
use crate::domain::contacts::{Due, QuarantineRule, TestDay, due, due_f2, test_days};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::forms::{Field, FormBuilder, Options, Raw, Vocab};
use crate::domain::i18n::Lang;
use crate::domain::policy::{Action, CurrentUser};
use crate::domain::vocab::{ContactStatus, FoundBy, HeldAt, TestMethod, TestResult};
use crate::state::AppState;
use crate::storage::audit::Actor;
use crate::storage::records::cases::CaseRow;
use crate::storage::records::contacts::{
    ContactRow, ContactValues, chain, chain_root, check_test, cluster_chain, followed_in_district,
    open_in, places, record_test, tests_of,
};
use crate::storage::records::{Stored, Write, save};
use crate::web::auth::CsrfForm;
use crate::web::charts::{ChainBox, chain_svg};
use crate::web::json::ApiJson;
use crate::web::page::Page;

/// The contact pages: the generic ones, a test, a release, today's list.
pub fn router() -> Router<AppState> {
    record::pages::<ContactRow>()
        .route("/contacts/today", get(today_page))
        .route("/contacts/{id}/tests", post(add_test))
        .route("/contacts/{id}/release", post(release))
        .route(
            "/cases/{id}/contacts",
            get(list_in_form).post(list_in_submit),
        )
        .route("/contacts/import", get(import_form).post(import_submit))
        .route("/contacts/import/template.csv", get(import_template))
}

/// The contacts API, with tests.
pub fn api_router() -> Router<AppState> {
    record::api::<ContactRow>().route("/contacts/{id}/tests", post(api_test).get(api_tests))
}

impl Record for ContactRow {
    const PAGES: &'static str = "/contacts";
    const API: &'static str = "/contacts";
    const LIST_TITLE: &'static str = "contacts.title";
    const NEW_TITLE: &'static str = "contacts.new";
    const EDIT_TITLE: &'static str = "contacts.edit";
    const EXPORT_NAME: &'static str = "tiep-xuc";
    const KEEP_FOR_NEXT: &'static [&'static str] = &[
        "commune_code",
        "case_code",
        "source_id",
        "exposed_on",
        "found_by",
        "held_at",
        "site_id",
        "quarantine_from",
        "status",
    ];

    async fn options(
        db: &PgPool,
        v: Viewer<'_>,
        existing: Option<&Self>,
    ) -> Result<Options, AppError> {
        let district = match v.user.area.level {
            Level::District => Some(v.user.area.code.clone()),
            Level::Commune => v.user.area.parent_code.clone(),
            Level::City => existing.map(|e| e.district_code.clone()),
        };
        let mut sites = vec![(String::new(), "—".to_string())];
        if let Some(d) = district {
            sites.extend(places(db, &d).await?.into_iter().map(|p| {
                let free = v.lang.tf("contacts.free_n", &[&v.lang.int(p.free.into())]);
                (p.id.to_string(), format!("{} ({free})", p.name))
            }));
        }
        if let Some((id, name)) = existing.and_then(|e| e.site_id.zip(e.site_name.clone()))
            && !sites.iter().any(|(k, _)| *k == id.to_string())
        {
            sites.push((id.to_string(), name));
        }
        Ok(vec![
            ("commune_code", commune_choices(db, v.user, v.lang).await?),
            ("site_id", sites),
        ])
    }

    fn defaults(user: &CurrentUser, today: NaiveDate) -> Raw {
        let mut raw = Raw::default();
        raw.set("commune_code", user.area.code.clone());
        raw.set("exposed_on", today.to_string());
        raw.set("found_by", FoundBy::Household.as_str());
        raw.set("held_at", HeldAt::Unplaced.as_str());
        raw.set("status", ContactStatus::Traced.as_str());
        raw
    }

    fn filter_fields(lang: Lang, raw: &Raw, errors: &FieldErrors) -> Vec<Field> {
        FormBuilder::new(lang, raw, errors)
            .area("area", "rec.area")
            .choice::<ContactStatus>("status", "contacts.status", false, true)
            .build()
    }

    fn list_links(v: Viewer<'_>) -> Vec<(String, String)> {
        let mut links = vec![(
            "/contacts/today".into(),
            v.lang.t("contacts.today_title").into(),
        )];
        if v.user.can(Action::CreateRecords(Self::KIND)) {
            links.push((
                "/contacts/import".into(),
                v.lang.t("contacts.import").into(),
            ));
        }
        links
    }

    fn columns(v: Viewer<'_>) -> Vec<Column> {
        let name = if v.personal {
            "cases.full_name"
        } else {
            "cases.age_band"
        };
        columns(
            v.lang,
            &[
                "contacts.who",
                name,
                "contacts.case_code",
                "rec.commune",
                "contacts.exposed_on",
                "contacts.held_at",
                "contacts.quarantine_to",
                "contacts.status",
            ],
        )
    }

    fn cells(&self, v: Viewer<'_>) -> Vec<String> {
        let lang = v.lang;
        let person = if v.personal {
            self.full_name.clone()
        } else {
            self.answer(false)["age_band"]
                .as_str()
                .unwrap_or("")
                .to_string()
        };
        vec![
            self.label(),
            person,
            self.exposed_to(),
            self.commune_name.clone(),
            lang.date(self.exposed_on),
            self.held_text(lang),
            opt_date(lang, self.quarantine_to),
            label::<ContactStatus>(lang, Some(&self.status)),
        ]
    }

    fn muted(&self) -> bool {
        matches!(self.status.as_str(), "released" | "lost")
    }

    fn title(&self, _lang: Lang) -> String {
        format!("{} · {}", self.label(), self.exposed_to())
    }

    fn to_json(&self, v: Viewer<'_>) -> Value {
        self.answer(v.personal)
    }

    async fn extras(
        &self,
        state: &AppState,
        v: Viewer<'_>,
        input: Option<(&Raw, &FieldErrors)>,
    ) -> Result<Extras, AppError> {
        let lang = v.lang;
        let today = state.clock.today();
        let rule = state.config.quarantine_rule();
        let tests = tests_of(&state.db, self.id).await?;
        let tested_on: Vec<NaiveDate> = tests.iter().map(|t| t.taken_on).collect();
        let mut forms = Vec::new();
        let writable = v.user.can(Action::WriteRecord(Self::KIND, &self.area()));
        if writable && self.status != ContactStatus::BecameCase.as_str() {
            let mut fresh = Raw::default();
            fresh.set("taken_on", today.to_string());
            fresh.set("kind", TestMethod::IndividualPcr.as_str());
            let none = FieldErrors::default();
            let (raw, errors) = input.unwrap_or((&fresh, &none));
            forms.push(EmbeddedForm {
                title: lang.t("contacts.new_test").into(),
                action: format!("/contacts/{}/tests", self.id),
                fields: test_fields(lang, raw, errors),
                submit: lang.t("common.save").into(),
            });
        }
        let mut actions = Vec::new();
        if writable && self.case_id.is_some() && self.became_case_id.is_none() {
            actions.push((
                format!(
                    "/contacts/new?source_id={}&commune_code={}",
                    self.id, self.commune_code
                ),
                lang.t("contacts.add_f2").into(),
            ));
        }
        if let Some(case) = self.became_case_id {
            actions.push((
                format!("/cases/{case}"),
                lang.t("contacts.open_case").into(),
            ));
        }
        if let Some(case) = self.case_id {
            actions.push((
                format!("/contacts?case_id={case}"),
                lang.t("contacts.same_case").into(),
            ));
        }
        // The schedule: each test day of the rule, as the list for today
        // reads it.
        let mut rows = Vec::new();
        if let Some(from) = self.quarantine_from {
            let to = self.quarantine_to.unwrap_or(rule.ends_on(self.exposed_on));
            for (d, state) in test_days(&rule, from, to, &tested_on, today) {
                let key = match state {
                    TestDay::Taken => "contacts.test_taken",
                    TestDay::Missed | TestDay::Overdue => "contacts.test_overdue",
                    TestDay::Today => "contacts.test_today",
                    TestDay::Planned => "contacts.test_planned",
                };
                rows.push(vec![lang.date(d), lang.t(key).to_string()]);
            }
        }
        let schedule = Section {
            title: lang.t("contacts.schedule").into(),
            columns: columns(lang, &["contacts.test_day", "contacts.test_state"]),
            rows,
            hrefs: Vec::new(),
            id: "schedule",
        };
        let taken = Section {
            title: lang.t("contacts.tests").into(),
            columns: columns(
                lang,
                &["contacts.taken_on", "contacts.test_kind", "contacts.result"],
            ),
            rows: tests
                .iter()
                .map(|t| {
                    vec![
                        lang.date(t.taken_on),
                        label::<TestMethod>(lang, Some(&t.kind)),
                        label::<TestResult>(lang, Some(&t.result)),
                    ]
                })
                .collect(),
            hrefs: Vec::new(),
            id: "tests",
        };
        let chain = match chain_root(&state.db, self).await? {
            Some(case) => chain_drawing(state, case, lang).await?,
            None => None,
        };
        Ok(Extras {
            actions,
            chain,
            sections: vec![schedule, taken],
            forms,
            forms_first: true,
            ..Extras::default()
        })
    }
}

impl ContactRow {
    /// How lists and chains name a contact: its tier and number ("F1 #12"),
    /// which tells nothing personal.
    pub fn label(&self) -> String {
        format!("{} #{}", self.tier(), self.id)
    }

    /// What they were exposed to: the case's code, or the F1's number.
    fn exposed_to(&self) -> String {
        match (&self.case_code, self.source_id) {
            (Some(code), _) => code.clone(),
            (None, Some(id)) => format!("F1 #{id}"),
            _ => "—".into(),
        }
    }

    /// Where they are held, with the site's name.
    fn held_text(&self, lang: Lang) -> String {
        // A site is named by its own name ("Khu cách ly tập trung …").
        match &self.site_name {
            Some(site) => site.clone(),
            None => label::<HeldAt>(lang, Some(&self.held_at)),
        }
    }
}

/// The chain from case `root` drawn, when it has more than the case.
pub async fn chain_drawing(
    state: &AppState,
    root: i64,
    lang: Lang,
) -> Result<Option<String>, AppError> {
    Ok(drawn(chain(&state.db, root).await?, lang))
}

/// The chains of cluster `cluster` drawn, when it has any.
pub async fn cluster_chain_drawing(
    state: &AppState,
    cluster: i64,
    lang: Lang,
) -> Result<Option<String>, AppError> {
    Ok(drawn(cluster_chain(&state.db, cluster).await?, lang))
}

fn drawn(nodes: Vec<crate::storage::records::contacts::ChainNode>, lang: Lang) -> Option<String> {
    if nodes.len() < 2 {
        return None;
    }
    let boxes: Vec<ChainBox> = nodes
        .into_iter()
        .map(|n| ChainBox {
            parent: n.parent,
            case: n.case,
            href: if n.case {
                format!("/cases/{}", n.id)
            } else {
                format!("/contacts/{}", n.id)
            },
            label: n.label,
            date: n.on,
        })
        .collect();
    Some(chain_svg(&boxes, lang))
}

fn test_fields(lang: Lang, raw: &Raw, errors: &FieldErrors) -> Vec<Field> {
    FormBuilder::new(lang, raw, errors)
        .date("taken_on", "contacts.taken_on", true)
        .choice::<TestMethod>("kind", "contacts.test_kind", true, false)
        .choice::<TestResult>("result", "contacts.result", true, true)
        .text("new_case_code", "contacts.new_case_code", false, 30)
        .hint("contacts.new_case_code_hint")
        .build()
}

/// Checks and records a test on a contact the user may write: the new
/// case's id when it was positive.
async fn save_test(
    state: &AppState,
    user: &CurrentUser,
    contact: &ContactRow,
    raw: &Raw,
) -> Result<Option<i64>, AppError> {
    user.authorize(Action::WriteRecord(ContactRow::KIND, &contact.area()))?;
    let v = check_test(raw, state.clock.today(), contact)?;
    record_test(
        &state.db,
        &Actor::from(user),
        state.clock.now(),
        contact,
        &v,
    )
    .await
}

async fn add_test(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let contact = load::<ContactRow>(&state, &user, id).await?;
    let raw = Raw::from_form(form);
    match save_test(&state, &user, &contact, &raw).await {
        Ok(Some(case)) => {
            saved(
                &session,
                &page,
                "contacts.became_case_saved",
                &format!("/cases/{case}"),
            )
            .await
        }
        result => embedded_saved(&state, page, &user, &session, &contact, &raw, result).await,
    }
}

async fn api_test(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Value>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let contact = load::<ContactRow>(&state, &user, id).await?;
    let raw = Raw::from_json(body)?;
    let case = save_test(&state, &user, &contact, &raw).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"contact_id": id, "case_id": case})),
    ))
}

async fn api_tests(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let contact = load::<ContactRow>(&state, &user, id).await?;
    let items: Vec<Value> = tests_of(&state.db, contact.id)
        .await?
        .into_iter()
        .map(|t| json!({"id": t.id, "taken_on": t.taken_on, "kind": t.kind, "result": t.result}))
        .collect();
    let total = items.len();
    Ok(Json(json!({"items": items, "total": total})))
}

/// Ends a contact's quarantine today: one tap on the list for today.
async fn release(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let old = load_for_edit::<ContactRow>(&state, &user, id).await?;
    let asked = record::version(&Raw::from_form(form))?;
    let v = Viewer::at(&user, page.lang, &old.area());
    let mut raw = old.to_raw(v);
    raw.set("status", ContactStatus::Released.as_str());
    let today = state.clock.today();
    let values = ContactRow::check(&state.db, &user, &raw, today, Some(&old)).await?;
    save::<ContactRow>(
        &state.db,
        &Actor::from(&user),
        state.clock.now(),
        Write::Update(&old, asked),
        &values,
    )
    .await?;
    saved(&session, &page, "contacts.released", "/contacts/today").await
}

/// One contact on the list for today, and what is due.
pub struct TodayRow {
    pub id: i64,
    pub label: String,
    pub who: String,
    pub detail: String,
    pub version: i32,
    pub due: Due,
}

/// A commune's counts on a district's list for today, in the groups' order.
pub struct CommuneDue {
    pub code: String,
    pub name: String,
    pub counts: [usize; 5],
}

/// The groups of the list for today, by catalogue key, in order.
const GROUPS: [&str; 5] = [
    "contacts.due_overdue",
    "contacts.due_today",
    "contacts.due_release",
    "contacts.due_home",
    "contacts.due_unplaced",
];

/// The group a piece of work goes in.
fn slot(d: Due) -> usize {
    match d {
        Due::Overdue(_) => 0,
        Due::TestToday => 1,
        Due::Release => 2,
        Due::AtHome => 3,
        Due::NotPlaced => 4,
    }
}

/// What is due today about one contact followed: their tests and release
/// while held, home quarantine, and placing.
fn work(
    rule: &QuarantineRule,
    today: NaiveDate,
    c: (&str, &str, NaiveDate, Option<NaiveDate>, Option<NaiveDate>),
    tested: &[NaiveDate],
    f2: Option<bool>,
) -> Vec<Due> {
    let (status, held_at, exposed_on, from, to) = c;
    let held = status == ContactStatus::Quarantined.as_str();
    // An F2 (with whether their F1 has tested negative) is only watched.
    if let Some(f1_negative) = f2 {
        return due_f2(held, f1_negative);
    }
    let from = held.then_some(from).flatten();
    let to = to.or(Some(rule.ends_on(exposed_on)));
    let at_home = held && held_at == HeldAt::Home.as_str();
    let mut list = due(rule, from, to, tested, at_home, today);
    if held && held_at == HeldAt::Unplaced.as_str() {
        list.push(Due::NotPlaced);
    }
    list
}

/// What is due today about the contacts of commune `commune`, in the
/// list's groups: tests overdue, tests today, releases, held at home, not
/// yet placed.
pub async fn due_groups(
    state: &AppState,
    user: &CurrentUser,
    commune: &AreaRef,
    lang: Lang,
) -> Result<Vec<(&'static str, Vec<TodayRow>)>, AppError> {
    let today = state.clock.today();
    let rule = state.config.quarantine_rule();
    let personal = user.can(Action::ReadPersonal(commune));
    let mut groups: Vec<(&'static str, Vec<TodayRow>)> =
        GROUPS.iter().map(|k| (*k, Vec::new())).collect();
    for o in open_in(&state.db, &commune.code).await? {
        let c = &o.contact;
        let to = c.quarantine_to.or(Some(rule.ends_on(c.exposed_on)));
        let facts = (
            c.status.as_str(),
            c.held_at.as_str(),
            c.exposed_on,
            c.quarantine_from,
            c.quarantine_to,
        );
        let f2 = c.source_id.is_some().then_some(o.f1_negative);
        for d in work(&rule, today, facts, &o.tested, f2) {
            let detail = match d {
                Due::Overdue(day) => lang.tf("contacts.test_due_on", &[&lang.date(day)]),
                Due::TestToday => c.held_text(lang),
                Due::Release if c.source_id.is_some() => lang.t("contacts.f1_negative").into(),
                Due::Release => lang.tf("contacts.ends_on", &[&opt_date(lang, to)]),
                Due::AtHome => c.village.clone(),
                Due::NotPlaced => lang.tf("contacts.exposed_on_day", &[&lang.date(c.exposed_on)]),
            };
            // The name where it may be read and was given, else the village.
            let who = match (personal && !c.full_name.is_empty(), c.village.is_empty()) {
                (true, _) => format!("{} · {}", c.full_name, c.commune_name),
                (false, false) => format!("{} · {}", c.village, c.commune_name),
                (false, true) => c.commune_name.clone(),
            };
            groups[slot(d)].1.push(TodayRow {
                id: c.id,
                label: format!("{} · {}", c.label(), c.exposed_to()),
                who,
                detail,
                version: c.version,
                due: d,
            });
        }
    }
    Ok(groups)
}

/// Districts' counts, per database, district and day, with the city stamp
/// they were counted at: a chair reloading the page, or a district room of
/// them at once, count the district's followed contacts (70,000 in the
/// city-scale benchmark) once per change in the city, not once a view.
static DUE_BY_COMMUNE: std::sync::LazyLock<std::sync::Mutex<DueKept>> =
    std::sync::LazyLock::new(Default::default);

/// Districts' counts by key, with the stamp they were counted at.
type DueKept = std::collections::HashMap<String, (i64, Arc<Vec<CommuneDue>>)>;

/// Most districts' counts kept at once (emptied past it).
const DUE_KEPT: usize = 1_000;

/// A district's work today on contacts, counted per commune (every commune
/// of the district, in Vietnamese order, those with work first).
pub async fn due_by_commune(
    state: &AppState,
    district: &AreaRef,
) -> Result<Arc<Vec<CommuneDue>>, AppError> {
    let today = state.clock.today();
    let city = crate::domain::area::Codes::of(district).city;
    let stamp = crate::storage::board::current_stamp(&state.db, &city).await?;
    let key = format!(
        "{}|{}|{today}",
        state.db.connect_options().get_database().unwrap_or(""),
        district.code
    );
    let kept = DUE_BY_COMMUNE
        .lock()
        .ok()
        .and_then(|m| m.get(&key).cloned());
    if let Some((at, rows)) = kept
        && at == stamp
    {
        return Ok(rows);
    }
    let rule = state.config.quarantine_rule();
    let communes = crate::storage::areas::fetch_children(&state.db, &district.code).await?;
    let mut by: std::collections::HashMap<String, [usize; 5]> = Default::default();
    for f in followed_in_district(&state.db, &district.code).await? {
        let facts = (
            f.status.as_str(),
            f.held_at.as_str(),
            f.exposed_on,
            f.quarantine_from,
            f.quarantine_to,
        );
        for d in work(
            &rule,
            today,
            facts,
            &f.tested,
            f.f2.then_some(f.f1_negative),
        ) {
            by.entry(f.commune_code.clone()).or_default()[slot(d)] += 1;
        }
    }
    let mut rows: Vec<CommuneDue> = communes
        .into_iter()
        .map(|a| CommuneDue {
            counts: by.remove(&a.code).unwrap_or_default(),
            code: a.code,
            name: a.name,
        })
        .collect();
    // Those with work first; the order within each stays the names'.
    rows.sort_by_key(|r| r.counts.iter().sum::<usize>() == 0);
    let rows = Arc::new(rows);
    if let Ok(mut m) = DUE_BY_COMMUNE.lock() {
        if m.len() >= DUE_KEPT {
            m.clear();
        }
        m.insert(key, (stamp, rows.clone()));
    }
    Ok(rows)
}

#[derive(Template, WebTemplate)]
#[template(path = "contacts/today.html")]
struct TodayPage {
    page: Page,
    area: AreaRef,
    today: NaiveDate,
    /// A commune's contacts, by group.
    groups: Vec<(&'static str, Vec<TodayRow>)>,
    /// A district's communes, counted.
    communes: Arc<Vec<CommuneDue>>,
    /// A city's districts (code, name): each opens its own list.
    districts: Vec<(String, String)>,
    writable: bool,
}

impl TodayPage {
    /// The id of a group's section: its key with dashes.
    fn section_id(&self, key: &str) -> String {
        key.replace('.', "-")
    }

    fn total(&self) -> usize {
        self.groups.iter().map(|(_, r)| r.len()).sum()
    }

    /// The groups' labels, for the district's table.
    fn group_keys(&self) -> [&'static str; 5] {
        GROUPS
    }
}

/// The list for today of the user's area or the one asked (`?area=`): a
/// commune's contacts to test, release and place; a district's communes,
/// counted, each opening its own; a city's districts.
async fn today_page(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    q: QueryPairs,
) -> Result<TodayPage, AppError> {
    let area = list_area(&state.db, &user, &Raw::from_form(q.0)).await?;
    let (mut groups, mut communes, mut districts) = (Vec::new(), Arc::default(), Vec::new());
    match area.level {
        Level::Commune => groups = due_groups(&state, &user, &area, page.lang).await?,
        Level::District => communes = due_by_commune(&state, &area).await?,
        Level::City => {
            districts = crate::storage::areas::fetch_children(&state.db, &area.code)
                .await?
                .into_iter()
                .map(|a| (a.code, a.name))
                .collect();
        }
    }
    Ok(TodayPage {
        page,
        writable: user.can(Action::CreateRecords(ContactRow::KIND)),
        today: state.clock.today(),
        area,
        groups,
        communes,
        districts,
    })
}

/// Most people taken from one list.
const LIST_MAX: usize = 200;

/// The people of a pasted list, one per line: name, phone, year of birth
/// and village, separated by tabs (a spreadsheet's copy), `;` or `|`.
/// Blank lines are skipped; each person keeps its line number.
pub fn people_lines(text: &str) -> Vec<(usize, Raw)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let sep = ['\t', ';', '|'];
            let mut cells = l.split(&sep[..]).map(str::trim);
            let mut raw = Raw::default();
            for name in ["full_name", "phone", "birth_year", "village"] {
                if let Some(v) = cells.next().filter(|v| !v.is_empty()) {
                    raw.set(name, v.to_string());
                }
            }
            (i + 1, raw)
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "contacts/list_in.html")]
struct ListInPage {
    page: Page,
    case_id: i64,
    case_code: String,
    exposed_on: String,
    found_by: Vec<(String, String)>,
    chosen: String,
    text: String,
    key: String,
    errors: Vec<String>,
}

/// The case a list of F1 is entered under, if the user may add them there.
async fn case_for_list(state: &AppState, user: &CurrentUser, id: i64) -> Result<CaseRow, AppError> {
    let case = load::<CaseRow>(state, user, id).await?;
    user.authorize(Action::WriteRecord(ContactRow::KIND, &case.area()))?;
    if case.voided_at.is_some() {
        return Err(AppError::NotFound);
    }
    Ok(case)
}

fn found_by_choices(lang: Lang) -> Vec<(String, String)> {
    FoundBy::ALL
        .iter()
        .map(|v| (v.as_str().to_string(), lang.t(v.label_key()).to_string()))
        .collect()
}

/// Checks each line as the one-by-one form checks a contact: the values of
/// the good lines, and every bad line's errors ("Dòng 3, Số điện thoại: …").
/// A line in an area the user may not write in is an error of that line.
async fn check_lines(
    state: &AppState,
    user: &CurrentUser,
    lang: Lang,
    lines: Vec<(usize, Raw)>,
) -> Result<(Vec<ContactValues>, Vec<String>), AppError> {
    let today = state.clock.today();
    let (mut good, mut errors) = (Vec::new(), Vec::new());
    for (line, raw) in lines {
        let mut line_error = |label: String, message: String| {
            errors.push(lang.tf(
                "contacts.list_line_error",
                &[&line.to_string(), &label, &message],
            ));
        };
        match ContactRow::check(&state.db, user, &raw, today, None).await {
            Ok(v) => good.push(v),
            Err(AppError::Invalid(f)) => {
                for (name, _, _) in &f.0 {
                    let label = crate::domain::fields::find(ContactRow::FIELDS, name)
                        .map_or(name.to_string(), |s| lang.t(s.label).to_string());
                    line_error(label, f.get(name, lang).unwrap_or_default());
                }
            }
            Err(AppError::Forbidden) => line_error(
                lang.t("rec.commune").to_string(),
                lang.t("error.403").to_string(),
            ),
            Err(e) => return Err(e),
        }
    }
    Ok((good, errors))
}

/// Stores checked contacts whole, once per key, then says how many on the
/// page `to`.
async fn stored_all(
    state: &AppState,
    user: &CurrentUser,
    session: &Session,
    lang: Lang,
    key: Option<crate::storage::idempotency::IdempotencyKey>,
    rows: &[ContactValues],
    to: &str,
) -> Result<Response, AppError> {
    let stored = crate::storage::records::contacts::store_many(
        &state.db,
        &Actor::from(user),
        state.clock.now(),
        key.as_ref(),
        rows,
    )
    .await?;
    let msg = match stored {
        Some(n) => lang.tf("contacts.list_saved", &[&lang.int(n as i64)]),
        None => lang.t("contacts.list_saved_before").to_string(),
    };
    Page::flash(session, msg).await?;
    Ok(axum::response::Redirect::to(to).into_response())
}

/// A case's F1, many at once: the form.
async fn list_in_form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<ListInPage, AppError> {
    let case = case_for_list(&state, &user, id).await?;
    Ok(ListInPage {
        found_by: found_by_choices(page.lang),
        page,
        case_id: case.id,
        case_code: case.case_code,
        exposed_on: case.detected_on.to_string(),
        chosen: FoundBy::Household.as_str().into(),
        text: String::new(),
        key: String::new(),
        errors: Vec::new(),
    })
}

/// A case's F1, many at once: every line checked as the one-by-one form
/// checks it; all stored in one transaction, or none, with each line's
/// errors named and the text kept.
async fn list_in_submit(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let case = case_for_list(&state, &user, id).await?;
    let form = Raw::from_form(form);
    let lang = page.lang;
    let lines = people_lines(form.get("text"));
    let mut errors = Vec::new();
    if lines.is_empty() {
        errors.push(lang.t("contacts.list_empty").to_string());
    } else if lines.len() > LIST_MAX {
        errors.push(lang.tf("contacts.list_too_long", &[&LIST_MAX.to_string()]));
    }
    let lines: Vec<(usize, Raw)> = lines
        .into_iter()
        .map(|(line, mut raw)| {
            raw.set("commune_code", case.commune_code.clone());
            raw.set("case_code", case.case_code.clone());
            raw.set("exposed_on", form.get("exposed_on").to_string());
            raw.set("found_by", form.get("found_by").to_string());
            raw.set("held_at", HeldAt::Unplaced.as_str());
            raw.set("status", ContactStatus::Traced.as_str());
            (line, raw)
        })
        .collect();
    let mut checked = Vec::new();
    if errors.is_empty() {
        (checked, errors) = check_lines(&state, &user, lang, lines).await?;
    }
    if errors.is_empty() {
        // The same list sent twice (a double tap, the outbox) is stored once.
        let key = crate::storage::idempotency::IdempotencyKey::parse(form.get("idempotency_key"))?
            .map(|k| k.for_request(form.digest("contact_list", &["csrf", "idempotency_key"])));
        let to = format!("/cases/{}", case.id);
        return stored_all(&state, &user, &session, lang, key, &checked, &to).await;
    }
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        ListInPage {
            found_by: found_by_choices(lang),
            page,
            case_id: case.id,
            case_code: case.case_code,
            exposed_on: form.get("exposed_on").to_string(),
            chosen: form.get("found_by").to_string(),
            text: form.get("text").to_string(),
            key: form.get("idempotency_key").to_string(),
            errors,
        },
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_people_split_on_tabs_semicolons_or_bars_and_skip_blank_lines() {
        let rows = people_lines("An; 0912 345 678\n\n  \nBình\t\t1990\tThọ Am\nCường | 0987");
        let lines: Vec<usize> = rows.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![1, 4, 5]);
        assert_eq!(rows[1].1.get("full_name"), "Bình");
        assert_eq!(rows[1].1.get("phone"), "");
        assert_eq!(rows[1].1.get("birth_year"), "1990");
        assert_eq!(rows[1].1.get("village"), "Thọ Am");
        assert_eq!(rows[2].1.get("phone"), "0987");
    }
}

/// The columns a contact CSV is read by: the writable fields of the
/// record's table, in its order (an export of the list, read-only columns
/// and all, is read back the same way: what is not written is passed over).
fn import_columns() -> Vec<&'static str> {
    ContactRow::FIELDS
        .iter()
        .filter(|f| f.writable && f.exported)
        .map(|f| f.name)
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "contacts/import.html")]
struct ImportPage {
    page: Page,
    columns: String,
    errors: Vec<String>,
}

async fn import_form(page: Page, user: CurrentUser) -> Result<ImportPage, AppError> {
    user.authorize(Action::CreateRecords(ContactRow::KIND))?;
    Ok(ImportPage {
        page,
        columns: import_columns().join(", "),
        errors: Vec::new(),
    })
}

async fn import_template(user: CurrentUser) -> Result<Response, AppError> {
    user.authorize(Action::CreateRecords(ContactRow::KIND))?;
    super::export::respond(
        super::export::Format::Csv,
        "mau-nhap-tiep-xuc",
        &import_columns(),
        &[],
    )
}

/// A CSV of contacts (the template's columns, or an export of the list):
/// every line checked as the form checks one; all stored in one
/// transaction, once per key, or none, with each bad line named.
async fn import_submit(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    form: crate::web::auth::CsrfMultipart,
) -> Result<Response, AppError> {
    user.authorize(Action::CreateRecords(ContactRow::KIND))?;
    let lang = page.lang;
    let (good, mut errors) = match super::export::read_csv(form.bytes("file")) {
        Ok(rows) if rows.is_empty() => (Vec::new(), vec![lang.t("contacts.list_empty").into()]),
        Ok(rows) if rows.len() > IMPORT_MAX => (
            Vec::new(),
            vec![lang.tf("contacts.list_too_long", &[&IMPORT_MAX.to_string()])],
        ),
        Ok(rows) => check_lines(&state, &user, lang, rows).await?,
        Err(e) => (Vec::new(), vec![e]),
    };
    if errors.is_empty() {
        let key =
            crate::storage::idempotency::IdempotencyKey::parse(&form.text("idempotency_key"))?;
        return stored_all(&state, &user, &session, lang, key, &good, "/contacts").await;
    }
    errors.insert(0, lang.t("contacts.list_not_saved").into());
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        ImportPage {
            page,
            columns: import_columns().join(", "),
            errors,
        },
    )
        .into_response())
}

/// Most lines taken from one file.
const IMPORT_MAX: usize = 5_000;
