//! Quarantine sites: capacity, occupancy (never negative, never above
//! capacity) and status, with every change of occupancy kept as history.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};
use tower_sessions::Session;

use super::export::{self, Format};
use super::{
    FormPage, ListPage, ListRow, Paging, QueryPairs, Section, ShowPage, columns, form_again,
    items_json, label, list_area, stale,
};
use crate::domain::area::Codes;
use crate::domain::area::{AreaRef, Level};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::forms::{Check, Field, FormBuilder, Raw, Vocab};
use crate::domain::i18n::Lang;
use crate::domain::vocab::{RunBy, SiteKind, SiteStatus};
use crate::state::AppState;
use crate::storage::areas::area_ref;
use crate::storage::audit::{self, Actor, Entry};
use crate::web::auth::{Action, CsrfForm, CurrentUser};
use crate::web::page::Page;

/// Routes of the quarantine site pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sites", get(list).post(create))
        .route("/sites/new", get(new_form))
        .route("/sites/{id}", get(show).post(update))
        .route("/sites/{id}/edit", get(edit_form))
}

/// Routes of the quarantine sites API.
pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/quarantine-sites", get(api_list).post(api_create))
        .route("/quarantine-sites/{id}", get(api_show).patch(api_patch))
}

/// Whether `user` may write a site placed in `area`: city sites belong to
/// the city; a district's and its communes' sites to the district.
pub fn may_write(user: &CurrentUser, area: &AreaRef) -> bool {
    match area.level {
        Level::City => user.can(Action::WriteCityRecord(area)),
        Level::District => user.can(Action::WriteDistrictRecord(area)),
        Level::Commune => {
            let district = AreaRef {
                code: area.parent_code.clone().unwrap_or_default(),
                name: String::new(),
                level: Level::District,
                parent_code: area.grandparent_code.clone(),
                grandparent_code: None,
            };
            user.can(Action::WriteDistrictRecord(&district))
        }
    }
}

/// A site as stored.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct SiteRow {
    pub id: i64,
    #[serde(skip)]
    pub city_code: String,
    #[serde(skip)]
    pub district_code: Option<String>,
    pub area_code: String,
    pub area_name: String,
    #[serde(skip)]
    pub area_level: String,
    #[serde(skip)]
    pub area_parent: Option<String>,
    pub name: String,
    pub kind: String,
    pub run_by: String,
    pub capacity: i32,
    pub occupancy: i32,
    pub status: String,
    pub status_on: NaiveDate,
    pub version: i32,
}

const SELECT: &str = "select s.id, s.city_code, s.district_code, s.area_code, a.name as area_name,
    a.level as area_level, a.parent_code as area_parent, s.name, s.kind, s.run_by, s.capacity,
    s.occupancy, s.status, s.status_on, s.version
    from quarantine_sites s join areas a on a.code = s.area_code";

impl SiteRow {
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
        r.set("run_by", &self.run_by);
        r.set("capacity", self.capacity.to_string());
        r.set("occupancy", self.occupancy.to_string());
        r.set("status", &self.status);
        r.set("status_on", self.status_on.to_string());
        r.set("version", self.version.to_string());
        r
    }
}

async fn load(db: &PgPool, user: &CurrentUser, id: i64) -> Result<SiteRow, AppError> {
    let row: SiteRow = sqlx::query_as(&format!("{SELECT} where s.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or(AppError::NotFound)?;
    user.authorize(Action::ReadArea(&row.area()))?;
    Ok(row)
}

struct Values {
    area: AreaRef,
    name: String,
    kind: SiteKind,
    run_by: RunBy,
    capacity: i32,
    occupancy: i32,
    status: SiteStatus,
    status_on: NaiveDate,
}

impl Values {
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({"area_code": self.area.code, "name": self.name, "kind": self.kind.as_str(),
            "run_by": self.run_by.as_str(), "capacity": self.capacity, "occupancy": self.occupancy,
            "status": self.status.as_str(), "status_on": self.status_on})
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
    let kind = c.choice::<SiteKind>("kind", true);
    let run_by = c.choice::<RunBy>("run_by", true);
    let capacity = c.int("capacity", true, 0, 1_000_000);
    let occupancy = c.int("occupancy", true, 0, 1_000_000);
    if let (Some(cap), Some(occ)) = (capacity, occupancy)
        && occ > cap
    {
        c.fail("occupancy", "err.occupancy_over_capacity");
    }
    let status = c.choice::<SiteStatus>("status", true);
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
    match (area, name, kind, run_by, capacity, occupancy, status) {
        (Some(area), Some(name), Some(kind), Some(run_by), Some(cap), Some(occ), Some(status))
            if errors.is_empty() =>
        {
            Ok(Values {
                area,
                name,
                kind,
                run_by,
                capacity: cap as i32,
                occupancy: occ as i32,
                status,
                status_on,
            })
        }
        _ => Err(AppError::Invalid(errors)),
    }
}

async fn history(
    conn: &mut PgConnection,
    id: i64,
    now: DateTime<Utc>,
    occupancy: i32,
    capacity: i32,
    status: &str,
) -> Result<(), AppError> {
    sqlx::query("insert into quarantine_occupancy (site_id, at, occupancy, capacity, status) values ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(now)
        .bind(occupancy)
        .bind(capacity)
        .bind(status)
        .execute(conn)
        .await?;
    Ok(())
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
        "insert into quarantine_sites (city_code, district_code, area_code, name, kind, run_by, capacity,
           occupancy, status, status_on, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) returning id",
    )
    .bind(&codes.city)
    .bind(&codes.district)
    .bind(&v.area.code)
    .bind(&v.name)
    .bind(v.kind.as_str())
    .bind(v.run_by.as_str())
    .bind(v.capacity)
    .bind(v.occupancy)
    .bind(v.status.as_str())
    .bind(v.status_on)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    history(&mut tx, id, now, v.occupancy, v.capacity, v.status.as_str()).await?;
    let entry = Entry {
        area_code: Some(&v.area.code),
        action: "create",
        entity: "quarantine_site",
        entity_id: id.to_string(),
        old: None,
        new: Some(v.to_json()),
    };
    audit::record(&mut tx, now, &Actor::from(user), entry).await?;
    tx.commit().await?;
    Ok(id)
}

/// Saves new values over `old` if it is still at `version`.
async fn save(
    db: &PgPool,
    user: &CurrentUser,
    now: DateTime<Utc>,
    old: &SiteRow,
    version: i32,
    v: &Values,
) -> Result<(), AppError> {
    let codes = Codes::of(&v.area);
    let mut tx = db.begin().await?;
    let done = sqlx::query(
        "update quarantine_sites set city_code = $3, district_code = $4, area_code = $5, name = $6, kind = $7,
           run_by = $8, capacity = $9, occupancy = $10, status = $11, status_on = $12,
           version = version + 1, updated_at = $13
         where id = $1 and version = $2",
    )
    .bind(old.id)
    .bind(version)
    .bind(&codes.city)
    .bind(&codes.district)
    .bind(&v.area.code)
    .bind(&v.name)
    .bind(v.kind.as_str())
    .bind(v.run_by.as_str())
    .bind(v.capacity)
    .bind(v.occupancy)
    .bind(v.status.as_str())
    .bind(v.status_on)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(stale());
    }
    if old.occupancy != v.occupancy || old.capacity != v.capacity || old.status != v.status.as_str()
    {
        history(
            &mut tx,
            old.id,
            now,
            v.occupancy,
            v.capacity,
            v.status.as_str(),
        )
        .await?;
    }
    let entry = Entry {
        area_code: Some(&v.area.code),
        action: "update",
        entity: "quarantine_site",
        entity_id: old.id.to_string(),
        old: Some(serde_json::to_value(old).unwrap_or_default()),
        new: Some(v.to_json()),
    };
    audit::record(&mut tx, now, &Actor::from(user), entry).await?;
    tx.commit().await?;
    Ok(())
}

fn fields(lang: Lang, raw: &Raw, errors: &FieldErrors) -> Vec<Field> {
    FormBuilder::new(lang, raw, errors)
        .hidden("version")
        .text("area_code", "rec.area", true, 5)
        .text("name", "sites.name", true, 200)
        .choice::<SiteKind>("kind", "sites.kind", true, false)
        .choice::<RunBy>("run_by", "sites.run_by", true, false)
        .number("capacity", "sites.capacity", true)
        .number("occupancy", "sites.occupancy", true)
        .choice::<SiteStatus>("status", "sites.status", true, false)
        .date("status_on", "sites.status_on", false)
        .build()
}

async fn query(
    db: &PgPool,
    area: &str,
    status: Option<SiteStatus>,
    paging: Paging,
) -> Result<(Vec<SiteRow>, i64), AppError> {
    let cond = "(s.city_code = $1 or s.district_code = $1 or s.area_code = $1) and ($2::text is null or s.status = $2)";
    let total: i64 = sqlx::query_scalar(&format!(
        "select count(*) from quarantine_sites s where {cond}"
    ))
    .bind(area)
    .bind(status.map(|s| s.as_str()))
    .fetch_one(db)
    .await?;
    let rows = sqlx::query_as(&format!(
        "{SELECT} where {cond} order by s.name, s.id limit $3 offset $4"
    ))
    .bind(area)
    .bind(status.map(|s| s.as_str()))
    .bind(paging.limit)
    .bind(paging.offset)
    .fetch_all(db)
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
    let status = c.choice::<SiteStatus>("status", false);
    c.finish()?;
    let format = Format::from_raw(&raw);
    let paging = Paging::for_list(&raw);
    let (rows, total) = query(&state.db, &area.code, status, paging).await?;
    if let Some(format) = format {
        let headers = [
            "id",
            "area_code",
            "name",
            "kind",
            "run_by",
            "capacity",
            "occupancy",
            "status",
            "status_on",
        ];
        let out: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                vec![
                    r.id.to_string(),
                    r.area_code.clone(),
                    r.name.clone(),
                    r.kind.clone(),
                    r.run_by.clone(),
                    r.capacity.to_string(),
                    r.occupancy.to_string(),
                    r.status.clone(),
                    r.status_on.to_string(),
                ]
            })
            .collect();
        return export::respond(
            format,
            &format!("khu-cach-ly-{}", area.code),
            &headers,
            &out,
        );
    }
    let lang = page.lang;
    let list_rows = rows
        .iter()
        .map(|r| ListRow {
            href: format!("/sites/{}", r.id),
            cells: vec![
                r.name.clone(),
                r.area_name.clone(),
                label::<SiteKind>(lang, Some(&r.kind)),
                label::<RunBy>(lang, Some(&r.run_by)),
                lang.int(r.capacity.into()),
                lang.int(r.occupancy.into()),
                lang.int((r.capacity - r.occupancy).into()),
                label::<SiteStatus>(lang, Some(&r.status)),
            ],
            muted: r.status == "closed",
        })
        .collect();
    let errors = FieldErrors::default();
    let filters = FormBuilder::new(lang, &raw, &errors)
        .text("area", "rec.area", false, 5)
        .choice::<SiteStatus>("status", "sites.status", false, true)
        .build();
    let keys = [
        "sites.name",
        "rec.area",
        "sites.kind",
        "sites.run_by",
        "#sites.capacity",
        "#sites.occupancy",
        "#sites.free",
        "sites.status",
    ];
    let title = format!("{} — {}", lang.t("sites.title"), area.name);
    let mut p = ListPage::new(
        page,
        title,
        "/sites",
        &raw,
        filters,
        columns(lang, &keys),
        list_rows,
        total,
        paging,
    );
    if matches!(user.role.as_str(), "district" | "city") {
        p.new_href = Some("/sites/new".into());
    }
    Ok(p.into_response())
}

async fn new_form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
) -> Result<FormPage, AppError> {
    if !may_write(&user, &user.area) {
        return Err(AppError::Forbidden);
    }
    let mut raw = Raw::default();
    raw.set("area_code", user.area.code.clone());
    raw.set("status", "active");
    raw.set("occupancy", "0");
    raw.set(
        "run_by",
        if user.area.level == Level::City {
            "city"
        } else {
            "district"
        },
    );
    raw.set("status_on", state.clock.today().to_string());
    let title = page.t("sites.new").to_string();
    let fields = fields(page.lang, &raw, &FieldErrors::default());
    Ok(FormPage::blank(
        page,
        title,
        "/sites".into(),
        fields,
        "/sites",
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
        Ok(id) => super::saved(&session, &page, "rec.created", &format!("/sites/{id}")).await,
        Err(e) => {
            let title = page.t("sites.new").to_string();
            form_again(page, title, "/sites".into(), "/sites", e, |lang, errors| {
                fields(lang, &raw, errors)
            })
        }
    }
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<ShowPage, AppError> {
    let r = load(&state.db, &user, id).await?;
    let lang = page.lang;
    let hist: Vec<(DateTime<Utc>, i32, i32, String)> = sqlx::query_as(
        "select at, occupancy, capacity, status from quarantine_occupancy where site_id = $1 order by at desc, id desc limit 200",
    )
    .bind(id)
    .fetch_all(&state.db)
    .await?;
    let facts = vec![
        (lang.t("sites.name").to_string(), r.name.clone()),
        (lang.t("rec.area").to_string(), r.area_name.clone()),
        (
            lang.t("sites.kind").to_string(),
            label::<SiteKind>(lang, Some(&r.kind)),
        ),
        (
            lang.t("sites.run_by").to_string(),
            label::<RunBy>(lang, Some(&r.run_by)),
        ),
        (
            lang.t("sites.capacity").to_string(),
            lang.int(r.capacity.into()),
        ),
        (
            lang.t("sites.occupancy").to_string(),
            lang.int(r.occupancy.into()),
        ),
        (
            lang.t("sites.free").to_string(),
            lang.int((r.capacity - r.occupancy).into()),
        ),
        (
            lang.t("sites.status").to_string(),
            label::<SiteStatus>(lang, Some(&r.status)),
        ),
        (
            lang.t("sites.status_on").to_string(),
            lang.date(r.status_on),
        ),
    ];
    let mut actions = Vec::new();
    if may_write(&user, &r.area()) {
        actions.push((format!("/sites/{id}/edit"), lang.t("rec.edit").to_string()));
    }
    let section = Section {
        title: lang.t("sites.history").into(),
        columns: columns(
            lang,
            &[
                "sites.at",
                "#sites.occupancy",
                "#sites.capacity",
                "sites.status",
            ],
        ),
        rows: hist
            .into_iter()
            .map(|(at, o, c, s)| {
                vec![
                    lang.datetime(at),
                    lang.int(o.into()),
                    lang.int(c.into()),
                    label::<SiteStatus>(lang, Some(&s)),
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
        forms: vec![],
        back_href: "/sites".into(),
    })
}

async fn edit_form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<FormPage, AppError> {
    let r = load(&state.db, &user, id).await?;
    if !may_write(&user, &r.area()) {
        return Err(AppError::Forbidden);
    }
    let title = page.t("sites.edit").to_string();
    let fields = fields(page.lang, &r.to_raw(), &FieldErrors::default());
    Ok(FormPage::blank(
        page,
        title,
        format!("/sites/{id}"),
        fields,
        "/sites",
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
    let old = load(&state.db, &user, id).await?;
    if !may_write(&user, &old.area()) {
        return Err(AppError::Forbidden);
    }
    let raw = Raw::from_form(form);
    let result = async {
        let ver = super::version(&raw)?;
        let v = check(&state.db, &user, &raw, state.clock.today()).await?;
        save(&state.db, &user, state.clock.now(), &old, ver, &v).await
    }
    .await;
    match result {
        Ok(()) => super::saved(&session, &page, "rec.saved", &format!("/sites/{id}")).await,
        Err(e) => {
            let title = page.t("sites.edit").to_string();
            form_again(
                page,
                title,
                format!("/sites/{id}"),
                "/sites",
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
    let status = c.choice::<SiteStatus>("status", false);
    c.finish()?;
    let (rows, total) = query(&state.db, &area.code, status, Paging::from_raw(&raw)).await?;
    Ok(items_json(&rows, total))
}

async fn api_show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<SiteRow>, AppError> {
    Ok(Json(load(&state.db, &user, id).await?))
}

async fn api_create(
    State(state): State<AppState>,
    user: CurrentUser,
    crate::web::api::ApiJson(body): crate::web::api::ApiJson<serde_json::Value>,
) -> Result<(StatusCode, Json<SiteRow>), AppError> {
    let raw = Raw::from_json(body)?;
    let v = check(&state.db, &user, &raw, state.clock.today()).await?;
    let id = insert(&state.db, &user, state.clock.now(), &v).await?;
    Ok((StatusCode::CREATED, Json(load(&state.db, &user, id).await?)))
}

/// Occupancy, capacity and status change here most often; a `version` is
/// checked when sent.
async fn api_patch(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    crate::web::api::ApiJson(body): crate::web::api::ApiJson<serde_json::Value>,
) -> Result<Json<SiteRow>, AppError> {
    let old = load(&state.db, &user, id).await?;
    if !may_write(&user, &old.area()) {
        return Err(AppError::Forbidden);
    }
    let patch = Raw::from_json(body)?;
    let ver = if patch.has("version") {
        super::version(&patch)?
    } else {
        old.version
    };
    let mut raw = old.to_raw();
    for (k, v) in patch.0 {
        raw.set(&k, v);
    }
    let v = check(&state.db, &user, &raw, state.clock.today()).await?;
    save(&state.db, &user, state.clock.now(), &old, ver, &v).await?;
    Ok(Json(load(&state.db, &user, id).await?))
}
