//! The operations of issue 15 as drawn: lockdown areas, testing rounds,
//! hotlines and the duty roster, through the generic pages and API.

use chrono::NaiveDate;
use sqlx::PgPool;

use super::record::{Record, Viewer};
use super::{Column, cluster_choices, columns, commune_choices, label, opt_date};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::forms::{Field, FormBuilder, Options, Raw};
use crate::domain::i18n::Lang;
use crate::domain::policy::CurrentUser;
use crate::domain::vocab::TestMethod;
use crate::storage::records::Stored;
use crate::storage::records::hotlines::{DutyRow, HotlineRow};
use crate::storage::records::lockdowns::LockdownRow;
use crate::storage::records::testing::TestingRow;

impl Record for LockdownRow {
    const PAGES: &'static str = "/lockdowns";
    const API: &'static str = "/lockdowns";
    const LIST_TITLE: &'static str = "lockdowns.title";
    const NEW_TITLE: &'static str = "lockdowns.new";
    const EDIT_TITLE: &'static str = "lockdowns.edit";
    const EXPORT_NAME: &'static str = "phong-toa";
    const LIST: &'static [&'static str] = &[
        "name",
        "commune_code",
        "kind",
        "started_on",
        "households",
        "people",
        "status",
    ];

    async fn options(
        db: &PgPool,
        v: Viewer<'_>,
        existing: Option<&Self>,
    ) -> Result<Options, AppError> {
        // A cluster closed since keeps its place on the lockdown's own form.
        let keep = existing.and_then(|e| e.cluster_id.zip(e.cluster_name.clone()));
        Ok(vec![
            ("commune_code", commune_choices(db, v.user, v.lang).await?),
            ("cluster_id", cluster_choices(db, v.user, keep).await?),
        ])
    }

    fn defaults(user: &CurrentUser, today: NaiveDate) -> Raw {
        let mut raw = Raw::default();
        raw.set("commune_code", user.area.code.clone());
        raw.set("kind", "lockdown_point");
        raw.set("status", "active");
        raw.set("started_on", today.to_string());
        raw
    }

    fn filter_fields(lang: Lang, raw: &Raw, errors: &FieldErrors) -> Vec<Field> {
        FormBuilder::new(lang, raw, errors)
            .area("area", "rec.area")
            .select(
                "active",
                "lockdowns.active",
                vec![
                    (String::new(), lang.t("common.all").into()),
                    ("on".into(), lang.t("lockdowns.active").into()),
                ],
                false,
            )
            .build()
    }

    fn muted(&self) -> bool {
        self.status == "lifted"
    }

    fn title(&self, _lang: Lang) -> String {
        self.name.clone()
    }
}

impl Record for TestingRow {
    const PAGES: &'static str = "/testing";
    const API: &'static str = "/testing-rounds";
    const LIST_TITLE: &'static str = "testing.title";
    const NEW_TITLE: &'static str = "testing.new";
    const EDIT_TITLE: &'static str = "testing.edit";
    const EXPORT_NAME: &'static str = "xet-nghiem";

    async fn fields(
        _db: &PgPool,
        v: Viewer<'_>,
        raw: &Raw,
        errors: &FieldErrors,
        _existing: Option<&Self>,
    ) -> Result<Vec<Field>, AppError> {
        Ok(FormBuilder::new(v.lang, raw, errors)
            .specs(Self::FIELDS, v.personal, vec![])
            .build())
    }

    fn defaults(user: &CurrentUser, today: NaiveDate) -> Raw {
        let mut raw = Raw::default();
        raw.set("area_code", user.area.code.clone());
        raw.set("tested_on", today.to_string());
        raw.set("method", "pooled_pcr");
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
                "testing.tested_on",
                "rec.area",
                "testing.target",
                "testing.method",
                "#testing.samples",
                "#testing.waiting",
                "#testing.positives",
            ],
        )
    }

    fn cells(&self, v: Viewer<'_>) -> Vec<String> {
        vec![
            v.lang.date(self.tested_on),
            self.area_name.clone(),
            self.target.clone(),
            label::<TestMethod>(v.lang, Some(&self.method)),
            v.lang.int(i64::from(self.samples)),
            v.lang.int(i64::from(self.samples - self.results)),
            v.lang.int(i64::from(self.positives)),
        ]
    }

    fn muted(&self) -> bool {
        self.results == self.samples
    }

    fn title(&self, lang: Lang) -> String {
        format!("{} · {}", self.target, lang.date(self.tested_on))
    }

    fn facts(&self, v: Viewer<'_>) -> Vec<(String, String)> {
        let lang = v.lang;
        let int = |n: i32| lang.int(i64::from(n));
        vec![
            (lang.t("rec.area").into(), self.area_name.clone()),
            (
                lang.t("testing.tested_on").into(),
                lang.date(self.tested_on),
            ),
            (lang.t("testing.target").into(), self.target.clone()),
            (
                lang.t("testing.method").into(),
                label::<TestMethod>(lang, Some(&self.method)),
            ),
            (lang.t("testing.samples").into(), int(self.samples)),
            (lang.t("testing.results").into(), int(self.results)),
            (
                lang.t("testing.results_on").into(),
                opt_date(lang, self.results_on),
            ),
            (lang.t("testing.positives").into(), int(self.positives)),
            (lang.t("rec.note").into(), self.note.clone()),
        ]
    }
}

impl Record for HotlineRow {
    const PAGES: &'static str = "/hotlines";
    const API: &'static str = "/hotlines";
    const LIST_TITLE: &'static str = "hotlines.title";
    const NEW_TITLE: &'static str = "hotlines.new";
    const EDIT_TITLE: &'static str = "hotlines.edit";
    const EXPORT_NAME: &'static str = "duong-day-nong";
    const LIST: &'static [&'static str] = &["area_code", "label", "phone"];

    fn defaults(user: &CurrentUser, _today: NaiveDate) -> Raw {
        let mut raw = Raw::default();
        raw.set("area_code", user.area.code.clone());
        raw
    }

    fn filter_fields(lang: Lang, raw: &Raw, errors: &FieldErrors) -> Vec<Field> {
        FormBuilder::new(lang, raw, errors)
            .area("area", "rec.area")
            .build()
    }

    fn list_links(v: Viewer<'_>) -> Vec<(String, String)> {
        vec![
            ("/duty".into(), v.lang.t("nav.duty").into()),
            ("/cong-khai".into(), v.lang.t("nav.public").into()),
        ]
    }

    fn title(&self, _lang: Lang) -> String {
        format!("{} · {}", self.label, self.area_name)
    }
}

impl Record for DutyRow {
    const PAGES: &'static str = "/duty";
    const API: &'static str = "/duty-roster";
    const LIST_TITLE: &'static str = "duty.title";
    const NEW_TITLE: &'static str = "duty.new";
    const EDIT_TITLE: &'static str = "duty.edit";
    const EXPORT_NAME: &'static str = "truc-ban";
    const LIST: &'static [&'static str] = &["day", "area_code", "name", "position", "phone"];
    const KEEP_FOR_NEXT: &'static [&'static str] = &["area_code", "day"];

    fn defaults(user: &CurrentUser, today: NaiveDate) -> Raw {
        let mut raw = Raw::default();
        raw.set("area_code", user.area.code.clone());
        raw.set("day", today.to_string());
        raw
    }

    fn filter_fields(lang: Lang, raw: &Raw, errors: &FieldErrors) -> Vec<Field> {
        FormBuilder::new(lang, raw, errors)
            .area("area", "rec.area")
            .date("day", "duty.day", false)
            .build()
    }

    fn title(&self, lang: Lang) -> String {
        format!("{} · {}", self.name, lang.date(self.day))
    }
}
