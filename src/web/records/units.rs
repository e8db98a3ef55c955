//! An area's departments and forces as drawn: the generic pages and API,
//! written by the administrator (the policy's `RecordKind::Unit`).

use chrono::NaiveDate;
use sqlx::PgPool;

use super::label;
use super::record::{Record, Viewer};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::forms::{Field, FormBuilder, Raw};
use crate::domain::i18n::Lang;
use crate::domain::policy::CurrentUser;
use crate::domain::vocab::UnitKind;
use crate::storage::records::units::UnitRow;

fn yes_no(lang: Lang) -> Vec<(String, String)> {
    vec![
        ("true".into(), lang.t("common.yes").into()),
        ("false".into(), lang.t("common.no").into()),
    ]
}

impl Record for UnitRow {
    const PAGES: &'static str = "/units";
    const API: &'static str = "/units";
    const LIST_TITLE: &'static str = "units.title";
    const NEW_TITLE: &'static str = "units.new";
    const EDIT_TITLE: &'static str = "units.edit";
    const EXPORT_NAME: &'static str = "phong-ban";
    const EXPORT_COLUMNS: &'static [&'static str] = &["id", "area_code", "kind", "name", "active"];

    async fn fields(
        _db: &PgPool,
        v: Viewer<'_>,
        raw: &Raw,
        errors: &FieldErrors,
        existing: Option<&Self>,
    ) -> Result<Vec<Field>, AppError> {
        let mut fb = FormBuilder::new(v.lang, raw, errors);
        fb.hidden("version");
        if existing.is_none() {
            fb.text("area_code", "units.area", true, 5);
        }
        fb.choice::<UnitKind>("kind", "units.kind", true, false)
            .text("name", "units.name", true, 200)
            .select("active", "units.active", yes_no(v.lang), true);
        Ok(fb.build())
    }

    fn defaults(user: &CurrentUser, _today: NaiveDate) -> Raw {
        let mut raw = Raw::default();
        raw.set("area_code", user.area.code.clone());
        raw.set("active", "true");
        raw
    }

    fn to_raw(&self, _v: Viewer<'_>) -> Raw {
        let mut r = Raw::default();
        r.set("area_code", &self.area_code);
        r.set("kind", &self.kind);
        r.set("name", &self.name);
        r.set("active", self.active.to_string());
        r.set("version", self.version.to_string());
        r
    }

    fn filter_fields(lang: Lang, raw: &Raw, errors: &FieldErrors) -> Vec<Field> {
        FormBuilder::new(lang, raw, errors)
            .area("area", "rec.area")
            .build()
    }

    fn columns(_v: Viewer<'_>) -> Vec<&'static str> {
        vec!["units.name", "units.kind", "units.area", "units.active"]
    }

    fn cells(&self, v: Viewer<'_>) -> Vec<String> {
        vec![
            self.name.clone(),
            label::<UnitKind>(v.lang, Some(&self.kind)),
            self.area_name.clone(),
            v.lang
                .t(if self.active {
                    "common.yes"
                } else {
                    "common.no"
                })
                .to_string(),
        ]
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
