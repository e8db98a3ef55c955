//! What the area page and the wall view both show of a board: figures with
//! their change, the zone and level in words, the map, the rising fastest,
//! in the reader's language. One view, two layouts.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::i18n::Lang;
use crate::domain::tiles;
use crate::domain::trend::{Change, Direction, Period, change_words};
use crate::domain::zone::Criterion;
use crate::storage::areas::Area;
use crate::storage::board::{Board, Summary};
use crate::web::charts;

/// A change as shown: a class for its colour, the arrow and number seen,
/// and the words read aloud.
#[derive(Debug, Clone)]
pub struct Shown {
    pub class: &'static str,
    pub arrow: String,
    pub words: String,
}

/// How sorting the table of areas is asked for.
pub const SORTS: [&str; 11] = [
    "worse",
    "name",
    "active",
    "new_today",
    "new_7d",
    "rate",
    "level",
    "overdue",
    "late_tests",
    "reports",
    "population",
];

/// The link a sortable column's header follows: `path` sorted by `key`,
/// on `day` when it is not today.
pub fn sort_href(path: &str, key: &str, day: Option<NaiveDate>) -> String {
    match day {
        Some(d) => format!("{path}?sort={key}&date={d}"),
        None => format!("{path}?sort={key}"),
    }
}

/// `aria-sort` for a column header, the table being sorted by `sorted`:
/// names ascend, every figure descends.
pub fn aria_sort(sorted: &str, key: &str) -> &'static str {
    match (sorted == key, key) {
        (true, "name") => "ascending",
        (true, _) => "descending",
        _ => "none",
    }
}

/// Orders the children of a board; unknown keys get "getting worse".
/// Rows arrive in Vietnamese name order, and every sort is stable, so
/// ties stay in that order.
pub fn sort_rows(rows: &mut [Summary], sort: &str) {
    let key = |s: &Summary| -> i64 {
        match sort {
            "active" => s.f0.active,
            "new_today" => s.f0.new_today,
            "new_7d" => s.f0.new_7d,
            "rate" => s.zone.rate_per_100k.map_or(-1, |r| (r * 100.0) as i64),
            "level" => s.zone.level.map_or(0, i64::from) * 10 + i64::from(s.zone.colour == "red"),
            "overdue" => s.directives.overdue,
            "late_tests" => s.testing.waiting_over_48h,
            "reports" => s.reports.communes - s.reports.reported,
            "population" => s.area.population.unwrap_or(-1),
            _ => 0,
        }
    };
    match sort {
        "name" => {}
        "worse" => {
            rows.sort_by(|a, b| crate::domain::trend::worse_first(&a.worsening(), &b.worsening()))
        }
        _ => rows.sort_by_key(|s| std::cmp::Reverse(key(s))),
    }
}

/// The words a fragment needs without the page's session: the catalogue
/// and number formats of one language.
pub struct Words {
    pub lang: crate::domain::i18n::Lang,
}

impl Words {
    /// The text for `key`.
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        self.lang.t(key)
    }
    /// `key`'s text with its placeholders filled.
    pub fn tf(&self, key: &str, args: &[&str]) -> String {
        self.lang.tf(key, args)
    }
    /// A count grouped the reader's way.
    pub fn int(&self, n: &i64) -> String {
        self.lang.int(*n)
    }

    /// A change seen and said. A rise in cases is bad news (red).
    pub fn chg(&self, c: Change, period: &str) -> Shown {
        let period = if period == "day" {
            Period::Day
        } else {
            Period::Week
        };
        let (class, arrow) = match c.direction() {
            Direction::Up => ("up", format!("▲ {}", self.lang.int(c.delta()))),
            Direction::Down => ("down", format!("▼ {}", self.lang.int(-c.delta()))),
            Direction::Same => ("same", "=".to_string()),
        };
        let pct = match (period, c.percent()) {
            (Period::Week, Some(p)) if p != 0 => {
                format!(" ({}{}%)", if p > 0 { "+" } else { "" }, self.lang.int(p))
            }
            _ => String::new(),
        };
        Shown {
            class,
            arrow: format!("{arrow}{pct}"),
            words: change_words(self.lang, c, period),
        }
    }

    /// "Cấp 2 — nguy cơ trung bình" or "not determined".
    pub fn level_text(&self, level: &Option<u8>) -> String {
        match level {
            Some(l) => self.lang.t(&format!("zone.level_{l}")).to_string(),
            None => self.lang.t("zone.no_level").to_string(),
        }
    }

    /// "Cấp 2" or "—", for chips and tiles.
    pub fn level_short(&self, level: &Option<u8>) -> String {
        match level {
            Some(l) => self.lang.tf("zone.level_short", &[&l.to_string()]),
            None => self.lang.t("zone.no_level_short").to_string(),
        }
    }

    /// The CSS class of a level's colour.
    pub fn level_class(&self, level: &Option<u8>) -> String {
        level.map_or_else(|| "lv-none".to_string(), |l| format!("lv-{l}"))
    }

    /// The level colours and their words, for the legend.
    pub fn legend_levels(&self) -> Vec<(String, String)> {
        [Some(1), Some(2), Some(3), Some(4), None]
            .iter()
            .map(|l| (self.level_class(l), self.level_text(l)))
            .collect()
    }

    /// "Vùng đỏ" / "Vùng xanh".
    pub fn zone_label(&self, colour: &str) -> String {
        self.lang.t(&format!("zone.{colour}")).to_string()
    }

    /// A decimal with the reader's separator and one place.
    pub fn dec(&self, x: f64) -> String {
        let tenths = (x * 10.0).round() as i64;
        let sep = if self.lang == Lang::Vi { "," } else { "." };
        format!("{}{sep}{}", self.lang.int(tenths / 10), (tenths % 10).abs())
    }

    /// A change since yesterday as the board writes it ("+3", "−2"), or
    /// nothing when there was none.
    pub fn change_n(&self, n: &i64) -> String {
        match *n {
            0 => String::new(),
            n if n > 0 => format!("+{}", self.lang.int(n)),
            n => format!("−{}", self.lang.int(-n)),
        }
    }

    /// A short name for a tile.
    pub fn short<'a>(&self, name: &'a str) -> &'a str {
        tiles::short_name(name)
    }

    /// A rate per 100,000 with one decimal, or "—" without one.
    pub fn rate_text(&self, rate: &Option<f64>) -> String {
        rate.map_or_else(|| "—".into(), |r| self.dec(r))
    }

    /// A part of a whole in whole percent, or "—" for no whole.
    pub fn pct(&self, part: &i64, whole: &i64) -> String {
        if *whole == 0 {
            "—".into()
        } else {
            format!(
                "{}%",
                self.lang
                    .int((*part as f64 * 100.0 / *whole as f64).round() as i64)
            )
        }
    }
}

/// A board seen by one reader on one day; it says figures as [`Words`] does.
pub struct Dash {
    pub lang: Lang,
    words: Words,
    pub board: Arc<Board>,
    /// The order of the children asked for.
    sort: String,
    /// The children in that order, sorted when first asked for: a page
    /// whose board is kept rendered never needs them.
    rows: std::sync::OnceLock<Vec<Summary>>,
    pub date: NaiveDate,
    pub is_today: bool,
    /// When the page was made: the figures include every write before it.
    pub now: DateTime<Utc>,
    /// The largest day of any row's sparkline, their common scale.
    spark_max: i64,
    /// Occupancy (0–1) at which a treatment tier is flagged as full.
    pub strain_share: f64,
    /// What a map tile's link starts with, before the area's code.
    pub link_prefix: &'static str,
    /// The units in the area most behind on their tasks (set by the page).
    pub behind: Vec<crate::storage::records::tasks::Behind>,
}

impl std::ops::Deref for Dash {
    type Target = Words;
    fn deref(&self) -> &Words {
        &self.words
    }
}

impl Dash {
    /// The view of `board` with its children sorted by `sort`; a treatment
    /// tier at or above `strain_share` (0–1) full is flagged.
    pub fn new(
        lang: Lang,
        board: Arc<Board>,
        sort: &str,
        date: NaiveDate,
        is_today: bool,
        now: DateTime<Utc>,
        strain_share: f64,
    ) -> Self {
        let spark_max = board
            .children
            .iter()
            .flat_map(|r| r.spark.iter().copied())
            .max()
            .unwrap_or(0);
        Self {
            lang,
            words: Words { lang },
            board,
            sort: sort.to_string(),
            rows: std::sync::OnceLock::new(),
            date,
            is_today,
            now,
            spark_max,
            strain_share,
            link_prefix: "/areas/",
            behind: Vec::new(),
        }
    }

    /// The children, in the order asked for.
    pub fn rows(&self) -> &[Summary] {
        self.rows.get_or_init(|| {
            let mut rows = self.board.children.clone();
            sort_rows(&mut rows, &self.sort);
            rows
        })
    }

    /// The area's own figures.
    pub fn me(&self) -> &Summary {
        &self.board.me
    }

    /// Whether the area has communes under it (a city or district).
    pub fn has_communes(&self) -> bool {
        self.me().area.level != "commune"
    }

    fn t(&self, key: &str) -> String {
        self.lang.t(key).to_string()
    }

    /// The treatment tiers: name, F0 treated there, places and people in
    /// its facilities, and whether it is at or above the strain share.
    pub fn tiers(&self) -> Vec<(String, i64, String, bool)> {
        let t = &self.me().treatment;
        let strained = t.strained(self.strain_share);
        let mut out = vec![
            (
                self.t("enum.treated_at.home"),
                t.home,
                "—".to_string(),
                false,
            ),
            (
                self.t("enum.treated_at.commune_station"),
                t.commune_station,
                "—".to_string(),
                false,
            ),
        ];
        for i in 0..3 {
            let places = if t.tier_capacity[i] > 0 {
                format!(
                    "{}/{} ({})",
                    self.lang.int(t.tier_occupancy[i]),
                    self.lang.int(t.tier_capacity[i]),
                    self.pct(&t.tier_occupancy[i], &t.tier_capacity[i])
                )
            } else {
                self.t("dash.no_facilities")
            };
            out.push((
                self.lang.tf("dash.tier_n", &[&(i + 1).to_string()]),
                t.tiers[i],
                places,
                strained.contains(&(i + 1)),
            ));
        }
        if t.unknown > 0 {
            out.push((self.t("dash.treated_unknown"), t.unknown, "—".into(), false));
        }
        out
    }

    /// The positive share of the last 7 days' results, or "—".
    pub fn positive_rate(&self) -> String {
        self.me()
            .testing
            .positive_rate()
            .map_or_else(|| "—".into(), |r| format!("{}%", self.dec(r * 100.0)))
    }

    /// The 7-day community rate per 100,000 of a row, or "—".
    pub fn rate(&self, s: &Summary) -> String {
        self.rate_text(&s.zone.rate_per_100k)
    }

    /// F1 traced per new case over the 7 days, or "—" without cases.
    pub fn f1_per_f0(&self) -> String {
        let (f1, f0) = (self.me().contacts.traced_7d, self.me().f0.new_7d);
        if f0 == 0 {
            "—".into()
        } else {
            self.dec(f1 as f64 / f0 as f64)
        }
    }

    /// The 7-day daily average of new cases.
    pub fn avg7(&self) -> String {
        self.dec(self.me().f0.new_7d as f64 / 7.0)
    }

    /// Why the level is what it is.
    pub fn criterion_text(&self) -> String {
        let z = &self.me().zone;
        let rate = z.rate_per_100k.map(|r| self.dec(r)).unwrap_or_default();
        let cov = z
            .vaccine_coverage
            .map(|c| format!("{}%", self.lang.int((c * 100.0).round() as i64)))
            .unwrap_or_default();
        let mut text = match z.set_by {
            Criterion::Incidence => self.lang.tf("zone.by_incidence", &[&rate]),
            Criterion::Vaccination => self.lang.tf("zone.by_vaccination", &[&cov]),
            c => self.t(c.label_key()),
        };
        if z.population_estimated {
            text.push_str(" — ");
            text.push_str(self.lang.t("zone.population_estimated"));
        }
        text
    }

    /// The criteria that lacked figures, or none.
    pub fn lacking_text(&self) -> Option<String> {
        let z = &self.me().zone;
        if z.lacking.is_empty() || z.level.is_none() {
            return None;
        }
        let parts: Vec<&str> = z
            .lacking
            .iter()
            .map(|l| self.lang.t(l.label_key()))
            .collect();
        Some(self.lang.tf("zone.lacking", &[&parts.join(", ")]))
    }

    /// First-dose coverage of adults and what it was measured against.
    pub fn coverage_text(&self) -> Option<String> {
        let z = &self.me().zone;
        let cov = z.vaccine_coverage?;
        let adults = z.adults?;
        let base = if z.adults_estimated {
            self.lang.tf(
                "zone.adults_share",
                &[
                    &self.lang.int(adults),
                    &self.lang.int(self.adult_share_pct()),
                ],
            )
        } else {
            self.lang
                .tf("zone.adults_recorded", &[&self.lang.int(adults)])
        };
        Some(self.lang.tf(
            "zone.coverage",
            &[
                &format!("{}%", self.lang.int((cov * 100.0).round() as i64)),
                &base,
            ],
        ))
    }

    fn adult_share_pct(&self) -> i64 {
        let z = &self.me().zone;
        match (z.adults, self.me().area.population) {
            (Some(a), Some(p)) if p > 0 => (a as f64 * 100.0 / p as f64).round() as i64,
            _ => 0,
        }
    }

    /// Who declared the zone in force, when and why.
    pub fn declared_text(&self) -> Option<String> {
        let d = self.me().zone.declaration.as_ref()?;
        Some(self.lang.tf(
            "zone.declared",
            &[
                &d.declared_name,
                &self.lang.datetime(d.declared_at),
                &self.lang.date(d.effective_on),
                &d.reason,
            ],
        ))
    }

    /// What the system computed, beside a declaration.
    pub fn computed_text(&self) -> String {
        let z = &self.me().zone;
        let lvl = self.level_text(&z.computed_level);
        self.lang.tf(
            "zone.computed",
            &[&format!("{} · {lvl}", self.zone_label(z.computed_colour))],
        )
    }

    /// The red-share bar of a district or city.
    pub fn red_share_bar(&self) -> String {
        let z = &self.me().zone;
        charts::red_share_svg(z.red_communes, z.red_communes + z.green_communes)
    }

    /// "345/579 phường/xã vùng đỏ".
    pub fn red_share_text(&self) -> String {
        let z = &self.me().zone;
        self.lang.tf(
            "zone.red_share",
            &[
                &self.lang.int(z.red_communes),
                &self.lang.int(z.red_communes + z.green_communes),
            ],
        )
    }

    /// A population, marked when estimated.
    pub fn population(&self, a: &Area) -> String {
        let figure = self.lang.opt_int(a.population);
        if a.population.is_some() && a.population_estimated {
            format!("{figure} ({})", self.lang.t("areas.estimated"))
        } else {
            figure
        }
    }

    /// A row's sparkline on the table's scale.
    pub fn spark(&self, s: &Summary) -> String {
        charts::spark_svg(&s.spark, self.spark_max, self.lang)
    }

    /// Up to five children whose 7-day count rose most.
    pub fn rising(&self) -> Vec<&Summary> {
        let mut up: Vec<&Summary> = self
            .board
            .children
            .iter()
            .filter(|s| s.f0.week().delta() > 0)
            .collect();
        up.sort_by(|a, b| crate::domain::trend::worse_first(&a.worsening(), &b.worsening()));
        up.truncate(5);
        up
    }

    /// Up to five children with the most overdue directive tasks.
    pub fn most_overdue(&self) -> Vec<&Summary> {
        let mut late: Vec<&Summary> = self
            .board
            .children
            .iter()
            .filter(|s| s.directives.overdue > 0)
            .collect();
        late.sort_by_key(|s| std::cmp::Reverse(s.directives.overdue));
        late.truncate(5);
        late
    }

    /// The geographic tile map when every child has a place on it.
    pub fn map(&self) -> Option<String> {
        let kids = &self.board.children;
        if kids.is_empty() || !tiles::all_placed(kids.iter().map(|k| k.area.code.as_str())) {
            return None;
        }
        let map_tiles: Vec<charts::MapTile> = kids
            .iter()
            .filter_map(|k| {
                let t = tiles::position(&k.area.code)?;
                Some(charts::MapTile {
                    code: k.area.code.clone(),
                    href: format!("{}{}", self.link_prefix, k.area.code),
                    name: k.area.name.clone(),
                    short: t.short.clone(),
                    col: t.col,
                    row: t.row,
                    level: k.zone.level,
                    red: k.zone.colour == "red",
                    new_7d: k.f0.new_7d,
                    week_delta: k.f0.week().delta(),
                })
            })
            .collect();
        Some(charts::tile_map_svg(&map_tiles, self.lang))
    }

    /// The children for the grid drawn where no map positions are known,
    /// in Vietnamese name order.
    pub fn grid(&self) -> &[Summary] {
        &self.board.children
    }

    /// The epidemic curve for desks and walls.
    pub fn curve_wide(&self) -> String {
        charts::curve_svg(&self.board.series, self.date, charts::WIDE, self.lang)
    }

    /// The epidemic curve for a column of the wall view.
    pub fn curve_wall(&self) -> String {
        charts::curve_svg(&self.board.series, self.date, charts::WALL, self.lang)
    }

    /// The epidemic curve for phones.
    pub fn curve_narrow(&self) -> String {
        charts::curve_svg(&self.board.series, self.date, charts::NARROW, self.lang)
    }

    /// "Cập nhật lúc 14:05 · 23/11/2026".
    pub fn updated(&self) -> String {
        let local = self.now.with_timezone(&chrono_tz::Asia::Ho_Chi_Minh);
        self.lang.tf(
            "dash.updated",
            &[
                &local.format("%H:%M").to_string(),
                &local.format("%d/%m/%Y").to_string(),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_is_said_in_words_for_screen_readers() {
        assert_eq!(
            change_words(Lang::Vi, Change::new(20, 8), Period::Day),
            "tăng 12 so với hôm qua"
        );
        assert_eq!(
            change_words(Lang::En, Change::new(3, 1_419), Period::Week),
            "down 1,416 on the previous 7 days"
        );
        assert_eq!(
            change_words(Lang::Vi, Change::new(4, 4), Period::Week),
            "không đổi so với 7 ngày trước đó"
        );
    }
}
