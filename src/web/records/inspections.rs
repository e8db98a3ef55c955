//! Inspections as drawn: the generic pages and API; the page links the task
//! a "not met" verdict opened.

use chrono::NaiveDate;
use sqlx::PgPool;

use super::record::{Extras, Record, Viewer};
use super::{Column, columns, label, opt_date};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::forms::{EARLIEST_DATE, Field, FormBuilder, Raw};
use crate::domain::i18n::Lang;
use crate::domain::policy::{Action, CurrentUser, RecordKind};
use crate::domain::vocab::Verdict;
use crate::state::AppState;
use crate::storage::records::Stored;
use crate::storage::records::directives::DirectiveRow;
use crate::storage::records::inspections::{
    FINDINGS, FOLLOW_UP_DUE, InspectionRow, TEAM, VERDICT, VISITED_ON,
};
use crate::storage::records::tasks::{DIRECTIVE, assignable};

impl Record for InspectionRow {
    const PAGES: &'static str = "/inspections";
    const API: &'static str = "/inspections";
    const LIST_TITLE: &'static str = "inspections.title";
    const NEW_TITLE: &'static str = "inspections.new";
    const EDIT_TITLE: &'static str = "inspections.edit";
    const EXPORT_NAME: &'static str = "kiem-tra";

    async fn fields(
        db: &PgPool,
        v: Viewer<'_>,
        raw: &Raw,
        errors: &FieldErrors,
        existing: Option<&Self>,
    ) -> Result<Vec<Field>, AppError> {
        // The units offered are those the directive's issuer may task.
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
                // The units of the inspecting area: the issuer, or the
                // reader's own area that the directive reaches.
                let by = match existing {
                    Some(n) => n.issuer_code.clone(),
                    None if v
                        .user
                        .can(Action::WriteRecord(RecordKind::Inspection, &d.area())) =>
                    {
                        d.issuer_code.clone()
                    }
                    None => v.user.area.code.clone(),
                };
                let mut units = assignable(db, &by).await?;
                units.insert(0, (String::new(), "—".into()));
                fb.select("assignee", "inspections.unit", units, true);
            }
            None => {
                fb.text("assignee", "inspections.unit", true, 40);
            }
        }
        for f in [&TEAM, &VISITED_ON, &FINDINGS, &VERDICT, &FOLLOW_UP_DUE] {
            fb.spec(f, None);
        }
        Ok(fb.build())
    }

    fn defaults(_user: &CurrentUser, today: NaiveDate) -> Raw {
        let mut raw = Raw::default();
        raw.set("visited_on", today.to_string());
        raw.set("verdict", "met");
        raw
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
            .build()
    }

    fn columns(v: Viewer<'_>) -> Vec<Column> {
        columns(
            v.lang,
            &[
                "inspections.unit",
                "inspections.team",
                "inspections.visited_on",
                "inspections.verdict",
                "inspections.follow_up_due",
            ],
        )
    }

    fn cells(&self, v: Viewer<'_>) -> Vec<String> {
        vec![
            self.unit_name.clone(),
            self.team.clone(),
            v.lang.date(self.visited_on),
            label::<Verdict>(v.lang, Some(&self.verdict)),
            opt_date(v.lang, self.follow_up_due),
        ]
    }

    fn title(&self, lang: Lang) -> String {
        format!(
            "{} — {} ({})",
            lang.t("inspections.title"),
            self.unit_name,
            lang.date(self.visited_on)
        )
    }

    fn facts(&self, v: Viewer<'_>) -> Vec<(String, String)> {
        let lang = v.lang;
        let l = |k: &str| lang.t(k).to_string();
        vec![
            (l("tasks.directive"), self.directive_number.clone()),
            (l("inspections.unit"), self.unit_name.clone()),
            (l("inspections.team"), self.team.clone()),
            (l("inspections.visited_on"), lang.date(self.visited_on)),
            (l("inspections.findings"), self.findings.clone()),
            (
                l("inspections.verdict"),
                label::<Verdict>(lang, Some(&self.verdict)),
            ),
            (
                l("inspections.follow_up_due"),
                opt_date(lang, self.follow_up_due),
            ),
        ]
    }

    async fn extras(
        &self,
        _state: &AppState,
        v: Viewer<'_>,
        _input: Option<(&Raw, &FieldErrors)>,
    ) -> Result<Extras, AppError> {
        let lang = v.lang;
        let mut actions = vec![(
            format!("/directives/{}", self.directive_id),
            format!("{} {}", lang.t("tasks.directive"), self.directive_number),
        )];
        if let Some(task) = self.task_id {
            actions.push((
                format!("/tasks/{task}"),
                lang.t("inspections.task").to_string(),
            ));
        }
        Ok(Extras {
            actions,
            ..Extras::default()
        })
    }
}
