//! Calendar: Norwegian public holidays, working-day arithmetic, the
//! Europe/Oslo day of an instant, Norwegian date labels and the clock.
//!
//! Every "what day is it" question in the program goes through [`oslo_date`]:
//! instants are stored in UTC, but shelves, ages and schedules follow the
//! office's wall calendar. Holidays are the statutory ones (helligdagsloven
//! and 1 and 17 May); Christmas Eve and New Year's Eve are ordinary days.
//!
//! **Invariant:** nothing here does IO; the only source of "now" outside
//! tests is [`SystemClock`], so schedules can be tested with a [`ManualClock`].

use std::sync::Mutex;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use chrono_tz::Europe::Oslo;

/// A Norwegian public holiday (helligdag or høytidsdag).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holiday {
    NewYearsDay,
    MaundyThursday,
    GoodFriday,
    EasterSunday,
    EasterMonday,
    LabourDay,
    ConstitutionDay,
    AscensionDay,
    WhitSunday,
    WhitMonday,
    ChristmasDay,
    BoxingDay,
}

impl Holiday {
    pub fn label_nb(self) -> &'static str {
        match self {
            Holiday::NewYearsDay => "1. nyttårsdag",
            Holiday::MaundyThursday => "skjærtorsdag",
            Holiday::GoodFriday => "langfredag",
            Holiday::EasterSunday => "1. påskedag",
            Holiday::EasterMonday => "2. påskedag",
            Holiday::LabourDay => "offentlig høytidsdag 1. mai",
            Holiday::ConstitutionDay => "grunnlovsdag 17. mai",
            Holiday::AscensionDay => "Kristi himmelfartsdag",
            Holiday::WhitSunday => "1. pinsedag",
            Holiday::WhitMonday => "2. pinsedag",
            Holiday::ChristmasDay => "1. juledag",
            Holiday::BoxingDay => "2. juledag",
        }
    }
}

/// Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm,
/// "Meeus/Jones/Butcher"). Valid for every year chrono can represent.
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    // The algorithm only yields 22 March .. 25 April, always a valid date.
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).unwrap_or(NaiveDate::MIN)
}

/// The holiday falling on `date`, if any.
pub fn holiday(date: NaiveDate) -> Option<Holiday> {
    let fixed = match (date.month(), date.day()) {
        (1, 1) => Some(Holiday::NewYearsDay),
        (5, 1) => Some(Holiday::LabourDay),
        (5, 17) => Some(Holiday::ConstitutionDay),
        (12, 25) => Some(Holiday::ChristmasDay),
        (12, 26) => Some(Holiday::BoxingDay),
        _ => None,
    };
    if fixed.is_some() {
        return fixed;
    }
    let offset = (date - easter_sunday(date.year())).num_days();
    match offset {
        -3 => Some(Holiday::MaundyThursday),
        -2 => Some(Holiday::GoodFriday),
        0 => Some(Holiday::EasterSunday),
        1 => Some(Holiday::EasterMonday),
        39 => Some(Holiday::AscensionDay),
        49 => Some(Holiday::WhitSunday),
        50 => Some(Holiday::WhitMonday),
        _ => None,
    }
}

/// Monday to Friday and not a public holiday.
pub fn is_working_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && holiday(date).is_none()
}

/// The age of something that arrived on `from`, in working days on `to`: the
/// number of working days after `from` up to and including `to`. Arrived
/// Friday, asked on Monday: 1. Arrived today: 0. Never negative.
pub fn working_days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    if to <= from {
        return 0;
    }
    from.iter_days()
        .skip(1)
        .take_while(|d| *d <= to)
        .filter(|d| is_working_day(*d))
        .count() as i64
}

/// The calendar day in Oslo of an instant.
pub fn oslo_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Oslo).date_naive()
}

/// The wall-clock time in Oslo of an instant.
pub fn oslo_datetime(at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&Oslo).naive_local()
}

/// The instant of a wall-clock time in Oslo. In the autumn overlap the
/// earlier instant; a time skipped by the spring change moves an hour on.
pub fn oslo_instant(local: NaiveDateTime) -> DateTime<Utc> {
    match Oslo.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(a, _) => a.with_timezone(&Utc),
        chrono::LocalResult::None => {
            let later = local + chrono::Duration::hours(1);
            Oslo.from_local_datetime(&later)
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(|| Utc.from_utc_datetime(&local))
        }
    }
}

/// The last day of the month `date` falls in.
pub fn last_day_of_month(date: NaiveDate) -> NaiveDate {
    let first = date.with_day(1).unwrap_or(date);
    first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|next| next.pred_opt())
        .unwrap_or(date)
}

/// `date` plus `days` calendar days, saturating at the end of time.
pub fn add_days(date: NaiveDate, days: u32) -> NaiveDate {
    date.checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MAX)
}

/// The months' names in bokmål, lower case, January first.
pub const MONTHS_NB: [&str; 12] = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
];

/// "september 2026".
pub fn month_label_nb(year: i32, month: u32) -> String {
    let name = MONTHS_NB
        .get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("?");
    format!("{name} {year}")
}

/// An item's received date (mottaksdato): the stamp's date when one was
/// read, else the Oslo day of `received_at`. The bool says whether it came
/// from the stamp.
pub fn received_day(stamped: Option<NaiveDate>, received_at: DateTime<Utc>) -> (NaiveDate, bool) {
    match stamped {
        Some(day) => (day, true),
        None => (oslo_date(received_at), false),
    }
}

/// "2. desember 2026".
pub fn date_label_nb(date: NaiveDate) -> String {
    format!(
        "{}. {}",
        date.day(),
        month_label_nb(date.year(), date.month())
    )
}

/// "05.11.2026": the short Norwegian form for tables and facts.
pub fn date_nb(date: NaiveDate) -> String {
    date.format("%d.%m.%Y").to_string()
}

/// An ISO day ("2026-11-05") as "05.11.2026"; `None` when `text` is not
/// exactly one. Renderers use it to show the neutral ISO cells of reports
/// and stored dates the way a person reads them.
pub fn iso_day_nb(text: &str) -> Option<String> {
    if text.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .map(date_nb)
}

/// Where "now" comes from. The daemon uses [`SystemClock`]; tests move a
/// [`ManualClock`] to the day a shelf becomes ready or a report is due.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        ManualClock(Mutex::new(at))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        let mut guard = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *guard = at;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn easter_matches_published_dates() {
        // Published Western Easter dates, including the earliest/latest cases.
        for (y, m, day) in [
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2028, 4, 16),
            (2038, 4, 25),
            (2285, 3, 22),
            (2000, 4, 23),
        ] {
            assert_eq!(easter_sunday(y), d(y, m, day), "{y}");
        }
    }

    #[test]
    fn holidays_of_2026() {
        assert_eq!(holiday(d(2026, 4, 2)), Some(Holiday::MaundyThursday));
        assert_eq!(holiday(d(2026, 4, 3)), Some(Holiday::GoodFriday));
        assert_eq!(holiday(d(2026, 4, 6)), Some(Holiday::EasterMonday));
        assert_eq!(holiday(d(2026, 5, 14)), Some(Holiday::AscensionDay));
        assert_eq!(holiday(d(2026, 5, 25)), Some(Holiday::WhitMonday));
        assert_eq!(holiday(d(2026, 5, 17)), Some(Holiday::ConstitutionDay));
        assert_eq!(holiday(d(2026, 12, 24)), None, "julaften is a working day");
        assert_eq!(holiday(d(2026, 4, 1)), None);
    }

    #[test]
    fn working_day_age_skips_easter() {
        // Arrived Wednesday 1 April 2026; Thu, Fri, Mon of Easter are holidays.
        assert_eq!(working_days_between(d(2026, 4, 1), d(2026, 4, 6)), 0);
        assert_eq!(working_days_between(d(2026, 4, 1), d(2026, 4, 7)), 1);
        // Friday to Monday is one working day; same day is zero.
        assert_eq!(working_days_between(d(2026, 11, 6), d(2026, 11, 9)), 1);
        assert_eq!(working_days_between(d(2026, 11, 9), d(2026, 11, 9)), 0);
        assert_eq!(working_days_between(d(2026, 11, 9), d(2026, 11, 2)), 0);
    }

    #[test]
    fn working_day_age_skips_17_may_and_ascension() {
        // 2027: 17 May is Whit Monday as well; 6 May is Ascension Day.
        assert_eq!(working_days_between(d(2027, 5, 14), d(2027, 5, 18)), 1);
        assert_eq!(working_days_between(d(2027, 5, 5), d(2027, 5, 7)), 1);
        // 2028: 17 May is a Wednesday.
        assert_eq!(working_days_between(d(2028, 5, 16), d(2028, 5, 18)), 1);
    }

    #[test]
    fn oslo_date_follows_summer_and_winter_time() {
        let winter = Utc.with_ymd_and_hms(2026, 1, 31, 23, 30, 0).unwrap();
        assert_eq!(oslo_date(winter), d(2026, 2, 1));
        let summer = Utc.with_ymd_and_hms(2026, 6, 30, 22, 30, 0).unwrap();
        assert_eq!(oslo_date(summer), d(2026, 7, 1));
        let before = Utc.with_ymd_and_hms(2026, 6, 30, 21, 30, 0).unwrap();
        assert_eq!(oslo_date(before), d(2026, 6, 30));
    }

    #[test]
    fn labels_are_norwegian() {
        assert_eq!(date_label_nb(d(2026, 12, 2)), "2. desember 2026");
        assert_eq!(month_label_nb(2026, 9), "september 2026");
        assert_eq!(last_day_of_month(d(2028, 2, 10)), d(2028, 2, 29));
        assert_eq!(last_day_of_month(d(2026, 12, 10)), d(2026, 12, 31));
        assert_eq!(date_nb(d(2026, 11, 5)), "05.11.2026");
        assert_eq!(iso_day_nb("2026-11-05").as_deref(), Some("05.11.2026"));
        assert_eq!(iso_day_nb("Sak 2026-11-05"), None);
        assert_eq!(iso_day_nb("ukjent"), None);
    }
}
