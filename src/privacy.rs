//! Privacy: the ONE rule for masking person ID numbers (fødselsnumre) in
//! anything written outside the store: log lines, e-mail, reports,
//! `status.json`, error messages, and file names shown to roles without
//! content access.
//!
//! People write an ID in many ways: `15067940013`, `150679 40013`,
//! `150679-40013`, `15.06.79 40013`, `15.06.1979-40013`, `150679 400 13`.
//! [`mask_person_ids`] finds all of them (a date part of six or eight digits,
//! optionally separated, then the five-digit personal number, optionally
//! separated) and writes each as `DDMMYY*****`, the masked form the store and
//! the board already use. Masking too much (a date followed by a five-digit
//! number) is accepted; masking too little is the leak this module exists to
//! prevent. A match must stand free of other letters and digits, so SHA-256
//! digests and longer numbers stay as they are; `_`, spaces and punctuation
//! around it do not protect it (`Skanning_15067940013_2026.pdf`).

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

/// Separators people put inside an ID or a date.
const SEP: &str = r"[ .\-/_]";

static PERSON_ID_LIKE: LazyLock<Regex> = LazyLock::new(|| {
    // Free-standing (no letter or digit on either side; the boundaries are
    // part of the pattern so every way to split the digits is tried), then
    // DD MM YY(YY), each optionally separated, up to a few separators, and
    // NNN NN (optionally separated). A fixed pattern: cannot fail.
    let pattern = format!(
        r"(?:^|[^0-9A-Za-z])((\d{{2}}){SEP}?(\d{{2}}){SEP}?(\d{{4}}|\d{{2}}){SEP}{{0,3}}\d{{3}}{SEP}?\d{{2}})(?:$|[^0-9A-Za-z])"
    );
    Regex::new(&pattern).expect("static regex")
});

/// Masks every person-ID-like number in `text` as `DDMMYY*****`.
pub fn mask_person_ids(text: &str) -> Cow<'_, str> {
    let re = &*PERSON_ID_LIKE;
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut at = 0;
    while let Some(caps) = re.captures_at(text, at) {
        let (Some(id), Some(dd), Some(mm), Some(year)) =
            (caps.get(1), caps.get(2), caps.get(3), caps.get(4))
        else {
            break;
        };
        let year = year.as_str();
        let s = out.get_or_insert_with(|| String::with_capacity(text.len()));
        s.push_str(&text[copied..id.start()]);
        s.push_str(dd.as_str());
        s.push_str(mm.as_str());
        s.push_str(&year[year.len() - 2..]);
        s.push_str("*****");
        copied = id.end();
        // The character after the ID may start the next one's boundary.
        at = id.end();
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut s) => {
            s.push_str(&text[copied..]);
            Cow::Owned(s)
        }
    }
}

/// A file name as a role without content access may see it: person IDs
/// masked. (The name itself can still say something; callers that show it
/// to such roles do so only where the role's page needs a name at all.)
pub fn mask_file_name(name: &str) -> String {
    mask_person_ids(name).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_way_people_write_an_id_is_masked() {
        for (input, want) in [
            ("15067940013", "150679*****"),
            ("150679 40013", "150679*****"),
            ("150679-40013", "150679*****"),
            ("15.06.79 40013", "150679*****"),
            ("15.06.1979-40013", "150679*****"),
            ("15 06 79 400 13", "150679*****"),
            ("150679  40013", "150679*****"),
        ] {
            assert_eq!(mask_person_ids(input), want, "{input}");
        }
        assert_eq!(
            mask_person_ids("Kari Nordmann 150679 40013.docx"),
            "Kari Nordmann 150679*****.docx"
        );
        assert_eq!(
            mask_person_ids("Skanning_01880912345_2026.pdf"),
            "Skanning_018809*****_2026.pdf"
        );
        assert_eq!(
            mask_person_ids("a 15067940013 b 010985 00035"),
            "a 150679***** b 010985*****"
        );
    }

    #[test]
    fn other_numbers_are_left_alone() {
        let untouched =
            "sha256 ab01898500035cd 123456789012 tlf 912 34 567 2026-11-04 12:00:01 sak 2026/1234";
        assert_eq!(mask_person_ids(untouched), untouched);
        assert!(matches!(mask_person_ids("ingen tall"), Cow::Borrowed(_)));
    }
}
