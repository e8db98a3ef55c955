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
    const EXPORT_COLUMNS: &'static [&'static str] = &[
        "id",
        "commune_code",
        "name",
        "kind",
        "started_on",
        "households",
        "people",
        "cluster_id",
        "status",
        "lifted_on",
        "note",
    ];

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
        Ok(FormBuilder::new(v.lang, raw, errors)
            .hidden("version")
            .select("commune_code", "rec.commune", communes, true)
            .text("name", "lockdowns.name", true, 200)
            .choice::<LockdownKind>("kind", "lockdowns.kind", true, false)
            .date("started_on", "lockdowns.started_on", true)
            .number("households", "lockdowns.households", false)
            .number("people", "lockdowns.people", true)
            .select("cluster_id", "lockdowns.cluster_id", clusters, false)
            .choice::<LockdownStatus>("status", "lockdowns.status", true, false)
            .date("lifted_on", "lockdowns.lifted_on", false)
            .textarea("note", "rec.note", 1000)
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

    fn to_raw(&self, _v: Viewer<'_>) -> Raw {
        let mut r = Raw::default();
        r.set("commune_code", &self.commune_code);
        r.set("name", &self.name);
        r.set("kind", &self.kind);
        r.set("started_on", self.started_on.to_string());
        r.set(
            "households",
            self.households.map(|h| h.to_string()).unwrap_or_default(),
        );
        r.set("people", self.people.to_string());
        r.set(
            "cluster_id",
            self.cluster_id.map(|c| c.to_string()).unwrap_or_default(),
        );
        r.set("status", &self.status);
        r.set(
            "lifted_on",
            self.lifted_on.map(|d| d.to_string()).unwrap_or_default(),
        );
        r.set("note", &self.note);
        r.set("version", self.version.to_string());
        r
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
    const EXPORT_COLUMNS: &'static [&'static str] = &[
        "id",
        "area_code",
        "tested_on",
        "target",
        "method",
        "samples",
        "results",
        "results_on",
        "positives",
        "note",
    ];

    async fn fields(
        _db: &PgPool,
        v: Viewer<'_>,
        raw: &Raw,
        errors: &FieldErrors,
        _existing: Option<&Self>,
    ) -> Result<Vec<Field>, AppError> {
        Ok(FormBuilder::new(v.lang, raw, errors)
            .hidden("version")
            .text("area_code", "testing.area", true, 5)
            .date("tested_on", "testing.tested_on", true)
            .text("target", "testing.target", true, 200)
            .choice::<TestMethod>("method", "testing.method", true, false)
            .number("samples", "testing.samples", true)
            .number("results", "testing.results", false)
            .date("results_on", "testing.results_on", false)
            .number("positives", "testing.positives", false)
            .textarea("note", "rec.note", 1000)
            .build())
    }

    fn defaults(user: &CurrentUser, today: NaiveDate) -> Raw {
        let mut raw = Raw::default();
        raw.set("area_code", user.area.code.clone());
        raw.set("tested_on", today.to_string());
        raw.set("method", "pooled_pcr");
        raw
    }

    fn to_raw(&self, _v: Viewer<'_>) -> Raw {
        let mut r = Raw::default();
        r.set("area_code", &self.area_code);
        r.set("tested_on", self.tested_on.to_string());
        r.set("target", &self.target);
        r.set("method", &self.method);
        r.set("samples", self.samples.to_string());
        r.set("results", self.results.to_string());
        r.set(
            "results_on",
            self.results_on.map(|d| d.to_string()).unwrap_or_default(),
        );
        r.set("positives", self.positives.to_string());
        r.set("note", &self.note);
        r.set("version", self.version.to_string());
        r
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
    const EXPORT_COLUMNS: &'static [&'static str] = &["id", "area_code", "label", "phone"];

    async fn fields(
        _db: &PgPool,
        v: Viewer<'_>,
        raw: &Raw,
        errors: &FieldErrors,
        _existing: Option<&Self>,
    ) -> Result<Vec<Field>, AppError> {
        Ok(FormBuilder::new(v.lang, raw, errors)
            .hidden("version")
            .text("area_code", "rec.area", true, 5)
            .text("label", "hotlines.label", true, 200)
            .tel("phone", "hotlines.phone", 20)
            .build())
    }

    fn defaults(user: &CurrentUser, _today: NaiveDate) -> Raw {
        let mut raw = Raw::default();
        raw.set("area_code", user.area.code.clone());
        raw
    }

    fn to_raw(&self, _v: Viewer<'_>) -> Raw {
        let mut r = Raw::default();
        r.set("area_code", &self.area_code);
        r.set("label", &self.label);
        r.set("phone", &self.phone);
        r.set("version", self.version.to_string());
        r
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
    const EXPORT_COLUMNS: &'static [&'static str] =
        &["id", "area_code", "day", "name", "position", "phone"];
    const KEEP_FOR_NEXT: &'static [&'static str] = &["area_code", "day"];

    async fn fields(
        _db: &PgPool,
        v: Viewer<'_>,
        raw: &Raw,
        errors: &FieldErrors,
        _existing: Option<&Self>,
    ) -> Result<Vec<Field>, AppError> {
        Ok(FormBuilder::new(v.lang, raw, errors)
            .hidden("version")
            .text("area_code", "rec.area", true, 5)
            .date("day", "duty.day", true)
            .text("name", "duty.name", true, 200)
            .text("position", "duty.role", true, 200)
            .tel("phone", "hotlines.phone", 20)
            .build())
    }

    fn defaults(user: &CurrentUser, today: NaiveDate) -> Raw {
        let mut raw = Raw::default();
        raw.set("area_code", user.area.code.clone());
        raw.set("day", today.to_string());
        raw
    }

    fn to_raw(&self, _v: Viewer<'_>) -> Raw {
        let mut r = Raw::default();
        r.set("area_code", &self.area_code);
        r.set("day", self.day.to_string());
        r.set("name", &self.name);
        r.set("position", &self.position);
        r.set("phone", &self.phone);
        r.set("version", self.version.to_string());
        r
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
