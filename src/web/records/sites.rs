//! Quarantine sites as drawn: the generic pages and API, and the
//! occupancy history on a site's page.

use chrono::NaiveDate;
use sqlx::PgPool;

use super::record::{Extras, Record, Viewer};
use super::{Column, Section, columns, label};
use crate::domain::area::Level;
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::forms::{Field, FormBuilder, Options, Raw};
use crate::domain::i18n::Lang;
use crate::domain::policy::CurrentUser;
use crate::domain::vocab::{RunBy, SiteKind, SiteStatus};
use crate::state::AppState;
use crate::storage::records::Stored;
use crate::storage::records::sites::{SiteRow, occupancy_history};

impl SiteRow {
    /// The occupancy, and whether it counts people or was typed: a board
    /// reader must know which.
    fn occupancy_text(&self, lang: Lang) -> String {
        let how = if self.keeps_people {
            "sites.counted_people"
        } else {
            "sites.typed"
        };
        format!("{} ({})", lang.int(self.occupancy.into()), lang.t(how))
    }
}

impl Record for SiteRow {
    const PAGES: &'static str = "/sites";
    const API: &'static str = "/quarantine-sites";
    const LIST_TITLE: &'static str = "sites.title";
    const NEW_TITLE: &'static str = "sites.new";
    const EDIT_TITLE: &'static str = "sites.edit";
    const EXPORT_NAME: &'static str = "khu-cach-ly";

    async fn options(
        _db: &PgPool,
        v: Viewer<'_>,
        _existing: Option<&Self>,
    ) -> Result<Options, AppError> {
        let tier = |n: &str| (n.to_string(), v.lang.tf("dash.tier_n", &[n]));
        let tiers = vec![(String::new(), "—".into()), tier("1"), tier("2"), tier("3")];
        Ok(vec![("treatment_tier", tiers)])
    }

    /// A site that counts its people offers no number to type.
    async fn fields(
        db: &PgPool,
        v: Viewer<'_>,
        raw: &Raw,
        errors: &FieldErrors,
        existing: Option<&Self>,
    ) -> Result<Vec<Field>, AppError> {
        let options = Self::options(db, v, existing).await?;
        let mut fields = FormBuilder::new(v.lang, raw, errors)
            .specs(Self::FIELDS, v.personal, options)
            .build();
        if existing.is_some_and(|e| e.keeps_people) {
            fields.retain(|f| f.name != "occupancy");
        }
        Ok(fields)
    }

    fn defaults(user: &CurrentUser, today: NaiveDate) -> Raw {
        let mut raw = Raw::default();
        raw.set("area_code", user.area.code.clone());
        raw.set("status", "active");
        raw.set("occupancy", "0");
        let run_by = if user.area.level == Level::City {
            RunBy::City
        } else {
            RunBy::District
        };
        raw.set("run_by", crate::domain::forms::Vocab::as_str(run_by));
        raw.set("status_on", today.to_string());
        raw
    }

    fn filter_fields(lang: Lang, raw: &Raw, errors: &FieldErrors) -> Vec<Field> {
        FormBuilder::new(lang, raw, errors)
            .area("area", "rec.area")
            .choice::<SiteStatus>("status", "sites.status", false, true)
            .build()
    }

    fn columns(v: Viewer<'_>) -> Vec<Column> {
        columns(
            v.lang,
            &[
                "sites.name",
                "rec.area",
                "sites.kind",
                "sites.run_by",
                "#sites.capacity",
                "#sites.occupancy",
                "#sites.free",
                "sites.status",
            ],
        )
    }

    fn cells(&self, v: Viewer<'_>) -> Vec<String> {
        let lang = v.lang;
        vec![
            self.name.clone(),
            self.area_name.clone(),
            label::<SiteKind>(lang, Some(&self.kind)),
            label::<RunBy>(lang, Some(&self.run_by)),
            lang.int(self.capacity.into()),
            self.occupancy_text(lang),
            lang.int((self.capacity - self.occupancy).into()),
            label::<SiteStatus>(lang, Some(&self.status)),
        ]
    }

    fn muted(&self) -> bool {
        self.status == "closed"
    }

    fn title(&self, _lang: Lang) -> String {
        self.name.clone()
    }

    fn facts(&self, v: Viewer<'_>) -> Vec<(String, String)> {
        let lang = v.lang;
        let l = |k: &str| lang.t(k).to_string();
        vec![
            (l("sites.name"), self.name.clone()),
            (l("rec.area"), self.area_name.clone()),
            (l("sites.kind"), label::<SiteKind>(lang, Some(&self.kind))),
            (
                l("sites.treatment_tier"),
                self.treatment_tier
                    .map_or_else(|| "—".into(), |t| lang.tf("dash.tier_n", &[&t.to_string()])),
            ),
            (l("sites.run_by"), label::<RunBy>(lang, Some(&self.run_by))),
            (l("sites.capacity"), lang.int(self.capacity.into())),
            (l("sites.occupancy"), self.occupancy_text(lang)),
            (
                l("sites.free"),
                lang.int((self.capacity - self.occupancy).into()),
            ),
            (
                l("sites.status"),
                label::<SiteStatus>(lang, Some(&self.status)),
            ),
            (l("sites.status_on"), lang.date(self.status_on)),
        ]
    }

    async fn extras(
        &self,
        state: &AppState,
        v: Viewer<'_>,
        _input: Option<(&Raw, &FieldErrors)>,
    ) -> Result<Extras, AppError> {
        let lang = v.lang;
        let hist = occupancy_history(&state.db, self.id).await?;
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
                .map(|h| {
                    vec![
                        lang.datetime(h.at),
                        lang.int(h.occupancy.into()),
                        lang.int(h.capacity.into()),
                        label::<SiteStatus>(lang, Some(&h.status)),
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
