//! The quarantine rule for contacts (DESIGN §3a): how long a contact is
//! held, on which days they are tested, and what a commune has to do about
//! each of them today.

use chrono::{Days, NaiveDate};

/// How long a contact is held and when they are tested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarantineRule {
    /// Days of quarantine from the last exposure (Hà Nội 2021: 14).
    pub days: u32,
    /// The days of quarantine a test is taken on, the first day being 1
    /// (Hà Nội 2021: 1, 7 and 14).
    pub test_days: Vec<u32>,
}

impl Default for QuarantineRule {
    fn default() -> Self {
        Self {
            days: 14,
            test_days: vec![1, 7, 14],
        }
    }
}

impl QuarantineRule {
    /// Parses `VX_CONTACT_TEST_DAYS` ("1,7,14"): days between 1 and `days`,
    /// at least one.
    pub fn with_test_days(days: u32, list: &str) -> Option<Self> {
        let mut test_days = list
            .split(',')
            .map(|d| {
                d.trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|d| (1..=days).contains(d))
            })
            .collect::<Option<Vec<_>>>()?;
        test_days.sort_unstable();
        test_days.dedup();
        (days > 0 && !test_days.is_empty()).then_some(Self { days, test_days })
    }

    /// The last day of quarantine for a contact last exposed on `exposed_on`.
    pub fn ends_on(&self, exposed_on: NaiveDate) -> NaiveDate {
        exposed_on + Days::new(u64::from(self.days))
    }

    /// The dates of the tests of a quarantine that began on `from` and ends
    /// on `to`: a test day past the end falls on the last day.
    pub fn test_dates(&self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        let mut dates: Vec<NaiveDate> = self
            .test_days
            .iter()
            .map(|d| (from + Days::new(u64::from(d - 1))).min(to.max(from)))
            .collect();
        dates.dedup();
        dates
    }
}

/// What a commune has to do about one contact today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Due {
    /// A test day passed without a test taken since.
    Overdue(NaiveDate),
    /// A test is due today.
    TestToday,
    /// The quarantine ends today (or ended and they were not released).
    Release,
    /// Held at home.
    AtHome,
    /// Traced but not yet placed anywhere.
    NotPlaced,
}

/// A test day of a quarantine, as it stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestDay {
    /// A test was taken on it or after it, before the next test day.
    Taken,
    /// Passed untested, and the next test day has come since: no longer
    /// chased.
    Missed,
    /// Passed untested, and still the one to take.
    Overdue,
    /// Today.
    Today,
    /// To come.
    Planned,
}

/// The test days of a quarantine held from `from` to `to`, each with where
/// it stands today for a contact tested on `tested` (any order). A test day
/// is met by a test taken on it or after it (a day late is late, not
/// missing), but before the next test day.
pub fn test_days(
    rule: &QuarantineRule,
    from: NaiveDate,
    to: NaiveDate,
    tested: &[NaiveDate],
    today: NaiveDate,
) -> Vec<(NaiveDate, TestDay)> {
    let dates = rule.test_dates(from, to);
    dates
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            let next = dates.get(i + 1).copied();
            let met = tested.iter().any(|&t| t >= d && next.is_none_or(|n| t < n));
            let state = if met {
                TestDay::Taken
            } else if d < today && next.is_none_or(|n| n > today) {
                TestDay::Overdue
            } else if d < today {
                TestDay::Missed
            } else if d == today {
                TestDay::Today
            } else {
                TestDay::Planned
            };
            (d, state)
        })
        .collect()
}

/// What is due for a contact held from `from` to `to` who was tested on
/// `tested` (any order), today: the oldest missed test day first, then
/// today's test, then release. A contact not yet held (`from` unknown) is
/// to be placed.
pub fn due(
    rule: &QuarantineRule,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    tested: &[NaiveDate],
    at_home: bool,
    today: NaiveDate,
) -> Vec<Due> {
    let Some(from) = from else {
        return vec![Due::NotPlaced];
    };
    let to = to.unwrap_or(from + Days::new(u64::from(rule.days.saturating_sub(1))));
    let mut out = Vec::new();
    for (d, state) in test_days(rule, from, to, tested, today) {
        match state {
            TestDay::Overdue => out.push(Due::Overdue(d)),
            TestDay::Today => out.push(Due::TestToday),
            TestDay::Taken | TestDay::Missed | TestDay::Planned => {}
        }
    }
    if to <= today {
        out.push(Due::Release);
    }
    if at_home {
        out.push(Due::AtHome);
    }
    out
}

/// What is due for an F2, who is not tested on the F1's schedule but
/// watched at home until their F1's first negative test (DESIGN §3a):
/// placed when not yet, released once the F1 has tested negative.
pub fn due_f2(held: bool, f1_negative: bool) -> Vec<Due> {
    match (held, f1_negative) {
        (false, _) => vec![Due::NotPlaced],
        (true, true) => vec![Due::Release],
        (true, false) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn hanoi_holds_a_contact_fourteen_days_from_the_exposure_and_tests_on_days_1_7_and_14() {
        let r = QuarantineRule::default();
        assert_eq!(r.ends_on(d("2021-07-30")), d("2021-08-13"));
        assert_eq!(
            r.test_dates(d("2021-07-31"), d("2021-08-13")),
            vec![d("2021-07-31"), d("2021-08-06"), d("2021-08-13")]
        );
    }

    #[test]
    fn a_test_day_past_the_end_of_a_late_started_quarantine_falls_on_its_last_day() {
        let r = QuarantineRule::default();
        // Placed four days after the exposure: day 14 would fall after the end.
        assert_eq!(
            r.test_dates(d("2021-08-03"), d("2021-08-13")),
            vec![d("2021-08-03"), d("2021-08-09"), d("2021-08-13")]
        );
        // Placed on the last day: one test, that day.
        assert_eq!(
            r.test_dates(d("2021-08-13"), d("2021-08-13")),
            vec![d("2021-08-13")]
        );
    }

    #[test]
    fn test_days_are_read_from_configuration_within_the_quarantine() {
        let r = QuarantineRule::with_test_days(14, " 7, 1,14,7").unwrap();
        assert_eq!(r.test_days, vec![1, 7, 14]);
        assert!(QuarantineRule::with_test_days(14, "0,7").is_none());
        assert!(QuarantineRule::with_test_days(14, "15").is_none());
        assert!(QuarantineRule::with_test_days(14, "").is_none());
        assert!(QuarantineRule::with_test_days(10, "1,5,10").is_some());
    }

    #[test]
    fn what_is_due_follows_the_test_days_and_the_end_of_quarantine() {
        let r = QuarantineRule::default();
        let (from, to) = (Some(d("2021-07-31")), Some(d("2021-08-13")));
        // Day 1: test today.
        assert_eq!(
            due(&r, from, to, &[], false, d("2021-07-31")),
            vec![Due::TestToday]
        );
        // Day 2 without the day-1 test: overdue.
        assert_eq!(
            due(&r, from, to, &[], false, d("2021-08-01")),
            vec![Due::Overdue(d("2021-07-31"))]
        );
        // Tested a day late: met.
        assert!(due(&r, from, to, &[d("2021-08-01")], false, d("2021-08-02")).is_empty());
        // Day 7, day-1 test taken: today's test only; a missed day 1 is no
        // longer chased once day 7 comes.
        assert_eq!(
            due(&r, from, to, &[d("2021-07-31")], false, d("2021-08-06")),
            vec![Due::TestToday]
        );
        assert_eq!(
            due(&r, from, to, &[], false, d("2021-08-06")),
            vec![Due::TestToday]
        );
        // The last day: its test and the release, and a warning at home.
        assert_eq!(
            due(
                &r,
                from,
                to,
                &[d("2021-07-31"), d("2021-08-06")],
                true,
                d("2021-08-13")
            ),
            vec![Due::TestToday, Due::Release, Due::AtHome]
        );
        // Not yet placed.
        assert_eq!(
            due(&r, None, None, &[], false, d("2021-08-01")),
            vec![Due::NotPlaced]
        );
    }

    #[test]
    fn an_f2_is_watched_until_their_f1_first_tests_negative_and_is_never_scheduled_for_tests() {
        assert_eq!(due_f2(false, false), vec![Due::NotPlaced]);
        assert_eq!(due_f2(true, false), Vec::<Due>::new());
        assert_eq!(due_f2(true, true), vec![Due::Release]);
    }

    #[test]
    fn a_contacts_page_and_the_list_for_today_read_one_schedule() {
        let r = QuarantineRule::default();
        let (from, to) = (d("2021-07-31"), d("2021-08-13"));
        // Tested on day 8 only: day 1 was missed, day 7 met late.
        let days = test_days(&r, from, to, &[d("2021-08-07")], d("2021-08-08"));
        assert_eq!(
            days,
            vec![
                (d("2021-07-31"), TestDay::Missed),
                (d("2021-08-06"), TestDay::Taken),
                (d("2021-08-13"), TestDay::Planned),
            ]
        );
        let days = test_days(&r, from, to, &[], d("2021-08-13"));
        assert_eq!(days[1], (d("2021-08-06"), TestDay::Missed));
        assert_eq!(days[2], (d("2021-08-13"), TestDay::Today));
        let days = test_days(&r, from, to, &[], d("2021-08-10"));
        assert_eq!(days[1], (d("2021-08-06"), TestDay::Overdue));
    }
}
