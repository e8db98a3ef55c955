//! "Now" is passed in from here so tests control time. Nothing else in the
//! crate may call `Utc::now()` (see clippy.toml).

use std::sync::{Arc, RwLock};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;

/// The application's clock: the system clock, or a fixed instant in tests.
#[derive(Clone, Default)]
pub struct Clock {
    fixed: Arc<RwLock<Option<DateTime<Utc>>>>,
}

impl Clock {
    /// A clock that reads the system time.
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock stopped at `at`, for tests.
    pub fn fixed(at: DateTime<Utc>) -> Self {
        Self {
            fixed: Arc::new(RwLock::new(Some(at))),
        }
    }

    /// Moves a fixed clock to `at`.
    pub fn set(&self, at: DateTime<Utc>) {
        *self.fixed.write().expect("clock lock") = Some(at);
    }

    /// The current instant.
    #[allow(clippy::disallowed_methods)]
    pub fn now(&self) -> DateTime<Utc> {
        self.fixed
            .read()
            .expect("clock lock")
            .unwrap_or_else(Utc::now)
    }

    /// Today's calendar day in Asia/Ho_Chi_Minh, whatever the server's zone.
    pub fn today(&self) -> NaiveDate {
        local_date(self.now())
    }
}

/// The calendar day of `at` in Asia/Ho_Chi_Minh.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Ho_Chi_Minh).date_naive()
}

/// The instant a calendar day starts in Asia/Ho_Chi_Minh.
pub fn start_of_day(day: NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone;
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    // Hà Nội has no daylight saving: local midnight is never ambiguous.
    Ho_Chi_Minh
        .from_local_datetime(&midnight)
        .single()
        .expect("one midnight")
        .with_timezone(&Utc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn today_is_the_day_in_hanoi_not_in_utc() {
        // 18:30 UTC on 1 Aug is 01:30 on 2 Aug in Hà Nội.
        let clock = Clock::fixed(Utc.with_ymd_and_hms(2021, 8, 1, 18, 30, 0).unwrap());
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2021, 8, 2).unwrap());
        clock.set(Utc.with_ymd_and_hms(2021, 8, 1, 16, 59, 0).unwrap());
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2021, 8, 1).unwrap());
    }
}
