//! The morning briefing (báo cáo giao ban sáng, DESIGN §3b): one printed A4
//! page per area and day — the figures with their change, the worst areas
//! under it, standing alerts, tasks and deadlines, late tests, capacity,
//! and who has not reported. Every figure is the board's of that day, so
//! the paper and the screen agree.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use chrono::{DateTime, Utc};

use crate::domain::area::Level;
use crate::domain::error::AppError;
use crate::state::AppState;
use crate::storage::alerts::{self, AlertRow};
use crate::storage::board::Summary;
use crate::storage::records::daily;
use crate::storage::records::tasks::{self, TaskRow};
use crate::web::auth::{Action, CurrentUser};
use crate::web::dashboard::Dash;
use crate::web::page::Page;

/// The route of the briefing.
pub fn router() -> Router<AppState> {
    Router::new().route("/areas/{code}/briefing", get(briefing))
}

/// Rows of each list that fit one A4 page with the rest.
const WORST: usize = 6;
const ALERTS: usize = 6;
const TASKS: usize = 5;
const MISSING: usize = 12;

#[derive(Template, WebTemplate)]
#[template(path = "areas/briefing.html")]
struct BriefingPage {
    page: Page,
    v: Dash,
    /// The areas under it that are getting worse, worst first.
    worst: Vec<Summary>,
    alerts: Vec<AlertRow>,
    alerts_total: usize,
    /// Standing alerts per kind: (label, count).
    alert_kinds: Vec<(String, i64)>,
    tasks: Vec<TaskRow>,
    tasks_total: usize,
    /// Areas under it with samples waiting over 48 hours.
    late_tests: Vec<(String, i64)>,
    /// Who has not sent their report for the day: the communes of a
    /// district, the districts of the city (their report up).
    missing: Vec<String>,
    missing_total: usize,
    /// The unit expected to report (communes or districts).
    missing_of: i64,
    printed_at: DateTime<Utc>,
}

impl BriefingPage {
    fn alert_text(&self, a: &AlertRow) -> String {
        crate::web::alerts::describe(self.page.lang, a)
    }
    fn task_status(&self, t: &TaskRow) -> String {
        crate::web::records::tasks::status_text(self.page.lang, t)
    }
    fn city(&self) -> bool {
        self.v.me().area.level == "city"
    }
    fn commune(&self) -> bool {
        self.v.me().area.level == "commune"
    }
}

#[derive(Debug, Default, serde::Deserialize)]
struct BriefingQuery {
    #[serde(default)]
    date: String,
}

async fn briefing(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<BriefingQuery>,
) -> Result<BriefingPage, AppError> {
    let area = state.area_ref(&code).await?.ok_or(AppError::NotFound)?;
    user.authorize(Action::ReadArea(&area))?;
    let today = state.clock.today();
    let date = crate::domain::forms::shown_date(&q.date, today)?;
    let board = state.board(&area, date).await?;
    let now = state.clock.now();
    let mut v = Dash::new(
        page.lang,
        board.clone(),
        "worse",
        date,
        date == today,
        now,
        state.config.treatment_max_pct / 100.0,
    );
    let (kinds, standing, open_tasks, behind) = tokio::try_join!(
        alerts::counts(&state.db, &area.code),
        alerts::list(&state.db, &area, user.id, None, None, ALERTS as i64),
        tasks::open_for(&state.db, date, &area.code),
        tasks::behind(&state.db, date, &area.code, 3),
    )?;
    v.behind = behind;
    let worst: Vec<Summary> = v
        .rows()
        .iter()
        .filter(|s| s.f0.new_7d > 0 || s.zone.colour == "red")
        .take(WORST)
        .cloned()
        .collect();
    let mut late_tests: Vec<(String, i64)> = board
        .children
        .iter()
        .filter(|s| s.testing.waiting_over_48h > 0)
        .map(|s| (s.area.name.clone(), s.testing.waiting_over_48h))
        .collect();
    late_tests.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    late_tests.truncate(4);
    let (missing, missing_of): (Vec<String>, i64) = match area.level {
        Level::City => {
            let rows = crate::storage::reports_up::day_rows(&state.db, &area.code, date).await?;
            let n = rows.len() as i64;
            (
                rows.into_iter()
                    .filter(|r| !r.filed)
                    .map(|r| r.district_name)
                    .collect(),
                n,
            )
        }
        _ => {
            let rows = daily::day_rows(&state.db, &area.code, date).await?;
            let n = rows.len() as i64;
            (
                rows.into_iter()
                    .filter(|r| !r.reported)
                    .map(|r| r.commune_name)
                    .collect(),
                n,
            )
        }
    };
    let alerts_total = kinds.iter().map(|(_, n)| *n as usize).sum();
    let (tasks_total, missing_total) = (open_tasks.len(), missing.len());
    let alert_kinds = kinds
        .into_iter()
        .map(|(k, n)| (crate::web::alerts::kind_label(page.lang, &k), n))
        .collect();
    Ok(BriefingPage {
        page,
        v,
        worst,
        alerts: standing,
        alerts_total,
        alert_kinds,
        tasks: open_tasks.into_iter().take(TASKS).collect(),
        tasks_total,
        late_tests,
        missing: missing.into_iter().take(MISSING).collect(),
        missing_total,
        missing_of,
        printed_at: now,
    })
}
