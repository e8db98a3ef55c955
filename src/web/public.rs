//! The public page `/cong-khai/{province}` (DESIGN §6; `/cong-khai` is the
//! deployment's first province, or `VX_PUBLIC_CITY`): without sign-in, the city's
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
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::area::{Level, fold};
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
    Router::new()
        .route("/cong-khai", get(default_page))
        .route("/cong-khai/{province}", get(province_page))
}

/// Where the page's lookup answer goes, and the text it echoes in its box.
const ANSWER_MARK: &str = "<!--vx-answer-->";
const QUERY_MARK: &str = r#"name="q" type="search" value="""#;
/// How many communes one lookup answers with at most.
const ANSWERS_MAX: usize = 6;

/// The lookup's question: part of a commune's name, accents optional.
#[derive(serde::Deserialize, Default)]
struct Lookup {
    #[serde(default)]
    q: String,
}

/// A commune's answer card: its level and red/green, its hotlines and who
/// is on duty today.
#[derive(Template)]
#[template(path = "public_answer.html")]
struct Answer<'a> {
    page: Words,
    v: &'a Dash,
    district: &'a str,
    c: &'a Summary,
    hotlines: Vec<&'a PublicContact>,
    duty: Vec<&'a PublicContact>,
}

impl Answer<'_> {
    fn tel(&self, phone: &str) -> String {
        tel_digits(phone)
    }
}

/// A phone number as a `tel:` link dials it.
fn tel_digits(phone: &str) -> String {
    phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect()
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
    /// Where the page is served (its lookup and language switch come back here).
    here: String,
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
        tel_digits(phone)
    }
    fn other_lang(&self) -> &'static str {
        self.lang.other().code()
    }
}

async fn default_page(
    State(state): State<AppState>,
    address: ClientAddress,
    headers: HeaderMap,
    lookup: Query<Lookup>,
) -> Result<Response, AppError> {
    let city = match &state.config.public_city {
        Some(c) => c.clone(),
        None => crate::storage::areas::first_city(&state.db)
            .await?
            .ok_or(AppError::NotFound)?,
    };
    public_page(state, city, address, headers, lookup).await
}

async fn province_page(
    State(state): State<AppState>,
    Path(province): Path<String>,
    address: ClientAddress,
    headers: HeaderMap,
    lookup: Query<Lookup>,
) -> Result<Response, AppError> {
    // Only a province's own code names a page; anything else is not one.
    match state.area_ref(&province).await? {
        Some(a) if a.level == Level::City => {}
        _ => return Err(AppError::NotFound),
    }
    public_page(state, province, address, headers, lookup).await
}

async fn public_page(
    state: AppState,
    city: String,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Query(lookup): Query<Lookup>,
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
    if let Some(copy) = cache.fresh(&city, lang, now, today) {
        return Ok(respond(&copy, lang, &lookup.q));
    }
    let _turn = cache.building().lock().await;
    if let Some(copy) = cache.fresh(&city, lang, now, today) {
        return Ok(respond(&copy, lang, &lookup.q));
    }
    let stamp = crate::storage::board::current_stamp(&state.db, &city).await?;
    let kept = cache.kept(&city, lang);
    let copy = match kept {
        Some(mut c) if c.stamp == stamp && c.day == today => {
            c.checked_at = now;
            c
        }
        _ => {
            let (html, answers) = build(&state, &city, lang, today, now).await?;
            Copy {
                html: Arc::new(html),
                answers: Arc::new(answers),
                stamp,
                day: today,
                checked_at: now,
            }
        }
    };
    cache.keep(&city, lang, copy.clone());
    Ok(respond(&copy, lang, &lookup.q))
}

/// The kept page as a body that shares it (no copy per request).
struct Shared(Arc<String>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// The kept page; with a lookup, the communes it names put on top (their
/// kept cards) and the question kept in its box.
fn respond(copy: &Copy, lang: Lang, q: &str) -> Response {
    let q = q.trim();
    let body = if q.is_empty() {
        axum::body::Bytes::from_owner(Shared(copy.html.clone()))
    } else {
        let html = copy
            .html
            .replacen(
                QUERY_MARK,
                &format!(r#"name="q" type="search" value="{}""#, escape(q)),
                1,
            )
            .replacen(ANSWER_MARK, &answer(&copy.answers, lang, q), 1);
        axum::body::Bytes::from(html)
    };
    (
        [
            (header::CACHE_CONTROL, "public, max-age=60"),
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        ],
        body,
    )
        .into_response()
}

/// The cards of the communes whose name holds `q` (accents, case and the
/// unit's word optional), or why there are none.
fn answer(answers: &[(String, String)], lang: Lang, q: &str) -> String {
    let wanted = fold(q);
    let found: Vec<&String> = answers
        .iter()
        .filter(|(name, _)| !wanted.is_empty() && name.contains(&wanted))
        .map(|(_, card)| card)
        .collect();
    let mut out = String::new();
    match found.len() {
        0 => {
            out.push_str(r#"<p class="lookup-none" id="lookup-none" role="status">"#);
            out.push_str(&escape(&lang.tf("public.lookup_none", &[q])));
            out.push_str("</p>");
        }
        n => {
            out.push_str(r#"<div class="answers" id="answers" role="status">"#);
            for card in found.iter().take(ANSWERS_MAX) {
                out.push_str(card);
            }
            out.push_str("</div>");
            if n > ANSWERS_MAX {
                out.push_str(r#"<p class="hint">"#);
                out.push_str(&escape(&lang.tf("public.lookup_more", &[&n.to_string()])));
                out.push_str("</p>");
            }
        }
    }
    out
}

/// Text made safe inside HTML.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

async fn build(
    state: &AppState,
    city: &str,
    lang: Lang,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(String, Vec<(String, String)>), AppError> {
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
    let mut answers = Vec::new();
    for d in &districts {
        for c in &d.communes {
            let card = Answer {
                page: Words { lang },
                v: &v,
                district: &d.me.area.name,
                c,
                hotlines: hotlines_by.get(&c.area.code).cloned().unwrap_or_default(),
                duty: duty_by.get(&c.area.code).cloned().unwrap_or_default(),
            };
            let html = card
                .render()
                .map_err(|e| AppError::Internal(anyhow::anyhow!("public answer: {e}")))?;
            answers.push((fold(&c.area.name), html));
        }
    }
    let page = PublicPage {
        lang,
        here: format!("/cong-khai/{city}"),
        page: Words { lang },
        v,
        districts,
        hotlines: hotlines_by,
        duty: duty_by,
    };
    let html = page
        .render()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("public page: {e}")))?;
    Ok((html, answers))
}

/// Contacts by the code of their area.
fn group(list: &[PublicContact]) -> HashMap<String, Vec<&PublicContact>> {
    let mut m: HashMap<String, Vec<&PublicContact>> = HashMap::new();
    for c in list {
        m.entry(c.area_code.clone()).or_default().push(c);
    }
    m
}
