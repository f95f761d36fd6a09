//! The received stamp's date ("stemples med mottaksdato"): every way such
//! stamps write it (`15 NOV 2026`, `15. nov. 2026`, `15.11.2026`,
//! `15.11.26`, `15NOV2026`), Norwegian and English month abbreviations, and
//! the OCR confusions a stamp suffers (0/O, 1/I/l, 5/S, 6/G, 8/B).
//!
//! Parsing ([`parse_stamp_date`]) is separate from plausibility
//! ([`plausible`]): the extractor parses its stamp readings to choose one,
//! the classifier accepts a date only if it fits the day the file arrived
//! and the letter's own date.
//!
//! **Invariant:** a date is only ever read from text, never invented: the
//! day and the month always are (but for one digit of either that OCR
//! misread into no date, put back only when a single date one digit away
//! fits and two readings give it, [`digits`]); only a year OCR lost or
//! garbled beside a stamp word or the receiving body's name, or one the
//! stamp's readings disagree on, is taken from the arrival's window (a
//! received stamp is at most [`MAX_DAYS_BEFORE_ARRIVAL`] days old). A year
//! every reading agrees on is kept. An unreadable or implausible stamp
//! gives no date.
//!
//! Reading a token tolerantly — a letter for a digit, a month one slip
//! away, a year with a confused digit — is [`ocr_tolerant`]'s: it
//! offers every date a reading may be, and this file decides which tokens
//! are a stamp's and, through [`plausible`], which of those dates to
//! believe; a keyed date with a digit lost or misread is [`digits`]'s.
//! A stamp without a stamp word is [`wordless`]'s; a printed
//! message's "Mottatt:" header field, which is no stamp, [`header`]'s.

mod digits;
mod header;
mod ocr_tolerant;
#[cfg(test)]
mod tests;
mod wordless;

use std::sync::LazyLock;

use chrono::{Datelike, Days, NaiveDate};
use regex::Regex;

use digits::{
    keyed_dates_first_digit_lost, keyed_dates_month_digit_lost, keyed_dates_one_digit_misread,
    keyed_dates_year_lost, keyed_dates_years_disagree,
};
use header::header_field;
pub use header::{in_message_header, message_header_dates};
use ocr_tolerant::{
    fold_char, is_keyword, is_receiver_word, tokens, triple, triples, year_one_digit_away,
};
use wordless::{
    dater_dates, opening_stamp_date, receiver_dates, receiver_dates_after_garbled_word,
    receiver_dates_year_ahead, receiver_dates_year_lost, wordless_stamp_line, Receiver,
};
pub use wordless::{office_stamp_dates, receiver_stamp_dates, wordless_stamp_lines};

/// A stamp is at most this long before the day its file arrived: post is
/// scanned within days of being stamped; a "date" months older is a misread.
pub const MAX_DAYS_BEFORE_ARRIVAL: u64 = 90;
/// A letter date older than this at arrival is taken for a misreading.
const MAX_LETTER_AGE_DAYS: u64 = 365;

/// A date found in stamp text, and whether a stamp word stood just before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StampDate {
    pub date: NaiveDate,
    pub keyed: bool,
    /// Read as written: digits as digits, the month a month's name or
    /// number, the separators kept. An OCR confusion undone (`os` → 05, a
    /// year's last digit swapped) makes a date unclean, worth a second
    /// reading.
    pub clean: bool,
}

/// The most stamp-like date in a stamp reading: one after "MOTTATT" (or the
/// like) first, else one with its month in letters, else the first.
pub fn parse_stamp_date(text: &str) -> Option<NaiveDate> {
    best(&stamp_dates(text)).map(|s| s.date)
}

/// Stamp dates in a letter's running text (a text layer, or OCR text that
/// kept the stamp): only right after a stamp word that is written in
/// capitals, opens its line or is followed directly by a whole date
/// ("MOTTATT 04 NOV 2026", "Mottatt: 04.11.2026", "MOTTATT" above "04 NOV
/// 2026", "Rana kommune - mottatt 30.10.2026"), never "vi har mottatt
/// brevet datert …" nor prose that describes a letter by its received
/// date after a comma ("vedtak av 29.10.2026, mottatt 02.11.2026"); a
/// quoted date that gets through is from before the letter, which
/// [`plausible`] refuses. Last, a stamp without a word that opens the text
/// ([`opening_stamp_date`]).
pub fn stamp_dates_in_text(text: &str) -> Vec<NaiveDate> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if let Some(date) = wordless_stamp_line(&lines, i) {
            // Under "MOTTATT" the stamp word's own reading has it already.
            if !out.contains(&date) {
                out.push(date);
            }
            continue;
        }
        if header_field(&lines, i) {
            continue;
        }
        let words = words_at(line);
        let stamp_word = words.iter().enumerate().any(|(n, &(at, w))| {
            let capitals = w.chars().all(|c| !c.is_lowercase());
            let dated = || stamp_word_dated(&line[..at], &line[at + w.len()..]);
            is_keyword(&w.chars().map(fold_char).collect::<String>())
                && (capitals || n == 0 || dated())
        });
        if !stamp_word {
            continue;
        }
        // The date follows on the same line or on the next one.
        let mut rest: Vec<String> = Vec::new();
        let mut seen_keyword = false;
        for t in tokens(line) {
            if seen_keyword {
                rest.push(t);
            } else if is_keyword(&t) {
                seen_keyword = true;
            }
        }
        if let Some(next) = lines.get(i + 1) {
            let under = tokens(next);
            // "MOTTATT / Rana kommune / 12.10.2026": the receiving body
            // between the stamp word and its date.
            let body_between = rest.is_empty()
                && triple_in(&under).is_none()
                && under.len() <= 6
                && under.iter().any(|t| is_receiver_word(t, true));
            match lines.get(i + 2) {
                Some(after) if body_between => rest.extend(tokens(after)),
                _ => rest.extend(under),
            }
        }
        // A stamp word alone on its line with no date after it may sit
        // under its date ("16. nov. 2026" above "MOTTEKE").
        if words.len() == 1 && i > 0 && triple_in(&rest).is_none() {
            let above = tokens(lines[i - 1]);
            if triple_in(&above).is_some() {
                rest = above;
            }
        }
        for start in 0..rest.len().min(2) {
            if let (Some(d), Some(m), Some(y)) =
                (rest.get(start), rest.get(start + 1), rest.get(start + 2))
            {
                if let Some(date) = triple(d, m, y) {
                    out.push(date);
                    break;
                }
            }
        }
    }
    if let Some(date) = opening_stamp_date(&lines).filter(|d| !out.contains(d)) {
        out.push(date);
    }
    out
}

/// The first day-month-year among the first tokens of a line.
fn triple_in(toks: &[String]) -> Option<NaiveDate> {
    (0..toks.len().min(2)).find_map(|s| triple(toks.get(s)?, toks.get(s + 1)?, toks.get(s + 2)?))
}

/// A line's words (alphanumeric runs, OCR's `|` and `!` for 1 included),
/// each with its byte offset: the text between them (a comma, a label's
/// colon) is kept for [`stamp_word_dated`].
fn words_at(line: &str) -> Vec<(usize, &str)> {
    let is_word = |c: char| c.is_alphanumeric() || c == '|' || c == '!';
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line
        .char_indices()
        .chain(std::iter::once((line.len(), ' ')))
    {
        match (is_word(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, &line[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Words after which a stamp word is a verb in a sentence ("vi har
/// mottatt 03.11.2026 eit vedtak"), not a stamp's label.
const SENTENCE_WORDS: [&str; 22] = [
    "HAR", "HADDE", "HA", "ER", "VAR", "BLE", "BLEI", "VART", "BLITT", "VORTE", "EG", "JEG", "VI",
    "DU", "DE", "DERE", "HAN", "HO", "HUN", "IKKE", "IKKJE", "SOM",
];

/// A stamp word (whatever its case, in the middle of a line too) that is
/// followed directly by a whole date — day, month and year — and has no
/// auxiliary or pronoun among the two words before it ("har nå mottatt"):
/// a one-line stamp, "Rana kommune - mottatt 30.10.2026 - Helse og
/// omsorg". Not after a comma ("Brev frå Rossvoll, motteke 19.10.2026"
/// describes a letter) nor on a line that opens with a field label
/// ("Vedlegg:", "Emne:"): a stamp is its own label, nor with a clock time
/// after the date ("e-post mottatt 09.11.2026 kl. 21:47", a message's
/// receipt). `before` is the line's text before the stamp word, `after`
/// the text after it.
pub fn stamp_word_dated(before: &str, after: &str) -> bool {
    // "vedtak av 29.10.2026, mottatt …" and "Brevet frå X, motteke …, ligg
    // ved" describe a letter; "Vestvik kommune, Rus og psykisk helse,
    // mottatt 16.11.2026" is a stamp's one line.
    let prose = before.contains(|c: char| c.is_ascii_digit()) || after.contains(',');
    let describes = (before.trim_end().ends_with(',') && prose)
        || before
            .split_whitespace()
            .next()
            .is_some_and(|w| w.len() > 1 && w.ends_with(':'));
    let in_sentence = describes
        || tokens(before)
            .iter()
            .rev()
            .take(2)
            .any(|w| SENTENCE_WORDS.contains(&w.as_str()));
    if in_sentence {
        return false;
    }
    let mut toks = tokens(after);
    // "Mottatt dato: 15.11.2026".
    if toks.first().is_some_and(|t| t == "DATO") {
        toks.remove(0);
    }
    if let (Some(d), Some(m), Some(y)) = (toks.first(), toks.get(1), toks.get(2)) {
        // "e-post mottatt 09.11.2026 kl. 21:47": a message's receipt has
        // its moment; a stamp has a day.
        let moment = toks.get(3).is_some_and(|t| t == "KL") || CLOCK.is_match(after);
        if triple(d, m, y).is_some() {
            return !moment;
        }
    }
    // Separators lost: "30.102026".
    after
        .split_whitespace()
        .next()
        .is_some_and(|w| GLUED_NUMERIC.is_match(&w.to_uppercase()))
}

/// A clock time ("21:47"): no date is written with a colon.
static CLOCK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b\d{1,2}:\d{2}\b").expect("static regex"));

/// The date right after a stamp word in a stamp reading that passes `ok`
/// (the one most readings give, [`most_read`]); else, in this order, a
/// keyed date whose year OCR lost, a date beside the receiving body's name
/// ([`receiver_stamp_dates`], chosen by the same vote), the same with its
/// year lost or read ahead of the stamp's, a keyed day and month the
/// readings give different years, a keyed day whose first digit OCR lost,
/// a keyed month that lost one of its two digits (the day read whole), a
/// keyed date two readings give with a digit of its day or month misread
/// into no date ([`digits`] holds these), a date stamper's date two of the
/// readings agree on ([`dater_dates`]), and last a date two readings agree
/// on after a stamp word garbled past reading, under the receiving body's
/// name ([`receiver_dates_after_garbled_word`]). Any other date in the
/// crop may be the letter's own: never taken.
pub fn parse_keyed_stamp_date_where(
    text: &str,
    ok: impl Fn(NaiveDate) -> bool,
) -> Option<NaiveDate> {
    let first_ok = |dates: Vec<NaiveDate>| dates.into_iter().find(|&d| ok(d));
    keyed_by_votes(text, &ok)
        .or_else(|| first_ok(keyed_dates_year_lost(text)))
        .or_else(|| by_votes(&receiver_dates(text, Receiver::Tolerant), 1, &ok))
        .or_else(|| first_ok(receiver_dates_year_lost(text)))
        .or_else(|| first_ok(receiver_dates_year_ahead(text)))
        .or_else(|| first_ok(keyed_dates_years_disagree(text)))
        .or_else(|| first_ok(keyed_dates_first_digit_lost(text)))
        .or_else(|| first_ok(keyed_dates_month_digit_lost(text)))
        .or_else(|| by_votes(&keyed_dates_one_digit_misread(text, &ok), 2, &ok))
        .or_else(|| by_votes(&dater_dates(text), 2, &ok))
        .or_else(|| by_votes(&receiver_dates_after_garbled_word(text), 2, &ok))
}

/// Whether two of a place's readings agree on a date after a stamp word
/// OCR garbled past reading, under the receiving body's name (the chain's
/// last resort, [`receiver_dates_after_garbled_word`]): evidence enough
/// that the place is a stamp, for the extractor.
pub fn garbled_word_stamp_date(text: &str) -> bool {
    by_votes(&receiver_dates_after_garbled_word(text), 2, credible_year).is_some()
}

/// Of dates read once per line, the one [`most_read`] among those read at
/// least `at_least` times.
fn by_votes(
    read: &[NaiveDate],
    at_least: usize,
    ok: impl Fn(NaiveDate) -> bool,
) -> Option<NaiveDate> {
    let votes = |d: NaiveDate| read.iter().filter(|&&r| r == d).count();
    let agreed = read.iter().copied().filter(|&d| votes(d) >= at_least);
    most_read(agreed, votes, ok)
}

/// The keyed date that fits, when the stamp's readings disagree on it
/// ("MOTTATT 20 NOV 2026" in one reading, "MOTTATT 10 NOV 2026" in
/// another): the one [`most_read`].
fn keyed_by_votes(text: &str, ok: impl Fn(NaiveDate) -> bool) -> Option<NaiveDate> {
    let read = stamp_dates(text);
    // Every reading of a date votes for it, keyed or not: a reading may
    // lose the stamp word above a date it reads right.
    let votes = |d: NaiveDate| read.iter().filter(|s| s.date == d).count();
    most_read(read.iter().filter(|s| s.keyed).map(|s| s.date), votes, ok)
}

/// Of the candidates that fit, the date most readings give (`votes`), and
/// of those the earliest. OCR confuses a stamp's digits one way in one
/// reading and not in another, rarely in most; and a stamp follows its
/// letter by days, so of two dates that fit, the nearer the letter's own
/// is the likelier.
fn most_read(
    candidates: impl IntoIterator<Item = NaiveDate>,
    votes: impl Fn(NaiveDate) -> usize,
    ok: impl Fn(NaiveDate) -> bool,
) -> Option<NaiveDate> {
    candidates
        .into_iter()
        .filter(|&d| ok(d))
        .max_by_key(|&d| (votes(d), std::cmp::Reverse(d)))
}

/// True when the text holds a date right after a stamp word, read as
/// written (no OCR confusion undone) with a credible year: a stamp reading
/// that needs no second look. A symbol glued to a digit ("»7.11.2026") is
/// often a digit the print crossed, so such a reading is not as written.
pub fn has_clean_keyed_date(text: &str) -> bool {
    !symbol_before_digit(text)
        && stamp_dates(text)
            .iter()
            .any(|s| s.keyed && s.clean && credible_year(s.date))
}

/// Whether a symbol no date or stamp writes stands right before a digit.
fn symbol_before_digit(text: &str) -> bool {
    let usual = |c: char| c.is_alphanumeric() || c.is_whitespace() || ".,:;-/()".contains(c);
    text.chars()
        .zip(text.chars().skip(1))
        .any(|(a, b)| !usual(a) && b.is_ascii_digit())
}

/// True when the text holds a stamp word (OCR-tolerant).
pub fn has_stamp_word(text: &str) -> bool {
    Lines::of(text).word.contains(&true)
}

fn best(found: &[StampDate]) -> Option<StampDate> {
    found
        .iter()
        .find(|s| s.keyed)
        .or_else(|| found.first())
        .copied()
}

/// Every (day, month, year) triple of consecutive tokens, then numeric
/// dates whose separators OCR lost ("13.1126", "1311.26"): both, since a
/// reading may hold an implausible token date ("3.11.36") beside the
/// right one glued ("3.1125", the year's last digit confused), and the
/// plausibility check chooses.
pub fn stamp_dates(text: &str) -> Vec<StampDate> {
    let mut out = token_dates(text);
    // A gap OCR put between two digits ("Motteke 27.1 1.26"): the digits
    // joined are tried after the reading as it stands, never clean.
    let joined = DIGIT_GAP.replace_all(text, "$1$2");
    if joined != text {
        for s in token_dates(&joined) {
            if !out.iter().any(|o| o.date == s.date) {
                out.push(StampDate { clean: false, ..s });
            }
        }
    }
    {
        let upper = text.to_uppercase();
        for caps in GLUED_NUMERIC.captures_iter(&upper) {
            let (Some(all), Some(d), Some(m), Some(y)) =
                (caps.get(0), caps.get(1), caps.get(2), caps.get(3))
            else {
                continue;
            };
            let before: String = upper[..all.start()].chars().rev().take(16).collect();
            let before: String = before.chars().rev().collect();
            let keyed = has_stamp_word(&before);
            // Separators lost: never clean.
            for (date, _) in triples(d.as_str(), m.as_str(), y.as_str()) {
                out.push(StampDate {
                    date,
                    keyed,
                    clean: false,
                });
            }
        }
    }
    out
}

/// One space between two digits inside a number.
static DIGIT_GAP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d) (\d)").expect("static regex"));

/// Day, month and year digits with at most a dot or comma between them.
static GLUED_NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])([0-3]?[0-9])[.,]?([01][0-9])[.,]?(20[0-9]{2}|[0-9]{2})(?:[^0-9]|$)")
        .expect("static regex")
});

/// Every day-month-year triple of consecutive tokens. A stamp word just
/// before the date, or right after it ("23.11.2026 / MOTTATT": some stamps
/// put the word under the date), keys it. A keyed date's year may be any
/// year one digit away from the one read: a received stamp's year is the
/// arrival's (or the one before), so its digits say little and OCR garbles
/// them ("18-11-2029", "13.10.20"); the day and month carry the date, and
/// plausibility picks the year.
fn token_dates(text: &str) -> Vec<StampDate> {
    // Each token with its line: a stamp word on the date's line or the
    // line above keys it however much of the letter OCR put between them
    // ("Innkommet" / "Kaivegen 9, leil. 4 09 NOV 2026").
    let lines = Lines::of(text);
    let toks = &lines.toks;
    // (date, keyed by a word before it, keyed by a word after it)
    let mut found: Vec<(StampDate, bool)> = Vec::new();
    for i in 0..toks.len().saturating_sub(2) {
        let after = &lines.word[(i + 3).min(toks.len())..(i + 5).min(toks.len())];
        let before_keyed = lines.keyed_before(i);
        let keyed = before_keyed || after.contains(&true);
        for (date, clean) in triples(&toks[i], &toks[i + 1], &toks[i + 2]) {
            found.push((StampDate { date, keyed, clean }, before_keyed));
        }
        if keyed {
            for date in year_one_digit_away(&toks[i], &toks[i + 1], &toks[i + 2]) {
                if !found.iter().any(|(s, _)| s.date == date) {
                    let clean = false;
                    found.push((StampDate { date, keyed, clean }, before_keyed));
                }
            }
        }
    }
    // A date after its stamp word is the stamp's; the word under a date
    // keys that date only when no date follows a stamp word (a letter's own
    // date may stand above "MOTTATT").
    let any_before = found.iter().any(|(_, before)| *before);
    found
        .into_iter()
        .map(|(s, before)| StampDate {
            keyed: s.keyed && (before || !any_before),
            ..s
        })
        .collect()
}

/// A reading's tokens, the line of each (blank lines skipped), and which
/// are stamp words.
struct Lines {
    toks: Vec<String>,
    line_of: Vec<usize>,
    word: Vec<bool>,
}

impl Lines {
    fn of(text: &str) -> Lines {
        let mut toks: Vec<String> = Vec::new();
        let mut line_of: Vec<usize> = Vec::new();
        for (n, line) in reading_lines(text).enumerate() {
            for t in tokens(line) {
                toks.push(t);
                line_of.push(n);
            }
        }
        let word = stamp_words(&toks, &line_of);
        Lines {
            toks,
            line_of,
            word,
        }
    }

    /// A stamp word among the four tokens before token `i`, or anywhere on
    /// its line or the line above.
    fn keyed_before(&self, i: usize) -> bool {
        self.word[i.saturating_sub(4)..i].contains(&true)
            || (0..i)
                .rev()
                .take_while(|&j| self.line_of[j] + 1 >= self.line_of[i])
                .any(|j| self.word[j])
    }
}

/// Which tokens are a stamp word: each alone, and two or three letter
/// tokens of a line that together are one ("Mot att", "M ctte ke"): a
/// stamp spaces its letters wide, and OCR splits the word where a gap is
/// widest.
fn stamp_words(toks: &[String], line_of: &[usize]) -> Vec<bool> {
    let mut word: Vec<bool> = toks.iter().map(|t| is_keyword(t)).collect();
    let letters = |t: &String| t.chars().all(|c| c.is_ascii_alphabetic());
    for start in 0..toks.len() {
        for len in [2, 3] {
            let parts = start..start + len;
            let Some(group) = toks.get(parts.clone()) else {
                continue;
            };
            // Cheap tests first: `has_stamp_word` runs on every line of a
            // letter (the date walk), and most groups are no word.
            let one_line = line_of[parts.clone()].iter().all(|&l| l == line_of[start]);
            if one_line
                && group.iter().map(String::len).sum::<usize>() >= 6
                && group.iter().all(letters)
                && !word[parts.clone()].contains(&true)
                && is_keyword(&group.concat())
            {
                word[parts].fill(true);
            }
        }
    }
    word
}

/// A reading's lines as [`Lines`] numbers them: blank lines (between two
/// readings) are not counted.
fn reading_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter(|l| !l.trim().is_empty())
}

/// A year a stamp can carry at all: what OCR made of a year's digits
/// ("2926", "1026") is no date, before any arrival is known.
pub fn credible_year(date: NaiveDate) -> bool {
    (2000..=2100).contains(&date.year())
}

/// Whether a stamp date fits: not after the day the file arrived (one day
/// of slack for time zones), not more than [`MAX_DAYS_BEFORE_ARRIVAL`]
/// before it, and on or after the letter's own date.
pub fn plausible(
    date: NaiveDate,
    received: Option<NaiveDate>,
    document_date: Option<NaiveDate>,
) -> bool {
    if !credible_year(date) {
        return false;
    }
    if let Some(r) = received {
        let latest = r.checked_add_days(Days::new(1)).unwrap_or(r);
        let earliest = r
            .checked_sub_days(Days::new(MAX_DAYS_BEFORE_ARRIVAL))
            .unwrap_or(r);
        if date > latest || date < earliest {
            return false;
        }
    }
    // The letter's date bounds the stamp only from below, and only when it
    // is itself credible (a misread letter date must not veto the stamp).
    let credible_letter_date = document_date.filter(|d| {
        received.is_none_or(|r| {
            r.checked_sub_days(Days::new(MAX_LETTER_AGE_DAYS))
                .is_none_or(|oldest| *d >= oldest && *d <= r)
        })
    });
    // A letter is stamped on or after the day it was written. No slack for
    // a letter dated ahead: none of the ~3000 stamped sample letters is,
    // while a stamp's day misread through the print that crossed it (18 as
    // 13, 16 as 10) often falls a few days before the letter (session 36:
    // through OCR, four of nine wrong stamp dates on 6400-6999; with no
    // slack they read as unreadable, and none right was lost). A wrong
    // received date misleads the deadlines counted from it; an unreadable
    // one is flagged.
    credible_letter_date.is_none_or(|d| date >= d)
}
