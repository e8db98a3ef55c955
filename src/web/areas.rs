//! The area browser, the dashboard page at every level and the areas API.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use tower_sessions::Session;

use crate::domain::area::{AreaRef, Level, fold, parse_population};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::policy::RecordKind;
use crate::state::AppState;
use crate::storage::areas::{Area, fetch_area, fetch_children};
use crate::storage::audit::Actor;
use crate::storage::records::tasks;
use crate::web::auth::{Action, CsrfForm, CsrfMultipart, CurrentUser};
use crate::web::dashboard::{Dash, SORTS, Words};
use crate::web::page::Page;

// ---------------------------------------------------------------- pages

/// Routes of the area browser.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/areas", get(own_area))
        .route("/areas/{code}", get(show))
        .route("/areas/{code}/wall", get(wall))
        .route("/areas/{code}/population", post(set_population))
        .route("/areas/{code}/populations", post(import_populations))
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

#[derive(Template)]
#[template(path = "areas/show.html")]
struct AreaPage {
    page: Page,
    v: Dash,
    /// The rendered board (`#board`), from [`board_html`].
    board_html: BoardHtml,
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
    /// Lines of a refused populations file, in the reader's language.
    import_errors: Vec<String>,
    can_declare: bool,
    zone_raw: crate::domain::forms::Raw,
    zone_errors: FieldErrors,
    /// The commune official's evening: add a case, file today's report,
    /// answer the directives still open (how many). `None` for others.
    entry: Option<i64>,
    today: chrono::NaiveDate,
    /// The open tasks this area answers for, across every directive.
    tasks: std::sync::Arc<Vec<crate::storage::records::tasks::TaskRow>>,
}

impl AreaPage {
    fn task_status(&self, t: &crate::storage::records::tasks::TaskRow) -> String {
        crate::web::records::tasks::status_text(self.page.lang, t)
    }
    fn unit_label(&self, unit_type: &str) -> String {
        self.page.t(&format!("unit.{unit_type}")).to_string()
    }
    fn error(&self, field: &str) -> Option<String> {
        self.errors.get(field, self.page.lang)
    }
    fn me(&self) -> &crate::storage::board::Summary {
        self.v.me()
    }
    fn zone_fields(&self) -> Vec<crate::domain::forms::Field> {
        let lang = self.page.lang;
        let levels = std::iter::once((String::new(), "—".to_string()))
            .chain((1..=4).map(|l| {
                (
                    l.to_string(),
                    lang.t(&format!("zone.level_{l}")).to_string(),
                )
            }))
            .collect();
        crate::domain::forms::FormBuilder::new(lang, &self.zone_raw, &self.zone_errors)
            .choice::<crate::domain::vocab::Colour>("colour", "zone.colour", false, true)
            .select("level", "zone.level_field", levels, false)
            .text("reason", "zone.reason", true, 1000)
            .date("effective_on", "zone.effective_on", true)
            .build()
    }
}

/// The board part of an area page (`#board`): the same for every reader
/// of one language, sort and day while the board stands, so it is rendered
/// once and kept (see [`board_html`]).
#[derive(Template)]
#[template(path = "areas/board.html")]
struct BoardFragment<'a> {
    page: Words,
    v: &'a Dash,
    area: &'a Area,
    level: Level,
    sort: &'a str,
}

impl BoardFragment<'_> {
    fn me(&self) -> &crate::storage::board::Summary {
        self.v.me()
    }
    fn sort_href(&self, key: &str) -> String {
        let day = (!self.v.is_today).then_some(self.v.date);
        crate::web::dashboard::sort_href(&format!("/areas/{}", self.area.code), key, day)
    }
    /// `aria-sort` for a column header.
    fn aria_sort(&self, key: &str) -> &'static str {
        crate::web::dashboard::aria_sort(self.sort, key)
    }
}

/// Where the time of each request goes in a kept board fragment.
const UPDATED_MARK: &str = "__VX_UPDATED__";

/// A kept board fragment with this request's time in place of its mark,
/// written straight into the page: the fragment (most of the page) is
/// copied once per request, into the answer.
struct BoardHtml {
    kept: std::sync::Arc<String>,
    updated: String,
}

impl BoardHtml {
    fn len(&self) -> usize {
        self.kept.len() + self.updated.len()
    }
}

impl std::fmt::Display for BoardHtml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kept.split_once(UPDATED_MARK) {
            Some((before, after)) => {
                f.write_str(before)?;
                f.write_str(&self.updated)?;
                f.write_str(after)
            }
            None => f.write_str(&self.kept),
        }
    }
}

impl IntoResponse for AreaPage {
    fn into_response(self) -> Response {
        // Sized for the board, so writing it never regrows (and recopies)
        // the buffer; the rest of the page is a few kilobytes.
        let mut html = String::with_capacity(self.board_html.len() + 24 * 1024);
        match self.render_into(&mut html) {
            Ok(()) => axum::response::Html(html).into_response(),
            Err(e) => AppError::Internal(anyhow::anyhow!("area page: {e}")).into_response(),
        }
    }
}

/// The rendered `#board` of `v`: from the kept copy when the board has not
/// moved since it was rendered (same stamp, language, sort, date and
/// today), else rendered now — with the units behind, which only the board
/// shows — and kept. Every write bumps the stamp, so a kept copy is never
/// older than the board itself.
async fn board_html(
    state: &AppState,
    v: &mut Dash,
    area: &Area,
    level: Level,
    sort: &str,
    today: chrono::NaiveDate,
) -> Result<BoardHtml, AppError> {
    let key = format!(
        "{}|{}|{}|{}|{}|{}",
        area.code,
        v.date,
        today,
        v.lang.code(),
        sort,
        v.strain_share
    );
    let stamp = v.board.stamp;
    let html = match state.kept.get::<String>(&key, stamp) {
        Some(html) => html,
        None => {
            let behind = tasks::behind(&state.db, v.date, &area.code, 5);
            let behind_key = format!("behind|{}|{}", area.code, v.date);
            v.behind = (*state
                .kept
                .get_or(behind_key, v.board.others, behind)
                .await?)
                .clone();
            let started = std::time::Instant::now();
            let html = BoardFragment {
                page: Words { lang: v.lang },
                v,
                area,
                level,
                sort,
            }
            .render()
            .map_err(|e| AppError::Internal(anyhow::anyhow!("board: {e}")))?;
            // Drawn again after every write: under a storm of cases it is
            // CPU the writes share, so it is measured beside the computation.
            metrics::histogram!("vx_board_render_seconds", "level" => level.as_str())
                .record(started.elapsed().as_secs_f64());
            let html = std::sync::Arc::new(html);
            state.kept.put(key, stamp, html.clone());
            html
        }
    };
    Ok(BoardHtml {
        kept: html,
        updated: v.updated(),
    })
}

/// The wall view: one 1920×1080 screen, no scrolling.
#[derive(Template, WebTemplate)]
#[template(path = "areas/wall.html")]
struct WallPage {
    page: Page,
    v: Dash,
    /// The newest standing alerts of the area.
    alerts: Vec<crate::storage::alerts::AlertRow>,
}

impl WallPage {
    fn alert_text(&self, a: &crate::storage::alerts::AlertRow) -> String {
        crate::web::alerts::describe(self.page.lang, a)
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
    let area_ref = state.area_ref(&code).await?.ok_or(AppError::NotFound)?;
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
    let date = crate::domain::forms::shown_date(&view.date, today)?;
    let board = state.board(area_ref, date).await?;
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
    let ancestors: Vec<String> = [&area_ref.grandparent_code, &area_ref.parent_code]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    let mut found = state.area_refs(&ancestors).await?;
    let mut breadcrumb = Vec::new();
    for code in &ancestors {
        if let Some(a) = found.remove(code)
            && user.can(Action::ReadArea(&a))
        {
            breadcrumb.push((a.code, a.name));
        }
    }
    let folded = fold(&view.q);
    let results = if folded.is_empty() {
        Vec::new()
    } else {
        crate::storage::areas::search_under(db, &area.code, &folded).await?
    };
    let population_input = population_input
        .unwrap_or_else(|| area.population.map(|p| p.to_string()).unwrap_or_default());
    let sort = if SORTS.contains(&view.sort.as_str()) {
        view.sort
    } else {
        "worse".to_string()
    };
    let mut v = Dash::new(
        page.lang,
        board,
        &sort,
        date,
        date == today,
        state.clock.now(),
        state.config.treatment_max_pct / 100.0,
    );
    let board_html = board_html(state, &mut v, &area, area_ref.level, &sort, today).await?;
    // Tasks and targets move the stamp of writes other than cases: kept
    // with the board's (a run of case writes leaves them kept).
    let stamp = v.board.others;
    let code = &area_ref.code;
    let tasks = state
        .kept
        .get_or(
            format!("tasks|{code}|{today}"),
            stamp,
            tasks::open_for(&state.db, today, code),
        )
        .await?;
    let mut zone_raw = crate::domain::forms::Raw::default();
    zone_raw.set("effective_on", today.to_string());
    let entry = if user.can(Action::WriteRecord(RecordKind::Case, area_ref)) {
        let open = crate::storage::records::directives::open_for(&state.db, code);
        Some(
            *state
                .kept
                .get_or(format!("targets|{code}"), stamp, open)
                .await?,
        )
    } else {
        None
    };
    Ok(AreaPage {
        board_html,
        tasks,
        entry,
        today,
        can_edit: user.can(Action::ManageAreas),
        can_declare: user.can(Action::DeclareZone(area_ref)),
        level: area_ref.level,
        page,
        v,
        area,
        breadcrumb,
        districts,
        communes,
        q: view.q,
        results,
        population_input,
        errors,
        import_errors: Vec::new(),
        zone_raw,
        zone_errors: FieldErrors::default(),
    })
}

/// The wall view of an area's board.
async fn wall(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<WallPage, AppError> {
    let area_ref = state.area_ref(&code).await?.ok_or(AppError::NotFound)?;
    user.authorize(Action::ReadArea(&area_ref))?;
    let today = state.clock.today();
    let board = state.board(&area_ref, today).await?;
    let strain = state.config.treatment_max_pct / 100.0;
    let mut v = Dash::new(
        page.lang,
        board,
        "worse",
        today,
        true,
        state.clock.now(),
        strain,
    );
    v.behind = tasks::behind(&state.db, today, &area_ref.code, 5).await?;
    let alerts = crate::storage::alerts::newest(&state.db, &area_ref.code, 3).await?;
    Ok(WallPage { page, v, alerts })
}

/// Populations for the areas under this one from a CSV file
/// (`code,population[,adult_population]`), all or nothing.
async fn import_populations(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    Path(code): Path<String>,
    form: CsrfMultipart,
) -> Result<Response, AppError> {
    let area_ref = state.area_ref(&code).await?.ok_or(AppError::NotFound)?;
    user.authorize(Action::ManageAreas)?;
    let lang = page.lang;
    let refused: Vec<String> = match crate::domain::area::parse_populations(&form.text("file")) {
        Ok(rows) if rows.is_empty() => vec![lang.t("pop.empty").to_string()],
        Err(errs) => errs
            .into_iter()
            .map(|(n, key)| lang.tf("pop.line", &[&n.to_string(), lang.t(key)]))
            .collect(),
        Ok(rows) => {
            let actor = Actor::from(&user);
            let now = state.clock.now();
            match crate::storage::areas::import_populations(&state.db, &actor, now, &code, &rows)
                .await
            {
                Ok(report) => {
                    let counts = [
                        lang.int(report.updated as i64),
                        lang.int(report.unchanged as i64),
                    ];
                    let msg = lang.tf("areas.populations_saved", &[&counts[0], &counts[1]]);
                    Page::flash(&session, msg).await?;
                    return Ok(Redirect::to(&format!("/areas/{code}")).into_response());
                }
                Err(AppError::Invalid(errors)) => {
                    errors.get("populations", lang).into_iter().collect()
                }
                Err(e) => return Err(e),
            }
        }
    };
    let mut p = area_page(
        &state,
        page,
        &user,
        &area_ref,
        View::default(),
        None,
        FieldErrors::default(),
    )
    .await?;
    p.import_errors = refused;
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
}

#[derive(Debug, serde::Deserialize)]
struct PopulationForm {
    population: String,
}

async fn set_population(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<PopulationForm>,
) -> Result<Response, AppError> {
    let area_ref = state.area_ref(&code).await?.ok_or(AppError::NotFound)?;
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
    let actor = Actor::from(&user);
    crate::storage::areas::set_population(&state.db, &actor, state.clock.now(), &code, population)
        .await?;
    Page::flash(&session, page.t("areas.population_saved").to_string()).await?;
    Ok(Redirect::to(&format!("/areas/{code}")).into_response())
}

// ---------------------------------------------------------------- API

async fn api_show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Json<Area>, AppError> {
    let a = state.area_ref(&code).await?.ok_or(AppError::NotFound)?;
    user.authorize(Action::ReadArea(&a))?;
    Ok(Json(fetch_area(&state.db, &code).await?))
}

async fn api_children(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Json<serde_json::Value>, AppError> {
    let a = state.area_ref(&code).await?.ok_or(AppError::NotFound)?;
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
    let area = state.area_ref(&code).await?.ok_or(AppError::NotFound)?;
    let raw = crate::domain::forms::Raw::from_form(form);
    match crate::storage::board::declare(&state.db, state.clock.now(), &user, &area, &raw).await {
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
    let area = state.area_ref(&code).await?.ok_or(AppError::NotFound)?;
    crate::storage::board::withdraw(&state.db, state.clock.now(), &user, &area).await?;
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
) -> Result<Json<crate::storage::board::Summary>, AppError> {
    let a = state.area_ref(&code).await?.ok_or(AppError::NotFound)?;
    user.authorize(Action::ReadArea(&a))?;
    let today = state.clock.today();
    let date = crate::domain::forms::query_date(&q.date, "date", today)?.unwrap_or(today);
    let board = state.board(&a, date).await?;
    Ok(Json(board.me.clone()))
}

async fn api_declare(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    crate::web::json::ApiJson(body): crate::web::json::ApiJson<serde_json::Value>,
) -> Result<(axum::http::StatusCode, Json<serde_json::Value>), AppError> {
    let area = state.area_ref(&code).await?.ok_or(AppError::NotFound)?;
    let raw = crate::domain::forms::Raw::from_json(body)?;
    let id =
        crate::storage::board::declare(&state.db, state.clock.now(), &user, &area, &raw).await?;
    let board = state.board(&area, state.clock.today()).await?;
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
    let area = state.area_ref(&code).await?.ok_or(AppError::NotFound)?;
    crate::storage::board::withdraw(&state.db, state.clock.now(), &user, &area).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
