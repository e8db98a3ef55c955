//! Alerts (cảnh báo, DESIGN §3b): which conditions hold for which areas,
//! from the figures the boards already show. An alert is raised when its
//! condition starts to hold and ended when it stops; this module only says
//! what holds now, storage compares it with what stands.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveTime};

use crate::domain::area::Level;

/// What an alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A commune turned red.
    Red,
    /// An area's epidemic level rose (subject: the level reached).
    Level,
    /// A quarantine or treatment site at or above its threshold (subject: the site).
    SiteFull,
    /// An area's treatment tier at or above its threshold (subject: the tier).
    TierFull,
    /// Samples waiting for results over 48 hours.
    TestsLate,
    /// A directive's target or a task past its deadline (subject: which).
    Overdue,
    /// A commune's daily report missing at the deadline (subject: the day).
    ReportMissing,
    /// Contacts held at home where the area forbids it.
    HomeForbidden,
    /// A district's report up to the city missing at its deadline (subject: the day).
    ReportUpMissing,
}

impl Kind {
    /// Every kind, most severe first.
    pub const ALL: [Kind; 9] = [
        Kind::Red,
        Kind::Level,
        Kind::HomeForbidden,
        Kind::SiteFull,
        Kind::TierFull,
        Kind::TestsLate,
        Kind::Overdue,
        Kind::ReportMissing,
        Kind::ReportUpMissing,
    ];

    /// The stored name (and the JSON's).
    pub fn code(self) -> &'static str {
        match self {
            Kind::Red => "red",
            Kind::Level => "level",
            Kind::SiteFull => "site_full",
            Kind::TierFull => "tier_full",
            Kind::TestsLate => "tests_late",
            Kind::Overdue => "overdue",
            Kind::ReportMissing => "report_missing",
            Kind::HomeForbidden => "home_forbidden",
            Kind::ReportUpMissing => "report_up_missing",
        }
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// 1 (act now) to 3 (to chase): lists sort by it, then by age.
    pub fn severity(self) -> i16 {
        match self {
            Kind::Red | Kind::Level => 1,
            Kind::HomeForbidden | Kind::SiteFull | Kind::TierFull | Kind::TestsLate => 2,
            Kind::Overdue | Kind::ReportMissing | Kind::ReportUpMissing => 3,
        }
    }
}

/// A condition that holds now for an area.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub area: String,
    pub kind: Kind,
    /// Which thing in the area ("" when the area itself).
    pub subject: String,
    /// The figures behind it, for the message.
    pub detail: serde_json::Value,
}

impl Condition {
    /// What identifies the alert it raises: one open alert per key.
    pub fn key(&self) -> (String, &'static str, String) {
        (self.area.clone(), self.kind.code(), self.subject.clone())
    }
}

/// An area's figures as its board shows them today.
#[derive(Debug, Clone, Default)]
pub struct AreaFigures {
    pub code: String,
    pub level: Option<Level>,
    pub red: bool,
    /// The epidemic level in force.
    pub zone_level: Option<u8>,
    /// Places and people in each treatment tier's active facilities.
    pub tier_capacity: [i64; 3],
    pub tier_occupancy: [i64; 3],
    /// Samples waiting over 48 hours.
    pub tests_waiting: i64,
    /// A commune's daily report for today is filed.
    pub reported: bool,
    /// Contacts at home where the rule forbids it.
    pub forbidden_at_home: i64,
    /// A district's report up for today is filed.
    pub reported_up: bool,
}

/// An active site and how full it is.
#[derive(Debug, Clone)]
pub struct SiteFill {
    pub id: i64,
    pub area: String,
    pub name: String,
    pub capacity: i64,
    pub occupancy: i64,
}

/// A directive's target or a task not done by its deadline.
#[derive(Debug, Clone)]
pub struct Late {
    pub area: String,
    /// `directive:ID` or `task:ID`.
    pub subject: String,
    pub number: String,
    pub what: String,
    pub due_on: NaiveDate,
}

/// The rules' settings (configuration, documented in the README).
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// A site at or above this share of its places is full (0–1).
    pub site_share: f64,
    /// A treatment tier at or above this share is full (0–1).
    pub tier_share: f64,
    /// A commune's daily report is missing from this time, Hà Nội time.
    pub report_deadline: NaiveTime,
    /// A district's report up is missing from this time.
    pub report_up_deadline: NaiveTime,
}

/// Whether `occupancy` of `capacity` is at or above `share`.
pub fn at_or_above(capacity: i64, occupancy: i64, share: f64) -> bool {
    capacity > 0 && occupancy as f64 >= share * capacity as f64
}

/// Everything the rules read, besides the rules themselves.
#[derive(Debug, Default)]
pub struct Inputs<'a> {
    pub areas: &'a [AreaFigures],
    pub sites: &'a [SiteFill],
    pub late: &'a [Late],
    /// Each area's level when last evaluated.
    pub seen_levels: HashMap<String, u8>,
    /// Level alerts standing: (area, level reached).
    pub open_levels: HashSet<(String, String)>,
    pub today: Option<NaiveDate>,
    /// The time of day now, Hà Nội time.
    pub time: Option<NaiveTime>,
}

/// The conditions that hold now, and each area's level to remember.
pub fn conditions(i: &Inputs, r: &Rules) -> (Vec<Condition>, HashMap<String, u8>) {
    let mut out = Vec::new();
    let mut levels = HashMap::new();
    let time = i.time.unwrap_or(NaiveTime::MIN);
    let day = i.today.map(|d| d.to_string()).unwrap_or_default();
    let cond = |area: &str, kind, subject: String, detail| Condition {
        area: area.to_string(),
        kind,
        subject,
        detail,
    };
    for a in i.areas {
        let commune = a.level == Some(Level::Commune);
        if commune && a.red {
            out.push(cond(
                &a.code,
                Kind::Red,
                String::new(),
                serde_json::json!({}),
            ));
        }
        if let Some(now) = a.zone_level {
            levels.insert(a.code.clone(), now);
            let rose = i.seen_levels.get(&a.code).is_some_and(|was| now > *was);
            let standing = i.open_levels.contains(&(a.code.clone(), now.to_string()));
            if rose || standing {
                let from = i.seen_levels.get(&a.code).copied();
                out.push(cond(
                    &a.code,
                    Kind::Level,
                    now.to_string(),
                    serde_json::json!({"to": now, "from": from}),
                ));
            }
        }
        if a.level != Some(Level::Commune) {
            for t in 0..3 {
                if at_or_above(a.tier_capacity[t], a.tier_occupancy[t], r.tier_share) {
                    out.push(cond(
                        &a.code,
                        Kind::TierFull,
                        (t + 1).to_string(),
                        serde_json::json!({"tier": t + 1, "capacity": a.tier_capacity[t],
                            "occupancy": a.tier_occupancy[t]}),
                    ));
                }
            }
        }
        if commune && a.tests_waiting > 0 {
            out.push(cond(
                &a.code,
                Kind::TestsLate,
                String::new(),
                serde_json::json!({"samples": a.tests_waiting}),
            ));
        }
        if commune && a.forbidden_at_home > 0 {
            out.push(cond(
                &a.code,
                Kind::HomeForbidden,
                String::new(),
                serde_json::json!({"at_home": a.forbidden_at_home}),
            ));
        }
        if commune && !a.reported && time >= r.report_deadline && i.today.is_some() {
            out.push(cond(
                &a.code,
                Kind::ReportMissing,
                day.clone(),
                serde_json::json!({"day": day}),
            ));
        }
        if a.level == Some(Level::District)
            && !a.reported_up
            && time >= r.report_up_deadline
            && i.today.is_some()
        {
            out.push(cond(
                &a.code,
                Kind::ReportUpMissing,
                day.clone(),
                serde_json::json!({"day": day}),
            ));
        }
    }
    for s in i.sites {
        if at_or_above(s.capacity, s.occupancy, r.site_share) {
            out.push(cond(
                &s.area,
                Kind::SiteFull,
                s.id.to_string(),
                serde_json::json!({"name": s.name, "capacity": s.capacity, "occupancy": s.occupancy}),
            ));
        }
    }
    for l in i.late {
        out.push(cond(
            &l.area,
            Kind::Overdue,
            l.subject.clone(),
            serde_json::json!({"number": l.number, "what": l.what, "due_on": l.due_on}),
        ));
    }
    (out, levels)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules as configured by default (one source of the defaults).
    fn rules() -> Rules {
        crate::domain::config::Config::for_tests().alert_rules()
    }

    fn commune(code: &str) -> AreaFigures {
        AreaFigures {
            code: code.into(),
            level: Some(Level::Commune),
            zone_level: Some(1),
            reported: true,
            ..Default::default()
        }
    }

    fn kinds(c: &[Condition]) -> Vec<(&str, &str, &str)> {
        c.iter()
            .map(|c| (c.area.as_str(), c.kind.code(), c.subject.as_str()))
            .collect()
    }

    fn at(h: u32) -> Option<NaiveTime> {
        NaiveTime::from_hms_opt(h, 0, 0)
    }

    #[test]
    fn a_red_commune_is_a_condition_and_a_green_one_is_not() {
        let mut red = commune("09877");
        red.red = true;
        let areas = [red, commune("09880")];
        let (c, _) = conditions(
            &Inputs {
                areas: &areas,
                ..Default::default()
            },
            &rules(),
        );
        assert_eq!(kinds(&c), vec![("09877", "red", "")]);
    }

    #[test]
    fn a_level_alert_starts_on_a_rise_stays_while_the_level_holds_and_not_on_a_fall() {
        let mut a = commune("020");
        a.level = Some(Level::District);
        a.zone_level = Some(3);
        let areas = [a];
        let mut seen = HashMap::from([("020".to_string(), 2u8)]);
        let mut open = HashSet::new();
        let rules = rules();
        let (c, levels) = conditions(
            &Inputs {
                areas: &areas,
                seen_levels: seen.clone(),
                open_levels: open.clone(),
                ..Default::default()
            },
            &rules,
        );
        assert_eq!(kinds(&c), vec![("020", "level", "3")]);
        assert_eq!(c[0].detail["from"], 2);
        // Evaluated again: seen is now 3 and the alert stands.
        seen = levels;
        open.insert(("020".to_string(), "3".to_string()));
        let (c, _) = conditions(
            &Inputs {
                areas: &areas,
                seen_levels: seen.clone(),
                open_levels: open.clone(),
                ..Default::default()
            },
            &rules,
        );
        assert_eq!(kinds(&c), vec![("020", "level", "3")]);
        // Down to 2: the level-3 alert no longer holds and nothing rises.
        let mut down = areas[0].clone();
        down.zone_level = Some(2);
        let (c, _) = conditions(
            &Inputs {
                areas: &[down],
                seen_levels: seen.clone(),
                open_levels: open.clone(),
                ..Default::default()
            },
            &rules,
        );
        assert!(c.is_empty(), "{c:?}");
        // An area never evaluated before raises nothing for where it stands.
        let (c, _) = conditions(
            &Inputs {
                areas: &areas,
                ..Default::default()
            },
            &rules,
        );
        assert!(c.is_empty());
    }

    #[test]
    fn a_missing_report_is_a_condition_only_from_the_deadline() {
        let mut a = commune("09877");
        a.reported = false;
        let areas = [a];
        let today = NaiveDate::from_ymd_opt(2021, 8, 1);
        let before = Inputs {
            areas: &areas,
            today,
            time: at(16),
            ..Default::default()
        };
        assert!(conditions(&before, &rules()).0.is_empty());
        let after = Inputs {
            time: at(17),
            ..before
        };
        let (c, _) = conditions(&after, &rules());
        assert_eq!(kinds(&c), vec![("09877", "report_missing", "2021-08-01")]);
    }

    #[test]
    fn a_district_that_has_not_reported_up_is_a_condition_after_its_deadline() {
        let mut d = commune("020");
        d.level = Some(Level::District);
        let mut filed = d.clone();
        filed.code = "019".into();
        filed.reported_up = true;
        let areas = [d, filed];
        let i = Inputs {
            areas: &areas,
            today: NaiveDate::from_ymd_opt(2021, 8, 1),
            time: at(18),
            ..Default::default()
        };
        let (c, _) = conditions(&i, &rules());
        assert_eq!(kinds(&c), vec![("020", "report_up_missing", "2021-08-01")]);
    }

    #[test]
    fn sites_and_tiers_count_from_their_threshold() {
        assert!(at_or_above(100, 90, 0.9));
        assert!(!at_or_above(100, 89, 0.9));
        assert!(
            !at_or_above(0, 0, 0.9),
            "a site without places is never full"
        );
        let sites = [
            SiteFill {
                id: 7,
                area: "020".into(),
                name: "KTX".into(),
                capacity: 100,
                occupancy: 95,
            },
            SiteFill {
                id: 8,
                area: "020".into(),
                name: "Trường".into(),
                capacity: 100,
                occupancy: 10,
            },
        ];
        let mut d = commune("020");
        d.level = Some(Level::District);
        d.tier_capacity = [100, 50, 0];
        d.tier_occupancy = [85, 10, 0];
        let areas = [d];
        let (c, _) = conditions(
            &Inputs {
                areas: &areas,
                sites: &sites,
                ..Default::default()
            },
            &rules(),
        );
        assert_eq!(
            kinds(&c),
            vec![("020", "tier_full", "1"), ("020", "site_full", "7")]
        );
    }

    #[test]
    fn every_kind_reads_back_from_its_code() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.code()), Some(k));
        }
        assert_eq!(Kind::parse("nope"), None);
    }
}
