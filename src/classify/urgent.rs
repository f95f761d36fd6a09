//! Urgency: the `[urgent]` section of the rules file and the cues that fire
//! in a letter (not negated: "ikke noe som haster"), and a need with a
//! deadline in days: "behov for hjemmesykepleie fra 28.11.2026" in a letter
//! dated 24.11.2026 (`near_need`), however the need is worded.

use chrono::NaiveDate;
use serde::Deserialize;

use super::rules::{Fired, Rules};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrgentDef {
    pub threshold: f32,
    /// Words that negate a cue right before it (two words) or after it (one).
    pub negation_words: Vec<String>,
    /// Whole phrases in which a cue does not count ("ikke noe som haster").
    #[serde(default)]
    pub negated_phrases: Vec<String>,
    pub cues: Vec<UrgentCue>,
    #[serde(default)]
    pub near_need: Option<NearNeed>,
}

/// A need named on the same line as (or the line before) a date at most
/// `days` after the letter's own date.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NearNeed {
    pub days: u32,
    pub weight: f32,
    pub phrases: Vec<String>,
    pub label: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrgentCue {
    pub weight: f32,
    pub phrases: Vec<String>,
    pub label: String,
}

impl Rules {
    /// Urgency cues that are not negated, each cue label once, and the
    /// near need when the letter's own date is known.
    pub fn urgent_cues(&self, folded: &str, letter_date: Option<NaiveDate>) -> Vec<Fired> {
        let mut fired = self.phrase_cues(folded);
        if let (Some(need), Some(date)) = (&self.file.urgent.near_need, letter_date) {
            if self.need_by_near_date(folded, date, need.days) {
                fired.push(Fired {
                    target: "urgent".into(),
                    label: need.label.clone(),
                    weight: need.weight,
                });
            }
        }
        fired
    }

    /// A need phrase on a line with a date `0..=days` after `letter_date`,
    /// or on the line before it (a sentence wraps).
    fn need_by_near_date(&self, folded: &str, letter_date: NaiveDate, days: u32) -> bool {
        let lines: Vec<&str> = folded.lines().collect();
        lines.iter().enumerate().any(|(i, line)| {
            let near = super::dates::dates_in(line).any(|d| {
                let ahead = (d - letter_date).num_days();
                (0..=i64::from(days)).contains(&ahead)
            });
            let need = |l: &str| self.near_need.iter().any(|re| re.is_match(l));
            near && (need(line) || (i > 0 && need(lines[i - 1])))
        })
    }

    fn phrase_cues(&self, folded: &str) -> Vec<Fired> {
        let negated_spans: Vec<(usize, usize)> = self
            .negated_phrases
            .iter()
            .flat_map(|re| re.find_iter(folded).map(|m| (m.start(), m.end())))
            .collect();
        let mut fired: Vec<Fired> = Vec::new();
        for (owner, re) in &self.urgent_cues {
            let cue = &self.file.urgent.cues[*owner];
            if fired.iter().any(|f| f.label == cue.label) {
                continue;
            }
            let live = re.find_iter(folded).any(|m| {
                let in_negated = negated_spans
                    .iter()
                    .any(|&(s, e)| s <= m.start() && m.end() <= e);
                !in_negated && !self.negated_nearby(folded, m.start(), m.end())
            });
            if live {
                fired.push(Fired {
                    target: "urgent".into(),
                    label: cue.label.clone(),
                    weight: cue.weight,
                });
            }
        }
        fired
    }

    /// A negation word among the two words before or the one word after the
    /// cue (across line breaks: letters wrap anywhere).
    fn negated_nearby(&self, folded: &str, start: usize, end: usize) -> bool {
        let words = |s: &str| -> Vec<String> {
            s.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let from = folded[..start]
            .char_indices()
            .rev()
            .nth(60)
            .map_or(0, |(i, _)| i);
        let before = words(&folded[from..start]);
        let after_text: String = folded[end..].chars().take(30).collect();
        let after = words(&after_text);
        before
            .iter()
            .rev()
            .take(2)
            .chain(after.iter().take(1))
            .any(|w| self.negation_words.iter().any(|n| n == w))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{fold, DEFAULT_RULES_TOML};
    use super::*;

    fn labels(rules: &Rules, text: &str, date: Option<NaiveDate>) -> Vec<String> {
        rules
            .urgent_cues(&fold(text), date)
            .into_iter()
            .map(|f| f.label)
            .collect()
    }

    #[test]
    fn a_need_a_few_days_after_the_letters_date_is_urgent() {
        let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
        let need = rules.file.urgent.near_need.clone().unwrap().label;
        let text = "Overføring av pasient – behov for hjemmesykepleie fra 28.11.2026\n\
                    Han flytter fredag.";
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d);
        assert!(labels(&rules, text, day(24)).contains(&need));
        // Three weeks ahead is planning, not a deadline; a date before the
        // letter is history; without the letter's date nothing is known.
        assert!(!labels(&rules, text, day(7)).contains(&need));
        assert!(!labels(&rules, text, day(30)).contains(&need));
        assert!(!labels(&rules, text, None).contains(&need));
        // A near date with no need beside it says nothing.
        let plain = "Sting skal fjernast 28.11.2026 av heimesjukepleia.";
        assert!(!labels(&rules, plain, day(24)).contains(&need));
    }

    #[test]
    fn once_a_week_is_not_at_once() {
        let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
        let text = "noen jeg kan trene sammen med\nen gang i uka";
        assert!(labels(&rules, text, None).is_empty());
        assert!(!labels(&rules, "Kom med en gang!", None).is_empty());
    }
}
