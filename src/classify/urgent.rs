//! Urgency: the `[urgent]` section of the rules file and the cues that fire
//! in a letter (not negated: "ikke noe som haster").

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
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrgentCue {
    pub weight: f32,
    pub phrases: Vec<String>,
    pub label: String,
}

impl Rules {
    /// Urgency cues that are not negated, each cue label once.
    pub fn urgent_cues(&self, folded: &str) -> Vec<Fired> {
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
