//! Checkpoints as drawn: the generic pages and API, and what is theirs
//! alone: shift reports, on the page and in the API.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::{Json, Router};
use chrono::NaiveDate;
use serde_json::Value;
use tower_sessions::Session;

use super::record::{self, Extras, Record, Viewer, embedded_saved, load};
use super::{EmbeddedForm, Section, columns, items_json};
use crate::domain::area::Level;
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::forms::{Field, FormBuilder, Raw};
use crate::domain::i18n::Lang;
use crate::domain::policy::{Action, CurrentUser};
use crate::domain::vocab::CheckpointStatus;
use crate::state::AppState;
use crate::storage::audit::Actor;
use crate::storage::records::Stored;
use crate::storage::records::checkpoints::{CheckpointRow, check_report, insert_report, reports};
use crate::web::auth::CsrfForm;
use crate::web::json::ApiJson;
use crate::web::page::Page;

/// The checkpoint pages, with shift reports.
pub fn router() -> Router<AppState> {
    record::pages::<CheckpointRow>().route("/checkpoints/{id}/reports", post(add_report))
}

/// The checkpoints API, with shift reports.
pub fn api_router() -> Router<AppState> {
    record::api::<CheckpointRow>().route(
        "/checkpoints/{id}/reports",
        post(api_report).get(api_reports),
    )
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

impl Record for CheckpointRow {
    const PAGES: &'static str = "/checkpoints";
    const API: &'static str = "/checkpoints";
    const LIST_TITLE: &'static str = "checkpoints.title";
    const NEW_TITLE: &'static str = "checkpoints.new";
    const EDIT_TITLE: &'static str = "checkpoints.edit";
    const EXPORT_NAME: &'static str = "chot-kiem-soat";
    const LIST: &'static [&'static str] = &[
        "name",
        "area_code",
        "kind",
        "staffed_by",
        "status",
        "violations_today",
    ];

    fn defaults(user: &CurrentUser, today: NaiveDate) -> Raw {
        let mut raw = Raw::default();
        raw.set("area_code", user.area.code.clone());
        raw.set("status", "active");
        raw.set("status_on", today.to_string());
        let kind = if user.area.level == Level::City {
            "city_gate"
        } else {
            "commune"
        };
        raw.set("kind", kind);
        raw
    }

    fn filter_fields(lang: Lang, raw: &Raw, errors: &FieldErrors) -> Vec<Field> {
        FormBuilder::new(lang, raw, errors)
            .area("area", "rec.area")
            .choice::<CheckpointStatus>("status", "checkpoints.status", false, true)
            .build()
    }

    fn muted(&self) -> bool {
        self.status != "active"
    }

    fn title(&self, _lang: Lang) -> String {
        self.name.clone()
    }

    async fn extras(
        &self,
        state: &AppState,
        v: Viewer<'_>,
        input: Option<(&Raw, &FieldErrors)>,
    ) -> Result<Extras, AppError> {
        let lang = v.lang;
        let mut forms = Vec::new();
        if v.user.can(Action::WriteRecord(Self::KIND, &self.area())) {
            let mut fresh = Raw::default();
            fresh.set("date", state.clock.today().to_string());
            let none = FieldErrors::default();
            let (raw, errors) = input.unwrap_or((&fresh, &none));
            forms.push(EmbeddedForm {
                title: lang.t("checkpoints.new_report").into(),
                action: format!("/checkpoints/{}/reports", self.id),
                fields: report_fields(lang, raw, errors),
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
            rows: reports(&state.db, self.id)
                .await?
                .into_iter()
                .map(|r| {
                    vec![
                        lang.date(r.day),
                        lang.int(r.people_checked.into()),
                        lang.int(r.vehicles_checked.into()),
                        lang.int(r.violations.into()),
                        lang.int(r.fines_vnd),
                    ]
                })
                .collect(),
            hrefs: Vec::new(),
            id: "",
        };
        Ok(Extras {
            sections: vec![section],
            forms,
            ..Extras::default()
        })
    }
}

/// Checks and stores a shift report on a checkpoint the user may write.
async fn save_report(
    state: &AppState,
    user: &CurrentUser,
    cp: &CheckpointRow,
    raw: &Raw,
) -> Result<i64, AppError> {
    user.authorize(Action::WriteRecord(CheckpointRow::KIND, &cp.area()))?;
    let r = check_report(raw, state.clock.today())?;
    insert_report(&state.db, &Actor::from(user), state.clock.now(), cp, &r).await
}

async fn add_report(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let cp = load::<CheckpointRow>(&state, &user, id).await?;
    let raw = Raw::from_form(form);
    let result = save_report(&state, &user, &cp, &raw).await;
    embedded_saved(&state, page, &user, &session, &cp, &raw, result).await
}

async fn api_report(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Value>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let cp = load::<CheckpointRow>(&state, &user, id).await?;
    let raw = Raw::from_json(body)?;
    let report_id = save_report(&state, &user, &cp, &raw).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({"id": report_id, "checkpoint_id": id})),
    ))
}

async fn api_reports(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let cp = load::<CheckpointRow>(&state, &user, id).await?;
    let items = reports(&state.db, cp.id).await?;
    Ok(items_json(&items, items.len() as i64))
}
