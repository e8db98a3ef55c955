//! The district's daily report up to the city (DESIGN §3b): the district
//! files its figures (prefilled from its board) with its remarks — "khó
//! khăn, vướng mắc, đề xuất, kiến nghị" — by the deadline; the city sees
//! every district's, those not sent first, as a district sees its communes.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::NaiveDate;
use tower_sessions::Session;

use super::records::{FormPage, form_again, saved};
use crate::domain::area::{AreaRef, Codes, Level};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::forms::{Check, Field, FormBuilder, Raw, shown_date};
use crate::domain::i18n::Lang;
use crate::domain::policy::RecordKind;
use crate::state::AppState;
use crate::storage::audit::Actor;
use crate::storage::reports_up::{self, NUMBERS, ReportUp, TEXTS};
use crate::web::auth::{Action, CsrfForm, CurrentUser};
use crate::web::page::Page;

/// Routes of the report up.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/areas/{code}/report-up", get(form).post(save))
        .route("/areas/{code}/reports-up", get(list))
}

#[derive(Debug, Default, serde::Deserialize)]
struct DayQuery {
    #[serde(default)]
    date: String,
}

fn fields(lang: Lang, raw: &Raw, errors: &FieldErrors) -> Vec<Field> {
    let mut b = FormBuilder::new(lang, raw, errors);
    b.hidden("version").hidden("date");
    for n in NUMBERS {
        b.number(n, &format!("report_up.{n}"), true);
    }
    for t in TEXTS {
        b.textarea(t, &format!("report_up.{t}"), 4000);
    }
    b.build()
}

/// The form's values: the report as filed, or the board's figures of the day.
async fn prefilled(
    state: &AppState,
    district: &AreaRef,
    day: NaiveDate,
) -> Result<(Raw, ReportUp), AppError> {
    let r = reports_up::of(&state.db, district, day).await?;
    let mut raw = Raw::default();
    let numbers: Vec<i64> = if r.filed {
        r.numbers.clone()
    } else {
        let me = state.board(district, day).await?.me.clone();
        vec![
            me.f0.new_today,
            me.f0.active,
            me.contacts.in_sites + me.contacts.at_home,
            me.quarantine.free,
            me.zone.red_communes,
            me.zone.level.unwrap_or(1).into(),
        ]
    };
    for (k, v) in NUMBERS.iter().zip(&numbers) {
        raw.set(k, v.to_string());
    }
    for (k, v) in TEXTS.iter().zip(&r.texts) {
        raw.set(k, v.clone());
    }
    raw.set("date", day.to_string());
    raw.set(
        "version",
        r.version.map(|v| v.to_string()).unwrap_or_default(),
    );
    Ok((raw, r))
}

async fn district_of(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
) -> Result<AreaRef, AppError> {
    let area = state.area_ref(code).await?.ok_or(AppError::NotFound)?;
    if area.level != Level::District {
        return Err(AppError::NotFound);
    }
    user.authorize(Action::ReadArea(&area))?;
    Ok(area)
}

fn title(page: &Page, area: &AreaRef, day: NaiveDate) -> String {
    page.tf("report_up.title", &[&area.name, &page.lang.date(day)])
}

async fn form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<DayQuery>,
) -> Result<Response, AppError> {
    let area = district_of(&state, &user, &code).await?;
    let day = shown_date(&q.date, state.clock.today())?;
    // The city reads every district's report on its own list.
    if !user.can(Action::WriteRecord(RecordKind::ReportUp, &area)) {
        let city = Codes::of(&area).city;
        return Ok(Redirect::to(&format!("/areas/{city}/reports-up?date={day}")).into_response());
    }
    let (raw, r) = prefilled(&state, &area, day).await?;
    let mut fields = fields(page.lang, &raw, &FieldErrors::default());
    if let Some(f) = fields.iter_mut().find(|f| f.name == "new_f0") {
        f.hint = Some(
            page.t(if r.filed {
                "report_up.filed_hint"
            } else {
                "report_up.prefilled_hint"
            })
            .to_string(),
        );
    }
    let title = title(&page, &area, day);
    Ok(FormPage::blank(
        page,
        title,
        format!("/areas/{}/report-up", area.code),
        fields,
        &format!("/areas/{}", area.code),
    )
    .into_response())
}

async fn save(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let area = district_of(&state, &user, &code).await?;
    user.authorize(Action::WriteRecord(RecordKind::ReportUp, &area))?;
    let raw = Raw::from_form(form);
    let now = state.clock.now();
    let day = shown_date(raw.get("date"), state.clock.today())?;
    let result = async {
        let mut c = Check::on(&raw, crate::domain::clock::local_date(now));
        let mut n = [0i32; 6];
        for (i, k) in NUMBERS.iter().enumerate() {
            let (min, max) = if *k == "level" {
                (1, 4)
            } else {
                (0, 10_000_000)
            };
            n[i] = c.int(k, true, min, max).unwrap_or(0) as i32;
        }
        let texts = TEXTS.map(|t| c.opt_text(t, 4000));
        let version = raw.get("version").parse::<i32>().ok();
        c.finish()?;
        reports_up::save(
            &state.db,
            &Actor::from(&user),
            now,
            &area,
            day,
            &n,
            &texts,
            version,
        )
        .await
    }
    .await;
    match result {
        Ok(_) => {
            saved(
                &session,
                &page,
                "report_up.sent",
                &format!("/areas/{}", area.code),
            )
            .await
        }
        Err(e) => {
            let title = title(&page, &area, day);
            form_again(
                page,
                title,
                format!("/areas/{}/report-up", area.code),
                &format!("/areas/{}", area.code),
                e,
                |lang, errors| fields(lang, &raw, errors),
            )
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "reports_up.html")]
struct ListPage {
    page: Page,
    city: AreaRef,
    day: NaiveDate,
    rows: Vec<ReportUp>,
    filed: usize,
}

impl ListPage {
    fn label(&self, i: &usize) -> String {
        self.page
            .t(&format!("report_up.{}", NUMBERS[*i]))
            .to_string()
    }
    fn text_label(&self, i: &usize) -> String {
        self.page.t(&format!("report_up.{}", TEXTS[*i])).to_string()
    }
}

async fn list(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<DayQuery>,
) -> Result<ListPage, AppError> {
    let city = state.area_ref(&code).await?.ok_or(AppError::NotFound)?;
    if city.level != Level::City {
        return Err(AppError::NotFound);
    }
    user.authorize(Action::ReadArea(&city))?;
    user.authorize(Action::UseRecords)?;
    let day = shown_date(&q.date, state.clock.today())?;
    let rows = reports_up::day_rows(&state.db, &city.code, day).await?;
    let filed = rows.iter().filter(|r| r.filed).count();
    Ok(ListPage {
        page,
        city,
        day,
        rows,
        filed,
    })
}
