//! A stamp's text read token by token, tolerant of what OCR does to a
//! stamp's ink: letters for digits and digits for letters (`1S N0V 2O26`),
//! a month or a stamp word with a letter misread, a year's digit confused,
//! cut short or doubled. Everything here only offers candidates — every
//! date a token triple may be, read as written first — so that the choice
//! stays with the stamp's context and [`plausible`](super::plausible), and
//! a date is never made up from less than the tokens hold.

use std::borrow::Cow;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

/// Norwegian stamp abbreviations first; English ones some scanners' stamps use.
pub(super) const MONTHS: [(&str, &str, u32); 15] = [
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
/// "INNKOMNE" (the received ones) is its own word: two slips from
/// "INNKOME", where OCR loses its first letter to the frame ("NNKOMNE").
const KEYWORDS: [&str; 9] = [
    "MOTTATT",
    "MOTTEKE",
    "MOTTAKSDATO",
    "INNKOMMET",
    "INNKOME",
    "INNKOMNE",
    "INNGATT",
    "RECEIVED",
    "REGISTRERT",
];

/// Short stamp words, matched exactly: "Reg." (registered), "Innk."
/// (received).
const SHORT_KEYWORDS: [&str; 2] = ["REG", "INNK"];

/// Alphanumeric runs, upper-cased and folded to ASCII; a run that is a
/// whole date written without spaces is split ("15NOV2026" → 15 NOV 2026).
pub(super) fn tokens(text: &str) -> Vec<String> {
    let text = without_junk_in_words(&digit_marks(text));
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

/// Marks OCR reads for a digit beside digits, put back as the digit. A
/// closing bracket right after a lone digit is a thin 1 read as a frame's
/// edge ("MOTTEKE 25:1] 2026" for 25.11): it becomes the `|` the digits
/// already read as 1; after a letter or a longer number it is the frame
/// ("KOMMUNE]", "25.11.2026]"). An ampersand glued to a digit is a bold 8
/// ("Mottatt 1&. nov. 2026" for 18); beside a letter or alone it is the
/// "&" of a body's name ("Helse & omsorg"). One pass, and none for the
/// many lines with neither mark: `tokens` runs on every line a letter's
/// date walk asks `has_stamp_word` about.
fn digit_marks(text: &str) -> Cow<'_, str> {
    if !text.contains([']', '&']) {
        return Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let digit_at = |i: Option<usize>| {
        i.and_then(|i| chars.get(i))
            .is_some_and(char::is_ascii_digit)
    };
    let lone_digit_before =
        |i: usize| digit_at(i.checked_sub(1)) && (i < 2 || !chars[i - 2].is_alphanumeric());
    let marked = (0..chars.len()).map(|i| match chars[i] {
        ']' if lone_digit_before(i) => '|',
        '&' if digit_at(i.checked_sub(1)) || digit_at(Some(i + 1)) => '8',
        c => c,
    });
    Cow::Owned(marked.collect())
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

pub(super) fn fold_char(c: char) -> char {
    match c {
        'æ' | 'Æ' => 'A',
        'ø' | 'Ø' => 'O',
        'å' | 'Å' => 'A',
        _ => c.to_ascii_uppercase(),
    }
}

/// Digits as OCR misreads them in a stamp: O/D/Q/C/U for 0, I/L/|/!/J for 1, S
/// for 5, G for 6, B for 8, Z for 2. `None` unless every char maps.
fn digitize(token: &str) -> Option<String> {
    token
        .chars()
        .map(|c| match c {
            '0'..='9' => Some(c),
            'O' | 'D' | 'Q' | 'C' | 'U' => Some('0'),
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
    if word.len() == 2 {
        return first_letter_lost(&word);
    }
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
        .or_else(|| match word.strip_prefix('M') {
            Some(rest) => named(&format!("N{rest}")),
            None => named(&format!("M{}", word.strip_prefix('N')?)),
        })
        .or_else(|| one_slip_from_a_month(&word))
}

/// A month abbreviation whose first letter OCR lost at the stamp's frame
/// or under crossing print ("12. OV, 20" for 12 NOV): the last two letters
/// of the twelve Norwegian abbreviations are twelve different pairs, so
/// the two left name one month. (The English ones are left out: "AY" and
/// "EC" would be months no stamp here writes.)
fn first_letter_lost(word: &str) -> Option<u32> {
    MONTHS[..12]
        .iter()
        .find(|(abbr, _, _)| abbr.get(1..) == Some(word))
        .map(|(_, _, m)| *m)
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

pub(super) fn triple(d: &str, m: &str, y: &str) -> Option<NaiveDate> {
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
/// read as written (see [`StampDate::clean`](super::StampDate::clean)).
/// The year as read comes first; then the years a confused last digit
/// gives; when OCR put a digit too many in the year ("20236"), each year
/// left by dropping one digit. The plausibility check chooses among them.
pub(super) fn triples(d: &str, m: &str, y: &str) -> Vec<(NaiveDate, bool)> {
    let literal = d.chars().all(|c| c.is_ascii_digit())
        && y.chars().all(|c| c.is_ascii_digit())
        && (m.chars().all(|c| c.is_ascii_digit())
            || MONTHS
                .iter()
                .any(|(abbr, full, _)| m == *abbr || m == *full));
    // Read in turn, each only when the one before made sense: most triples
    // of a reading are no date, and the month is the costly part.
    let parts = day_of(d).and_then(|day| Some((day, month_of(m)?, digitize(y)?)));
    let Some((day, month, year_digits)) = parts else {
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

/// A day's number as OCR may have read it. A bold zero closes like a G, a
/// 9, a 6 or an 8 ("G6. nov.", "99 NOV" for 06 and 09), which otherwise
/// reads as that: a leading look-alike that makes no day is read as the
/// zero. (Session 29: "99 NOV", "Q9 NOV" and "+99 NOV" in one stamp's
/// readings, for 09.)
fn day_of(token: &str) -> Option<u32> {
    let number = |t: &str| -> Option<u32> { digitize(t).filter(|s| s.len() <= 2)?.parse().ok() };
    let day = number(token)?;
    match token.strip_prefix(['G', '9', '6', '8']) {
        Some(rest) if day > 31 => number(&format!("0{rest}")),
        _ => Some(day),
    }
}

/// Whether what follows a day and a month holds no year at all: nothing,
/// no digits, three digits, or four that make no year of ours ("2136").
/// A year read clearly ("2012": an old stamp on a copy) is kept, and two or
/// five digits are [`year_one_digit_away`]'s.
pub(super) fn year_lost(next: Option<&str>) -> bool {
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
pub(super) fn any_year(d: &str, m: &str) -> Vec<NaiveDate> {
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
    every_year(month, day)
}

/// A day and a month in every year of the century: the years a stamp's
/// lost or garbled year may have been, for plausibility to choose.
pub(super) fn every_year(month: u32, day: u32) -> Vec<NaiveDate> {
    (2000..2100)
        .filter_map(|year| NaiveDate::from_ymd_opt(year, month, day))
        .collect()
}

/// The dates a triple gives when one digit of its two- or four-digit year
/// is replaced by another, or its year was cut short: tried after the year
/// as read (and its usual confusions), only for a keyed date.
pub(super) fn year_one_digit_away(d: &str, m: &str, y: &str) -> Vec<NaiveDate> {
    let Some(digits) = digitize(y).filter(|y| (1..=4).contains(&y.len())) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // A year cut short at the stamp's edge ("20.11.2", "13.10.202"): every
    // year it may begin; three digits may also have lost one inside, where
    // print crossed it ("226" for 2026).
    let lost_inside = |year: &str| {
        digits.len() == 3
            && (0..4).any(|at| format!("{}{}", &year[..at], &year[at + 1..]) == digits)
    };
    if digits.len() % 2 == 1 && digits.starts_with('2') {
        for year in 2000..2100 {
            let year_digits = year.to_string();
            if year_digits.starts_with(&digits) || lost_inside(&year_digits) {
                out.extend(
                    triples(d, m, &year_digits)
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

pub(super) fn is_keyword(token: &str) -> bool {
    let word = letterize(token);
    // "Reg." (registered) and "Innk." (received) are stamp words too; too
    // short for slips.
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

/// The receiving body on a stamp without a stamp word: "VOSS HERAD",
/// "RANA KOMMUNE", the department or unit by its own word ("Helse og
/// omsorg", "Rus og psykisk helse"; one OCR slip allowed); with `offices`,
/// also "Bydel Nord" and an office or service by the ending of its name in
/// the definite form, as it names itself on its stamp
/// ("Tildelingskontoret", "Heimetenesta", "Hjemmetjenesten",
/// "Hjemmesykepleien", "Heimesjukepleia").
pub(super) fn is_receiver_word(token: &str, offices: bool) -> bool {
    let word = letterize(token);
    let close = |k: &&str| edit_distance(&word, k) <= 1;
    word.len() >= 5
        && (["KOMMUNE", "HERAD", "OMSORG", "HELSE"].iter().any(close)
            || offices
                && (["BYDEL", "POSTMOTTAK"].iter().any(close)
                    || ["KONTORET", "TJENESTEN", "TENESTA", "PLEIEN", "PLEIA"]
                        .iter()
                        .any(|end| word.len() > end.len() + 2 && word.ends_with(end))))
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
