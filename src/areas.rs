//! The administrative tree (DESIGN §2): city → districts → communes, its
//! import from CSV, the area browser and the areas API.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use sqlx::{PgConnection, PgPool};
use tower_sessions::Session;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::AppState;
use crate::audit::{self, Actor, Entry};
use crate::auth::{Action, CsrfForm, CurrentUser};
use crate::error::{AppError, FieldErrors};
use crate::web::Page;

/// The Hà Nội tree shipped with the program (see data/PROVENANCE.md).
pub const HANOI_CSV: &str = include_str!("../data/hanoi_areas.csv");

/// A level of the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Thành phố / Tỉnh.
    City,
    /// Quận, Huyện, Thị xã.
    District,
    /// Phường, Xã, Thị trấn.
    Commune,
}

impl Level {
    /// Reads a stored level.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "city" => Some(Self::City),
            "district" => Some(Self::District),
            "commune" => Some(Self::Commune),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::City => "city",
            Self::District => "district",
            Self::Commune => "commune",
        }
    }

    /// The level of this level's parent.
    pub fn parent(self) -> Option<Self> {
        match self {
            Self::City => None,
            Self::District => Some(Self::City),
            Self::Commune => Some(Self::District),
        }
    }

    /// The catalogue key of the level's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::City => "level.city",
            Self::District => "level.district",
            Self::Commune => "level.commune",
        }
    }
}

/// An area with what authorisation needs: its level and ancestors.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaRef {
    /// Statistics-office code.
    pub code: String,
    /// Name with unit type.
    pub name: String,
    /// Level.
    pub level: Level,
    /// The parent's code.
    pub parent_code: Option<String>,
    /// The grandparent's code (the city, for a commune).
    pub grandparent_code: Option<String>,
}

impl AreaRef {
    /// Whether this area is `root` or lies under it.
    pub fn is_within(&self, root: &str) -> bool {
        self.code == root
            || self.parent_code.as_deref() == Some(root)
            || self.grandparent_code.as_deref() == Some(root)
    }
}

/// Looks up an area with its ancestors.
pub async fn area_ref(db: &PgPool, code: &str) -> Result<Option<AreaRef>, AppError> {
    type Row = (String, String, String, Option<String>, Option<String>);
    let row: Option<Row> = sqlx::query_as(
        "select a.code, a.name, a.level, a.parent_code, p.parent_code
         from areas a left join areas p on p.code = a.parent_code
         where a.code = $1",
    )
    .bind(code)
    .fetch_optional(db)
    .await?;
    Ok(row.map(
        |(code, name, level, parent_code, grandparent_code)| AreaRef {
            code,
            name,
            level: Level::parse(&level).unwrap_or(Level::Commune),
            parent_code,
            grandparent_code,
        },
    ))
}

/// An area as listed and as the API answers it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Area {
    pub code: String,
    pub name: String,
    #[serde(skip)]
    pub unit_type: String,
    pub level: String,
    pub parent_code: Option<String>,
    pub population: Option<i64>,
    #[serde(skip)]
    pub children: i64,
}

const AREA_COLUMNS: &str = "a.code, a.name, a.unit_type, a.level, a.parent_code, a.population,
    (select count(*) from areas c where c.parent_code = a.code) as children";

async fn fetch_area(db: &PgPool, code: &str) -> Result<Area, AppError> {
    sqlx::query_as(&format!(
        "select {AREA_COLUMNS} from areas a where a.code = $1"
    ))
    .bind(code)
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)
}

async fn fetch_children(db: &PgPool, code: &str) -> Result<Vec<Area>, AppError> {
    Ok(sqlx::query_as(&format!(
        "select {AREA_COLUMNS} from areas a where a.parent_code = $1 order by a.code"
    ))
    .bind(code)
    .fetch_all(db)
    .await?)
}

/// Folds a name for searching: lower case, no diacritics, đ → d.
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------- import

/// One row of an areas CSV: `code,name,unit_type,level,parent_code,population`.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct AreaRow {
    pub code: String,
    pub name: String,
    pub unit_type: String,
    pub level: String,
    #[serde(default)]
    pub parent_code: String,
    #[serde(default)]
    pub population: String,
}

/// A validated area, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewArea {
    pub code: String,
    pub name: String,
    pub unit_type: String,
    pub level: Level,
    pub parent_code: Option<String>,
    pub population: Option<i64>,
}

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ImportReport {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Reads and checks a whole areas CSV. Every bad line is reported with its
/// number; nothing is returned unless the file is clean.
pub fn parse_csv(text: &str) -> Result<Vec<NewArea>, Vec<String>> {
    let mut errors = Vec::new();
    let mut areas: Vec<NewArea> = Vec::new();
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    for (i, row) in rdr.deserialize::<AreaRow>().enumerate() {
        let line = i + 2; // the header is line 1
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("line {line}: {e}"));
                continue;
            }
        };
        match validate_row(row) {
            Ok(a) => areas.push(a),
            Err(msg) => errors.push(format!("line {line}: {msg}")),
        }
    }
    let by_code: HashMap<&str, &NewArea> = areas.iter().map(|a| (a.code.as_str(), a)).collect();
    if by_code.len() != areas.len() {
        let mut seen = std::collections::HashSet::new();
        for a in &areas {
            if !seen.insert(&a.code) {
                errors.push(format!("code {} appears more than once", a.code));
            }
        }
    }
    for a in &areas {
        if let Some(p) = &a.parent_code {
            match by_code.get(p.as_str()) {
                Some(parent) if Some(parent.level) == a.level.parent() => {}
                Some(_) => errors.push(format!(
                    "{}: parent {p} is not a {}",
                    a.code,
                    a.level.parent().map_or("-", Level::as_str)
                )),
                None => errors.push(format!("{}: parent {p} is not in the file", a.code)),
            }
        }
    }
    if errors.is_empty() {
        Ok(areas)
    } else {
        Err(errors)
    }
}

fn validate_row(r: AreaRow) -> Result<NewArea, String> {
    let level = Level::parse(&r.level).ok_or_else(|| format!("unknown level {:?}", r.level))?;
    let digits = match level {
        Level::City => 2,
        Level::District => 3,
        Level::Commune => 5,
    };
    if r.code.len() != digits || !r.code.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "code {:?} must be {digits} digits for a {}",
            r.code,
            level.as_str()
        ));
    }
    let name: String = r.name.nfc().collect();
    let unit_type: String = r.unit_type.nfc().collect();
    if name.is_empty() || name.chars().count() > 200 {
        return Err("name is empty or too long".into());
    }
    if unit_type.is_empty() || !name.starts_with(&unit_type) {
        return Err(format!(
            "name {name:?} must start with its unit type {unit_type:?}"
        ));
    }
    let parent_code = Some(r.parent_code).filter(|p| !p.is_empty());
    if (level == Level::City) != parent_code.is_none() {
        return Err("a city has no parent; every other area has one".into());
    }
    let population = match r.population.replace(['.', ',', ' '], "") {
        p if p.is_empty() => None,
        p => Some(
            p.parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| format!("population {:?} is not a whole number", r.population))?,
        ),
    };
    Ok(NewArea {
        code: r.code,
        name,
        unit_type,
        level,
        parent_code,
        population,
    })
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
    let mut ordered: Vec<&NewArea> = areas.iter().collect();
    ordered.sort_by_key(|a| (a.level as u8, a.code.clone()));
    for a in ordered {
        let old: Option<(String, String, Option<String>, Option<i64>)> = sqlx::query_as(
            "select name, unit_type, parent_code, population from areas where code = $1 for update",
        )
        .bind(&a.code)
        .fetch_optional(&mut *conn)
        .await?;
        let population = a.population.or(old.as_ref().and_then(|o| o.3));
        let new_json = serde_json::json!({
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
        sqlx::query(
            "insert into areas (code, name, unit_type, level, parent_code, population, search_key)
             values ($1, $2, $3, $4, $5, $6, $7)
             on conflict (code) do update set name = excluded.name, unit_type = excluded.unit_type,
               level = excluded.level, parent_code = excluded.parent_code,
               population = excluded.population, search_key = excluded.search_key",
        )
        .bind(&a.code)
        .bind(&a.name)
        .bind(&a.unit_type)
        .bind(a.level.as_str())
        .bind(&a.parent_code)
        .bind(population)
        .bind(fold(&a.name))
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
            report.inserted += 1
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
    Ok(report)
}

// ---------------------------------------------------------------- pages

/// Routes of the area browser.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/areas", get(own_area))
        .route("/areas/{code}", get(show))
        .route("/areas/{code}/population", post(set_population))
        .route("/areas/{code}/zone", post(declare_zone))
        .route("/areas/{code}/zone/withdraw", post(withdraw_zone))
}

/// Routes of the areas API.
pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/areas/{code}", get(api_show))
        .route("/areas/{code}/children", get(api_children))
        .route("/areas/{code}/summary", get(api_summary))
        .route("/areas/{code}/zone", post(api_declare).delete(api_withdraw))
}

async fn own_area(user: CurrentUser) -> Redirect {
    Redirect::to(&format!("/areas/{}", user.area.code))
}

#[derive(Template, WebTemplate)]
#[template(path = "areas/show.html")]
struct AreaPage {
    page: Page,
    area: Area,
    level: Level,
    breadcrumb: Vec<(String, String)>,
    districts: i64,
    communes: i64,
    q: String,
    results: Vec<Area>,
    can_edit: bool,
    population_input: String,
    errors: FieldErrors,
    date: chrono::NaiveDate,
    is_today: bool,
    board: std::sync::Arc<crate::dashboard::Board>,
    rows: Vec<crate::dashboard::Summary>,
    curve: String,
    can_declare: bool,
    zone_raw: crate::forms::Raw,
    zone_errors: FieldErrors,
}

/// Columns the table of areas can be sorted by.
const SORTS: [&str; 7] = [
    "name",
    "active",
    "new_today",
    "new_7d",
    "community_7d",
    "level",
    "reports",
];

impl AreaPage {
    fn unit_label(&self, unit_type: &str) -> String {
        self.page.t(&format!("unit.{unit_type}")).to_string()
    }
    fn error(&self, field: &str) -> Option<String> {
        self.errors.get(field, self.page.lang)
    }
    fn me(&self) -> &crate::dashboard::Summary {
        &self.board.me
    }
    fn sort_href(&self, key: &str) -> String {
        format!(
            "/areas/{}?sort={key}{}",
            self.area.code,
            if self.is_today {
                String::new()
            } else {
                format!("&date={}", self.date)
            }
        )
    }
    fn spark(&self, s: &crate::dashboard::Summary) -> String {
        crate::dashboard::spark_svg(&s.spark)
    }
    fn pct(&self, part: &i64, whole: &i64) -> String {
        if *whole == 0 {
            "—".into()
        } else {
            format!(
                "{}%",
                self.page
                    .lang
                    .int((*part as f64 * 100.0 / *whole as f64).round() as i64)
            )
        }
    }
    fn avg7(&self) -> String {
        let tenths = (self.me().f0.new_7d as f64 * 10.0 / 7.0).round() as i64;
        let sep = if self.page.lang == crate::i18n::Lang::Vi {
            ","
        } else {
            "."
        };
        format!("{}{sep}{}", self.page.lang.int(tenths / 10), tenths % 10)
    }
    fn level_text(&self, level: &Option<u8>) -> String {
        match level {
            Some(l) => self.page.t(&format!("zone.level_{l}")).to_string(),
            None => self.page.t("zone.no_level").to_string(),
        }
    }
    fn level_class(&self, level: &Option<u8>) -> String {
        level
            .map(|l| format!("level-{l}"))
            .unwrap_or_else(|| "level-none".into())
    }
    fn criterion_text(&self) -> String {
        let z = &self.me().zone;
        let lang = self.page.lang;
        let rate = z
            .rate_per_100k
            .map(|r| {
                format!("{:.1}", r).replace(
                    '.',
                    if lang == crate::i18n::Lang::Vi {
                        ","
                    } else {
                        "."
                    },
                )
            })
            .unwrap_or_default();
        let cov = z
            .vaccine_coverage
            .map(|c| format!("{}%", lang.int((c * 100.0).round() as i64)))
            .unwrap_or_default();
        match z.set_by {
            crate::zone::Criterion::Incidence => lang.tf("zone.by_incidence", &[&rate]),
            crate::zone::Criterion::Vaccination => lang.tf("zone.by_vaccination", &[&cov]),
            c => lang.t(c.label_key()).to_string(),
        }
    }
    fn zone_label(&self, colour: &str) -> String {
        self.page.t(&format!("zone.{colour}")).to_string()
    }
    fn declared_text(&self) -> Option<String> {
        let d = self.me().zone.declaration.as_ref()?;
        let lang = self.page.lang;
        Some(lang.tf(
            "zone.declared",
            &[
                &d.declared_name,
                &lang.datetime(d.declared_at),
                &lang.date(d.effective_on),
                &d.reason,
            ],
        ))
    }
    fn computed_text(&self) -> String {
        let z = &self.me().zone;
        let lvl = self.level_text(&z.computed_level);
        self.page.tf(
            "zone.computed",
            &[&format!("{} · {lvl}", self.zone_label(z.computed_colour))],
        )
    }
    fn zone_fields(&self) -> Vec<crate::forms::Field> {
        let lang = self.page.lang;
        let levels = std::iter::once((String::new(), "—".to_string()))
            .chain((1..=4).map(|l| {
                (
                    l.to_string(),
                    lang.t(&format!("zone.level_{l}")).to_string(),
                )
            }))
            .collect();
        crate::forms::FormBuilder::new(lang, &self.zone_raw, &self.zone_errors)
            .choice::<crate::dashboard::Colour>("colour", "zone.colour", false, true)
            .select("level", "zone.level_field", levels, false)
            .text("reason", "zone.reason", true, 1000)
            .date("effective_on", "zone.effective_on", true)
            .build()
    }
}

#[derive(Debug, Default, serde::Deserialize)]
struct ShowQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    date: String,
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(query): Query<ShowQuery>,
) -> Result<AreaPage, AppError> {
    let area_ref = area_ref(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    user.authorize(Action::ReadArea(&area_ref))?;
    let view = View {
        q: query.q,
        sort: query.sort,
        date: query.date,
    };
    area_page(
        &state,
        page,
        &user,
        &area_ref,
        view,
        None,
        FieldErrors::default(),
    )
    .await
}

/// What the page was asked to show.
#[derive(Default)]
struct View {
    q: String,
    sort: String,
    date: String,
}

async fn area_page(
    state: &AppState,
    page: Page,
    user: &CurrentUser,
    area_ref: &AreaRef,
    view: View,
    population_input: Option<String>,
    errors: FieldErrors,
) -> Result<AreaPage, AppError> {
    let db = &state.db;
    let today = state.clock.today();
    let date = crate::forms::parse_date(view.date.trim())
        .filter(|d| *d <= today)
        .unwrap_or(today);
    let board = crate::dashboard::board(state, area_ref, date).await?;
    let area = board.me.area.clone();
    // The board already counts the communes under the area; the districts
    // of a city are its children.
    let communes = board.me.reports.communes;
    let districts = if area_ref.level == Level::City {
        board.children.len() as i64
    } else {
        0
    };
    // Ancestors the user may open, for the breadcrumb.
    let mut breadcrumb = Vec::new();
    for code in [&area_ref.grandparent_code, &area_ref.parent_code]
        .into_iter()
        .flatten()
    {
        if let Some(a) = crate::areas::area_ref(db, code).await?
            && user.can(Action::ReadArea(&a))
        {
            breadcrumb.push((a.code, a.name));
        }
    }
    let folded = fold(&view.q);
    let results = if folded.is_empty() {
        Vec::new()
    } else {
        let pattern = format!(
            "%{}%",
            folded
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        sqlx::query_as(&format!(
            "select {AREA_COLUMNS} from areas a left join areas p on p.code = a.parent_code
             where a.search_key like $1 and (a.parent_code = $2 or p.parent_code = $2)
             order by a.level, a.code limit 100"
        ))
        .bind(pattern)
        .bind(&area.code)
        .fetch_all(db)
        .await?
    };
    let population_input = population_input
        .unwrap_or_else(|| area.population.map(|p| p.to_string()).unwrap_or_default());
    let sort = if SORTS.contains(&view.sort.as_str()) {
        view.sort
    } else {
        "name".to_string()
    };
    let mut rows = board.children.clone();
    let key = |s: &crate::dashboard::Summary| -> i64 {
        match sort.as_str() {
            "active" => s.f0.active,
            "new_today" => s.f0.new_today,
            "new_7d" => s.f0.new_7d,
            "community_7d" => s.f0.community_7d,
            "level" => s.zone.level.map_or(0, i64::from) * 10 + i64::from(s.zone.colour == "red"),
            "reports" => s.reports.reported - s.reports.communes,
            _ => 0,
        }
    };
    if sort == "name" {
        rows.sort_by(|a, b| a.area.name.cmp(&b.area.name));
    } else {
        rows.sort_by_key(|s| std::cmp::Reverse(key(s)));
    }
    let mut zone_raw = crate::forms::Raw::default();
    zone_raw.set("effective_on", today.to_string());
    Ok(AreaPage {
        can_edit: user.can(Action::ManageAreas),
        can_declare: user.can(Action::DeclareZone(area_ref)),
        level: area_ref.level,
        curve: crate::dashboard::curve_svg(&board.series, date, 120),
        is_today: date == today,
        page,
        area,
        breadcrumb,
        districts,
        communes,
        q: view.q,
        results,
        population_input,
        errors,
        date,
        board,
        rows,
        zone_raw,
        zone_errors: FieldErrors::default(),
    })
}

#[derive(Debug, serde::Deserialize)]
struct PopulationForm {
    population: String,
}

/// Parses a population as typed: digits, with optional thousands separators.
pub fn parse_population(s: &str) -> Result<Option<i64>, &'static str> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    match crate::forms::parse_grouped_int(s) {
        Some(n) if (0..=1_000_000_000_000).contains(&n) => Ok(Some(n)),
        _ => Err("err.not_a_number"),
    }
}

async fn set_population(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<PopulationForm>,
) -> Result<Response, AppError> {
    let area_ref = area_ref(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    user.authorize(Action::ManageAreas)?;
    let population = match parse_population(&form.population) {
        Ok(p) => p,
        Err(key) => {
            let mut errors = FieldErrors::default();
            errors.add("population", key);
            let page = area_page(
                &state,
                page,
                &user,
                &area_ref,
                View::default(),
                Some(form.population),
                errors,
            )
            .await?;
            return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let old: Option<i64> =
        sqlx::query_scalar("select population from areas where code = $1 for update")
            .bind(&code)
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query("update areas set population = $2 where code = $1")
        .bind(&code)
        .bind(population)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        now,
        &Actor::from(&user),
        Entry {
            area_code: Some(&code),
            action: "update",
            entity: "area",
            entity_id: code.clone(),
            old: Some(serde_json::json!({ "population": old })),
            new: Some(serde_json::json!({ "population": population })),
        },
    )
    .await?;
    tx.commit().await?;
    Page::flash(&session, page.t("areas.population_saved").to_string()).await?;
    Ok(Redirect::to(&format!("/areas/{code}")).into_response())
}

// ---------------------------------------------------------------- API

async fn api_show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Json<Area>, AppError> {
    let a = area_ref(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    user.authorize(Action::ReadArea(&a))?;
    Ok(Json(fetch_area(&state.db, &code).await?))
}

async fn api_children(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Json<serde_json::Value>, AppError> {
    let a = area_ref(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    user.authorize(Action::ReadArea(&a))?;
    let items = fetch_children(&state.db, &code).await?;
    Ok(Json(
        serde_json::json!({ "total": items.len(), "items": items }),
    ))
}

async fn declare_zone(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let area = area_ref(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let raw = crate::forms::Raw::from_form(form);
    match crate::dashboard::declare(&state, &user, &area, &raw).await {
        Ok(_) => {
            Page::flash(&session, page.t("zone.declared_ok").to_string()).await?;
            Ok(Redirect::to(&format!("/areas/{code}")).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let mut p = area_page(
                &state,
                page,
                &user,
                &area,
                View::default(),
                None,
                FieldErrors::default(),
            )
            .await?;
            p.zone_raw = raw;
            p.zone_errors = errors;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Debug, serde::Deserialize)]
struct Empty {}

async fn withdraw_zone(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    Path(code): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let area = area_ref(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    crate::dashboard::withdraw(&state, &user, &area).await?;
    Page::flash(&session, page.t("zone.withdrawn_ok").to_string()).await?;
    Ok(Redirect::to(&format!("/areas/{code}")).into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
struct DateQuery {
    #[serde(default)]
    date: String,
}

async fn api_summary(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<DateQuery>,
) -> Result<Json<crate::dashboard::Summary>, AppError> {
    let a = area_ref(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    user.authorize(Action::ReadArea(&a))?;
    let date = if q.date.trim().is_empty() {
        state.clock.today()
    } else {
        let mut f = FieldErrors::default();
        match chrono::NaiveDate::parse_from_str(q.date.trim(), "%Y-%m-%d") {
            Ok(d) => d,
            Err(_) => {
                f.add("date", "err.date_format");
                return Err(AppError::Invalid(f));
            }
        }
    };
    let board = crate::dashboard::board(&state, &a, date).await?;
    Ok(Json(board.me.clone()))
}

async fn api_declare(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    crate::api::ApiJson(body): crate::api::ApiJson<serde_json::Value>,
) -> Result<(axum::http::StatusCode, Json<serde_json::Value>), AppError> {
    let area = area_ref(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let raw = crate::forms::Raw::from_json(body)?;
    let id = crate::dashboard::declare(&state, &user, &area, &raw).await?;
    let board = crate::dashboard::board(&state, &area, state.clock.today()).await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(serde_json::json!({"id": id, "zone": board.me.zone})),
    ))
}

async fn api_withdraw(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<axum::http::StatusCode, AppError> {
    let area = area_ref(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    crate::dashboard::withdraw(&state, &user, &area).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_diacritics_case_and_extra_spaces() {
        assert_eq!(fold("Xã Liên Ninh"), "xa lien ninh");
        assert_eq!(fold("Quận Đống Đa"), "quan dong da");
        assert_eq!(fold("  Phường   Trung Văn "), "phuong trung van");
        // Decomposed input folds the same as composed input.
        let nfd: String = "Xã Đại Áng".nfd().collect();
        assert_eq!(fold(&nfd), fold("Xã Đại Áng"));
    }

    #[test]
    fn populations_accept_grouped_digits_and_refuse_the_rest() {
        assert_eq!(parse_population("8.053.663"), Ok(Some(8_053_663)));
        assert_eq!(parse_population("8,053,663"), Ok(Some(8_053_663)));
        assert_eq!(parse_population(""), Ok(None));
        assert_eq!(parse_population("-5"), Err("err.not_a_number"));
        assert_eq!(parse_population("nhiều"), Err("err.not_a_number"));
        assert_eq!(
            parse_population("99999999999999999999"),
            Err("err.not_a_number")
        );
    }

    #[test]
    fn a_csv_with_bad_lines_reports_each_and_returns_nothing() {
        let csv = "code,name,unit_type,level,parent_code,population\n\
                   01,Thành phố Hà Nội,Thành phố,city,,\n\
                   020,Huyện Thanh Trì,Huyện,district,01,abc\n\
                   0068,Xã Liên Ninh,Xã,commune,020,\n\
                   00682,Xã Liên Ninh,Xã,commune,999,\n\
                   00683,Liên Ninh,Xã,commune,020,\n";
        let errors = parse_csv(csv).unwrap_err();
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("line 3:") && e.contains("population")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("line 4:") && e.contains("5 digits")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("line 6:") && e.contains("unit type")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.contains("00682") && e.contains("not in the file")),
            "{errors:?}"
        );
    }

    #[test]
    fn the_shipped_hanoi_tree_parses_cleanly() {
        let areas = parse_csv(HANOI_CSV).expect("clean file");
        let count = |l: Level| areas.iter().filter(|a| a.level == l).count();
        assert_eq!(
            (
                count(Level::City),
                count(Level::District),
                count(Level::Commune)
            ),
            (1, 30, 579)
        );
        for a in &areas {
            assert_eq!(
                a.name,
                a.name.nfc().collect::<String>(),
                "{} is not NFC",
                a.code
            );
        }
    }
}
