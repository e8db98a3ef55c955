//! What may be shown of a person. DESIGN §3: the commune and the district
//! see a case's year of birth; the city sees a ten-year age band instead,
//! since a year of birth with the commune, the date and the village can
//! single a person out.

use chrono::{Datelike, NaiveDate};

/// The ten-year band of the age a person born in `birth_year` reaches in
/// `on`'s year (`40–49`, up to `90+`); `None` for a year after `on`.
pub fn age_band(birth_year: i32, on: NaiveDate) -> Option<String> {
    let age = on.year() - birth_year;
    match age {
        a if a < 0 => None,
        a if a >= 90 => Some("90+".to_string()),
        a => {
            let low = a / 10 * 10;
            Some(format!("{low}–{}", low + 9))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, 8, 1).unwrap()
    }

    #[test]
    fn an_age_band_spans_ten_years_and_never_shows_the_year() {
        assert_eq!(age_band(1978, day(2021)).as_deref(), Some("40–49"));
        assert_eq!(age_band(1972, day(2021)).as_deref(), Some("40–49"));
        assert_eq!(age_band(1971, day(2021)).as_deref(), Some("50–59"));
        assert_eq!(age_band(2021, day(2021)).as_deref(), Some("0–9"));
        assert_eq!(age_band(1925, day(2021)).as_deref(), Some("90+"));
        assert_eq!(age_band(2022, day(2021)), None);
    }
}
