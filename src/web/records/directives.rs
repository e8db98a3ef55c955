//! Directives as drawn: the generic pages and API, and what is theirs
//! alone: the cascade (on the page and in the API) and the targets' reports.
//!
//! A viewer sees the cascade only as far as their jurisdiction reaches:
//! a target they may not read shows its name, its status and, in place of
//! the plans issued under it, how many of their targets are done.

use std::collections::{HashMap, HashSet};

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use axum::{Json, Router};
use chrono::NaiveDate;
use serde_json::{Value, json};
use sqlx::PgPool;
use tower_sessions::Session;

use super::record::{self, Extras, Record, Viewer, embedded_saved, load};
use super::tasks::task_section;
use super::{Column, EmbeddedForm, Section, TreeNode, columns, label, opt_date};
use crate::domain::area::AreaRef;
use crate::domain::area::Level;
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::fields::Spec;
use crate::domain::forms::{Field, FormBuilder, Raw};
use crate::domain::i18n::Lang;
use crate::domain::policy::{Action, CurrentUser, RecordKind};
use crate::domain::vocab::{DirectiveKind, ReportStatus};
use crate::state::AppState;
use crate::storage::areas::area_refs;
use crate::storage::records::Stored;
use crate::storage::records::directives::{
    BODY, BODY_UNIT, CITED, DUE_ON, DirectiveRow, EFFECTIVE_FROM, EFFECTIVE_TO, IMPLEMENTS,
    ISSUED_ON, ISSUER, KIND, NUMBER, SUMMARY, TARGET_CODES, TITLE, TargetRow, cascade, citations,
    root_of, save_report,
};
use crate::storage::records::tasks::tasks_of;
use crate::web::auth::CsrfForm;
use crate::web::json::ApiJson;
use crate::web::page::Page;

/// The directive pages, with reports.
pub fn router() -> Router<AppState> {
    record::pages::<DirectiveRow>().route("/directives/{id}/reports", post(report))
}

/// The directives API, with reports.
pub fn api_router() -> Router<AppState> {
    record::api::<DirectiveRow>().route("/directives/{id}/reports", post(api_report))
}

fn percent(lang: Lang, rate: f64) -> String {
    format!("{}%", lang.int((rate * 100.0).round() as i64))
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

/// A cascade as one viewer may see it.
struct Cascade {
    directives: HashMap<i64, DirectiveRow>,
    targets: Vec<TargetRow>,
    /// Every target's area, with its ancestors.
    areas: HashMap<String, AreaRef>,
    /// Target areas the viewer may read.
    readable: HashSet<String>,
    /// The viewer's own area and those above it: their branch starts unfolded.
    own_branch: Vec<String>,
}

impl Cascade {
    async fn load(state: &AppState, user: &CurrentUser, id: i64) -> Result<Self, AppError> {
        let (ds, targets) = cascade(&state.db, state.clock.today(), id).await?;
        let codes: Vec<String> = targets.iter().map(|t| t.area_code.clone()).collect();
        // One query for every area of the cascade, whatever its size.
        let areas = area_refs(&state.db, &codes).await?;
        let readable = areas
            .values()
            .filter(|a| user.can(Action::ReadArea(a)))
            .map(|a| a.code.clone())
            .collect();
        let home = &user.area;
        let own_branch = [
            Some(home.code.clone()),
            home.parent_code.clone(),
            home.grandparent_code.clone(),
        ]
        .into_iter()
        .flatten()
        .collect();
        Ok(Self {
            directives: ds.into_iter().map(|d| (d.id, d)).collect(),
            targets,
            areas,
            readable,
            own_branch,
        })
    }

    /// Directives issued by `t`'s area to implement directive `id`.
    fn plans_of(&self, id: i64, t: &TargetRow) -> Vec<&DirectiveRow> {
        let mut out: Vec<&DirectiveRow> = self
            .directives
            .values()
            .filter(|c| c.implements_id == Some(id) && c.issuer_code == t.area_code)
            .collect();
        out.sort_by_key(|c| c.id);
        out
    }

    /// Directives implementing `id` issued by an area that is not one of
    /// its targets: its own area's follow-ups (the Party Committee's
    /// conclusion under the People's Committee's directive).
    fn follow_ups(&self, id: i64) -> Vec<&DirectiveRow> {
        let mut out: Vec<&DirectiveRow> = self
            .directives
            .values()
            .filter(|c| {
                c.implements_id == Some(id)
                    && !self
                        .targets
                        .iter()
                        .any(|t| t.directive_id == id && t.area_code == c.issuer_code)
            })
            .collect();
        out.sort_by_key(|c| (c.issued_on, c.id));
        out
    }

    /// Targets done, targets and targets overdue of the plans under a target.
    fn counts_under(&self, id: i64, t: &TargetRow) -> (i64, i64, i64) {
        self.plans_of(id, t).iter().fold((0, 0, 0), |(d, n, o), p| {
            (d + p.done, n + p.targets, o + p.overdue)
        })
    }

    fn status_label(&self, lang: Lang, id: i64, t: &TargetRow) -> String {
        let mut s = match &t.status {
            Some(s) => label::<ReportStatus>(lang, Some(s)),
            None => lang.t("directives.not_received").to_string(),
        };
        if t.overdue {
            s = format!("{s} · {}", lang.t("directives.overdue"));
        }
        let (done, of, overdue) = self.counts_under(id, t);
        if of > 0 {
            let counts = lang.tf("directives.plan_counts", &[&lang.int(done), &lang.int(of)]);
            s = format!("{s} · {counts}");
            if overdue > 0 {
                s = format!(
                    "{s}, {}",
                    lang.tf("directives.plan_overdue", &[&lang.int(overdue)])
                );
            }
        }
        s
    }

    /// Draws the cascade under `id` as indented nodes: a directive, its
    /// targets, and under each target it may read, the plans it issued.
    fn tree(&self, lang: Lang, id: i64, depth: usize, out: &mut Vec<TreeNode>) {
        let Some(d) = self.directives.get(&id) else {
            return;
        };
        out.push(TreeNode {
            depth,
            href: format!("/directives/{}", d.id),
            label: format!(
                "{} {} — {} ({})",
                label::<DirectiveKind>(lang, Some(&d.kind)),
                d.number,
                d.body_name(),
                percent(lang, d.done_rate())
            ),
            status: String::new(),
            overdue: false,
            is_directive: true,
            opens: false,
            open: false,
            progress: None,
            closes: 0,
        });
        // Follow-ups at the same level come first: they restate the order
        // the targets then carry out.
        for f in self.follow_ups(id) {
            self.tree(lang, f.id, depth + 1, out);
        }
        for t in self.targets.iter().filter(|t| t.directive_id == id) {
            let plans = self.plans_of(id, t);
            let (done, of, _) = self.counts_under(id, t);
            // A target with plans it may read folds them under its line.
            let group = self.readable.contains(&t.area_code) && !plans.is_empty();
            out.push(TreeNode {
                depth: depth + 1,
                href: String::new(),
                label: t.name.clone(),
                status: self.status_label(lang, id, t),
                overdue: t.overdue,
                is_directive: false,
                opens: group,
                open: self.own_branch.contains(&t.area_code),
                progress: (of > 0).then_some((done, of)),
                closes: 0,
            });
            if group {
                for c in plans {
                    self.tree(lang, c.id, depth + 2, out);
                }
                if let Some(last) = out.last_mut() {
                    last.closes += 1;
                }
            }
        }
    }

    /// The JSON of directive `id` with its targets and, nested under each
    /// target the viewer may read, the directives implementing it.
    fn json(&self, id: i64) -> Value {
        let Some(d) = self.directives.get(&id) else {
            return Value::Null;
        };
        let targets: Vec<Value> = self
            .targets
            .iter()
            .filter(|t| t.directive_id == id)
            .map(|t| {
                if self.readable.contains(&t.area_code) {
                    json!({
                        "area_code": t.area_code, "name": t.name, "status": t.status, "note": t.note,
                        "reported_on": t.reported_on, "overdue": t.overdue,
                        "implemented_by": self.plans_of(id, t).iter().map(|c| self.json(c.id)).collect::<Vec<_>>(),
                    })
                } else {
                    let (done, of, _) = self.counts_under(id, t);
                    json!({
                        "area_code": t.area_code, "name": t.name, "status": t.status,
                        "reported_on": t.reported_on, "overdue": t.overdue,
                        "implemented_by": [], "plan_targets": of, "plan_targets_done": done,
                    })
                }
            })
            .collect();
        let mut v = d.json_value();
        v["followed_by"] = self
            .follow_ups(id)
            .iter()
            .map(|f| self.json(f.id))
            .collect::<Vec<_>>()
            .into();
        v["done_rate"] = d.done_rate().into();
        v["targets"] = targets.into();
        v
    }
}

impl DirectiveRow {
    /// The reader's deadline when it is near or past, unless they are done.
    fn deadline_note(&self, lang: Lang, today: NaiveDate, t: &TargetRow) -> Option<String> {
        let due = self.due_on?;
        if t.status.as_deref() == Some("done") {
            return None;
        }
        let days = (due - today).num_days();
        match days {
            d if d < 0 => Some(lang.tf("directives.overdue_by", &[&lang.int(-d), &lang.date(due)])),
            d if d <= 2 => Some(lang.tf("directives.due_in", &[&lang.int(d), &lang.date(due)])),
            _ => None,
        }
    }
}

impl Record for DirectiveRow {
    const PAGES: &'static str = "/directives";
    const API: &'static str = "/directives";
    const LIST_TITLE: &'static str = "directives.title";
    const NEW_TITLE: &'static str = "directives.new";
    const EDIT_TITLE: &'static str = "directives.edit";
    const EXPORT_NAME: &'static str = "van-ban";

    async fn fields(
        _db: &PgPool,
        v: Viewer<'_>,
        raw: &Raw,
        errors: &FieldErrors,
        existing: Option<&Self>,
    ) -> Result<Vec<Field>, AppError> {
        let new = existing.is_none();
        let mut fb = FormBuilder::new(v.lang, raw, errors);
        fb.hidden("version");
        // Who issued it, where it goes and what it implements are fixed
        // once issued; the body leads the form, as it heads the paper.
        let mut order = vec![&ISSUER, &BODY, &BODY_UNIT, &NUMBER, &KIND, &TITLE];
        order.extend([
            &SUMMARY,
            &ISSUED_ON,
            &EFFECTIVE_FROM,
            &EFFECTIVE_TO,
            &DUE_ON,
        ]);
        order.extend([&TARGET_CODES, &IMPLEMENTS, &CITED]);
        let fixed = [ISSUER.name, TARGET_CODES.name, IMPLEMENTS.name];
        let table: Vec<Spec> = order
            .into_iter()
            .filter(|f| new || !fixed.contains(&f.name))
            .copied()
            .collect();
        Ok(FormBuilder::new(v.lang, raw, errors)
            .specs(&table, v.personal, vec![])
            .build())
    }

    fn defaults(user: &CurrentUser, today: NaiveDate) -> Raw {
        let mut raw = Raw::default();
        raw.set("issuer_code", user.area.code.clone());
        raw.set("issued_on", today.to_string());
        raw.set("kind", "directive");
        raw.set("body", "people_committee");
        raw
    }

    fn filter_fields(lang: Lang, raw: &Raw, errors: &FieldErrors) -> Vec<Field> {
        FormBuilder::new(lang, raw, errors)
            .area("area", "rec.area")
            .build()
    }

    fn columns(v: Viewer<'_>) -> Vec<Column> {
        columns(
            v.lang,
            &[
                "directives.number",
                "directives.kind",
                "directives.title_field",
                "directives.body",
                "directives.issued_on",
                "directives.due_on",
                "#directives.done_rate",
                "#directives.overdue",
            ],
        )
    }

    fn cells(&self, v: Viewer<'_>) -> Vec<String> {
        let lang = v.lang;
        vec![
            self.number.clone(),
            label::<DirectiveKind>(lang, Some(&self.kind)),
            self.title.clone(),
            self.body_name(),
            lang.date(self.issued_on),
            match (self.due_on, v.today) {
                // Near its deadline with units still to report.
                (Some(due), Some(today))
                    if self.done < self.targets && (0..=2).contains(&(due - today).num_days()) =>
                {
                    format!("{} · {}", lang.date(due), lang.t("directives.due_soon"))
                }
                _ => opt_date(lang, self.due_on),
            },
            percent(lang, self.done_rate()),
            lang.int(self.overdue),
        ]
    }

    fn muted(&self) -> bool {
        self.done == self.targets && self.targets > 0
    }

    fn title(&self, lang: Lang) -> String {
        format!(
            "{} {} — {}",
            label::<DirectiveKind>(lang, Some(&self.kind)),
            self.number,
            self.title
        )
    }

    fn facts(&self, v: Viewer<'_>) -> Vec<(String, String)> {
        let lang = v.lang;
        let l = |k: &str| lang.t(k).to_string();
        vec![
            (l("directives.number"), self.number.clone()),
            (
                l("directives.kind"),
                label::<DirectiveKind>(lang, Some(&self.kind)),
            ),
            (l("directives.body"), self.body_name()),
            (l("directives.issuer"), self.issuer_name.clone()),
            (l("directives.issued_on"), lang.date(self.issued_on)),
            (
                l("directives.effective_from"),
                opt_date(lang, self.effective_from),
            ),
            (
                l("directives.effective_to"),
                opt_date(lang, self.effective_to),
            ),
            (l("directives.due_on"), opt_date(lang, self.due_on)),
            (l("directives.summary"), self.summary.clone()),
            (
                l("directives.done_rate"),
                format!(
                    "{} ({}/{})",
                    percent(lang, self.done_rate()),
                    self.done,
                    self.targets
                ),
            ),
            (l("directives.overdue"), lang.int(self.overdue)),
        ]
    }

    async fn extras(
        &self,
        state: &AppState,
        v: Viewer<'_>,
        input: Option<(&Raw, &FieldErrors)>,
    ) -> Result<Extras, AppError> {
        let lang = v.lang;
        let root = root_of(&state.db, self.id).await?;
        let c = Cascade::load(state, v.user, root).await?;
        let mut tree = Vec::new();
        c.tree(lang, root, 0, &mut tree);
        // Targets this user reports for, and directives they may issue under it.
        let mut actions = Vec::new();
        let mut reportable = Vec::new();
        let mut mine: Option<&TargetRow> = None;
        for t in c.targets.iter().filter(|t| t.directive_id == self.id) {
            if let Some(a) = c.areas.get(&t.area_code)
                && v.user.can(Action::WriteRecord(RecordKind::Directive, a))
            {
                reportable.push((t.area_code.clone(), t.name.clone()));
                if t.area_code == v.user.area.code || mine.is_none() {
                    mine = Some(t);
                }
                if a.level != Level::Commune && v.user.area.code == a.code {
                    actions.push((
                        format!("/directives/new?implements_id={}", self.id),
                        lang.t("directives.new").to_string(),
                    ));
                }
            }
        }
        let mut forms = Vec::new();
        let mut banner = None;
        if let Some(t) = mine {
            banner = self.deadline_note(lang, state.clock.today(), t);
        }
        if !reportable.is_empty() {
            let (raw, errors) = match input {
                Some((raw, errors)) => (raw.clone(), errors.clone()),
                None => {
                    // The reader's own report as it stands, so saving again
                    // never sets it back.
                    let mut raw = Raw::default();
                    if let Some(t) = mine {
                        raw.set("area_code", &t.area_code);
                        raw.set(
                            "status",
                            t.status.clone().unwrap_or_else(|| "received".into()),
                        );
                        raw.set("note", &t.note);
                    }
                    (raw, FieldErrors::default())
                }
            };
            forms.push(EmbeddedForm {
                title: lang.t("directives.report").into(),
                action: format!("/directives/{}/reports", self.id),
                fields: report_fields(lang, &raw, &errors, reportable),
                submit: lang.t("common.save").into(),
            });
        }
        let mut sections = Vec::new();
        let cites = citations(&state.db, self.id).await?;
        if !cites.is_empty() {
            sections.push(Section {
                title: lang.t("directives.citations").into(),
                columns: columns(
                    lang,
                    &[
                        "directives.number",
                        "directives.body",
                        "directives.citations",
                    ],
                ),
                hrefs: cites
                    .iter()
                    .map(|c| format!("/directives/{}", c.0))
                    .collect(),
                rows: cites
                    .iter()
                    .map(|(_, number, kind, body, outgoing)| {
                        vec![
                            format!("{} {number}", label::<DirectiveKind>(lang, Some(kind))),
                            body.clone(),
                            lang.t(if *outgoing {
                                "directives.cites"
                            } else {
                                "directives.cited_by"
                            })
                            .to_string(),
                        ]
                    })
                    .collect(),
                id: "citations",
            });
        }
        let tasks = tasks_of(&state.db, state.clock.today(), self.id).await?;
        if v.user
            .can(Action::WriteRecord(RecordKind::Task, &self.area()))
        {
            actions.push((
                format!("/tasks/new?directive_id={}", self.id),
                lang.t("directives.add_task").to_string(),
            ));
        }
        if v.user
            .can(Action::WriteRecord(RecordKind::Inspection, &self.area()))
        {
            actions.push((
                format!("/inspections/new?directive_id={}", self.id),
                lang.t("inspections.new").to_string(),
            ));
        }
        if !tasks.is_empty() {
            sections.push(task_section(lang, &tasks, "directives.tasks", "tasks"));
        }
        Ok(Extras {
            forms_first: !forms.is_empty(),
            banner,
            actions,
            tree,
            forms,
            sections,
            chain: None,
        })
    }

    /// One directive in the API carries its cascade.
    async fn api_json(&self, state: &AppState, v: Viewer<'_>) -> Result<Value, AppError> {
        let mut json = Cascade::load(state, v.user, self.id).await?.json(self.id);
        let tasks = tasks_of(&state.db, state.clock.today(), self.id).await?;
        json["tasks"] = tasks.iter().map(|t| t.json_value()).collect();
        Ok(json)
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
    let d = load::<DirectiveRow>(&state, &user, id).await?;
    let raw = Raw::from_form(form);
    let (now, today) = (state.clock.now(), state.clock.today());
    let result = save_report(&state.db, &user, now, today, id, &raw).await;
    embedded_saved(&state, page, &user, &session, &d, &raw, result).await
}

async fn api_report(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, AppError> {
    let d = load::<DirectiveRow>(&state, &user, id).await?;
    let raw = Raw::from_json(body)?;
    let (now, today) = (state.clock.now(), state.clock.today());
    save_report(&state.db, &user, now, today, id, &raw).await?;
    let v = Viewer::at(&user, Lang::default(), &d.area());
    Ok(Json(d.api_json(&state, v).await?))
}
