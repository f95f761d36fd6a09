//! A moment counted in days or hours ahead: "innen 1-2 dager", "om tre
//! dagar", "innan to døgn", "i løpet av 48 timer". Writers count a deadline
//! in any number, so the count is read, not listed phrase by phrase. Its
//! words (the leads, the units, the words of asking) live in
//! `[urgent.near_need]`; the numerals are the language's own and stay here.

use regex::Regex;

use super::super::normalize::fold;
use super::super::rules::{invalid, RulesError};
use super::NearNeed;

/// Numerals a writer spells out, with their value (folded).
const NUMERALS: [(&str, u32); 14] = [
    ("en", 1),
    ("et", 1),
    ("ett", 1),
    ("ei", 1),
    ("ein", 1),
    ("eit", 1),
    ("eitt", 1),
    ("to", 2),
    ("tre", 3),
    ("fire", 4),
    ("fem", 5),
    ("seks", 6),
    ("sju", 7),
    ("syv", 7),
];

pub(super) fn default_leads() -> Vec<String> {
    words(&["innen", "innan", "om", "i løpet av"])
}

pub(super) fn default_day_units() -> Vec<String> {
    words(&[
        "dager",
        "dagar",
        "døgn",
        "virkedager",
        "virkedagar",
        "arbeidsdager",
        "arbeidsdagar",
        "yrkedagar",
    ])
}

pub(super) fn default_hour_units() -> Vec<String> {
    words(&["timer", "timar"])
}

pub(super) fn default_amount_leads() -> Vec<String> {
    words(&["om"])
}

pub(super) fn default_asking_words() -> Vec<String> {
    words(&[
        "søker",
        "søkjer",
        "søke",
        "søkje",
        "søkt",
        "ber",
        "bed",
        "søknad",
        "spørsmål",
        "spørsmaal",
    ])
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|w| (*w).to_owned()).collect()
}

/// The compiled counted moment of one rules file.
#[derive(Debug, Clone)]
pub(in crate::classify) struct CountedMoment {
    regex: Regex,
    hour_units: Vec<String>,
    amount_leads: Vec<String>,
    asking_words: Vec<String>,
}

impl CountedMoment {
    pub(in crate::classify) fn compile(
        origin: &str,
        need: &NearNeed,
    ) -> Result<CountedMoment, RulesError> {
        let folded = |list: &[String]| -> Vec<String> {
            list.iter()
                .map(|w| fold(w).trim().to_owned())
                .filter(|w| !w.is_empty())
                .collect()
        };
        let (leads, hour_units) = (folded(&need.count_leads), folded(&need.count_hour_units));
        let units = [folded(&need.count_day_units), hour_units.clone()].concat();
        if leads.is_empty() || units.is_empty() {
            return Err(invalid(
                origin,
                "[urgent.near_need] trenger minst ett ord i count_leads og i count_day_units eller count_hour_units".into(),
            ));
        }
        let numerals: Vec<String> = NUMERALS.iter().map(|(w, _)| (*w).to_owned()).collect();
        let count = format!(r"\d{{1,3}}|{}", alternation(&numerals));
        let pattern = format!(
            r"\b(?P<lead>{})\s+(?:(?:{count})\s*(?:-|–|til|eller)\s*)?(?P<n>{count})\s+(?P<unit>{})\b",
            alternation(&leads),
            alternation(&units),
        );
        let regex = Regex::new(&pattern)
            .map_err(|e| invalid(origin, format!("ugyldig ord i [urgent.near_need]: {e}")))?;
        Ok(CountedMoment {
            regex,
            hour_units,
            amount_leads: folded(&need.amount_leads),
            asking_words: folded(&need.asking_words),
        })
    }

    /// Where a moment counted within `max_days` stands on a folded line. A
    /// lead that also asks for an amount ("om") leads an amount with a
    /// count of hours, or after a word of asking ("søker om 20 timer BPA",
    /// "søkjer om to døgn avlasting"): the first reading of the count made
    /// five BPA applications urgent in round CV (session 29).
    pub(in crate::classify) fn moments<'a>(
        &'a self,
        line: &'a str,
        max_days: u32,
    ) -> impl Iterator<Item = std::ops::Range<usize>> + 'a {
        self.regex.captures_iter(line).filter_map(move |c| {
            let n_text = c.name("n")?.as_str();
            let n = match NUMERALS.iter().find(|(w, _)| *w == n_text) {
                Some((_, value)) => *value,
                None => n_text.parse::<u32>().ok()?,
            };
            let unit = c.name("unit")?.as_str();
            let hours = self.hour_units.iter().any(|u| u == unit);
            let lead = c.name("lead")?;
            let amount = self.amount_leads.iter().any(|l| l == lead.as_str())
                && (hours || self.asks(&line[..lead.start()]));
            let days = if hours { n.div_ceil(24) } else { n };
            c.get(0)
                .filter(|_| !amount && days <= max_days)
                .map(|m| m.range())
        })
    }

    /// Whether the text ends in a word of asking ("søker om", "ber om").
    fn asks(&self, before: &str) -> bool {
        let last = super::super::normalize::words(before)
            .next_back()
            .unwrap_or_default();
        self.asking_words.iter().any(|w| w == last)
    }
}

/// Words as one regex alternation, longest first so that "eitt" is not
/// read as "ei", and spaces within a word group as any run of spaces.
fn alternation(words: &[String]) -> String {
    let mut sorted: Vec<&String> = words.iter().collect();
    sorted.sort_by_key(|w| std::cmp::Reverse(w.len()));
    sorted
        .iter()
        .map(|w| regex::escape(w).replace(' ', r"\s+"))
        .collect::<Vec<_>>()
        .join("|")
}
