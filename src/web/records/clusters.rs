//! Clusters (chùm ca bệnh) as drawn: the generic pages and API, and the
//! cluster's cases on its page.

use chrono::NaiveDate;
use sqlx::PgPool;

use super::record::{Extras, Record, Viewer};
use super::{Section, columns, label, opt_date};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::forms::{Field, FormBuilder, Raw};
use crate::domain::i18n::Lang;
use crate::domain::policy::{Action, CurrentUser};
use crate::domain::vocab::CaseStatus;
use crate::state::AppState;
use crate::storage::records::Stored;
use crate::storage::records::clusters::{ClusterRow, cases_of};
use crate::storage::records::{placed_at, writable_communes};

impl Record for ClusterRow {
    const PAGES: &'static str = "/clusters";
    const API: &'static str = "/clusters";
    const LIST_TITLE: &'static str = "clusters.title";
    const NEW_TITLE: &'static str = "clusters.new";
    const EDIT_TITLE: &'static str = "clusters.edit";
    const EXPORT_NAME: &'static str = "chum-ca-benh";

    async fn fields(
        db: &PgPool,
        v: Viewer<'_>,
        raw: &Raw,
        errors: &FieldErrors,
        _existing: Option<&Self>,
    ) -> Result<Vec<Field>, AppError> {
        let mut communes = writable_communes(db, v.user).await?;
        if communes.len() > 1 {
            communes.insert(0, (String::new(), v.lang.t("rec.choose_commune").into()));
        }
        Ok(FormBuilder::new(v.lang, raw, errors)
            .specs(Self::FIELDS, v.personal, vec![("commune_code", communes)])
            .build())
    }

    fn defaults(user: &CurrentUser, today: NaiveDate) -> Raw {
        let mut raw = Raw::default();
        raw.set("opened_on", today.to_string());
        raw.set("commune_code", user.area.code.clone());
        raw
    }

    fn filter_fields(lang: Lang, raw: &Raw, errors: &FieldErrors) -> Vec<Field> {
        FormBuilder::new(lang, raw, errors)
            .area("area", "rec.area")
            .select(
                "active",
                "clusters.active",
                vec![
                    (String::new(), lang.t("common.all").into()),
                    ("on".into(), lang.t("clusters.active").into()),
                ],
                false,
            )
            .build()
    }

    fn columns(_v: Viewer<'_>) -> Vec<&'static str> {
        vec![
            "clusters.name",
            "rec.commune",
            "clusters.opened_on",
            "clusters.closed_on",
            "#clusters.cases",
        ]
    }

    fn cells(&self, v: Viewer<'_>) -> Vec<String> {
        vec![
            self.name.clone(),
            self.commune_name.clone(),
            v.lang.date(self.opened_on),
            opt_date(v.lang, self.closed_on),
            v.lang.int(self.cases),
        ]
    }

    fn muted(&self) -> bool {
        self.closed_on.is_some()
    }

    fn title(&self, _lang: Lang) -> String {
        self.name.clone()
    }

    fn facts(&self, v: Viewer<'_>) -> Vec<(String, String)> {
        let lang = v.lang;
        vec![
            (lang.t("clusters.name").to_string(), self.name.clone()),
            (lang.t("rec.commune").to_string(), self.commune_name.clone()),
            (
                lang.t("clusters.opened_on").to_string(),
                lang.date(self.opened_on),
            ),
            (
                lang.t("clusters.closed_on").to_string(),
                opt_date(lang, self.closed_on),
            ),
            (lang.t("clusters.cases").to_string(), lang.int(self.cases)),
            (lang.t("clusters.note").to_string(), self.note.clone()),
        ]
    }

    async fn extras(
        &self,
        state: &AppState,
        v: Viewer<'_>,
        _input: Option<(&Raw, &FieldErrors)>,
    ) -> Result<Extras, AppError> {
        let lang = v.lang;
        // Only the cases the reader may read, wherever they were logged.
        let rows: Vec<_> = cases_of(&state.db, self.id)
            .await?
            .into_iter()
            .filter(|c| {
                let at = placed_at(
                    &c.commune_code,
                    "",
                    "commune",
                    Some(&c.district_code),
                    &c.city_code,
                );
                v.user.can(Action::ReadArea(&at))
            })
            .collect();
        let section = Section {
            title: lang.t("cases.title").into(),
            columns: columns(
                lang,
                &["cases.case_code", "cases.detected_on", "cases.status"],
            ),
            rows: rows
                .into_iter()
                .map(|c| {
                    vec![
                        c.case_code,
                        lang.date(c.detected_on),
                        label::<CaseStatus>(lang, Some(&c.status)),
                    ]
                })
                .collect(),
            hrefs: Vec::new(),
            id: "",
        };
        Ok(Extras {
            sections: vec![section],
            ..Extras::default()
        })
    }
}
