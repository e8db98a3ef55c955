//! The operations of issue 15 as drawn: lockdown areas, testing rounds,
//! hotlines and the duty roster, through the generic pages and API.

use chrono::NaiveDate;
use sqlx::PgPool;

use super::record::{Record, Viewer};
use super::{label, opt_date};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::forms::{Field, FormBuilder, Raw};
use crate::domain::i18n::Lang;
use crate::domain::policy::CurrentUser;
use crate::domain::vocab::{LockdownKind, LockdownStatus, TestMethod};
use crate::storage::records::Stored;
use crate::storage::records::hotlines::{DutyRow, HotlineRow};
use crate::storage::records::lockdowns::LockdownRow;
use crate::storage::records::testing::TestingRow;
use crate::storage::records::writable_communes;

impl Record for LockdownRow {
    const PAGES: &'static str = "/lockdowns";
    const API: &'static str = "/lockdowns";
    const LIST_TITLE: &'static str = "lockdowns.title";
    const NEW_TITLE: &'static str = "lockdowns.new";
    const EDIT_TITLE: &'static str = "lockdowns.edit";
    const EXPORT_NAME: &'static str = "phong-toa";

    async fn fields(
        db: &PgPool,
        v: Viewer<'_>,
        raw: &Raw,
        errors: &FieldErrors,
        existing: Option<&Self>,
    ) -> Result<Vec<Field>, AppError> {
        let mut communes = writable_communes(db, v.user).await?;
        if communes.len() > 1 {
            communes.insert(0, (String::new(), v.lang.t("rec.choose_commune").into()));
        }
        // The open clusters the user can see, named with their commune.
        let clusters: Vec<(String, String)> = std::iter::once((String::new(), "—".to_string()))
            .chain(
                crate::storage::records::cases::open_clusters(db, v.user.scope())
                    .await?
                    .into_iter()
                    .map(|(id, name, commune)| (id.to_string(), format!("{name} ({commune})"))),
            )
            .collect();
        // A cluster closed since keeps its place on the lockdown's own form.
        let mut clusters = clusters;
        if let Some((id, name)) = existing.and_then(|e| e.cluster_id.zip(e.cluster_name.clone()))
            && !clusters.iter().any(|(k, _)| *k == id.to_string())
        {
            clusters.push((id.to_string(), name));
        }
        let options = vec![("commune_code", communes), ("cluster_id", clusters)];
        Ok(FormBuilder::new(v.lang, raw, errors)
            .specs(Self::FIELDS, v.personal, options)
            .build())
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

    fn columns(_v: Viewer<'_>) -> Vec<&'static str> {
        vec![
            "lockdowns.name",
            "rec.commune",
            "lockdowns.kind",
            "lockdowns.started_on",
            "#lockdowns.households",
            "#lockdowns.people",
            "lockdowns.status",
        ]
    }

    fn cells(&self, v: Viewer<'_>) -> Vec<String> {
        vec![
            self.name.clone(),
            self.commune_name.clone(),
            label::<LockdownKind>(v.lang, Some(&self.kind)),
            v.lang.date(self.started_on),
            v.lang.opt_int(self.households.map(i64::from)),
            v.lang.int(i64::from(self.people)),
            label::<LockdownStatus>(v.lang, Some(&self.status)),
        ]
    }

    fn muted(&self) -> bool {
        self.status == "lifted"
    }

    fn title(&self, _lang: Lang) -> String {
        self.name.clone()
    }

    fn facts(&self, v: Viewer<'_>) -> Vec<(String, String)> {
        let lang = v.lang;
        vec![
            (lang.t("rec.commune").into(), self.commune_name.clone()),
            (
                lang.t("lockdowns.kind").into(),
                label::<LockdownKind>(lang, Some(&self.kind)),
            ),
            (
                lang.t("lockdowns.started_on").into(),
                lang.date(self.started_on),
            ),
            (
                lang.t("lockdowns.households").into(),
                lang.opt_int(self.households.map(i64::from)),
            ),
            (
                lang.t("lockdowns.people").into(),
                lang.int(i64::from(self.people)),
            ),
            (
                lang.t("lockdowns.cluster_id").into(),
                self.cluster_name.clone().unwrap_or_else(|| "—".into()),
            ),
            (
                lang.t("lockdowns.status").into(),
                label::<LockdownStatus>(lang, Some(&self.status)),
            ),
            (
                lang.t("lockdowns.lifted_on").into(),
                opt_date(lang, self.lifted_on),
            ),
            (lang.t("rec.note").into(), self.note.clone()),
        ]
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

    fn columns(_v: Viewer<'_>) -> Vec<&'static str> {
        vec![
            "testing.tested_on",
            "rec.area",
            "testing.target",
            "testing.method",
            "#testing.samples",
            "#testing.waiting",
            "#testing.positives",
        ]
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

    fn columns(_v: Viewer<'_>) -> Vec<&'static str> {
        vec!["rec.area", "hotlines.label", "hotlines.phone"]
    }

    fn list_links(v: Viewer<'_>) -> Vec<(String, String)> {
        vec![
            ("/duty".into(), v.lang.t("nav.duty").into()),
            ("/cong-khai".into(), v.lang.t("nav.public").into()),
        ]
    }

    fn cells(&self, _v: Viewer<'_>) -> Vec<String> {
        vec![
            self.area_name.clone(),
            self.label.clone(),
            self.phone.clone(),
        ]
    }

    fn title(&self, _lang: Lang) -> String {
        format!("{} · {}", self.label, self.area_name)
    }

    fn facts(&self, v: Viewer<'_>) -> Vec<(String, String)> {
        let lang = v.lang;
        vec![
            (lang.t("rec.area").into(), self.area_name.clone()),
            (lang.t("hotlines.label").into(), self.label.clone()),
            (lang.t("hotlines.phone").into(), self.phone.clone()),
        ]
    }
}

impl Record for DutyRow {
    const PAGES: &'static str = "/duty";
    const API: &'static str = "/duty-roster";
    const LIST_TITLE: &'static str = "duty.title";
    const NEW_TITLE: &'static str = "duty.new";
    const EDIT_TITLE: &'static str = "duty.edit";
    const EXPORT_NAME: &'static str = "truc-ban";
    const KEEP_FOR_NEXT: &'static [&'static str] = &["area_code", "day"];

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
        raw.set("day", today.to_string());
        raw
    }

    fn filter_fields(lang: Lang, raw: &Raw, errors: &FieldErrors) -> Vec<Field> {
        FormBuilder::new(lang, raw, errors)
            .area("area", "rec.area")
            .date("day", "duty.day", false)
            .build()
    }

    fn columns(_v: Viewer<'_>) -> Vec<&'static str> {
        vec![
            "duty.day",
            "rec.area",
            "duty.name",
            "duty.role",
            "hotlines.phone",
        ]
    }

    fn cells(&self, v: Viewer<'_>) -> Vec<String> {
        vec![
            v.lang.date(self.day),
            self.area_name.clone(),
            self.name.clone(),
            self.position.clone(),
            self.phone.clone(),
        ]
    }

    fn title(&self, lang: Lang) -> String {
        format!("{} · {}", self.name, lang.date(self.day))
    }

    fn facts(&self, v: Viewer<'_>) -> Vec<(String, String)> {
        let lang = v.lang;
        vec![
            (lang.t("rec.area").into(), self.area_name.clone()),
            (lang.t("duty.day").into(), lang.date(self.day)),
            (lang.t("duty.name").into(), self.name.clone()),
            (lang.t("duty.role").into(), self.position.clone()),
            (lang.t("hotlines.phone").into(), self.phone.clone()),
        ]
    }
}
