//! Tasks as drawn: the generic pages and API, the reports on a task, and the
//! table of tasks a directive's page and an area's page show.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use axum::{Json, Router};
use chrono::NaiveDate;
use serde_json::Value;
use sqlx::PgPool;
use tower_sessions::Session;

use super::record::{self, Extras, Record, Viewer, embedded_saved, load};
use super::{Column, EmbeddedForm, Section, columns, label, opt_date};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::forms::{EARLIEST_DATE, Field, FormBuilder, Raw};
use crate::domain::i18n::Lang;
use crate::domain::policy::{Action, CurrentUser, RecordKind};
use crate::domain::vocab::ReportStatus;
use crate::state::AppState;
use crate::storage::records::Stored;
use crate::storage::records::directives::DirectiveRow;
use crate::storage::records::tasks::{
    DIRECTIVE, DUE_ON, TaskRow, WHAT, assignable, reports_of, save_report,
};
use crate::web::auth::CsrfForm;
use crate::web::json::ApiJson;
use crate::web::page::Page;

/// The task pages, with reports.
pub fn router() -> Router<AppState> {
    record::pages::<TaskRow>().route("/tasks/{id}/reports", post(report))
}

/// The tasks API, with reports.
pub fn api_router() -> Router<AppState> {
    record::api::<TaskRow>().route("/tasks/{id}/reports", post(api_report))
}

/// A task's status as a reader says it: "Đang thực hiện · Quá hạn".
pub fn status_text(lang: Lang, t: &TaskRow) -> String {
    let mut s = match &t.status {
        Some(s) => label::<ReportStatus>(lang, Some(s)),
        None => lang.t("directives.not_received").to_string(),
    };
    if t.overdue {
        s = format!("{s} · {}", lang.t("tasks.overdue"));
    }
    s
}

/// A table of tasks, each row opening its task.
pub fn task_section(lang: Lang, tasks: &[TaskRow], title: &str, id: &'static str) -> Section {
    Section {
        title: lang.t(title).into(),
        columns: columns(
            lang,
            &[
                "tasks.assignee",
                "tasks.what",
                "tasks.directive",
                "tasks.due_on",
                "tasks.status",
            ],
        ),
        hrefs: tasks.iter().map(|t| format!("/tasks/{}", t.id)).collect(),
        rows: tasks
            .iter()
            .map(|t| {
                vec![
                    t.assignee_name.clone(),
                    t.what.clone(),
                    t.directive_number.clone(),
                    opt_date(lang, t.due_on),
                    status_text(lang, t),
                ]
            })
            .collect(),
        id,
    }
}

fn report_fields(lang: Lang, raw: &Raw, errors: &FieldErrors) -> Vec<Field> {
    FormBuilder::new(lang, raw, errors)
        .choice::<ReportStatus>("status", "tasks.status", true, false)
        .text("note", "tasks.note", false, 1000)
        .date("reported_on", "tasks.reported_on", false)
        .build()
}

impl Record for TaskRow {
    const PAGES: &'static str = "/tasks";
    const API: &'static str = "/tasks";
    const LIST_TITLE: &'static str = "tasks.title";
    const NEW_TITLE: &'static str = "tasks.new";
    const EDIT_TITLE: &'static str = "tasks.edit";
    const EXPORT_NAME: &'static str = "nhiem-vu";

    async fn fields(
        db: &PgPool,
        v: Viewer<'_>,
        raw: &Raw,
        errors: &FieldErrors,
        existing: Option<&Self>,
    ) -> Result<Vec<Field>, AppError> {
        // The units offered are those of the directive's issuer, once known
        // (the day only decides what is overdue, which the form does not show).
        let directive = match raw.get("directive_id").parse::<i64>() {
            Ok(id) => DirectiveRow::load(db, EARLIEST_DATE, id).await?,
            Err(_) => None,
        };
        let mut fb = FormBuilder::new(v.lang, raw, errors);
        fb.hidden("version");
        if existing.is_none() {
            fb.spec(&DIRECTIVE, None);
        }
        match directive {
            Some(d) => {
                let mut units = assignable(db, &d.issuer_code).await?;
                units.insert(0, (String::new(), "—".into()));
                fb.select("assignee", "tasks.assignee", units, true);
            }
            None => {
                fb.text("assignee", "tasks.assignee", true, 40);
            }
        }
        for f in [&WHAT, &DUE_ON] {
            fb.spec(f, None);
        }
        Ok(fb.build())
    }

    fn defaults(_user: &CurrentUser, _today: NaiveDate) -> Raw {
        Raw::default()
    }

    fn to_raw(&self, v: Viewer<'_>) -> Raw {
        let mut r = Raw::of_answer(Self::FIELDS, &self.to_json(v));
        // The form names the unit in one select ("a:CODE", "u:ID").
        r.set(
            "assignee",
            match (&self.area_code, self.unit_id) {
                (Some(c), _) => format!("a:{c}"),
                (None, Some(u)) => format!("u:{u}"),
                (None, None) => String::new(),
            },
        );
        r
    }

    fn filter_fields(lang: Lang, raw: &Raw, errors: &FieldErrors) -> Vec<Field> {
        FormBuilder::new(lang, raw, errors)
            .area("area", "rec.area")
            .number("directive_id", "tasks.directive_id", false)
            .select(
                "open",
                "tasks.status",
                vec![
                    (String::new(), lang.t("common.all").into()),
                    ("1".into(), lang.t("directives.open").into()),
                ],
                false,
            )
            .build()
    }

    fn columns(v: Viewer<'_>) -> Vec<Column> {
        columns(
            v.lang,
            &[
                "tasks.assignee",
                "tasks.what",
                "tasks.directive",
                "tasks.due_on",
                "tasks.status",
            ],
        )
    }

    fn cells(&self, v: Viewer<'_>) -> Vec<String> {
        vec![
            self.assignee_name.clone(),
            self.what.clone(),
            self.directive_number.clone(),
            opt_date(v.lang, self.due_on),
            status_text(v.lang, self),
        ]
    }

    fn muted(&self) -> bool {
        self.done()
    }

    fn title(&self, lang: Lang) -> String {
        format!("{} — {}", lang.t("tasks.title"), self.assignee_name)
    }

    fn facts(&self, v: Viewer<'_>) -> Vec<(String, String)> {
        let lang = v.lang;
        let l = |k: &str| lang.t(k).to_string();
        vec![
            (l("tasks.directive"), self.directive_number.clone()),
            (l("tasks.assignee"), self.assignee_name.clone()),
            (l("tasks.what"), self.what.clone()),
            (l("tasks.due_on"), opt_date(lang, self.due_on)),
            (l("tasks.status"), status_text(lang, self)),
            (l("tasks.note"), self.note.clone()),
            (l("tasks.reported_on"), opt_date(lang, self.reported_on)),
        ]
    }

    async fn extras(
        &self,
        state: &AppState,
        v: Viewer<'_>,
        input: Option<(&Raw, &FieldErrors)>,
    ) -> Result<Extras, AppError> {
        let lang = v.lang;
        let actions = vec![(
            format!("/directives/{}", self.directive_id),
            format!("{} {}", lang.t("tasks.directive"), self.directive_number),
        )];
        let reports = reports_of(&state.db, self.id).await?;
        let sections = vec![Section {
            title: lang.t("tasks.reports").into(),
            columns: columns(
                lang,
                &[
                    "tasks.reported_on",
                    "tasks.status",
                    "tasks.note",
                    "tasks.reporter",
                ],
            ),
            rows: reports
                .iter()
                .map(|r| {
                    vec![
                        lang.date(r.reported_on),
                        label::<ReportStatus>(lang, Some(&r.status)),
                        r.note.clone(),
                        r.reporter.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
            hrefs: Vec::new(),
            id: "task-reports",
        }];
        let mut forms = Vec::new();
        if v.user
            .can(Action::WriteRecord(RecordKind::Task, &self.owner()))
        {
            let (raw, errors) = match input {
                Some((raw, errors)) => (raw.clone(), errors.clone()),
                None => {
                    // The report as it stands, so saving again never sets it back.
                    let mut raw = Raw::default();
                    raw.set(
                        "status",
                        self.status.clone().unwrap_or_else(|| "received".into()),
                    );
                    raw.set("note", &self.note);
                    (raw, FieldErrors::default())
                }
            };
            forms.push(EmbeddedForm {
                title: lang.t("tasks.report").into(),
                action: format!("/tasks/{}/reports", self.id),
                fields: report_fields(lang, &raw, &errors),
                submit: lang.t("common.save").into(),
            });
        }
        Ok(Extras {
            forms_first: !forms.is_empty(),
            actions,
            sections,
            forms,
            ..Extras::default()
        })
    }
}

async fn report(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let t = load::<TaskRow>(&state, &user, id).await?;
    let raw = Raw::from_form(form);
    let (now, today) = (state.clock.now(), state.clock.today());
    let result = save_report(&state.db, &user, now, today, &t, &raw).await;
    embedded_saved(&state, page, &user, &session, &t, &raw, result).await
}

async fn api_report(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, AppError> {
    let t = load::<TaskRow>(&state, &user, id).await?;
    let raw = Raw::from_json(body)?;
    let (now, today) = (state.clock.now(), state.clock.today());
    save_report(&state.db, &user, now, today, &t, &raw).await?;
    let t = load::<TaskRow>(&state, &user, id).await?;
    Ok(Json(t.json_value()))
}
