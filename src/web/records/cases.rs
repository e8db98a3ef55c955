//! Confirmed cases (F0): pages, API, CSV import and export.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};
use tower_sessions::Session;

use super::export::{self, Format};
use super::{
    EmbeddedForm, FormPage, ListPage, ListRow, Paging, ShowPage, columns, label, list_area, under,
    writable_area, writable_communes,
};
use crate::domain::area::Codes;
use crate::domain::area::{AreaRef, Level};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::forms::{Check, FormBuilder, Raw, Vocab};
use crate::domain::i18n::Lang;
use crate::domain::vocab::{CaseStatus, DetectedIn, Sex, TreatedAt};
use crate::state::AppState;
use crate::storage::ResultExt;
use crate::storage::audit::{self, Actor, Entry};
use crate::web::auth::{Action, CsrfForm, CurrentUser};
use crate::web::page::{CSRF_KEY, Page, session_error};

/// Routes of the case pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases", get(list).post(create))
        .route("/cases/new", get(new_form))
        .route("/cases/import", get(import_form).post(import))
        .route("/cases/import/template.csv", get(template))
        .route("/cases/{id}", get(show).post(update))
        .route("/cases/{id}/edit", get(edit_form))
        .route("/cases/{id}/void", post(void))
}

/// Routes of the cases API.
pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/cases", get(api_list).post(api_create))
        .route("/cases/{id}", get(api_show).patch(api_patch))
}

/// The columns of the import template and of every export, in order.
pub const CSV_COLUMNS: [&str; 14] = [
    "commune_code",
    "case_code",
    "detected_on",
    "detected_in",
    "status",
    "status_on",
    "treated_at",
    "cluster_id",
    "village",
    "sex",
    "birth_year",
    "full_name",
    "phone",
    "address",
];
const PERSONAL: [&str; 3] = ["full_name", "phone", "address"];

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

const SELECT: &str = "select c.id, c.city_code, c.district_code, c.commune_code, a.name as commune_name,
    c.case_code, c.detected_on, c.detected_in, c.status, c.status_on, c.treated_at, c.cluster_id,
    k.name as cluster_name, c.village, c.sex, c.birth_year, c.full_name, c.phone, c.address,
    c.voided_at, c.void_reason, c.version
    from cases c join areas a on a.code = c.commune_code left join clusters k on k.id = c.cluster_id";

impl CaseRow {
    /// The commune as an area, for authorisation.
    fn area(&self) -> AreaRef {
        AreaRef {
            code: self.commune_code.clone(),
            name: self.commune_name.clone(),
            level: Level::Commune,
            parent_code: Some(self.district_code.clone()),
            grandparent_code: Some(self.city_code.clone()),
        }
    }

    /// The values as a form or CSV row would carry them.
    fn to_raw(&self, personal: bool) -> Raw {
        let mut r = Raw::default();
        r.set("commune_code", &self.commune_code);
        r.set("case_code", &self.case_code);
        r.set("detected_on", self.detected_on.to_string());
        r.set("detected_in", &self.detected_in);
        r.set("status", &self.status);
        r.set("status_on", self.status_on.to_string());
        r.set("treated_at", self.treated_at.clone().unwrap_or_default());
        r.set(
            "cluster_id",
            self.cluster_id.map(|i| i.to_string()).unwrap_or_default(),
        );
        r.set("village", &self.village);
        r.set("sex", self.sex.clone().unwrap_or_default());
        r.set(
            "birth_year",
            self.birth_year.map(|y| y.to_string()).unwrap_or_default(),
        );
        if personal {
            r.set("full_name", &self.full_name);
            r.set("phone", &self.phone);
            r.set("address", &self.address);
        }
        r.set("version", self.version.to_string());
        r
    }

    fn to_json(&self, personal: bool) -> serde_json::Value {
        let mut v = serde_json::json!({
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
            "birth_year": self.birth_year,
            "voided": self.voided_at.is_some(),
            "void_reason": self.void_reason,
        });
        if personal {
            v["full_name"] = self.full_name.clone().into();
            v["phone"] = self.phone.clone().into();
            v["address"] = self.address.clone().into();
        }
        v
    }
}

/// Loads a case the user may read (403 otherwise).
async fn load(db: &PgPool, user: &CurrentUser, id: i64) -> Result<CaseRow, AppError> {
    let row: CaseRow = sqlx::query_as(&format!("{SELECT} where c.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or(AppError::NotFound)?;
    user.authorize(Action::ReadArea(&row.area()))?;
    Ok(row)
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
    pub full_name: String,
    pub phone: String,
    pub address: String,
}

impl CaseValues {
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "commune_code": self.commune.code, "case_code": self.case_code,
            "detected_on": self.detected_on, "detected_in": self.detected_in.as_str(),
            "status": self.status.as_str(), "status_on": self.status_on,
            "treated_at": self.treated_at.map(|t| t.as_str()), "cluster_id": self.cluster_id,
            "village": self.village, "sex": self.sex.map(|s| s.as_str()), "birth_year": self.birth_year,
            "personal_details": !(self.full_name.is_empty() && self.phone.is_empty() && self.address.is_empty()),
        })
    }
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

/// Checks every field of a case; the commune must be one the user writes in.
pub async fn check(
    db: &PgPool,
    user: &CurrentUser,
    raw: &Raw,
    today: NaiveDate,
) -> Result<CaseValues, AppError> {
    let mut c = Check::new(raw);
    let code = c.code("commune_code");
    let case_code = match c.text("case_code", true, 30) {
        Some(s) => {
            let parsed = parse_case_code(&s);
            if parsed.is_none() {
                c.fail("case_code", "err.case_code_format");
            }
            parsed
        }
        None => None,
    };
    let detected_on = c.date("detected_on", true, Some(today));
    let detected_in = c.choice::<DetectedIn>("detected_in", true);
    let status = c.choice::<CaseStatus>("status", true);
    let status_on = c.date("status_on", false, Some(today)).or(detected_on);
    if let (Some(d), Some(s)) = (detected_on, status_on)
        && s < d
    {
        c.fail("status_on", "err.date_before_detected");
    }
    let treated_at = c.choice::<TreatedAt>("treated_at", false);
    let cluster_id = c.int("cluster_id", false, 1, i64::MAX);
    let village = c.opt_text("village", 100);
    let sex = c.choice::<Sex>("sex", false);
    let birth_year = c
        .int("birth_year", false, 1900, today.year() as i64)
        .map(|y| y as i32);
    let full_name = c.opt_text("full_name", 100);
    let phone = c.opt_text("phone", 20);
    if !phone
        .chars()
        .all(|ch| ch.is_ascii_digit() || ch == ' ' || ch == '+' || ch == '.')
    {
        c.fail("phone", "err.phone_format");
    }
    let address = c.opt_text("address", 200);
    let mut errors = std::mem::take(&mut c.errors);
    let commune = writable_area(db, user, code, "commune_code", &mut errors, |a| {
        Action::WriteCommuneRecord(a)
    })
    .await?;
    if let Some(a) = &commune
        && a.level != Level::Commune
    {
        errors.add("commune_code", "err.not_a_commune");
    }
    if let (Some(id), Some(a)) = (cluster_id, &commune) {
        let exists: bool = sqlx::query_scalar(
            "select exists (select 1 from clusters where id = $1 and commune_code = $2)",
        )
        .bind(id)
        .bind(&a.code)
        .fetch_one(db)
        .await?;
        if !exists {
            errors.add("cluster_id", "err.unknown_cluster");
        }
    }
    errors.clone().into_result()?;
    // Every Option below is Some when there are no errors.
    let (
        Some(commune),
        Some(case_code),
        Some(detected_on),
        Some(detected_in),
        Some(status),
        Some(status_on),
    ) = (
        commune,
        case_code,
        detected_on,
        detected_in,
        status,
        status_on,
    )
    else {
        return Err(AppError::Invalid(errors));
    };
    // Personal details are only written by those allowed to read them.
    let personal = user.can(Action::ReadPersonal(&commune));
    Ok(CaseValues {
        commune,
        case_code,
        detected_on,
        detected_in,
        status,
        status_on,
        treated_at,
        cluster_id,
        village,
        sex,
        birth_year,
        full_name: if personal { full_name } else { String::new() },
        phone: if personal { phone } else { String::new() },
        address: if personal { address } else { String::new() },
    })
}

/// Stores a new case with its audit row; a duplicate code is a 409 on `case_code`.
pub async fn insert(
    conn: &mut PgConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    v: &CaseValues,
) -> Result<i64, AppError> {
    let codes = Codes::of(&v.commune);
    let id: i64 = sqlx::query_scalar(
        "insert into cases (city_code, district_code, commune_code, case_code, detected_on, detected_in,
           status, status_on, treated_at, cluster_id, village, sex, birth_year, full_name, phone, address,
           created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)
         returning id",
    )
    .bind(&codes.city)
    .bind(&codes.district)
    .bind(&v.commune.code)
    .bind(&v.case_code)
    .bind(v.detected_on)
    .bind(v.detected_in.as_str())
    .bind(v.status.as_str())
    .bind(v.status_on)
    .bind(v.treated_at.map(|t| t.as_str()))
    .bind(v.cluster_id)
    .bind(&v.village)
    .bind(v.sex.map(|s| s.as_str()))
    .bind(v.birth_year)
    .bind(&v.full_name)
    .bind(&v.phone)
    .bind(&v.address)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .on_constraint("cases_case_code_key", "case_code", "err.case_code_taken")?;
    audit::record(
        conn,
        now,
        actor,
        Entry {
            area_code: Some(&v.commune.code),
            action: "create",
            entity: "case",
            entity_id: id.to_string(),
            old: None,
            new: Some(v.to_json()),
        },
    )
    .await?;
    Ok(id)
}

/// The outcome of an edit made against `version`.
pub enum Edit {
    /// Saved; the new version.
    Saved(i32),
    /// Someone changed the case since `version` was read; the stored case.
    Stale(Box<CaseRow>),
}

/// Updates a case if it is still at `version`.
async fn apply_update(
    db: &PgPool,
    user: &CurrentUser,
    now: DateTime<Utc>,
    old: &CaseRow,
    version: i32,
    v: &CaseValues,
) -> Result<Edit, AppError> {
    let codes = Codes::of(&v.commune);
    let keep_personal = !user.can(Action::ReadPersonal(&v.commune));
    let mut tx = db.begin().await?;
    let new_version: Option<i32> = sqlx::query_scalar(
        "update cases set city_code = $3, district_code = $4, commune_code = $5, case_code = $6,
           detected_on = $7, detected_in = $8, status = $9, status_on = $10, treated_at = $11,
           cluster_id = $12, village = $13, sex = $14, birth_year = $15,
           full_name = case when $19 then full_name else $16 end,
           phone = case when $19 then phone else $17 end,
           address = case when $19 then address else $18 end,
           version = version + 1, updated_at = $20
         where id = $1 and version = $2 and voided_at is null
         returning version",
    )
    .bind(old.id)
    .bind(version)
    .bind(&codes.city)
    .bind(&codes.district)
    .bind(&v.commune.code)
    .bind(&v.case_code)
    .bind(v.detected_on)
    .bind(v.detected_in.as_str())
    .bind(v.status.as_str())
    .bind(v.status_on)
    .bind(v.treated_at.map(|t| t.as_str()))
    .bind(v.cluster_id)
    .bind(&v.village)
    .bind(v.sex.map(|s| s.as_str()))
    .bind(v.birth_year)
    .bind(&v.full_name)
    .bind(&v.phone)
    .bind(&v.address)
    .bind(keep_personal)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await
    .on_constraint("cases_case_code_key", "case_code", "err.case_code_taken")?;
    let Some(new_version) = new_version else {
        tx.rollback().await?;
        let current: CaseRow = sqlx::query_as(&format!("{SELECT} where c.id = $1"))
            .bind(old.id)
            .fetch_one(db)
            .await?;
        return Ok(Edit::Stale(Box::new(current)));
    };
    audit::record(
        &mut tx,
        now,
        &Actor::from(user),
        Entry {
            area_code: Some(&v.commune.code),
            action: "update",
            entity: "case",
            entity_id: old.id.to_string(),
            old: Some(old.to_json(false)),
            new: Some(v.to_json()),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Edit::Saved(new_version))
}

// ---------------------------------------------------------------- list and export

struct Filter {
    area: AreaRef,
    status: Option<CaseStatus>,
    detected_in: Option<DetectedIn>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    q: String,
    voided: bool,
}

async fn filter(db: &PgPool, user: &CurrentUser, raw: &Raw) -> Result<Filter, AppError> {
    let area = list_area(db, user, raw).await?;
    let mut c = Check::new(raw);
    let f = Filter {
        area,
        status: c.choice("status", false),
        detected_in: c.choice("detected_in", false),
        from: c.date("from", false, None),
        to: c.date("to", false, None),
        q: raw.get("q").to_uppercase(),
        voided: raw.get("voided") == "on",
    };
    c.finish()?;
    Ok(f)
}

async fn query(db: &PgPool, f: &Filter, paging: Paging) -> Result<(Vec<CaseRow>, i64), AppError> {
    let cond = format!(
        "{} and ($2::text is null or c.status = $2) and ($3::text is null or c.detected_in = $3)
         and ($4::date is null or c.detected_on >= $4) and ($5::date is null or c.detected_on <= $5)
         and ($6 = '' or c.case_code like $6 || '%') and ($7 or c.voided_at is null)",
        under(1, "c.commune_code")
            .replace("city_code", "c.city_code")
            .replace("district_code", "c.district_code")
    );
    let total: i64 = sqlx::query_scalar(&format!("select count(*) from cases c where {cond}"))
        .bind(&f.area.code)
        .bind(f.status.map(|s| s.as_str()))
        .bind(f.detected_in.map(|s| s.as_str()))
        .bind(f.from)
        .bind(f.to)
        .bind(&f.q)
        .bind(f.voided)
        .fetch_one(db)
        .await?;
    let rows: Vec<CaseRow> = sqlx::query_as(&format!(
        "{SELECT} where {cond} order by c.detected_on desc, c.id desc limit $8 offset $9"
    ))
    .bind(&f.area.code)
    .bind(f.status.map(|s| s.as_str()))
    .bind(f.detected_in.map(|s| s.as_str()))
    .bind(f.from)
    .bind(f.to)
    .bind(&f.q)
    .bind(f.voided)
    .bind(paging.limit)
    .bind(paging.offset)
    .fetch_all(db)
    .await?;
    Ok((rows, total))
}

fn csv_row(r: &CaseRow, personal: bool) -> Vec<String> {
    let raw = r.to_raw(personal);
    CSV_COLUMNS.iter().map(|c| raw.get(c).to_string()).collect()
}

async fn list(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let raw = Raw::from_form(q);
    let f = filter(&state.db, &user, &raw).await?;
    let personal = user.can(Action::ReadPersonal(&f.area));
    if let Some(format) = Format::from_raw(&raw) {
        let (rows, _) = query(
            &state.db,
            &f,
            Paging {
                limit: export::MAX_ROWS,
                offset: 0,
            },
        )
        .await?;
        let rows: Vec<Vec<String>> = rows.iter().map(|r| csv_row(r, personal)).collect();
        let headers: Vec<&str> = CSV_COLUMNS
            .iter()
            .copied()
            .filter(|c| personal || !PERSONAL.contains(c))
            .collect();
        let rows: Vec<Vec<String>> = rows
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .zip(CSV_COLUMNS)
                    .filter(|(_, c)| personal || !PERSONAL.contains(c))
                    .map(|(v, _)| v)
                    .collect()
            })
            .collect();
        return export::respond(format, &format!("ca-benh-{}", f.area.code), &headers, &rows);
    }
    let paging = Paging::from_raw(&raw);
    let (rows, total) = query(&state.db, &f, paging).await?;
    let lang = page.lang;
    let mut keys = vec![
        "cases.case_code",
        "rec.commune",
        "cases.detected_on",
        "cases.detected_in",
        "cases.status",
        "cases.treated_at",
        "cases.cluster",
        "cases.village",
    ];
    if personal {
        keys.push("cases.full_name");
    }
    let list_rows = rows
        .iter()
        .map(|r| {
            let mut cells = vec![
                r.case_code.clone(),
                r.commune_name.clone(),
                lang.date(r.detected_on),
                label::<DetectedIn>(lang, Some(&r.detected_in)),
                label::<CaseStatus>(lang, Some(&r.status)),
                label::<TreatedAt>(lang, r.treated_at.as_deref()),
                r.cluster_name.clone().unwrap_or_default(),
                r.village.clone(),
            ];
            if personal {
                cells.push(r.full_name.clone());
            }
            ListRow {
                href: format!("/cases/{}", r.id),
                cells,
                muted: r.voided_at.is_some(),
            }
        })
        .collect();
    let errors = FieldErrors::default();
    let mut fb = FormBuilder::new(lang, &raw, &errors);
    fb.text("area", "rec.area", false, 5)
        .text("q", "cases.search", false, 30)
        .choice::<CaseStatus>("status", "cases.status", false, true)
        .choice::<DetectedIn>("detected_in", "cases.detected_in", false, true)
        .date("from", "common.from", false)
        .date("to", "common.to", false)
        .select(
            "voided",
            "rec.include_voided",
            vec![
                (String::new(), lang.t("common.no").into()),
                ("on".into(), lang.t("common.yes").into()),
            ],
            false,
        );
    let filters = fb.build();
    let title = format!("{} — {}", lang.t("cases.title"), f.area.name);
    let mut p = ListPage::new(
        page,
        title,
        "/cases",
        &raw,
        filters,
        columns(lang, &keys),
        list_rows,
        total,
        paging,
    );
    if user.role.as_str() == "commune" || user.role.as_str() == "district" {
        p.new_href = Some("/cases/new".into());
        p.extra_links
            .push(("/cases/import".into(), lang.t("cases.import").into()));
    }
    Ok(p.into_response())
}

// ---------------------------------------------------------------- forms

async fn form_fields(
    db: &PgPool,
    user: &CurrentUser,
    lang: Lang,
    raw: &Raw,
    errors: &FieldErrors,
    personal: bool,
) -> Result<Vec<crate::domain::forms::Field>, AppError> {
    let communes = writable_communes(db, user).await?;
    let clusters: Vec<(i64, String, String)> = sqlx::query_as(
        "select k.id, k.name, a.name from clusters k join areas a on a.code = k.commune_code
         where ($1::text is null or k.city_code = $1 or k.district_code = $1 or k.commune_code = $1)
           and k.closed_on is null
         order by a.name, k.name limit 300",
    )
    .bind(user.scope())
    .fetch_all(db)
    .await?;
    let mut cluster_options = vec![(String::new(), "—".to_string())];
    cluster_options.extend(
        clusters
            .into_iter()
            .map(|(id, name, commune)| (id.to_string(), format!("{name} ({commune})"))),
    );
    let mut fb = FormBuilder::new(lang, raw, errors);
    fb.hidden("version")
        .select("commune_code", "rec.commune", communes, true)
        .text("case_code", "cases.case_code", true, 30)
        .date("detected_on", "cases.detected_on", true)
        .choice::<DetectedIn>("detected_in", "cases.detected_in", true, true)
        .choice::<CaseStatus>("status", "cases.status", true, false)
        .date("status_on", "cases.status_on", false)
        .choice::<TreatedAt>("treated_at", "cases.treated_at", false, true)
        .select("cluster_id", "cases.cluster", cluster_options, false)
        .text("village", "cases.village", false, 100)
        .choice::<Sex>("sex", "cases.sex", false, true)
        .number("birth_year", "cases.birth_year", false);
    if personal {
        fb.text("full_name", "cases.full_name", false, 100)
            .hint("cases.personal_hint")
            .text("phone", "cases.phone", false, 20)
            .text("address", "cases.address", false, 200);
    }
    Ok(fb.build())
}

/// Where a form goes: its title and the URL it posts to.
struct Target {
    title: String,
    action: String,
}

async fn form_page(
    state: &AppState,
    page: Page,
    user: &CurrentUser,
    Target { title, action }: Target,
    raw: &Raw,
    errors: &FieldErrors,
    conflict: Vec<(String, String)>,
) -> Result<FormPage, AppError> {
    let personal = user.role.as_str() != "city";
    let fields = form_fields(&state.db, user, page.lang, raw, errors, personal).await?;
    Ok(FormPage {
        page,
        title,
        action,
        fields,
        has_errors: !errors.is_empty(),
        conflict,
        cancel_href: "/cases".into(),
    })
}

async fn new_form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
) -> Result<FormPage, AppError> {
    if !user.can(Action::WriteCommuneRecord(&user.area)) && user.role.as_str() != "district" {
        return Err(AppError::Forbidden);
    }
    let mut raw = Raw::default();
    raw.set(
        "commune_code",
        if user.area.level == Level::Commune {
            user.area.code.clone()
        } else {
            String::new()
        },
    );
    raw.set("status", "treating");
    raw.set("detected_on", state.clock.today().to_string());
    let title = page.t("cases.new").to_string();
    form_page(
        &state,
        page,
        &user,
        Target {
            title,
            action: "/cases".into(),
        },
        &raw,
        &FieldErrors::default(),
        vec![],
    )
    .await
}

/// The form again with what the user typed and the errors beside the fields.
async fn again(
    state: &AppState,
    page: Page,
    user: &CurrentUser,
    title: String,
    action: String,
    raw: &Raw,
    e: AppError,
) -> Result<Response, AppError> {
    let (status, errors) = match e {
        AppError::Invalid(f) => (StatusCode::UNPROCESSABLE_ENTITY, f),
        AppError::Conflict(f) => (StatusCode::CONFLICT, f),
        other => return Err(other),
    };
    let p = form_page(
        state,
        page,
        user,
        Target { title, action },
        raw,
        &errors,
        vec![],
    )
    .await?;
    Ok((status, p).into_response())
}

async fn create(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let raw = Raw::from_form(form);
    let now = state.clock.now();
    let title = page.t("cases.new").to_string();
    let result = async {
        let v = check(&state.db, &user, &raw, state.clock.today()).await?;
        let mut tx = state.db.begin().await?;
        let id = insert(&mut tx, &Actor::from(&user), now, &v).await?;
        tx.commit().await?;
        Ok::<_, AppError>(id)
    }
    .await;
    match result {
        Ok(id) => super::saved(&session, &page, "rec.created", &format!("/cases/{id}")).await,
        Err(e) => again(&state, page, &user, title, "/cases".into(), &raw, e).await,
    }
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<ShowPage, AppError> {
    let r = load(&state.db, &user, id).await?;
    let lang = page.lang;
    let personal = user.can(Action::ReadPersonal(&r.area()));
    let mut facts = vec![
        (lang.t("cases.case_code").to_string(), r.case_code.clone()),
        (
            lang.t("rec.commune").to_string(),
            format!("{} ({})", r.commune_name, r.commune_code),
        ),
        (
            lang.t("cases.detected_on").to_string(),
            lang.date(r.detected_on),
        ),
        (
            lang.t("cases.detected_in").to_string(),
            label::<DetectedIn>(lang, Some(&r.detected_in)),
        ),
        (
            lang.t("cases.status").to_string(),
            label::<CaseStatus>(lang, Some(&r.status)),
        ),
        (
            lang.t("cases.status_on").to_string(),
            lang.date(r.status_on),
        ),
        (
            lang.t("cases.treated_at").to_string(),
            label::<TreatedAt>(lang, r.treated_at.as_deref()),
        ),
        (
            lang.t("cases.cluster").to_string(),
            r.cluster_name.clone().unwrap_or_default(),
        ),
        (lang.t("cases.village").to_string(), r.village.clone()),
        (
            lang.t("cases.sex").to_string(),
            label::<Sex>(lang, r.sex.as_deref()),
        ),
        (
            lang.t("cases.birth_year").to_string(),
            r.birth_year.map(|y| y.to_string()).unwrap_or_default(),
        ),
    ];
    if personal {
        facts.push((lang.t("cases.full_name").to_string(), r.full_name.clone()));
        facts.push((lang.t("cases.phone").to_string(), r.phone.clone()));
        facts.push((lang.t("cases.address").to_string(), r.address.clone()));
    }
    facts.push((lang.t("rec.version").to_string(), r.version.to_string()));
    let writable = user.can(Action::WriteCommuneRecord(&r.area()));
    let mut actions = Vec::new();
    let mut forms = Vec::new();
    let banner = r.voided_at.map(|at| {
        lang.tf(
            "rec.voided_on",
            &[&lang.datetime(at), r.void_reason.as_deref().unwrap_or("")],
        )
    });
    if writable && r.voided_at.is_none() {
        actions.push((format!("/cases/{id}/edit"), lang.t("rec.edit").to_string()));
        let mut raw = Raw::default();
        raw.set("version", r.version.to_string());
        let errors = FieldErrors::default();
        let mut fb = FormBuilder::new(lang, &raw, &errors);
        fb.hidden("version")
            .text("reason", "rec.void_reason", true, 300);
        forms.push(EmbeddedForm {
            title: lang.t("rec.void").into(),
            action: format!("/cases/{id}/void"),
            fields: fb.build(),
            submit: lang.t("rec.void").into(),
        });
    }
    Ok(ShowPage {
        title: lang.tf("cases.show", &[&r.case_code]),
        page,
        facts,
        actions,
        banner,
        sections: vec![],
        tree: vec![],
        forms,
        back_href: "/cases".into(),
    })
}

async fn edit_form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<FormPage, AppError> {
    let r = load(&state.db, &user, id).await?;
    user.authorize(Action::WriteCommuneRecord(&r.area()))?;
    if r.voided_at.is_some() {
        return Err(AppError::Conflict(FieldErrors::default()));
    }
    let personal = user.can(Action::ReadPersonal(&r.area()));
    let title = page.tf("cases.edit", &[&r.case_code]);
    form_page(
        &state,
        page,
        &user,
        Target {
            title,
            action: format!("/cases/{id}"),
        },
        &r.to_raw(personal),
        &FieldErrors::default(),
        vec![],
    )
    .await
}

async fn update(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let old = load(&state.db, &user, id).await?;
    user.authorize(Action::WriteCommuneRecord(&old.area()))?;
    let raw = Raw::from_form(form);
    let title = page.tf("cases.edit", &[&old.case_code]);
    let action = format!("/cases/{id}");
    let version: i32 = raw
        .get("version")
        .parse()
        .map_err(|_| AppError::BadRequest("version".into()))?;
    let v = match check(&state.db, &user, &raw, state.clock.today()).await {
        Ok(v) => v,
        Err(e) => return again(&state, page, &user, title, action, &raw, e).await,
    };
    match apply_update(&state.db, &user, state.clock.now(), &old, version, &v).await {
        Ok(Edit::Saved(_)) => super::saved(&session, &page, "rec.saved", &action).await,
        Ok(Edit::Stale(current)) => {
            // Show what is stored now beside the user's own input, which is kept.
            let personal = user.can(Action::ReadPersonal(&current.area()));
            let stored = current.to_raw(personal);
            let fields = form_fields(
                &state.db,
                &user,
                page.lang,
                &raw,
                &FieldErrors::default(),
                personal,
            )
            .await?;
            let conflict = fields
                .iter()
                .filter(|f| f.name != "version" && stored.get(f.name) != raw.get(f.name))
                .map(|f| (f.label.clone(), stored.get(f.name).to_string()))
                .collect();
            let mut raw = raw.clone();
            raw.set("version", current.version.to_string());
            let p = form_page(
                &state,
                page,
                &user,
                Target { title, action },
                &raw,
                &FieldErrors::default(),
                conflict,
            )
            .await?;
            Ok((StatusCode::CONFLICT, p).into_response())
        }
        Err(e) => again(&state, page, &user, title, action, &raw, e).await,
    }
}

/// Voids a case with a reason; nothing is deleted.
async fn void_case(
    db: &PgPool,
    user: &CurrentUser,
    now: DateTime<Utc>,
    old: &CaseRow,
    reason: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let done = sqlx::query(
        "update cases set voided_at = $2, void_reason = $3, version = version + 1, updated_at = $2
         where id = $1 and voided_at is null",
    )
    .bind(old.id)
    .bind(now)
    .bind(reason)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        let mut f = FieldErrors::default();
        f.add("reason", "err.already_voided");
        return Err(AppError::Conflict(f));
    }
    audit::record(
        &mut tx,
        now,
        &Actor::from(user),
        Entry {
            area_code: Some(&old.commune_code),
            action: "void",
            entity: "case",
            entity_id: old.id.to_string(),
            old: Some(old.to_json(false)),
            new: Some(serde_json::json!({ "void_reason": reason })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn void(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let old = load(&state.db, &user, id).await?;
    user.authorize(Action::WriteCommuneRecord(&old.area()))?;
    let raw = Raw::from_form(form);
    let mut c = Check::new(&raw);
    let reason = c.text("reason", true, 300);
    let Some(reason) = reason else {
        let mut f = FieldErrors::default();
        f.add("reason", "err.void_reason");
        return Err(AppError::Invalid(f));
    };
    void_case(&state.db, &user, state.clock.now(), &old, &reason).await?;
    super::saved(&session, &page, "rec.saved", &format!("/cases/{id}")).await
}

// ---------------------------------------------------------------- import

#[derive(askama::Template, askama_web::WebTemplate)]
#[template(path = "records/import.html")]
struct ImportPage {
    page: Page,
    errors: Vec<(usize, String)>,
    summary: Option<String>,
}

async fn import_form(page: Page, user: CurrentUser) -> Result<ImportPage, AppError> {
    if user.role.as_str() != "commune" && user.role.as_str() != "district" {
        return Err(AppError::Forbidden);
    }
    Ok(ImportPage {
        page,
        errors: vec![],
        summary: None,
    })
}

async fn template() -> Result<Response, AppError> {
    export::respond(Format::Csv, "mau-nhap-ca-benh", &CSV_COLUMNS, &[])
}

/// What an import did: lines with their errors, cases added.
pub struct ImportOutcome {
    pub errors: Vec<(usize, String)>,
    pub imported: usize,
}

/// Imports a case CSV. Every bad line is reported; unless `good_rows_only`,
/// nothing is stored while any line is bad.
pub async fn import_csv(
    state: &AppState,
    user: &CurrentUser,
    lang: Lang,
    bytes: &[u8],
    good_rows_only: bool,
) -> Result<ImportOutcome, AppError> {
    let rows = match export::read_csv(bytes) {
        Ok(r) => r,
        Err(e) => {
            return Ok(ImportOutcome {
                errors: vec![(1, e)],
                imported: 0,
            });
        }
    };
    if rows.is_empty() {
        return Ok(ImportOutcome {
            errors: vec![(1, lang.t("cases.import_empty").into())],
            imported: 0,
        });
    }
    let today = state.clock.today();
    let mut errors = Vec::new();
    let mut good: Vec<(usize, CaseValues)> = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (line, raw) in rows {
        match check(&state.db, user, &raw, today).await {
            Ok(v) => {
                if let Some(first) = seen.insert(v.case_code.clone(), line) {
                    errors.push((
                        line,
                        format!(
                            "case_code: {} ({})",
                            lang.t("err.case_code_taken"),
                            lang.tf("cases.import_line", &[&first.to_string()])
                        ),
                    ));
                } else {
                    good.push((line, v));
                }
            }
            Err(AppError::Invalid(f)) | Err(AppError::Conflict(f)) => {
                let msg =
                    f.0.iter()
                        .map(|(field, _, _)| {
                            format!("{field}: {}", f.get(field, lang).unwrap_or_default())
                        })
                        .collect::<Vec<_>>()
                        .join("; ");
                errors.push((line, msg));
            }
            Err(e) => return Err(e),
        }
    }
    // Codes already stored are bad lines too.
    let codes: Vec<String> = good.iter().map(|(_, v)| v.case_code.clone()).collect();
    let taken: Vec<String> =
        sqlx::query_scalar("select case_code from cases where case_code = any($1)")
            .bind(&codes)
            .fetch_all(&state.db)
            .await?;
    good.retain(|(line, v)| {
        if taken.contains(&v.case_code) {
            errors.push((
                *line,
                format!("case_code: {}", lang.t("err.case_code_taken")),
            ));
            false
        } else {
            true
        }
    });
    errors.sort_by_key(|e| e.0);
    if !errors.is_empty() && !good_rows_only {
        return Ok(ImportOutcome {
            errors,
            imported: 0,
        });
    }
    let mut tx = state.db.begin().await?;
    let actor = Actor::from(user);
    let now = state.clock.now();
    for (_, v) in &good {
        insert(&mut tx, &actor, now, v).await?;
    }
    tx.commit().await?;
    Ok(ImportOutcome {
        errors,
        imported: good.len(),
    })
}

async fn import(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let mut csrf = String::new();
    let mut mode = String::new();
    let mut file = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(e.to_string()))?
    {
        match field.name().unwrap_or("") {
            "csrf" => {
                csrf = field
                    .text()
                    .await
                    .map_err(|e| AppError::BadRequest(e.to_string()))?
            }
            "mode" => {
                mode = field
                    .text()
                    .await
                    .map_err(|e| AppError::BadRequest(e.to_string()))?
            }
            "file" => {
                file = field
                    .bytes()
                    .await
                    .map_err(|e| AppError::BadRequest(e.to_string()))?
                    .to_vec()
            }
            _ => {}
        }
    }
    let expected = session
        .get::<String>(CSRF_KEY)
        .await
        .map_err(session_error)?;
    if !expected
        .is_some_and(|e| crate::storage::tokens::constant_time_eq(e.as_bytes(), csrf.as_bytes()))
    {
        return Err(AppError::Csrf);
    }
    if user.role.as_str() != "commune" && user.role.as_str() != "district" {
        return Err(AppError::Forbidden);
    }
    let lang = page.lang;
    let outcome = import_csv(&state, &user, lang, &file, mode == "good").await?;
    if outcome.imported == 0 && !outcome.errors.is_empty() {
        let summary = Some(lang.tf("cases.import_errors", &[&outcome.errors.len().to_string()]));
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            ImportPage {
                page,
                errors: outcome.errors,
                summary,
            },
        )
            .into_response());
    }
    let msg = lang.tf(
        "cases.import_done",
        &[
            &outcome.imported.to_string(),
            &outcome.errors.len().to_string(),
        ],
    );
    if outcome.errors.is_empty() {
        Page::flash(&session, msg).await?;
        return Ok(Redirect::to("/cases").into_response());
    }
    Ok(ImportPage {
        page,
        errors: outcome.errors,
        summary: Some(msg),
    }
    .into_response())
}

// ---------------------------------------------------------------- API

async fn api_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Json<serde_json::Value>, AppError> {
    let raw = Raw::from_form(q);
    let f = filter(&state.db, &user, &raw).await?;
    let personal = user.can(Action::ReadPersonal(&f.area));
    let mut paging = Paging::from_raw(&raw);
    if !raw.has("limit") {
        paging = Paging {
            limit: Paging::PAGE_SIZE,
            offset: raw.get("offset").parse().unwrap_or(0),
        };
    }
    let (rows, total) = query(&state.db, &f, paging).await?;
    let items: Vec<_> = rows.iter().map(|r| r.to_json(personal)).collect();
    Ok(Json(serde_json::json!({ "items": items, "total": total })))
}

async fn api_show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<serde_json::Value>, AppError> {
    let r = load(&state.db, &user, id).await?;
    Ok(Json(r.to_json(user.can(Action::ReadPersonal(&r.area())))))
}

async fn api_create(
    State(state): State<AppState>,
    user: CurrentUser,
    crate::web::api::ApiJson(body): crate::web::api::ApiJson<serde_json::Value>,
) -> Result<(StatusCode, Json<serde_json::Value>), AppError> {
    let raw = Raw::from_json(body)?;
    let v = check(&state.db, &user, &raw, state.clock.today()).await?;
    let mut tx = state.db.begin().await?;
    let id = insert(&mut tx, &Actor::from(&user), state.clock.now(), &v).await?;
    tx.commit().await?;
    let r = load(&state.db, &user, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(r.to_json(user.can(Action::ReadPersonal(&r.area())))),
    ))
}

async fn api_patch(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    crate::web::api::ApiJson(body): crate::web::api::ApiJson<serde_json::Value>,
) -> Result<Json<serde_json::Value>, AppError> {
    let old = load(&state.db, &user, id).await?;
    user.authorize(Action::WriteCommuneRecord(&old.area()))?;
    let patch = Raw::from_json(body)?;
    let Ok(version) = patch.get("version").parse::<i32>() else {
        let mut f = FieldErrors::default();
        f.add("version", "err.version_required");
        return Err(AppError::Invalid(f));
    };
    let personal = user.can(Action::ReadPersonal(&old.area()));
    let mut raw = old.to_raw(personal);
    for (k, v) in patch.0 {
        raw.set(&k, v);
    }
    let v = check(&state.db, &user, &raw, state.clock.today()).await?;
    match apply_update(&state.db, &user, state.clock.now(), &old, version, &v).await? {
        Edit::Saved(_) => {
            let r = load(&state.db, &user, id).await?;
            Ok(Json(r.to_json(personal)))
        }
        Edit::Stale(_) => {
            let mut f = FieldErrors::default();
            f.add("version", "err.stale");
            Err(AppError::Conflict(f))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
