//! "Việc hôm nay": what is due today for the signed-in user's own area, on
//! one page — today's daily report, the directives it must answer, tests
//! waiting over 48 hours, its open tasks, and (above a commune) who is
//! behind on theirs. The first link of the menu.

use std::sync::Arc;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::NaiveDate;

use crate::domain::area::{AreaRef, Level};
use crate::domain::error::AppError;
use crate::state::AppState;
use crate::storage::board::Summary;
use crate::storage::records::directives;
use crate::storage::records::tasks::{self, Behind, TaskRow};
use crate::web::auth::{Action, CurrentUser};
use crate::web::page::Page;

/// The route of the page.
pub fn router() -> Router<AppState> {
    Router::new().route("/today", get(today_page))
}

#[derive(Template, WebTemplate)]
#[template(path = "today.html")]
struct TodayPage {
    page: Page,
    area: AreaRef,
    commune: bool,
    /// The city keeps no list for today of its own (its districts do).
    city: bool,
    today: NaiveDate,
    me: Summary,
    /// Directives sent to this area that it has not reported done.
    targets: i64,
    tasks: Arc<Vec<TaskRow>>,
    behind: Vec<Behind>,
    /// Contacts to test today or overdue, and other contact work (release,
    /// placing, people at home).
    contact_tests: usize,
    contact_other: usize,
    /// The district's report up to the city is sent; for the city, how many
    /// of its districts have sent theirs (of how many).
    report_up: (usize, usize),
}

impl TodayPage {
    fn task_status(&self, t: &TaskRow) -> String {
        crate::web::records::tasks::status_text(self.page.lang, t)
    }
    /// Whether a daily report of today is still missing here.
    fn reports_due(&self) -> bool {
        self.me.reports.reported < self.me.reports.communes
    }
}

/// The contact work of the area today, per group of the list for today: a
/// commune's own, a district's communes' summed; the city's lists are its
/// districts'.
async fn contact_counts(
    state: &AppState,
    user: &CurrentUser,
    area: &AreaRef,
    lang: crate::domain::i18n::Lang,
) -> Result<[usize; 5], AppError> {
    use crate::web::records::contacts::{due_by_commune, due_groups};
    let mut n = [0; 5];
    match area.level {
        Level::Commune => {
            for (i, (_, rows)) in due_groups(state, user, area, lang)
                .await?
                .iter()
                .enumerate()
            {
                n[i] = rows.len();
            }
        }
        Level::District => {
            for c in due_by_commune(state, area).await?.iter() {
                for (total, k) in n.iter_mut().zip(c.counts) {
                    *total += k;
                }
            }
        }
        Level::City => {}
    }
    Ok(n)
}

async fn today_page(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
) -> Result<TodayPage, AppError> {
    let today = state.clock.today();
    let area = user.area.clone();
    // The user's own area, read as the area page reads it.
    user.authorize(Action::ReadArea(&area))?;
    let board = state.board(&area, today).await?;
    let me = board.me.clone();
    let (targets, tasks, behind, contacts) = tokio::try_join!(
        directives::open_for(&state.db, &area.code),
        tasks::open_for(&state.db, today, &area.code),
        async {
            if area.level == Level::Commune {
                Ok(Vec::new())
            } else {
                tasks::behind(&state.db, today, &area.code, 5).await
            }
        },
        contact_counts(&state, &user, &area, page.lang),
    )?;
    let report_up = match area.level {
        Level::Commune => (0, 0),
        Level::District => {
            let city = crate::domain::area::Codes::of(&area).city;
            let sent = crate::storage::reports_up::filed(&state.db, &city, today).await?;
            (usize::from(sent.contains(&area.code)), 1)
        }
        Level::City => {
            let sent = crate::storage::reports_up::filed(&state.db, &area.code, today).await?;
            (sent.len(), board.children.len())
        }
    };
    let contact_tests = contacts[0] + contacts[1];
    let contact_other = contacts[2] + contacts[3] + contacts[4];
    Ok(TodayPage {
        page,
        commune: area.level == Level::Commune,
        city: area.level == Level::City,
        area,
        today,
        me,
        targets,
        tasks: Arc::new(tasks),
        behind,
        contact_tests,
        contact_other,
        report_up,
    })
}
