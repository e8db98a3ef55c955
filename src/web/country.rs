//! The national board (issue 28, DESIGN §2): the Ministry's page and its
//! JSON, every province's level, red share and change. Counts only, from
//! the provinces' own boards; no link leads into a province.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::domain::country::{self, Province, SORTS, Totals};
use crate::domain::error::AppError;
use crate::state::AppState;
use crate::web::auth::{Action, CurrentUser};
use crate::web::dashboard::Words;
use crate::web::page::Page;

/// The page's route.
pub fn router() -> Router<AppState> {
    Router::new().route("/country", get(page))
}

/// The JSON's route, under `/api/v1`.
pub fn api_router() -> Router<AppState> {
    Router::new().route("/country", get(api))
}

#[derive(Debug, Default, serde::Deserialize)]
struct CountryQuery {
    #[serde(default)]
    date: String,
    #[serde(default)]
    sort: String,
}

/// The national board of a day, as the page and the JSON both give it.
#[derive(Debug, Serialize)]
struct Country {
    date: NaiveDate,
    totals: Totals,
    provinces: Vec<Province>,
}

async fn read(
    state: &AppState,
    user: &CurrentUser,
    q: &CountryQuery,
) -> Result<(Country, &'static str, bool), AppError> {
    user.authorize(Action::ReadCountry)?;
    let today = state.clock.today();
    let date = crate::domain::forms::shown_date(&q.date, today)?;
    let sort = SORTS
        .iter()
        .find(|s| **s == q.sort)
        .copied()
        .unwrap_or(SORTS[0]);
    let mut provinces = state.country(date).await?.as_ref().clone();
    country::sort(&mut provinces, sort);
    let totals = country::totals(&provinces);
    Ok((
        Country {
            date,
            totals,
            provinces,
        },
        sort,
        date == today,
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "country.html")]
struct CountryPage {
    page: Page,
    v: Words,
    c: Country,
    sort: &'static str,
    is_today: bool,
    now: DateTime<Utc>,
}

impl CountryPage {
    fn sort_href(&self, key: &str) -> String {
        let date = if self.is_today {
            String::new()
        } else {
            format!("&date={}", self.c.date)
        };
        format!("/country?sort={key}{date}")
    }

    /// `aria-sort` for a column header.
    fn aria_sort(&self, key: &str) -> &'static str {
        match (self.sort == key, key) {
            (true, "name") => "ascending",
            (true, _) => "descending",
            _ => "none",
        }
    }

    /// "12 / 579 (2%)": a province's red communes.
    fn red_text(&self, p: &Province) -> String {
        format!(
            "{} / {} ({})",
            self.v.int(&p.red_communes),
            self.v.int(&p.communes),
            self.v.pct(&p.red_communes, &p.communes)
        )
    }

    /// The 7-day community rate per 100,000, or "—".
    fn rate(&self, p: &Province) -> String {
        p.rate_per_100k
            .map_or_else(|| "—".into(), |r| self.v.dec(r))
    }

    /// How many provinces stand at each level, highest first: (class, words, count).
    fn levels(&self) -> Vec<(String, String, i64)> {
        let t = &self.c.totals;
        let mut out: Vec<(String, String, i64)> = (1..=4u8)
            .rev()
            .map(|l| {
                let count = t.at_level[usize::from(l) - 1];
                (
                    self.v.level_class(&Some(l)),
                    self.v.level_text(&Some(l)),
                    count,
                )
            })
            .collect();
        out.push((
            self.v.level_class(&None),
            self.v.level_text(&None),
            t.no_level,
        ));
        out
    }
}

async fn page(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(q): Query<CountryQuery>,
) -> Result<CountryPage, AppError> {
    let (c, sort, is_today) = read(&state, &user, &q).await?;
    Ok(CountryPage {
        v: Words { lang: page.lang },
        page,
        c,
        sort,
        is_today,
        now: state.clock.now(),
    })
}

async fn api(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<CountryQuery>,
) -> Result<Json<Country>, AppError> {
    Ok(Json(read(&state, &user, &q).await?.0))
}
