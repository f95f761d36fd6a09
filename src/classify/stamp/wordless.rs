//! A stamp without a stamp word: a date stamper's line ("23 OKT 2026"
//! under the municipality's name), a date over the stamp's journal number,
//! and, in a region the extractor found as a stamp, a whole-line date
//! beside the receiving body's name ("VOSS HERAD" over "01.12.2026"). In a
//! letter's running text only the first two are a stamp's, and the last
//! only where it opens the text: under a heading it is what a letterhead
//! and its date look like.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

use super::ocr_tolerant::{
    any_year, is_receiver_word, tokens, triple, year_lost, year_one_digit_away, MONTHS,
};
use super::{triple_in, words_at};
use crate::classify::addressee::is_to_line;
use crate::classify::normalize::fold;

/// A date stamper's line without a stamp word: the whole line a date whose
/// month is a capital abbreviation ("23 OKT 2026", "- 6. NOV. 2026", "1
/// DES. 2026"); a letter writes "6. november 2026" or "06.11.2026". Every
/// such line in the tuning letters is a stamp's, with or without the
/// municipality's name beside it ("05 NOV 2026" over "NORDHEI KOMMUNE –
/// Hjemmetjenesten", "30 NOV 2026" over "Hjemmetjenesten Førde").
fn dater_line(line: &str) -> Option<NaiveDate> {
    let toks = tokens(line);
    (toks.len() == 3).then(|| dater_date(line, &toks)).flatten()
}

/// The date stamper's date on a line (its `toks`): a day, a month in
/// capitals and a year, one after the other.
fn dater_date(line: &str, toks: &[String]) -> Option<NaiveDate> {
    let capitals = capital_months(line);
    (0..toks.len().saturating_sub(2))
        .filter(|&i| capitals.contains(&toks[i + 1].as_str()))
        .find_map(|i| triple(&toks[i], &toks[i + 1], &toks[i + 2]))
}

/// The months' abbreviations written in capitals on `line` ("NOV", not
/// "nov" nor "november"): a date stamper's month.
fn capital_months(line: &str) -> Vec<&str> {
    words_at(line)
        .into_iter()
        .map(|(_, w)| w)
        .filter(|w| MONTHS.iter().any(|(abbr, _, _)| w == abbr))
        .collect()
}

/// A date stamper's date ("26 NOV 2026": the month a capital
/// abbreviation) on each line of a stamp reading that has one, whatever
/// OCR made of the print beside it ("SE OE thet <= 26 NOV 2026"). Over a
/// letterhead the stamp word and the receiving body drown in the print,
/// while the dater's capitals stay legible; a letter writes "26. november
/// 2026" or "26.11.2026". Only in a region the extractor found as a
/// stamp, and only a date two lines (two of the region's readings) agree
/// on ([`parse_keyed_stamp_date_where`]'s last resort): one reading alone
/// may have made a day of the print.
///
/// [`parse_keyed_stamp_date_where`]: super::parse_keyed_stamp_date_where
pub(super) fn dater_dates(text: &str) -> Vec<NaiveDate> {
    text.lines()
        .filter_map(|line| dater_date(line, &tokens(line)))
        .collect()
}

/// A stamp's date line without a stamp word: a date stamper's line, or a
/// date alone on the line above a stamp's journal number ("19. nov. 2026"
/// over "J.nr. 2026/5188"; a letter's reference says "Vår ref." or
/// "Saksnr.", and its date line "Dato: …").
pub(super) fn wordless_stamp_line(lines: &[&str], i: usize) -> Option<NaiveDate> {
    if let Some(date) = dater_line(lines[i]) {
        return Some(date);
    }
    let toks = tokens(lines[i]);
    let journal_below = lines.get(i + 1).is_some_and(|l| JOURNAL_NUMBER.is_match(l));
    journal_below.then(|| whole_line_date(&toks)).flatten()
}

/// The stamp lines without a stamp word ([`wordless_stamp_line`]), folded:
/// the letter's date line is not among them. The lines themselves, not
/// their dates: a letter dated the day it was stamped keeps its own date
/// line ("13.10.2026" under the signature, the stamp's "13 OKT 2026").
pub fn wordless_stamp_lines(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    (0..lines.len())
        .filter(|&i| wordless_stamp_line(&lines, i).is_some())
        .map(|i| fold(lines[i]).trim().to_owned())
        .collect()
}

/// A stamp without a stamp word at the very top of a scan's text: the text
/// opens with the receiving body's name (its department perhaps on the
/// line under it) and a whole-line date, no blank line between ("Nesbygd
/// kommune / Rus/psykisk helse / 13.11.2026"). Opening the text, above any
/// addressee or greeting, such lines were stamped over the page's head:
/// in the tuning letters about a hundred texts open so, every one stamped
/// (an addressee's "Til helse og omsorg" over a date is the letter's, and
/// so is a date a blank line away). Under a heading the same lines are a
/// letterhead's, which only a region the extractor found as a stamp may
/// read ([`receiver_stamp_dates`]).
pub(super) fn opening_stamp_date(lines: &[&str]) -> Option<NaiveDate> {
    let block: Vec<&str> = lines
        .iter()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty())
        .take(4)
        .copied()
        .collect();
    let (at, date) = block
        .iter()
        .enumerate()
        .find_map(|(i, line)| Some((i, whole_line_date(&tokens(line))?)))?;
    let heading = &block[..at];
    let receiver = |line: &&str| names_receiver(&tokens(line), false) && !is_to_line(&fold(line));
    (!heading.is_empty() && heading.iter().all(receiver)).then_some(date)
}

/// A line that is a date and nothing else (its tokens).
fn whole_line_date(toks: &[String]) -> Option<NaiveDate> {
    (toks.len() == 3).then(|| triple_in(toks)).flatten()
}

/// A stamp's journal number line: "J.nr. 2026/5188", "Jnr: 26/1432" (a
/// hospital's "Journalnr.:" under its "Dato:" is the letter's).
static JOURNAL_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\W{0,3}(?i:j\.?\s?nr)\b").expect("static regex"));

/// The dates of a stamp without a stamp word, in a stamp reading: a line
/// that is a whole date, beside a line naming the receiving body ("VOSS
/// HERAD" over "01.12.2026", "RANA KOMMUNE / Helse og omsorg / 30.11.2026").
/// Read only in a region the extractor found as a stamp (a frame, ink):
/// in a letter's text the same lines are a letterhead and its date.
/// This is the strict reading the extractor stops on: the body's own
/// words (kommune, herad, omsorg), the lines as OCR gave them. Looser, it
/// stopped on worse readings of stamps it read right before (session 18).
pub fn receiver_stamp_dates(text: &str) -> Vec<NaiveDate> {
    receiver_dates(text, Receiver::Strict)
}

/// The same read tolerantly ([`Receiver::Tolerant`]): also an office or a
/// service by its name. Not what the extractor stops on, but what makes a
/// region it found by its frame or ink a stamp when nothing else there
/// does ("HJEMMESYKEPLEIEN SONE VEST / 24.11.26").
pub fn office_stamp_dates(text: &str) -> Vec<NaiveDate> {
    receiver_dates(text, Receiver::Tolerant)
}

/// How a stamp reading's receiving body is read.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Receiver {
    /// The body's own words only, every token as OCR gave it.
    Strict,
    /// Also an office or a service by its name ("Tildelingskontoret"), and
    /// the frame's edges OCR reads as bars ("30. nov. 2026 |") dropped: to
    /// choose a date in a reading the extractor has taken.
    Tolerant,
}

pub(super) fn receiver_dates(text: &str, how: Receiver) -> Vec<NaiveDate> {
    receiver_date_lines(text, how)
        .iter()
        .filter_map(|t| triple(&t[0], &t[1], &t[2]))
        .collect()
}

/// A date beside the receiving body's name whose day and month are read as
/// written and whose year OCR lost ("Rus og psykisk helse / 30.11 2276"),
/// in every year of the century, for plausibility to pick: the tolerant
/// reading's counterpart of a keyed date's lost year. A year read clearly
/// ("2019") is kept.
pub(super) fn receiver_dates_year_lost(text: &str) -> Vec<NaiveDate> {
    receiver_date_lines(text, Receiver::Tolerant)
        .iter()
        .filter(|t| year_lost(Some(&t[2])))
        .flat_map(|t| any_year(&t[0], &t[1]))
        .collect()
}

/// A date beside the receiving body's name whose year OCR read one digit
/// too high ("02/12/2029" over "LIDAL KOMMUNE" for 2026, "29" for 26), in
/// the years one digit below it, for plausibility to pick. Only below: a
/// year read later than the stamp's can only be OCR's, while an earlier
/// one ("2025") may be an old stamp's on a copy, which is kept as read and
/// refused. (A stamp word's date may take a year either way, see
/// [`year_one_digit_away`].)
pub(super) fn receiver_dates_year_ahead(text: &str) -> Vec<NaiveDate> {
    receiver_date_lines(text, Receiver::Tolerant)
        .iter()
        .filter_map(|t| Some((t, triple(&t[0], &t[1], &t[2])?.year())))
        .flat_map(|(t, read)| {
            year_one_digit_away(&t[0], &t[1], &t[2])
                .into_iter()
                .filter(move |d| d.year() < read)
        })
        .collect()
}

/// Whether a stamp reading's line (its tokens) names the receiving body:
/// a short line with the body's word ("RANA KOMMUNE", "Helse og omsorg"),
/// or with `offices` an office's or a service's name.
fn names_receiver(toks: &[String], offices: bool) -> bool {
    toks.len() <= 4 && toks.iter().any(|w| is_receiver_word(w, offices))
}

/// The lines of three tokens (a day, a month and a year, as they may be
/// read) beside a line naming the receiving body.
fn receiver_date_lines(text: &str, how: Receiver) -> Vec<Vec<String>> {
    let frame = |t: &String| how == Receiver::Tolerant && t.chars().all(|c| c == '|' || c == '!');
    let lines: Vec<Vec<String>> = text
        .lines()
        .map(|line| {
            let t = tokens(line);
            let start = t.iter().position(|w| !frame(w)).unwrap_or(t.len());
            let end = t.iter().rposition(|w| !frame(w)).map_or(start, |e| e + 1);
            t[start..end].to_vec()
        })
        .filter(|t| !t.is_empty())
        .collect();
    let receiver_at = |j: usize| {
        lines
            .get(j)
            .is_some_and(|t| names_receiver(t, how == Receiver::Tolerant))
    };
    let beside_receiver: Vec<bool> = (0..lines.len())
        .map(|i| receiver_at(i + 1) || (i >= 1 && receiver_at(i - 1)))
        .collect();
    lines
        .into_iter()
        .zip(beside_receiver)
        .filter(|(t, beside)| t.len() == 3 && *beside)
        .map(|(t, _)| t)
        .collect()
}

/// A date after a stamp word OCR garbled past any tolerance ("wttait
/// 04.11.2026", "Jae Sag 16. nov, 2026"), one or two lines under the
/// receiving body's name: one or two words of letters, then the date, and
/// nothing else on the line. A letterhead's place line has the same shape
/// ("Sundvik 04.11.2026" under "SUNDVIK KOMMUNE"), so this is the chain's
/// last resort and a date two readings agree on
/// ([`parse_keyed_stamp_date_where`](super::parse_keyed_stamp_date_where)).
pub(super) fn receiver_dates_after_garbled_word(text: &str) -> Vec<NaiveDate> {
    let lines: Vec<Vec<String>> = text.lines().map(tokens).filter(|t| !t.is_empty()).collect();
    let under_receiver = |i: usize| (1..=2).any(|k| i >= k && names_receiver(&lines[i - k], true));
    (0..lines.len())
        .filter(|&i| under_receiver(i))
        .filter_map(|i| garbled_word_then_date(&lines[i]))
        .collect()
}

/// The date of a line that is one or two words of letters and a date.
fn garbled_word_then_date(toks: &[String]) -> Option<NaiveDate> {
    let lead = toks.len().checked_sub(3)?;
    let words = &toks[..lead];
    let garbled_word =
        (1..=2).contains(&lead) && words.iter().all(|w| w.chars().all(char::is_alphabetic));
    garbled_word
        .then(|| triple(&toks[lead], &toks[lead + 1], &toks[lead + 2]))
        .flatten()
}
