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

use super::normalize::fold;
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
    find_org_numbers(text)
        .into_iter()
        .next()
        .map(|n| format!("org.nr. {n}"))
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
        f.split(|c: char| !c.is_alphanumeric())
            .any(|w| GREETINGS.contains(&w))
            && f.split_whitespace().count() <= 4
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
        let rest = ["fra:", "fra :"]
            .iter()
            .find_map(|label| folded.starts_with(label).then_some(label.len()))?;
        // The folded label is as long as the original ("Frå:" folds to "fra:").
        let original = line.char_indices().nth(rest.min(line.chars().count()))?.0;
        name_in(&line[original..])
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
}
