//! Directives (chỉ thị, công điện, kế hoạch…): issued by a command centre to
//! the areas under it, each target reporting its progress; a target that is
//! itself a command centre may issue its own directive implementing it, so
//! directives form a cascade.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};

use super::{Stored, placed_at, writable_area};
use crate::domain::area::{AreaRef, Codes, Level};
use crate::domain::body::body_name;
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::fields::{NAME_MAX, Spec, Table};
use crate::domain::forms::{Check, Paging, Raw, Vocab};
use crate::domain::policy::{Action, CurrentUser, RecordKind};
use crate::domain::vocab::{Body, DirectiveKind, ReportStatus};
use crate::storage::ResultExt;
use crate::storage::areas::{area_ref, area_refs};
use crate::storage::audit::{self, Actor, Entry};

/// The area issuing the directive.
pub const ISSUER: Spec = Spec::area("issuer_code", "directives.issuer").required();
const ISSUER_NAME: Spec = Spec::text("issuer_name", "directives.issuer", NAME_MAX)
    .read_only()
    .always()
    .unexported();
/// Its number, as printed ("15/CT-UBND").
pub const NUMBER: Spec = Spec::text("number", "directives.number", 60).required();
/// Its kind.
pub const KIND: Spec = Spec::choice(
    "kind",
    "directives.kind",
    DirectiveKind::VALUES,
    DirectiveKind::PREFIX,
)
.required();
/// Its title.
pub const TITLE: Spec = Spec::text("title", "directives.title_field", 300).required();
/// What it says, in short.
pub const SUMMARY: Spec = Spec::lines("summary", "directives.summary", 4000).unexported();
/// When it was signed.
pub const ISSUED_ON: Spec = Spec::past_date("issued_on", "directives.issued_on").required();
/// From when it holds.
pub const EFFECTIVE_FROM: Spec =
    Spec::date("effective_from", "directives.effective_from").unexported();
/// Until when it holds.
pub const EFFECTIVE_TO: Spec = Spec::date("effective_to", "directives.effective_to").unexported();
/// When what it orders must be done.
pub const DUE_ON: Spec = Spec::date("due_on", "directives.due_on");
/// The areas it is sent to (all those under the issuer when none).
pub const TARGET_CODES: Spec = Spec::areas("target_codes", "directives.targets", 1000)
    .write_only()
    .hint("directives.targets_hint");
/// The directive of the level above that it implements.
pub const IMPLEMENTS: Spec = Spec::reference("implements_id", "directives.implements");
/// The body of the issuer that signed it (the People's Committee when not said).
pub const BODY: Spec = Spec::choice("body", "directives.body", Body::VALUES, Body::PREFIX).always();
/// The signing body's name ("UBND huyện Thanh Trì"), made up from the above.
const BODY_NAME: Spec = Spec::text("body_name", "directives.body", NAME_MAX)
    .read_only()
    .always()
    .unexported();
/// The department that signed it, when the body is a department.
pub const BODY_UNIT: Spec =
    Spec::reference("body_unit_id", "directives.body_unit").hint("directives.body_unit_hint");
/// Directives it cites.
pub const CITED: Spec = Spec::refs("cited_ids", "directives.cites", 50)
    .always()
    .hint("directives.cites_hint");
const TARGETS: Spec = Spec::count("targets", "directives.targets")
    .read_only()
    .always();
const DONE: Spec = Spec::count("done", "directives.done_rate")
    .read_only()
    .always();
const OVERDUE: Spec = Spec::count("overdue", "directives.overdue")
    .read_only()
    .always();

/// A directive with its completion.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DirectiveRow {
    pub id: i64,
    #[serde(skip)]
    pub city_code: String,
    pub issuer_code: String,
    pub issuer_name: String,
    #[serde(skip)]
    pub issuer_level: String,
    #[serde(skip)]
    pub issuer_parent: Option<String>,
    pub number: String,
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub issued_on: NaiveDate,
    pub effective_from: Option<NaiveDate>,
    pub effective_to: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub implements_id: Option<i64>,
    /// The issuing body (`people_committee`, `party_committee`, `command`, `department`).
    pub body: String,
    /// The department that issued it, when the body is a department.
    pub body_unit_id: Option<i64>,
    #[serde(skip)]
    pub body_unit_name: Option<String>,
    /// Directives it cites besides the one it implements.
    pub cited_ids: Vec<i64>,
    pub version: i32,
    pub targets: i64,
    pub done: i64,
    pub overdue: i64,
}

impl DirectiveRow {
    /// The issuing body by its usual name ("Thành ủy Hà Nội").
    pub fn body_name(&self) -> String {
        let body = Body::parse(&self.body).unwrap_or(Body::PeopleCommittee);
        let level = Level::parse(&self.issuer_level).unwrap_or(Level::Commune);
        body_name(
            body,
            &self.issuer_name,
            level,
            self.body_unit_name.as_deref(),
        )
    }

    /// Share of targets done, 0–1 (1 when there is no target).
    pub fn done_rate(&self) -> f64 {
        if self.targets == 0 {
            1.0
        } else {
            self.done as f64 / self.targets as f64
        }
    }
}

/// A directive that passed every check.
pub struct DirectiveValues {
    pub issuer: AreaRef,
    pub number: String,
    pub kind: DirectiveKind,
    pub title: String,
    pub summary: String,
    pub issued_on: NaiveDate,
    pub effective_from: Option<NaiveDate>,
    pub effective_to: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    /// Area codes it is sent to (new directives only).
    pub targets: Vec<String>,
    pub implements_id: Option<i64>,
    pub body: Body,
    /// The issuing department (id, name), when the body is one.
    pub body_unit: Option<(i64, String)>,
    /// Directives it cites.
    pub cited_ids: Vec<i64>,
}

/// A target and its report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TargetRow {
    #[serde(skip)]
    pub directive_id: i64,
    pub area_code: String,
    pub name: String,
    pub status: Option<String>,
    pub note: String,
    pub reported_on: Option<NaiveDate>,
    pub overdue: bool,
}

/// The directive list has no filter beyond its area.
pub struct NoFilter;

/// Selects directives with their completion; `$1` is today, `$tail` the
/// rest of the query (sqlx's macros take only literals joined by `+`).
macro_rules! select_directives {
    ($tail:tt $(+ $more:tt)*, $($arg:expr),* $(,)?) => {
        sqlx::query_as!(
            DirectiveRow,
            r#"select d.id, d.city_code, d.issuer_code, a.name as issuer_name,
                 a.level as issuer_level, a.parent_code as issuer_parent, d.number, d.kind, d.title,
                 d.summary, d.issued_on as "issued_on: _", d.effective_from as "effective_from: _",
                 d.effective_to as "effective_to: _", d.due_on as "due_on: _", d.implements_id,
                 d.body, d.body_unit_id, u.name as "body_unit_name?",
                 array(select c.cited_id from directive_citations c where c.directive_id = d.id
                   order by c.cited_id) as "cited_ids!", d.version,
                 (select count(*) from directive_targets t where t.directive_id = d.id) as "targets!",
                 (select count(*) from directive_targets t where t.directive_id = d.id
                    and t.status = 'done') as "done!",
                 (select count(*) from directive_targets t where t.directive_id = d.id
                    and t.status is distinct from 'done' and d.due_on < $1) as "overdue!"
               from directives d join areas a on a.code = d.issuer_code
               left join units u on u.id = d.body_unit_id "# + $tail $(+ $more)*,
            $($arg),*
        )
    };
}

impl Stored for DirectiveRow {
    type Values = DirectiveValues;
    type Filter = NoFilter;
    const KIND: RecordKind = RecordKind::Directive;
    const ENTITY: &'static str = "directive";
    const FIELDS: Table = &[
        ISSUER,
        ISSUER_NAME,
        NUMBER,
        KIND,
        TITLE,
        SUMMARY,
        ISSUED_ON,
        EFFECTIVE_FROM,
        EFFECTIVE_TO,
        DUE_ON,
        TARGET_CODES,
        IMPLEMENTS,
        BODY,
        BODY_NAME,
        BODY_UNIT,
        CITED,
        TARGETS,
        DONE,
        OVERDUE,
    ];

    row_accessors!();

    fn json_value(&self) -> Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        v["body_name"] = self.body_name().into();
        v
    }

    /// The issuing command centre.
    fn area(&self) -> AreaRef {
        placed_at(
            &self.issuer_code,
            &self.issuer_name,
            &self.issuer_level,
            self.issuer_parent.as_deref(),
            &self.city_code,
        )
    }

    fn values_json(v: &DirectiveValues) -> Value {
        json!({"issuer_code": v.issuer.code, "number": v.number, "kind": v.kind.as_str(),
            "title": v.title, "summary": v.summary, "issued_on": v.issued_on,
            "effective_from": v.effective_from, "effective_to": v.effective_to, "due_on": v.due_on,
            "target_codes": v.targets, "implements_id": v.implements_id, "body": v.body.as_str(),
            "body_unit_id": v.body_unit.as_ref().map(|u| u.0), "cited_ids": v.cited_ids})
    }

    placed_and_loaded!(issuer, select_directives, "where d.id = $2", with today);

    /// Read by those who may read the issuer, and by those it was sent to.
    async fn readable(&self, db: &PgPool, user: &CurrentUser) -> Result<bool, AppError> {
        if user.can(Action::ReadArea(&self.area())) {
            return Ok(true);
        }
        let targets = sqlx::query_scalar!(
            "select area_code from directive_targets where directive_id = $1",
            self.id
        )
        .fetch_all(db)
        .await?;
        let areas = area_refs(db, &targets).await?;
        Ok(areas.values().any(|a| user.can(Action::ReadArea(a))))
    }

    /// With `existing`, the issuer, targets and parent are those stored
    /// (only the text and dates are edited).
    async fn check(
        db: &PgPool,
        user: &CurrentUser,
        raw: &Raw,
        today: NaiveDate,
        existing: Option<&Self>,
    ) -> Result<DirectiveValues, AppError> {
        let mut c = Check::on(raw, today);
        let code = match existing {
            Some(d) => Some(d.issuer_code.clone()),
            None => c.code_of(&ISSUER),
        };
        let number = c.text_of(&NUMBER);
        let kind = c.choice_of::<DirectiveKind>(&KIND);
        let title = c.text_of(&TITLE);
        let summary = c.opt_text_of(&SUMMARY);
        let issued_on = c.date_of(&ISSUED_ON);
        let effective_from = c.date_of(&EFFECTIVE_FROM);
        let effective_to = c.date_of(&EFFECTIVE_TO);
        let due_on = c.date_of(&DUE_ON);
        if let (Some(i), Some(d)) = (issued_on, due_on)
            && d < i
        {
            c.fail("due_on", "err.date_order");
        }
        if let (Some(f), Some(t)) = (effective_from, effective_to)
            && t < f
        {
            c.fail("effective_to", "err.date_order");
        }
        let implements_id = match existing {
            Some(d) => d.implements_id,
            None => c.int_of(&IMPLEMENTS),
        };
        // Directives filed before bodies were recorded came from the People's Committee.
        let body = if raw.get("body").is_empty() {
            Some(Body::PeopleCommittee)
        } else {
            c.choice_of::<Body>(&BODY)
        };
        let body_unit_id = c.int_of(&BODY_UNIT);
        if body == Some(Body::Department)
            && body_unit_id.is_none()
            && raw.get("body_unit_id").is_empty()
        {
            c.fail("body_unit_id", "err.required");
        }
        let cited_ids = ids(&mut c, raw, "cited_ids");
        let issuer = writable_area(
            db,
            user,
            Self::KIND,
            code,
            "issuer_code",
            false,
            &mut c.errors,
        )
        .await?;
        let mut targets = Vec::new();
        if let (Some(issuer), None) = (&issuer, existing) {
            targets = check_targets(db, issuer, raw.get("target_codes"), &mut c.errors).await?;
            if let Some(parent) = implements_id {
                check_parent(db, issuer, parent, issued_on, &mut c.errors).await?;
            }
        }
        let mut body_unit = None;
        if let (Some(issuer), Some(Body::Department), Some(unit)) = (&issuer, body, body_unit_id) {
            body_unit = sqlx::query_scalar!(
                "select name from units where id = $1 and area_code = $2 and active",
                unit,
                issuer.code
            )
            .fetch_optional(db)
            .await?
            .map(|name| (unit, name));
            if body_unit.is_none() {
                c.errors.add("body_unit_id", "err.unit_not_of_issuer");
            }
        }
        if !cited_ids.is_empty() {
            check_citations(db, existing.map(|d| d.id), &cited_ids, &mut c.errors).await?;
        }
        checked!(c => DirectiveValues {
            issuer, number, kind, title, issued_on, body;
            summary, effective_from, effective_to, due_on, targets, implements_id, body_unit,
            cited_ids
        })
    }

    fn filter(_raw: &Raw, _today: NaiveDate) -> Result<NoFilter, AppError> {
        Ok(NoFilter)
    }

    /// Directives issued in, or sent to, the area.
    async fn query(
        db: &PgPool,
        today: NaiveDate,
        area: &AreaRef,
        _f: &NoFilter,
        paging: Paging,
    ) -> Result<(Vec<Self>, i64), AppError> {
        let total = sqlx::query_scalar!(
            r#"select count(*) as "n!" from directives d
               where exists (select 1 from areas i left join areas ip on ip.code = i.parent_code
                   where i.code = d.issuer_code and (i.code = $1 or i.parent_code = $1 or ip.parent_code = $1))
                or exists (select 1 from directive_targets t join areas ta on ta.code = t.area_code
                   left join areas tp on tp.code = ta.parent_code
                   where t.directive_id = d.id and (ta.code = $1 or ta.parent_code = $1 or tp.parent_code = $1))"#,
            area.code
        )
        .fetch_one(db)
        .await?;
        let rows = select_directives!(
                "where exists (select 1 from areas i left join areas ip on ip.code = i.parent_code
                   where i.code = d.issuer_code and (i.code = $2 or i.parent_code = $2 or ip.parent_code = $2))
                or exists (select 1 from directive_targets t join areas ta on ta.code = t.area_code
                   left join areas tp on tp.code = ta.parent_code
                   where t.directive_id = d.id and (ta.code = $2 or ta.parent_code = $2 or tp.parent_code = $2))
                order by d.issued_on desc, d.id desc limit $3 offset $4",
            today as _,
            area.code,
            paging.limit,
            paging.offset
        )
        .fetch_all(db)
        .await?;
        Ok((rows, total))
    }

    async fn insert(
        conn: &mut PgConnection,
        now: DateTime<Utc>,
        v: &DirectiveValues,
    ) -> Result<i64, AppError> {
        let city = Codes::of(&v.issuer).city;
        let id = sqlx::query_scalar!(
            "insert into directives (city_code, issuer_code, number, kind, title, summary, issued_on, effective_from,
               effective_to, due_on, implements_id, created_at, updated_at, body, body_unit_id)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14) returning id",
            city,
            v.issuer.code,
            v.number,
            v.kind.as_str(),
            v.title,
            v.summary,
            v.issued_on as _,
            v.effective_from as _,
            v.effective_to as _,
            v.due_on as _,
            v.implements_id,
            now as _,
            v.body.as_str(),
            v.body_unit.as_ref().map(|u| u.0)
        )
        .fetch_one(&mut *conn)
        .await
        .on_constraint("directives_number_key", "number", "err.number_taken")?;
        sqlx::query!(
            "insert into directive_targets (directive_id, area_code) select $1, unnest($2::text[])",
            id,
            &v.targets
        )
        .execute(&mut *conn)
        .await?;
        set_citations(conn, id, &v.cited_ids).await?;
        Ok(id)
    }

    async fn update(
        conn: &mut PgConnection,
        now: DateTime<Utc>,
        old: &Self,
        version: i32,
        v: &DirectiveValues,
    ) -> Result<bool, AppError> {
        let done = sqlx::query!(
            "update directives set number = $3, kind = $4, title = $5, summary = $6, issued_on = $7,
               effective_from = $8, effective_to = $9, due_on = $10, version = version + 1, updated_at = $11,
               body = $12, body_unit_id = $13
             where id = $1 and version = $2",
            old.id,
            version,
            v.number,
            v.kind.as_str(),
            v.title,
            v.summary,
            v.issued_on as _,
            v.effective_from as _,
            v.effective_to as _,
            v.due_on as _,
            now as _,
            v.body.as_str(),
            v.body_unit.as_ref().map(|u| u.0)
        )
        .execute(&mut *conn)
        .await
        .on_constraint("directives_number_key", "number", "err.number_taken")?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        set_citations(conn, old.id, &v.cited_ids).await?;
        Ok(true)
    }
}

/// Ids typed in `name`, separated by commas, spaces or semicolons (or a JSON list).
pub(crate) fn ids(c: &mut Check<'_>, raw: &Raw, name: &str) -> Vec<i64> {
    let mut out: Vec<i64> = Vec::new();
    for part in raw
        .get(name)
        .split([',', ' ', ';'])
        .filter(|s| !s.is_empty())
    {
        match part.trim().parse::<i64>() {
            Ok(id) if id > 0 => {
                if !out.contains(&id) {
                    out.push(id)
                }
            }
            _ => {
                c.fail(name, "err.not_a_number");
                return Vec::new();
            }
        }
    }
    out
}

/// The rules of a follow-up (DESIGN §3): the parent exists and was issued by
/// the issuer's own area or an area above it; it is not dated after its
/// follow-up; and a commune implements only what reaches it (sent to it or
/// to an area it lies in, or issued by itself).
async fn check_parent(
    db: &PgPool,
    issuer: &AreaRef,
    parent: i64,
    issued_on: Option<NaiveDate>,
    errors: &mut FieldErrors,
) -> Result<(), AppError> {
    let Some(p) = sqlx::query!(
        r#"select issuer_code, issued_on as "issued_on: NaiveDate",
             exists (select 1 from directive_targets t where t.directive_id = d.id
               and t.area_code = any($2)) as "reaches!"
           from directives d where id = $1"#,
        parent,
        &issuer.lineage()
    )
    .fetch_optional(db)
    .await?
    else {
        errors.add("implements_id", "err.unknown_directive");
        return Ok(());
    };
    if !issuer.lineage().contains(&p.issuer_code) {
        errors.add("implements_id", "err.parent_not_above");
    } else if issuer.level == Level::Commune && p.issuer_code != issuer.code && !p.reaches {
        errors.add("implements_id", "err.not_a_target");
    }
    if let Some(day) = issued_on
        && day < p.issued_on
    {
        errors.add("issued_on", "err.before_parent");
    }
    Ok(())
}

/// Cited directives exist, and citing them closes no loop: none of them
/// leads back to `this` through what it implements or cites.
async fn check_citations(
    db: &PgPool,
    this: Option<i64>,
    cited: &[i64],
    errors: &mut FieldErrors,
) -> Result<(), AppError> {
    let found = sqlx::query_scalar!(
        r#"select count(*) as "n!" from directives where id = any($1)"#,
        cited
    )
    .fetch_one(db)
    .await?;
    if found != cited.len() as i64 {
        errors.add("cited_ids", "err.unknown_directive");
        return Ok(());
    }
    let Some(this) = this else { return Ok(()) };
    let loops = sqlx::query_scalar!(
        r#"with recursive up (id) as (select unnest($1::bigint[])
             union select e.next from up join (
               select id, implements_id as next from directives where implements_id is not null
               union all select directive_id, cited_id from directive_citations) e on e.id = up.id)
           select exists (select 1 from up where id = $2) as "e!""#,
        cited,
        this
    )
    .fetch_one(db)
    .await?;
    if loops {
        errors.add("cited_ids", "err.cycle");
    }
    Ok(())
}

/// Replaces the citations of directive `id`.
async fn set_citations(conn: &mut PgConnection, id: i64, cited: &[i64]) -> Result<(), AppError> {
    sqlx::query!(
        "delete from directive_citations where directive_id = $1",
        id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into directive_citations (directive_id, cited_id) select $1, unnest($2::bigint[])",
        id,
        cited
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The directives citing directive `id`, and those it cites: (id, number, body name, cites).
pub async fn citations(
    db: &PgPool,
    id: i64,
) -> Result<Vec<(i64, String, String, String, bool)>, AppError> {
    let rows = sqlx::query!(
        r#"select d.id, d.number, d.kind, d.body, a.name as area_name, a.level, u.name as "unit_name?",
             c.directive_id = $1 as "outgoing!"
           from directive_citations c
           join directives d on d.id = case when c.directive_id = $1 then c.cited_id else c.directive_id end
           join areas a on a.code = d.issuer_code left join units u on u.id = d.body_unit_id
           where c.directive_id = $1 or c.cited_id = $1 order by d.issued_on, d.id"#,
        id
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let body = Body::parse(&r.body).unwrap_or(Body::PeopleCommittee);
            let level = Level::parse(&r.level).unwrap_or(Level::Commune);
            let name = body_name(body, &r.area_name, level, r.unit_name.as_deref());
            (r.id, r.number, r.kind, name, r.outgoing)
        })
        .collect())
}

/// The targets typed (codes separated by commas, spaces or semicolons), or
/// every area directly under the issuer when none is typed. Each must lie
/// under the issuer.
async fn check_targets(
    db: &PgPool,
    issuer: &AreaRef,
    typed: &str,
    errors: &mut FieldErrors,
) -> Result<Vec<String>, AppError> {
    let typed: Vec<&str> = typed
        .split([',', ' ', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if typed.is_empty() {
        return Ok(sqlx::query_scalar!(
            "select code from areas where parent_code = $1 order by code",
            issuer.code
        )
        .fetch_all(db)
        .await?);
    }
    let mut targets: Vec<String> = Vec::new();
    for code in typed {
        match area_ref(db, code).await? {
            Some(a) if a.code != issuer.code && a.is_within(&issuer.code) => {
                if !targets.contains(&a.code) {
                    targets.push(a.code)
                }
            }
            Some(_) => {
                errors.add("target_codes", "err.target_not_under_issuer");
                break;
            }
            None => {
                errors.add("target_codes", "err.unknown_area");
                break;
            }
        }
    }
    Ok(targets)
}

/// The directive `id` and every directive implementing it, at any depth,
/// with their targets.
pub async fn cascade(
    db: &PgPool,
    today: NaiveDate,
    id: i64,
) -> Result<(Vec<DirectiveRow>, Vec<TargetRow>), AppError> {
    let directives = select_directives!(
        "where d.id in (with recursive c as (select id from directives where id = $2
                 union all select d2.id from directives d2 join c on d2.implements_id = c.id)
               select id from c)
             order by d.issued_on, d.id",
        today as _,
        id
    )
    .fetch_all(db)
    .await?;
    let ids: Vec<i64> = directives.iter().map(|d| d.id).collect();
    let targets = sqlx::query_as!(
        TargetRow,
        r#"select t.directive_id, t.area_code, a.name, t.status, t.note,
             t.reported_on as "reported_on: _",
             coalesce(d.due_on < $2 and t.status is distinct from 'done', false) as "overdue!"
           from directive_targets t join areas a on a.code = t.area_code
           join directives d on d.id = t.directive_id
           where t.directive_id = any($1) order by a.name collate "vi-x-icu""#,
        &ids,
        today as _
    )
    .fetch_all(db)
    .await?;
    Ok((directives, targets))
}

/// The top of the cascade `id` belongs to.
pub async fn root_of(db: &PgPool, id: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar!(
        r#"with recursive up as (select id, implements_id, 0 as depth from directives where id = $1
             union all select d.id, d.implements_id, up.depth + 1 from directives d
             join up on d.id = up.implements_id where up.depth < 50)
           select id as "id!" from up order by depth desc limit 1"#,
        id
    )
    .fetch_one(db)
    .await?)
}

/// Records a target's report on directive `id`, for an area the user acts for.
pub async fn save_report(
    db: &PgPool,
    user: &CurrentUser,
    now: DateTime<Utc>,
    today: NaiveDate,
    id: i64,
    raw: &Raw,
) -> Result<(), AppError> {
    let mut c = Check::on(raw, today);
    let code = c.code("area_code");
    let status = c.choice::<ReportStatus>("status", true);
    let note = c.opt_text("note", 1000);
    let (Some(code), Some(status)) = (code, status) else {
        return Err(AppError::Invalid(c.errors));
    };
    let Some(area) = area_ref(db, &code).await? else {
        let mut f = FieldErrors::default();
        f.add("area_code", "err.unknown_area");
        return Err(AppError::Invalid(f));
    };
    if !user.can(Action::WriteRecord(RecordKind::Directive, &area)) {
        return Err(AppError::Forbidden);
    }
    let mut tx = crate::storage::db::begin(db).await?;
    let old = sqlx::query!(
        "select status, note from directive_targets where directive_id = $1 and area_code = $2 for update",
        id,
        area.code
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(old) = old else {
        let mut f = FieldErrors::default();
        f.add("area_code", "err.not_a_target");
        return Err(AppError::Invalid(f));
    };
    sqlx::query!(
        "update directive_targets set status = $3, note = $4, reported_on = $5, updated_at = $6
         where directive_id = $1 and area_code = $2",
        id,
        area.code,
        status.as_str(),
        note,
        today as _,
        now as _
    )
    .execute(&mut *tx)
    .await?;
    let entry = Entry {
        area_code: Some(&area.code),
        action: "report",
        entity: "directive",
        entity_id: id.to_string(),
        old: Some(json!({"status": old.status, "note": old.note})),
        new: Some(json!({"status": status.as_str(), "note": note})),
    };
    audit::record(&mut tx, now, &Actor::from(user), entry).await?;
    tx.commit().await?;
    Ok(())
}

/// How many directives sent to `area` it has not yet reported done.
pub async fn open_for(db: &PgPool, area: &str) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar!(
        r#"select count(*) as "n!" from directive_targets
           where area_code = $1 and status is distinct from 'done'"#,
        area
    )
    .fetch_one(db)
    .await?)
}
