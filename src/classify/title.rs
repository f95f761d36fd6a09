//! Title (emne): the subject a caseworker would type into the post journal.
//! Taken from the letter's subject line when it has one — a labelled line
//! ("Emne:", "Sak:", "Vedr.:", "Gjeld:") or a short heading near the top that
//! starts like a subject ("Søknad om …", "Klage på …", "Epikrise …").
//!
//! **Invariant:** a title never contains a person ID: it is cut before any
//! ID or ID label.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use super::normalize::fold;

/// Subject labels, folded, with the separator that follows them. What
/// follows them is the subject, whatever it says.
static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(emne|sak|vedr|vedrorende|angar|ang|tittel|overskrift|subject|re)\s*[:.]\s*")
        .expect("static regex")
});

/// Weak labels: "Gjelder: Kari Nordmann, født …" often names a person, so a
/// heading line wins over them.
static WEAK_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(gjelder|gjeld)\s*[:.]\s*").expect("static regex"));

static FOLDED_STARTS: LazyLock<Vec<String>> =
    LazyLock::new(|| SUBJECT_STARTS.iter().map(|s| fold(s)).collect());

/// Starts of heading lines that are subjects (folded before use).
const SUBJECT_STARTS: &[&str] = &[
    "søknad",
    "partsinnsyn",
    "krav om",
    "henvendelse",
    "opplysninger om",
    "opplysningar om",
    "sykepleieepikrise",
    "sjukepleieepikrise",
    "framtidsfullmakt",
    "fremtidsfullmakt",
    "invitasjon",
    "høring",
    "høyring",
    "nytt kontonummer",
    "ny adresse",
    "omsorgslønn",
    "omsorgsstønad",
    "kan jeg få",
    "kan eg få",
    "har jeg rett",
    "har eg rett",
    "ønske om",
    "ønskje om",
    "pause i",
    "varsel om",
    "takk for",
    "vedtak",
    "spørreundersøkelse",
    "spørjeundersøking",
    "anke",
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
    let labelled = |re: &Regex| {
        lines.iter().find_map(|line| {
            let folded = fold(line);
            let m = re.find(&folded)?;
            (!folded[m.end()..].trim().is_empty()).then(|| after_label(line))
        })
    };
    labelled(&LABEL)
        .or_else(|| {
            lines
                .iter()
                .find(|l| is_heading(l))
                .map(|l| strip_urgent_prefix(l).trim().to_owned())
        })
        .or_else(|| labelled(&WEAK_LABEL))
}

/// "HASTER: Melding om …", "HASTESAK – Henvisning …": the urgency is shown
/// by its own flag, the title is what follows.
static URGENT_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(haster|hastar|hastesak|hast|viktig|snarest)\s*[:!–\-]+\s*")
        .expect("static regex")
});

fn strip_urgent_prefix(line: &str) -> &str {
    URGENT_PREFIX.find(line).map_or(line, |m| &line[m.end()..])
}

/// A short line that starts like a subject and does not end a sentence.
fn is_heading(line: &str) -> bool {
    let folded = fold(strip_urgent_prefix(line));
    let folded = folded.trim();
    let words = folded.split_whitespace().count();
    (1..=14).contains(&words)
        && !folded.ends_with('.')
        && !folded.ends_with(',')
        && FOLDED_STARTS.iter().any(|s| folded.starts_with(s.as_str()))
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

/// Cleans a subject of `text` into a title: no person IDs, no trailing
/// separators, at most 120 characters, and an all-caps subject lowered but
/// for the names the letter itself writes with a capital ([`Spelling`]):
/// "SØKNAD OM KORTTIDSPLASS FOR MOR - SOLVEIG AAS" over "for min mor
/// Solveig Aas" is "Søknad om korttidsplass for mor – Solveig Aas". `None`
/// when nothing is left.
pub fn clean_title(subject: &str, text: &str) -> Option<String> {
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
    let t = if all_caps {
        lower_heading(&t, &Spelling::of(text))
    } else {
        t
    };
    // Norwegian typography, and OCR reads the en dash as a hyphen.
    let t = t.replace(" - ", " – ");
    let mut chars = t.chars();
    let first = chars.next()?;
    Some(first.to_uppercase().chain(chars).take(120).collect())
}

/// An all-caps heading in sentence case: acronyms kept, and a name the
/// letter spells with capitals ([`Spelling::names`]) capitalised.
fn lower_heading(t: &str, spelling: &Spelling) -> String {
    let capitalised = |w: &str| -> String {
        let lower = w.to_lowercase();
        let mut chars = lower.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    };
    let words: Vec<&str> = t.split(' ').collect();
    let names = spelling.names(&words);
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let bare: String = w.chars().filter(|c| c.is_alphanumeric()).collect();
            if ACRONYMS.contains(&bare.as_str()) {
                (*w).to_owned()
            } else if i == 0 || names[i] {
                capitalised(w)
            } else {
                w.to_lowercase()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// How a letter spells its words: the words it writes with a capital and
/// never in lower case, and of those the ones it capitalises inside a
/// sentence, where only a name has one (each kept in lower case, as a
/// heading's word is looked up).
struct Spelling {
    capitalised: HashSet<String>,
    inside_sentence: HashSet<String>,
}

impl Spelling {
    fn of(text: &str) -> Self {
        let mut capitalised = HashSet::new();
        let mut inside_sentence = HashSet::new();
        let mut lower = HashSet::new();
        for line in text.lines() {
            // A field's value after its label ("Pasient: Ida Vik") starts
            // like a sentence: either may be capitalised.
            let mut sentence_start = true;
            for raw in line.split_whitespace() {
                let word = raw.trim_matches(|c: char| !c.is_alphabetic());
                let mut chars = word.chars();
                let first_upper = chars.next().is_some_and(char::is_uppercase);
                if word.chars().count() >= 2 && word.chars().all(char::is_alphabetic) {
                    if word.chars().all(char::is_lowercase) {
                        lower.insert(word.to_owned());
                    } else if first_upper && chars.all(char::is_lowercase) {
                        capitalised.insert(word.to_lowercase());
                        if !sentence_start {
                            inside_sentence.insert(word.to_lowercase());
                        }
                    }
                }
                sentence_start = raw.ends_with(['.', '!', '?', ':']);
            }
        }
        capitalised.retain(|w| !lower.contains(w));
        inside_sentence.retain(|w| capitalised.contains(w));
        Spelling {
            capitalised,
            inside_sentence,
        }
    }

    /// Which of a heading's words are a name: a run of two or more words
    /// the letter writes capitalised, one of them inside a sentence ("Ida
    /// Marie Holm" where "Holm" stands after "Pasient: Ida Marie"). One
    /// word alone may be a form's Title Case ("Søknad om Omsorgsstønad"),
    /// and a compound's first part ("HELSE- OG OMSORGSTENESTER") is no
    /// name.
    fn names(&self, words: &[&str]) -> Vec<bool> {
        // Per word: None when the letter does not write it capitalised,
        // else whether it does so inside a sentence.
        let spelt: Vec<Option<bool>> = words
            .iter()
            .map(|w| {
                let key = w.trim_matches(|c: char| !c.is_alphabetic()).to_lowercase();
                (!w.ends_with('-') && self.capitalised.contains(&key))
                    .then(|| self.inside_sentence.contains(&key))
            })
            .collect();
        let mut names = vec![false; words.len()];
        let mut start = 0;
        while start < words.len() {
            let end = (start..words.len())
                .find(|&i| spelt[i].is_none())
                .unwrap_or(words.len());
            let run = &spelt[start..end];
            if run.len() >= 2 && run.contains(&Some(true)) {
                names[start..end].fill(true);
            }
            start = end + 1;
        }
        names
    }
}

/// Services a letter asks about, as folded phrases → the name in a title.
/// Most specific first: "korttidsopphold på sykehjem" is a short stay.
const SERVICES: &[(&[&str], &str)] = &[
    (
        &["korttidsopphold", "korttidsplass", "korttidsopphald"],
        "korttidsopphold",
    ),
    (
        &[
            "langtidsopphold",
            "langtidsplass",
            "sykehjemsplass",
            "plass pa sykehjem",
            "sjukeheimsplass",
            "plass pa sjukeheim",
            "langtidsopphald",
        ],
        "sykehjemsplass",
    ),
    (&["avlastning", "avlasting"], "avlastning"),
    (&["dagsenter", "dagtilbud", "dagtilbod"], "dagsenter"),
    (&["stottekontakt", "fritidskontakt"], "støttekontakt"),
    (&["trygghetsalarm", "tryggleiksalarm"], "trygghetsalarm"),
    (&["omsorgsbolig", "omsorgsbustad"], "omsorgsbolig"),
    (&["hjemmesykepleie", "heimesjukepleie"], "hjemmesykepleie"),
    (
        &[
            "praktisk bistand",
            "hjemmehjelp",
            "heimehjelp",
            "hjelp til rengjoring",
            "hjelp til reingjering",
            "hjelp til vask",
        ],
        "praktisk bistand",
    ),
    (&["brukerstyrt personlig assistanse", "bpa"], "BPA"),
    (&["omsorgsstonad"], "omsorgsstønad"),
    (&["rehabilitering", "opptrening"], "rehabilitering"),
];

/// What the sentence that names the service asks for (folded cue → the
/// title's start); the first cue found in that sentence decides.
const ACTIONS: &[(&str, &str)] = &[
    ("vurder", "Vurdering av"),
    ("soker", "Søknad om"),
    ("sokjer", "Søknad om"),
    ("soknad", "Søknad om"),
    ("onske", "Ønske om"),
    ("onskje", "Ønske om"),
    ("lurer pa", "Spørsmål om"),
    ("kan jeg fa", "Spørsmål om"),
    ("kan eg fa", "Spørsmål om"),
    ("mulig a fa", "Spørsmål om"),
    ("sporsmal", "Spørsmål om"),
    ("trenger", "Behov for"),
    ("treng", "Behov for"),
    ("behov", "Behov for"),
    ("ber om", "Behov for"),
];

/// Who wrote, from the signature or letterhead (folded cue → label).
const AUTHORS: &[(&str, &str)] = &[
    ("fastlege", "fastlege"),
    ("legekontor", "fastlege"),
    ("legesenter", "fastlege"),
    ("sykehus", "sykehus"),
    ("sjukehus", "sykehus"),
    ("nav ", "NAV"),
    ("datter", "pårørende"),
    ("dotter", "pårørende"),
    ("sonn", "pårørende"),
    ("ektefelle", "pårørende"),
    ("parorende", "pårørende"),
    ("parorande", "pårørende"),
    ("verge", "verge"),
];

/// A short title made from the letter when it has no subject line:
/// "Vurdering av korttidsopphold – fastlege" from "… ber om at hun vurderes
/// for korttidsopphold snarest" signed by a GP. Built only from the fixed
/// words above, so it can never carry a name, a number or a diagnosis from
/// the letter. `None` when the letter names no service we know.
pub fn derived_title(text: &str) -> Option<String> {
    let folded = fold(text);
    let flat = folded.replace('\n', " ");
    let sentences: Vec<&str> = flat
        .split(['.', '?', '!', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let service_in = |sentence: &str| {
        SERVICES
            .iter()
            .find(|(cues, _)| cues.iter().any(|c| contains_word(sentence, c)))
            .map(|(_, name)| *name)
    };
    let action_in = |sentence: &str| {
        ACTIONS
            .iter()
            .find(|(cue, _)| sentence.contains(cue))
            .map(|(_, start)| *start)
    };
    // Only a sentence that asks for a service counts: one that merely
    // mentions it ("… der jeg var på korttidsopphold") or declines it
    // ("trenger ikke hjemmesykepleie") would give a misleading title.
    let (start, service) = sentences
        .iter()
        .filter(|s| !s.split_whitespace().any(|w| w == "ikke" || w == "ikkje"))
        .find_map(|s| Some((action_in(s)?, service_in(s)?)))?;
    let mut title = format!("{start} {service}");
    if let Some(author) = author(&folded) {
        title.push_str(" – ");
        title.push_str(author);
    }
    Some(title)
}

/// `cue` in `sentence` as whole words ("bpa" not inside another word).
fn contains_word(sentence: &str, cue: &str) -> bool {
    sentence.match_indices(cue).any(|(i, _)| {
        let before = sentence[..i].chars().next_back();
        let after = sentence[i + cue.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The writer's role, from the last lines (signature) or the first (letterhead).
fn author(folded: &str) -> Option<&'static str> {
    let lines: Vec<&str> = folded
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let tail = lines.iter().rev().take(4);
    // Letterhead lines are short; a long first line is already the body.
    let head = lines
        .iter()
        .take(3)
        .filter(|l| l.split_whitespace().count() <= 6);
    tail.chain(head).find_map(|line| {
        let line = format!("{line} ");
        AUTHORS
            .iter()
            .find(|(cue, _)| line.contains(cue))
            .map(|(_, label)| *label)
    })
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
        // The names as the letter writes them; a word capitalised only
        // where a sentence or a line starts is lowered.
        (
            "Emne: SØKNAD OM KORTTIDSPLASS FOR MOR - SOLVEIG AAS\n\nHei\n\n\
             Jeg søker om korttidsplass for min mor Solveig Aas på Eikeli. \
             Mor faller.",
            "Søknad om korttidsplass for mor – Solveig Aas",
        ),
        (
            "KLAGE - INGEBORG KVÅLE\nPasient: Ingeborg Kvåle\nKlage sendes nå.",
            "Klage – Ingeborg Kvåle",
        ),
        // A form's Title Case and a compound's first part are no names.
        (
            "SØKNAD OM HELSE- OG OMSORGSTENESTER\nRana kommune, Helse og omsorg\n\
             Søknad om Omsorgsstønad",
            "Søknad om helse- og omsorgstenester",
        ),
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
            "Gjelder: Mia, født 29.02.2012\nSøknad om BPA",
            "Søknad om BPA",
        ),
        ("Gjelder: Mia Solberg, fnr. 01818012337", "Mia Solberg"),
        (
            "Vedr. vedtak om hjemmesykepleie",
            "Vedtak om hjemmesykepleie",
        ),
        (
            "Førespurnad om innsyn i journalen",
            "Førespurnad om innsyn i journalen",
        ),
        ("Emne: Har eg rett på BPA?", "Har eg rett på BPA?"),
        (
            "Dato: 1.1.2026\nHASTER: Melding om utskrivningsklar pasient",
            "Melding om utskrivningsklar pasient",
        ),
        (
            "HASTESAK – Henvisning til kommunal oppfølging",
            "Henvisning til kommunal oppfølging",
        ),
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
    fn titles_derived_from_the_letter() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                "Rana legesenter\n\nPasient: Åse Vold\n\nHun bor alene. Jeg ber om at hun \
                 vurderes for korttidsopphold snarest.\n\nMed vennlig hilsen\nFrode Nes, fastlege",
                Some("Vurdering av korttidsopphold – fastlege"),
            ),
            (
                "Til kommunen!\nMor faller hver natt. Vi ber om hjelp med en gang. \
                 Hun trenger plass på sykehjem.\n\nTove Aune, datter\ntlf 905 55 123",
                Some("Behov for sykehjemsplass – pårørende"),
            ),
            (
                "Hei. Jeg lurer på om det er mulig å få hjelp til rengjøring og handling?\nHilsen Per",
                Some("Spørsmål om praktisk bistand"),
            ),
            ("Hei!\nTakk for sist.\nHilsen Per", None),
            // Mentioned, not asked for; declined.
            ("Jeg vil ha en kopi av journalen fra der jeg var på korttidsopphold.", None),
            (
                "Jeg skal besøke datteren min og trenger derfor ikke hjemmesykepleie i uke 48.",
                None,
            ),
            // "bpa" only as a word, never inside one.
            ("Det gjelder Tobpax-saken.", None),
        ];
        for (text, want) in cases {
            assert_eq!(derived_title(text).as_deref(), *want, "text {text:?}");
        }
    }

    #[test]
    fn titles_from_subject_lines() {
        for (text, expected) in CASES {
            let got = subject_line(text)
                .and_then(|s| clean_title(&s, text))
                .unwrap_or_else(|| "-".into());
            assert_eq!(&got, expected, "text {text:?}");
        }
    }
}
