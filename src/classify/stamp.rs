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
//! **Invariant:** a date is only ever read from text, never invented; an
//! unreadable or implausible stamp gives no date.

use std::sync::LazyLock;

use chrono::{Datelike, Days, NaiveDate};
use regex::Regex;

/// Norwegian stamp abbreviations first; English ones some scanners' stamps use.
const MONTHS: [(&str, &str, u32); 15] = [
    ("JAN", "JANUAR", 1),
    ("FEB", "FEBRUAR", 2),
    ("MAR", "MARS", 3),
    ("APR", "APRIL", 4),
    ("MAI", "MAI", 5),
    ("JUN", "JUNI", 6),
    ("JUL", "JULI", 7),
    ("AUG", "AUGUST", 8),
    ("SEP", "SEPTEMBER", 9),
    ("OKT", "OKTOBER", 10),
    ("NOV", "NOVEMBER", 11),
    ("DES", "DESEMBER", 12),
    ("MAY", "MAY", 5),
    ("OCT", "OCTOBER", 10),
    ("DEC", "DECEMBER", 12),
];

/// Words of a received stamp (folded to upper-case ASCII letters).
const KEYWORDS: [&str; 8] = [
    "MOTTATT",
    "MOTTEKE",
    "MOTTAKSDATO",
    "INNKOMMET",
    "INNKOME",
    "INNGATT",
    "RECEIVED",
    "REGISTRERT",
];

/// Short stamp words, matched exactly.
const SHORT_KEYWORDS: [&str; 1] = ["REG"];

/// A stamp is at most this long before the day its file arrived: post is
/// scanned within days of being stamped; a "date" months older is a misread.
pub const MAX_DAYS_BEFORE_ARRIVAL: u64 = 90;
/// A letter is stamped on or after the day it was written (a few days of
/// slack for a letter dated ahead).
const MAX_DAYS_BEFORE_LETTER: u64 = 3;
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
/// [`plausible`] refuses.
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
            rest.extend(tokens(next));
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
    out
}

/// A date stamper's line without a stamp word: the whole line a date whose
/// month is a capital abbreviation ("23 OKT 2026", "- 6. NOV. 2026", "1
/// DES. 2026"); a letter writes "6. november 2026" or "06.11.2026". Every
/// such line in the tuning letters is a stamp's, with or without the
/// municipality's name beside it ("05 NOV 2026" over "NORDHEI KOMMUNE –
/// Hjemmetjenesten", "30 NOV 2026" over "Hjemmetjenesten Førde").
fn dater_line(line: &str) -> Option<NaiveDate> {
    let abbreviated = words_at(line).iter().any(|&(_, w)| {
        w.len() == 3
            && w.chars().all(|c| c.is_ascii_uppercase())
            && MONTHS.iter().any(|(abbr, _, _)| w == *abbr)
    });
    let toks = tokens(line);
    if !abbreviated || toks.len() != 3 {
        return None;
    }
    triple(&toks[0], &toks[1], &toks[2])
}

/// A stamp's date line without a stamp word: a date stamper's line, or a
/// date alone on the line above a stamp's journal number ("19. nov. 2026"
/// over "J.nr. 2026/5188"; a letter's reference says "Vår ref." or
/// "Saksnr.", and its date line "Dato: …").
fn wordless_stamp_line(lines: &[&str], i: usize) -> Option<NaiveDate> {
    if let Some(date) = dater_line(lines[i]) {
        return Some(date);
    }
    let toks = tokens(lines[i]);
    let journal_below = lines.get(i + 1).is_some_and(|l| JOURNAL_NUMBER.is_match(l));
    (journal_below && toks.len() == 3)
        .then(|| triple_in(&toks))
        .flatten()
}

/// The dates of stamp lines without a stamp word ([`wordless_stamp_line`]):
/// the letter's date is not among them.
pub fn wordless_stamp_dates(text: &str) -> Vec<NaiveDate> {
    let lines: Vec<&str> = text.lines().collect();
    (0..lines.len())
        .filter_map(|i| wordless_stamp_line(&lines, i))
        .collect()
}

/// A stamp's journal number line: "J.nr. 2026/5188", "Jnr: 26/1432" (a
/// hospital's "Journalnr.:" under its "Dato:" is the letter's).
static JOURNAL_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\W{0,3}(?i:j\.?\s?nr)\b").expect("static regex"));

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
/// ("Vedlegg:", "Emne:"): a stamp is its own label. `before` is the line's
/// text before the stamp word, `after` the text after it.
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
        if triple(d, m, y).is_some() {
            return true;
        }
    }
    // Separators lost: "30.102026".
    after
        .split_whitespace()
        .next()
        .is_some_and(|w| GLUED_NUMERIC.is_match(&w.to_uppercase()))
}

/// The date right after a stamp word in a stamp reading, when it passes
/// `ok`: a date elsewhere in the crop may be the letter's own.
pub fn parse_keyed_stamp_date_where(
    text: &str,
    ok: impl Fn(NaiveDate) -> bool,
) -> Option<NaiveDate> {
    stamp_dates(text)
        .into_iter()
        .find(|s| s.keyed && ok(s.date))
        .map(|s| s.date)
        .or_else(|| keyed_dates_year_lost(text).into_iter().find(|&d| ok(d)))
}

/// True when the text holds a date right after a stamp word, read as
/// written (no OCR confusion undone) with a credible year: a stamp reading
/// that needs no second look.
pub fn has_clean_keyed_date(text: &str) -> bool {
    stamp_dates(text)
        .iter()
        .any(|s| s.keyed && s.clean && (2000..=2100).contains(&s.date.year()))
}

/// True when the text holds a stamp word (OCR-tolerant).
pub fn has_stamp_word(text: &str) -> bool {
    tokens(text).iter().any(|t| is_keyword(t))
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
    let Lines {
        toks,
        line_of,
        word,
    } = Lines::of(text);
    // (date, keyed by a word before it, keyed by a word after it)
    let mut found: Vec<(StampDate, bool)> = Vec::new();
    for i in 0..toks.len().saturating_sub(2) {
        let after = &word[(i + 3).min(toks.len())..(i + 5).min(toks.len())];
        let before_keyed = keyed_before(i, &word, &line_of);
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
        for (n, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
            for t in tokens(line) {
                toks.push(t);
                line_of.push(n);
            }
        }
        let word = toks.iter().map(|t| is_keyword(t)).collect();
        Lines {
            toks,
            line_of,
            word,
        }
    }
}

/// A stamp word among the four tokens before token `i`, or anywhere on its
/// line or the line above.
fn keyed_before(i: usize, word: &[bool], line_of: &[usize]) -> bool {
    word[i.saturating_sub(4)..i].contains(&true)
        || (0..i)
            .rev()
            .take_while(|&j| line_of[j] + 1 >= line_of[i])
            .any(|j| word[j])
}

/// A keyed day and month read as written whose year OCR lost or garbled
/// past one digit ("Motteke 06.11 ,", "17. nov: 207", "25.09.2136"), in
/// every year of the century: a stamp is at most
/// [`MAX_DAYS_BEFORE_ARRIVAL`] days old, so the day and month fix the year
/// and plausibility picks it. Never without the arrival's bounds: a parse
/// alone ([`parse_stamp_date`]) gives no year it did not read.
fn keyed_dates_year_lost(text: &str) -> Vec<NaiveDate> {
    let Lines {
        toks,
        line_of,
        word,
    } = Lines::of(text);
    let mut out = Vec::new();
    for i in 0..toks.len().saturating_sub(1) {
        if keyed_before(i, &word, &line_of) && year_lost(toks.get(i + 2).map(String::as_str)) {
            out.extend(any_year(&toks[i], &toks[i + 1]));
        }
    }
    out
}

/// Whether what follows a day and a month holds no year at all: nothing,
/// no digits, three digits, or four that make no year of ours ("2136").
/// A year read clearly ("2012": an old stamp on a copy) is kept, and two or
/// five digits are [`year_one_digit_away`]'s.
fn year_lost(next: Option<&str>) -> bool {
    let Some(digits) = next.map(digitize) else {
        return true;
    };
    match digits {
        None => true,
        Some(y) if y.len() == 3 => true,
        Some(y) if y.len() == 4 => !y.parse().is_ok_and(|y: u32| (1990..2100).contains(&y)),
        Some(_) => false,
    }
}

/// A day and a month read as written (digits, the month's digits or its
/// name) in every year of the century.
fn any_year(d: &str, m: &str) -> Vec<NaiveDate> {
    let literal_month = m.len() <= 2 && m.chars().all(|c| c.is_ascii_digit())
        || MONTHS
            .iter()
            .any(|(abbr, full, _)| m == *abbr || m == *full);
    if d.len() > 2 || !d.chars().all(|c| c.is_ascii_digit()) || !literal_month {
        return Vec::new();
    }
    let (Ok(day), Some(month)) = (d.parse::<u32>(), month_of(m)) else {
        return Vec::new();
    };
    (2000..2100)
        .filter_map(|year| NaiveDate::from_ymd_opt(year, month, day))
        .collect()
}

/// The dates a triple gives when one digit of its two- or four-digit year
/// is replaced by another, or its year was cut short: tried after the year
/// as read (and its usual confusions), only for a keyed date.
fn year_one_digit_away(d: &str, m: &str, y: &str) -> Vec<NaiveDate> {
    let Some(digits) = digitize(y).filter(|y| (1..=4).contains(&y.len())) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // A year cut short at the stamp's edge ("20.11.2", "13.10.202"): every
    // year it may begin.
    if digits.len() % 2 == 1 && digits.starts_with('2') {
        for year in 2000..2100 {
            if year.to_string().starts_with(&digits) {
                out.extend(
                    triples(d, m, &year.to_string())
                        .into_iter()
                        .map(|(date, _)| date),
                );
            }
        }
        return out;
    }
    for at in 0..digits.len() {
        for c in '0'..='9' {
            let mut year: Vec<char> = digits.chars().collect();
            if year[at] == c {
                continue;
            }
            year[at] = c;
            let year: String = year.into_iter().collect();
            for (date, _) in triples(d, m, &year) {
                if !out.contains(&date) {
                    out.push(date);
                }
            }
        }
    }
    out
}

/// Whether a stamp date fits: not after the day the file arrived (one day
/// of slack for time zones), not more than [`MAX_DAYS_BEFORE_ARRIVAL`]
/// before it, and on or after the letter's own date (with slack).
pub fn plausible(
    date: NaiveDate,
    received: Option<NaiveDate>,
    document_date: Option<NaiveDate>,
) -> bool {
    if !(2000..=2100).contains(&date.year()) {
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
    if let Some(d) = credible_letter_date {
        let earliest = d
            .checked_sub_days(Days::new(MAX_DAYS_BEFORE_LETTER))
            .unwrap_or(d);
        if date < earliest {
            return false;
        }
    }
    true
}

/// Alphanumeric runs, upper-cased and folded to ASCII; a run that is a
/// whole date written without spaces is split ("15NOV2026" → 15 NOV 2026).
fn tokens(text: &str) -> Vec<String> {
    let text = without_junk_in_words(text);
    let mut out = Vec::new();
    for run in text.split(|c: char| !(c.is_alphanumeric() || c == '|' || c == '!')) {
        if run.is_empty() {
            continue;
        }
        let run: String = run.chars().map(fold_char).collect();
        match GLUED.captures(&run) {
            Some(caps) => out.extend(caps.iter().skip(1).flatten().map(|m| m.as_str().to_owned())),
            None => out.push(run),
        }
    }
    out
}

/// The text with symbols OCR puts into a word where the print crossed it
/// dropped ("Meat®@att" is one word): a run of symbols that are no
/// punctuation a date or a sentence uses, between two letters.
fn without_junk_in_words(text: &str) -> String {
    let junk = |c: char| !(c.is_alphanumeric() || c.is_whitespace() || ".,:;-/()|!".contains(c));
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if junk(chars[i]) {
            let end = (i..chars.len())
                .find(|&j| !junk(chars[j]))
                .unwrap_or(chars.len());
            let between_letters = i > 0
                && chars[i - 1].is_alphabetic()
                && chars.get(end).is_some_and(|c| c.is_alphabetic());
            if between_letters {
                i = end;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// A day, a month in letters and a year run together, or a month and year.
static GLUED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(\d{1,2})([A-Z]{3,9})(\d{2}|\d{4})?|([A-Z]{3,9})(\d{4}))$")
        .expect("static regex")
});

fn fold_char(c: char) -> char {
    match c {
        'æ' | 'Æ' => 'A',
        'ø' | 'Ø' => 'O',
        'å' | 'Å' => 'A',
        _ => c.to_ascii_uppercase(),
    }
}

/// Digits as OCR misreads them in a stamp: O/D/Q/C for 0, I/L/|/!/J for 1, S
/// for 5, G for 6, B for 8, Z for 2. `None` unless every char maps.
fn digitize(token: &str) -> Option<String> {
    token
        .chars()
        .map(|c| match c {
            '0'..='9' => Some(c),
            'O' | 'D' | 'Q' | 'C' => Some('0'),
            'I' | 'L' | '|' | '!' | 'J' => Some('1'),
            'S' => Some('5'),
            'G' => Some('6'),
            'B' => Some('8'),
            'Z' => Some('2'),
            _ => None,
        })
        .collect()
}

/// Letters as OCR misreads them in a month abbreviation ("N0V", "DE5").
fn letterize(token: &str) -> String {
    token
        .chars()
        .map(|c| match c {
            '0' => 'O',
            '1' | '|' | '!' => 'I',
            '5' => 'S',
            '6' => 'G',
            '8' => 'B',
            '2' => 'Z',
            _ => c,
        })
        .collect()
}

fn month_of(token: &str) -> Option<u32> {
    if let Some(m) = digitize(token)
        .filter(|d| d.len() <= 2)
        .and_then(|d| d.parse::<u32>().ok())
    {
        return (1..=12).contains(&m).then_some(m);
    }
    let word = letterize(token);
    if word.len() < 3 {
        return None;
    }
    let named = |word: &str| {
        MONTHS
            .iter()
            .find(|(abbr, full, _)| {
                // "NOV", "NOVEMBER" and OCR's "NOVEM"; not "MARKERT" for MAR.
                (word.len() <= 4 && word.starts_with(abbr)) || full.starts_with(word)
            })
            .map(|(_, _, m)| *m)
    };
    // M and N are confused in bold capitals ("MOV"); only NOV starts with
    // N, so swapping the first letter cannot turn one month into another.
    named(&word)
        .or_else(|| match word.split_at(1) {
            ("M", rest) => named(&format!("N{rest}")),
            ("N", rest) => named(&format!("M{rest}")),
            _ => None,
        })
        .or_else(|| one_slip_from_a_month(&word))
}

/// A three-letter month with one letter misread where print crossed it
/// ("NAV" for NOV), when exactly one month is that close: JUN and JUL,
/// MAR and MAI are one apart, so a slip between them is never undone.
fn one_slip_from_a_month(word: &str) -> Option<u32> {
    if word.chars().count() != 3 || !word.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let mut close = MONTHS[..12]
        .iter()
        .filter(|(abbr, _, _)| edit_distance(word, abbr) == 1);
    match (close.next(), close.next()) {
        (Some((_, _, m)), None) => Some(*m),
        _ => None,
    }
}

fn triple(d: &str, m: &str, y: &str) -> Option<NaiveDate> {
    triples(d, m, y).into_iter().next().map(|(date, _)| date)
}

/// A year's last digit as bold stamp digits are confused ("20.11.25" for
/// 26): tried only after the year as read, for plausibility to choose.
fn confused_digits(c: char) -> &'static [char] {
    match c {
        '5' => &['6'],
        '6' => &['5', '8'],
        '8' => &['6', '3', '0'],
        '3' => &['8'],
        '0' => &['8'],
        _ => &[],
    }
}

/// The dates a (day, month, year) triple may be, each with whether it was
/// read as written (see [`StampDate::clean`]). The year as read comes
/// first; then the years a confused last digit gives; when OCR put a digit
/// too many in the year ("20236"), each year left by dropping one digit.
/// The plausibility check chooses among them.
fn triples(d: &str, m: &str, y: &str) -> Vec<(NaiveDate, bool)> {
    let literal = d.chars().all(|c| c.is_ascii_digit())
        && y.chars().all(|c| c.is_ascii_digit())
        && (m.chars().all(|c| c.is_ascii_digit())
            || MONTHS
                .iter()
                .any(|(abbr, full, _)| m == *abbr || m == *full));
    let parts = || -> Option<(u32, u32, String)> {
        let day: u32 = digitize(d).filter(|s| s.len() <= 2)?.parse().ok()?;
        Some((day, month_of(m)?, digitize(y)?))
    };
    let Some((day, month, year_digits)) = parts() else {
        return Vec::new();
    };
    let as_read_or_confused = |digits: &str| -> Vec<(String, bool)> {
        let mut out = vec![(digits.to_owned(), true)];
        if let Some(last) = digits.chars().last() {
            let stem = &digits[..digits.len() - 1];
            out.extend(
                confused_digits(last)
                    .iter()
                    .map(|c| (format!("{stem}{c}"), false)),
            );
        }
        out
    };
    let years: Vec<(i32, bool)> = match year_digits.len() {
        4 => as_read_or_confused(&year_digits)
            .into_iter()
            .filter_map(|(y, exact)| Some((y.parse().ok()?, exact)))
            .collect(),
        2 => as_read_or_confused(&year_digits)
            .into_iter()
            .filter_map(|(y, exact)| Some((2000 + y.parse::<i32>().ok()?, exact)))
            .collect(),
        5 if year_digits.starts_with("20") => {
            let mut years: Vec<(i32, bool)> = (2..5)
                .filter_map(|skip| {
                    let mut s = year_digits.clone();
                    s.remove(skip);
                    Some((s.parse().ok()?, false))
                })
                .collect();
            years.dedup();
            years
        }
        _ => Vec::new(),
    };
    years
        .into_iter()
        .filter_map(|(year, exact)| {
            Some((NaiveDate::from_ymd_opt(year, month, day)?, exact && literal))
        })
        .collect()
}

fn is_keyword(token: &str) -> bool {
    let word = letterize(token);
    // "Reg." (registered) is a stamp word too; too short for slips.
    if word.len() < 5 {
        return SHORT_KEYWORDS.contains(&word.as_str());
    }
    KEYWORDS.iter().any(|k| {
        // Two slips in the common long words; one elsewhere ("MOTTEKE" is
        // two from "MOTTAKER", "INNGATT" two from "INNLAGT").
        let loose = ["MOTTATT", "MOTTAKSDATO", "INNKOMMET", "RECEIVED"].contains(k);
        let allowed = if word.len() >= 7 && loose { 2 } else { 1 };
        edit_distance(&word, k) <= allowed
    })
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn every_stamp_format_and_its_ocr_confusions() {
        let cases = [
            ("RANA KOMMUNE\nMOTTATT\n15 NOV 2026", "2026-11-15"),
            (
                "Rana kommune Helse og omsorg MOTTATT 21 NOV 2026",
                "2026-11-21",
            ),
            ("MOTTATT 15. nov. 2026", "2026-11-15"),
            ("Mottatt 15.11.2026", "2026-11-15"),
            ("MOTTATT 15.11.26", "2026-11-15"),
            ("M0TTATT 1S N0V 2O26", "2026-11-15"),
            ("MOTTATT l5 0KT 2026", "2026-10-15"),
            ("MOTTATT 03 DE5 2026", "2026-12-03"),
            ("MOTTATT 07 MA1 2026", "2026-05-07"),
            ("MOTTATT\n15NOV2026", "2026-11-15"),
            ("MOTTEKE 5. DES 2026", "2026-12-05"),
            ("Mottatt: 04.11.2026", "2026-11-04"),
            ("RECEIVED 04 OCT 2026", "2026-10-04"),
            ("MOTTATT I5 SEP 2026", "2026-09-15"),
            ("INNKOMMET 30 JUN 2026", "2026-06-30"),
            ("Mottatt 13.1126", "2026-11-13"),
            ("Mottatt 1311.26", "2026-11-13"),
            ("MOTTATT\nC4 MOV 2026", "2026-11-04"),
            ("MOTTATT 07 NAI 2026", "2026-05-07"),
            ("Motteke 3.11.26", "2026-11-03"),
            ("MOTTATT\nHelse og omsorg\n15. nov. 2026", "2026-11-15"),
            ("RANA KOMMUNE\nMOTTATT 15.11.26\nSaksbeh. KH", "2026-11-15"),
            ("Mottatt: 15 NOV. 2026", "2026-11-15"),
            ("— Meat®@att 03.11.2026", "2026-11-03"),
        ];
        for (text, want) in cases {
            assert_eq!(parse_stamp_date(text), Some(d(want)), "{text:?}");
        }
    }

    #[test]
    fn the_stamps_date_beats_other_dates_in_the_crop() {
        let text = "Mo, 26. oktober 2026\nRANA KOMMUNE\nMOTTATT\n02 NOV 2026";
        assert_eq!(parse_stamp_date(text), Some(d("2026-11-02")));
    }

    #[test]
    fn no_date_is_invented() {
        for text in [
            "MOTTATT",
            "RANA KOMMUNE MOTTATT 15 NOV",
            "Stenneset 45 T 15 NOV 2",
            "8610 Mo i Rana",
            "Telefon 75 14 50 00",
            "MOTTATT 31 NOV 2026",
            // One slip from both JUN and JUL: no month.
            "MOTTATT 15 JUX 2026",
            "MOTTATT 15 XYZ 2026",
        ] {
            assert_eq!(parse_stamp_date(text), None, "{text:?}");
        }
    }

    #[test]
    fn a_year_with_a_digit_too_many_is_chosen_by_plausibility() {
        let arrived = Some(d("2026-11-10"));
        let ok = |x: NaiveDate| plausible(x, arrived, None);
        assert_eq!(
            parse_keyed_stamp_date_where("MOTTATT 03. nov. 20236", ok),
            Some(d("2026-11-03"))
        );
        assert_eq!(
            parse_keyed_stamp_date_where("MOTTATT 03 NOV 20219", ok),
            None
        );
    }

    #[test]
    fn a_confused_last_digit_of_the_year_is_chosen_by_plausibility() {
        let arrived = Some(d("2026-12-01"));
        let ok = |x: NaiveDate| plausible(x, arrived, None);
        // A bold 6 read as 5: the year as read is too old, 26 fits.
        assert_eq!(
            parse_keyed_stamp_date_where("MOTTATT\n20.11.25", ok),
            Some(d("2026-11-20"))
        );
        assert_eq!(
            parse_keyed_stamp_date_where("MOTTATT 20 NOV 2025", ok),
            Some(d("2026-11-20"))
        );
        // The year as read wins when it fits.
        assert_eq!(
            parse_keyed_stamp_date_where("MOTTATT 20 NOV 2026", ok),
            Some(d("2026-11-20"))
        );
        // A year two digits away from any that fits: nothing.
        assert_eq!(
            parse_keyed_stamp_date_where("MOTTATT 20 NOV 2012", ok),
            None
        );
    }

    #[test]
    fn a_keyed_dates_year_is_read_by_its_day_and_month() {
        let arrived = Some(d("2026-12-01"));
        let ok = |x: NaiveDate| plausible(x, arrived, None);
        for (text, want) in [
            ("MOTTEKE\n18-11-2029", "2026-11-18"),
            ("Mottatt 18.11.2020 Sign.: LV", "2026-11-18"),
            ("MOTTATT\n13.10.20\nSaksnr.: 26/2284", "2026-10-13"),
            ("MOTTATT 20 MOV 7026", "2026-11-20"),
        ] {
            assert_eq!(
                parse_keyed_stamp_date_where(text, ok),
                Some(d(want)),
                "{text:?}"
            );
        }
        // A year cut short at the stamp's edge.
        assert_eq!(
            parse_keyed_stamp_date_where("Reg. G\n20.11.2\nK)", ok),
            Some(d("2026-11-20"))
        );
        // The letter's address between the stamp's word and its date.
        assert_eq!(
            parse_keyed_stamp_date_where("Ida Nowak innkom\n\nKaivegen 9, leil. 4 09 NOV 2026", ok),
            Some(d("2026-11-09"))
        );
        // Not without a stamp word: a date in the letter keeps its year.
        assert_eq!(parse_keyed_stamp_date_where("Oslo, 18.11.2020", ok), None);
    }

    #[test]
    fn a_keyed_day_and_month_whose_year_was_lost_take_the_arrivals() {
        let arrived = Some(d("2026-12-01"));
        let ok = |x: NaiveDate| plausible(x, arrived, None);
        for (text, want) in [
            (
                "Tildelingskontoret\nMotteke 06.11 ,\nJnr 26/4829",
                "2026-11-06",
            ),
            ("MOTTATT 6\n17. nov: 207", "2026-11-17"),
            ("MOTTEKE\n25.09.2136 l\nJnr 26/1544", "2026-09-25"),
            ("REG 24.11:207", "2026-11-24"),
        ] {
            assert_eq!(
                parse_keyed_stamp_date_where(text, ok),
                Some(d(want)),
                "{text:?}"
            );
        }
        // A year read clearly is kept: an old stamp on a copy is no
        // stamp of this arrival.
        assert_eq!(
            parse_keyed_stamp_date_where("MOTTATT 20 NOV 2012", ok),
            None
        );
        // Without a stamp word a day and a month are no stamp.
        assert_eq!(parse_keyed_stamp_date_where("Møte 06.11 kl 10", ok), None);
        // A day and a month outside the stamp's window: nothing.
        assert_eq!(parse_keyed_stamp_date_where("MOTTATT 06.05", ok), None);
    }

    #[test]
    fn a_stamp_word_under_its_date_keys_it_unless_a_date_follows_one() {
        let arrived = Some(d("2026-12-01"));
        let ok = |x: NaiveDate| plausible(x, arrived, None);
        assert_eq!(
            parse_keyed_stamp_date_where(
                "HAMNVIK KOMMUNE\nHelse og omsorg\na 23.11.2026\nMOTTATT",
                ok
            ),
            Some(d("2026-11-23"))
        );
        assert_eq!(
            parse_keyed_stamp_date_where("Mo, 26. oktober 2026\nMOTTATT\n02 NOV 2026", ok),
            Some(d("2026-11-02"))
        );
    }

    #[test]
    fn reg_is_a_stamp_word_and_a_gap_inside_a_number_is_closed() {
        let arrived = Some(d("2026-12-01"));
        let ok = |x: NaiveDate| plausible(x, arrived, None);
        for (text, want) in [
            (
                "Reg. 22.09.26\nRus og psykisk helse\nJnr. 26/1874",
                "2026-09-22",
            ),
            ("Reg.: 09.11.2026 / JH", "2026-11-09"),
            ("Reg.\n20.11.26\nKJ", "2026-11-20"),
            ("Motteke 27.1 1.26\nHeimetenesta", "2026-11-27"),
        ] {
            assert_eq!(
                parse_keyed_stamp_date_where(text, ok),
                Some(d(want)),
                "{text:?}"
            );
        }
        // A registration number is no stamp date.
        assert_eq!(parse_keyed_stamp_date_where("Reg.nr. 2026 11 4", ok), None);
    }

    #[test]
    fn a_date_read_through_an_ocr_confusion_is_not_clean() {
        assert!(has_clean_keyed_date("RANA KOMMUNE\nMOTTATT\n19 NOV 2026"));
        assert!(has_clean_keyed_date("Mottatt 16.11.2026"));
        assert!(has_clean_keyed_date("MOTTATT 15. nov. 2026"));
        assert!(!has_clean_keyed_date("MOTTATT\nos NOV 2026"));
        assert!(!has_clean_keyed_date("MOTTATT 1S N0V 2O26"));
        assert!(!has_clean_keyed_date("Mottatt 13.1126"));
        assert!(!has_clean_keyed_date("19 NOV 2026"));
    }

    #[test]
    fn plausibility_against_arrival_and_letter_date() {
        let arrived = Some(d("2026-11-17"));
        let letter = Some(d("2026-11-10"));
        assert!(plausible(d("2026-11-15"), arrived, letter));
        assert!(plausible(d("2026-11-17"), arrived, None));
        // After the file arrived, long before it, before the letter was written.
        assert!(!plausible(d("2026-11-19"), arrived, letter));
        assert!(!plausible(d("2025-11-15"), arrived, None));
        assert!(!plausible(d("2026-11-01"), arrived, letter));
        assert!(!plausible(d("2196-11-15"), None, None));
        assert!(plausible(d("2026-11-15"), None, None));
    }

    #[test]
    fn running_text_only_gives_a_stamp_after_a_stamp_word() {
        let got = |t: &str| stamp_dates_in_text(t);
        assert_eq!(
            got("RANA KOMMUNE\nMOTTATT\n15 NOV 2026\nOla"),
            vec![d("2026-11-15")]
        );
        assert_eq!(got("Mottatt: 04.11.2026"), vec![d("2026-11-04")]);
        assert_eq!(
            got("Rana kommune Helse og omsorg MOTTATT 21 NOV 2026"),
            vec![d("2026-11-21")]
        );
        assert!(got("Vi har mottatt brevet ditt datert 03.11.2026.").is_empty());
        assert!(got("Eg har mottatt 03.11.2026 eit vedtak").is_empty());
        assert!(got("Rana, 3. november 2026").is_empty());
    }

    #[test]
    fn a_stamp_word_followed_by_a_whole_date_is_a_stamp_in_any_case() {
        let got = |t: &str| stamp_dates_in_text(t);
        assert_eq!(
            got("Til heimesjukepleia\nRana kommune - mottatt 30.10.2026 - Helse og omsorg"),
            vec![d("2026-10-30")]
        );
        assert!(got("Rana kommune - mottatt 30.10. - Helse og omsorg").is_empty());
        assert_eq!(
            got("Rana kommune Mottatt dato: 15.11.2026"),
            vec![d("2026-11-15")]
        );
        assert!(got("Vi har nå mottatt 02.11.2026 brevet").is_empty());
        assert!(got("Vedlegg: Brev frå Rossvoll, motteke 19.10.2026").is_empty());
        assert!(got("Brevet frå Rossvoll, motteke 19.10.2026, ligg ved").is_empty());
        // Prose quoting a received date after a comma.
        assert!(got("Viser til vedtak av 29.10.2026, mottatt 02.11.2026.").is_empty());
        assert_eq!(
            got("Vestvik kommune, Rus og psykisk helse, mottatt 16.11.2026\nRoy Pedersen"),
            vec![d("2026-11-16")]
        );
    }

    #[test]
    fn a_date_stampers_line_is_a_stamp_without_its_word() {
        let got = |t: &str| stamp_dates_in_text(t);
        assert_eq!(
            got("RANA KOMMUNE\nHelse og omsorg\n23 OKT 2026\nJnr. 2026/14522\nKari"),
            vec![d("2026-10-23")]
        );
        assert_eq!(
            got("RANA KOMMUNE\n- 6. NOV. 2026\nHelse og omsorg"),
            vec![d("2026-11-06")]
        );
        // The stamp word under its date.
        assert_eq!(
            got("Rana kommune\nHelse og omsorg\n16. nov. 2026\nMOTTEKE"),
            vec![d("2026-11-16")]
        );
        // The date under the stamp word comes first: the line above may be
        // the letter's own date.
        assert_eq!(
            got("Mo i Rana, 3. november 2026\nMOTTATT\n05 NOV 2026"),
            vec![d("2026-11-05")]
        );
        // Over a journal number, in any writing.
        assert_eq!(
            got("NORDVIK KOMMUNE\nRus og psykisk helse\n19. nov. 2026\nJ.nr. 2026/5188"),
            vec![d("2026-11-19")]
        );
        assert!(got("Vår ref.: 2026/12\n19. nov. 2026\nSaksnr. 2026/5188").is_empty());
        assert!(got("Dato: 09.11.2026\nJournalnr.: 26/88140").is_empty());
        // Alone at the top, or over the unit's name.
        assert_eq!(
            got("05 NOV 2026\nNORDHEI KOMMUNE – Hjemmetjenesten"),
            vec![d("2026-11-05")]
        );
        assert_eq!(
            got("1 DES. 2026\n30.11.26\nTil hjemmesykepleien"),
            vec![d("2026-12-01")]
        );
        // A letter's own date line is no stamp: the month written out, or
        // a place before it.
        assert!(got("Rana kommune\nPostboks 173\n6. november 2026").is_empty());
        assert!(got("Rana kommune\nPostboks 173\n6. nov. 2026").is_empty());
        assert!(got("Rana kommune\n\nMo i Rana, 23 OKT 2026").is_empty());
    }

    #[test]
    fn a_glued_date_is_tried_beside_an_implausible_token_date() {
        let arrived = Some(d("2026-11-05"));
        let ok = |x: NaiveDate| plausible(x, arrived, None);
        assert_eq!(
            parse_keyed_stamp_date_where("MOTTEKE 3.1125.\n\nMOTTEKE 3.11.36", ok),
            Some(d("2026-11-03"))
        );
    }

    #[test]
    fn keywords_are_ocr_tolerant_but_not_loose() {
        assert!(has_stamp_word("M0TTATT"));
        assert!(has_stamp_word("MOTIATT"));
        assert!(has_stamp_word("Mottatt:"));
        assert!(!has_stamp_word("Mottaker"));
        assert!(!has_stamp_word("mottar"));
        assert!(!has_stamp_word("Innlagt"));
    }
}
