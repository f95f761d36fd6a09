//! Title (emne): the subject a caseworker would type into the post journal.
//! Taken from the letter's subject line when it has one — a labelled line
//! ("Emne:", "Sak:", "Vedr.:", "Gjeld:") or a short heading near the top that
//! starts like a subject ("Søknad om …", "Klage på …", "Epikrise …").
//!
//! **Invariant:** a title never contains a person ID: it is cut before any
//! ID or ID label.

use std::sync::LazyLock;

use regex::Regex;

use super::normalize::fold;

/// Subject labels, folded, with the separator that follows them.
static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(emne|sak|vedr|vedrorende|gjelder|gjeld|angar|ang|tittel|overskrift|subject|re|var sak)\s*[:.]\s*")
        .expect("static regex")
});

/// Folded starts of heading lines that are subjects.
const SUBJECT_STARTS: &[&str] = &[
    "soknad",
    "soknad",
    "klage",
    "krav ",
    "begjaering",
    "innsyn",
    "anmodning",
    "oppmoding",
    "melding",
    "epikrise",
    "henvisning",
    "tilvising",
    "legeerklaering",
    "legeattest",
    "fullmakt",
    "samtykke",
    "oppsigelse",
    "oppseiing",
    "seie opp",
    "si opp",
    "endring",
    "avslutning",
    "avmelding",
    "bekymringsmelding",
    "informasjon om",
    "uttalelse",
    "fråsegn",
    "erklaering",
    "utskrivningsklar",
    "utskrivingsklar",
    "innleggelse",
    "sporsmal om",
    "sporsmal",
    "foresporsel",
    "forespurnad",
    "etterlysning",
    "purring",
    "ettersending",
    "opphor",
    "oppsummering",
    "sluttnotat",
    "rapport",
    "varsel",
    "anke",
    "ber om",
];

/// Upper-case words kept upper-case when an all-caps heading is lowered.
const ACRONYMS: &[&str] = &[
    "BPA", "NAV", "IPLOS", "HF", "DPS", "TT", "ROP", "KAD", "UNN", "OUS", "LAR", "TSB", "ACT",
    "FACT", "PLO", "IP",
];

/// The letter's subject line, when it has one (original text, untrimmed).
pub fn subject_line(text: &str) -> Option<String> {
    let lines: Vec<&str> = text
        .lines()
        .flat_map(|l| l.split('\u{c}'))
        .filter(|l| !l.trim().is_empty())
        .take(30)
        .collect();
    for line in &lines {
        let folded = fold(line);
        if let Some(m) = LABEL.find(&folded) {
            let rest = folded[m.end()..].trim();
            if !rest.is_empty() {
                // Same number of characters before the label ends in folded
                // and original text is not guaranteed: cut by label words.
                return Some(after_label(line));
            }
        }
    }
    lines
        .iter()
        .find(|line| {
            let folded = fold(line);
            let folded = folded.trim();
            let words = folded.split_whitespace().count();
            (1..=14).contains(&words)
                && !folded.ends_with('.')
                && !folded.ends_with(',')
                && SUBJECT_STARTS.iter().any(|s| folded.starts_with(s))
        })
        .map(|l| l.trim().to_owned())
}

/// The original line after its label ("Emne: Søknad om BPA" → "Søknad om BPA").
fn after_label(line: &str) -> String {
    match line.find([':', '.']) {
        Some(i) => line[i + 1..]
            .trim()
            .trim_start_matches(':')
            .trim()
            .to_owned(),
        None => line.trim().to_owned(),
    }
}

static ID_CUT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(\d[\d .]{5,}\d|\bf\.?\s?nr\b|\bfødselsn|\bfnr|\bpersonn|\bd-nr|\bd-nummer|\bfødt\b|\bfødd\b|\bf\. ?\d)")
        .expect("static regex")
});

/// Cleans a subject into a title: no person IDs, no trailing separators,
/// all-caps lowered, at most 120 characters. `None` when nothing is left.
pub fn clean_title(subject: &str) -> Option<String> {
    let mut t = subject.trim().to_owned();
    if let Some(m) = ID_CUT.find(&t) {
        t.truncate(m.start());
    }
    let t = t
        .trim_end_matches(|c: char| c.is_whitespace() || ",;:-–(/".contains(c))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() < 3 {
        return None;
    }
    let all_caps = letters.iter().all(|c| c.is_uppercase());
    let t = if all_caps { lower_heading(&t) } else { t };
    Some(t.chars().take(120).collect())
}

fn lower_heading(t: &str) -> String {
    let words: Vec<String> = t
        .split(' ')
        .enumerate()
        .map(|(i, w)| {
            let bare: String = w.chars().filter(|c| c.is_alphanumeric()).collect();
            if ACRONYMS.contains(&bare.as_str()) {
                w.to_owned()
            } else if i == 0 {
                let lower = w.to_lowercase();
                let mut chars = lower.chars();
                chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            } else {
                w.to_lowercase()
            }
        })
        .collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (letter excerpt, expected title or "-" for none)
    const CASES: &[(&str, &str)] = &[
        (
            "Rana kommune\n\nSøknad om BPA\n\nJeg søker …",
            "Søknad om BPA",
        ),
        (
            "Emne: Klage på vedtak om praktisk bistand",
            "Klage på vedtak om praktisk bistand",
        ),
        (
            "Sak: Søknad om omsorgsstønad – Kari Nordmann, fnr 01818012337",
            "Søknad om omsorgsstønad – Kari Nordmann",
        ),
        (
            "Vedr.: Oppsigelse av trygghetsalarm",
            "Oppsigelse av trygghetsalarm",
        ),
        ("Gjeld: Søknad om omsorgsstønad", "Søknad om omsorgsstønad"),
        ("SØKNAD OM BPA", "Søknad om BPA"),
        (
            "KLAGE PÅ VEDTAK OM HJEMMESYKEPLEIE",
            "Klage på vedtak om hjemmesykepleie",
        ),
        ("Epikrise\nPasient: Ola", "Epikrise"),
        (
            "Begjæring om innsyn i journal, født 01.01.1950",
            "Begjæring om innsyn i journal",
        ),
        ("Hei!\nJeg lurer på om jeg kan få hjelp.", "-"),
        (
            "Søknaden gjelder hjelp i hjemmet fordi jeg ikke klarer meg selv lenger.",
            "-",
        ),
        (
            "Utskrivningsklar pasient – melding til kommunen",
            "Utskrivningsklar pasient – melding til kommunen",
        ),
    ];

    #[test]
    fn titles_from_subject_lines() {
        for (text, expected) in CASES {
            let got = subject_line(text)
                .and_then(|s| clean_title(&s))
                .unwrap_or_else(|| "-".into());
            assert_eq!(&got, expected, "text {text:?}");
        }
    }
}
