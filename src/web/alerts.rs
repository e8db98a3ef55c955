//! Alerts for the reader (DESIGN §3b): the standing alerts of their
//! jurisdiction by severity then age, those ended in the last day, and
//! "Đã xem" per user (audited). The count of unseen ones sits in every
//! page's header ([`crate::web::page::Page`]).

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::domain::alerts::Kind;
use crate::domain::error::AppError;
use crate::domain::i18n::Lang;
use crate::state::AppState;
use crate::storage::alerts::{self, AlertRow};
use crate::storage::audit::Actor;
use crate::web::auth::{Action, CsrfForm, CurrentUser};
use crate::web::page::Page;

/// The routes of the alerts.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/alerts", get(list_page))
        .route("/alerts/{id}/seen", post(seen))
}

/// An alert in the reader's words.
pub fn describe(lang: Lang, a: &AlertRow) -> String {
    let d = &a.detail;
    let text = |k: &str| d[k].as_str().unwrap_or_default().to_string();
    let int = |k: &str| lang.int(d[k].as_i64().unwrap_or_default());
    let day = |k: &str| {
        chrono::NaiveDate::parse_from_str(&text(k), "%Y-%m-%d")
            .map(|x| lang.date(x))
            .unwrap_or_default()
    };
    let key = format!("alert.{}", a.kind);
    match Kind::parse(&a.kind) {
        Some(Kind::Red) => lang.t(&key).to_string(),
        Some(Kind::Level) => lang.tf(&key, &[&int("to")]),
        Some(Kind::SiteFull) => {
            lang.tf(&key, &[&text("name"), &int("occupancy"), &int("capacity")])
        }
        Some(Kind::TierFull) => lang.tf(&key, &[&int("tier"), &int("occupancy"), &int("capacity")]),
        Some(Kind::TestsLate) => lang.tf(&key, &[&int("samples")]),
        Some(Kind::Overdue) => {
            let what: String = text("what").chars().take(120).collect();
            lang.tf(&key, &[&text("number"), &what, &day("due_on")])
        }
        Some(Kind::ReportMissing) | Some(Kind::ReportUpMissing) => lang.tf(&key, &[&day("day")]),
        Some(Kind::HomeForbidden) => lang.tf(&key, &[&int("at_home")]),
        None => a.kind.clone(),
    }
}

/// Where an alert's reader goes to act on it.
pub fn link(a: &AlertRow) -> String {
    match Kind::parse(&a.kind) {
        Some(Kind::SiteFull) => format!("/sites/{}", a.subject),
        Some(Kind::Overdue) => match a.subject.split_once(':') {
            Some(("task", id)) => format!("/tasks/{id}"),
            Some((_, id)) => format!("/directives/{id}"),
            None => format!("/areas/{}", a.area_code),
        },
        Some(Kind::ReportMissing) => format!("/daily/{}/{}", a.area_code, a.subject),
        Some(Kind::ReportUpMissing) => {
            format!("/areas/{}/report-up?date={}", a.area_code, a.subject)
        }
        Some(Kind::TestsLate) => format!("/testing?area={}", a.area_code),
        Some(Kind::HomeForbidden) => "/contacts/today".to_string(),
        _ => format!("/areas/{}", a.area_code),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "alerts.html")]
struct ListPage {
    page: Page,
    area_name: String,
    /// Standing alerts per kind (code, label, count), most severe first.
    kinds: Vec<(String, String, i64)>,
    /// The kind the list is narrowed to.
    kind: Option<String>,
    standing: Vec<AlertRow>,
    ended: Vec<AlertRow>,
}

impl ListPage {
    fn text(&self, a: &AlertRow) -> String {
        describe(self.page.lang, a)
    }
    fn link(&self, a: &AlertRow) -> String {
        link(a)
    }
    fn severity(&self, a: &AlertRow) -> &'static str {
        self.page.t(match a.severity {
            1 => "alerts.severity_1",
            2 => "alerts.severity_2",
            _ => "alerts.severity_3",
        })
    }
}

/// Alerts shown at most in one list.
const LIST_MAX: i64 = 500;

/// The name of a kind of alert, for its filter and the briefing's summary.
pub fn kind_label(lang: Lang, kind: &str) -> String {
    lang.t(&format!("alerts.kind_{kind}")).to_string()
}

#[derive(Debug, Default, serde::Deserialize)]
struct ListQuery {
    #[serde(default)]
    kind: String,
}

async fn list_page(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    user.authorize(Action::UseRecords)?;
    let area = user.area.clone();
    let kind = Kind::parse(&q.kind).map(|k| k.code());
    let day_ago = state.clock.now() - chrono::Duration::hours(24);
    let (counts, standing, ended) = tokio::try_join!(
        alerts::counts(&state.db, &area.code),
        alerts::list(&state.db, &area, user.id, None, kind, LIST_MAX),
        alerts::list(&state.db, &area, user.id, Some(day_ago), kind, 50),
    )?;
    let kinds = counts
        .into_iter()
        .map(|(k, n)| (k.clone(), kind_label(page.lang, &k), n))
        .collect();
    Ok(ListPage {
        page,
        area_name: area.name,
        kinds,
        kind: kind.map(str::to_string),
        standing,
        ended,
    })
}

async fn seen(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let code = alerts::area_of(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let area = state.area_ref(&code).await?.ok_or(AppError::NotFound)?;
    // An alert outside the reader's jurisdiction is as if it did not exist.
    if !user.can(Action::ReadArea(&area)) || !user.can(Action::UseRecords) {
        return Err(AppError::NotFound);
    }
    alerts::mark_seen(&state.db, &Actor::from(&user), state.clock.now(), id, &code).await?;
    Ok(Redirect::to(&format!("/alerts#alert-{id}")).into_response())
}
