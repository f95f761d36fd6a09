//! Dates: the letter's own date (`document_date`) and the received stamp's
//! date (`stamped_date`).
//!
//! A letter's date is recognised by where it stands, not by being a date:
//! after "Dato:"/"Vår dato:", after a place name ("Mo i Rana, 3. november
//! 2026"), or alone on a line. Dates after words like "født", "frist",
//! "innen", "datert" or in a stamp ("MOTTATT …") are never the letter's date.
//! Formats: `03.11.2026`, `3.11.26`, `2026-11-03`, `03/11/2026`,
//! `3. november 2026`, `3 nov. 2026`, bokmål and nynorsk month names.
//!
//! **Invariant:** works on folded text (see `normalize`), line by line.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

use super::normalize::fold;

mod place;
#[cfg(test)]
mod tests;
mod yearless;

use place::{dated_heading, score, submitted_moment, PLACE_PREFIX};
pub(in crate::classify) use yearless::weekday_of;
use yearless::yearless_date_line;

/// Month names and the abbreviations letters use, a trailing "br" among
/// them ("novbr.", "sept.").
const MONTHS: &str = "januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember|jan|febr|feb|mar|apr|jun|jul|aug|septbr|sept|sep|oktbr|okt|novbr|nov|desbr|des";

/// The English month names a mail program in an English locale prints
/// ("Sent: Monday, October 12, 2026 9:03 AM"), month first.
const ENGLISH_MONTHS: &str =
    "january|february|march|april|may|june|july|august|september|october|november|december";

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?x)
        \b(?P<d1>\d{{1,2}})\s?[./]\s?(?P<m1>1\s[0-2]|\d{{1,2}})\s?[./,]\s?(?P<y1>\d{{4}}|\d{{2}})\b
        | \b(?P<d4>\d{{2}})(?P<m4>\d{{2}})\.(?P<y4>\d{{4}})\b
        | \b(?P<d5>\d{{1,2}})/(?P<m5>\d{{1,2}})(?:-(?P<y5>\d{{4}}|\d{{2}})|\s(?P<y6>\d{{4}}))\b
        | \b(?P<y2>\d{{4}})-(?P<m2>\d{{2}})-(?P<d2>\d{{2}})\b
        | \b(?P<d3>\d{{1,2}})\.?\s*(?P<m3>{MONTHS})\.?\s*(?P<y3>\d{{4}})\b
        | \b(?P<m7>{ENGLISH_MONTHS})\s+(?P<d7>\d{{1,2}}),?\s+(?P<y7>\d{{4}})\b"
    ))
    .expect("static regex")
});

/// A date with its position and how strongly its place says "letter date".
struct Candidate {
    date: NaiveDate,
    score: i32,
}

fn year_of(s: &str) -> Option<i32> {
    let y: i32 = s.parse().ok()?;
    Some(if s.len() == 2 { 2000 + y } else { y })
}

fn month_of(s: &str) -> Option<u32> {
    // OCR may set a gap between a month's two digits ("Vår dato: 16.1
    // 1.2026"): between the date's two dots they are still one month. Only
    // 10-12 are read so, so that "10.1 5.11.2026" does not take "1 5" for a
    // month and hide the date after it.
    let s = &s.replace(' ', "");
    if let Ok(m) = s.parse() {
        return Some(m);
    }
    let names = [
        "jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des",
    ];
    let english = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    names
        .iter()
        .position(|n| s.starts_with(n))
        .or_else(|| english.iter().position(|n| s.starts_with(n)))
        .map(|i| i as u32 + 1)
}

fn parse_caps(caps: &regex::Captures<'_>) -> Option<NaiveDate> {
    // Group 4 is OCR having lost the first dot ("0311.2026"); group 5 the
    // informal "4/11-2026" or "16/10 2026" (its year in group 6).
    let (d, m, y) = ["1", "2", "3", "4", "5", "7"].iter().find_map(|i| {
        let year = caps
            .name(&format!("y{i}"))
            .or_else(|| (*i == "5").then(|| caps.name("y6")).flatten())?;
        Some((
            caps.name(&format!("d{i}"))?.as_str(),
            caps.name(&format!("m{i}"))?.as_str(),
            year.as_str(),
        ))
    })?;
    NaiveDate::from_ymd_opt(year_of(y)?, month_of(m)?, d.parse().ok()?)
}

/// Every date written in a (folded) line.
pub(super) fn dates_in(line: &str) -> impl Iterator<Item = NaiveDate> + '_ {
    DATE.captures_iter(line).filter_map(|c| parse_caps(&c))
}
/// A letter may be dated a few days ahead of the day it arrives; a date
/// later than that is a deadline or a validity ("gjeld til: 31.12.2027").
const MAX_DAYS_DATED_AHEAD: u64 = 7;

/// The letter's own date, when the letter shows one.
pub fn document_date(text: &str) -> Option<NaiveDate> {
    document_date_arrived(text, None)
}

/// The letter's own date, never later than a few days after `arrived`.
pub fn document_date_arrived(text: &str, arrived: Option<NaiveDate>) -> Option<NaiveDate> {
    document_date_beside(text, arrived, None)
}

/// The letter's own date as [`document_date_arrived`] finds it, in a scan
/// whose received stamp reads `stamp`. A stamp printed over the letterhead
/// is read into the text beside whatever it covers, its word often lost
/// ("Jon Are Sættfjottatt 12.11.2026", "soga TAKT 10 NOV 2026"), and then
/// looks like a place and a date; of two such lines the first would win.
/// A date the stamp gives is the stamp's unless a label says otherwise: it
/// yields a tie to any other.
pub fn document_date_stamped(
    text: &str,
    arrived: Option<NaiveDate>,
    stamp: NaiveDate,
) -> Option<NaiveDate> {
    document_date_beside(text, arrived, Some(stamp))
}

fn document_date_beside(
    text: &str,
    arrived: Option<NaiveDate>,
    stamp: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let latest = arrived.and_then(|a| a.checked_add_days(chrono::Days::new(MAX_DAYS_DATED_AHEAD)));
    // Folded page by page, to know on which page each line stands.
    let pages: Vec<String> = text.split('\u{c}').map(fold).collect();
    let (lines, page_of): (Vec<&str>, Vec<usize>) = pages
        .iter()
        .enumerate()
        .flat_map(|(p, page)| page.lines().map(move |l| (l, p)))
        .unzip();
    let first_written = (0..lines.len())
        .find(|&i| !lines[i].trim().is_empty())
        .map_or(0, |i| page_of[i]);
    // A letter is dated on its first page; a later page may be an enclosure
    // with its own, earlier date (a copy of the GP's letter behind a
    // relative's dated note): a date there counts one point less.
    let enclosed = |i: usize| i32::from(page_of[i] > first_written);
    let non_empty: Vec<usize> = (0..lines.len())
        .filter(|&i| !lines[i].trim().is_empty())
        .collect();
    let rank = |i: usize| non_empty.iter().position(|&n| n == i).unwrap_or(0);
    // The stamp words are the stamp reader's (OCR-tolerant, "Reg." among
    // them); each line is looked at once.
    // A message header's "Mottatt: 13.10.2026 kl. 19.42" beside "Fra:" is
    // when the message was sent in, the letter's own date, not a stamp.
    let stamp_line: Vec<bool> = (0..lines.len())
        .map(|i| {
            super::stamp::has_stamp_word(lines[i])
                && !super::stamp::in_message_header(&lines, i)
                && !submitted_moment(lines[i])
        })
        .collect();
    // A stamp line without a stamp word ("05 NOV 2026", a date over "J.nr.")
    // holds the stamp's date; the capitals that tell it are gone once
    // folded, so it is found in the text as written.
    let stamp_lines = super::stamp::wordless_stamp_lines(text);
    let mut best: Option<Candidate> = None;
    for (i, line) in lines.iter().enumerate() {
        let heading_above = i > 0 && dated_heading(lines[i - 1]);
        // A stamp drawn as two lines: "MOTTATT" above its date, OCR often
        // setting a blank line between them.
        let above = (0..i).rev().find(|&p| !lines[p].trim().is_empty());
        let after_stamp =
            above.is_some_and(|p| stamp_line[p] && lines[p].len() < 30 && !DATE.is_match(lines[p]));
        if stamp_line[i] {
            continue;
        }
        for caps in DATE.captures_iter(line) {
            let Some(date) = parse_caps(&caps) else {
                continue;
            };
            let Some(m) = caps.get(0) else { continue };
            // Under a stamp word only a place line ("Skarvik, 30. oktober
            // 2026") is the letter's: the stamp's own date has no place.
            if after_stamp && !PLACE_PREFIX.is_match(&line[..m.start()]) {
                continue;
            }
            if stamp_lines.iter().any(|s| s == line.trim()) {
                continue;
            }
            let placed = score(
                line,
                m.start(),
                m.end(),
                rank(i),
                non_empty.len(),
                heading_above,
            );
            let score = placed.score;
            let plausible =
                (2000..=2100).contains(&date.year()) && latest.is_none_or(|l| date <= l);
            let stamps_own = stamp == Some(date) && !placed.labelled;
            let score_here = score - enclosed(i) - i32::from(stamps_own);
            if score >= 4 && plausible && best.as_ref().is_none_or(|b| score_here > b.score) {
                best = Some(Candidate {
                    date,
                    score: score_here,
                });
            }
        }
        // "… Den siste gongen blir då / torsdag 12. november." ends a
        // sentence run on from a line of prose; a note's date line follows
        // a blank, an address or a stamp.
        let runs_on = i > 0 && {
            let above = lines[i - 1].trim_end();
            above.chars().count() > 40 && above.ends_with(char::is_alphabetic)
        };
        if let Some(date) = arrived
            .filter(|_| !runs_on)
            .and_then(|a| yearless_date_line(line, a))
        {
            // As a bare date line: 4, and 1 more near the top or the end.
            let score =
                4 + i32::from(rank(i) < 15 || rank(i) + 12 >= non_empty.len()) - enclosed(i);
            if best.as_ref().is_none_or(|b| score > b.score) {
                best = Some(Candidate { date, score });
            }
        }
    }
    best.map(|c| c.date)
}

/// The date of a received stamp in running text ("MOTTATT 04 NOV 2026",
/// "Mottatt: 04.11.2026", the date on the line under "MOTTATT"), OCR
/// confusions included (see `stamp`); the first one found.
pub fn stamped_date(text: &str) -> Option<NaiveDate> {
    super::stamp::stamp_dates_in_text(text).into_iter().next()
}
