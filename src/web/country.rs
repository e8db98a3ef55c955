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
use crate::web::dashboard::{Words, aria_sort, sort_href};
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
        sort_href("/country", key, (!self.is_today).then_some(self.c.date))
    }

    /// `aria-sort` for a column header.
    fn aria_sort(&self, key: &str) -> &'static str {
        aria_sort(self.sort, key)
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

    /// How many provinces stand at each level, highest first: (class, words, count).
    fn levels(&self) -> Vec<(String, String, i64)> {
        [Some(4), Some(3), Some(2), Some(1), None]
            .iter()
            .map(|l| {
                let n = self.c.totals.provinces_at(*l);
                (self.v.level_class(l), self.v.level_text(l), n)
            })
            .collect()
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
