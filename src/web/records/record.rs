//! One shape for every record: the [`Record`] trait says how a stored
//! record is drawn (form, list, show page, JSON), and one set of generic
//! handlers serves the list, new, create, show, edit and update pages, the
//! API's list, show, create and patch, and CSV/Excel export for all of them.
//! A record module keeps only what is its own (voiding, shift reports…).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use serde_json::Value;
use sqlx::PgPool;
use tower_sessions::Session;

use super::export::{self, Chunks, Format};
use super::{
    Column, EmbeddedForm, FormPage, ListPage, ListRow, QueryPairs, Section, ShowPage, TreeNode,
    items_json, list_area, saved,
};
use crate::domain::area::AreaRef;
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::fields::{Kind, Spec, find, listed, on_page};
use crate::domain::forms::{Cursor, Field, FormBuilder, Options, Paging, Raw, parse_date};
use crate::domain::i18n::Lang;
use crate::domain::policy::{Action, CurrentUser};
use crate::state::AppState;
use crate::storage::audit::Actor;
use crate::storage::idempotency::IdempotencyKey;
use crate::storage::records::{Stored, Write, create_once, created_under, save};
use crate::web::auth::CsrfForm;
use crate::web::error::url_encode;
use crate::web::json::ApiJson;
use crate::web::page::Page;

/// Who is looking, in what language, and whether they may see personal
/// details of the records in view (decided by the policy).
#[derive(Clone, Copy)]
pub struct Viewer<'a> {
    /// The signed-in user.
    pub user: &'a CurrentUser,
    /// The page's language.
    pub lang: Lang,
    /// Whether personal details (name, phone, address) may be shown.
    pub personal: bool,
    /// Today, where a list flags what is near its deadline.
    pub today: Option<NaiveDate>,
}

impl<'a> Viewer<'a> {
    /// The user looking at records placed under `area`.
    pub fn at(user: &'a CurrentUser, lang: Lang, area: &AreaRef) -> Self {
        Self {
            user,
            lang,
            personal: user.can(Action::ReadPersonal(area)),
            today: None,
        }
    }
}

/// What a show page adds below the record's facts.
#[derive(Default)]
pub struct Extras {
    /// A line above everything (a voided case).
    pub banner: Option<String>,
    /// Links beside "edit".
    pub actions: Vec<(String, String)>,
    /// Small tables (history, reports, cases of a cluster).
    pub sections: Vec<Section>,
    /// The directive cascade.
    pub tree: Vec<TreeNode>,
    /// Forms drawn in the page (a shift report, a report, voiding).
    pub forms: Vec<EmbeddedForm>,
    /// Draw the forms before everything else.
    pub forms_first: bool,
    /// A chain of transmission, drawn (SVG).
    pub chain: Option<String>,
}

/// How a stored record is drawn. Implement it (and [`Stored`]) and
/// [`pages`] and [`api`] serve it.
pub trait Record: Stored {
    /// Where its pages live (`/clusters`).
    const PAGES: &'static str;
    /// Where it lives in the API, under `/api/v1` (`/clusters`).
    const API: &'static str;
    /// Catalogue key of the list's title.
    const LIST_TITLE: &'static str;
    /// Catalogue key of the new form's title.
    const NEW_TITLE: &'static str;
    /// Catalogue key of the edit form's title.
    const EDIT_TITLE: &'static str;
    /// File name of an export, before the area code (`chum-ca-benh`).
    const EXPORT_NAME: &'static str;

    /// The form's fields over `raw`; `existing` when editing: by default
    /// every writable field of the table, with [`Record::options`].
    fn fields(
        db: &PgPool,
        v: Viewer<'_>,
        raw: &Raw,
        errors: &FieldErrors,
        existing: Option<&Self>,
    ) -> impl Future<Output = Result<Vec<Field>, AppError>> + Send {
        async move {
            let options = Self::options(db, v, existing).await?;
            Ok(FormBuilder::new(v.lang, raw, errors)
                .specs(Self::FIELDS, v.personal, options)
                .build())
        }
    }

    /// The choices of the form's selects the database offers, by field
    /// name (the communes a user may write in).
    fn options(
        _db: &PgPool,
        _v: Viewer<'_>,
        _existing: Option<&Self>,
    ) -> impl Future<Output = Result<Options, AppError>> + Send {
        async { Ok(Vec::new()) }
    }

    /// What a new form starts with.
    fn defaults(user: &CurrentUser, today: NaiveDate) -> Raw;

    /// Fields "save and add another" carries to the next new form (none:
    /// the form offers no such button).
    const KEEP_FOR_NEXT: &'static [&'static str] = &[];

    /// Fills in what a new form can suggest from the database (the next
    /// free case code), after defaults and what a link carried.
    fn prefill(_db: &PgPool, _raw: &mut Raw) -> impl Future<Output = Result<(), AppError>> + Send {
        async { Ok(()) }
    }

    /// The stored values as the form (and a PATCH's base and an export)
    /// carries them: the fields of its table, read from its answer.
    fn to_raw(&self, v: Viewer<'_>) -> Raw {
        Raw::of_answer(Self::FIELDS, &self.to_json(v))
    }

    /// The list's filter fields, with their errors.
    fn filter_fields(lang: Lang, raw: &Raw, errors: &FieldErrors) -> Vec<Field>;

    /// The fields the list shows, in order; the show page starts with them
    /// (none for a record that draws its list itself).
    const LIST: &'static [&'static str] = &[];

    /// The list's columns: the labels of [`Record::LIST`], numbers marked.
    fn columns(v: Viewer<'_>) -> Vec<Column> {
        listed(Self::FIELDS, Self::LIST, v.personal)
            .into_iter()
            .map(|f| Column {
                label: v.lang.t(f.label).to_string(),
                numeric: matches!(f.kind, Kind::Int { .. }) && f.shown_by.is_none(),
            })
            .collect()
    }

    /// A row of the list: the values of [`Record::LIST`] as pages show them.
    fn cells(&self, v: Viewer<'_>) -> Vec<String> {
        let raw = self.to_raw(v);
        listed(Self::FIELDS, Self::LIST, v.personal)
            .into_iter()
            .map(|f| shown(v.lang, Self::FIELDS, f, &raw))
            .collect()
    }

    /// Whether the row is drawn muted (closed, voided, done).
    fn muted(&self) -> bool {
        false
    }

    /// Whether an export starts with the record's `id` (a case export
    /// does not: it is the import's own columns, to be loaded again).
    const EXPORT_ID: bool = true;

    /// Column names of an export for this viewer: `id` and the exported
    /// fields of [`Stored::FIELDS`] they may see, which
    /// [`Record::to_raw`] fills in.
    fn export_headers(v: Viewer<'_>) -> Vec<&'static str> {
        let fields = crate::domain::fields::export_columns(Self::FIELDS, v.personal);
        let id = Self::EXPORT_ID.then_some("id");
        id.into_iter().chain(fields).collect()
    }

    /// A row of an export: the values [`Record::to_raw`] gives, in column order.
    fn export_row(&self, v: Viewer<'_>) -> Vec<String> {
        let raw = self.to_raw(v);
        Self::export_headers(v)
            .into_iter()
            .map(|c| match c {
                "id" => self.id().to_string(),
                c => raw.get(c).to_string(),
            })
            .collect()
    }

    /// Links beside "add" on the list (an import).
    fn list_links(_v: Viewer<'_>) -> Vec<(String, String)> {
        Vec::new()
    }

    /// The show page's title.
    fn title(&self, lang: Lang) -> String;

    /// The edit form's title.
    fn edit_title(&self, lang: Lang) -> String {
        lang.t(Self::EDIT_TITLE).to_string()
    }

    /// The show page's label–value pairs: the list's fields, then the rest.
    fn facts(&self, v: Viewer<'_>) -> Vec<(String, String)> {
        let raw = self.to_raw(v);
        on_page(Self::FIELDS, Self::LIST, v.personal)
            .into_iter()
            .map(|f| {
                let label = v.lang.t(f.label).to_string();
                (label, shown(v.lang, Self::FIELDS, f, &raw))
            })
            .collect()
    }

    /// Whether the record can still be edited (a voided case cannot).
    fn editable(&self) -> bool {
        true
    }

    /// What the show page adds; `input` is an embedded form sent back with errors.
    fn extras(
        &self,
        _state: &AppState,
        _v: Viewer<'_>,
        _input: Option<(&Raw, &FieldErrors)>,
    ) -> impl Future<Output = Result<Extras, AppError>> + Send {
        async { Ok(Extras::default()) }
    }

    /// The record in the API.
    fn to_json(&self, _v: Viewer<'_>) -> Value {
        self.json_value()
    }

    /// The API's answer for one record (a directive adds its cascade).
    fn api_json(
        &self,
        _state: &AppState,
        v: Viewer<'_>,
    ) -> impl Future<Output = Result<Value, AppError>> + Send {
        let json = self.to_json(v);
        async move { Ok(json) }
    }
}

/// A field's value as pages show it, from the form values `raw`: a choice
/// by its label, a date as dd/mm/yyyy, a number grouped, yes or no, and a
/// code by the field it is [`Spec::shown_by`].
pub fn shown(lang: Lang, table: &'static [Spec], f: &Spec, raw: &Raw) -> String {
    if let Some(by) = f.shown_by.and_then(|n| find(table, n)) {
        return shown(lang, table, by, raw);
    }
    let v = raw.get(f.name);
    if v.is_empty() {
        // A number not given is not known (not 0); other blanks stay blank.
        return match f.kind {
            Kind::Int { .. } => lang.opt_int(None),
            Kind::Choice { .. } | Kind::Ref => "—".into(),
            _ => String::new(),
        };
    }
    match f.kind {
        Kind::Choice { prefix, .. } => lang.t(&format!("{prefix}.{v}")).to_string(),
        Kind::Date { .. } => parse_date(v).map_or_else(|| v.to_string(), |d| lang.date(d)),
        Kind::Int { .. } => v.parse().map_or_else(|_| v.to_string(), |n| lang.int(n)),
        Kind::Bool if v == "true" => lang.t("common.yes").to_string(),
        Kind::Bool => lang.t("common.no").to_string(),
        _ => v.to_string(),
    }
}

/// The list, new, create, show, edit and update pages of `R`.
pub fn pages<R: Record>() -> Router<AppState> {
    Router::new()
        .route(R::PAGES, get(list::<R>).post(create::<R>))
        .route(&format!("{}/new", R::PAGES), get(new_form::<R>))
        .route(
            &format!("{}/{{id}}", R::PAGES),
            get(show::<R>).post(update::<R>),
        )
        .route(&format!("{}/{{id}}/edit", R::PAGES), get(edit_form::<R>))
}

/// The list, show, create and patch routes of `R` in the API.
pub fn api<R: Record>() -> Router<AppState> {
    Router::new()
        .route(R::API, get(api_list::<R>).post(api_create::<R>))
        .route(
            &format!("{}/{{id}}", R::API),
            get(api_show::<R>).patch(api_patch::<R>),
        )
}

/// Loads a record the user may read: 404 when there is none, 403 when it
/// lies outside their jurisdiction.
pub async fn load<R: Record>(state: &AppState, user: &CurrentUser, id: i64) -> Result<R, AppError> {
    let r = R::load(&state.db, state.clock.today(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !r.readable(&state.db, user).await? {
        return Err(AppError::Forbidden);
    }
    Ok(r)
}

/// Loads a record the user may read and write (and that can still be edited).
pub async fn load_for_edit<R: Record>(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<R, AppError> {
    let r = load::<R>(state, user, id).await?;
    user.authorize(Action::WriteRecord(R::KIND, &r.area()))?;
    if !r.editable() {
        return Err(AppError::Conflict(FieldErrors::default()));
    }
    Ok(r)
}

/// The `version` an edit carries: required, else 422 on `version`.
pub fn version(raw: &Raw) -> Result<i32, AppError> {
    raw.get("version").parse().map_err(|_| {
        let mut f = FieldErrors::default();
        f.add("version", "err.version_required");
        AppError::Invalid(f)
    })
}

fn show_href<R: Record>(id: i64) -> String {
    format!("{}/{id}", R::PAGES)
}

async fn list<R: Record>(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    q: QueryPairs,
) -> Result<Response, AppError> {
    let raw = Raw::from_form(q.0);
    // A name that finds no area shows the user's own list with the error
    // beside the filter, rather than an error page.
    let (area, area_errors) = match list_area(&state.db, &user, &raw).await {
        Ok(a) => (a, FieldErrors::default()),
        Err(AppError::Invalid(f)) if Format::from_raw(&raw).is_none() => (user.area.clone(), f),
        Err(e) => return Err(e),
    };
    let filter = R::filter(&raw, state.clock.today())?;
    let mut v = Viewer::at(&user, page.lang, &area);
    v.today = Some(state.clock.today());
    let reads = state.reads().await;
    if let Some(format) = Format::from_raw(&raw) {
        let name = format!("{}-{}", R::EXPORT_NAME, area.code);
        let rows = Rows::<R>::new(reads, state.clock.today(), area, filter, v);
        return export::stream(format, &name, rows).await;
    }
    let mut paging = Paging::from_raw(&raw)?;
    // A page reached by cursor is not counted again (the first page says
    // how many there are); one row more than the page says whether
    // another follows.
    paging.count = paging.after.is_none();
    let (mut rows, total) =
        R::query(&reads, state.clock.today(), &area, &filter, probe(&paging)).await?;
    let next = next_cursor(&mut rows, &paging);
    let by_cursor = paging.after.is_some();
    let list_rows = rows
        .iter()
        .map(|r| ListRow {
            href: show_href::<R>(r.id()),
            cells: r.cells(v),
            muted: r.muted(),
            marked: false,
        })
        .collect();
    let title = format!("{} — {}", page.t(R::LIST_TITLE), area.name);
    let mut p = ListPage::new(
        page,
        title,
        R::PAGES,
        &raw,
        R::filter_fields(v.lang, &raw, &area_errors),
        R::columns(v),
        list_rows,
        total,
        paging,
    );
    p.area_names = super::area_names(&state, &user).await?;
    p.keyset(by_cursor, next);
    if user.can(Action::CreateRecords(R::KIND)) {
        p.new_href = Some(format!("{}/new", R::PAGES));
        p.extra_links = R::list_links(v);
    }
    if area_errors.is_empty() {
        Ok(p.into_response())
    } else {
        Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
    }
}

/// A form page for `R` over `raw`, with errors and, after a stale edit,
/// the stored values beside the fields that differ.
async fn form_page<R: Record>(
    state: &AppState,
    page: Page,
    user: &CurrentUser,
    existing: Option<&R>,
    raw: &Raw,
    errors: &FieldErrors,
    conflict: Vec<(String, String)>,
) -> Result<FormPage, AppError> {
    let area = existing.map_or_else(|| user.area.clone(), |r| r.area());
    let v = Viewer::at(user, page.lang, &area);
    let fields = R::fields(&state.db, v, raw, errors, existing).await?;
    let (title, action) = match existing {
        Some(r) => (r.edit_title(page.lang), show_href::<R>(r.id())),
        None => (page.t(R::NEW_TITLE).to_string(), R::PAGES.to_string()),
    };
    let notes = FormPage::notes(&fields, errors, page.lang);
    Ok(FormPage {
        page,
        title,
        action,
        fields,
        has_errors: !errors.is_empty(),
        notes,
        conflict,
        cancel_href: R::PAGES.into(),
        another: existing.is_none() && !R::KEEP_FOR_NEXT.is_empty(),
    })
}

/// The form again after a failed save, the input kept: 422 for invalid
/// values, 409 for a duplicate; any other error goes on up.
async fn form_again<R: Record>(
    state: &AppState,
    page: Page,
    user: &CurrentUser,
    existing: Option<&R>,
    raw: &Raw,
    e: AppError,
) -> Result<Response, AppError> {
    let (status, errors) = super::refused_fields(e)?;
    let p = form_page(state, page, user, existing, raw, &errors, vec![]).await?;
    Ok((status, p).into_response())
}

async fn new_form<R: Record>(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    q: QueryPairs,
) -> Result<FormPage, AppError> {
    if !user.can(Action::CreateRecords(R::KIND)) {
        return Err(AppError::Forbidden);
    }
    let mut raw = R::defaults(&user, state.clock.today());
    // A link may fill fields in (`/directives/new?implements_id=7`).
    for (k, v) in q.0 {
        if !v.is_empty() && k != "version" {
            raw.set(&k, v);
        }
    }
    R::prefill(&state.db, &mut raw).await?;
    form_page::<R>(
        &state,
        page,
        &user,
        None,
        &raw,
        &FieldErrors::default(),
        vec![],
    )
    .await
}

async fn create<R: Record>(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let raw = Raw::from_form(form);
    let result = create_record::<R>(&state, &user, &raw, raw.get("idempotency_key")).await;
    match result {
        // On to the next one, with what the next one shares (date, place…).
        Ok(_) if raw.get("next") == "another" && !R::KEEP_FOR_NEXT.is_empty() => {
            let keep: Vec<String> = R::KEEP_FOR_NEXT
                .iter()
                .filter(|k| !raw.get(k).is_empty())
                .map(|k| format!("{k}={}", url_encode(raw.get(k))))
                .collect();
            let to = format!("{}/new?{}", R::PAGES, keep.join("&"));
            saved(&session, &page, "rec.created", &to).await
        }
        Ok(id) => saved(&session, &page, "rec.created", &show_href::<R>(id)).await,
        Err(e) => form_again::<R>(&state, page, &user, None, &raw, e).await,
    }
}

async fn edit_form<R: Record>(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<FormPage, AppError> {
    let r = load_for_edit::<R>(&state, &user, id).await?;
    let raw = r.to_raw(Viewer::at(&user, page.lang, &r.area()));
    form_page(
        &state,
        page,
        &user,
        Some(&r),
        &raw,
        &FieldErrors::default(),
        vec![],
    )
    .await
}

async fn update<R: Record>(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let old = load_for_edit::<R>(&state, &user, id).await?;
    let raw = Raw::from_form(form);
    let result = async {
        let ver = version(&raw)?;
        let v = R::check(&state.db, &user, &raw, state.clock.today(), Some(&old)).await?;
        let write = Write::Update(&old, ver);
        save::<R>(&state.db, &Actor::from(&user), state.clock.now(), write, &v).await
    }
    .await;
    match result {
        Ok(_) => saved(&session, &page, "rec.saved", &show_href::<R>(id)).await,
        Err(AppError::Conflict(f)) if f.get("version", page.lang).is_some() => {
            stale_form::<R>(&state, page, &user, id, &raw).await
        }
        Err(e) => form_again::<R>(&state, page, &user, Some(&old), &raw, e).await,
    }
}

/// Someone saved the record since this form was read: the form again with
/// the user's input kept, the stored values beside the fields that differ,
/// and the new version, so saving again overwrites knowingly.
async fn stale_form<R: Record>(
    state: &AppState,
    page: Page,
    user: &CurrentUser,
    id: i64,
    raw: &Raw,
) -> Result<Response, AppError> {
    let current = load::<R>(state, user, id).await?;
    let v = Viewer::at(user, page.lang, &current.area());
    let stored = current.to_raw(v);
    let fields = R::fields(&state.db, v, raw, &FieldErrors::default(), Some(&current)).await?;
    let conflict = fields
        .iter()
        .filter(|f| f.name != "version" && stored.get(f.name) != raw.get(f.name))
        .map(|f| (f.label.clone(), stored.get(f.name).to_string()))
        .collect();
    let mut raw = raw.clone();
    raw.set("version", current.version().to_string());
    let p = form_page(
        state,
        page,
        user,
        Some(&current),
        &raw,
        &FieldErrors::default(),
        conflict,
    )
    .await?;
    Ok((StatusCode::CONFLICT, p).into_response())
}

async fn show<R: Record>(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<ShowPage, AppError> {
    let r = load::<R>(&state, &user, id).await?;
    show_page(&state, page, &user, &r, None).await
}

/// The answer to a form embedded in `r`'s show page (a report): back to
/// the page with "saved", or the page again with the form's errors and
/// input (422); any other error goes on up.
pub async fn embedded_saved<R: Record, T>(
    state: &AppState,
    page: Page,
    user: &CurrentUser,
    session: &Session,
    r: &R,
    raw: &Raw,
    result: Result<T, AppError>,
) -> Result<Response, AppError> {
    match result {
        Ok(_) => saved(session, &page, "rec.saved", &show_href::<R>(r.id())).await,
        Err(AppError::Invalid(errors)) => {
            let p = show_page(state, page, user, r, Some((raw, &errors))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        }
        Err(e) => Err(e),
    }
}

/// The show page of `r`; `input` redraws an embedded form with its errors.
pub async fn show_page<R: Record>(
    state: &AppState,
    page: Page,
    user: &CurrentUser,
    r: &R,
    input: Option<(&Raw, &FieldErrors)>,
) -> Result<ShowPage, AppError> {
    let v = Viewer::at(user, page.lang, &r.area());
    let mut actions = Vec::new();
    if r.editable() && user.can(Action::WriteRecord(R::KIND, &r.area())) {
        actions.push((
            format!("{}/{}/edit", R::PAGES, r.id()),
            page.t("rec.edit").to_string(),
        ));
    }
    let extras = r.extras(state, v, input).await?;
    actions.extend(extras.actions);
    Ok(ShowPage {
        title: r.title(page.lang),
        facts: r.facts(v),
        actions,
        banner: extras.banner,
        sections: extras.sections,
        tree: extras.tree,
        forms: extras.forms,
        forms_first: extras.forms_first,
        chain: extras.chain,
        back_href: R::PAGES.into(),
        page,
    })
}

async fn api_list<R: Record>(
    State(state): State<AppState>,
    user: CurrentUser,
    q: QueryPairs,
) -> Result<Json<Value>, AppError> {
    let raw = Raw::from_form(q.0);
    let area = list_area(&state.db, &user, &raw).await?;
    let filter = R::filter(&raw, state.clock.today())?;
    let v = Viewer::at(&user, Lang::default(), &area);
    let paging = Paging::from_raw(&raw)?;
    let reads = state.reads().await;
    let (mut rows, total) =
        R::query(&reads, state.clock.today(), &area, &filter, probe(&paging)).await?;
    let next = next_cursor(&mut rows, &paging);
    let items: Vec<Value> = rows.iter().map(|r| r.to_json(v)).collect();
    let Json(mut answer) = items_json(&items, total.max(0));
    answer["next"] = next.map(|c| c.encode()).into();
    Ok(Json(answer))
}

/// `paging` asking for one row more, to learn whether another page follows.
fn probe(paging: &Paging) -> Paging {
    let mut p = paging.clone();
    p.limit += 1;
    p
}

/// Drops the row read past the page (see [`probe`]); where it was there,
/// the cursor after the page's last row, for a record listed by key.
fn next_cursor<R: Stored>(rows: &mut Vec<R>, paging: &Paging) -> Option<Cursor> {
    if rows.len() as i64 <= paging.limit {
        return None;
    }
    rows.truncate(paging.limit as usize);
    rows.last().and_then(Stored::cursor)
}

async fn api_show<R: Record>(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let r = load::<R>(&state, &user, id).await?;
    let v = Viewer::at(&user, Lang::default(), &r.area());
    Ok(Json(r.api_json(&state, v).await?))
}

/// Creates a record; the same `Idempotency-Key` again answers as the first did.
async fn api_create<R: Record>(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Value>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let raw = Raw::from_json(body)?;
    let key = headers
        .get("idempotency-key")
        .map(|v| v.to_str().unwrap_or("\u{0}"))
        .unwrap_or("");
    let id = create_record::<R>(&state, &user, &raw, key).await?;
    let r = load::<R>(&state, &user, id).await?;
    let v = Viewer::at(&user, Lang::default(), &r.area());
    Ok((StatusCode::CREATED, Json(r.api_json(&state, v).await?)))
}

/// Changes the fields sent; `version` (the one read last) is required.
async fn api_patch<R: Record>(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, AppError> {
    let old = load_for_edit::<R>(&state, &user, id).await?;
    let patch = Raw::from_json(body)?;
    let ver = version(&patch)?;
    let mut raw = old.to_raw(Viewer::at(&user, Lang::default(), &old.area()));
    for (k, v) in patch.0 {
        raw.set(&k, v);
    }
    let v = R::check(&state.db, &user, &raw, state.clock.today(), Some(&old)).await?;
    let write = Write::Update(&old, ver);
    save::<R>(&state.db, &Actor::from(&user), state.clock.now(), write, &v).await?;
    let r = load::<R>(&state, &user, id).await?;
    let v = Viewer::at(&user, Lang::default(), &r.area());
    Ok(Json(r.api_json(&state, v).await?))
}

/// Fields of a form that are not part of what it asks for.
const NOT_ASKED: &[&str] = &["csrf", "idempotency_key", "next"];

/// Checks and stores a new record, once per idempotency `key` (the form's
/// `idempotency_key`, the API's `Idempotency-Key`): the same request again
/// answers with the record stored under its key; another request under a
/// key already used is refused (422), never dropped.
async fn create_record<R: Record>(
    state: &AppState,
    user: &CurrentUser,
    raw: &Raw,
    key: &str,
) -> Result<i64, AppError> {
    // What the key is for: this kind of record with these values.
    let digest = raw.digest(R::ENTITY, NOT_ASKED);
    let key = IdempotencyKey::parse(key)?.map(|k| k.for_request(digest));
    let actor = Actor::from(user);
    if let Some(id) = created_under::<R>(&state.db, &actor, key.as_ref()).await? {
        return Ok(id);
    }
    let v = R::check(&state.db, user, raw, state.clock.today(), None).await?;
    let (id, _) = create_once::<R>(&state.db, &actor, state.clock.now(), key.as_ref(), &v).await?;
    Ok(id)
}

/// The rows of a list's export, read chunk by chunk: the list's own query
/// (its area, filters and order) over a reader's view of the records.
pub struct Rows<R: Record> {
    db: PgPool,
    today: NaiveDate,
    area: AreaRef,
    filter: R::Filter,
    user: CurrentUser,
    lang: Lang,
    personal: bool,
    /// Where the next chunk starts.
    next: Paging,
    /// Rows still allowed under [`Paging::EXPORT_ROWS`].
    left: i64,
    done: bool,
}

impl<R: Record> Rows<R> {
    /// The rows `v` may export of the list of `area` with `filter`.
    pub fn new(
        db: PgPool,
        today: NaiveDate,
        area: AreaRef,
        filter: R::Filter,
        v: Viewer<'_>,
    ) -> Self {
        Self {
            db,
            today,
            area,
            filter,
            user: v.user.clone(),
            lang: v.lang,
            personal: v.personal,
            next: Paging::first(Paging::EXPORT_CHUNK),
            left: Paging::EXPORT_ROWS,
            done: false,
        }
    }

    fn viewer(&self) -> Viewer<'_> {
        Viewer {
            user: &self.user,
            lang: self.lang,
            personal: self.personal,
            today: Some(self.today),
        }
    }
}

impl<R: Record> Chunks for Rows<R> {
    fn headers(&self) -> Vec<&'static str> {
        R::export_headers(self.viewer())
    }

    async fn chunk(&mut self) -> Result<Option<Vec<Vec<String>>>, AppError> {
        if self.done || self.left <= 0 {
            return Ok(None);
        }
        let mut paging = self.next.clone();
        paging.limit = paging.limit.min(self.left);
        paging.count = false;
        let limit = paging.limit;
        let (rows, _) = match R::query(&self.db, self.today, &self.area, &self.filter, paging).await
        {
            Ok(r) => r,
            Err(e) => {
                self.done = true;
                return Err(e);
            }
        };
        self.left -= rows.len() as i64;
        if (rows.len() as i64) < limit {
            self.done = true;
        } else {
            match rows.last().and_then(Stored::cursor) {
                Some(c) => self.next.after = Some(c),
                None => self.next.offset += rows.len() as i64,
            }
        }
        if rows.is_empty() {
            return Ok(None);
        }
        let v = self.viewer();
        Ok(Some(rows.iter().map(|r| r.export_row(v)).collect()))
    }
}
