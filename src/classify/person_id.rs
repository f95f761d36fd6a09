//! Personal ID numbers (DESIGN.md §8): fødselsnummer, D-nummer, H-nummer and
//! synthetic test numbers (month + 80), found in letter text as people write
//! them ("DDMMYYIIIKK", "DDMMYY IIIKK", "DD.MM.YY IIIKK"), plus organisation
//! numbers for the sender.
//!
//! **Invariant:** a number is reported only when its date is a real calendar
//! date (with the century its individual number implies) and its check digits
//! hold under the classic or the 2032 rule. Account numbers (4.2.5 grouping),
//! phone numbers, references and FH numbers (first digit 8 or 9) are never
//! person IDs.
//!
//! **Invariant:** a [`PersonId`]'s full value is never serialized and never
//! shown by `Debug`; only the masked form `DDMMYY*****` is.

use std::fmt;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::string_enum::string_enum;

string_enum! {
    /// Which kind of personal ID number.
    #[derive(Serialize, Deserialize)]
    pub enum PersonIdKind("person ID kind") {
        #[serde(rename = "fodselsnummer")]
        Fodselsnummer => "fodselsnummer",
        #[serde(rename = "d-nummer")]
        DNummer => "d-nummer",
        #[serde(rename = "h-nummer")]
        HNummer => "h-nummer",
    }
}

impl PersonIdKind {
    /// Norwegian label for `--explain` and the board.
    pub fn label_nb(self) -> &'static str {
        match self {
            PersonIdKind::Fodselsnummer => "fødselsnummer",
            PersonIdKind::DNummer => "D-nummer",
            PersonIdKind::HNummer => "H-nummer",
        }
    }
}

/// A personal ID number found in a letter. The full value is private and is
/// skipped by serde: classifications are stored and shown, the value is not.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonId {
    pub kind: PersonIdKind,
    /// A Skatteetaten test number (month + 80).
    pub synthetic: bool,
    /// `DDMMYY*****`.
    pub masked: String,
    #[serde(skip)]
    value: String,
}

impl PersonId {
    /// Validates 11 digits (no separators) as a person ID.
    pub fn parse(digits: &str) -> Option<PersonId> {
        let d = digits_of(digits)?;
        let (kind, synthetic) = person_facts(&d)?;
        Some(PersonId {
            kind,
            synthetic,
            masked: format!("{}*****", &digits[..6]),
            value: digits.to_owned(),
        })
    }

    /// The full 11 digits: for `--reveal-ids` and the store's keyed hash only.
    pub fn value(&self) -> &str {
        &self.value
    }
}

impl fmt::Debug for PersonId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PersonId")
            .field("kind", &self.kind)
            .field("synthetic", &self.synthetic)
            .field("masked", &self.masked)
            .finish_non_exhaustive()
    }
}

fn digits_of(s: &str) -> Option<[u32; 11]> {
    let bytes = s.as_bytes();
    if bytes.len() != 11 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut d = [0u32; 11];
    for (slot, b) in d.iter_mut().zip(bytes) {
        *slot = u32::from(b - b'0');
    }
    Some(d)
}

const K1_WEIGHTS: [u32; 9] = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const K2_WEIGHTS: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/// Classic rule: K1 = 11 − (Σ mod 11), 11 → 0, 10 → invalid; that is, the sum
/// including K1 (weight 1) is divisible by 11. Kept to prove the 2032 rule
/// is a superset in tests.
#[cfg(test)]
fn k1_valid_classic(d: &[u32; 11]) -> bool {
    weighted(&d[..9], &K1_WEIGHTS).wrapping_add(d[9]) % 11 == 0
}

/// 2032 rule: the remainder of the sum including K1 may be 0, 1, 2 or 3. It
/// accepts every classic number.
pub fn k1_valid_2032(d: &[u32; 11]) -> bool {
    (weighted(&d[..9], &K1_WEIGHTS) + d[9]) % 11 <= 3
}

/// K2 is unchanged by the 2032 rule.
pub fn k2_valid(d: &[u32; 11]) -> bool {
    (weighted(&d[..10], &K2_WEIGHTS) + d[10]) % 11 == 0
}

fn weighted(digits: &[u32], weights: &[u32]) -> u32 {
    digits.iter().zip(weights).map(|(a, b)| a * b).sum()
}

/// Check digits only (either rule), no date check.
pub fn checksum_valid(digits: &str) -> bool {
    digits_of(digits).is_some_and(|d| k1_valid_2032(&d) && k2_valid(&d))
}

/// Kind and synthetic flag when the number is a valid person ID.
fn person_facts(d: &[u32; 11]) -> Option<(PersonIdKind, bool)> {
    if !(k1_valid_2032(d) && k2_valid(d)) {
        return None;
    }
    // FH numbers (helsenorge's substitute numbers) start with 8 or 9; they
    // identify a record, not a person we may register.
    if d[0] >= 8 {
        return None;
    }
    let mut day = d[0] * 10 + d[1];
    let mut month = d[2] * 10 + d[3];
    let yy = d[4] * 10 + d[5];
    let individual = d[6] * 100 + d[7] * 10 + d[8];
    let mut kind = PersonIdKind::Fodselsnummer;
    if day > 40 {
        day -= 40;
        kind = PersonIdKind::DNummer;
    }
    let mut synthetic = false;
    if month > 80 {
        month -= 80;
        synthetic = true;
    }
    if month > 40 {
        if kind == PersonIdKind::DNummer {
            return None;
        }
        month -= 40;
        kind = PersonIdKind::HNummer;
    }
    let year = century(individual, yy)? + yy as i32;
    NaiveDate::from_ymd_opt(year, month, day)?;
    Some((kind, synthetic))
}

/// The century implied by the individual number (Skatteetaten's table).
fn century(individual: u32, yy: u32) -> Option<i32> {
    match individual {
        0..=499 => Some(1900),
        500..=749 if yy >= 54 => Some(1800),
        500..=999 if yy <= 39 => Some(2000),
        900..=999 if yy >= 40 => Some(1900),
        _ => None,
    }
}

/// Digit-group shapes people write person IDs in. Anything else (account
/// numbers 4.2.5, phone numbers 3.2.3 or 2.2.2.2) is not considered, except
/// two groups split by one plain space anywhere (`ocr_split`). The check
/// digits decide.
const PERSON_SHAPES: [&[usize]; 4] = [&[11], &[6, 5], &[2, 2, 2, 5], &[6, 3, 2]];

/// A run of digit groups separated the way people and word processors
/// separate them: spaces (no-break and thin ones too), a dot, a hyphen, an
/// en dash or a slash, at most one of those marks and three characters in
/// all ("018180 12337", "01.81.80 12337", "018180 – 12337", "018180/12337").
struct Group {
    text: String,
    len: usize,
    /// Joined to the group before by one plain space: how OCR splits a
    /// number it reads with a gap ("02 824800084", "1789620001 1").
    after_one_space: bool,
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{2009}' | '\u{202f}')
}

fn is_mark(c: char) -> bool {
    matches!(c, '.' | '-' | '\u{2013}' | '/')
}

/// The length (in chars) of the separator that starts `rest` and joins two
/// digit groups, if it does.
fn joining_separator(rest: &[char]) -> Option<usize> {
    let len = rest
        .iter()
        .take_while(|&&c| is_space(c) || is_mark(c))
        .count();
    let marks = rest[..len].iter().filter(|&&c| is_mark(c)).count();
    let joins =
        (1..=3).contains(&len) && marks <= 1 && rest.get(len).is_some_and(char::is_ascii_digit);
    joins.then_some(len)
}

fn digit_runs(text: &str) -> Vec<Vec<Group>> {
    let chars: Vec<char> = text.chars().collect();
    let mut runs = Vec::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut i = 0;
    let mut one_space = false;
    while i < chars.len() {
        let len = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if len == 0 {
            i += 1;
            continue;
        }
        groups.push(Group {
            text: chars[i..i + len].iter().collect(),
            len,
            after_one_space: !groups.is_empty() && one_space,
        });
        i += len;
        match joining_separator(&chars[i..]) {
            Some(sep) => {
                one_space = sep == 1 && chars[i] == ' ';
                i += sep;
            }
            None => runs.push(std::mem::take(&mut groups)),
        }
    }
    runs
}

/// Every person ID in the text, in order of first appearance, each once.
pub fn find_person_ids(text: &str) -> Vec<PersonId> {
    let mut found: Vec<PersonId> = Vec::new();
    for run in digit_runs(&ocr_digits(&boxes_joined(text))) {
        let mut i = 0;
        'groups: while i < run.len() {
            for shape in PERSON_SHAPES {
                let end = i + shape.len();
                if end > run.len() || !run[i..end].iter().map(|g| g.len).eq(shape.iter().copied()) {
                    continue;
                }
                let digits: String = run[i..end].iter().map(|g| g.text.as_str()).collect();
                if let Some(id) = PersonId::parse(&digits) {
                    if !found.iter().any(|f| f.value == id.value) {
                        found.push(id);
                    }
                    i = end;
                    continue 'groups;
                }
            }
            if let Some(id) = ocr_split(&run[i..]) {
                if !found.iter().any(|f| f.value == id.value) {
                    found.push(id);
                }
                i += 2;
                continue;
            }
            i += 1;
        }
    }
    for id in labelled_numbers(text) {
        if !found.iter().any(|f| f.value == id.value) {
            found.push(id);
        }
    }
    found
}

/// A person-number label ("Fødselsnummer:", "f.nr.", "pnr") before digits:
/// whatever groups the writer made of them ("12 84 39 000 28", "1284 3900
/// 028"), the label says the next eleven digits are one number. The groups
/// are taken whole, so the eleventh digit must end one; the check digits
/// decide. The groups may be on two lines: a line wrapped between them
/// ("fnr. 178170" / "00088.") leaves the label's number whole.
fn labelled_numbers(text: &str) -> Vec<PersonId> {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)\b(fødselsnummer|fødselsnr|personnummer|personnr|f\.\s?nr|fnr|pnr|d-nummer)\b\.?\s*:?\s*",
        )
        .expect("static regex")
    });
    LABEL
        .find_iter(text)
        .filter_map(|label| {
            let after: String = text[label.end()..]
                .chars()
                .take(40)
                .map(|c| if c == '\n' { ' ' } else { c })
                .collect();
            let digits_after = ocr_digits(&after);
            let run = digit_runs(&digits_after).into_iter().next()?;
            // The run must start right at the label, not somewhere later.
            let first = run.first()?;
            if !digits_after.starts_with(&first.text) {
                return None;
            }
            let mut digits = String::new();
            for group in &run {
                digits.push_str(&group.text);
                if digits.len() >= 11 {
                    break;
                }
            }
            (digits.len() == 11)
                .then(|| PersonId::parse(&digits))
                .flatten()
        })
        .collect()
}

/// A form's boxes, one digit each ("Fødselsnummer: 0 3 8 9 4 4 0 0 1 6
/// 0"), written as one number: exactly eleven single digits, each one
/// space apart (twelve boxes are not a person ID, as twelve digits are
/// not).
fn boxes_joined(text: &str) -> std::borrow::Cow<'_, str> {
    static BOXES: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\d(?: \d){10,}").expect("static regex"));
    BOXES.replace_all(text, |m: &regex::Captures<'_>| {
        let boxes = &m[0];
        let start = m.get(0).map_or(0, |g| g.start());
        let glued = text[..start].ends_with(|c: char| c.is_ascii_digit());
        if boxes.len() == 21 && !glued {
            boxes.replace(' ', "")
        } else {
            boxes.to_owned()
        }
    })
}

/// An ID OCR read with a gap somewhere inside it: two groups of 11 digits
/// in all, joined by one plain space ("02 824800084", "1789620001 1").
fn ocr_split(groups: &[Group]) -> Option<PersonId> {
    let [a, b, ..] = groups else { return None };
    (a.len + b.len == 11 && b.after_one_space)
        .then(|| PersonId::parse(&format!("{}{}", a.text, b.text)))
        .flatten()
}

/// OCR reads `0` as `O` and `1` as `l`/`I`/`|` inside numbers. In a word
/// that is mostly digits (at least five, no other letters), map those back;
/// the checksum still decides what is an ID.
fn ocr_digits(text: &str) -> String {
    let confusable = |c: char| matches!(c, 'O' | 'o' | 'l' | 'I' | '|');
    let mut out = String::with_capacity(text.len());
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let digits = word.chars().filter(char::is_ascii_digit).count();
        let other_letters = word.chars().any(|c| c.is_alphabetic() && !confusable(c));
        if digits >= 5 && !other_letters {
            out.extend(word.chars().map(|c| match c {
                'O' | 'o' => '0',
                'l' | 'I' | '|' => '1',
                c => c,
            }));
        } else {
            out.push_str(word);
        }
    }
    out
}

/// Validates a Norwegian organisation number (9 digits, weights 3 2 7 6 5 4 3 2).
pub fn org_number_valid(digits: &str) -> bool {
    let bytes = digits.as_bytes();
    if bytes.len() != 9 || !bytes.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let d: Vec<u32> = bytes.iter().map(|b| u32::from(b - b'0')).collect();
    let sum = weighted(&d[..8], &[3, 2, 7, 6, 5, 4, 3, 2]);
    match 11 - sum % 11 {
        11 => d[8] == 0,
        10 => false,
        k => d[8] == k,
    }
}

/// Organisation numbers written as 9 digits or 3+3+3, with a checksum that
/// holds and an "org" label shortly before them ("Org.nr. 974 795 787").
pub fn find_org_numbers(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let lower = text.to_lowercase();
    for (pos, _) in lower.match_indices("org") {
        // Only the next few characters may hold the number.
        let window: String = lower[pos..].chars().take(40).collect();
        if let Some(run) = digit_runs(&window).into_iter().next() {
            let lens: Vec<usize> = run.iter().map(|g| g.len).collect();
            if lens == [9] || lens == [3, 3, 3] {
                let digits: String = run.iter().map(|g| g.text.as_str()).collect();
                if org_number_valid(&digits) && !found.contains(&digits) {
                    found.push(digits);
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (input, expected) — expected is `kind/synthetic` or `-` for "not a person ID".
    const VECTORS: &[(&str, &str)] = &[
        // DESIGN.md §8 published vectors.
        ("30108299939", "fodselsnummer/false"),
        ("13097248022", "fodselsnummer/false"),
        ("15108695088", "fodselsnummer/false"),
        ("13097248032", "-"),
        ("15108695077", "-"),
        // Synthetic (month + 80), classic check digits.
        ("01818012337", "fodselsnummer/true"),
        ("15907912345", "-"),
        // D-number (day + 40), synthetic D-number.
        ("41818012320", "d-nummer/true"),
        // H-number (month + 40).
        ("01418012354", "h-nummer/false"),
        // 29 February: 2000 is a leap year (individual 500–999 → 2000s),
        // 1900 is not (individual 000–499 → 1900s).
        ("29820050043", "fodselsnummer/true"),
        ("29820012346", "-"),
        // 31 in a 30-day month.
        ("31848012400", "-"),
        // FH number (first digit 8/9) with valid check digits.
        ("81818012314", "-"),
        ("not digits!", "-"),
        ("0101801234", "-"),
    ];

    #[test]
    fn published_and_edge_vectors() {
        for (input, expected) in VECTORS {
            let got = PersonId::parse(input)
                .map(|p| format!("{}/{}", p.kind.as_str(), p.synthetic))
                .unwrap_or_else(|| "-".into());
            assert_eq!(&got, expected, "input {input}");
        }
    }

    #[test]
    fn the_2032_vector_fails_the_classic_rule_only() {
        let d = digits_of("30108299939").unwrap();
        assert!(!k1_valid_classic(&d));
        assert!(k1_valid_2032(&d) && k2_valid(&d));
        for classic in ["13097248022", "15108695088"] {
            let d = digits_of(classic).unwrap();
            assert!(k1_valid_classic(&d), "{classic}");
        }
    }

    /// (text, expected masked ids in order).
    const TEXTS: &[(&str, &[&str])] = &[
        ("Fnr. 01818012337", &["018180*****"]),
        // A form's boxes.
        ("Fødselsnummer: 0 1 8 1 8 0 1 2 3 3 7", &["018180*****"]),
        ("boksar: 0 1 8 1 8 0 1 2 3 3 7 4", &[]),
        ("ref 30 1 8 1 8 0 1 2 3 3 7", &[]),
        ("fødselsnummer 018180 12337.", &["018180*****"]),
        ("f.nr. 01.81.80 12337", &["018180*****"]),
        ("Pnr: 018180 123 37", &["018180*****"]),
        ("01818012337 og 01818012337 igjen", &["018180*****"]),
        (
            "D-nr 41818012320, fnr 01818012337",
            &["418180*****", "018180*****"],
        ),
        // 12 digits: not a person ID even though the first 11 would be.
        ("ref 018180123371", &[]),
        // Account number 4.2.5 whose 11 digits pass the checksum.
        ("Kontonr. 0181.80.12337", &[]),
        ("Telefon 915 55 555, mobil +47 41 22 33 44", &[]),
        ("Saksnr. 2026/12345, arkivref 12345678901", &[]),
        // A checksum failure is never reported.
        ("fnr 01818012338", &[]),
        ("Dato 03.11.2026 01818012337", &["018180*****"]),
        // OCR confusions inside the number.
        ("fnr. O18180l2337", &["018180*****"]),
        ("fnr. 0181801233I", &[]),
        ("fnr 018180 I2337", &[]),
        ("Oslo 01818012337", &["018180*****"]),
        // Separators a word processor or a form puts in.
        ("Fødselsnr.: 018180 – 12337", &["018180*****"]),
        ("fnr 018180-12337", &["018180*****"]),
        ("fnr 018180/12337", &["018180*****"]),
        ("fnr 018180\u{a0}12337", &["018180*****"]),
        ("fnr 01 81 80  12337", &["018180*****"]),
        // After a person-number label, however the writer grouped it; the
        // eleventh digit must end a group.
        ("Fødselsnr 01 81 80 123 37", &["018180*****"]),
        ("fnr: 0181 8012 337", &["018180*****"]),
        ("fnr 0181 8012 3371", &[]),
        ("fnr 01 81 80 12, tlf 337", &[]),
        ("tlf 0181 8012 337", &[]),
        // OCR's gap before or after a narrow digit.
        ("fnr. 0181801233 7, jf. fullmakt", &["018180*****"]),
        ("fnr. 0 1818012337", &["018180*****"]),
        ("fødselsnummer 01 818012337,", &["018180*****"]),
        ("fnr 018 18012337", &["018180*****"]),
        // A mark between the groups is how someone wrote it, not a gap.
        ("Kontonr. 0181.8012337", &[]),
        // Two marks between the groups, or a line break: no longer one number.
        ("018180 -- 12337", &[]),
        ("tlf 018180\n12337", &[]),
        // Unless a person-number label says it is one number, wrapped.
        ("bror min, fnr. 018180\n12337.", &["018180*****"]),
    ];

    #[test]
    fn finds_ids_as_people_write_them() {
        for (text, expected) in TEXTS {
            let got: Vec<String> = find_person_ids(text)
                .into_iter()
                .map(|p| p.masked)
                .collect();
            assert_eq!(&got, expected, "text {text:?}");
        }
    }

    #[test]
    fn value_is_neither_serialized_nor_debug_printed() {
        let id = PersonId::parse("01818012337").unwrap();
        assert_eq!(id.value(), "01818012337");
        let json = serde_json::to_string(&id).unwrap();
        assert!(!json.contains("12337"), "{json}");
        assert!(!format!("{id:?}").contains("12337"));
    }

    #[test]
    fn organisation_numbers() {
        assert!(org_number_valid("974795787"));
        assert!(!org_number_valid("974795788"));
        assert_eq!(
            find_org_numbers("Org.nr. 974 795 787 MVA"),
            vec!["974795787".to_owned()]
        );
        assert!(find_org_numbers("Org.nr. 974 795 788").is_empty());
        assert!(find_org_numbers("telefon 974 795 787").is_empty());
    }
}
