//! Cases (F0) as drawn: the generic pages and API, and what is theirs
//! alone: voiding, and the CSV import with its template.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde_json::Value;
use sqlx::PgPool;
use tower_sessions::Session;

use super::export::{self, Format};
use super::record::{self, Extras, Record, Viewer, load_for_edit};
use super::{Column, EmbeddedForm, cluster_choices, columns, commune_choices, label, saved};
use crate::domain::area::Level;
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::forms::{Check, Field, FormBuilder, Options, Raw, Vocab};
use crate::domain::i18n::Lang;
use crate::domain::policy::{Action, CurrentUser};
use crate::domain::vocab::{CaseStatus, DetectedIn, Sex, TreatedAt};
use crate::state::AppState;
use crate::storage::audit::Actor;
use crate::storage::records::cases::{CaseRow, CaseValues, next_case_code, taken_codes, void};
use crate::storage::records::{Stored, Write, save_in};
use crate::web::auth::{CsrfForm, CsrfMultipart};
use crate::web::page::Page;

/// The case pages, with voiding and the import.
pub fn router() -> Router<AppState> {
    record::pages::<CaseRow>()
        .route("/cases/import", get(import_form).post(import))
        .route("/cases/import/template.csv", get(template))
        .route("/cases/{id}/void", post(void_page))
}

/// The cases API.
pub fn api_router() -> Router<AppState> {
    record::api::<CaseRow>()
}

/// The columns of the import template, in order: what a case takes, from
/// its table.
pub static CSV_COLUMNS: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    CaseRow::FIELDS
        .iter()
        .filter(|f| f.writable && f.exported)
        .map(|f| f.name)
        .collect()
});

impl Record for CaseRow {
    const PAGES: &'static str = "/cases";
    const API: &'static str = "/cases";
    const LIST_TITLE: &'static str = "cases.title";
    const NEW_TITLE: &'static str = "cases.new";
    const EDIT_TITLE: &'static str = "cases.edit";
    const EXPORT_NAME: &'static str = "ca-benh";
    const EXPORT_ID: bool = false;

    async fn options(
        db: &PgPool,
        v: Viewer<'_>,
        _existing: Option<&Self>,
    ) -> Result<Options, AppError> {
        // Where a case was found is asked, not assumed: the choice starts blank.
        let mut detected_in = vec![(String::new(), "—".to_string())];
        detected_in.extend(
            DetectedIn::ALL
                .iter()
                .map(|d| (d.as_str().to_string(), v.lang.t(d.label_key()).to_string())),
        );
        Ok(vec![
            ("commune_code", commune_choices(db, v.user, v.lang).await?),
            ("cluster_id", cluster_choices(db, v.user, None).await?),
            ("detected_in", detected_in),
        ])
    }

    const KEEP_FOR_NEXT: &'static [&'static str] = &[
        "commune_code",
        "detected_on",
        "detected_in",
        "village",
        "cluster_id",
    ];

    async fn prefill(db: &PgPool, raw: &mut Raw) -> Result<(), AppError> {
        if raw.get("case_code").is_empty() && !raw.get("commune_code").is_empty() {
            let commune = raw.get("commune_code").to_string();
            if let Some(code) = next_case_code(db, &commune).await? {
                raw.set("case_code", code);
            }
        }
        Ok(())
    }

    fn defaults(user: &CurrentUser, today: NaiveDate) -> Raw {
        let mut raw = Raw::default();
        if user.area.level == Level::Commune {
            raw.set("commune_code", user.area.code.clone());
        }
        raw.set("status", "treating");
        raw.set("detected_on", today.to_string());
        raw
    }

    fn filter_fields(lang: Lang, raw: &Raw, errors: &FieldErrors) -> Vec<Field> {
        FormBuilder::new(lang, raw, errors)
            .area("area", "rec.area")
            .text("q", "cases.search", false, 30)
            .choice::<CaseStatus>("status", "cases.status", false, true)
            .choice::<DetectedIn>("detected_in", "cases.detected_in", false, true)
            .date("from", "common.from", false)
            .date("to", "common.to", false)
            .select(
                "voided",
                "rec.include_voided",
                vec![
                    (String::new(), lang.t("common.no").into()),
                    ("on".into(), lang.t("common.yes").into()),
                ],
                false,
            )
            .build()
    }

    fn columns(v: Viewer<'_>) -> Vec<Column> {
        let mut keys = vec![
            "cases.case_code",
            "rec.commune",
            "cases.detected_on",
            "cases.detected_in",
            "cases.status",
            "cases.treated_at",
            "cases.cluster",
            "cases.village",
        ];
        if v.personal {
            keys.push("cases.full_name");
        }
        columns(v.lang, &keys)
    }

    fn cells(&self, v: Viewer<'_>) -> Vec<String> {
        let lang = v.lang;
        let mut cells = vec![
            self.case_code.clone(),
            self.commune_name.clone(),
            lang.date(self.detected_on),
            label::<DetectedIn>(lang, Some(&self.detected_in)),
            label::<CaseStatus>(lang, Some(&self.status)),
            label::<TreatedAt>(lang, self.treated_at.as_deref()),
            self.cluster_name.clone().unwrap_or_default(),
            self.village.clone(),
        ];
        if v.personal {
            cells.push(self.full_name.clone());
        }
        cells
    }

    fn muted(&self) -> bool {
        self.voided_at.is_some()
    }

    fn list_links(v: Viewer<'_>) -> Vec<(String, String)> {
        if v.user.can(Action::ImportCases(&v.user.area)) {
            vec![
                ("/cases/import".into(), v.lang.t("cases.import").into()),
                ("/cases/paste".into(), v.lang.t("paste.link").into()),
            ]
        } else {
            Vec::new()
        }
    }

    fn title(&self, lang: Lang) -> String {
        lang.tf("cases.show", &[&self.case_code])
    }

    fn edit_title(&self, lang: Lang) -> String {
        lang.tf("cases.edit", &[&self.case_code])
    }

    fn facts(&self, v: Viewer<'_>) -> Vec<(String, String)> {
        let lang = v.lang;
        let l = |k: &str| lang.t(k).to_string();
        let mut facts = vec![
            (l("cases.case_code"), self.case_code.clone()),
            (
                l("rec.commune"),
                format!("{} ({})", self.commune_name, self.commune_code),
            ),
            (l("cases.detected_on"), lang.date(self.detected_on)),
            (
                l("cases.detected_in"),
                label::<DetectedIn>(lang, Some(&self.detected_in)),
            ),
            (
                l("cases.status"),
                label::<CaseStatus>(lang, Some(&self.status)),
            ),
            (l("cases.status_on"), lang.date(self.status_on)),
            (
                l("cases.treated_at"),
                label::<TreatedAt>(lang, self.treated_at.as_deref()),
            ),
            (
                l("cases.cluster"),
                self.cluster_name.clone().unwrap_or_default(),
            ),
            (l("cases.village"), self.village.clone()),
            (l("cases.sex"), label::<Sex>(lang, self.sex.as_deref())),
        ];
        if v.personal {
            facts.push((
                l("cases.birth_year"),
                self.birth_year.map(|y| y.to_string()).unwrap_or_default(),
            ));
            facts.push((l("cases.full_name"), self.full_name.clone()));
            facts.push((l("cases.phone"), self.phone.clone()));
            facts.push((l("cases.address"), self.address.clone()));
        } else {
            facts.push((l("cases.age_band"), self.age_band().unwrap_or_default()));
        }
        facts.push((l("rec.version"), self.version.to_string()));
        facts
    }

    fn editable(&self) -> bool {
        self.voided_at.is_none()
    }

    async fn extras(
        &self,
        state: &AppState,
        v: Viewer<'_>,
        input: Option<(&Raw, &FieldErrors)>,
    ) -> Result<Extras, AppError> {
        let lang = v.lang;
        let banner = self.voided_at.map(|at| {
            lang.tf(
                "rec.voided_on",
                &[
                    &lang.datetime(at),
                    self.void_reason.as_deref().unwrap_or(""),
                ],
            )
        });
        let mut forms = Vec::new();
        if self.editable() && v.user.can(Action::WriteRecord(Self::KIND, &self.area())) {
            let mut fresh = Raw::default();
            fresh.set("version", self.version.to_string());
            let none = FieldErrors::default();
            let (raw, errors) = input.unwrap_or((&fresh, &none));
            let mut fb = FormBuilder::new(lang, raw, errors);
            fb.hidden("version")
                .text("reason", "rec.void_reason", true, 300);
            forms.push(EmbeddedForm {
                title: lang.t("rec.void").into(),
                action: format!("/cases/{}/void", self.id),
                fields: fb.build(),
                submit: lang.t("rec.void").into(),
            });
        }
        // Its F1, one after another on the phone ("save and add another"
        // keeps the case, the day and the place).
        let mut actions = Vec::new();
        if self.voided_at.is_none()
            && v.user.can(Action::WriteRecord(
                crate::domain::policy::RecordKind::Contact,
                &self.area(),
            ))
        {
            actions.push((
                format!(
                    "/contacts/new?case_code={}&commune_code={}",
                    crate::web::error::url_encode(&self.case_code),
                    self.commune_code
                ),
                lang.t("contacts.add_for_case").to_string(),
            ));
            actions.push((
                format!("/cases/{}/contacts", self.id),
                lang.t("contacts.add_list").to_string(),
            ));
        }
        Ok(Extras {
            banner,
            forms,
            actions,
            chain: super::contacts::chain_drawing(state, self.id, lang).await?,
            ..Extras::default()
        })
    }

    fn to_json(&self, v: Viewer<'_>) -> Value {
        self.json(v.personal)
    }
}

async fn void_page(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let old = load_for_edit::<CaseRow>(&state, &user, id).await?;
    let raw = Raw::from_form(form);
    let mut c = Check::on(&raw, state.clock.today());
    let Some(reason) = c.text("reason", true, 300) else {
        let mut f = FieldErrors::default();
        f.add("reason", "err.void_reason");
        return Err(AppError::Invalid(f));
    };
    void(
        &state.db,
        &Actor::from(&user),
        state.clock.now(),
        &old,
        &reason,
    )
    .await?;
    saved(&session, &page, "rec.saved", &format!("/cases/{id}")).await
}

// ---------------------------------------------------------------- import

#[derive(askama::Template, askama_web::WebTemplate)]
#[template(path = "records/import.html")]
struct ImportPage {
    page: Page,
    errors: Vec<(usize, String)>,
    summary: Option<String>,
}

async fn import_form(page: Page, user: CurrentUser) -> Result<ImportPage, AppError> {
    user.authorize(Action::ImportCases(&user.area))?;
    Ok(ImportPage {
        page,
        errors: vec![],
        summary: None,
    })
}

async fn template() -> Result<Response, AppError> {
    export::respond(Format::Csv, "mau-nhap-ca-benh", &CSV_COLUMNS, &[])
}

/// What an import did: lines with their errors, cases added.
pub struct ImportOutcome {
    pub errors: Vec<(usize, String)>,
    pub imported: usize,
}

/// Imports a case CSV. Every bad line is reported; unless `good_rows_only`,
/// nothing is stored while any line is bad.
pub async fn import_csv(
    state: &AppState,
    user: &CurrentUser,
    lang: Lang,
    bytes: &[u8],
    good_rows_only: bool,
) -> Result<ImportOutcome, AppError> {
    let rows = match export::read_csv(bytes) {
        Ok(r) => r,
        Err(e) => {
            return Ok(ImportOutcome {
                errors: vec![(1, e)],
                imported: 0,
            });
        }
    };
    if rows.is_empty() {
        return Ok(ImportOutcome {
            errors: vec![(1, lang.t("cases.import_empty").into())],
            imported: 0,
        });
    }
    let mut errors = Vec::new();
    let mut good = Vec::new();
    for (line, outcome) in check_rows(state, user, lang, rows).await? {
        match outcome {
            RowCheck::Good(v) => good.push(*v),
            RowCheck::Bad(errs) => {
                let msg = errs
                    .iter()
                    .map(|(field, msg)| format!("{field}: {msg}"))
                    .collect::<Vec<_>>()
                    .join("; ");
                errors.push((line, msg));
            }
        }
    }
    if !errors.is_empty() && !good_rows_only {
        return Ok(ImportOutcome {
            errors,
            imported: 0,
        });
    }
    store_rows(state, user, &good).await?;
    Ok(ImportOutcome {
        errors,
        imported: good.len(),
    })
}

/// A row under the import's checks: its values, or its errors as
/// (field, message) pairs in the reader's language.
pub enum RowCheck {
    Good(Box<CaseValues>),
    Bad(Vec<(String, String)>),
}

/// The checks of an import (the CSV file, a paste), row by row: each row
/// through the case's own checks, then a case code given twice in the
/// rows, then codes already stored. Rows come back in the order given.
pub async fn check_rows(
    state: &AppState,
    user: &CurrentUser,
    lang: Lang,
    rows: Vec<(usize, Raw)>,
) -> Result<Vec<(usize, RowCheck)>, AppError> {
    let today = state.clock.today();
    let mut out = Vec::with_capacity(rows.len());
    let mut seen = std::collections::HashMap::new();
    for (line, raw) in rows {
        let outcome = match CaseRow::check(&state.db, user, &raw, today, None).await {
            Ok(v) => match seen.insert(v.case_code.clone(), line) {
                Some(first) => {
                    seen.insert(v.case_code.clone(), first);
                    RowCheck::Bad(vec![(
                        "case_code".into(),
                        format!(
                            "{} ({})",
                            lang.t("err.case_code_taken"),
                            lang.tf("cases.import_line", &[&first.to_string()])
                        ),
                    )])
                }
                None => RowCheck::Good(Box::new(v)),
            },
            Err(AppError::Invalid(f)) | Err(AppError::Conflict(f)) => RowCheck::Bad(
                f.0.iter()
                    .map(|(field, _, _)| (field.clone(), f.get(field, lang).unwrap_or_default()))
                    .collect(),
            ),
            Err(e) => return Err(e),
        };
        out.push((line, outcome));
    }
    // Codes already stored are bad rows too.
    let codes: Vec<String> = out
        .iter()
        .filter_map(|(_, o)| match o {
            RowCheck::Good(v) => Some(v.case_code.clone()),
            RowCheck::Bad(_) => None,
        })
        .collect();
    let taken = taken_codes(&state.db, &codes).await?;
    for (_, o) in out.iter_mut() {
        if let RowCheck::Good(v) = o
            && taken.contains(&v.case_code)
        {
            *o = RowCheck::Bad(vec![(
                "case_code".into(),
                lang.t("err.case_code_taken").into(),
            )]);
        }
    }
    Ok(out)
}

/// Stores checked cases in one transaction, each with its audit row.
pub async fn store_rows(
    state: &AppState,
    user: &CurrentUser,
    rows: &[CaseValues],
) -> Result<(), AppError> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut tx = crate::storage::db::begin(&state.db).await?;
    let actor = Actor::from(user);
    let now = state.clock.now();
    for v in rows {
        save_in::<CaseRow>(&mut tx, &actor, now, Write::Create, v).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn import(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    form: CsrfMultipart,
) -> Result<Response, AppError> {
    let mode = form.text("mode");
    let file = form.bytes("file").to_vec();
    user.authorize(Action::ImportCases(&user.area))?;
    let lang = page.lang;
    let outcome = import_csv(&state, &user, lang, &file, mode == "good").await?;
    if outcome.imported == 0 && !outcome.errors.is_empty() {
        let summary = Some(lang.tf("cases.import_errors", &[&outcome.errors.len().to_string()]));
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            ImportPage {
                page,
                errors: outcome.errors,
                summary,
            },
        )
            .into_response());
    }
    let msg = lang.tf(
        "cases.import_done",
        &[
            &outcome.imported.to_string(),
            &outcome.errors.len().to_string(),
        ],
    );
    if outcome.errors.is_empty() {
        Page::flash(&session, msg).await?;
        return Ok(Redirect::to("/cases").into_response());
    }
    Ok(ImportPage {
        page,
        errors: outcome.errors,
        summary: Some(msg),
    }
    .into_response())
}
