//! Checkpoints (chốt kiểm soát) and their daily shift reports: people and
//! vehicles checked, violations, fines in VND.

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
    EmbeddedForm, FormPage, ListPage, ListRow, Paging, QueryPairs, Section, ShowPage, columns,
    form_again, items_json, label, list_area, stale,
};
use crate::domain::area::Codes;
use crate::domain::area::{AreaRef, Level};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::forms::{Check, Field, FormBuilder, Raw, Vocab};
use crate::domain::i18n::Lang;
use crate::domain::vocab::{CheckpointKind, CheckpointStatus, StaffedBy};
use crate::state::AppState;
use crate::storage::areas::area_ref;
use crate::storage::audit::{self, Actor, Entry};
use crate::web::auth::{Action, CsrfForm, CurrentUser};
use crate::web::page::Page;

/// Routes of the checkpoint pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/checkpoints", get(list).post(create))
        .route("/checkpoints/new", get(new_form))
        .route("/checkpoints/{id}", get(show).post(update))
        .route("/checkpoints/{id}/edit", get(edit_form))
        .route("/checkpoints/{id}/reports", post(add_report))
}

/// Routes of the checkpoints API.
pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/checkpoints", get(api_list).post(api_create))
        .route("/checkpoints/{id}", get(api_show))
        .route(
            "/checkpoints/{id}/reports",
            post(api_report).get(api_reports),
        )
}

/// Whether `user` may write a checkpoint in `area` (a commune's own, a
/// district border's, or a city gate's).
pub fn may_write(user: &CurrentUser, area: &AreaRef) -> bool {
    match area.level {
        Level::City => user.can(Action::WriteCityRecord(area)),
        Level::District => user.can(Action::WriteDistrictRecord(area)),
        Level::Commune => user.can(Action::WriteCommuneRecord(area)),
    }
}

/// A checkpoint with today's figures.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct CheckpointRow {
    pub id: i64,
    #[serde(skip)]
    pub city_code: String,
    pub area_code: String,
    pub area_name: String,
    #[serde(skip)]
    pub area_level: String,
    #[serde(skip)]
    pub area_parent: Option<String>,
    pub name: String,
    pub kind: String,
    pub staffed_by: String,
    pub status: String,
    pub status_on: NaiveDate,
    pub version: i32,
    pub violations_today: i64,
}

const SELECT: &str = "select k.id, k.city_code, k.area_code, a.name as area_name, a.level as area_level,
    a.parent_code as area_parent, k.name, k.kind, k.staffed_by, k.status, k.status_on, k.version,
    coalesce((select sum(r.violations) from checkpoint_reports r where r.checkpoint_id = k.id and r.day = $1), 0)::int8 as violations_today
    from checkpoints k join areas a on a.code = k.area_code";

impl CheckpointRow {
    fn area(&self) -> AreaRef {
        let level = Level::parse(&self.area_level).unwrap_or(Level::Commune);
        AreaRef {
            code: self.area_code.clone(),
            name: self.area_name.clone(),
            level,
            parent_code: self.area_parent.clone(),
            grandparent_code: if level == Level::Commune {
                Some(self.city_code.clone())
            } else {
                None
            },
        }
    }

    fn to_raw(&self) -> Raw {
        let mut r = Raw::default();
        r.set("area_code", &self.area_code);
        r.set("name", &self.name);
        r.set("kind", &self.kind);
        r.set("staffed_by", &self.staffed_by);
        r.set("status", &self.status);
        r.set("status_on", self.status_on.to_string());
        r.set("version", self.version.to_string());
        r
    }
}

async fn load(state: &AppState, user: &CurrentUser, id: i64) -> Result<CheckpointRow, AppError> {
    let row: CheckpointRow = sqlx::query_as(&format!("{SELECT} where k.id = $2"))
        .bind(state.clock.today())
        .bind(id)
        .fetch_optional(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    user.authorize(Action::ReadArea(&row.area()))?;
    Ok(row)
}

struct Values {
    area: AreaRef,
    name: String,
    kind: CheckpointKind,
    staffed_by: StaffedBy,
    status: CheckpointStatus,
    status_on: NaiveDate,
}

impl Values {
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({"area_code": self.area.code, "name": self.name, "kind": self.kind.as_str(),
            "staffed_by": self.staffed_by.as_str(), "status": self.status.as_str(), "status_on": self.status_on})
    }
}

async fn check(
    db: &PgPool,
    user: &CurrentUser,
    raw: &Raw,
    today: NaiveDate,
) -> Result<Values, AppError> {
    let mut c = Check::new(raw);
    let code = c.code("area_code");
    let name = c.text("name", true, 200);
    let kind = c.choice::<CheckpointKind>("kind", true);
    let staffed_by = c.choice::<StaffedBy>("staffed_by", true);
    let status = c.choice::<CheckpointStatus>("status", true);
    let status_on = c.date("status_on", false, Some(today)).unwrap_or(today);
    let mut errors = std::mem::take(&mut c.errors);
    let area = match code {
        Some(code) => match area_ref(db, &code).await? {
            None => {
                errors.add("area_code", "err.unknown_area");
                None
            }
            Some(a) if !may_write(user, &a) => return Err(AppError::Forbidden),
            Some(a) => Some(a),
        },
        None => None,
    };
    match (area, name, kind, staffed_by, status) {
        (Some(area), Some(name), Some(kind), Some(staffed_by), Some(status))
            if errors.is_empty() =>
        {
            Ok(Values {
                area,
                name,
                kind,
                staffed_by,
                status,
                status_on,
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
    let codes = Codes::of(&v.area);
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "insert into checkpoints (city_code, district_code, area_code, name, kind, staffed_by, status, status_on, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) returning id",
    )
    .bind(&codes.city)
    .bind(&codes.district)
    .bind(&v.area.code)
    .bind(&v.name)
    .bind(v.kind.as_str())
    .bind(v.staffed_by.as_str())
    .bind(v.status.as_str())
    .bind(v.status_on)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let entry = Entry {
        area_code: Some(&v.area.code),
        action: "create",
        entity: "checkpoint",
        entity_id: id.to_string(),
        old: None,
        new: Some(v.to_json()),
    };
    audit::record(&mut tx, now, &Actor::from(user), entry).await?;
    tx.commit().await?;
    Ok(id)
}

fn fields(lang: Lang, raw: &Raw, errors: &FieldErrors) -> Vec<Field> {
    FormBuilder::new(lang, raw, errors)
        .hidden("version")
        .text("area_code", "rec.area", true, 5)
        .text("name", "checkpoints.name", true, 200)
        .choice::<CheckpointKind>("kind", "checkpoints.kind", true, false)
        .choice::<StaffedBy>("staffed_by", "checkpoints.staffed_by", true, false)
        .choice::<CheckpointStatus>("status", "checkpoints.status", true, false)
        .date("status_on", "checkpoints.status_on", false)
        .build()
}

fn report_fields(lang: Lang, raw: &Raw, errors: &FieldErrors) -> Vec<Field> {
    FormBuilder::new(lang, raw, errors)
        .date("date", "checkpoints.day", true)
        .number("people_checked", "checkpoints.people_checked", true)
        .number("vehicles_checked", "checkpoints.vehicles_checked", true)
        .number("violations", "checkpoints.violations", true)
        .number("fines_vnd", "checkpoints.fines_vnd", true)
        .build()
}

async fn query(
    state: &AppState,
    area: &str,
    status: Option<CheckpointStatus>,
    paging: Paging,
) -> Result<(Vec<CheckpointRow>, i64), AppError> {
    let cond = "(k.city_code = $2 or k.district_code = $2 or k.area_code = $2) and ($3::text is null or k.status = $3)";
    let total: i64 = sqlx::query_scalar(&format!(
        "select count(*) from checkpoints k where {}",
        cond.replace("$2", "$1").replace("$3", "$2")
    ))
    .bind(area)
    .bind(status.map(|s| s.as_str()))
    .fetch_one(&state.db)
    .await?;
    let rows = sqlx::query_as(&format!(
        "{SELECT} where {cond} order by k.name, k.id limit $4 offset $5"
    ))
    .bind(state.clock.today())
    .bind(area)
    .bind(status.map(|s| s.as_str()))
    .bind(paging.limit)
    .bind(paging.offset)
    .fetch_all(&state.db)
    .await?;
    Ok((rows, total))
}

async fn list(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    q: QueryPairs,
) -> Result<Response, AppError> {
    let raw = Raw::from_form(q.0);
    let area = list_area(&state.db, &user, &raw).await?;
    let mut c = Check::new(&raw);
    let status = c.choice::<CheckpointStatus>("status", false);
    c.finish()?;
    let format = Format::from_raw(&raw);
    let paging = Paging::for_list(&raw);
    let (rows, total) = query(&state, &area.code, status, paging).await?;
    if let Some(format) = format {
        let headers = [
            "id",
            "area_code",
            "name",
            "kind",
            "staffed_by",
            "status",
            "status_on",
            "violations_today",
        ];
        let out: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                vec![
                    r.id.to_string(),
                    r.area_code.clone(),
                    r.name.clone(),
                    r.kind.clone(),
                    r.staffed_by.clone(),
                    r.status.clone(),
                    r.status_on.to_string(),
                    r.violations_today.to_string(),
                ]
            })
            .collect();
        return export::respond(
            format,
            &format!("chot-kiem-soat-{}", area.code),
            &headers,
            &out,
        );
    }
    let lang = page.lang;
    let list_rows = rows
        .iter()
        .map(|r| ListRow {
            href: format!("/checkpoints/{}", r.id),
            cells: vec![
                r.name.clone(),
                r.area_name.clone(),
                label::<CheckpointKind>(lang, Some(&r.kind)),
                label::<StaffedBy>(lang, Some(&r.staffed_by)),
                label::<CheckpointStatus>(lang, Some(&r.status)),
                lang.int(r.violations_today),
            ],
            muted: r.status != "active",
        })
        .collect();
    let errors = FieldErrors::default();
    let filters = FormBuilder::new(lang, &raw, &errors)
        .text("area", "rec.area", false, 5)
        .choice::<CheckpointStatus>("status", "checkpoints.status", false, true)
        .build();
    let keys = [
        "checkpoints.name",
        "rec.area",
        "checkpoints.kind",
        "checkpoints.staffed_by",
        "checkpoints.status",
        "#checkpoints.violations",
    ];
    let title = format!("{} — {}", lang.t("checkpoints.title"), area.name);
    let mut p = ListPage::new(
        page,
        title,
        "/checkpoints",
        &raw,
        filters,
        columns(lang, &keys),
        list_rows,
        total,
        paging,
    );
    if user.role.as_str() != "admin" {
        p.new_href = Some("/checkpoints/new".into());
    }
    Ok(p.into_response())
}

async fn new_form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
) -> Result<FormPage, AppError> {
    if user.role.as_str() == "admin" {
        return Err(AppError::Forbidden);
    }
    let mut raw = Raw::default();
    raw.set("area_code", user.area.code.clone());
    raw.set("status", "active");
    raw.set("status_on", state.clock.today().to_string());
    raw.set(
        "kind",
        if user.area.level == Level::City {
            "city_gate"
        } else {
            "commune"
        },
    );
    let title = page.t("checkpoints.new").to_string();
    let fields = fields(page.lang, &raw, &FieldErrors::default());
    Ok(FormPage::blank(
        page,
        title,
        "/checkpoints".into(),
        fields,
        "/checkpoints",
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
    let result = match check(&state.db, &user, &raw, state.clock.today()).await {
        Ok(v) => insert(&state.db, &user, state.clock.now(), &v).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => {
            super::saved(
                &session,
                &page,
                "rec.created",
                &format!("/checkpoints/{id}"),
            )
            .await
        }
        Err(e) => {
            let title = page.t("checkpoints.new").to_string();
            form_again(
                page,
                title,
                "/checkpoints".into(),
                "/checkpoints",
                e,
                |lang, errors| fields(lang, &raw, errors),
            )
        }
    }
}

type ReportRow = (NaiveDate, i32, i32, i32, i64);

async fn reports(db: &PgPool, id: i64) -> Result<Vec<ReportRow>, AppError> {
    Ok(sqlx::query_as(
        "select day, people_checked, vehicles_checked, violations, fines_vnd from checkpoint_reports
         where checkpoint_id = $1 order by day desc, id desc limit 400",
    )
    .bind(id)
    .fetch_all(db)
    .await?)
}

async fn show_page(
    state: &AppState,
    page: Page,
    user: &CurrentUser,
    r: CheckpointRow,
    report_raw: Raw,
    errors: FieldErrors,
) -> Result<ShowPage, AppError> {
    let lang = page.lang;
    let facts = vec![
        (lang.t("checkpoints.name").to_string(), r.name.clone()),
        (lang.t("rec.area").to_string(), r.area_name.clone()),
        (
            lang.t("checkpoints.kind").to_string(),
            label::<CheckpointKind>(lang, Some(&r.kind)),
        ),
        (
            lang.t("checkpoints.staffed_by").to_string(),
            label::<StaffedBy>(lang, Some(&r.staffed_by)),
        ),
        (
            lang.t("checkpoints.status").to_string(),
            label::<CheckpointStatus>(lang, Some(&r.status)),
        ),
        (
            lang.t("checkpoints.status_on").to_string(),
            lang.date(r.status_on),
        ),
    ];
    let writable = may_write(user, &r.area());
    let mut actions = Vec::new();
    let mut forms = Vec::new();
    if writable {
        actions.push((
            format!("/checkpoints/{}/edit", r.id),
            lang.t("rec.edit").to_string(),
        ));
        forms.push(EmbeddedForm {
            title: lang.t("checkpoints.new_report").into(),
            action: format!("/checkpoints/{}/reports", r.id),
            fields: report_fields(lang, &report_raw, &errors),
            submit: lang.t("common.save").into(),
        });
    }
    let section = Section {
        title: lang.t("checkpoints.reports").into(),
        columns: columns(
            lang,
            &[
                "checkpoints.day",
                "#checkpoints.people_checked",
                "#checkpoints.vehicles_checked",
                "#checkpoints.violations",
                "#checkpoints.fines_vnd",
            ],
        ),
        rows: reports(&state.db, r.id)
            .await?
            .into_iter()
            .map(|(d, p, v, x, f)| {
                vec![
                    lang.date(d),
                    lang.int(p.into()),
                    lang.int(v.into()),
                    lang.int(x.into()),
                    lang.int(f),
                ]
            })
            .collect(),
    };
    Ok(ShowPage {
        title: r.name.clone(),
        page,
        facts,
        actions,
        banner: None,
        sections: vec![section],
        tree: vec![],
        forms,
        back_href: "/checkpoints".into(),
    })
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<ShowPage, AppError> {
    let r = load(&state, &user, id).await?;
    let mut raw = Raw::default();
    raw.set("date", state.clock.today().to_string());
    show_page(&state, page, &user, r, raw, FieldErrors::default()).await
}

/// Stores one shift report with its audit row.
async fn insert_report(
    state: &AppState,
    user: &CurrentUser,
    cp: &CheckpointRow,
    raw: &Raw,
) -> Result<i64, AppError> {
    if !may_write(user, &cp.area()) {
        return Err(AppError::Forbidden);
    }
    let mut c = Check::new(raw);
    let day = c.date("date", true, Some(state.clock.today()));
    let people = c.int("people_checked", true, 0, 10_000_000);
    let vehicles = c.int("vehicles_checked", true, 0, 10_000_000);
    let violations = c.int("violations", true, 0, 10_000_000);
    let fines = c.int("fines_vnd", true, 0, 1_000_000_000_000);
    let (Some(day), Some(people), Some(vehicles), Some(violations), Some(fines)) =
        (day, people, vehicles, violations, fines)
    else {
        return Err(AppError::Invalid(c.errors));
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "insert into checkpoint_reports (checkpoint_id, day, people_checked, vehicles_checked, violations, fines_vnd, created_at)
         values ($1, $2, $3, $4, $5, $6, $7) returning id",
    )
    .bind(cp.id)
    .bind(day)
    .bind(people as i32)
    .bind(vehicles as i32)
    .bind(violations as i32)
    .bind(fines)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let entry = Entry {
        area_code: Some(&cp.area_code),
        action: "create",
        entity: "checkpoint_report",
        entity_id: id.to_string(),
        old: None,
        new: Some(
            serde_json::json!({"checkpoint_id": cp.id, "date": day, "people_checked": people,
            "vehicles_checked": vehicles, "violations": violations, "fines_vnd": fines}),
        ),
    };
    audit::record(&mut tx, now, &Actor::from(user), entry).await?;
    tx.commit().await?;
    Ok(id)
}

async fn add_report(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let cp = load(&state, &user, id).await?;
    let raw = Raw::from_form(form);
    match insert_report(&state, &user, &cp, &raw).await {
        Ok(_) => super::saved(&session, &page, "rec.saved", &format!("/checkpoints/{id}")).await,
        Err(AppError::Invalid(errors)) => {
            let p = show_page(&state, page, &user, cp, raw, errors).await?;
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
    let r = load(&state, &user, id).await?;
    if !may_write(&user, &r.area()) {
        return Err(AppError::Forbidden);
    }
    let title = page.t("checkpoints.edit").to_string();
    let fields = fields(page.lang, &r.to_raw(), &FieldErrors::default());
    Ok(FormPage::blank(
        page,
        title,
        format!("/checkpoints/{id}"),
        fields,
        "/checkpoints",
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
    if !may_write(&user, &old.area()) {
        return Err(AppError::Forbidden);
    }
    let raw = Raw::from_form(form);
    let now = state.clock.now();
    let result = async {
        let ver = super::version(&raw)?;
        let v = check(&state.db, &user, &raw, state.clock.today()).await?;
        let codes = Codes::of(&v.area);
        let mut tx = state.db.begin().await?;
        let done = sqlx::query(
            "update checkpoints set city_code = $3, district_code = $4, area_code = $5, name = $6, kind = $7,
               staffed_by = $8, status = $9, status_on = $10, version = version + 1, updated_at = $11
             where id = $1 and version = $2",
        )
        .bind(id)
        .bind(ver)
        .bind(&codes.city)
        .bind(&codes.district)
        .bind(&v.area.code)
        .bind(&v.name)
        .bind(v.kind.as_str())
        .bind(v.staffed_by.as_str())
        .bind(v.status.as_str())
        .bind(v.status_on)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(stale());
        }
        let entry = Entry {
            area_code: Some(&v.area.code),
            action: "update",
            entity: "checkpoint",
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
        Ok(()) => super::saved(&session, &page, "rec.saved", &format!("/checkpoints/{id}")).await,
        Err(e) => {
            let title = page.t("checkpoints.edit").to_string();
            form_again(
                page,
                title,
                format!("/checkpoints/{id}"),
                "/checkpoints",
                e,
                |lang, errors| fields(lang, &raw, errors),
            )
        }
    }
}

async fn api_list(
    State(state): State<AppState>,
    user: CurrentUser,
    q: QueryPairs,
) -> Result<Json<serde_json::Value>, AppError> {
    let raw = Raw::from_form(q.0);
    let area = list_area(&state.db, &user, &raw).await?;
    let mut c = Check::new(&raw);
    let status = c.choice::<CheckpointStatus>("status", false);
    c.finish()?;
    let (rows, total) = query(&state, &area.code, status, Paging::from_raw(&raw)).await?;
    Ok(items_json(&rows, total))
}

async fn api_show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<CheckpointRow>, AppError> {
    Ok(Json(load(&state, &user, id).await?))
}

async fn api_create(
    State(state): State<AppState>,
    user: CurrentUser,
    crate::web::api::ApiJson(body): crate::web::api::ApiJson<serde_json::Value>,
) -> Result<(StatusCode, Json<CheckpointRow>), AppError> {
    let raw = Raw::from_json(body)?;
    let v = check(&state.db, &user, &raw, state.clock.today()).await?;
    let id = insert(&state.db, &user, state.clock.now(), &v).await?;
    Ok((StatusCode::CREATED, Json(load(&state, &user, id).await?)))
}

async fn api_report(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    crate::web::api::ApiJson(body): crate::web::api::ApiJson<serde_json::Value>,
) -> Result<(StatusCode, Json<serde_json::Value>), AppError> {
    let cp = load(&state, &user, id).await?;
    let raw = Raw::from_json(body)?;
    let report_id = insert_report(&state, &user, &cp, &raw).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({"id": report_id, "checkpoint_id": id})),
    ))
}

async fn api_reports(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<serde_json::Value>, AppError> {
    let cp = load(&state, &user, id).await?;
    let items: Vec<serde_json::Value> = reports(&state.db, cp.id)
        .await?
        .into_iter()
        .map(|(d, p, v, x, f)| serde_json::json!({"date": d, "people_checked": p, "vehicles_checked": v, "violations": x, "fines_vnd": f}))
        .collect();
    Ok(items_json(&items, items.len() as i64))
}
