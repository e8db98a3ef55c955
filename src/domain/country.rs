//! The national board (issue 28, DESIGN §2): every province's level, red
//! share and change, read from the provinces' own boards. Counts only: the
//! types here have no room for a name of a person or a record.

use std::cmp::Ordering;

use serde::Serialize;

use crate::domain::trend::{Change, Worsening, higher_rate_first, worse_first};

/// One province as the national board shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Province {
    pub code: String,
    pub name: String,
    /// The level in force (declared or computed); none when not determined.
    pub level: Option<u8>,
    /// Whether that level was declared rather than computed.
    pub declared: bool,
    pub red_communes: i64,
    pub communes: i64,
    #[serde(flatten)]
    pub cases: Cases,
    /// New community cases per 100,000 over 7 days, when a population is known.
    pub rate_per_100k: Option<f64>,
    pub population: Option<i64>,
}

/// New cases and cases in treatment, of a province or the country.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Cases {
    pub new_today: i64,
    pub new_yesterday: i64,
    pub new_7d: i64,
    /// New in the 7 days before the last 7.
    pub new_prev_7d: i64,
    /// Cases being treated.
    pub active: i64,
}

impl Cases {
    /// New cases today against yesterday.
    pub fn day(&self) -> Change {
        Change::new(self.new_today, self.new_yesterday)
    }

    /// New cases in the last 7 days against the 7 before.
    pub fn week(&self) -> Change {
        Change::new(self.new_7d, self.new_prev_7d)
    }

    fn add(&mut self, o: &Cases) {
        self.new_today += o.new_today;
        self.new_yesterday += o.new_yesterday;
        self.new_7d += o.new_7d;
        self.new_prev_7d += o.new_prev_7d;
        self.active += o.active;
    }
}

impl Province {
    /// The red communes' share of its communes (0–1), none without communes.
    pub fn red_share(&self) -> Option<f64> {
        (self.communes > 0).then(|| self.red_communes as f64 / self.communes as f64)
    }
}

/// The country's sums, and how many provinces stand at each level.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Totals {
    pub provinces: i64,
    /// Provinces at level 1, 2, 3 and 4.
    pub at_level: [i64; 4],
    /// Provinces whose level could not be determined.
    pub no_level: i64,
    pub red_communes: i64,
    pub communes: i64,
    #[serde(flatten)]
    pub cases: Cases,
}

impl Totals {
    /// How many provinces stand at `level` (none: not determined).
    pub fn provinces_at(&self, level: Option<u8>) -> i64 {
        match level {
            Some(l @ 1..=4) => self.at_level[usize::from(l) - 1],
            _ => self.no_level,
        }
    }

    /// Provinces at level 3 or 4: the ones the Ministry watches first.
    pub fn high(&self) -> i64 {
        self.at_level[2] + self.at_level[3]
    }
}

/// Sums the provinces.
pub fn totals(rows: &[Province]) -> Totals {
    let mut t = Totals {
        provinces: rows.len() as i64,
        ..Totals::default()
    };
    for p in rows {
        match p.level {
            Some(l @ 1..=4) => t.at_level[usize::from(l) - 1] += 1,
            _ => t.no_level += 1,
        }
        t.red_communes += p.red_communes;
        t.communes += p.communes;
        t.cases.add(&p.cases);
    }
    t
}

/// How the table of provinces may be ordered; the first is the default.
pub const SORTS: [&str; 7] = [
    "level",
    "worse",
    "name",
    "new_today",
    "new_7d",
    "rate",
    "red",
];

/// Orders the provinces. Rows arrive in Vietnamese name order and every
/// sort is stable, so ties stay in that order; an unknown key orders by level.
pub fn sort(rows: &mut [Province], key: &str) {
    let by_red = |a: &Province, b: &Province| {
        let (ra, rb) = (a.red_share().unwrap_or(0.0), b.red_share().unwrap_or(0.0));
        rb.partial_cmp(&ra).unwrap_or(Ordering::Equal)
    };
    let worsening = |p: &Province| Worsening {
        week: p.cases.week(),
        rate: p.rate_per_100k,
    };
    match key {
        "name" => {}
        "worse" => rows.sort_by(|a, b| worse_first(&worsening(a), &worsening(b))),
        "new_today" => rows.sort_by_key(|p| std::cmp::Reverse(p.cases.new_today)),
        "new_7d" => rows.sort_by_key(|p| std::cmp::Reverse(p.cases.new_7d)),
        "rate" => rows.sort_by(|a, b| higher_rate_first(a.rate_per_100k, b.rate_per_100k)),
        "red" => rows.sort_by(by_red),
        // The highest level first, then the reddest, then the fastest rising.
        _ => rows.sort_by(|a, b| {
            b.level
                .unwrap_or(0)
                .cmp(&a.level.unwrap_or(0))
                .then_with(|| by_red(a, b))
                .then_with(|| worse_first(&worsening(a), &worsening(b)))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(code: &str, level: Option<u8>, red: i64, communes: i64, week: (i64, i64)) -> Province {
        Province {
            code: code.into(),
            name: code.into(),
            level,
            declared: false,
            red_communes: red,
            communes,
            cases: Cases {
                new_today: week.0 / 7,
                new_yesterday: 0,
                new_7d: week.0,
                new_prev_7d: week.1,
                active: week.0 * 2,
            },
            rate_per_100k: None,
            population: None,
        }
    }

    fn order(rows: &[Province], key: &str) -> Vec<String> {
        let mut rows = rows.to_vec();
        sort(&mut rows, key);
        rows.into_iter().map(|p| p.code).collect()
    }

    #[test]
    fn the_highest_level_comes_first_then_the_reddest_then_the_fastest_rising() {
        let rows = [
            p("calm", Some(1), 0, 100, (5, 9)),
            p("red_half", Some(3), 50, 100, (10, 10)),
            p("red_tenth", Some(3), 10, 100, (400, 100)),
            p("unknown", None, 0, 0, (0, 0)),
            p("worst", Some(4), 5, 100, (90, 80)),
            p("red_half_rising", Some(3), 5, 10, (30, 10)),
        ];
        assert_eq!(
            order(&rows, "level"),
            [
                "worst",
                "red_half_rising",
                "red_half",
                "red_tenth",
                "calm",
                "unknown"
            ]
        );
        assert_eq!(order(&rows, "level"), order(&rows, "no such key"));
        assert_eq!(order(&rows, "worse")[0], "red_tenth");
        assert_eq!(order(&rows, "name")[0], "calm", "arrival order kept");
    }

    #[test]
    fn the_country_counts_provinces_by_level_and_sums_their_cases() {
        let rows = [
            p("a", Some(4), 5, 100, (70, 35)),
            p("b", Some(4), 0, 50, (7, 14)),
            p("c", Some(2), 1, 10, (0, 0)),
            p("d", None, 0, 0, (0, 0)),
        ];
        let t = totals(&rows);
        assert_eq!(t.provinces, 4);
        assert_eq!(t.at_level, [0, 1, 0, 2]);
        assert_eq!(t.no_level, 1);
        assert_eq!(t.high(), 2);
        assert_eq!((t.provinces_at(Some(4)), t.provinces_at(None)), (2, 1));
        assert_eq!((t.red_communes, t.communes), (6, 160));
        assert_eq!(t.cases.week(), Change::new(77, 49));
        assert_eq!(t.cases.day(), Change::new(11, 0));
        assert_eq!(t.cases.active, 154);
        assert_eq!(rows[3].red_share(), None);
        assert_eq!(rows[0].red_share(), Some(0.05));
    }
}
