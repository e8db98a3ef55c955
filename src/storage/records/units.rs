//! The departments and forces of an area (Phòng Y tế, Công an, Ban Chỉ huy
//! Quân sự, Tổ COVID cộng đồng…): what a directive may be issued by and
//! tasks assigned to. A small list per area, started with the usual ones
//! when the area is created and kept by the administrator after.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};

use super::{Stored, placed_at, writable_area};
use crate::domain::area::{AreaRef, Level, code_only};
use crate::domain::error::AppError;
use crate::domain::fields::{AREA, AREA_NAME, NAME_MAX, Spec, Table};
use crate::domain::forms::{Check, Raw, Vocab};
use crate::domain::policy::{CurrentUser, RecordKind};
use crate::domain::vocab::UnitKind;
use crate::storage::ResultExt;

/// Where a department belongs; it does not move once made.
pub const UNIT_AREA: Spec = Spec {
    label: "units.area",
    ..AREA
};
const KIND: Spec =
    Spec::choice("kind", "units.kind", UnitKind::VALUES, UnitKind::PREFIX).required();
const NAME: Spec = Spec::text("name", "units.name", NAME_MAX).required();
const ACTIVE: Spec = Spec::boolean("active", "units.active").always();

/// A department of an area.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UnitRow {
    pub id: i64,
    pub area_code: String,
    pub area_name: String,
    #[serde(skip)]
    pub area_level: String,
    #[serde(skip)]
    pub area_parent: Option<String>,
    #[serde(skip)]
    pub area_grandparent: Option<String>,
    pub kind: String,
    pub name: String,
    pub active: bool,
    pub version: i32,
}

/// A department that passed every check.
#[derive(serde::Serialize)]
pub struct UnitValues {
    #[serde(rename = "area_code", serialize_with = "code_only")]
    pub area: AreaRef,
    pub kind: UnitKind,
    pub name: String,
    pub active: bool,
}

/// The department list has no filter beyond its area.
pub struct UnitFilter;

macro_rules! select_units {
    ($tail:tt $(+ $more:tt)*, $($arg:expr),* $(,)?) => {
        sqlx::query_as!(
            UnitRow,
            r#"select u.id, u.area_code, a.name as area_name, a.level as area_level,
                 a.parent_code as area_parent, p.parent_code as "area_grandparent?", u.kind, u.name,
                 u.active, u.version
               from units u join areas a on a.code = u.area_code
               left join areas p on p.code = a.parent_code "# + $tail $(+ $more)*,
            $($arg),*
        )
    };
}

impl Stored for UnitRow {
    type Values = UnitValues;
    type Filter = UnitFilter;
    const KIND: RecordKind = RecordKind::Unit;
    const ENTITY: &'static str = "unit";
    const FIELDS: Table = &[UNIT_AREA, AREA_NAME, KIND, NAME, ACTIVE];

    row_accessors!(serialize);

    fn area(&self) -> AreaRef {
        placed_at(
            &self.area_code,
            &self.area_name,
            &self.area_level,
            self.area_parent.as_deref(),
            self.area_grandparent.as_deref().unwrap_or_default(),
        )
    }

    values_serialized!();

    placed_and_loaded!(area, select_units, "where u.id = $1");

    async fn check(
        db: &PgPool,
        user: &CurrentUser,
        raw: &Raw,
        today: NaiveDate,
        existing: Option<&Self>,
    ) -> Result<UnitValues, AppError> {
        let mut c = Check::on(raw, today);
        let code = match existing {
            Some(u) => Some(u.area_code.clone()),
            None => c.code_of(&UNIT_AREA),
        };
        let kind = c.choice_of::<UnitKind>(&KIND);
        let name = c.text_of(&NAME);
        let active = match raw.get("active") {
            "" | "true" | "1" | "on" => true,
            "false" | "0" => false,
            _ => {
                c.fail("active", "err.bad_choice");
                true
            }
        };
        let area = writable_area(
            db,
            user,
            Self::KIND,
            code,
            "area_code",
            false,
            &mut c.errors,
        )
        .await?;
        checked!(c => UnitValues { area, kind, name; active })
    }

    fn filter(_raw: &Raw, _today: NaiveDate) -> Result<UnitFilter, AppError> {
        Ok(UnitFilter)
    }

    listed_where! {
        select_units, "units u",
        "where u.area_code = $1",
        r#"order by u.active desc, u.name collate "vi-x-icu" limit $2 offset $3"#;
        |area, _f| area.code
    }

    async fn insert(
        conn: &mut PgConnection,
        now: DateTime<Utc>,
        v: &UnitValues,
    ) -> Result<i64, AppError> {
        sqlx::query_scalar!(
            "insert into units (area_code, kind, name, active, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $5) returning id",
            v.area.code,
            v.kind.as_str(),
            v.name,
            v.active,
            now as _
        )
        .fetch_one(conn)
        .await
        .on_constraint("units_name_key", "name", "err.unit_taken")
    }

    async fn update(
        conn: &mut PgConnection,
        now: DateTime<Utc>,
        old: &Self,
        version: i32,
        v: &UnitValues,
    ) -> Result<bool, AppError> {
        let done = sqlx::query!(
            "update units set kind = $3, name = $4, active = $5, version = version + 1, updated_at = $6
             where id = $1 and version = $2",
            old.id,
            version,
            v.kind.as_str(),
            v.name,
            v.active,
            now as _
        )
        .execute(conn)
        .await
        .on_constraint("units_name_key", "name", "err.unit_taken")?;
        Ok(done.rows_affected() == 1)
    }
}

/// Gives the usual departments to every area that has none yet (a tree
/// loaded before departments were kept), with one audit row for the lot.
pub async fn seed_where_none(
    conn: &mut PgConnection,
    actor: &crate::storage::audit::Actor,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    let rows = sqlx::query!(
        "select a.code, a.name, a.level from areas a
         where not exists (select 1 from units u where u.area_code = a.code) order by a.code"
    )
    .fetch_all(&mut *conn)
    .await?;
    let areas: Vec<(String, String, Level)> = rows
        .into_iter()
        .filter_map(|r| Some((r.code, r.name, Level::parse(&r.level)?)))
        .collect();
    let n = crate::storage::areas::seed_usual(conn, now, &areas).await?;
    if n > 0 {
        let entry = crate::storage::audit::Entry {
            area_code: None,
            action: "create",
            entity: "unit",
            entity_id: "usual".into(),
            old: None,
            new: Some(json!({"areas": areas.len(), "units": n})),
        };
        crate::storage::audit::record(conn, now, actor, entry).await?;
    }
    Ok(n)
}
