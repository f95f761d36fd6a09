//! Sender: a known organisation (rules `[[senders]]`: NAV, hospitals,
//! Statsforvalteren, Pasient- og brukerombudet, legekontor …) named in the
//! letterhead or under the greeting, else an organisation number with a valid
//! checksum.
//!
//! Only the letterhead (the short lines before the body starts) and the few
//! lines under the last greeting ("Med vennlig hilsen") are searched: a
//! citizen who writes "NAV har avslått…" or "vedlagt legeerklæring fra
//! fastlege" is neither NAV nor a GP. Recipient ("Til:") and copy lines are
//! skipped.
//!
//! A private person's letter has no organisation: [`person_sender`] names
//! the person from a "Fra:/Frå:" line at the top or the name under the
//! greeting, so the journal-entry card has an Avsender.

use std::sync::LazyLock;

use regex::Regex;

use super::normalize::{fold, words};
use super::person_id::find_org_numbers;
use super::rules::Rules;

const HEAD_LINES: usize = 8;
const SIGNATURE_LINES: usize = 4;
const GREETINGS: &[&str] = &[
    "hilsen",
    "helsing",
    "mvh",
    "vennlig",
    "vennleg",
    "med hilsen",
    "hilsing",
];

pub fn sender(rules: &Rules, text: &str) -> Option<String> {
    let lines = lines(text);
    for region in [letterhead(&lines), signature(&lines)] {
        if let Some(name) = rules.sender_in(&without_recipients(region)) {
            return Some(name);
        }
    }
    organisation_by_shape(&lines).or_else(|| {
        find_org_numbers(text)
            .into_iter()
            .next()
            .map(|n| format!("org.nr. {n}"))
    })
}

/// Labels of header fields that hold no sender.
const NOT_SENDER_FIELDS: &[&str] = &[
    "emne",
    "vedlegg",
    "vedr",
    "gjelder",
    "gjeld",
    "sak",
    "saksnr",
    "dato",
    "ref",
    "var ref",
    "deres ref",
    "kopi",
    "til",
    "tittel",
    "subject",
    "re",
    "pasient",
    "bruker",
    "brukar",
];

/// A line without its field label and e-mail addresses ("Fra: Gruben
/// legesenter <post@…>" → "Gruben legesenter"); `None` when the field is
/// one that holds no sender ("Emne: …", "Vedlegg: …").
pub(super) fn without_field_label(line: &str) -> Option<String> {
    let mut rest = line.trim();
    if let Some((label, after)) = rest.split_once(':') {
        let folded = fold(label);
        let label = folded.trim();
        let short = label.split_whitespace().count() <= 3 && !label.is_empty();
        if short && !label.chars().any(|c| c.is_ascii_digit()) {
            let first = label.split([' ', '/', '.']).next().unwrap_or_default();
            if NOT_SENDER_FIELDS.contains(&label) || NOT_SENDER_FIELDS.contains(&first) {
                return None;
            }
            rest = after.trim();
        }
    }
    // "Frå Fysioterapi Hemnesberget": the label without its colon.
    if let Some((first, after)) = rest.split_once(' ') {
        if ["fra", "from"].contains(&fold(first).as_str()) {
            rest = after.trim();
        }
    }
    let words: Vec<&str> = rest
        .split_whitespace()
        .filter(|w| !w.contains('@'))
        .collect();
    let cleaned = words.join(" ");
    let cleaned = cleaned
        .split('<')
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    (!cleaned.is_empty()).then_some(cleaned)
}

/// A line that reads as a sentence: more than six words and a full stop
/// (or a question or an exclamation) at its end. A name or a title line
/// has neither.
pub(super) fn reads_as_sentence(line: &str) -> bool {
    let line = line.trim();
    line.split_whitespace().count() > 6 && line.ends_with(['.', '!', '?'])
}

/// "On behalf of" before a signature's organisation ("for Storvik
/// sanitetsforening", "for styret i Rana pensjonistforening", "på vegne av
/// Vikane Eiendom AS"): the organisation alone. The words may start the
/// line in capitals ("For Vikane Eiendom AS"); what follows them is kept
/// only if it is a name.
pub(super) fn without_on_behalf(name: &str) -> &str {
    static ON_BEHALF: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?i:for|på vegne av|pva\.?)\s+(?:\p{Ll}+\s+(?:i|ved|for|hos)\s+)?")
            .expect("static regex")
    });
    match ON_BEHALF.find(name) {
        Some(m) if name[m.end()..].starts_with(char::is_uppercase) => &name[m.end()..],
        _ => name,
    }
}

/// Legal forms of Norwegian organisations, written last in capitals
/// ("Heimro Hjemmehjelp AS", "Rana Taxi SA", "Helgelandssykehuset HF").
const LEGAL_FORMS: &[&str] = &[
    "AS", "ASA", "SA", "DA", "ANS", "BA", "HF", "IKS", "KF", "SF",
];

/// Words for a kind of organisation, as a word's start or end (folded): a
/// law firm, an association, a practice. Kinds a recipient line names too
/// ("kommune", "kontoret", "tjenesten") are left out: the letter's own
/// addressee would be taken for its sender.
const ORGANISATION_PREFIXES: &[&str] = &["advokat", "apotek", "psykolog", "fysioterapi"];
const ORGANISATION_SUFFIXES: &[&str] = &[
    "forening",
    "foreningen",
    "foreining",
    "foreininga",
    "pensjonistlag",
    "lokallag",
    "songlag",
    "sanglag",
    "institutt",
    "klinikk",
    "klinikken",
    "stiftelse",
    "stiftelsen",
    "byra",
    "apotek",
];

/// An organisation no rule names, by the shape of its name: a legal form
/// or a word for a kind of organisation, on the letterhead's first two
/// lines or in the signature ("teamleder, Heimro Hjemmehjelp AS"). A private
/// person's letter starts with a name or a greeting, and its signature is a
/// name: neither has the shape.
fn organisation_by_shape(lines: &[Line<'_>]) -> Option<String> {
    let head = without_recipients(letterhead(lines).into_iter().take(2).collect());
    let sig = without_recipients(signature(lines));
    head.iter().chain(sig.iter()).find_map(|(line, _)| {
        let line = without_field_label(line)?;
        line.split(',')
            .map(str::trim)
            .find(|part| organisation_shaped(part))
            .and_then(super::score::sender_line)
    })
}

fn organisation_shaped(name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.len() < 2 || words.len() > 8 || name.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let legal_form = words.last().is_some_and(|w| LEGAL_FORMS.contains(w));
    let kind = words.iter().any(|w| {
        let f = fold(w);
        let f = f.trim_matches(|c: char| !c.is_alphanumeric());
        ORGANISATION_PREFIXES.iter().any(|p| f.starts_with(p))
            || ORGANISATION_SUFFIXES.iter().any(|s| f.ends_with(s))
    });
    legal_form || kind
}

type Line<'a> = (&'a str, String);

/// The non-empty lines, each with its folded form.
fn lines(text: &str) -> Vec<Line<'_>> {
    text.lines()
        .flat_map(|l| l.split('\u{c}'))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| (l, fold(l)))
        .collect()
}

/// A region without its recipient ("Til:") and copy lines.
fn without_recipients(region: Vec<Line<'_>>) -> Vec<Line<'_>> {
    region
        .into_iter()
        .filter(|(_, f)| !f.starts_with("til") && !f.starts_with("kopi") && !f.starts_with("cc"))
        .collect()
}

/// The folded letterhead and signature lines, where the writer says who
/// they are ("Ida Holm, overlege"; "Helgelandssykehuset, medisinsk avdeling").
pub fn writer_lines(text: &str) -> Vec<String> {
    let lines = lines(text);
    let mut out = without_recipients(letterhead(&lines));
    out.extend(without_recipients(signature(&lines)));
    out.into_iter().map(|(_, f)| f).collect()
}

/// Leading short lines, up to the first line that reads like body text.
fn letterhead<'a>(lines: &[Line<'a>]) -> Vec<Line<'a>> {
    lines
        .iter()
        .take(HEAD_LINES)
        .take_while(|(_, f)| f.split_whitespace().count() <= 8 && !f.ends_with('.'))
        .cloned()
        .collect()
}

/// The few lines under the last greeting.
fn signature<'a>(lines: &[Line<'a>]) -> Vec<Line<'a>> {
    let Some(greeting) = lines.iter().rposition(|(_, f)| {
        words(f).any(|w| GREETINGS.contains(&w)) && f.split_whitespace().count() <= 4
    }) else {
        return Vec::new();
    };
    lines
        .iter()
        .skip(greeting)
        .take(SIGNATURE_LINES + 1)
        .cloned()
        .collect()
}

/// Words that start a line that is not a name even when capitalised.
const NOT_NAMES: &[&str] = &[
    "med", "til", "kopi", "dato", "sak", "emne", "vedr", "gjelder", "gjeld", "pasient", "kommune",
    "kommunen", "helse", "omsorg", "tlf", "telefon", "mobil", "adresse", "postboks", "hilsen",
    "helsing", "vennlig", "venleg", "mvh", "send", "sendt", "fastlege", "lege",
];

/// A private person who wrote the letter: "Frå: Kari Vik" near the top, else
/// the name under the last greeting ("Hilsen Per Olsen", or "Kari Vik" on the
/// line below). Only text that looks like a personal name (two to four
/// capitalised words, no digits) is taken.
pub fn person_sender(text: &str) -> Option<String> {
    let lines = lines(text);
    let from_line = lines.iter().take(HEAD_LINES).find_map(|(line, folded)| {
        let from = ["fra:", "fra :"].iter().any(|l| folded.starts_with(l));
        from.then(|| without_field_label(line))
            .flatten()
            .and_then(|rest| name_in(&rest))
    });
    from_line.or_else(|| {
        let sig = signature(&lines);
        let (greeting, _) = sig.first()?;
        // "Hilsen Per Olsen": the name on the greeting line itself.
        let after_greeting = greeting
            .split_whitespace()
            .skip_while(|w| {
                let f = fold(w);
                GREETINGS.contains(&f.trim_matches(|c: char| !c.is_alphanumeric()))
                    || ["med", "beste", "venleg", "vennlig"].contains(&f.as_str())
            })
            .collect::<Vec<_>>()
            .join(" ");
        name_in(&after_greeting).or_else(|| sig.iter().skip(1).find_map(|(l, _)| name_in(l)))
    })
}

/// The name at the start of `text` ("Frode Nes, fastlege" → "Frode Nes").
fn name_in(text: &str) -> Option<String> {
    let candidate = text
        .split([',', '<', '(', '\u{2013}'])
        .next()?
        .trim()
        .trim_end_matches(['.', '-'])
        .trim();
    let words: Vec<&str> = candidate.split_whitespace().collect();
    let is_name_word = |w: &&str| {
        let mut chars = w.chars();
        chars.next().is_some_and(char::is_uppercase)
            && chars.all(|c| c.is_alphabetic() || c == '-' || c == '.')
    };
    ((2..=4).contains(&words.len())
        && words.iter().all(is_name_word)
        && !words
            .iter()
            .any(|w| NOT_NAMES.contains(&fold(w).trim_end_matches('.'))))
    .then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_private_person_is_named_from_the_from_line_or_the_signature() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                "Frå: Kari Vik\nSend via Digipost 21.11.2026\n\nTil: Eksempel kommune\n\nKlage\n\nEg klagar.\n\nMed venleg helsing\nKari Vik",
                Some("Kari Vik"),
            ),
            ("Til kommunen\n\nHei. Kan jeg få hjelp?\n\nHilsen Per Olsen\n28.10.2026", Some("Per Olsen")),
            ("Til tildelingskontoret\n\nVi ønsker hjelp.\n\nVennlig hilsen\nSilje Berg\nMo i Rana, 30. oktober 2026", Some("Silje Berg")),
            ("Til kommunen!\n\nMor faller.\n\nTove Aune, datter\ntlf 905 55 123", None),
            ("Fra: kari@example.no\n\nHei.", None),
            ("Hei.\n\nMed vennlig hilsen\nRana kommune", None),
        ];
        for (text, want) in cases {
            assert_eq!(person_sender(text).as_deref(), *want, "text {text:?}");
        }
    }

    #[test]
    fn an_organisation_no_rule_names_is_known_by_the_shape_of_its_name() {
        let rules = Rules::from_toml(crate::classify::DEFAULT_RULES_TOML, "test").unwrap();
        let cases: &[(&str, Option<&str>)] = &[
            // A legal form written last, in the letterhead or the signature.
            ("Heimro Hjemmehjelp AS\nVerkstedveien 7\n\nTil: Rana kommune\n\nBrukeren trenger mer hjelp.", Some("Heimro Hjemmehjelp AS")),
            ("Hei.\n\nVi sender faktura.\n\nMed vennlig hilsen\nSilje Mathisen\nteamleder, Rana Taxi SA", Some("Rana Taxi SA")),
            // A kind of organisation in its name.
            ("Advokatkontoret Sæle & Ask\nPostboks 12\n\nBegjæring om innsyn", Some("Advokatkontoret Sæle & Ask")),
            ("Frå Dunderland pensjonistlag\n\nVi søkjer om tilskot.", Some("Dunderland pensjonistlag")),
            // Signed on the organisation's behalf.
            ("Hei.\n\nVi inviterer til julemøte.\n\nMed vennlig hilsen\nfor styret i Rana pensjonistforening\nKari Vik", Some("Rana pensjonistforening")),
            ("Vannskade i leiligheten.\n\nMed hilsen\nPer Dahl\nfor Vikane Eiendom AS", Some("Vikane Eiendom AS")),
            ("Vannskade i leiligheten.\n\nMed hilsen\nPer Dahl\nFor Vikane Eiendom AS", Some("Vikane Eiendom AS")),
            ("Vi ber om møte.\n\nVennlig hilsen\nPå vegne av Storvik sanitetsforening\nKari Vik", Some("Storvik sanitetsforening")),
            // A private person, a subject line, the addressee: no organisation.
            ("Kari Vik\nVikaveien 3\n\nRana kommune\nTildelingskontoret\n\nJeg søker om hjelp.", None),
            ("SØKNAD OM HELSE- OG OMSORGSTJENESTER\nNavn: Kari Vik\n\nJeg trenger hjelp.", None),
            // A sentence under the signature names no sender, whatever it
            // mentions.
            ("Han trenger oppfølging.\n\nMed vennlig hilsen\n\nSilje Bratland\nmiljøterapeut\n\nEpikrise sendes fastlege og kommunen når den er ferdigstilt.", None),
        ];
        for (text, want) in cases {
            assert_eq!(sender(&rules, text).as_deref(), *want, "text {text:?}");
        }
    }

    /// The agencies that write most often: the police and the correctional
    /// service by the agency's name, an out-of-hours clinic or a pharmacy by
    /// its own line; a prisoner's own address names no agency.
    #[test]
    fn the_police_the_probation_office_the_clinic_and_the_pharmacy_are_known() {
        let rules = Rules::from_toml(crate::classify::DEFAULT_RULES_TOML, "test").unwrap();
        let cases: &[(&str, Option<&str>)] = &[
            (
                "Vest politidistrikt\nSeksjon for forebygging\n\nBEKYMRINGSMELDING\n\nPolitiet var i natt hos ...",
                Some("Politiet"),
            ),
            (
                "Kriminalomsorga region vest\nSogn og Fjordane friomsorgskontor\n\nMelding om lauslating",
                Some("Kriminalomsorgen"),
            ),
            (
                "Rana interkommunale legevakt\nTlf 116 117\n\nMelding til hjemmesykepleien",
                Some("Rana interkommunale legevakt"),
            ),
            (
                "Vitusapotek Mo i Rana\nMultidose\n\nEndring i multidose",
                Some("Vitusapotek Mo i Rana"),
            ),
            (
                "Ola Nilsen\nBergen fengsel\nPostboks 4\n\nJeg søker om oppfølging når jeg slipper ut.",
                None,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(sender(&rules, text).as_deref(), *want, "text {text:?}");
        }
    }

    #[test]
    fn a_header_field_is_read_without_its_label_and_address() {
        assert_eq!(
            without_field_label("Fra: Gruben legesenter <post@grubenlegesenter.no>").as_deref(),
            Some("Gruben legesenter")
        );
        assert_eq!(
            without_field_label("Emne: Far skrives ut fra sykehuset"),
            None
        );
        assert_eq!(without_field_label("Vedlegg: Epikrise"), None);
        assert_eq!(
            without_field_label("Helgelandssykehuset Mo i Rana").as_deref(),
            Some("Helgelandssykehuset Mo i Rana")
        );
    }
}
