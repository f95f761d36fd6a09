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
        \b(?P<d1>\d{{1,2}})\s?[./]\s?(?P<m1>\d{{1,2}})\s?[./,]\s?(?P<y1>\d{{4}}|\d{{2}})\b
        | \b(?P<d4>\d{{2}})(?P<m4>\d{{2}})\.(?P<y4>\d{{4}})\b
        | \b(?P<d5>\d{{1,2}})/(?P<m5>\d{{1,2}})(?:-(?P<y5>\d{{4}}|\d{{2}})|\s(?P<y6>\d{{4}}))\b
        | \b(?P<y2>\d{{4}})-(?P<m2>\d{{2}})-(?P<d2>\d{{2}})\b
        | \b(?P<d3>\d{{1,2}})\.?\s*(?P<m3>{MONTHS})\.?\s*(?P<y3>\d{{4}})\b
        | \b(?P<m7>{ENGLISH_MONTHS})\s+(?P<d7>\d{{1,2}}),?\s+(?P<y7>\d{{4}})\b"
    ))
    .expect("static regex")
});

/// Word stems after which a date is not the letter's own (a word on the same
/// line before the date containing one of these, folded).
const NOT_LETTER_DATE_STEMS: &[&str] = &[
    "fodt",
    "fodd",
    "fodsel",
    "frist",
    "innen",
    "innan",
    "senest",
    "seinast",
    "mottatt",
    "motteke",
    "innkommet",
    "datert",
    "vedtak",
    "deres",
    "dykkar",
    "dykker",
    "innlagt",
    "utskrevet",
    "utskriven",
    "siden",
    "sidan",
    "gjeldende",
    "gjeldande",
    "soknad",
    "klage",
    "journal",
    "dodsfall",
    "oppstart",
    "timeavtale",
    "mote",
    "apent",
    "periode",
    "fristen",
];
/// Whole words with the same effect (too short to match as stems).
const NOT_LETTER_DATE_WORDS: &[&str] = &[
    "f", "for", "fom", "tom", "o", "m", "av", "fra", "til", "kl", "dod", "jeg", "eg", "vi", "han",
    "hun", "ho", "time", "pr", "per", "etter", "innen", "ved", "om",
];

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

/// "Førde, " (or "Førde, mandag ", "Hemnesberget/Mo, ") before a date; OCR
/// may put specks of punctuation in front.
static PLACE_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[\s.,:;'`´|\-]*[a-z][a-z .\-/]{1,40}(,\s*|\s+)((man|tirs|tys|ons|tors|fre|lor|laur|son|sun)dag,?\s+)?(den\s+)?$",
    )
    .expect("static regex")
});
/// A label naming the document's own date: "Dato:", "Vår dato:", and the
/// compounds invoices and reminders use for theirs ("Purredato:"); a due
/// date ("Forfallsdato:") is not one. A clinic's note writes the moment
/// ("Dato/tid:"), a mail program the weekday ("Dato: søn 8. nov 2026"), a
/// note or a message its own ("Dato for notat:", "Dato sendt:").
static DATE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(^|\s)((var|vaar)\s+)?(fakturadato|purredato|purringsdato|brevdato|utskriftsdato|utstedelsesdato|utsendingsdato|epikrisedato|dato for (epikrisen?|notat(et)?|brev(et)?|melding(en|a)?|rapport(en)?)|dato sendt|dato|date)(\s*(/|og)\s*(tid|tidspunkt|klokkeslett|kl\.?))?\s*[:.]?\s*((man|tirs?|tys|ons|tors?|fre|lor|laur|son|sun)(dag)?\.?,?\s*)?$",
    )
    .expect("static regex")
});
/// A report's field for when it was written ("Skrive: 06.10.2026",
/// "Skrevet:"), beside its admission and discharge dates.
static WRITTEN_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(^|\s)(skrive|skrevet|skriven)\s*:\s*$").expect("static regex"));
/// A record's approval line, its date the day the document was finished
/// ("Elektronisk godkjent 14.10.2026", "Signert elektronisk: …"): at the
/// start of its line, not an enclosure's "samtykke, signert 30.09.2026".
static APPROVED_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[\s.,:;'`´|\-]*((elektronisk|digitalt)\s+)?(godkjent|signert|underskrevet)(\s+(elektronisk|digitalt))?(\s+med\s+bankid)?\s*[:.]?\s*$",
    )
    .expect("static regex")
});
/// A form's place-and-date field ("Sted og dato: Mo i Rana, 02.11.2026",
/// "Stad/dato:"): the place after it is the letter's place line.
/// The letterhead's reference row whose last field is the date, its
/// "Dato" heading lost or never printed ("Deres ref.: 2023/781 Vår ref.:
/// AP-VL-1187 12.10.2026").
static REFERENCE_ROW: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(var|vaar)\s+ref\b").expect("static regex"));
/// The letterhead's reference row as a table: headings on one line ("Vår
/// ref. Dykkar ref. Sakshandsamar Dato"), their values on the next, the
/// date last under "Dato".
static DATED_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\bref\b.*?(?P<before>\w+)?\s*\bdato\s*[:.]?\s*$").expect("static regex")
});
/// A compound "…dato:" label ("Rapportdato:", "Kontrolldato:"): the
/// document's date unless its first part names another event (see
/// `EVENT_STEMS`).
static COMPOUND_DATE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(^|\s)(?P<first>[a-z]{3,})dato\s*[:.]?\s*$").expect("static regex")
});
/// First parts of a "…dato" that date something other than the document:
/// a birth, an admission, a start or end, a due payment, a move, an injury.
const EVENT_STEMS: &[&str] = &[
    "fod", "innlegg", "innskriv", "utskriv", "utskrev", "start", "slutt", "forfall", "betal",
    "flytt", "tildel", "avslut", "gyldig", "lever", "avtal", "besok", "time", "dod", "iverks",
    "virkning", "endring", "innflytt", "utflytt", "reise", "opphold", "skade", "hendel", "hending",
    "ulykk", "uhell",
];
/// An address line with the place and date run into it, the two columns of
/// a letterhead read as one line ("Til Sunnvik kommune, Helse og omsorg
/// Bergen 09.11.2026").
static ADDRESS_THEN_PLACE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\s>]*til\b[^\d]*\s[a-z][a-z\-]+\s+$").expect("static regex"));

/// A web form's submission field ("Innsendt: 19.11.2026 kl. 20:36"), or a
/// message transcript's "Mottatt: 13.10.2026 kl. 19.42" beside "Fra:" (a
/// stamp's "Mottatt" line never gets this far); with its colon only, never
/// prose ("søknad …, innsendt 02.11.2026").
static SUBMITTED_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\s>]*(innsendt|sendt inn|mottatt|motteke)\s*:\s*$").expect("static regex")
});
static FORM_PLACE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\s.,:;'`´|\-]*(sted|stad)\s*(og|/|,|\+)?\s*dato\s*[:.]?").expect("static regex")
});
/// A printed e-mail's own header ("Sendt: mandag 9. november 2026 08:12"):
/// the day it was sent, a weekday before it and a time after it allowed.
static SENT_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[\s>]*(sendt|send|sent|date)\s*:\s*((man|tirs|tys|ons|tors|fre|lor|laur|son|sun)dag,?\s+|(mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?(den\s+)?$",
    )
    .expect("static regex")
});
/// The same header inside a line, after the sender's: a printed e-mail
/// whose header fields run together ("Fra: x@y.no Sendt: 20.11.2026 23:48
/// Emne: …"). Read as a label, so the address before it excludes nothing.
static SENT_IN_HEADER_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[\s>]*fra\s*:.*\s(sendt|send|sent)\s*:\s*((man|tirs|tys|ons|tors|fre|lor|laur|son|sun)dag,?\s+)?(den\s+)?$",
    )
    .expect("static regex")
});
/// A signature line that ends the letter with its date after the writer's
/// facts ("Hilsen Reidun Hovde, Ytteren, 4/11-26", "Mvh Siri Aune 977 20
/// 113, 30.10.2026"): a comma or a greeting before the closing date.
static SIGNATURE_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(,\s*$)|^[\s.,:;'`´|\-]*(hilsen|helsing|mvh|vh|med vennlig|venleg|vennlig)\b")
        .expect("static regex")
});
/// Header fields run together on one line, the place and date after them:
/// "Deres ref.: Vår ref.: 2611-HJ/mk Mo i Rana, 19. november 2026",
/// "Vår ref.: 26-144 Sted/dato: Mo i Rana, 06.11.2026". The place after a
/// reference's value, or after a "Sted/dato:" field anywhere in the line.
static PLACE_AFTER_HEADER_FIELDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(\bref\.?\s*:\s*\S+\s+[a-z][a-z .\-]{1,40},\s*|\b(sted|stad)\s*(og|/)?\s*dato\s*[:.]\s*([a-z][a-z .\-]{1,40},?\s*)?)$",
    )
    .expect("static regex")
});
/// A printed message's sender line with the moment it was sent, as mail
/// programs print it ("Hanne S. <hanne@gmail.com>   6. oktober 2026 kl.
/// 21:47", "… <x@y.no> tir. 6. okt. 2026, 21:47"): the address, perhaps a
/// weekday, then the date, with its clock time after it (see `score`).
static SENDER_ADDRESS_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"@[a-z0-9.\-]+\.[a-z]{2,}>?\s+((man|tir|tirs|tys|ons|tor|tors|fre|lor|laur|son|sun)(dag)?\.?,?\s+)?$",
    )
    .expect("static regex")
});
/// A phone's or tablet's signature with the day it was sent ("Sendt fra
/// min iPad, 24.10.2026", "Sendt frå iPad 14.11.2026").
static SENT_FROM_DEVICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\s>]*sendt?\s+fra\s+(min\s+|mi\s+)?[a-z][a-z0-9 ]{1,20}?,?\s*$")
        .expect("static regex")
});
/// A message's own time field ("Tid: 22.11.2026 kl. 03:48" heading a PLO
/// message), at the start of its line; a weak label (see `score`).
static TIME_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\s.,:;'`´|\-]*(tid|tidspunkt|sendt tidspunkt)\s*:\s*$").expect("static regex")
});
/// A discharge summary is dated the day the stay ended ("Innlagt:
/// 02.11.2026 Utskrevet: 10.11.2026"): a labelled discharge date is the
/// letter's date when the letter shows no other.
static DISCHARGE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(utskrevet|utskriven|utskrivingsdato|utskrivningsdato)\s*:\s*$")
        .expect("static regex")
});
/// A letter may be dated a few days ahead of the day it arrives; a date
/// later than that is a deadline or a validity ("gjeld til: 31.12.2027").
const MAX_DAYS_DATED_AHEAD: u64 = 7;

/// The letter's own date, when the letter shows one.
pub fn document_date(text: &str) -> Option<NaiveDate> {
    document_date_arrived(text, None)
}

/// The letter's own date, never later than a few days after `arrived`.
pub fn document_date_arrived(text: &str, arrived: Option<NaiveDate>) -> Option<NaiveDate> {
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
    let dater = super::stamp::wordless_stamp_dates(text);
    let mut best: Option<Candidate> = None;
    for (i, line) in lines.iter().enumerate() {
        let heading_above = i > 0 && dated_heading(lines[i - 1]);
        // A stamp drawn as two lines: "MOTTATT" above its date.
        let after_stamp =
            i > 0 && stamp_line[i - 1] && lines[i - 1].len() < 30 && !DATE.is_match(lines[i - 1]);
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
            let whole_line = line.trim().len() <= m.len() + 4;
            if whole_line && dater.contains(&date) {
                continue;
            }
            let score = score(
                line,
                m.start(),
                m.end(),
                rank(i),
                non_empty.len(),
                heading_above,
            );
            let plausible =
                (2000..=2100).contains(&date.year()) && latest.is_none_or(|l| date <= l);
            let score_here = score - enclosed(i);
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

/// A web form's receipt field with its moment ("Motteke: 13.10.2026
/// 08:47"): when the form was sent in, not a received stamp, which has a
/// day and no clock time.
fn submitted_moment(line: &str) -> bool {
    DATE.find(line).is_some_and(|m| {
        SUBMITTED_LABEL.is_match(&line[..m.start()])
            && CLOCK_AFTER.is_match(line[m.end()..].trim_start())
    })
}

/// A note's date line: a day and month without a year, after a weekday
/// ("mandag 16.11", "Mandag 26. oktober"), a place ("Voss 27/11", "Mo,
/// måndag 9. nov.") or alone ("26/11"). The year is the latest, of the
/// arrival's and the year before, that is not after the arrival (a week's
/// slack) and on which a written weekday falls; without one the line is no
/// date.
fn yearless_date_line(line: &str, arrived: NaiveDate) -> Option<NaiveDate> {
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
        place.split_whitespace().count() <= 3
            && !place.split_whitespace().any(|w| NOT_A_PLACE.contains(&w))
    })
}

/// A weekday as a folded word, bokmål or nynorsk (the one list: urgency
/// reads deadlines by it too).
pub(super) fn weekday_of(folded: &str) -> Option<chrono::Weekday> {
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

fn score(
    line: &str,
    start: usize,
    end: usize,
    rank: usize,
    lines: usize,
    heading_above: bool,
) -> i32 {
    let whole_prefix = &line[..start];
    // A form's "Sted og dato:" field is read as the place line it holds.
    let prefix = FORM_PLACE_DATE
        .find(whole_prefix)
        .map_or(whole_prefix, |m| &whole_prefix[m.end()..]);
    let form_field = prefix.len() < whole_prefix.len();
    let suffix = line[end..].trim_matches(|c: char| c.is_whitespace() || ".,;".contains(c));
    // A noisy scan leaves specks after the date ("Skonseng 16.10.2026 ‘ ."):
    // a few characters without a letter or digit are no text.
    let suffix = if suffix.chars().count() <= 4 && !suffix.chars().any(char::is_alphanumeric) {
        ""
    } else {
        suffix
    };
    // "Deres dato" is the other party's date, not this letter's.
    let tail: String = prefix
        .chars()
        .rev()
        .take(16)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let labelled = (DATE_LABEL.is_match(prefix) && !other_partys(&tail))
        || WRITTEN_LABEL.is_match(prefix)
        || APPROVED_LABEL.is_match(prefix)
        || SENT_IN_HEADER_LINE.is_match(prefix)
        || SENT_HEADER.is_match(prefix)
        || SUBMITTED_LABEL.is_match(prefix)
        || SENT_FROM_DEVICE.is_match(prefix)
        || (SENDER_ADDRESS_LINE.is_match(prefix) && CLOCK_AFTER.is_match(suffix))
        || (REFERENCE_ROW.is_match(prefix) && suffix.is_empty() && !other_partys(&tail))
        || PLACE_AFTER_HEADER_FIELDS.is_match(prefix)
        || (heading_above && suffix.is_empty())
        || COMPOUND_DATE_LABEL
            .captures(prefix)
            .and_then(|c| c.name("first"))
            .is_some_and(|first| {
                let first = first.as_str();
                !EVENT_STEMS
                    .iter()
                    .chain(NOT_LETTER_DATE_STEMS)
                    .any(|s| first.contains(s))
            });
    // Weak labels: a discharge date, or a "Tid:" field that may as well be
    // an invitation's event ("Tid: 14. januar 2027 kl. 09.00"); either is
    // the letter's date only when nothing stronger dates it.
    let weak_label =
        TIME_LABEL.is_match(prefix) || (DISCHARGE_LABEL.is_match(prefix) && suffix.is_empty());
    let excluded = prefix
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .any(|w| {
            NOT_LETTER_DATE_WORDS.contains(&w)
                || NOT_LETTER_DATE_STEMS.iter().any(|s| w.contains(s))
        });
    // "Til" excludes a date after it ("til 03.12.2026"), but not the place
    // and date at the end of an address line.
    let address_then_place = ADDRESS_THEN_PLACE.is_match(prefix) && suffix.is_empty();
    if excluded && !labelled && !weak_label && !address_then_place {
        return 0;
    }
    let mut score = 0;
    if labelled || (form_field && prefix.trim().is_empty()) {
        score += 6;
    } else if address_then_place
        || (PLACE_PREFIX.is_match(prefix)
            && (suffix.is_empty() || set_apart(suffix) || signed(suffix, rank, lines)))
    {
        score += 5;
    } else if prefix.trim().is_empty()
        && (suffix.is_empty() || (rank == 0 && CLOCK_AFTER.is_match(suffix)))
    {
        // A date alone on its line; or a fax's transmission line, the
        // page's first, opening with the moment it was sent ("20.10.2026
        // 14:12  FAX 73 82 14 99  STJØRDAL LEGESENTER").
        score += 4;
    } else if rank + 1 == lines && suffix.is_empty() && SIGNATURE_PREFIX.is_match(prefix) {
        // The letter's last line closes it with the date.
        score += 4;
    } else if weak_label {
        score += 4;
    }
    if rank < 15 || rank + 12 >= lines {
        score += 1;
    }
    score
}

/// A reference row's headings whose last is this letter's "Dato" (not
/// "Deres dato").
fn dated_heading(line: &str) -> bool {
    DATED_HEADING.captures(line).is_some_and(|c| {
        c.name("before")
            .is_none_or(|word| !other_partys(word.as_str()))
    })
}

/// "Deres dato", "Dykkar ref.": the other party's, not this letter's.
fn other_partys(tail: &str) -> bool {
    ["deres", "dykkar", "dykker"]
        .iter()
        .any(|w| tail.contains(w))
}

/// What follows a place line's date behind a separator is the writer's
/// contact details ("Mo, 24.11.2026 - tlf 952 18 470"), not a sentence.
fn set_apart(suffix: &str) -> bool {
    ["- ", "– ", "| ", "/ "]
        .iter()
        .any(|s| suffix.starts_with(s))
        || CLOCK_AFTER.is_match(suffix)
        || STAMP_DATE_RUN_IN.is_match(suffix)
        || REFERENCE_FIELD_AFTER.is_match(suffix)
}

/// The letterhead's reference fields after the place and date on one line
/// ("Stord, 11.11.2026 Saksnr.: 26-081455", "… Vår ref.: 26/11934"): the
/// row the date heads, not a sentence (read off O's misses).
/// The moment after a place line's date: "Rana legevakt, 30.11.2026 kl.
/// 04.10", a fax's "27.11.2026 14:12".
static CLOCK_AFTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(kl\.?\s*)?\d{1,2}[.:]\d{2}\b").expect("static regex"));
static REFERENCE_FIELD_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^((var|vaar|deres|dykkar|dykker)\s+)?(ref|referanse|saksnr|sak\s*nr|saksnummer|arkivkode|arkivnr|journalnr|jnr)\b\.?\s*:",
    )
    .expect("static regex")
});

/// A stamp's date OCR ran into the place line ("Skarvik, 30. oktober 2026
/// aa NOV. 2026"): a few specks, then a month and a year, nothing else.
static STAMP_DATE_RUN_IN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^\S{{0,4}}\s*\d{{0,2}}\.?\s*({MONTHS})\.?\s*\d{{2,4}}\s*\S?$"
    ))
    .expect("static regex")
});

/// At a letter's close the writer may sign on the place line itself ("Mo
/// 28.10.26 Gerd Nordli"): a name of a few words, nothing else.
fn signed(suffix: &str, rank: usize, lines: usize) -> bool {
    rank + 2 >= lines
        && suffix.split_whitespace().count() <= 3
        && suffix
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '-' || c == '.')
}

/// The date of a received stamp in running text ("MOTTATT 04 NOV 2026",
/// "Mottatt: 04.11.2026", the date on the line under "MOTTATT"), OCR
/// confusions included (see `stamp`); the first one found.
pub fn stamped_date(text: &str) -> Option<NaiveDate> {
    super::stamp::stamp_dates_in_text(text).into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<NaiveDate> {
        (s != "-").then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
    }

    /// (letter excerpt, expected document date or "-")
    const DOCUMENT_DATES: &[(&str, &str)] = &[
        ("Mo i Rana, 3. november 2026\n\nSøknad om BPA", "2026-11-03"),
        // A registry stamp's date is not the letter's.
        (
            "Reg. 22.09.26\nRus og psykisk helse\nFULLMAKT\n\nSolvik 21.09.2026",
            "2026-09-21",
        ),
        ("Bodø 12. okt. 2026", "2026-10-12"),
        ("Oslo, den 1. desember 2026", "2026-12-01"),
        ("Dato: 03.11.2026", "2026-11-03"),
        ("Vår dato: 2026-11-03   Vår ref: 26/123", "2026-11-03"),
        ("Deres dato: 20.10.2026\nVår dato: 03.11.2026", "2026-11-03"),
        ("Dato/tid: 21.11.2026 kl. 22.15", "2026-11-21"),
        ("Dato og tid: 21.11.2026 22:15", "2026-11-21"),
        // A note's or a message's own date field.
        (
            "Konsultasjon: 16.10.2026    Dato for notat: 19.10.2026",
            "2026-10-19",
        ),
        (
            "Innlagt 07.11.2026\nDato sendt: 09.11.2026 kl. 16:03",
            "2026-11-09",
        ),
        // A place line's moment after its date, a fax's transmission line.
        (
            "Rana interkommunale legevakt, 30.11.2026 kl. 04.10\nPasienten kom inn",
            "2026-11-30",
        ),
        ("FAKS  27.11.2026 14:12   SYKEHUSET   S. 1/1", "2026-11-27"),
        // A fax's transmission line opening the page with its moment.
        (
            "20.10.2026 14:12    FAX 73 82 14 99    LEGESENTER\n\nTELEFAKS",
            "2026-10-20",
        ),
        // Mail programs: the sender's address and the moment it was sent,
        // an English locale's header, a tablet's signature.
        (
            "Hanne <hanne.s82@gmail.com>   6. oktober 2026 kl. 21:47\nTil: post@rana.kommune.no",
            "2026-10-06",
        ),
        (
            "From: Bente <b@icloud.com>\nSent: Monday, October 12, 2026 9:03 AM\nTo: helse",
            "2026-10-12",
        ),
        ("Hei\nKan de ringe meg?\nSendt frå iPad 14.11.2026", "2026-11-14"),
        // A web form's receipt with its moment is no stamp.
        (
            "Søknad om helse- og omsorgstenester\nMotteke: 13.10.2026 08:47\nKvittering nr. 88120",
            "2026-10-13",
        ),
        // A record's approval line.
        (
            "Epikrise\nInnlagt: 28.09.2026    Utskrevet: 09.10.2026\n\nElektronisk godkjent 14.10.2026",
            "2026-10-14",
        ),
        ("Vedlegg: Samtykke til innhenting, signert 24.09.2026", "-"),
        ("Neste time 12.11.2026 kl. 10:00", "-"),
        // A later page may be an enclosure with its own earlier date; a
        // date found only there still counts.
        (
            "Mo, 19.11.2026\nKopi av fullmakten ligger ved.\n\u{c}Vår dato: 04.11.2026",
            "2026-11-19",
        ),
        ("Søknad\n\u{c}Mo, 19.11.2026", "2026-11-19"),
        // A mail program's header writes the weekday first.
        ("Dato: søn 8. nov 2026 02:14\nHei", "2026-11-08"),
        // Two places, and a name signed on the closing place line.
        (
            "Hemnesberget/Mo, 2. november 2026\n\nDagsenteret",
            "2026-11-02",
        ),
        (
            "Far døde i natt.\nSengen kan hentes.\n\nMo 28.10.26 Gerd Nordli",
            "2026-10-28",
        ),
        // A place line with a sentence after the date is no date line.
        (
            "Mo 28.10.26 kom mor hjem igjen fra sykehuset\nHilsen Gerd",
            "-",
        ),
        ("03.11.2026\n\nKlage på vedtak", "2026-11-03"),
        ("Hilsen\nKari\n\n3/11/2026", "2026-11-03"),
        ("Førde, 5. mars 2026", "2026-03-05"),
        ("Volda 14. juni 2026", "2026-06-14"),
        ("Dato: 1. des. 2026", "2026-12-01"),
        ("Mosjøen, 2 nov 2026", "2026-11-02"),
        ("Dato: 3.11.26", "2026-11-03"),
        ("Hilsen\nAndreas\n0311.2026", "2026-11-03"),
        ("Dato: 03.11,2026", "2026-11-03"),
        ("Hilsen Tove\n4/11-2026", "2026-11-04"),
        ("beskjed.\n. Førde, 2. november 2026", "2026-11-02"),
        ("Kontonr. 1503.2248", "-"),
        ("Skjema\nSøkjar: Liv\nInnsendt 04.11.2026", "2026-11-04"),
        // Not the letter's date.
        ("Ola Nordmann, født 12.03.1948", "-"),
        ("Eg er fødd 3. mai 1950.", "-"),
        ("Klagefrist: 24.11.2026", "-"),
        ("Svar innen 15. november 2026.", "-"),
        ("MOTTATT\n04 NOV 2026", "-"),
        ("MOTTATT 04 NOV 2026", "-"),
        ("Vi viser til vedtak datert 01.10.2026.", "-"),
        (
            "Jeg var innlagt 12.10.2026 til 20.10.2026 og trenger hjelp.",
            "-",
        ),
        ("Deres dato: 20.10.2026", "-"),
        ("Ingen dato her", "-"),
        ("Dato: 31.02.2026", "-"),
        // The letter date wins over a deadline and a birth date.
        (
            "Mo i Rana, 3. november 2026\nFødt 01.01.1950\nFrist 01.12.2026",
            "2026-11-03",
        ),
        ("MOTTATT 04 NOV 2026\nRana, 2. november 2026", "2026-11-02"),
        // The place and date line on a noisy scan.
        ("Skonseng 16.10.2026", "2026-10-16"),
        ("Mo, 26. oktober 2026", "2026-10-26"),
        ("| Skonseng 16.10.2026 ‘ .", "2026-10-16"),
        ("Mo, 26. oktober 2026 »", "2026-10-26"),
        // A form's place-and-date field, an invoice's date, a printed
        // e-mail's own "Sendt:" header.
        ("Stad og dato: Mo i Rana, 2. november 2026", "2026-11-02"),
        ("Sted/dato: Mo i Rana 11.11.2026", "2026-11-11"),
        ("Sted og dato: 12.11.2026", "2026-11-12"),
        (
            "Fakturadato: 18.11.2026\nForfallsdato: 02.12.2026",
            "2026-11-18",
        ),
        (
            "Fra: Per\nSendt: mandag 9. november 2026 08:12",
            "2026-11-09",
        ),
        ("Sendt: 10. november 2026 21:14\nTil: post", "2026-11-10"),
        ("Forfallsdato: 02.12.2026", "-"),
        ("Mo i Rana, mandag 9. november 2026", "2026-11-09"),
        // A compound label of the document's own date; a due date is not.
        (
            "PURRING\nPurredato: 17.11.2026\nForfall: 31.10.2026",
            "2026-11-17",
        ),
        // A printed e-mail whose header fields run together on one line.
        (
            "Fra: ola@example.no Sendt: 20.11.2026 23:48 Emne: Papirene",
            "2026-11-20",
        ),
        // The last line closes the letter with the date after the
        // writer's facts; the same line earlier in the letter does not.
        (
            "Eg søkjer om hjelp.\nTrond, Åsvegen 12, Mo i Rana, 12.11.2026",
            "2026-11-12",
        ),
        (
            "Hjelp meg.\nHilsen Reidun Hovde, Ytteren, 4/11-26",
            "2026-11-04",
        ),
        ("Mvh Siri Aune 977 20 113, 30.10.2026", "2026-10-30"),
        ("Vi kom hit 12.11.2026\nHilsen Kari", "-"),
        // Header fields run together, the place and date after them.
        (
            "Deres ref.: Vår ref.: 2611-HJ/mk Mo i Rana, 19. november 2026",
            "2026-11-19",
        ),
        (
            "Vår ref.: 26-1449 Sted/dato: Mo i Rana, 06.11.2026",
            "2026-11-06",
        ),
        ("Deres ref.: 2026/10455-3 Deres dato: 02.11.2026", "-"),
        // A message's time field; a discharge summary's discharge date
        // when nothing else dates it.
        ("Tid: 22.11.2026 kl. 03:48", "2026-11-22"),
        ("Innlagt: 02.11.2026 Utskrevet: 10.11.2026", "2026-11-10"),
        (
            "Tromsø, 12.11.2026\nInnlagt: 02.11.2026 Utskrevet: 10.11.2026",
            "2026-11-12",
        ),
        (
            "Tid: 14. januar 2027 kl. 09.00\nPåmelding innan 10.12.2026\nBodø, 23.11.2026",
            "2026-11-23",
        ),
        (
            "Hilsen Wenche\nMo, 24.11.2026 - tlf 952 18 470",
            "2026-11-24",
        ),
        ("Han kom hjem, 12.11.2026\nHilsen Kari", "-"),
    ];

    #[test]
    fn document_date_by_position() {
        for (text, expected) in DOCUMENT_DATES {
            assert_eq!(document_date(text), d(expected), "text {text:?}");
        }
        // A validity or deadline after the day the letter arrived is not
        // its date.
        let form = "Samtykket gjeld til: [X] dato: 31.12.2027\n\nVestvik 29.09.2026";
        let arrived = NaiveDate::from_ymd_opt(2026, 10, 2);
        assert_eq!(document_date_arrived(form, arrived), d("2026-09-29"));
    }

    /// (excerpt, expected stamp date or "-")
    const STAMPS: &[(&str, &str)] = &[
        ("MOTTATT 04 NOV 2026", "2026-11-04"),
        ("MOTTATT\n04 NOV. 2026", "2026-11-04"),
        ("Mottatt: 04.11.2026", "2026-11-04"),
        ("MOTTEKE 5. DES 2026", "2026-12-05"),
        ("M0TTATT 04 NOV 2026", "2026-11-04"),
        ("Rana, 3. november 2026", "-"),
        ("Vi har mottatt brevet ditt", "-"),
    ];

    #[test]
    fn stamp_dates() {
        for (text, expected) in STAMPS {
            assert_eq!(stamped_date(text), d(expected), "text {text:?}");
        }
    }

    #[test]
    fn a_notes_weekday_date_takes_its_year_from_the_arrival() {
        let arrived = d("2026-11-17");
        let got = |t: &str| document_date_arrived(t, arrived);
        assert_eq!(got("mandag 16.11\n\nTil rusteamet\nHei"), d("2026-11-16"));
        assert_eq!(got("Hei\n\nTirsdag 24.11.\nKari"), d("2026-11-24"));
        assert_eq!(got("Mandag 26. oktober\n\nTil kommunen"), d("2026-10-26"));
        // The weekday must fit the day: 16.11.2026 is a Monday.
        assert_eq!(got("fredag 16.11\n\nTil rusteamet"), None);
        // Without an arrival day there is no year to give it.
        assert_eq!(document_date("mandag 16.11\n\nTil rusteamet"), None);
        // A sentence's end on the next line is no date line; under an
        // address or a stamp it is.
        let run_on = "Vi seier opp heimehjelpa frå neste månad. Den siste gongen blir då\ntorsdag 12. november.\n\nHelsing";
        assert_eq!(got(run_on), None);
        assert_eq!(
            got("Kari\nVieveien 14, 6800 Førde\nMandag 16. november"),
            d("2026-11-16")
        );
    }

    #[test]
    fn a_notes_place_and_day_and_month_take_the_year_from_the_arrival() {
        let arrived = d("2026-12-01");
        let got = |t: &str| document_date_arrived(t, arrived);
        let note = "Hei\nKan de stoppe middagen.\n\nVoss 27/11\nKari";
        assert_eq!(got(note), d("2026-11-27"));
        assert_eq!(got("Mo, måndag 9. nov.\n\nHei"), d("2026-11-09"));
        assert_eq!(
            got("Hei\nHjelpa kom ikkje.\n\n26/11\nKari"),
            d("2026-11-26")
        );
        // December's notes from last year, not the coming one.
        assert_eq!(got("Hei\n\nMo 28/12\nKari"), d("2025-12-28"));
        // A weekday that does not fit the day, or a time, is no date line.
        assert_eq!(got("Mo, fredag 9. nov.\n\nHei"), None);
        assert_eq!(got("Hei\nNeste time 25/11\nKari"), None);
        assert_eq!(got("Hei\nFrist 25.11\nKari"), None);
    }

    #[test]
    fn a_stamp_on_the_place_line_leaves_the_letters_date() {
        let arrived = d("2026-12-01");
        let got = |t: &str| document_date_arrived(t, arrived);
        // The stamp's word above the date line, its date run into it.
        let text = "Ta kontakt.\n\nOTTEKE\nSkarvik, 30. oktober 2026 aa NOV. 2026\nHelsing\nOlav";
        assert_eq!(got(text), d("2026-10-30"));
        // The stamp's own date under its word is still no letter date.
        assert_eq!(got("Hei\n\nMOTTATT\n03.11.2026\n\nHilsen Kari"), None);
    }

    #[test]
    fn a_reference_table_dates_the_letter_under_its_dato_heading() {
        let letter = "Helse Nord\n\nVår ref. Deres ref. Saksbehandler Dato\n2026/114 - Kari Li 07.10.2026\n\nSøknad";
        assert_eq!(document_date(letter), d("2026-10-07"));
        let nynorsk = "Vår ref.      Dykkar ref.     Dato\n26/1022-4 / MH    -    02.10.2026\n";
        assert_eq!(document_date(nynorsk), d("2026-10-02"));
        // The last heading the other party's date: not this letter's.
        let theirs = "Vår ref. Deres ref. Deres dato\n26/14 2026/881 28.10.2026\n";
        assert_eq!(document_date(theirs), None);
    }

    #[test]
    fn a_compound_dato_label_dates_the_letter_unless_it_names_another_event() {
        let got = |t: &str| document_date(t);
        assert_eq!(
            got("Alarmrapport\nRapportdato: 02.11.2026\n"),
            d("2026-11-02")
        );
        assert_eq!(got("Notat\nKontrolldato: 19.10.2026\n"), d("2026-10-19"));
        assert_eq!(got("Svar\nFødselsdato: 12.03.1948\n"), None);
        assert_eq!(got("Krav\nSkadedato: 18.09.2026\n"), None);
        assert_eq!(got("Plan\nOppstartsdato: 01.12.2026\n"), None);
    }

    #[test]
    fn address_and_place_line_run_together_date_the_letter() {
        let got = |t: &str| document_date(t);
        let merged = "Til Sunnvik kommune, Helse og omsorg Bergen 09.11.2026\n\nSøknad";
        assert_eq!(got(merged), d("2026-11-09"));
        let colon = "Til: Sunnvik kommune, rus og psykisk helse Sogndal 5.11.2026\n";
        assert_eq!(got(colon), d("2026-11-05"));
        // A deadline after "til" is none.
        assert_eq!(got("Vi ber om svar til 03.12.2026 om mulig."), None);
    }

    #[test]
    fn month_abbreviations_with_br_and_a_weekday_with_a_slash() {
        assert_eq!(document_date("Myrvang, 19. novbr. 2026\n"), d("2026-11-19"));
        assert_eq!(document_date("Mo, 2. septbr. 2026\n"), d("2026-09-02"));
        let note = "Hei\n\nmandag 23/11\n\nStrømmen er borte og vi har ikke mat.";
        assert_eq!(
            document_date_arrived(note, d("2026-11-25")),
            d("2026-11-23")
        );
    }

    #[test]
    fn a_forwarded_mails_outer_header_dates_it() {
        let mail = "Fra: Roger <r@example.no>\nSendt: tirsdag 10. november 2026 12:03\nEmne: VS: Endring\n\nHei.\n\n-----Videresendt melding-----\nFra: Legesenteret\nDato: 9. november 2026 15:40\nEmne: Endring";
        assert_eq!(document_date(mail), d("2026-11-10"));
    }

    #[test]
    fn a_message_headers_received_time_is_the_letters_date() {
        let sms = "Avskrift av SMS til Servicetorget\nMottatt: 13.10.2026 kl. 19.42\nFra: 977 14 680\n\n\"Hei. Jeg vil søke.\"";
        assert_eq!(document_date(sms), d("2026-10-13"));
    }

    #[test]
    fn reference_fields_after_the_place_and_date_leave_it_the_letters() {
        let got = |t: &str| document_date(t);
        let head = "VEST POLITIDISTRIKT\n\nStord, 11.11.2026 Saksnr.: 26-081455TVA\n\nVARSEL\nFravikelsen gjennomføres tirsdag 24.11.2026 kl. 09.00";
        assert_eq!(got(head), d("2026-11-11"));
        assert_eq!(
            got("DPS\n\nStord, 12.11.2026 Vår ref.: 26/11934\n\nNeste time 01.12.2026"),
            d("2026-11-12")
        );
        // A sentence after the date is no reference row (and an
        // appointment no letter's date).
        assert_eq!(
            got("Stord, 12.11.2026 sa han at han ville flytte.\n\nNeste time 01.12.2026"),
            None
        );
        let report = "EPIKRISE\nInnlagt: 25.08.2026\nUtskriven: 02.10.2026\nSkrive: 06.10.2026\n\nTime 14.10.2026";
        assert_eq!(got(report), d("2026-10-06"));
    }

    #[test]
    fn forms_and_reports_label_their_date_their_own_way() {
        let got = |t: &str| document_date(t);
        assert_eq!(
            got("Innsendt: 19.11.2026 kl. 20:36\nReferanse: KS-2026-1"),
            d("2026-11-19")
        );
        assert_eq!(got("EPIKRISE\nEpikrisedato: 06.11.2026"), d("2026-11-06"));
        assert_eq!(got("Dato for epikrise: 03.11.2026"), d("2026-11-03"));
        assert_eq!(got("Nordvik 16/10 2026\n\nTil kommunen"), d("2026-10-16"));
        assert_eq!(
            got("Deres ref.: 2023/781 Vår ref.: AP-VL-1187 12.10.2026\n\nAvslutning av avtale"),
            d("2026-10-12")
        );
        assert_eq!(got("Vår ref.: 26/14 Deres dato: 01.10.2026\n\nSvar"), None);
        // Prose that names when something was sent is not the letter's date.
        assert_eq!(
            got("Samtykket gjelder søknad om praktisk bistand, innsendt 02.11.2026\n\nDato: 03.11.2026"),
            d("2026-11-03")
        );
    }
}
