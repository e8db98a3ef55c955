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

/// One line of the audit page, as a sentence with its changes.
struct AuditLine {
    at: chrono::DateTime<chrono::Utc>,
    sentence: String,
    area: String,
    /// (field, before, after)
    changes: Vec<(String, String, String)>,
}

/// The catalogue prefix of each kind of record's field labels.
fn field_prefix(entity: &str) -> &'static str {
    match entity {
        "case" => "cases",
        "cluster" => "clusters",
        "quarantine_site" => "sites",
        "checkpoint" | "checkpoint_report" => "checkpoints",
        "directive" => "directives",
        "task" => "tasks",
        "unit" => "units",
        "inspection" => "inspections",
        "daily_report" => "daily",
        "user" => "users",
        "area" => "areas",
        "zone" => "zone",
        _ => "rec",
    }
}

/// Keys that mean nothing to a reader (internal ids, versions).
const HIDDEN_KEYS: [&str; 6] = [
    "id",
    "version",
    "checkpoint_id",
    "user_id",
    "token_id",
    "session",
];

/// A stored value as a reader would write it: dates dd/mm/yyyy, numbers grouped.
fn shown(lang: crate::domain::i18n::Lang, key: &str, v: Option<&serde_json::Value>) -> String {
    use serde_json::Value;
    match v {
        None | Some(Value::Null) => "—".into(),
        Some(Value::String(s)) => match crate::domain::forms::parse_date(s) {
            Some(d) if s.len() == 10 => lang.date(d),
            _ => s.clone(),
        },
        Some(Value::Bool(b)) => lang.t(if *b { "common.yes" } else { "common.no" }).into(),
        // A year is not a quantity: 1985, not 1.985.
        Some(Value::Number(n)) if key.ends_with("year") => n.to_string(),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(|i| lang.int(i))
            .unwrap_or_else(|| n.to_string()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| shown(lang, key, Some(i)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => other.to_string(),
    }
}

impl AuditLine {
    fn of(lang: crate::domain::i18n::Lang, r: AuditRow) -> Self {
        let get = |k: &str| {
            r.new_value
                .as_ref()
                .and_then(|v| v.get(k))
                .or_else(|| r.old_value.as_ref().and_then(|v| v.get(k)))
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let name = ["case_code", "name", "number", "username", "code", "what"]
            .iter()
            .find_map(|k| get(k))
            .unwrap_or_default();
        let verb = lang
            .lookup(&format!("audit.did.{}", r.action))
            .unwrap_or(&r.action)
            .to_string();
        let noun = lang.lookup(&format!("audit.of.{}", r.entity)).unwrap_or("");
        let sentence = match r.entity.as_str() {
            "session" => format!("{} {verb}", r.username),
            "zone" | "daily_report" => format!(
                "{} {verb} {noun} {}",
                r.username,
                r.area_name.clone().unwrap_or_default()
            ),
            _ => format!("{} {verb} {noun} {name}", r.username),
        };
        let prefix = field_prefix(&r.entity);
        let label = |k: &str| {
            // `cluster_id` reads as the cluster.
            let stem = k.strip_suffix("_id").unwrap_or(k);
            lang.lookup(&format!("{prefix}.{k}"))
                .or_else(|| lang.lookup(&format!("{prefix}.{stem}")))
                .or_else(|| lang.lookup(&format!("rec.{k}")))
                .unwrap_or(k)
                .to_string()
        };
        let mut keys: Vec<String> = Vec::new();
        for v in [&r.old_value, &r.new_value].into_iter().flatten() {
            if let Some(m) = v.as_object() {
                for k in m.keys() {
                    if !keys.contains(k) && !HIDDEN_KEYS.contains(&k.as_str()) {
                        keys.push(k.clone());
                    }
                }
            }
        }
        let changes = keys
            .iter()
            .filter_map(|k| {
                let before = r.old_value.as_ref().and_then(|v| v.get(k));
                let after = r.new_value.as_ref().and_then(|v| v.get(k));
                if r.old_value.is_some() && r.new_value.is_some() && before == after {
                    return None;
                }
                Some((label(k), shown(lang, k, before), shown(lang, k, after)))
            })
            .collect();
        Self {
            at: r.at,
            sentence: sentence.trim_end().to_string(),
            area: r.area_name.unwrap_or_default(),
            changes,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
struct AuditPage {
    page: Page,
    filter: AuditFilter,
    rows: Vec<AuditLine>,
    total: i64,
    page_no: i64,
    pages: i64,
}

impl AuditPage {
    fn page_href(&self, n: i64) -> String {
        use crate::web::error::url_encode as e;
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
    let rows = rows
        .into_iter()
        .map(|r| AuditLine::of(page.lang, r))
        .collect();
    Ok(AuditPage {
        page,
        filter,
        rows,
        total,
        page_no,
        pages,
    })
}
