//! The zone engine of DESIGN §5: red/green from the records, and the
//! epidemic level 1–4 of Resolution 128/NQ-CP and guidance 4800/QĐ-BYT.
//! Pure functions, so every threshold is tested without a database.

use serde::Serialize;

/// Thresholds, from configuration.
#[derive(Debug, Clone)]
pub struct Thresholds {
    /// New community cases per 100,000 over 7 days at which levels 2, 3, 4 begin.
    pub bands: [f64; 3],
    /// Share of adults with a first dose (0–1) below which criterion 2 is unmet.
    pub vaccine_min_share: f64,
    /// Treatment occupancy (0–1) at or above which criterion 3 is unmet.
    pub treatment_max_share: f64,
    /// Share of the population aged 18+ (0–1), for areas without a recorded
    /// adult population.
    pub adult_share: f64,
    /// Areas whose rule forbids quarantine at home (and the areas under them).
    pub no_home_quarantine: Vec<String>,
}

impl Thresholds {
    /// Whether home quarantine is forbidden in area `code`, under `parent`
    /// in `city`.
    pub fn forbids_home(&self, code: &str, parent: Option<&str>, city: &str) -> bool {
        self.no_home_quarantine
            .iter()
            .any(|c| c == code || Some(c.as_str()) == parent || c == city)
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            bands: [20.0, 50.0, 150.0],
            vaccine_min_share: 0.7,
            treatment_max_share: 0.9,
            adult_share: crate::domain::config::ADULT_SHARE_PCT / 100.0,
            no_home_quarantine: Vec::new(),
        }
    }
}

impl From<&crate::domain::config::Config> for Thresholds {
    fn from(c: &crate::domain::config::Config) -> Self {
        Self {
            bands: c.level_bands,
            vaccine_min_share: c.vaccine_min_pct / 100.0,
            treatment_max_share: c.treatment_max_pct / 100.0,
            adult_share: c.adult_share_pct / 100.0,
            no_home_quarantine: c
                .no_home_quarantine
                .as_deref()
                .unwrap_or("")
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
        }
    }
}

/// What makes a commune red (summer 2021 practice).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RedInputs {
    /// A case was detected in the community within the last 14 days.
    pub community_case_14d: bool,
    /// Clusters open on the day.
    pub active_clusters: i64,
    /// Lockdown points active on the day.
    pub active_lockdowns: i64,
}

/// Red when a case was found in the community in the last 14 days, or a
/// cluster or a lockdown point is active.
pub fn is_red(i: &RedInputs) -> bool {
    i.community_case_14d || i.active_clusters > 0 || i.active_lockdowns > 0
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
    /// Adults (18+), if recorded; else a share of the population is used.
    pub adult_population: Option<i64>,
    /// First doses given so far from the daily reports; `None` when no
    /// daily report was ever filed, so coverage is unknown, not zero.
    pub first_doses: Option<i64>,
    /// Places in active treatment facilities, and people in them; no
    /// places recorded means capacity is unknown.
    pub treatment_capacity: i64,
    pub treatment_occupancy: i64,
    /// The area is a commune: its criterion 3 is judged with its district's
    /// facilities, so having none of its own is not missing data.
    pub commune: bool,
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

/// A criterion that could not be judged for want of figures: it raises
/// nothing, and the page says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Lacking {
    /// No daily report with vaccination figures.
    Vaccination,
    /// No treatment facility with places recorded.
    Treatment,
}

impl Lacking {
    /// The catalogue key naming the missing figures.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Vaccination => "zone.lacking_vaccination",
            Self::Treatment => "zone.lacking_treatment",
        }
    }
}

/// The computed level and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelOutcome {
    /// 1–4, or none without a population.
    pub level: Option<u8>,
    /// New community cases per 100,000 over 7 days.
    pub rate: Option<f64>,
    /// First-dose coverage of adults, 0–1; none when unknown.
    pub coverage: Option<f64>,
    /// The adult population coverage was measured against.
    pub adults: Option<i64>,
    /// Whether that figure is the configured share of the population
    /// rather than a recorded count.
    pub adults_estimated: bool,
    /// The criterion that set the level.
    pub set_by: Criterion,
    /// Criteria 2 and 3 when their figures are missing.
    pub lacking: Vec<Lacking>,
}

/// The epidemic level: criterion 1 bands the 7-day community rate;
/// criteria 2 and 3, when unmet, each raise it by one — never above 4,
/// never when there are no cases, and never on figures nobody reported.
pub fn level(i: &LevelInputs, t: &Thresholds) -> LevelOutcome {
    let Some(pop) = i.population.filter(|p| *p > 0) else {
        return LevelOutcome {
            level: None,
            rate: None,
            coverage: None,
            adults: None,
            adults_estimated: false,
            set_by: Criterion::NoPopulation,
            lacking: Vec::new(),
        };
    };
    let rate = i.community_7d as f64 * 100_000.0 / pop as f64;
    let (adults, adults_estimated) = match i.adult_population.filter(|a| *a > 0) {
        Some(a) => (a, false),
        None => (((pop as f64) * t.adult_share).round() as i64, true),
    };
    let coverage = i
        .first_doses
        .filter(|_| adults > 0)
        .map(|d| d as f64 / adults as f64);
    let mut level: u8 = match rate {
        r if r < t.bands[0] => 1,
        r if r < t.bands[1] => 2,
        r if r < t.bands[2] => 3,
        _ => 4,
    };
    let mut set_by = Criterion::Incidence;
    let mut lacking = Vec::new();
    let has_cases = i.new_7d > 0;
    match coverage {
        None => lacking.push(Lacking::Vaccination),
        Some(c) if has_cases && c < t.vaccine_min_share && level < 4 => {
            level += 1;
            set_by = Criterion::Vaccination;
        }
        Some(_) => {}
    }
    if i.treatment_capacity <= 0 {
        if !i.commune {
            lacking.push(Lacking::Treatment);
        }
    } else if has_cases
        && level < 4
        && i.treatment_occupancy as f64 >= t.treatment_max_share * i.treatment_capacity as f64
    {
        level += 1;
        set_by = Criterion::Treatment;
    }
    LevelOutcome {
        level: Some(level),
        rate: Some(rate),
        coverage,
        adults: Some(adults),
        adults_estimated,
        set_by,
        lacking,
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
            adult_population: Some(100_000),
            first_doses: Some(100_000),
            treatment_capacity: 100,
            treatment_occupancy: 0,
            commune: false,
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
        i.adult_population = Some(200_000);
        i.first_doses = Some(200_000);
        assert_eq!(level(&i, &t).level, Some(1));
        i.community_7d = 40; // exactly 20
        assert_eq!(level(&i, &t).level, Some(2));
    }

    #[test]
    fn low_vaccine_coverage_raises_the_level_by_one_but_never_above_four() {
        let t = Thresholds::default();
        let mut i = inputs(10);
        i.first_doses = Some(69_999); // just under 70 %
        let out = level(&i, &t);
        assert_eq!((out.level, out.set_by), (Some(2), Criterion::Vaccination));
        i.first_doses = Some(70_000); // exactly 70 % meets it
        assert_eq!(level(&i, &t).level, Some(1));
        let mut i = inputs(200);
        i.first_doses = Some(0);
        assert_eq!(level(&i, &t).level, Some(4));
    }

    #[test]
    fn without_cases_coverage_and_capacity_raise_nothing() {
        let t = Thresholds::default();
        let mut i = inputs(0);
        i.first_doses = Some(0);
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
        i.first_doses = Some(0); // both unmet: 2 → 3 → 4
        assert_eq!(level(&i, &t).level, Some(4));
    }

    #[test]
    fn coverage_nobody_reported_is_unknown_and_raises_nothing() {
        let t = Thresholds::default();
        let mut i = inputs(10);
        i.first_doses = None;
        let out = level(&i, &t);
        assert_eq!(out.coverage, None);
        assert_eq!((out.level, out.set_by), (Some(1), Criterion::Incidence));
        assert_eq!(out.lacking, vec![Lacking::Vaccination]);
        // A reported zero is known, and low.
        i.first_doses = Some(0);
        let out = level(&i, &t);
        assert_eq!((out.level, out.set_by), (Some(2), Criterion::Vaccination));
        assert!(out.lacking.is_empty());
    }

    #[test]
    fn no_treatment_places_recorded_means_criterion_three_lacks_data() {
        let mut i = inputs(25);
        i.treatment_capacity = 0;
        i.treatment_occupancy = 50;
        let out = level(&i, &Thresholds::default());
        assert_eq!(out.level, Some(2));
        assert_eq!(out.lacking, vec![Lacking::Treatment]);
    }

    #[test]
    fn a_commune_without_its_own_treatment_places_lacks_nothing() {
        let mut i = inputs(25);
        i.treatment_capacity = 0;
        i.commune = true;
        let out = level(&i, &Thresholds::default());
        assert!(out.lacking.is_empty(), "{:?}", out.lacking);
        i.commune = false;
        assert_eq!(
            level(&i, &Thresholds::default()).lacking,
            vec![Lacking::Treatment]
        );
    }

    #[test]
    fn coverage_counts_adults_from_the_record_or_the_configured_share() {
        let t = Thresholds::default();
        let mut i = inputs(10);
        i.adult_population = Some(80_000);
        i.first_doses = Some(60_000);
        let out = level(&i, &t);
        assert_eq!(out.coverage, Some(0.75));
        assert_eq!((out.adults, out.adults_estimated), (Some(80_000), false));
        // Without a recorded figure: the share of 100,000 people.
        i.adult_population = None;
        let out = level(&i, &t);
        let adults = (100_000.0 * t.adult_share).round() as i64;
        assert_eq!((out.adults, out.adults_estimated), (Some(adults), true));
        assert_eq!(out.coverage, Some(60_000.0 / adults as f64));
        // 70,000 first doses over 100,000 people is under 70 % of everyone
        // only when counted wrongly; over adults it meets the threshold.
        i.first_doses = Some(70_000);
        assert_eq!(level(&i, &t).set_by, Criterion::Incidence);
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
            community_case_14d: true,
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
