//! Directives (chỉ thị, kết luận, công văn…): issued by an area's command
//! centre to areas under it, optionally implementing a higher one; each
//! target reports received / in progress / done; past the deadline without
//! "done" it is overdue. The page draws the whole cascade as a tree.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;
use tower_sessions::Session;

use super::export::{self, Format};
use super::{
    EmbeddedForm, FormPage, ListPage, ListRow, Paging, QueryPairs, ShowPage, TreeNode, columns,
    form_again, items_json, label, list_area, opt_date, stale,
};
use crate::domain::area::{AreaRef, Level};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::forms::{Check, Field, FormBuilder, Raw, Vocab};
use crate::domain::i18n::Lang;
use crate::domain::vocab::{DirectiveKind, ReportStatus};
use crate::state::AppState;
use crate::storage::ResultExt;
use crate::storage::areas::area_ref;
use crate::storage::audit::{self, Actor, Entry};
use crate::web::auth::{Action, CsrfForm, CurrentUser};
use crate::web::page::Page;

/// Routes of the directive pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/directives", get(list).post(create))
        .route("/directives/new", get(new_form))
        .route("/directives/{id}", get(show).post(update))
        .route("/directives/{id}/edit", get(edit_form))
        .route("/directives/{id}/reports", post(report))
}

/// Routes of the directives API.
pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/directives", get(api_list).post(api_create))
        .route("/directives/{id}", get(api_show))
        .route("/directives/{id}/reports", post(api_report))
}

/// Whether `user` may issue from, or report for, `area` (its own command centre).
pub fn may_act_for(user: &CurrentUser, area: &AreaRef) -> bool {
    match area.level {
        Level::City => user.can(Action::WriteCityRecord(area)),
        Level::District => user.can(Action::WriteDistrictRecord(area)),
        Level::Commune => user.can(Action::WriteCommuneRecord(area)),
    }
}

/// A directive with its completion.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct DirectiveRow {
    pub id: i64,
    pub issuer_code: String,
    pub issuer_name: String,
    pub number: String,
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub issued_on: NaiveDate,
    pub effective_from: Option<NaiveDate>,
    pub effective_to: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub implements_id: Option<i64>,
    pub version: i32,
    pub targets: i64,
    pub done: i64,
    pub overdue: i64,
}

impl DirectiveRow {
    /// Share of targets done, 0–1 (1 when there is no target).
    pub fn done_rate(&self) -> f64 {
        if self.targets == 0 {
            1.0
        } else {
            self.done as f64 / self.targets as f64
        }
    }

    fn to_raw(&self) -> Raw {
        let mut r = Raw::default();
        r.set("issuer_code", &self.issuer_code);
        r.set("number", &self.number);
        r.set("kind", &self.kind);
        r.set("title", &self.title);
        r.set("summary", &self.summary);
        r.set("issued_on", self.issued_on.to_string());
        r.set(
            "effective_from",
            self.effective_from
                .map(|d| d.to_string())
                .unwrap_or_default(),
        );
        r.set(
            "effective_to",
            self.effective_to.map(|d| d.to_string()).unwrap_or_default(),
        );
        r.set(
            "due_on",
            self.due_on.map(|d| d.to_string()).unwrap_or_default(),
        );
        r.set("version", self.version.to_string());
        r
    }
}

/// `$1` is today (for overdue).
const SELECT: &str = "select d.id, d.issuer_code, a.name as issuer_name, d.number, d.kind, d.title, d.summary,
    d.issued_on, d.effective_from, d.effective_to, d.due_on, d.implements_id, d.version,
    (select count(*) from directive_targets t where t.directive_id = d.id) as targets,
    (select count(*) from directive_targets t where t.directive_id = d.id and t.status = 'done') as done,
    (select count(*) from directive_targets t where t.directive_id = d.id and t.status is distinct from 'done'
       and d.due_on < $1) as overdue
    from directives d join areas a on a.code = d.issuer_code";

/// Directives issued in, or sent to, the area in `$2`.
const VISIBLE: &str = "(exists (select 1 from areas i left join areas ip on ip.code = i.parent_code
        where i.code = d.issuer_code and (i.code = $2 or i.parent_code = $2 or ip.parent_code = $2))
     or exists (select 1 from directive_targets t join areas ta on ta.code = t.area_code
        left join areas tp on tp.code = ta.parent_code
        where t.directive_id = d.id and (ta.code = $2 or ta.parent_code = $2 or tp.parent_code = $2)))";

async fn load(state: &AppState, user: &CurrentUser, id: i64) -> Result<DirectiveRow, AppError> {
    let row: DirectiveRow = sqlx::query_as(&format!("{SELECT} where d.id = $2"))
        .bind(state.clock.today())
        .bind(id)
        .fetch_optional(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let issuer = area_ref(&state.db, &row.issuer_code)
        .await?
        .ok_or(AppError::NotFound)?;
    if !user.can(Action::ReadArea(&issuer)) {
        // Those it was sent to read it too.
        let targets: Vec<String> =
            sqlx::query_scalar("select area_code from directive_targets where directive_id = $1")
                .bind(id)
                .fetch_all(&state.db)
                .await?;
        let mut readable = false;
        for t in targets {
            if let Some(a) = area_ref(&state.db, &t).await?
                && user.can(Action::ReadArea(&a))
            {
                readable = true;
                break;
            }
        }
        if !readable {
            return Err(AppError::Forbidden);
        }
    }
    Ok(row)
}

struct Values {
    issuer: AreaRef,
    number: String,
    kind: DirectiveKind,
    title: String,
    summary: String,
    issued_on: NaiveDate,
    effective_from: Option<NaiveDate>,
    effective_to: Option<NaiveDate>,
    due_on: Option<NaiveDate>,
    targets: Vec<String>,
    implements_id: Option<i64>,
}

impl Values {
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({"issuer_code": self.issuer.code, "number": self.number, "kind": self.kind.as_str(),
            "title": self.title, "summary": self.summary, "issued_on": self.issued_on,
            "effective_from": self.effective_from, "effective_to": self.effective_to, "due_on": self.due_on,
            "target_codes": self.targets, "implements_id": self.implements_id})
    }
}

/// Checks a directive; with `existing`, the issuer, targets and parent are
/// those stored (only the text and dates are edited).
async fn check(
    db: &PgPool,
    user: &CurrentUser,
    raw: &Raw,
    today: NaiveDate,
    existing: Option<&DirectiveRow>,
) -> Result<Values, AppError> {
    let mut c = Check::new(raw);
    let code = match existing {
        Some(d) => Some(d.issuer_code.clone()),
        None => c.code("issuer_code"),
    };
    let number = c.text("number", true, 60);
    let kind = c.choice::<DirectiveKind>("kind", true);
    let title = c.text("title", true, 300);
    let summary = c.opt_text("summary", 4000);
    let issued_on = c.date("issued_on", true, Some(today));
    let effective_from = c.date("effective_from", false, None);
    let effective_to = c.date("effective_to", false, None);
    let due_on = c.date("due_on", false, None);
    if let (Some(i), Some(d)) = (issued_on, due_on)
        && d < i
    {
        c.fail("due_on", "err.date_order");
    }
    if let (Some(f), Some(t)) = (effective_from, effective_to)
        && t < f
    {
        c.fail("effective_to", "err.date_order");
    }
    let implements_id = if existing.is_some() {
        None
    } else {
        c.int("implements_id", false, 1, i64::MAX)
    };
    let mut errors = std::mem::take(&mut c.errors);
    let issuer = match code {
        Some(code) => match area_ref(db, &code).await? {
            None => {
                errors.add("issuer_code", "err.unknown_area");
                None
            }
            Some(a) if !may_act_for(user, &a) => return Err(AppError::Forbidden),
            Some(a) => Some(a),
        },
        None => None,
    };
    let mut targets = Vec::new();
    if let (Some(issuer), None) = (&issuer, existing) {
        let typed: Vec<String> = raw
            .get("target_codes")
            .split([',', ' ', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        if typed.is_empty() {
            targets =
                sqlx::query_scalar("select code from areas where parent_code = $1 order by code")
                    .bind(&issuer.code)
                    .fetch_all(db)
                    .await?;
        } else {
            for code in typed {
                match area_ref(db, &code).await? {
                    Some(a) if a.code != issuer.code && a.is_within(&issuer.code) => {
                        if !targets.contains(&a.code) {
                            targets.push(a.code)
                        }
                    }
                    Some(_) => {
                        errors.add("target_codes", "err.target_not_under_issuer");
                        break;
                    }
                    None => {
                        errors.add("target_codes", "err.unknown_area");
                        break;
                    }
                }
            }
        }
        if let Some(parent) = implements_id {
            let targeted: Option<bool> = sqlx::query_scalar(
                "select exists (select 1 from directive_targets where directive_id = $1 and area_code = $2)
                 from directives where id = $1",
            )
            .bind(parent)
            .bind(&issuer.code)
            .fetch_optional(db)
            .await?;
            match targeted {
                None => errors.add("implements_id", "err.unknown_directive"),
                Some(false) => errors.add("implements_id", "err.not_a_target"),
                Some(true) => {}
            }
        }
    }
    match (issuer, number, kind, title, issued_on) {
        (Some(issuer), Some(number), Some(kind), Some(title), Some(issued_on))
            if errors.is_empty() =>
        {
            Ok(Values {
                issuer,
                number,
                kind,
                title,
                summary,
                issued_on,
                effective_from,
                effective_to,
                due_on,
                targets,
                implements_id,
            })
        }
        _ => Err(AppError::Invalid(errors)),
    }
}

async fn insert(
    db: &PgPool,
    user: &CurrentUser,
    now: DateTime<Utc>,
    v: &Values,
) -> Result<i64, AppError> {
    let city = crate::domain::area::Codes::of(&v.issuer).city;
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "insert into directives (city_code, issuer_code, number, kind, title, summary, issued_on, effective_from,
           effective_to, due_on, implements_id, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) returning id",
    )
    .bind(&city)
    .bind(&v.issuer.code)
    .bind(&v.number)
    .bind(v.kind.as_str())
    .bind(&v.title)
    .bind(&v.summary)
    .bind(v.issued_on)
    .bind(v.effective_from)
    .bind(v.effective_to)
    .bind(v.due_on)
    .bind(v.implements_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .on_constraint("directives_number_key", "number", "err.number_taken")?;
    sqlx::query(
        "insert into directive_targets (directive_id, area_code) select $1, unnest($2::text[])",
    )
    .bind(id)
    .bind(&v.targets)
    .execute(&mut *tx)
    .await?;
    let entry = Entry {
        area_code: Some(&v.issuer.code),
        action: "create",
        entity: "directive",
        entity_id: id.to_string(),
        old: None,
        new: Some(v.to_json()),
    };
    audit::record(&mut tx, now, &Actor::from(user), entry).await?;
    tx.commit().await?;
    Ok(id)
}

fn fields(lang: Lang, raw: &Raw, errors: &FieldErrors, new: bool) -> Vec<Field> {
    let mut fb = FormBuilder::new(lang, raw, errors);
    fb.hidden("version");
    if new {
        fb.text("issuer_code", "directives.issuer", true, 5);
    }
    fb.text("number", "directives.number", true, 60)
        .choice::<DirectiveKind>("kind", "directives.kind", true, false)
        .text("title", "directives.title_field", true, 300)
        .textarea("summary", "directives.summary", 4000)
        .date("issued_on", "directives.issued_on", true)
        .date("effective_from", "directives.effective_from", false)
        .date("effective_to", "directives.effective_to", false)
        .date("due_on", "directives.due_on", false);
    if new {
        fb.text("target_codes", "directives.targets", false, 4000)
            .hint("directives.targets_hint")
            .number("implements_id", "directives.implements", false);
    }
    fb.build()
}

fn report_fields(
    lang: Lang,
    raw: &Raw,
    errors: &FieldErrors,
    targets: Vec<(String, String)>,
) -> Vec<Field> {
    FormBuilder::new(lang, raw, errors)
        .select("area_code", "rec.area", targets, true)
        .choice::<ReportStatus>("status", "directives.report_status", true, false)
        .text("note", "directives.report_note", false, 1000)
        .build()
}

async fn query(
    state: &AppState,
    area: &str,
    paging: Paging,
) -> Result<(Vec<DirectiveRow>, i64), AppError> {
    let total: i64 = sqlx::query_scalar(&format!(
        "select count(*) from directives d where {}",
        VISIBLE.replace("$2", "$1")
    ))
    .bind(area)
    .fetch_one(&state.db)
    .await?;
    let rows = sqlx::query_as(&format!(
        "{SELECT} where {VISIBLE} order by d.issued_on desc, d.id desc limit $3 offset $4"
    ))
    .bind(state.clock.today())
    .bind(area)
    .bind(paging.limit)
    .bind(paging.offset)
    .fetch_all(&state.db)
    .await?;
    Ok((rows, total))
}

fn percent(lang: Lang, rate: f64) -> String {
    format!("{}%", lang.int((rate * 100.0).round() as i64))
}

async fn list(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    q: QueryPairs,
) -> Result<Response, AppError> {
    let raw = Raw::from_form(q.0);
    let area = list_area(&state.db, &user, &raw).await?;
    let format = Format::from_raw(&raw);
    let paging = Paging::for_list(&raw);
    let (rows, total) = query(&state, &area.code, paging).await?;
    if let Some(format) = format {
        let headers = [
            "id",
            "issuer_code",
            "number",
            "kind",
            "title",
            "issued_on",
            "due_on",
            "implements_id",
            "targets",
            "done",
            "overdue",
        ];
        let out: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                vec![
                    r.id.to_string(),
                    r.issuer_code.clone(),
                    r.number.clone(),
                    r.kind.clone(),
                    r.title.clone(),
                    r.issued_on.to_string(),
                    r.due_on.map(|d| d.to_string()).unwrap_or_default(),
                    r.implements_id.map(|i| i.to_string()).unwrap_or_default(),
                    r.targets.to_string(),
                    r.done.to_string(),
                    r.overdue.to_string(),
                ]
            })
            .collect();
        return export::respond(format, &format!("van-ban-{}", area.code), &headers, &out);
    }
    let lang = page.lang;
    let list_rows = rows
        .iter()
        .map(|r| ListRow {
            href: format!("/directives/{}", r.id),
            cells: vec![
                r.number.clone(),
                label::<DirectiveKind>(lang, Some(&r.kind)),
                r.title.clone(),
                r.issuer_name.clone(),
                lang.date(r.issued_on),
                opt_date(lang, r.due_on),
                percent(lang, r.done_rate()),
                lang.int(r.overdue),
            ],
            muted: r.done == r.targets && r.targets > 0,
        })
        .collect();
    let errors = FieldErrors::default();
    let filters = FormBuilder::new(lang, &raw, &errors)
        .text("area", "rec.area", false, 5)
        .build();
    let keys = [
        "directives.number",
        "directives.kind",
        "directives.title_field",
        "directives.issuer",
        "directives.issued_on",
        "directives.due_on",
        "#directives.done_rate",
        "#directives.overdue",
    ];
    let title = format!("{} — {}", lang.t("directives.title"), area.name);
    let mut p = ListPage::new(
        page,
        title,
        "/directives",
        &raw,
        filters,
        columns(lang, &keys),
        list_rows,
        total,
        paging,
    );
    if user.role.as_str() != "admin" {
        p.new_href = Some("/directives/new".into());
    }
    Ok(p.into_response())
}

async fn new_form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    q: QueryPairs,
) -> Result<FormPage, AppError> {
    if !may_act_for(&user, &user.area) {
        return Err(AppError::Forbidden);
    }
    let mut raw = Raw::from_form(q.0);
    raw.set("issuer_code", user.area.code.clone());
    raw.set("issued_on", state.clock.today().to_string());
    if !raw.has("kind") {
        raw.set("kind", "directive");
    }
    let title = page.t("directives.new").to_string();
    let fields = fields(page.lang, &raw, &FieldErrors::default(), true);
    Ok(FormPage::blank(
        page,
        title,
        "/directives".into(),
        fields,
        "/directives",
    ))
}

async fn create(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let raw = Raw::from_form(form);
    let result = match check(&state.db, &user, &raw, state.clock.today(), None).await {
        Ok(v) => insert(&state.db, &user, state.clock.now(), &v).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => super::saved(&session, &page, "rec.created", &format!("/directives/{id}")).await,
        Err(e) => {
            let title = page.t("directives.new").to_string();
            form_again(
                page,
                title,
                "/directives".into(),
                "/directives",
                e,
                |lang, errors| fields(lang, &raw, errors, true),
            )
        }
    }
}

/// A target and its report.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct TargetRow {
    #[serde(skip)]
    pub directive_id: i64,
    pub area_code: String,
    pub name: String,
    pub status: Option<String>,
    pub note: String,
    pub reported_on: Option<NaiveDate>,
    pub overdue: bool,
}

/// The directive `id` and every directive implementing it, at any depth, with their targets.
async fn cascade_rows(
    state: &AppState,
    id: i64,
) -> Result<(Vec<DirectiveRow>, Vec<TargetRow>), AppError> {
    let directives: Vec<DirectiveRow> = sqlx::query_as(&format!(
        "with recursive c as (select id from directives where id = $2
           union all select d.id from directives d join c on d.implements_id = c.id)
         {SELECT} where d.id in (select id from c) order by d.issued_on, d.id"
    ))
    .bind(state.clock.today())
    .bind(id)
    .fetch_all(&state.db)
    .await?;
    let ids: Vec<i64> = directives.iter().map(|d| d.id).collect();
    let targets: Vec<TargetRow> = sqlx::query_as(
        "select t.directive_id, t.area_code, a.name, t.status, t.note, t.reported_on,
           coalesce(d.due_on < $2 and t.status is distinct from 'done', false) as overdue
         from directive_targets t join areas a on a.code = t.area_code join directives d on d.id = t.directive_id
         where t.directive_id = any($1) order by a.name",
    )
    .bind(&ids)
    .bind(state.clock.today())
    .fetch_all(&state.db)
    .await?;
    Ok((directives, targets))
}

/// The top of the cascade `id` belongs to.
async fn root_of(db: &PgPool, id: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "with recursive up as (select id, implements_id, 0 as depth from directives where id = $1
           union all select d.id, d.implements_id, up.depth + 1 from directives d join up on d.id = up.implements_id
           where up.depth < 50)
         select id from up order by depth desc limit 1",
    )
    .bind(id)
    .fetch_one(db)
    .await?)
}

fn status_label(lang: Lang, t: &TargetRow) -> String {
    let s = match &t.status {
        Some(s) => label::<ReportStatus>(lang, Some(s)),
        None => lang.t("directives.not_received").to_string(),
    };
    if t.overdue {
        format!("{s} · {}", lang.t("directives.overdue"))
    } else {
        s
    }
}

/// Draws the cascade under `id` as indented nodes: a directive, its
/// targets, and under each target the directives it issued to implement it.
fn tree(
    lang: Lang,
    id: i64,
    depth: usize,
    ds: &HashMap<i64, &DirectiveRow>,
    ts: &[TargetRow],
    out: &mut Vec<TreeNode>,
) {
    let Some(d) = ds.get(&id) else { return };
    out.push(TreeNode {
        depth,
        href: format!("/directives/{}", d.id),
        label: format!(
            "{} {} — {} ({})",
            label::<DirectiveKind>(lang, Some(&d.kind)),
            d.number,
            d.issuer_name,
            percent(lang, d.done_rate())
        ),
        status: String::new(),
        overdue: false,
        is_directive: true,
    });
    for t in ts.iter().filter(|t| t.directive_id == id) {
        out.push(TreeNode {
            depth: depth + 1,
            href: String::new(),
            label: t.name.clone(),
            status: status_label(lang, t),
            overdue: t.overdue,
            is_directive: false,
        });
        let mut children: Vec<&&DirectiveRow> = ds
            .values()
            .filter(|c| c.implements_id == Some(id) && c.issuer_code == t.area_code)
            .collect();
        children.sort_by_key(|c| c.id);
        for c in children {
            tree(lang, c.id, depth + 2, ds, ts, out);
        }
    }
}

async fn show_page(
    state: &AppState,
    page: Page,
    user: &CurrentUser,
    d: DirectiveRow,
    report_raw: Raw,
    errors: FieldErrors,
) -> Result<ShowPage, AppError> {
    let lang = page.lang;
    let root = root_of(&state.db, d.id).await?;
    let (all, targets) = cascade_rows(state, root).await?;
    let index: HashMap<i64, &DirectiveRow> = all.iter().map(|x| (x.id, x)).collect();
    let mut nodes = Vec::new();
    tree(lang, root, 0, &index, &targets, &mut nodes);
    let facts = vec![
        (lang.t("directives.number").to_string(), d.number.clone()),
        (
            lang.t("directives.kind").to_string(),
            label::<DirectiveKind>(lang, Some(&d.kind)),
        ),
        (
            lang.t("directives.issuer").to_string(),
            d.issuer_name.clone(),
        ),
        (
            lang.t("directives.issued_on").to_string(),
            lang.date(d.issued_on),
        ),
        (
            lang.t("directives.effective_from").to_string(),
            opt_date(lang, d.effective_from),
        ),
        (
            lang.t("directives.effective_to").to_string(),
            opt_date(lang, d.effective_to),
        ),
        (
            lang.t("directives.due_on").to_string(),
            opt_date(lang, d.due_on),
        ),
        (lang.t("directives.summary").to_string(), d.summary.clone()),
        (
            lang.t("directives.done_rate").to_string(),
            format!(
                "{} ({}/{})",
                percent(lang, d.done_rate()),
                d.done,
                d.targets
            ),
        ),
        (
            lang.t("directives.overdue").to_string(),
            lang.int(d.overdue),
        ),
    ];
    let mut actions = Vec::new();
    let issuer = area_ref(&state.db, &d.issuer_code)
        .await?
        .ok_or(AppError::NotFound)?;
    if may_act_for(user, &issuer) {
        actions.push((
            format!("/directives/{}/edit", d.id),
            lang.t("rec.edit").to_string(),
        ));
    }
    // Targets this user reports for, and directives they may issue under it.
    let mut reportable = Vec::new();
    for t in targets.iter().filter(|t| t.directive_id == d.id) {
        if let Some(a) = area_ref(&state.db, &t.area_code).await?
            && may_act_for(user, &a)
        {
            reportable.push((t.area_code.clone(), t.name.clone()));
            if a.level != Level::Commune && user.area.code == a.code {
                actions.push((
                    format!("/directives/new?implements_id={}", d.id),
                    lang.t("directives.new").to_string(),
                ));
            }
        }
    }
    let mut forms = Vec::new();
    if !reportable.is_empty() {
        forms.push(EmbeddedForm {
            title: lang.t("directives.report").into(),
            action: format!("/directives/{}/reports", d.id),
            fields: report_fields(lang, &report_raw, &errors, reportable),
            submit: lang.t("common.save").into(),
        });
    }
    Ok(ShowPage {
        title: format!(
            "{} {} — {}",
            label::<DirectiveKind>(lang, Some(&d.kind)),
            d.number,
            d.title
        ),
        page,
        facts,
        actions,
        banner: None,
        sections: vec![],
        tree: nodes,
        forms,
        back_href: "/directives".into(),
    })
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<ShowPage, AppError> {
    let d = load(&state, &user, id).await?;
    show_page(
        &state,
        page,
        &user,
        d,
        Raw::default(),
        FieldErrors::default(),
    )
    .await
}

/// Records a target's report.
async fn save_report(
    state: &AppState,
    user: &CurrentUser,
    d: &DirectiveRow,
    raw: &Raw,
) -> Result<(), AppError> {
    let mut c = Check::new(raw);
    let code = c.code("area_code");
    let status = c.choice::<ReportStatus>("status", true);
    let note = c.opt_text("note", 1000);
    let (Some(code), Some(status)) = (code, status) else {
        return Err(AppError::Invalid(c.errors));
    };
    let area = area_ref(&state.db, &code).await?;
    let Some(area) = area else {
        let mut f = FieldErrors::default();
        f.add("area_code", "err.unknown_area");
        return Err(AppError::Invalid(f));
    };
    if !may_act_for(user, &area) {
        return Err(AppError::Forbidden);
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let old: Option<(Option<String>, String)> =
        sqlx::query_as("select status, note from directive_targets where directive_id = $1 and area_code = $2 for update")
            .bind(d.id)
            .bind(&area.code)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(old) = old else {
        let mut f = FieldErrors::default();
        f.add("area_code", "err.not_a_target");
        return Err(AppError::Invalid(f));
    };
    sqlx::query(
        "update directive_targets set status = $3, note = $4, reported_on = $5, updated_at = $6
         where directive_id = $1 and area_code = $2",
    )
    .bind(d.id)
    .bind(&area.code)
    .bind(status.as_str())
    .bind(&note)
    .bind(state.clock.today())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let entry = Entry {
        area_code: Some(&area.code),
        action: "report",
        entity: "directive",
        entity_id: d.id.to_string(),
        old: Some(serde_json::json!({"status": old.0, "note": old.1})),
        new: Some(serde_json::json!({"status": status.as_str(), "note": note})),
    };
    audit::record(&mut tx, now, &Actor::from(user), entry).await?;
    tx.commit().await?;
    Ok(())
}

async fn report(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let d = load(&state, &user, id).await?;
    let raw = Raw::from_form(form);
    match save_report(&state, &user, &d, &raw).await {
        Ok(()) => super::saved(&session, &page, "rec.saved", &format!("/directives/{id}")).await,
        Err(AppError::Invalid(errors)) => {
            let p = show_page(&state, page, &user, d, raw, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<FormPage, AppError> {
    let d = load(&state, &user, id).await?;
    let issuer = area_ref(&state.db, &d.issuer_code)
        .await?
        .ok_or(AppError::NotFound)?;
    if !may_act_for(&user, &issuer) {
        return Err(AppError::Forbidden);
    }
    let title = page.t("directives.edit").to_string();
    let fields = fields(page.lang, &d.to_raw(), &FieldErrors::default(), false);
    Ok(FormPage::blank(
        page,
        title,
        format!("/directives/{id}"),
        fields,
        "/directives",
    ))
}

async fn update(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let old = load(&state, &user, id).await?;
    let raw = Raw::from_form(form);
    let now = state.clock.now();
    let result = async {
        let ver = super::version(&raw)?;
        let v = check(&state.db, &user, &raw, state.clock.today(), Some(&old)).await?;
        let mut tx = state.db.begin().await?;
        let done = sqlx::query(
            "update directives set number = $3, kind = $4, title = $5, summary = $6, issued_on = $7,
               effective_from = $8, effective_to = $9, due_on = $10, version = version + 1, updated_at = $11
             where id = $1 and version = $2",
        )
        .bind(id)
        .bind(ver)
        .bind(&v.number)
        .bind(v.kind.as_str())
        .bind(&v.title)
        .bind(&v.summary)
        .bind(v.issued_on)
        .bind(v.effective_from)
        .bind(v.effective_to)
        .bind(v.due_on)
        .bind(now)
        .execute(&mut *tx)
        .await
        .on_constraint("directives_number_key", "number", "err.number_taken")?;
        if done.rows_affected() != 1 {
            return Err(stale());
        }
        let entry = Entry {
            area_code: Some(&old.issuer_code),
            action: "update",
            entity: "directive",
            entity_id: id.to_string(),
            old: Some(serde_json::to_value(&old).unwrap_or_default()),
            new: Some(v.to_json()),
        };
        audit::record(&mut tx, now, &Actor::from(&user), entry).await?;
        tx.commit().await?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => super::saved(&session, &page, "rec.saved", &format!("/directives/{id}")).await,
        Err(e) => {
            let title = page.t("directives.edit").to_string();
            form_again(
                page,
                title,
                format!("/directives/{id}"),
                "/directives",
                e,
                |lang, errors| fields(lang, &raw, errors, false),
            )
        }
    }
}

/// The JSON of a directive with its targets and, nested, the directives implementing it.
fn cascade_json(id: i64, ds: &HashMap<i64, &DirectiveRow>, ts: &[TargetRow]) -> serde_json::Value {
    let Some(d) = ds.get(&id) else {
        return serde_json::Value::Null;
    };
    let targets: Vec<serde_json::Value> = ts
        .iter()
        .filter(|t| t.directive_id == id)
        .map(|t| {
            let mut children: Vec<i64> = ds.values().filter(|c| c.implements_id == Some(id) && c.issuer_code == t.area_code).map(|c| c.id).collect();
            children.sort();
            serde_json::json!({
                "area_code": t.area_code, "name": t.name, "status": t.status, "note": t.note,
                "reported_on": t.reported_on, "overdue": t.overdue,
                "implemented_by": children.into_iter().map(|c| cascade_json(c, ds, ts)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut v = serde_json::to_value(d).unwrap_or_default();
    v["done_rate"] = d.done_rate().into();
    v["targets"] = targets.into();
    v
}

async fn api_show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<serde_json::Value>, AppError> {
    load(&state, &user, id).await?;
    let (all, targets) = cascade_rows(&state, id).await?;
    let index: HashMap<i64, &DirectiveRow> = all.iter().map(|x| (x.id, x)).collect();
    Ok(Json(cascade_json(id, &index, &targets)))
}

async fn api_list(
    State(state): State<AppState>,
    user: CurrentUser,
    q: QueryPairs,
) -> Result<Json<serde_json::Value>, AppError> {
    let raw = Raw::from_form(q.0);
    let area = list_area(&state.db, &user, &raw).await?;
    let (rows, total) = query(&state, &area.code, Paging::from_raw(&raw)).await?;
    Ok(items_json(&rows, total))
}

async fn api_create(
    State(state): State<AppState>,
    user: CurrentUser,
    crate::web::api::ApiJson(body): crate::web::api::ApiJson<serde_json::Value>,
) -> Result<(StatusCode, Json<serde_json::Value>), AppError> {
    let raw = Raw::from_json(body)?;
    let v = check(&state.db, &user, &raw, state.clock.today(), None).await?;
    let id = insert(&state.db, &user, state.clock.now(), &v).await?;
    let (all, targets) = cascade_rows(&state, id).await?;
    let index: HashMap<i64, &DirectiveRow> = all.iter().map(|x| (x.id, x)).collect();
    Ok((
        StatusCode::CREATED,
        Json(cascade_json(id, &index, &targets)),
    ))
}

async fn api_report(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    crate::web::api::ApiJson(body): crate::web::api::ApiJson<serde_json::Value>,
) -> Result<Json<serde_json::Value>, AppError> {
    let d = load(&state, &user, id).await?;
    let raw = Raw::from_json(body)?;
    save_report(&state, &user, &d, &raw).await?;
    let (all, targets) = cascade_rows(&state, id).await?;
    let index: HashMap<i64, &DirectiveRow> = all.iter().map(|x| (x.id, x)).collect();
    Ok(Json(cascade_json(id, &index, &targets)))
}
