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
use crate::storage::records::clusters::{ClusterRow, cases_of};
use crate::storage::records::{placed_at, writable_communes};

impl Record for ClusterRow {
    const PAGES: &'static str = "/clusters";
    const API: &'static str = "/clusters";
    const LIST_TITLE: &'static str = "clusters.title";
    const NEW_TITLE: &'static str = "clusters.new";
    const EDIT_TITLE: &'static str = "clusters.edit";
    const EXPORT_NAME: &'static str = "chum-ca-benh";
    const EXPORT_COLUMNS: &'static [&'static str] = &[
        "id",
        "commune_code",
        "name",
        "opened_on",
        "closed_on",
        "cases",
        "note",
    ];

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
            .hidden("version")
            .select("commune_code", "rec.commune", communes, true)
            .text("name", "clusters.name", true, 200)
            .date("opened_on", "clusters.opened_on", true)
            .date("closed_on", "clusters.closed_on", false)
            .textarea("note", "clusters.note", 1000)
            .build())
    }

    fn defaults(user: &CurrentUser, today: NaiveDate) -> Raw {
        let mut raw = Raw::default();
        raw.set("opened_on", today.to_string());
        raw.set("commune_code", user.area.code.clone());
        raw
    }

    fn to_raw(&self, _v: Viewer<'_>) -> Raw {
        let mut r = Raw::default();
        r.set("commune_code", &self.commune_code);
        r.set("name", &self.name);
        r.set("opened_on", self.opened_on.to_string());
        r.set(
            "closed_on",
            self.closed_on.map(|d| d.to_string()).unwrap_or_default(),
        );
        r.set("note", &self.note);
        r.set("cases", self.cases.to_string());
        r.set("version", self.version.to_string());
        r
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
