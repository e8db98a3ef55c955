//! Clusters (chùm ca bệnh) as drawn: the generic pages and API, and the
//! cluster's cases on its page.

use chrono::NaiveDate;
use sqlx::PgPool;

use super::record::{Extras, Record, Viewer};
use super::{Section, columns, commune_choices, label};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::forms::{Field, FormBuilder, Options, Raw};
use crate::domain::i18n::Lang;
use crate::domain::policy::{Action, CurrentUser};
use crate::domain::vocab::CaseStatus;
use crate::state::AppState;
use crate::storage::records::clusters::{ClusterRow, cases_of};
use crate::storage::records::placed_at;

impl Record for ClusterRow {
    const PAGES: &'static str = "/clusters";
    const API: &'static str = "/clusters";
    const LIST_TITLE: &'static str = "clusters.title";
    const NEW_TITLE: &'static str = "clusters.new";
    const EDIT_TITLE: &'static str = "clusters.edit";
    const EXPORT_NAME: &'static str = "chum-ca-benh";
    const LIST: &'static [&'static str] =
        &["name", "commune_code", "opened_on", "closed_on", "cases"];

    async fn options(
        db: &PgPool,
        v: Viewer<'_>,
        _existing: Option<&Self>,
    ) -> Result<Options, AppError> {
        Ok(vec![(
            "commune_code",
            commune_choices(db, v.user, v.lang).await?,
        )])
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

    fn muted(&self) -> bool {
        self.closed_on.is_some()
    }

    fn title(&self, _lang: Lang) -> String {
        self.name.clone()
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
            chain: super::contacts::cluster_chain_drawing(state, self.id, lang).await?,
            ..Extras::default()
        })
    }
}
