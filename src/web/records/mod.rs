//! The records of DESIGN §3, each a module with its pages and API, sharing
//! the vocabularies, the generic list/form/show pages, paging and export.

pub mod cases;
pub mod checkpoints;
pub mod clusters;
pub mod contacts;
pub mod daily;
pub mod directives;
pub mod export;
pub mod inspections;
pub mod openapi;
pub mod operations;
pub mod paste;
pub mod record;
pub mod routes;
pub mod sites;
pub mod tasks;
pub mod units;

use askama::Template;
use askama_web::WebTemplate;
use sqlx::PgPool;

use crate::domain::area::AreaRef;
use crate::domain::area::fold;
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::forms::{Cursor, Paging};
use crate::domain::forms::{Field, Raw};
use crate::storage::areas::{area_ref, named_areas};
use crate::web::auth::{Action, CurrentUser};
use crate::web::page::Page;

/// The area a list is about: `?area=` if given (and readable), else the
/// user's own. `area` is a code or a name, accents optional ("tu hiep"
/// finds "Xã Tứ Hiệp"); an unknown or ambiguous name is a field error.
pub async fn list_area(db: &PgPool, user: &CurrentUser, raw: &Raw) -> Result<AreaRef, AppError> {
    let typed = raw.get("area").trim();
    if typed.is_empty() {
        // Every role reads its own area but the national view, which reads
        // counts only: asked here, so no list forgets it.
        user.authorize(Action::ReadArea(&user.area))?;
        return Ok(user.area.clone());
    }
    let invalid = |key: &str| {
        let mut f = FieldErrors::default();
        f.add("area", key);
        AppError::Invalid(f)
    };
    // No area's code or name holds a control character (and PostgreSQL
    // refuses a NUL byte outright): such a name is unknown, not a fault.
    if typed.contains(char::is_control) {
        return Err(invalid("err.unknown_area_name"));
    }
    let area = match area_ref(db, typed).await? {
        Some(a) => a,
        None => match named_areas(db, user.scope(), &fold(typed))
            .await?
            .as_slice()
        {
            [code] => area_ref(db, code).await?.ok_or(AppError::NotFound)?,
            [] => return Err(invalid("err.unknown_area_name")),
            _ => return Err(invalid("err.ambiguous_area_name")),
        },
    };
    user.authorize(Action::ReadArea(&area))?;
    Ok(area)
}

/// The names a reader may pick in an area filter: their area and those under it.
pub async fn area_names(
    state: &crate::state::AppState,
    user: &CurrentUser,
) -> Result<std::sync::Arc<Vec<String>>, AppError> {
    state.area_names(&user.area).await
}

/// The communes `user` may write in, for a form's select. One who may write
/// in several must choose: a first commune chosen for them puts records in
/// the wrong place.
pub async fn commune_choices(
    db: &PgPool,
    user: &CurrentUser,
    lang: crate::domain::i18n::Lang,
) -> Result<Vec<(String, String)>, AppError> {
    let mut communes = crate::storage::records::writable_communes(db, user).await?;
    if communes.len() > 1 {
        communes.insert(0, (String::new(), lang.t("rec.choose_commune").into()));
    }
    Ok(communes)
}

/// The open clusters `user` can see, named with their commune, after a
/// blank choice; `keep` (a record's own cluster, closed since) stays offered.
pub async fn cluster_choices(
    db: &PgPool,
    user: &CurrentUser,
    keep: Option<(i64, String)>,
) -> Result<Vec<(String, String)>, AppError> {
    let mut clusters = vec![(String::new(), "—".to_string())];
    clusters.extend(
        crate::storage::records::cases::open_clusters(db, user.scope())
            .await?
            .into_iter()
            .map(|(id, name, commune)| (id.to_string(), format!("{name} ({commune})"))),
    );
    if let Some((id, name)) = keep
        && !clusters.iter().any(|(k, _)| *k == id.to_string())
    {
        clusters.push((id.to_string(), name));
    }
    Ok(clusters)
}

/// A column of a generic list.
pub struct Column {
    pub label: String,
    pub numeric: bool,
}

/// A row of a generic list.
pub struct ListRow {
    pub href: String,
    pub cells: Vec<String>,
    pub muted: bool,
    /// Needs attention (a report not filed): drawn marked, never greyed.
    pub marked: bool,
}

/// The generic list page: filters, table, paging, export and "add" links.
#[derive(Template, WebTemplate)]
#[template(path = "records/list.html")]
pub struct ListPage {
    pub page: Page,
    pub title: String,
    pub base: String,
    pub new_href: Option<String>,
    pub extra_links: Vec<(String, String)>,
    pub filters: Vec<Field>,
    pub columns: Vec<Column>,
    pub rows: Vec<ListRow>,
    /// How many rows the list has (capped), or -1 when not counted (a
    /// page reached by cursor).
    pub total: i64,
    pub page_no: i64,
    pub pages: i64,
    pub query: String,
    pub note: Option<String>,
    /// Names of the areas the reader may pick, for the area filter's suggestions.
    pub area_names: std::sync::Arc<Vec<String>>,
    /// Paged by cursor: "first page", the page's number and "next page"
    /// instead of numbered pages.
    pub keyset: bool,
    /// The next page of a list paged by cursor, if there is one.
    pub next_href: Option<String>,
}

impl ListPage {
    /// Whether the reader set a filter (or one was refused): on a phone the
    /// filters then stand open above the list, else folded under one button.
    /// A filter's default (the daily list's today) does not count.
    pub fn filtered(&self) -> bool {
        !self.query.is_empty() || self.filters.iter().any(|f| f.error.is_some())
    }

    /// Builds the page; `raw` is the query as sent (kept in paging and export links).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        page: Page,
        title: String,
        base: &str,
        raw: &Raw,
        filters: Vec<Field>,
        columns: Vec<Column>,
        rows: Vec<ListRow>,
        total: i64,
        paging: Paging,
    ) -> Self {
        let query = raw
            .0
            .iter()
            .filter(|(k, v)| {
                !v.is_empty()
                    && !matches!(k.as_str(), "page" | "format" | "limit" | "offset" | "after")
            })
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    crate::web::error::url_encode(k),
                    crate::web::error::url_encode(v)
                )
            })
            .collect::<Vec<_>>()
            .join("&");
        Self {
            page,
            title,
            base: base.to_string(),
            new_href: None,
            extra_links: Vec::new(),
            filters,
            columns,
            rows,
            total,
            page_no: paging.page_no(),
            pages: ((total + paging.limit - 1) / paging.limit).max(1),
            query,
            note: None,
            area_names: Default::default(),
            keyset: false,
            next_href: None,
        }
    }

    /// Pages by cursor when the list was reached by one (`by_cursor`) or
    /// offers one to the next page: page N of a list of a million rows
    /// costs what page 1 does. The link carries the next page's number
    /// for the reader; the cursor alone decides the rows.
    pub fn keyset(&mut self, by_cursor: bool, next: Option<Cursor>) {
        self.keyset = by_cursor || next.is_some();
        self.next_href = next.map(|c| {
            self.href(&format!(
                "after={}&page={}",
                c.encode(),
                self.page_no.saturating_add(1)
            ))
        });
    }

    /// "Trang 3": the page's number where the list is paged by cursor.
    fn page_text(&self) -> String {
        self.page
            .tf("rec.page_n", &[&self.page.lang.int(self.page_no)])
    }

    /// "Tổng số: 1.416", or "more than 10.000" for a list counted only that far.
    fn total_text(&self) -> String {
        if self.total > Paging::COUNT_CAP {
            self.page
                .tf("rec.total_over", &[&self.page.lang.int(Paging::COUNT_CAP)])
        } else {
            self.page
                .tf("rec.total", &[&self.page.lang.int(self.total)])
        }
    }

    fn href(&self, extra: &str) -> String {
        if self.query.is_empty() {
            format!("{}?{extra}", self.base)
        } else {
            format!("{}?{}&{extra}", self.base, self.query)
        }
    }

    fn page_href(&self, n: i64) -> String {
        self.href(&format!("page={n}"))
    }

    fn export_href(&self, format: &str) -> String {
        self.href(&format!("format={format}"))
    }
}

/// The generic form page; `conflict` lists the stored values when an edit was stale.
#[derive(Template, WebTemplate)]
#[template(path = "records/form.html")]
pub struct FormPage {
    pub page: Page,
    pub title: String,
    pub action: String,
    pub fields: Vec<Field>,
    pub has_errors: bool,
    /// Errors of what the form does not draw (a reused idempotency key).
    pub notes: Vec<String>,
    pub conflict: Vec<(String, String)>,
    pub cancel_href: String,
    /// Offer "save and add another" (a new record whose kind keeps fields for the next).
    pub another: bool,
}

/// A section of a show page: a small table.
pub struct Section {
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    /// Where each row's first cell links to (none when shorter or empty).
    pub hrefs: Vec<String>,
    /// The section's element id, for links and tests ("" for none).
    pub id: &'static str,
}

impl Section {
    /// Where row `i`'s first cell links to, if anywhere.
    pub fn href(&self, i: &usize) -> Option<&str> {
        self.hrefs
            .get(*i)
            .map(String::as_str)
            .filter(|h| !h.is_empty())
    }
}

/// A form drawn inside a show page (a shift report, a report on a directive, voiding).
pub struct EmbeddedForm {
    pub title: String,
    pub action: String,
    pub fields: Vec<Field>,
    pub submit: String,
}

/// A node of the directive cascade, drawn indented.
pub struct TreeNode {
    pub depth: usize,
    pub href: String,
    pub label: String,
    pub status: String,
    pub overdue: bool,
    pub is_directive: bool,
    /// This line heads a folded group (`<details>`) of the lines after it.
    pub opens: bool,
    /// The group starts unfolded (the reader's own branch).
    pub open: bool,
    /// Progress of the group's plans: (done, of).
    pub progress: Option<(i64, i64)>,
    /// How many groups close after this line.
    pub closes: usize,
}

/// The generic show page.
#[derive(Template, WebTemplate)]
#[template(path = "records/show.html")]
pub struct ShowPage {
    pub page: Page,
    pub title: String,
    pub facts: Vec<(String, String)>,
    pub actions: Vec<(String, String)>,
    pub banner: Option<String>,
    pub sections: Vec<Section>,
    pub tree: Vec<TreeNode>,
    pub forms: Vec<EmbeddedForm>,
    /// Draw the forms first (the reader's own part of a directive).
    pub forms_first: bool,
    /// A chain of transmission, drawn (SVG, numbers and escaped codes only).
    pub chain: Option<String>,
    pub back_href: String,
}

/// Columns from catalogue keys; a `#` prefix marks a numeric column.
pub fn columns(lang: crate::domain::i18n::Lang, keys: &[&str]) -> Vec<Column> {
    keys.iter()
        .map(|k| match k.strip_prefix('#') {
            Some(k) => Column {
                label: lang.t(k).to_string(),
                numeric: true,
            },
            None => Column {
                label: lang.t(k).to_string(),
                numeric: false,
            },
        })
        .collect()
}

/// A vocabulary value's label, or "" when absent.
pub fn label<T: crate::domain::forms::Vocab>(
    lang: crate::domain::i18n::Lang,
    v: Option<&str>,
) -> String {
    v.and_then(T::parse)
        .map(|v| lang.t(v.label_key()).to_string())
        .unwrap_or_default()
}

/// Optional date as dd/mm/yyyy or "".
pub fn opt_date(lang: crate::domain::i18n::Lang, d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| lang.date(d)).unwrap_or_default()
}

impl FormPage {
    /// The errors of what `fields` do not draw (a reused idempotency key),
    /// to show above the form.
    pub fn notes(
        fields: &[Field],
        errors: &FieldErrors,
        lang: crate::domain::i18n::Lang,
    ) -> Vec<String> {
        let drawn: Vec<&str> = fields.iter().map(|f| f.name).collect();
        errors.others(&drawn, lang)
    }

    /// A form page with no error yet.
    pub fn blank(
        page: Page,
        title: String,
        action: String,
        fields: Vec<Field>,
        cancel_href: &str,
    ) -> Self {
        Self {
            page,
            title,
            action,
            fields,
            has_errors: false,
            notes: vec![],
            conflict: vec![],
            cancel_href: cancel_href.into(),
            another: false,
        }
    }
}

/// The status and field errors of a save refused for its values (422) or as
/// a duplicate (409), to draw the form again; any other error goes on up.
pub fn refused_fields(e: AppError) -> Result<(axum::http::StatusCode, FieldErrors), AppError> {
    match e {
        AppError::Invalid(f) => Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, f)),
        AppError::Conflict(f) => Ok((axum::http::StatusCode::CONFLICT, f)),
        other => Err(other),
    }
}

/// The form again after a failed save: 422 for invalid values, 409 for a
/// duplicate, with the input kept and each error beside its field; any
/// other error goes on up.
pub fn form_again(
    page: Page,
    title: String,
    action: String,
    cancel_href: &str,
    e: AppError,
    fields: impl FnOnce(crate::domain::i18n::Lang, &FieldErrors) -> Vec<Field>,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    let (status, errors) = refused_fields(e)?;
    let fields = fields(page.lang, &errors);
    let notes = FormPage::notes(&fields, &errors, page.lang);
    let p = FormPage {
        page,
        title,
        action,
        fields,
        has_errors: true,
        notes,
        conflict: vec![],
        cancel_href: cancel_href.into(),
        another: false,
    };
    Ok((status, p).into_response())
}

/// After a write: a one-time message (catalogue `key`) for the next page,
/// and a redirect to it.
pub async fn saved(
    session: &tower_sessions::Session,
    page: &Page,
    key: &str,
    to: &str,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    Page::flash(session, page.t(key).to_string()).await?;
    Ok(axum::response::Redirect::to(to).into_response())
}

/// The query string of a list as a `Raw`.
pub type QueryPairs = axum::extract::Query<Vec<(String, String)>>;

/// An `{"items": [...], "total": N}` answer.
pub fn items_json<T: serde::Serialize>(items: &[T], total: i64) -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({ "items": items, "total": total }))
}
