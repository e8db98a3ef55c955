//! The zone engine of DESIGN §5: red/green from the records, and the
//! epidemic level 1–4 of Resolution 128/NQ-CP and guidance 4800/QĐ-BYT.
//! Pure functions, so every threshold is tested without a database.

use serde::Serialize;

/// Thresholds, from configuration.
#[derive(Debug, Clone, Copy)]
pub struct Thresholds {
    /// New community cases per 100,000 over 7 days at which levels 2, 3, 4 begin.
    pub bands: [f64; 3],
    /// Share of people with a first dose (0–1) below which criterion 2 is unmet.
    pub vaccine_min_share: f64,
    /// Treatment occupancy (0–1) at or above which criterion 3 is unmet.
    pub treatment_max_share: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            bands: [20.0, 50.0, 150.0],
            vaccine_min_share: 0.7,
            treatment_max_share: 0.9,
        }
    }
}

impl From<&crate::domain::config::Config> for Thresholds {
    fn from(c: &crate::domain::config::Config) -> Self {
        Self {
            bands: c.level_bands,
            vaccine_min_share: c.vaccine_min_pct / 100.0,
            treatment_max_share: c.treatment_max_pct / 100.0,
        }
    }
}

/// What makes a commune red (summer 2021 practice).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RedInputs {
    /// Cases detected in the community within the last 14 days.
    pub community_14d: i64,
    /// Clusters open on the day.
    pub active_clusters: i64,
    /// Lockdown points active on the day.
    pub active_lockdowns: i64,
}

/// Red when a case was found in the community in the last 14 days, or a
/// cluster or a lockdown point is active.
pub fn is_red(i: &RedInputs) -> bool {
    i.community_14d > 0 || i.active_clusters > 0 || i.active_lockdowns > 0
}

/// What the epidemic level is computed from.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LevelInputs {
    /// Cases detected in the community in the last 7 days.
    pub community_7d: i64,
    /// All cases detected in the last 7 days.
    pub new_7d: i64,
    /// Population, if recorded.
    pub population: Option<i64>,
    /// First doses given so far (from the daily reports).
    pub first_doses: i64,
    /// Places in active treatment facilities, and people in them.
    pub treatment_capacity: i64,
    pub treatment_occupancy: i64,
}

/// Which criterion set the level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// Criterion 1: new community cases per 100,000 over 7 days.
    Incidence,
    /// Criterion 2 unmet: vaccine coverage raised the level.
    Vaccination,
    /// Criterion 3 unmet: treatment capacity raised the level.
    Treatment,
    /// No population recorded: no rate, no level.
    NoPopulation,
}

impl Criterion {
    /// The catalogue key explaining it.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Incidence => "zone.by_incidence",
            Self::Vaccination => "zone.by_vaccination",
            Self::Treatment => "zone.by_treatment",
            Self::NoPopulation => "zone.no_population",
        }
    }
}

/// The computed level and why.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LevelOutcome {
    /// 1–4, or none without a population.
    pub level: Option<u8>,
    /// New community cases per 100,000 over 7 days.
    pub rate: Option<f64>,
    /// First-dose coverage, 0–1.
    pub coverage: Option<f64>,
    /// The criterion that set the level.
    pub set_by: Criterion,
}

/// The epidemic level: criterion 1 bands the 7-day community rate;
/// criteria 2 and 3, when unmet, each raise it by one — never above 4 and
/// never when there are no cases.
pub fn level(i: &LevelInputs, t: &Thresholds) -> LevelOutcome {
    let Some(pop) = i.population.filter(|p| *p > 0) else {
        return LevelOutcome {
            level: None,
            rate: None,
            coverage: None,
            set_by: Criterion::NoPopulation,
        };
    };
    let rate = i.community_7d as f64 * 100_000.0 / pop as f64;
    let coverage = i.first_doses as f64 / pop as f64;
    let mut level: u8 = match rate {
        r if r < t.bands[0] => 1,
        r if r < t.bands[1] => 2,
        r if r < t.bands[2] => 3,
        _ => 4,
    };
    let mut set_by = Criterion::Incidence;
    let has_cases = i.new_7d > 0;
    if has_cases && coverage < t.vaccine_min_share && level < 4 {
        level += 1;
        set_by = Criterion::Vaccination;
    }
    let strained = i.treatment_capacity > 0
        && i.treatment_occupancy as f64 >= t.treatment_max_share * i.treatment_capacity as f64;
    if has_cases && strained && level < 4 {
        level += 1;
        set_by = Criterion::Treatment;
    }
    LevelOutcome {
        level: Some(level),
        rate: Some(rate),
        coverage: Some(coverage),
        set_by,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 100,000 people, everyone vaccinated, no strain: only criterion 1 counts.
    fn inputs(community_7d: i64) -> LevelInputs {
        LevelInputs {
            community_7d,
            new_7d: community_7d,
            population: Some(100_000),
            first_doses: 100_000,
            treatment_capacity: 100,
            treatment_occupancy: 0,
        }
    }

    #[test]
    fn criterion_one_bands_the_rate_at_20_50_and_150() {
        let t = Thresholds::default();
        for (cases, want) in [
            (0, 1),
            (19, 1),
            (20, 2),
            (49, 2),
            (50, 3),
            (149, 3),
            (150, 4),
            (5000, 4),
        ] {
            let out = level(&inputs(cases), &t);
            assert_eq!(out.level, Some(want), "{cases} per 100,000");
            assert_eq!(out.set_by, Criterion::Incidence);
        }
        // The band edge applies to the rate, not the count.
        let mut i = inputs(39);
        i.population = Some(200_000); // 19.5 per 100,000
        i.first_doses = 200_000;
        assert_eq!(level(&i, &t).level, Some(1));
        i.community_7d = 40; // exactly 20
        assert_eq!(level(&i, &t).level, Some(2));
    }

    #[test]
    fn low_vaccine_coverage_raises_the_level_by_one_but_never_above_four() {
        let t = Thresholds::default();
        let mut i = inputs(10);
        i.first_doses = 69_999; // just under 70 %
        let out = level(&i, &t);
        assert_eq!((out.level, out.set_by), (Some(2), Criterion::Vaccination));
        i.first_doses = 70_000; // exactly 70 % meets it
        assert_eq!(level(&i, &t).level, Some(1));
        let mut i = inputs(200);
        i.first_doses = 0;
        assert_eq!(level(&i, &t).level, Some(4));
    }

    #[test]
    fn without_cases_coverage_and_capacity_raise_nothing() {
        let t = Thresholds::default();
        let mut i = inputs(0);
        i.first_doses = 0;
        i.treatment_occupancy = 100;
        let out = level(&i, &t);
        assert_eq!((out.level, out.set_by), (Some(1), Criterion::Incidence));
    }

    #[test]
    fn full_treatment_facilities_raise_the_level() {
        let t = Thresholds::default();
        let mut i = inputs(25);
        i.treatment_occupancy = 89;
        assert_eq!(level(&i, &t).level, Some(2));
        i.treatment_occupancy = 90; // 90 % of 100 places
        let out = level(&i, &t);
        assert_eq!((out.level, out.set_by), (Some(3), Criterion::Treatment));
        i.first_doses = 0; // both unmet: 2 → 3 → 4
        assert_eq!(level(&i, &t).level, Some(4));
    }

    #[test]
    fn no_population_means_no_level() {
        let mut i = inputs(10);
        i.population = None;
        let out = level(&i, &Thresholds::default());
        assert_eq!((out.level, out.set_by), (None, Criterion::NoPopulation));
        i.population = Some(0);
        assert_eq!(level(&i, &Thresholds::default()).level, None);
    }

    #[test]
    fn a_commune_is_red_for_any_of_its_three_reasons() {
        assert!(!is_red(&RedInputs::default()));
        assert!(is_red(&RedInputs {
            community_14d: 1,
            ..Default::default()
        }));
        assert!(is_red(&RedInputs {
            active_clusters: 1,
            ..Default::default()
        }));
        assert!(is_red(&RedInputs {
            active_lockdowns: 1,
            ..Default::default()
        }));
    }
}
