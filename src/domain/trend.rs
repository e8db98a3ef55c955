//! Change at a glance (DESIGN §6): a count against the same count one
//! period before, and the "getting worse" order of a table of areas.

use std::cmp::Ordering;

use serde::Serialize;

use crate::domain::i18n::Lang;

/// A count now and the same count one period earlier (today against
/// yesterday, the last 7 days against the 7 before).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Change {
    pub now: i64,
    pub before: i64,
}

/// Which way a count moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
    Same,
}

impl Change {
    /// A change from `before` to `now`.
    pub fn new(now: i64, before: i64) -> Self {
        Self { now, before }
    }

    /// How much it rose (negative when it fell).
    pub fn delta(self) -> i64 {
        self.now - self.before
    }

    /// Up, down or level.
    pub fn direction(self) -> Direction {
        match self.delta().cmp(&0) {
            Ordering::Greater => Direction::Up,
            Ordering::Less => Direction::Down,
            Ordering::Equal => Direction::Same,
        }
    }

    /// The rise in whole percent of `before`; none when `before` is zero,
    /// where a percentage would mean nothing.
    pub fn percent(self) -> Option<i64> {
        (self.before != 0)
            .then(|| (self.delta() as f64 * 100.0 / self.before as f64).round() as i64)
    }
}

/// What a row of a table of areas is ranked by when "getting worse".
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Worsening {
    /// New cases in the last 7 days against the 7 before.
    pub week: Change,
    /// New community cases per 100,000 over 7 days, when a population is known.
    pub rate: Option<f64>,
}

/// "Getting worse" first: the largest 7-day rise, then the highest rate,
/// then the most cases this week; areas without a rate after those with one.
pub fn worse_first(a: &Worsening, b: &Worsening) -> Ordering {
    b.week
        .delta()
        .cmp(&a.week.delta())
        .then_with(|| higher_rate_first(a.rate, b.rate))
        .then_with(|| b.week.now.cmp(&a.week.now))
}

/// The higher rate first; a missing rate after every known one.
pub fn higher_rate_first(a: Option<f64>, b: Option<f64>) -> Ordering {
    let (ra, rb) = (a.unwrap_or(-1.0), b.unwrap_or(-1.0));
    rb.partial_cmp(&ra).unwrap_or(Ordering::Equal)
}

/// The two periods change is shown over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// Today against yesterday.
    Day,
    /// The last 7 days against the 7 before.
    Week,
}

/// A change in words a screen reader reads: "tăng 12 so với hôm qua".
pub fn change_words(lang: Lang, c: Change, period: Period) -> String {
    let p = match period {
        Period::Day => "day",
        Period::Week => "week",
    };
    match c.direction() {
        Direction::Up => lang.tf(&format!("chg.up_{p}"), &[&lang.int(c.delta())]),
        Direction::Down => lang.tf(&format!("chg.down_{p}"), &[&lang.int(-c.delta())]),
        Direction::Same => lang.t(&format!("chg.same_{p}")).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_knows_its_direction_and_percentage() {
        assert_eq!(Change::new(12, 8).direction(), Direction::Up);
        assert_eq!(Change::new(12, 8).delta(), 4);
        assert_eq!(Change::new(12, 8).percent(), Some(50));
        assert_eq!(Change::new(3, 9).direction(), Direction::Down);
        assert_eq!(Change::new(3, 9).percent(), Some(-67));
        assert_eq!(Change::new(5, 5).direction(), Direction::Same);
        // From nothing a percentage means nothing.
        assert_eq!(Change::new(5, 0).percent(), None);
    }

    #[test]
    fn the_fastest_rise_comes_first_then_the_highest_rate() {
        let w = |now, before, rate| Worsening {
            week: Change::new(now, before),
            rate,
        };
        let mut rows = [
            ("falling", w(5, 20, Some(300.0))),
            ("rising_low_rate", w(30, 10, Some(10.0))),
            ("rising_high_rate", w(40, 20, Some(90.0))),
            ("flat_no_population", w(8, 8, None)),
            ("flat_high_rate", w(8, 8, Some(50.0))),
        ];
        rows.sort_by(|a, b| worse_first(&a.1, &b.1));
        let order: Vec<&str> = rows.iter().map(|r| r.0).collect();
        assert_eq!(
            order,
            [
                "rising_high_rate",
                "rising_low_rate",
                "flat_high_rate",
                "flat_no_population",
                "falling"
            ]
        );
    }
}
