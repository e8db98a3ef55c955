//! Clusters (chùm ca bệnh): a named chain of cases in a commune; the case
//! count is derived from the cases linked to it.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;
use tower_sessions::Session;

use super::export::{self, Format};
use super::{
    FormPage, ListPage, ListRow, Paging, QueryPairs, Section, ShowPage, columns, form_again,
    items_json, list_area, opt_date, stale, version, writable_area, writable_communes,
};
use crate::domain::area::Codes;
use crate::domain::area::{AreaRef, Level};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::forms::{Check, Field, FormBuilder, Raw};
use crate::domain::i18n::Lang;
use crate::state::AppState;
use crate::storage::audit::{self, Actor, Entry};
use crate::web::auth::{Action, CsrfForm, CurrentUser};
use crate::web::page::Page;

/// Routes of the cluster pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/clusters", get(list).post(create))
        .route("/clusters/new", get(new_form))
        .route("/clusters/{id}", get(show).post(update))
        .route("/clusters/{id}/edit", get(edit_form))
}

/// Routes of the clusters API.
pub fn api_router() -> Router<AppState> {
    Router::new().route("/clusters", get(api_list).post(api_create))
}

/// A cluster with its derived case count.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ClusterRow {
    pub id: i64,
    #[serde(skip)]
    pub city_code: String,
    pub district_code: String,
    pub commune_code: String,
    pub commune_name: String,
    pub name: String,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub note: String,
    pub cases: i64,
    pub version: i32,
}

const SELECT: &str = "select k.id, k.city_code, k.district_code, k.commune_code, a.name as commune_name,
    k.name, k.opened_on, k.closed_on, k.note,
    (select count(*) from cases c where c.cluster_id = k.id and c.voided_at is null) as cases, k.version
    from clusters k join areas a on a.code = k.commune_code";

impl ClusterRow {
    fn area(&self) -> AreaRef {
        AreaRef {
            code: self.commune_code.clone(),
            name: self.commune_name.clone(),
            level: Level::Commune,
            parent_code: Some(self.district_code.clone()),
            grandparent_code: Some(self.city_code.clone()),
        }
    }

    fn to_raw(&self) -> Raw {
        let mut r = Raw::default();
        r.set("commune_code", &self.commune_code);
        r.set("name", &self.name);
        r.set("opened_on", self.opened_on.to_string());
        r.set(
            "closed_on",
            self.closed_on.map(|d| d.to_string()).unwrap_or_default(),
        );
        r.set("note", &self.note);
        r.set("version", self.version.to_string());
        r
    }
}

async fn load(db: &PgPool, user: &CurrentUser, id: i64) -> Result<ClusterRow, AppError> {
    let row: ClusterRow = sqlx::query_as(&format!("{SELECT} where k.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or(AppError::NotFound)?;
    user.authorize(Action::ReadArea(&row.area()))?;
    Ok(row)
}

struct Values {
    commune: AreaRef,
    name: String,
    opened_on: NaiveDate,
    closed_on: Option<NaiveDate>,
    note: String,
}

impl Values {
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({"commune_code": self.commune.code, "name": self.name,
            "opened_on": self.opened_on, "closed_on": self.closed_on, "note": self.note})
    }
}

async fn check(
    db: &PgPool,
    user: &CurrentUser,
    raw: &Raw,
    today: NaiveDate,
) -> Result<Values, AppError> {
    let mut c = Check::new(raw);
    let code = c.code("commune_code");
    let name = c.text("name", true, 200);
    let opened_on = c.date("opened_on", true, Some(today));
    let closed_on = c.date("closed_on", false, Some(today));
    if let (Some(o), Some(cl)) = (opened_on, closed_on)
        && cl < o
    {
        c.fail("closed_on", "err.date_order");
    }
    let note = c.opt_text("note", 1000);
    let mut errors = std::mem::take(&mut c.errors);
    let commune = writable_area(db, user, code, "commune_code", &mut errors, |a| {
        Action::WriteCommuneRecord(a)
    })
    .await?;
    if commune.as_ref().is_some_and(|a| a.level != Level::Commune) {
        errors.add("commune_code", "err.not_a_commune");
    }
    match (commune, name, opened_on) {
        (Some(commune), Some(name), Some(opened_on)) if errors.is_empty() => Ok(Values {
            commune,
            name,
            opened_on,
            closed_on,
            note,
        }),
        _ => Err(AppError::Invalid(errors)),
    }
}

async fn insert(
    db: &PgPool,
    user: &CurrentUser,
    now: DateTime<Utc>,
    v: &Values,
) -> Result<i64, AppError> {
    let codes = Codes::of(&v.commune);
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "insert into clusters (city_code, district_code, commune_code, name, opened_on, closed_on, note, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $8) returning id",
    )
    .bind(&codes.city)
    .bind(&codes.district)
    .bind(&v.commune.code)
    .bind(&v.name)
    .bind(v.opened_on)
    .bind(v.closed_on)
    .bind(&v.note)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let entry = Entry {
        area_code: Some(&v.commune.code),
        action: "create",
        entity: "cluster",
        entity_id: id.to_string(),
        old: None,
        new: Some(v.to_json()),
    };
    audit::record(&mut tx, now, &Actor::from(user), entry).await?;
    tx.commit().await?;
    Ok(id)
}

fn fields(
    lang: Lang,
    raw: &Raw,
    errors: &FieldErrors,
    communes: Vec<(String, String)>,
) -> Vec<Field> {
    FormBuilder::new(lang, raw, errors)
        .hidden("version")
        .select("commune_code", "rec.commune", communes, true)
        .text("name", "clusters.name", true, 200)
        .date("opened_on", "clusters.opened_on", true)
        .date("closed_on", "clusters.closed_on", false)
        .textarea("note", "clusters.note", 1000)
        .build()
}

async fn list(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    q: QueryPairs,
) -> Result<Response, AppError> {
    let raw = Raw::from_form(q.0);
    let area = list_area(&state.db, &user, &raw).await?;
    let active_only = raw.get("active") == "on";
    let paging = Paging::for_list(&raw);
    let (rows, total) = query(&state.db, &area.code, active_only, paging).await?;
    let lang = page.lang;
    let cells = |r: &ClusterRow| {
        vec![
            r.name.clone(),
            r.commune_name.clone(),
            lang.date(r.opened_on),
            opt_date(lang, r.closed_on),
            lang.int(r.cases),
        ]
    };
    if let Some(format) = Format::from_raw(&raw) {
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                vec![
                    r.id.to_string(),
                    r.commune_code.clone(),
                    r.name.clone(),
                    r.opened_on.to_string(),
                    r.closed_on.map(|d| d.to_string()).unwrap_or_default(),
                    r.cases.to_string(),
                    r.note.clone(),
                ]
            })
            .collect();
        let headers = [
            "id",
            "commune_code",
            "name",
            "opened_on",
            "closed_on",
            "cases",
            "note",
        ];
        return export::respond(
            format,
            &format!("chum-ca-benh-{}", area.code),
            &headers,
            &rows,
        );
    }
    let list_rows = rows
        .iter()
        .map(|r| ListRow {
            href: format!("/clusters/{}", r.id),
            cells: cells(r),
            muted: r.closed_on.is_some(),
        })
        .collect();
    let errors = FieldErrors::default();
    let filters = FormBuilder::new(lang, &raw, &errors)
        .text("area", "rec.area", false, 5)
        .select(
            "active",
            "clusters.active",
            vec![
                (String::new(), lang.t("common.all").into()),
                ("on".into(), lang.t("clusters.active").into()),
            ],
            false,
        )
        .build();
    let keys = [
        "clusters.name",
        "rec.commune",
        "clusters.opened_on",
        "clusters.closed_on",
        "#clusters.cases",
    ];
    let title = format!("{} — {}", lang.t("clusters.title"), area.name);
    let mut p = ListPage::new(
        page,
        title,
        "/clusters",
        &raw,
        filters,
        columns(lang, &keys),
        list_rows,
        total,
        paging,
    );
    if matches!(user.role.as_str(), "commune" | "district") {
        p.new_href = Some("/clusters/new".into());
    }
    Ok(p.into_response())
}

async fn query(
    db: &PgPool,
    area: &str,
    active_only: bool,
    paging: Paging,
) -> Result<(Vec<ClusterRow>, i64), AppError> {
    let cond = "(k.city_code = $1 or k.district_code = $1 or k.commune_code = $1) and (not $2 or k.closed_on is null)";
    let total: i64 = sqlx::query_scalar(&format!("select count(*) from clusters k where {cond}"))
        .bind(area)
        .bind(active_only)
        .fetch_one(db)
        .await?;
    let rows = sqlx::query_as(&format!(
        "{SELECT} where {cond} order by k.opened_on desc, k.id desc limit $3 offset $4"
    ))
    .bind(area)
    .bind(active_only)
    .bind(paging.limit)
    .bind(paging.offset)
    .fetch_all(db)
    .await?;
    Ok((rows, total))
}

async fn new_form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
) -> Result<FormPage, AppError> {
    let communes = writable_communes(&state.db, &user).await?;
    if communes.is_empty() || user.role.as_str() == "city" {
        return Err(AppError::Forbidden);
    }
    let mut raw = Raw::default();
    raw.set("opened_on", state.clock.today().to_string());
    raw.set("commune_code", user.area.code.clone());
    let title = page.t("clusters.new").to_string();
    let fields = fields(page.lang, &raw, &FieldErrors::default(), communes);
    Ok(FormPage::blank(
        page,
        title,
        "/clusters".into(),
        fields,
        "/clusters",
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
        Ok(id) => super::saved(&session, &page, "rec.created", &format!("/clusters/{id}")).await,
        Err(e) => {
            let communes = writable_communes(&state.db, &user).await?;
            let title = page.t("clusters.new").to_string();
            form_again(
                page,
                title,
                "/clusters".into(),
                "/clusters",
                e,
                |lang, errors| fields(lang, &raw, errors, communes),
            )
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
    let cases: Vec<(i64, String, NaiveDate, String)> = sqlx::query_as(
        "select id, case_code, detected_on, status from cases where cluster_id = $1 and voided_at is null order by detected_on, case_code",
    )
    .bind(id)
    .fetch_all(&state.db)
    .await?;
    let facts = vec![
        (lang.t("clusters.name").to_string(), r.name.clone()),
        (lang.t("rec.commune").to_string(), r.commune_name.clone()),
        (
            lang.t("clusters.opened_on").to_string(),
            lang.date(r.opened_on),
        ),
        (
            lang.t("clusters.closed_on").to_string(),
            opt_date(lang, r.closed_on),
        ),
        (lang.t("clusters.cases").to_string(), lang.int(r.cases)),
        (lang.t("clusters.note").to_string(), r.note.clone()),
    ];
    let mut actions = Vec::new();
    if user.can(Action::WriteCommuneRecord(&r.area())) {
        actions.push((
            format!("/clusters/{id}/edit"),
            lang.t("rec.edit").to_string(),
        ));
    }
    let section = Section {
        title: lang.t("cases.title").into(),
        columns: columns(
            lang,
            &["cases.case_code", "cases.detected_on", "cases.status"],
        ),
        rows: cases
            .into_iter()
            .map(|(_, code, d, s)| {
                vec![
                    code,
                    lang.date(d),
                    super::label::<crate::domain::vocab::CaseStatus>(lang, Some(&s)),
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
        back_href: "/clusters".into(),
    })
}

async fn edit_form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<FormPage, AppError> {
    let r = load(&state.db, &user, id).await?;
    user.authorize(Action::WriteCommuneRecord(&r.area()))?;
    let communes = writable_communes(&state.db, &user).await?;
    let title = page.t("clusters.edit").to_string();
    let fields = fields(page.lang, &r.to_raw(), &FieldErrors::default(), communes);
    Ok(FormPage::blank(
        page,
        title,
        format!("/clusters/{id}"),
        fields,
        "/clusters",
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
    user.authorize(Action::WriteCommuneRecord(&old.area()))?;
    let raw = Raw::from_form(form);
    let now = state.clock.now();
    let result = async {
        let ver = version(&raw)?;
        let v = check(&state.db, &user, &raw, state.clock.today()).await?;
        let codes = Codes::of(&v.commune);
        let mut tx = state.db.begin().await?;
        let done = sqlx::query(
            "update clusters set city_code = $3, district_code = $4, commune_code = $5, name = $6,
               opened_on = $7, closed_on = $8, note = $9, version = version + 1, updated_at = $10
             where id = $1 and version = $2",
        )
        .bind(id)
        .bind(ver)
        .bind(&codes.city)
        .bind(&codes.district)
        .bind(&v.commune.code)
        .bind(&v.name)
        .bind(v.opened_on)
        .bind(v.closed_on)
        .bind(&v.note)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(stale());
        }
        let entry = Entry {
            area_code: Some(&v.commune.code),
            action: "update",
            entity: "cluster",
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
        Ok(()) => super::saved(&session, &page, "rec.saved", &format!("/clusters/{id}")).await,
        Err(e) => {
            let communes = writable_communes(&state.db, &user).await?;
            let title = page.t("clusters.edit").to_string();
            form_again(
                page,
                title,
                format!("/clusters/{id}"),
                "/clusters",
                e,
                |lang, errors| fields(lang, &raw, errors, communes),
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
    let (rows, total) = query(
        &state.db,
        &area.code,
        raw.get("active") == "true",
        Paging::from_raw(&raw),
    )
    .await?;
    Ok(items_json(&rows, total))
}

async fn api_create(
    State(state): State<AppState>,
    user: CurrentUser,
    crate::web::api::ApiJson(body): crate::web::api::ApiJson<serde_json::Value>,
) -> Result<(StatusCode, Json<ClusterRow>), AppError> {
    let raw = Raw::from_json(body)?;
    let v = check(&state.db, &user, &raw, state.clock.today()).await?;
    let id = insert(&state.db, &user, state.clock.now(), &v).await?;
    Ok((StatusCode::CREATED, Json(load(&state.db, &user, id).await?)))
}
