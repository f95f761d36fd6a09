//! A note's date line without a year ("mandag 16.11", "Voss 27/11"),
//! and the weekdays as letters write them.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

use super::{month_of, MAX_DAYS_DATED_AHEAD, MONTHS};

/// A note's date line: a day and month without a year, after a weekday
/// ("mandag 16.11", "Mandag 26. oktober"), a place ("Voss 27/11", "Mo,
/// måndag 9. nov.") or alone ("26/11"). The year is the latest, of the
/// arrival's and the year before, that is not after the arrival (a week's
/// slack) and on which a written weekday falls; without one the line is no
/// date.
pub(super) fn yearless_date_line(line: &str, arrived: NaiveDate) -> Option<NaiveDate> {
    let caps = YEARLESS
        .captures(line)
        .or_else(|| YEARLESS_PLACE.captures(line).filter(place_is_a_place))?;
    let weekday = caps.name("wd").map(|w| w.as_str());
    let day: u32 = caps.name("d")?.as_str().parse().ok()?;
    let month = month_of(caps.name("m")?.as_str())?;
    let latest = arrived.checked_add_days(chrono::Days::new(MAX_DAYS_DATED_AHEAD))?;
    [arrived.year(), arrived.year() - 1]
        .into_iter()
        .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
        .find(|d| *d <= latest && weekday.is_none_or(|w| weekday_of(w) == Some(d.weekday())))
}

/// Words that open a line with a day and month that is no date line: a
/// time ("Neste time 25/11"), a deadline, a span.
const NOT_A_PLACE: &[&str] = &[
    "fra", "til", "innen", "frist", "time", "timen", "mote", "kl", "siden", "etter", "for", "fom",
    "tom", "uke", "neste", "ny", "og", "den", "i", "pa", "dato", "sist", "hjem",
];

fn place_is_a_place(caps: &regex::Captures<'_>) -> bool {
    caps.name("place").is_none_or(|p| {
        let place = p.as_str().trim();
        // "den 23.11" alone: the article the pattern would have read after
        // a place, taken as the place.
        if place == "den" {
            return true;
        }
        place.split_whitespace().count() <= 3
            && !place.split_whitespace().any(|w| NOT_A_PLACE.contains(&w))
    })
}

/// A weekday as a folded word, bokmål or nynorsk (the one list: urgency
/// reads deadlines by it too).
pub(in crate::classify) fn weekday_of(folded: &str) -> Option<chrono::Weekday> {
    use chrono::Weekday::*;
    Some(match folded {
        "mandag" => Mon,
        "tirsdag" | "tysdag" => Tue,
        "onsdag" => Wed,
        "torsdag" => Thu,
        "fredag" => Fri,
        "lordag" | "laurdag" => Sat,
        "sondag" | "sundag" => Sun,
        _ => return None,
    })
}

/// The weekdays as folded words, bokmål and nynorsk ([`weekday_of`] reads
/// them).
const WEEKDAYS: &str = "mandag|tirsdag|tysdag|onsdag|torsdag|fredag|lordag|laurdag|sondag|sundag";

/// Perhaps a place, perhaps a weekday, then a day and a month, alone on
/// the line (folded text).
static YEARLESS_PLACE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^[\s.,:;'`´|\-]*((?P<place>[a-z][a-z .\-/]{{1,30}}?)(,\s*|\s+))?((?P<wd>{WEEKDAYS}),?\s+)?(den\s+)?(?P<d>\d{{1,2}})(\.\s*|/)(?P<m>\d{{1,2}}|{MONTHS})\.?\s*$"
    ))
    .expect("static regex")
});

/// A weekday, then a day and a month, alone on the line (folded text).
static YEARLESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^[\s.,:;'`´|\-]*(?P<wd>{WEEKDAYS})\s*,?\s*(den\s+)?(?P<d>\d{{1,2}})(\.\s*|/)(?P<m>\d{{1,2}}|{MONTHS})\.?\s*$"
    ))
    .expect("static regex")
});
