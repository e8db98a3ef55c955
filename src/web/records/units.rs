//! An area's departments and forces as drawn: the generic pages and API,
//! written by the administrator (the policy's `RecordKind::Unit`).

use chrono::NaiveDate;
use sqlx::PgPool;

use super::label;
use super::record::{Record, Viewer};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::fields::Spec;
use crate::domain::forms::{Field, FormBuilder, Raw};
use crate::domain::i18n::Lang;
use crate::domain::policy::CurrentUser;
use crate::domain::vocab::UnitKind;
use crate::storage::records::Stored;
use crate::storage::records::units::{UNIT_AREA, UnitRow};

impl Record for UnitRow {
    const PAGES: &'static str = "/units";
    const API: &'static str = "/units";
    const LIST_TITLE: &'static str = "units.title";
    const NEW_TITLE: &'static str = "units.new";
    const EDIT_TITLE: &'static str = "units.edit";
    const EXPORT_NAME: &'static str = "phong-ban";
    const LIST: &'static [&'static str] = &["name", "kind", "area_code", "active"];

    async fn fields(
        _db: &PgPool,
        v: Viewer<'_>,
        raw: &Raw,
        errors: &FieldErrors,
        existing: Option<&Self>,
    ) -> Result<Vec<Field>, AppError> {
        // A department does not move: its area is chosen once.
        let table: Vec<Spec> = Self::FIELDS
            .iter()
            .filter(|f| existing.is_none() || f.name != UNIT_AREA.name)
            .copied()
            .collect();
        Ok(FormBuilder::new(v.lang, raw, errors)
            .specs(&table, v.personal, vec![])
            .build())
    }

    fn defaults(user: &CurrentUser, _today: NaiveDate) -> Raw {
        let mut raw = Raw::default();
        raw.set("area_code", user.area.code.clone());
        raw.set("active", "true");
        raw
    }

    fn filter_fields(lang: Lang, raw: &Raw, errors: &FieldErrors) -> Vec<Field> {
        FormBuilder::new(lang, raw, errors)
            .area("area", "rec.area")
            .build()
    }

    fn muted(&self) -> bool {
        !self.active
    }

    fn title(&self, _lang: Lang) -> String {
        self.name.clone()
    }

    fn facts(&self, v: Viewer<'_>) -> Vec<(String, String)> {
        let lang = v.lang;
        self.columns_facts(lang)
    }
}

impl UnitRow {
    fn columns_facts(&self, lang: Lang) -> Vec<(String, String)> {
        let l = |k: &str| lang.t(k).to_string();
        vec![
            (l("units.name"), self.name.clone()),
            (l("units.kind"), label::<UnitKind>(lang, Some(&self.kind))),
            (l("units.area"), self.area_name.clone()),
            (
                l("units.active"),
                l(if self.active {
                    "common.yes"
                } else {
                    "common.no"
                }),
            ),
            ("ID".into(), self.id.to_string()),
        ]
    }
}
