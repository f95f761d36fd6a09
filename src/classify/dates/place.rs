//! Where a date stands, which tells whether it is the letter's own: after
//! a label ("Dato:", "Vår dato:", "Sendt:"), after a place name, alone on
//! its line, or after a word that makes it another event's ("født",
//! "frist", "innlagt"). `score` weighs one date in its line.

use std::sync::LazyLock;

use regex::Regex;

use super::super::normalize::words;
use super::{DATE, MONTHS};

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

/// "Førde, " (or "Førde, mandag ", "Hemnesberget/Mo, ") before a date; OCR
/// may put specks of punctuation in front.
pub(super) static PLACE_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[\s.,:;'`´|\-]*[a-z][a-z .\-/]{1,40}(,\s*|\s+)((man|tirs|tys|ons|tors|fre|lor|laur|son|sun)dag,?\s+)?(den\s+)?$",
    )
    .expect("static regex")
});
/// A label naming the document's own date: "Dato:", "Vår dato:", and the
/// compounds invoices and reminders use for theirs ("Purredato:"); a due
/// date ("Forfallsdato:") is not one. A clinic's note writes the moment
/// ("Dato/tid:"), a mail program the weekday ("Dato: søn 8. nov 2026",
/// "Dato: to. 5. nov. 2026 kl. 14:10"), a note or a message its own ("Dato
/// for notat:", "Dato sendt:").
static DATE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(^|\s)((var|vaar)\s+)?(fakturadato|purredato|purringsdato|brevdato|utskriftsdato|utstedelsesdato|utsendingsdato|epikrisedato|dato for (epikrisen?|notat(et)?|brev(et)?|melding(en|a)?|rapport(en)?)|dato sendt|dato|date)(\s*(/|og)\s*(tid|tidspunkt|klokkeslett|kl\.?))?\s*[:.]?\s*({WEEKDAY},?\s*)?$"
    ))
    .expect("static regex")
});
/// A report's field for when it was written ("Skrive: 06.10.2026",
/// "Skrevet:"), beside its admission and discharge dates; a system's
/// printout's ("Generert: 01.12.2026 14:26", "Opprettet:"). Not a clinic
/// note's "Konsultasjon:": a night's consultation is written up the next
/// day (session 42, round CV: five dates found, six lost a day).
static WRITTEN_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(^|\s)(skrive|skrevet|skriven|generert|opprettet|oppretta)\s*:\s*$")
        .expect("static regex")
});
/// A record's approval line, its date the day the document was finished
/// ("Elektronisk godkjent 14.10.2026", "Signert elektronisk: …"): at the
/// start of its line, not an enclosure's "samtykke, signert 30.09.2026".
static APPROVED_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[\s.,:;'`´|\-]*((elektronisk|digitalt)\s+)?(godkjent|signert|underskrevet)(\s+(elektronisk|digitalt))?(\s+med\s+bankid)?\s*[:.]?\s*$",
    )
    .expect("static regex")
});
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
/// Bergen 09.11.2026", "Til Sundvik kommune, Tildelingskontoret Sundvik,
/// 04.11.2026").
static ADDRESS_THEN_PLACE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\s>]*til\b[^\d]*\s[a-z][a-z\-]+,?\s+$").expect("static regex"));

/// A web form's submission field ("Innsendt: 19.11.2026 kl. 20:36", "Skjema
/// sendt:", "Utfylt:", "Dato for innsending:"), or a message transcript's
/// "Mottatt: 13.10.2026 kl. 19.42" beside "Fra:" (a stamp's "Mottatt" line
/// never gets this far); with its colon. A form's receipt row may leave the
/// colon out where the field opens the line or follows a field separator
/// ("Skjema HO-30 · Innsendt 30.11.2026 kl. 19:48 · Ref. …", "Kvittering –
/// innsendt 26.11.2026"), and a portal's receipt line names the channel
/// before a comma ("Innsendt via Fjordvik kommunes digitale postkasse,
/// 24.11.2026"); never prose ("søknad …, innsendt 02.11.2026").
static SUBMITTED_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    let submitted = r"(skjema\s+)?(innsendt|sendt inn)(\s+(elektronisk|digitalt))?";
    let field = r"(skjema\s+)?(mottatt|motteke|skjema sendt|utfylt|dato for innsending|innsendingsdato)(\s+(elektronisk|digitalt))?";
    let channel = r"(\s+(via|gjennom)\s[^\d]*,)?";
    Regex::new(&format!(
        r"(^[\s>]*({submitted}|{field})\s*:\s*$)|((^|[|·–])\s*{submitted}{channel}\s*$)"
    ))
    .expect("static regex")
});
/// A form's place-and-date field ("Sted og dato: Mo i Rana, 02.11.2026",
/// "Stad/dato:"): the place after it is the letter's place line.
static FORM_PLACE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\s.,:;'`´|\-]*(sted|stad)\s*(og|/|,|\+)?\s*dato\s*[:.]?").expect("static regex")
});
/// A weekday before a date in a mail program's header or a dated label,
/// whole or cut short as mail programs print it ("mandag", "fre.", Gmail's
/// "to.", "Friday", "Fri,"; folded, so "lø." is "lo."): one pattern for the
/// "Dato:" label, both sent headers and a sender's address line.
const WEEKDAY: &str = r"(?:(?:man|tirs?|tys|ons|tors?|fre|lor|laur|son|sun)(?:dag)?\.?|(?:ma|ti|on|to|fr|lo|so)\.|(?:mon|tues|wednes|thurs|fri|satur|sun)day|(?:mon|tue|wed|thu|fri|sat|sun)[.,])";

/// A printed e-mail's own header ("Sendt: mandag 9. november 2026 08:12",
/// Outlook's short form "Sendt: fre. 27.11.2026 01:34"): the day it was
/// sent, a weekday (whole or cut short) before it and a time after it
/// allowed.
static SENT_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^[\s>]*(sendt|send|sent|date)\s*:\s*({WEEKDAY},?\s*)?(den\s+)?$"
    ))
    .expect("static regex")
});
/// The same header inside a line, after the sender's: a printed e-mail
/// whose header fields run together ("Fra: x@y.no Sendt: 20.11.2026 23:48
/// Emne: …"). Read as a label, so the address before it excludes nothing.
static SENT_IN_HEADER_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^[\s>]*fra\s*:.*\s(sendt|send|sent)\s*:\s*({WEEKDAY},?\s*)?(den\s+)?$"
    ))
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
    Regex::new(&format!(
        r"@[a-z0-9.\-]+\.[a-z]{{2,}}>?\s+({WEEKDAY},?\s+)?$"
    ))
    .expect("static regex")
});
/// A line that says how the letter was sent, its date closing it: a
/// phone's or tablet's signature ("Sendt fra min iPad, 24.10.2026",
/// "Sendt frå iPad 14.11.2026"), the way it went ("Sendt via helsenett
/// (PLO/dialogmelding) 02.12.2026", "Sendt på e-post til postmottak
/// 02.12.2026", "Sendt elektronisk 01.12.2026"), or what was sent before
/// it ("Dialogmelding, sendt 27.11.2026", "Digitalt skjema, innsendt
/// 08.10.2026 kl. 21:15"): the day it left the writer.
/// Only at the head of its line and with nothing but a clock time after
/// the date (see `score`), so prose that wraps onto a line with "sendt" is
/// no sent line; "Sendt som vedlegg til e-post …" is the mail's day, not
/// the enclosed letter's.
static SENT_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[\s>(]*([a-z][a-z\-]*( [a-z][a-z\-]*)?,\s*(inn)?sendt|sendt?\s+(fra|via|pa|per|med|til|elektronisk|digitalt|ut)\b[a-z0-9 ()/,.@\-]{0,60}?)\s*$",
    )
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
/// Where the patient went, after the discharge date ("Utskrevet:
/// 27.11.2026 til hjemmet", "… til korttidsopphald"): still the date alone.
static DISCHARGED_TO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^til(\s+\S+){1,3}$").expect("static regex"));

/// A web form's receipt field with its moment ("Motteke: 13.10.2026
/// 08:47"): when the form was sent in, not a received stamp, which has a
/// day and no clock time.
pub(super) fn submitted_moment(line: &str) -> bool {
    DATE.find(line).is_some_and(|m| {
        SUBMITTED_LABEL.is_match(&line[..m.start()])
            && CLOCK_AFTER.is_match(line[m.end()..].trim_start())
    })
}

/// How strongly a date's place on its line says "the letter's date".
pub(super) struct Placed {
    pub score: i32,
    /// A label names it the document's date ("Dato:", a form's field).
    pub labelled: bool,
}

pub(super) fn score(
    line: &str,
    start: usize,
    end: usize,
    rank: usize,
    lines: usize,
    heading_above: bool,
) -> Placed {
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
        || (SENT_LINE.is_match(prefix) && (suffix.is_empty() || CLOCK_AFTER.is_match(suffix)))
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
    let weak_label = TIME_LABEL.is_match(prefix)
        || (DISCHARGE_LABEL.is_match(prefix)
            && (suffix.is_empty() || DISCHARGED_TO.is_match(suffix)));
    let excluded = words(prefix).any(|w| {
        NOT_LETTER_DATE_WORDS.contains(&w) || NOT_LETTER_DATE_STEMS.iter().any(|s| w.contains(s))
    });
    // "Til" excludes a date after it ("til 03.12.2026"), but not the place
    // and date at the end of an address line.
    let address_then_place = ADDRESS_THEN_PLACE.is_match(prefix) && suffix.is_empty();
    if excluded && !labelled && !weak_label && !address_then_place {
        return Placed {
            score: 0,
            labelled: false,
        };
    }
    let labelled = labelled || (form_field && prefix.trim().is_empty());
    let mut score = 0;
    if labelled {
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
    Placed { score, labelled }
}

/// A reference row's headings whose last is this letter's "Dato" (not
/// "Deres dato").
pub(super) fn dated_heading(line: &str) -> bool {
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
        || FIELD_AFTER.is_match(suffix)
}

/// The moment written after a date, which makes it when a message was
/// sent: a place line's ("Rana legevakt, 30.11.2026 kl. 04.10"), a fax's
/// transmission line ("27.11.2026 14:12"), a mail program's sender line, a
/// web form's receipt.
static CLOCK_AFTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(kl\.?\s*)?\d{1,2}[.:]\d{2}\b").expect("static regex"));
/// Another field after the place and date on one line: the letterhead's
/// reference fields ("Stord, 11.11.2026 Saksnr.: 26-081455", "… Vår ref.:
/// 26/11934", read off O's misses), a form's signature field ("Sted/dato:
/// Mo, 12.11.2026   Underskrift: …"): a label of one or two words and
/// its colon, the row the date heads, not a sentence.
static FIELD_AFTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z][a-z.\-]*(\s+[a-z][a-z.\-]*)?\s*:").expect("static regex"));

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
