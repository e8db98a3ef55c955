//! The public page `/cong-khai` (DESIGN §6): without sign-in, the city's
//! map, every district's and commune's level and red/green status, their
//! hotlines and today's duty officers, and the time of the figures. Never
//! a case field: it is built from the boards (aggregates) and the contacts
//! only. Served from a copy kept in memory: a flood of citizens costs no
//! database work, and the copy is checked against the city's stamp at most
//! once a minute. Requests are limited per address.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::area::Level;
use crate::domain::error::AppError;
use crate::domain::i18n::Lang;
use crate::state::{AppState, PublicCopy as Copy};
use crate::storage::board::Summary;
use crate::storage::records::hotlines::PublicContact;
use crate::web::dashboard::{Dash, Words};
use crate::web::error::request_lang;
use crate::web::sign_in::ClientAddress;

/// The route of the public page.
pub fn router() -> Router<AppState> {
    Router::new().route("/cong-khai", get(public_page))
}

/// A district and its communes as the public sees them.
struct DistrictView {
    me: Summary,
    communes: Vec<Summary>,
}

#[derive(Template)]
#[template(path = "public.html")]
struct PublicPage<'a> {
    lang: Lang,
    page: Words,
    v: Dash,
    districts: Vec<DistrictView>,
    hotlines: HashMap<String, Vec<&'a PublicContact>>,
    duty: HashMap<String, Vec<&'a PublicContact>>,
}

impl PublicPage<'_> {
    fn hotlines_of(&self, code: &str) -> Vec<&PublicContact> {
        self.hotlines.get(code).cloned().unwrap_or_default()
    }
    fn duty_of(&self, code: &str) -> Vec<&PublicContact> {
        self.duty.get(code).cloned().unwrap_or_default()
    }
    fn tel(&self, phone: &str) -> String {
        phone
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect()
    }
    fn other_lang(&self) -> &'static str {
        self.lang.other().code()
    }
}

async fn public_page(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let today = state.clock.today();
    let cache = &state.public;
    if !cache.admit(&address, now, state.config.public_per_minute) {
        let lang = request_lang(&headers);
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "60")],
            lang.t("public.too_many").to_string(),
        )
            .into_response());
    }
    let lang = request_lang(&headers);
    if let Some(copy) = cache.fresh(lang, now, today) {
        return Ok(respond(&copy));
    }
    let _turn = cache.building().lock().await;
    if let Some(copy) = cache.fresh(lang, now, today) {
        return Ok(respond(&copy));
    }
    let city = city_code(&state).await?;
    let stamp = crate::storage::board::current_stamp(&state.db, &city).await?;
    let kept = cache.kept(lang);
    let copy = match kept {
        Some(mut c) if c.stamp == stamp && c.day == today => {
            c.checked_at = now;
            c
        }
        _ => Copy {
            html: Arc::new(build(&state, &city, lang, today, now).await?),
            stamp,
            day: today,
            checked_at: now,
        },
    };
    cache.keep(lang, copy.clone());
    Ok(respond(&copy))
}

/// The kept page as a body that shares it (no copy per request).
struct Shared(Arc<String>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

fn respond(copy: &Copy) -> Response {
    (
        [
            (header::CACHE_CONTROL, "public, max-age=60"),
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        ],
        axum::body::Bytes::from_owner(Shared(copy.html.clone())),
    )
        .into_response()
}

/// The city the page is about: the first city of the tree.
async fn city_code(state: &AppState) -> Result<String, AppError> {
    crate::storage::areas::first_city(&state.db)
        .await?
        .ok_or(AppError::NotFound)
}

async fn build(
    state: &AppState,
    city: &str,
    lang: Lang,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let city_ref = crate::storage::areas::area_ref(&state.db, city)
        .await?
        .ok_or(AppError::NotFound)?;
    let board = state.board(&city_ref, today).await?;
    let mut districts = Vec::new();
    // Every district's place in the tree in one query.
    let codes: Vec<String> = board.children.iter().map(|d| d.area.code.clone()).collect();
    let refs = crate::storage::areas::area_refs(&state.db, &codes).await?;
    for d in &board.children {
        if d.area.level != Level::District.as_str() {
            continue;
        }
        let d_ref = refs.get(&d.area.code).ok_or(AppError::NotFound)?;
        let db = state.board(d_ref, today).await?;
        districts.push(DistrictView {
            me: d.clone(),
            communes: db.children.clone(),
        });
    }
    let (hotlines, duty) =
        crate::storage::records::hotlines::public_contacts(&state.db, city, today).await?;
    let hotlines_by = group(&hotlines);
    let duty_by = group(&duty);
    let strain = state.config.treatment_max_pct / 100.0;
    let mut v = Dash::new(lang, board, "name", today, true, now, strain);
    v.link_prefix = "#a-";
    let page = PublicPage {
        lang,
        page: Words { lang },
        v,
        districts,
        hotlines: hotlines_by,
        duty: duty_by,
    };
    page.render()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("public page: {e}")))
}

/// Contacts by the code of their area.
fn group(list: &[PublicContact]) -> HashMap<String, Vec<&PublicContact>> {
    let mut m: HashMap<String, Vec<&PublicContact>> = HashMap::new();
    for c in list {
        m.entry(c.area_code.clone()).or_default().push(c);
    }
    m
}
