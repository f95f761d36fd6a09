//! A keyed stamp date whose digits OCR lost or misread: the year lost or
//! garbled, the readings' years disagreeing, a day's first digit or a
//! month's digit lost, a day's or month's digit misread into no date.
//! Each offers the dates the stamp may say, from its day and month as
//! read; [`plausible`](super::plausible) (through the chain's `ok`)
//! chooses, and none of them is tried while a reading gives a date that
//! fits (see [`parse_keyed_stamp_date_where`](super::parse_keyed_stamp_date_where)).

use chrono::{Datelike, NaiveDate};

use super::ocr_tolerant::{any_year, every_year, triple, triples, year_lost};
use super::{reading_lines, Lines};

/// A keyed day and month read as written whose year OCR lost or garbled
/// past one digit ("Motteke 06.11 ,", "17. nov: 207", "25.09.2136"), in
/// every year of the century: a stamp is at most
/// [`MAX_DAYS_BEFORE_ARRIVAL`] days old, so the day and month fix the year
/// and plausibility picks it. Never without the arrival's bounds: a parse
/// alone ([`parse_stamp_date`]) gives no year it did not read.
pub(super) fn keyed_dates_year_lost(text: &str) -> Vec<NaiveDate> {
    let lines = Lines::of(text);
    let toks = &lines.toks;
    let mut out = Vec::new();
    for i in 0..toks.len().saturating_sub(1) {
        if lines.keyed_before(i) && year_lost(toks.get(i + 2).map(String::as_str)) {
            out.extend(any_year(&toks[i], &toks[i + 1]));
        }
    }
    out
}

/// A keyed day and month that the stamp's readings read again with
/// another year ("06. nov. 2019", "G6. nov. 2625", "G6. nov. 2045"), in
/// every year of the century: the readings agree on what the stamp says
/// but its year, so the year is OCR's and plausibility picks it. A year
/// every reading agrees on is the stamp's, kept even when it is old.
pub(super) fn keyed_dates_years_disagree(text: &str) -> Vec<NaiveDate> {
    let lines = Lines::of(text);
    let toks = &lines.toks;
    // Each date as read (the year as written), and whether it is keyed.
    let read: Vec<(NaiveDate, bool)> = (0..toks.len().saturating_sub(2))
        .filter_map(|i| {
            let date = triple(&toks[i], &toks[i + 1], &toks[i + 2])?;
            Some((date, lines.keyed_before(i)))
        })
        .collect();
    let same_day = |a: NaiveDate, b: NaiveDate| (a.month(), a.day()) == (b.month(), b.day());
    let mut out: Vec<NaiveDate> = Vec::new();
    for &(date, keyed) in &read {
        let another_year = read
            .iter()
            .any(|&(d, _)| same_day(d, date) && d.year() != date.year());
        if keyed && another_year && !out.iter().any(|&d| same_day(d, date)) {
            out.extend(every_year(date.month(), date.day()));
        }
    }
    out
}

/// A keyed date whose day OCR read as one digit at the head of its line,
/// where the stamp's first digit is lost under crossing print or at the
/// frame's edge ("MOTTATT / 6.11 2026" for 26.11, "Motteke / 2.10.2026"
/// for 12.10): the days with a first digit put back, nearest first.
/// Tried only when no date in the reading fits, so plausibility (not
/// before the letter's own date) chooses; a stamp follows its letter by
/// days, so the nearest day that fits is the one. A digit with a symbol
/// glued to it ("1%, nov.") is a digit misread, not one lost.
pub(super) fn keyed_dates_first_digit_lost(text: &str) -> Vec<NaiveDate> {
    let lines = Lines::of(text);
    let toks = &lines.toks;
    let raw: Vec<&str> = reading_lines(text).collect();
    // The line's first digit stands alone, a separator after it.
    let stands_alone = |n: usize| {
        let mut chars = raw.get(n).map_or("", |l| l).chars();
        chars.find(|c| c.is_ascii_digit()).is_some()
            && chars.next().is_some_and(|c| " .,/-".contains(c))
    };
    let mut out = Vec::new();
    for i in 0..toks.len().saturating_sub(2) {
        let heads_line = i == 0 || lines.line_of[i - 1] != lines.line_of[i] || lines.word[i - 1];
        if !(one_digit(&toks[i])
            && heads_line
            && stands_alone(lines.line_of[i])
            && lines.keyed_before(i))
        {
            continue;
        }
        for first in ['1', '2', '3'] {
            let day = format!("{first}{}", toks[i]);
            out.extend(dates_read(&day, &toks[i + 1], &toks[i + 2]));
        }
    }
    out
}

/// A keyed date whose month OCR read as one digit, a two-digit month that
/// lost the other ("mottatt / 23 1.2026" for 23.11): the months of two
/// digits that hold the one read, earliest first, so plausibility (not
/// before the letter's own date) chooses the one nearest the letter, as
/// for a lost first digit of the day.
pub(super) fn keyed_dates_month_digit_lost(text: &str) -> Vec<NaiveDate> {
    let lines = Lines::of(text);
    let toks = &lines.toks;
    let mut out = Vec::new();
    for i in 0..toks.len().saturating_sub(2) {
        // One digit lost, not two: "MOTTATT 1 1 /2026" (18.11) is no date.
        let month = &toks[i + 1];
        if !(one_digit(month) && toks[i].len() == 2 && lines.keyed_before(i)) {
            continue;
        }
        for whole in (10..=12).map(|m: u32| m.to_string()) {
            if whole.contains(month.as_str()) {
                out.extend(dates_read(&toks[i], &whole, &toks[i + 2]));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// A token of one digit: a day's or a month's of two whose other OCR lost.
fn one_digit(token: &str) -> bool {
    token.len() == 1 && token.chars().all(|c| c.is_ascii_digit())
}

/// Every date a day, a month and a year token may be read as.
fn dates_read(d: &str, m: &str, y: &str) -> impl Iterator<Item = NaiveDate> {
    triples(d, m, y).into_iter().map(|(date, _)| date)
}

/// A keyed date one of whose day's or month's two digits OCR misread
/// into no date at all ("MOTTATT 26.21.26" and "26.41.26" for 26.11.26,
/// "MOTTEKE 39 NOV 2026" for 30 NOV): each of the two digits put back as
/// any other, and a reading gives the one date of these that fits (`ok`),
/// none when two fit ("39 NOV" in a letter of 26 November may be the
/// 29th or the 30th). A reading that gives a date as it stands is never
/// second-guessed; the chain takes only a date two readings give.
pub(super) fn keyed_dates_one_digit_misread(
    text: &str,
    ok: impl Fn(NaiveDate) -> bool,
) -> Vec<NaiveDate> {
    let lines = Lines::of(text);
    let toks = &lines.toks;
    let mut out = Vec::new();
    for i in 0..toks.len().saturating_sub(2) {
        let (d, m, y) = (&toks[i], &toks[i + 1], &toks[i + 2]);
        if !lines.keyed_before(i) || dates_read(d, m, y).next().is_some() {
            continue;
        }
        let day_misread = one_digit_away(d)
            .into_iter()
            .flat_map(|d| dates_read(&d, m, y).collect::<Vec<_>>());
        let month_misread = one_digit_away(m)
            .into_iter()
            .flat_map(|m| dates_read(d, &m, y).collect::<Vec<_>>());
        let mut fits: Vec<NaiveDate> = day_misread
            .chain(month_misread)
            .filter(|&x| ok(x))
            .collect();
        fits.sort_unstable();
        fits.dedup();
        if let [only] = fits[..] {
            out.push(only);
        }
    }
    out
}

/// A token of two digits with one of them replaced by any other digit.
fn one_digit_away(token: &str) -> Vec<String> {
    let digits: Vec<char> = token.chars().collect();
    if !(digits.len() == 2 && digits.iter().all(char::is_ascii_digit)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for at in 0..2 {
        for c in ('0'..='9').filter(|&c| c != digits[at]) {
            let mut other = digits.clone();
            other[at] = c;
            out.push(other.into_iter().collect());
        }
    }
    out
}
