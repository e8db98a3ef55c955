//! The audit page, filtered by the reader's jurisdiction.

use crate::domain::error::AppError;
use crate::domain::forms::query_date;
use crate::domain::policy::{Action, CurrentUser};
use crate::state::AppState;
use crate::storage::audit::{AuditQuery, AuditRow};
use crate::web::page::Page;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;

/// Routes of the audit page.
pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(audit_page))
}

/// Filters of the audit page, as typed.
#[derive(Debug, Default, serde::Deserialize)]
pub struct AuditFilter {
    #[serde(default)]
    user: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    page: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
struct AuditPage {
    page: Page,
    filter: AuditFilter,
    rows: Vec<AuditRow>,
    total: i64,
    page_no: i64,
    pages: i64,
}

impl AuditPage {
    fn page_href(&self, n: i64) -> String {
        use crate::web::page::url_encode as e;
        format!(
            "/audit?user={}&area={}&from={}&to={}&page={n}",
            e(&self.filter.user),
            e(&self.filter.area),
            e(&self.filter.from),
            e(&self.filter.to)
        )
    }
}

const PAGE_SIZE: i64 = 50;

async fn audit_page(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(filter): Query<AuditFilter>,
) -> Result<AuditPage, AppError> {
    user.authorize(Action::ReadAudit(&user.area))?;
    let area = filter.area.trim();
    if !area.is_empty() {
        let a = crate::storage::areas::area_ref(&state.db, area)
            .await?
            .ok_or(AppError::NotFound)?;
        user.authorize(Action::ReadAudit(&a))?;
    }
    let today = state.clock.today();
    let from = query_date(&filter.from, "from", today)?;
    let to = query_date(&filter.to, "to", today)?.and_then(|d| d.succ_opt());
    let page_no = filter.page.unwrap_or(1).max(1);
    let username = filter.user.trim().to_lowercase();
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let q = AuditQuery {
        scope: user.scope(),
        area: opt(area),
        username: opt(&username),
        from,
        to,
    };
    let (mut rows, total) = crate::storage::audit::page(
        &state.db,
        &q,
        PAGE_SIZE,
        page_no.saturating_sub(1).saturating_mul(PAGE_SIZE),
    )
    .await?;
    let addresses = user.can(Action::ReadAddresses);
    // The reader's jurisdiction bounds the rows, so its root decides.
    let personal = user.can(Action::ReadPersonal(&user.area));
    for r in &mut rows {
        if !addresses {
            r.hide_addresses();
        }
        if !personal {
            r.hide_birth_years();
        }
    }
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    Ok(AuditPage {
        page,
        filter,
        rows,
        total,
        page_no,
        pages,
    })
}
