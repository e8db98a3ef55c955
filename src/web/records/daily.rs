//! Daily reports: per commune per day, F1 traced and sent to quarantine,
//! tests and vaccine doses; new F0 is derived from the cases. The district
//! sees at a glance which communes have not reported.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use tower_sessions::Session;

use super::export::{self, Format};
use super::{FormPage, ListPage, ListRow, QueryPairs, columns, form_again, items_json, list_area};
use crate::domain::area::{AreaRef, Level};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::forms::Paging;
use crate::domain::forms::{
    Check, Field, FormBuilder, Raw, date_in_window, parse_date, query_date,
};
use crate::domain::i18n::Lang;
use crate::domain::policy::RecordKind;
use crate::state::AppState;
use crate::storage::areas::area_ref;
use crate::storage::audit::Actor;
use crate::storage::idempotency::IdempotencyKey;
use crate::storage::records::daily::{DayRow, NUMBERS, day_rows};
use crate::web::auth::{Action, CsrfForm, CurrentUser};
use crate::web::page::Page;

/// Routes of the daily report pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/daily", get(status_page))
        .route("/daily/{commune}/{date}", get(form).post(save))
}

/// Routes of the daily reports API.
pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/daily-reports", get(api_list))
        .route("/daily-reports/{commune}/{date}", put(api_put).get(api_get))
}

/// The `date` of a list: today when absent, 400 outside the dates served,
/// 422 when in the future.
fn day_param(raw: &Raw, today: NaiveDate) -> Result<NaiveDate, AppError> {
    let d = query_date(raw.get("date"), "date", today)?.unwrap_or(today);
    if d > today {
        let mut f = FieldErrors::default();
        f.add("date", "err.date_in_future");
        return Err(AppError::Invalid(f));
    }
    Ok(d)
}

async fn status_page(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    q: QueryPairs,
) -> Result<Response, AppError> {
    let raw = Raw::from_form(q.0);
    let area = list_area(&state.db, &user, &raw).await?;
    let day = day_param(&raw, state.clock.today())?;
    let rows = day_rows(&state.db, &area.code, day).await?;
    let lang = page.lang;
    let n = |v: Option<i32>| v.map(|v| lang.int(v.into())).unwrap_or_default();
    if let Some(format) = Format::from_raw(&raw) {
        let mut headers = vec!["commune_code", "date", "reported", "new_f0"];
        headers.extend(NUMBERS);
        headers.push("notes");
        let out: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                let mut v = vec![
                    r.commune_code.clone(),
                    r.day.to_string(),
                    r.reported.to_string(),
                    r.new_f0.to_string(),
                ];
                for x in [
                    r.f1_traced,
                    r.f1_quarantined,
                    r.tests,
                    r.dose1,
                    r.dose2,
                    r.dose3,
                ] {
                    v.push(x.map(|x| x.to_string()).unwrap_or_default());
                }
                v.push(r.notes.clone().unwrap_or_default());
                v
            })
            .collect();
        return export::respond(
            format,
            &format!("bao-cao-ngay-{}-{day}", area.code),
            &headers,
            &out,
        );
    }
    let missing = rows.iter().filter(|r| !r.reported).count();
    if area.level == Level::City {
        return by_district(&state, page, &user, &raw, &area, day, &rows).await;
    }
    let list_rows = rows
        .iter()
        .map(|r| ListRow {
            href: format!("/daily/{}/{day}", r.commune_code),
            cells: vec![
                r.commune_name.clone(),
                lang.t(if r.reported {
                    "daily.reported"
                } else {
                    "daily.missing"
                })
                .into(),
                lang.int(r.new_f0),
                n(r.f1_traced),
                n(r.f1_quarantined),
                n(r.tests),
                n(r.dose1),
                n(r.dose2),
                n(r.dose3),
            ],
            muted: false,
            marked: !r.reported,
        })
        .collect();
    status_list(
        &state,
        page,
        &user,
        &raw,
        &area,
        day,
        "rec.commune",
        list_rows,
        missing as i64,
    )
    .await
}

/// The city's page: a row per district ("18/31 đã báo cáo"), those with
/// reports missing first, each opening its communes.
async fn by_district(
    state: &AppState,
    page: Page,
    user: &CurrentUser,
    raw: &Raw,
    city: &AreaRef,
    day: NaiveDate,
    rows: &[DayRow],
) -> Result<Response, AppError> {
    let lang = page.lang;
    let districts = crate::storage::areas::fetch_children(&state.db, &city.code).await?;
    let mut lines: Vec<(i64, ListRow)> = districts
        .iter()
        .map(|d| {
            let mine: Vec<&DayRow> = rows.iter().filter(|r| r.district_code == d.code).collect();
            let done = mine.iter().filter(|r| r.reported).count() as i64;
            let of = mine.len() as i64;
            let sum = |f: fn(&DayRow) -> Option<i32>| {
                lang.int(mine.iter().filter_map(|r| f(r)).map(i64::from).sum())
            };
            let row = ListRow {
                href: format!("/daily?area={}&date={day}", d.code),
                cells: vec![
                    d.name.clone(),
                    lang.tf("daily.reported_of", &[&lang.int(done), &lang.int(of)]),
                    lang.int(mine.iter().map(|r| r.new_f0).sum()),
                    sum(|r| r.f1_traced),
                    sum(|r| r.f1_quarantined),
                    sum(|r| r.tests),
                    sum(|r| r.dose1),
                    sum(|r| r.dose2),
                    sum(|r| r.dose3),
                ],
                muted: false,
                marked: done < of,
            };
            (of - done, row)
        })
        .collect();
    // Most reports missing first, then in the Vietnamese order the
    // districts came in (a stable sort keeps it).
    lines.sort_by_key(|l| std::cmp::Reverse(l.0));
    let missing: i64 = lines.iter().map(|l| l.0).sum();
    let list_rows: Vec<ListRow> = lines.into_iter().map(|l| l.1).collect();
    status_list(
        state,
        page,
        user,
        raw,
        city,
        day,
        "rec.district",
        list_rows,
        missing,
    )
    .await
}

/// The status page of `area` on `day` over its rows (communes or districts,
/// named in the first column by `first_key`), with how many reports are missing.
#[allow(clippy::too_many_arguments)]
async fn status_list(
    state: &AppState,
    page: Page,
    user: &CurrentUser,
    raw: &Raw,
    area: &AreaRef,
    day: NaiveDate,
    first_key: &str,
    rows: Vec<ListRow>,
    missing: i64,
) -> Result<Response, AppError> {
    let lang = page.lang;
    let mut filter_raw = raw.clone();
    filter_raw.set("date", day.to_string());
    let filters = FormBuilder::new(lang, &filter_raw, &FieldErrors::default())
        .area("area", "rec.area")
        .date("date", "daily.day", false)
        .build();
    let keys = [
        first_key,
        "daily.reported",
        "#daily.new_f0",
        "#daily.f1_traced",
        "#daily.f1_quarantined",
        "#daily.tests",
        "#daily.dose1",
        "#daily.dose2",
        "#daily.dose3",
    ];
    let total = rows.len() as i64;
    let title = format!(
        "{} — {}",
        lang.tf("daily.status_of", &[&lang.date(day)]),
        area.name
    );
    // Every row on one page: a district has tens of communes, a city tens of districts.
    let paging = Paging::first(total.max(1));
    let mut p = ListPage::new(
        page,
        title,
        "/daily",
        raw,
        filters,
        columns(lang, &keys),
        rows,
        total,
        paging,
    );
    p.note = Some(lang.tf("daily.missing_count", &[&lang.int(missing)]));
    p.area_names = super::area_names(state, user).await?;
    Ok(p.into_response())
}

/// The commune and day of a report the user may write.
async fn target(
    state: &AppState,
    user: &CurrentUser,
    commune: &str,
    date: &str,
) -> Result<(AreaRef, NaiveDate), AppError> {
    let area = area_ref(&state.db, commune)
        .await?
        .ok_or(AppError::NotFound)?;
    if area.level != Level::Commune {
        return Err(AppError::NotFound);
    }
    user.authorize(Action::ReadArea(&area))?;
    let today = state.clock.today();
    let day = date_in_window(parse_date(date).ok_or(AppError::NotFound)?, today)?;
    if day > today {
        let mut f = FieldErrors::default();
        f.add("date", "err.date_in_future");
        return Err(AppError::Invalid(f));
    }
    Ok((area, day))
}

fn fields(lang: Lang, raw: &Raw, errors: &FieldErrors) -> Vec<Field> {
    FormBuilder::new(lang, raw, errors)
        .hidden("version")
        .number("f1_traced", "daily.f1_traced", true)
        .number("f1_quarantined", "daily.f1_quarantined", true)
        .number("tests", "daily.tests", true)
        .number("dose1", "daily.dose1", true)
        .number("dose2", "daily.dose2", true)
        .number("dose3", "daily.dose3", true)
        .textarea("notes", "daily.notes", 2000)
        .build()
}

async fn form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path((commune, date)): Path<(String, String)>,
) -> Result<FormPage, AppError> {
    let (area, day) = target(&state, &user, &commune, &date).await?;
    user.authorize(Action::WriteCommuneRecord(&area))?;
    let row = day_rows(&state.db, &area.code, day)
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    let raw = to_raw(&row);
    let title = page.tf("daily.edit", &[&area.name, &page.lang.date(day)]);
    let mut fields = fields(page.lang, &raw, &FieldErrors::default());
    if let Some(f) = fields.iter_mut().find(|f| f.name == "f1_traced") {
        f.hint = Some(format!(
            "{}: {}",
            page.t("daily.new_f0"),
            page.lang.int(row.new_f0)
        ));
    }
    Ok(FormPage::blank(
        page,
        title,
        format!("/daily/{}/{day}", area.code),
        fields,
        "/daily",
    ))
}

fn to_raw(r: &DayRow) -> Raw {
    let mut raw = Raw::default();
    let vals = [
        r.f1_traced,
        r.f1_quarantined,
        r.tests,
        r.dose1,
        r.dose2,
        r.dose3,
    ];
    for (k, v) in NUMBERS.iter().zip(vals) {
        raw.set(k, v.map(|v| v.to_string()).unwrap_or_default());
    }
    raw.set("notes", r.notes.clone().unwrap_or_default());
    raw.set(
        "version",
        r.version.map(|v| v.to_string()).unwrap_or_default(),
    );
    raw
}

/// Files or replaces a report. A replacement must carry the version read last.
async fn upsert(
    state: &AppState,
    user: &CurrentUser,
    area: &AreaRef,
    day: NaiveDate,
    raw: &Raw,
    now: DateTime<Utc>,
    key: &str,
) -> Result<bool, AppError> {
    user.authorize(Action::WriteRecord(RecordKind::DailyReport, area))?;
    let digest = raw.digest(
        &format!("daily_report {} {day}", area.code),
        &["csrf", "idempotency_key", "version"],
    );
    let key = IdempotencyKey::parse(key)?.map(|k| k.for_request(digest));
    let mut c = Check::on(raw, crate::domain::clock::local_date(now));
    let nums: Vec<Option<i64>> = NUMBERS
        .iter()
        .map(|k| c.int(k, true, 0, 10_000_000))
        .collect();
    let notes = c.opt_text("notes", 2000);
    let version = raw.get("version").parse::<i32>().ok();
    c.finish()?;
    let n: Vec<i32> = nums.into_iter().map(|v| v.unwrap_or(0) as i32).collect();
    crate::storage::records::daily::save(
        &state.db,
        &Actor::from(user),
        now,
        area,
        day,
        &n,
        &notes,
        version,
        key.as_ref(),
    )
    .await
}

async fn save(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    Path((commune, date)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (area, day) = target(&state, &user, &commune, &date).await?;
    let raw = Raw::from_form(form);
    let key = raw.get("idempotency_key").to_string();
    match upsert(&state, &user, &area, day, &raw, state.clock.now(), &key).await {
        Ok(_) => {
            super::saved(
                &session,
                &page,
                "rec.saved",
                &format!("/daily?area={}&date={day}", user.area.code),
            )
            .await
        }
        Err(e) => {
            let title = page.tf("daily.edit", &[&area.name, &page.lang.date(day)]);
            form_again(
                page,
                title,
                format!("/daily/{}/{day}", area.code),
                "/daily",
                e,
                |lang, errors| fields(lang, &raw, errors),
            )
        }
    }
}

async fn api_put(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((commune, date)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
    crate::web::json::ApiJson(body): crate::web::json::ApiJson<serde_json::Value>,
) -> Result<(StatusCode, Json<DayRow>), AppError> {
    let (area, day) = target(&state, &user, &commune, &date).await?;
    let raw = Raw::from_json(body)?;
    let key = headers
        .get("idempotency-key")
        .map(|v| v.to_str().unwrap_or("\u{0}"))
        .unwrap_or("");
    let created = upsert(&state, &user, &area, day, &raw, state.clock.now(), key).await?;
    let row = day_rows(&state.db, &area.code, day)
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    Ok((
        if created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        Json(row),
    ))
}

async fn api_get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((commune, date)): Path<(String, String)>,
) -> Result<Json<DayRow>, AppError> {
    let (area, day) = target(&state, &user, &commune, &date).await?;
    let row = day_rows(&state.db, &area.code, day)
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    Ok(Json(row))
}

async fn api_list(
    State(state): State<AppState>,
    user: CurrentUser,
    q: QueryPairs,
) -> Result<Json<serde_json::Value>, AppError> {
    let raw = Raw::from_form(q.0);
    let area = list_area(&state.db, &user, &raw).await?;
    let day = day_param(&raw, state.clock.today())?;
    let rows = day_rows(&state.db, &area.code, day).await?;
    Ok(items_json(&rows, rows.len() as i64))
}
