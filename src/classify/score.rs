//! Scoring a folded letter with the compiled rules (`rules.rs`): the
//! document types, the units of digital post, the sender's letterhead line.
//!
//! Every rule fires at most once per letter; a rule that fires in the
//! subject line counts `subject_multiplier` times its weight. A type phrase
//! denied right before it ("ingen klage") does not fire. The top type's
//! confidence is its share of the two best scores, scaled down when the top
//! score is weak (`saturation`). Below `threshold` the type becomes `annet`
//! and the best type is offered as a suggestion.
//!
//! **Invariant:** scoring cannot fail.

use std::collections::BTreeMap;

use super::addressee;
use super::concern::{self, UnitRuleWhen};
use super::features::Folded;
use super::rules::{Fired, LazyRegex, Rules, TypeDecision, FALLBACK_TYPE};

/// "noe", "noko": after a negation and before "som" ("ikke noe som",
/// "ikkje noko som") they open a relative clause that is denied.
const NOTHING: [&str; 4] = ["noe", "noko", "noen", "nokon"];

/// How many words may qualify a denied "noe" before its "som": a phrase,
/// "ikke noe i saken som", "ikkje noko her som".
const NOTHING_QUALIFIED_BY: usize = 3;

/// The marks that end a clause, for a negation and for the urgency
/// clauses alike: a parenthesis opens an aside ("Innlagt: 18.11. (akutt").
pub(super) const CLAUSE_MARKS: [char; 7] = [',', '.', ';', ':', '!', '?', '('];

/// Where the clause that ends `head` begins: after its last clause mark
/// (None without one).
pub(super) fn clause_start(head: &str) -> Option<usize> {
    head.rfind(CLAUSE_MARKS).map(|i| i + 1)
}

impl Rules {
    /// Scores document types over the folded letter and its folded subject,
    /// with `also` (evidence found elsewhere: the writer's role) added.
    pub fn score_types(&self, letter: &Folded, also: &[Fired]) -> TypeDecision {
        let mut fired = fire(
            &self.type_patterns,
            &self.type_owner,
            &letter.text,
            &letter.subject,
            self.file.subject_multiplier,
            |p, text| self.affirmed(p, text),
            |i| {
                let r = &self.file.rules[i];
                (r.type_id.clone(), r.label.clone(), r.weight)
            },
        );
        fired.extend_from_slice(also);
        let mut scores: BTreeMap<&str, f32> = BTreeMap::new();
        for f in &fired {
            *scores.entry(f.target.as_str()).or_default() += f.weight;
        }
        // An application for BPA is an application: a type that refines
        // another and has evidence of its own also counts its parent's
        // ("Søknad om omsorgsstønad" is the general application phrase and
        // the specific service in one).
        let own = scores.clone();
        for t in &self.file.types {
            if let (Some(parent), Some(&mine)) = (&t.refines, own.get(t.id.as_str())) {
                let inherited = own.get(parent.as_str()).copied().unwrap_or(0.0);
                if mine > 0.0 && inherited > 0.0 {
                    scores.insert(t.id.as_str(), mine + inherited);
                }
            }
        }
        if let Some(decision) = self.fused(letter, &scores, &fired) {
            return decision;
        }
        let mut ranked: Vec<(&str, f32)> = scores.into_iter().filter(|(_, s)| *s > 0.0).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        let Some(&(top, top_score)) = ranked.first() else {
            return TypeDecision {
                document_type: FALLBACK_TYPE.to_owned(),
                confidence: 0.0,
                suggestion: None,
                fired,
            };
        };
        let parent = self
            .file
            .types
            .iter()
            .find(|t| t.id == top)
            .and_then(|t| t.refines.as_deref());
        let second = ranked
            .iter()
            .skip(1)
            .find(|r| Some(r.0) != parent)
            .map_or(0.0, |r| r.1);
        let margin = top_score / (top_score + second);
        let strength = (top_score / self.file.saturation).min(1.0);
        let confidence = (margin * strength).clamp(0.0, 1.0);
        if confidence < self.file.threshold || top == FALLBACK_TYPE {
            TypeDecision {
                document_type: FALLBACK_TYPE.to_owned(),
                confidence,
                suggestion: (top != FALLBACK_TYPE).then(|| top.to_owned()),
                fired,
            }
        } else {
            TypeDecision {
                document_type: top.to_owned(),
                confidence,
                suggestion: None,
                fired,
            }
        }
    }

    /// Whether type pattern `p` occurs in `text` at least once as said, not
    /// denied: "skal de ikkje levere attende" returns nothing, "ingen klage"
    /// is no appeal. A rule that subtracts (negative weight) is never
    /// denied this way, and a phrase that holds its own negation ("trenger
    /// ikke lenger") is judged by the words before it, like any other.
    fn affirmed(&self, p: usize, text: &str) -> bool {
        let rule = &self.file.rules[self.type_owner[p]];
        if rule.weight <= 0.0 {
            return true;
        }
        self.type_patterns[p]
            .find_iter(text)
            .any(|m| !self.negated(text, m.start(), m.end(), 0))
    }

    /// A negation word among the two words before a match or the
    /// `words_after` words after it, within the match's clause ("kan ikke bo
    /// alene, ikke én eneste natt" negates nothing) and across line breaks
    /// (letters wrap anywhere), or a negated relative clause anywhere
    /// before it in the clause ("ikke noe som må ordnes med en gang";
    /// session 23, type CV unchanged). The one negation test for type
    /// phrases and urgency cues.
    pub(super) fn negated(&self, text: &str, start: usize, end: usize, words_after: usize) -> bool {
        let words = |s| -> Vec<&str> { super::normalize::words(s).collect() };
        let from = text[..start]
            .char_indices()
            .rev()
            .nth(60)
            .map_or(0, |(i, _)| i);
        let window = &text[from..start];
        let before = words(&window[clause_start(window).unwrap_or(0)..]);
        let after_text: String = text[end..].chars().take(30).collect();
        let after = words(after_text.split(CLAUSE_MARKS).next().unwrap_or_default());
        let is_negation = |w: &&str| self.is_negation(w);
        // "ikke noe som må ordnes med en gang": a relative clause under a
        // negation denies what it says, however far into the clause; a
        // phrase may qualify the "noe" before its "som" ("ikke noe i saken
        // som haster").
        let denied_clause = before.windows(2).enumerate().any(|(i, w)| {
            is_negation(&w[0])
                && NOTHING.contains(&w[1])
                && before[i + 2..]
                    .iter()
                    .take(NOTHING_QUALIFIED_BY + 1)
                    .any(|&w| w == "som")
        });
        // "ikke vurdert som utskrivningsklar": a judgement's "som" puts the
        // negation one word further back.
        let reach = if before.last().is_some_and(|&w| w == "som") {
            3
        } else {
            2
        };
        denied_clause
            || before
                .iter()
                .rev()
                .take(reach)
                .chain(after.iter().take(words_after))
                .any(is_negation)
    }

    /// Whether a (folded) word is one of `[urgent] negation_words`.
    pub(super) fn is_negation(&self, word: &str) -> bool {
        self.negation_words.iter().any(|n| n == word)
    }

    /// The first writer role named on the letterhead or signature lines
    /// (folded), as type evidence.
    pub fn writer_role(&self, lines: &[String]) -> Option<Fired> {
        lines.iter().find_map(|line| {
            self.writer_roles.iter().find_map(|(owner, re)| {
                let r = &self.file.writer_roles[*owner];
                re.is_match(line).then(|| Fired {
                    target: r.type_id.clone(),
                    label: r.label.clone(),
                    weight: r.weight,
                })
            })
        })
    }

    /// The `[[shape_rules]]` whose shape the letter has.
    pub fn shape_evidence(&self, folded: &str, folded_subject: &str) -> Vec<Fired> {
        self.file
            .shape_rules
            .iter()
            .filter(|r| r.shape.holds(folded, folded_subject))
            .map(|r| Fired {
                target: r.type_id.clone(),
                label: r.label.clone(),
                weight: r.weight,
            })
            .collect()
    }

    /// Unit scores for digital post: the best unit when it reaches
    /// `unit_min_score`, with the rules that fired.
    /// A form's unticked options ("[ ] Distriktspsykiatrisk senter") are
    /// what the writer did not choose: they say nothing about the unit. An
    /// "Att.:" line is the addressee (`addressee.rs`), not the topic: when
    /// it decides nothing (it names two units, or none the rules know), its
    /// words must not come back as topic words.
    pub fn score_units(&self, letter: &Folded) -> (Option<String>, Vec<Fired>) {
        let folded = letter.text.as_str();
        let chosen: String = folded
            .lines()
            .filter(|l| !is_unticked(l) && !addressee::is_att_line(l))
            .collect::<Vec<_>>()
            .join("\n");
        // Computed once, and only when some rule needs it.
        let worried = std::cell::OnceCell::new();
        let shape_holds = |p: usize| match self.file.unit_rules[self.unit_owner[p]].when {
            None => true,
            Some(UnitRuleWhen::WorriedThirdParty) => {
                *worried.get_or_init(|| concern::worried_third_party(folded))
            }
        };
        let fired = fire(
            &self.unit_patterns,
            &self.unit_owner,
            &chosen,
            &letter.subject,
            self.file.subject_multiplier,
            |p, _| shape_holds(p),
            |i| {
                let r = &self.file.unit_rules[i];
                (r.unit.clone(), r.label.clone(), r.weight)
            },
        );
        let mut fired = fired;
        fired.extend(self.unit_model_fired(letter));
        let mut scores: BTreeMap<&str, f32> = BTreeMap::new();
        for f in &fired {
            *scores.entry(f.target.as_str()).or_default() += f.weight;
        }
        let best = scores
            .into_iter()
            .filter(|(_, s)| *s >= self.file.unit_min_score)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(a.0)))
            .map(|(u, _)| u.to_owned());
        (best, fired)
    }

    /// The known sender named on the earliest of `lines` (original text with
    /// its folded form); rule order breaks ties within a line.
    pub fn sender_in(&self, lines: &[(&str, String)]) -> Option<String> {
        lines.iter().find_map(|(original, folded)| {
            // A sentence under the signature ("Epikrise sendes fastlege og
            // kommunen når den er ferdigstilt.") names no sender.
            if super::sender::reads_as_sentence(original) {
                return None;
            }
            let (_, i) = self
                .senders
                .iter()
                .filter_map(|(i, re)| re.find(folded).map(|m| (m.start(), *i)))
                .min()?;
            let def = &self.file.senders[i];
            if !def.use_line {
                return Some(def.name.clone());
            }
            // A header field that is not the sender's ("Emne: Far skrives ut
            // fra sykehuset") names no one.
            let line = super::sender::without_field_label(original)?;
            // The category must still be named once an address is gone
            // ("Fra: Dr. Aakre <aakre@molegesenter.no>" is a person).
            let named = |l: &str| {
                let folded = super::normalize::fold(l);
                self.senders
                    .iter()
                    .any(|(j, re)| *j == i && re.is_match(&folded))
            };
            Some(
                sender_line(&line)
                    .filter(|l| named(l))
                    .unwrap_or_else(|| def.name.clone()),
            )
        })
    }
}

/// A letterhead line as a sender name: up to the first comma, no digits,
/// at most 60 characters.
pub(super) fn sender_line(line: &str) -> Option<String> {
    let head = line.split(',').next()?.trim();
    let head = super::sender::without_on_behalf(head);
    let ok =
        !head.is_empty() && head.chars().count() <= 60 && !head.chars().any(|c| c.is_ascii_digit());
    ok.then(|| head.to_owned())
}

/// An unticked checkbox line of a form: "[ ] …", "[] …", "☐ …".
fn is_unticked(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("[ ]") || t.starts_with("[]") || t.starts_with('☐') || t.starts_with('□')
}

/// Which rules fire in the letter, with the subject multiplier applied;
/// `occurs(pattern, text)` confirms a pattern that matched.
fn fire(
    patterns: &[LazyRegex],
    owner: &[usize],
    folded: &str,
    folded_subject: &str,
    subject_multiplier: f32,
    occurs: impl Fn(usize, &str) -> bool,
    describe: impl Fn(usize) -> (String, String, f32),
) -> Vec<Fired> {
    let matching = |text: &str| -> Vec<usize> {
        (0..patterns.len())
            .filter(|&p| patterns[p].is_match(text))
            .collect()
    };
    let in_subject: Vec<usize> = matching(folded_subject)
        .into_iter()
        .filter(|&p| occurs(p, folded_subject))
        .map(|p| owner[p])
        .collect();
    let mut seen: Vec<usize> = Vec::new();
    let mut fired = Vec::new();
    for p in matching(folded) {
        if !occurs(p, folded) {
            continue;
        }
        let rule = owner[p];
        if seen.contains(&rule) {
            continue;
        }
        seen.push(rule);
        let (target, label, weight) = describe(rule);
        let weight = if in_subject.contains(&rule) && weight > 0.0 {
            weight * subject_multiplier
        } else {
            weight
        };
        fired.push(Fired {
            target,
            label,
            weight,
        });
    }
    fired
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::DEFAULT_RULES_TOML as DEFAULT;

    fn fired_types(rules: &Rules, text: &str) -> Vec<String> {
        let folded = crate::classify::fold(text);
        rules
            .score_types(&Folded::new(folded, String::new()), &[])
            .fired
            .into_iter()
            .map(|f| f.target)
            .collect()
    }

    #[test]
    fn a_department_is_no_health_writer_but_a_pharmacy_is() {
        let rules = Rules::from_toml(DEFAULT, "config/rules.toml").unwrap();
        let role = |lines: &[&str]| {
            let folded: Vec<String> = lines.iter().map(|l| crate::classify::fold(l)).collect();
            rules.writer_role(&folded).map(|f| f.target)
        };
        // The correctional service has departments too.
        assert_eq!(
            role(&[
                "Kriminalomsorgen",
                "Nord-Norge friomsorgskontor, avdeling Mo i Rana"
            ]),
            None
        );
        assert_eq!(
            role(&["Vitusapotek Mo i Rana", "Multidose"]).as_deref(),
            Some("helseopplysninger")
        );
        assert_eq!(
            role(&["Nordlandssykehuset HF", "Medisinsk avdeling"]).as_deref(),
            Some("helseopplysninger")
        );
    }

    #[test]
    fn an_illness_or_a_medication_change_named_is_not_the_purpose() {
        let rules = Rules::from_toml(DEFAULT, "config/rules.toml").unwrap();
        // A relative names the illness and the hospital stay in an
        // application: no evidence for health information.
        let got = fired_types(
            &rules,
            "Mor har demens og hjerneslag, og ligg på sjukehuset.",
        );
        assert!(!got.contains(&"helseopplysninger".to_owned()), "{got:?}");
        // A change of medication is at most the weak mention of a change,
        // never the strong evidence of a change of service.
        let folded = crate::classify::fold("Det er endring i medisinene; dosen skal redusere.");
        let change: f32 = rules
            .score_types(&Folded::new(folded, String::new()), &[])
            .fired
            .iter()
            .filter(|f| f.target == "endring")
            .map(|f| f.weight)
            .sum();
        assert!(change <= 4.0, "{change}");
        // A report's own terms still count.
        assert!(
            fired_types(&rules, "Diagnose: hjertesvikt.").contains(&"helseopplysninger".to_owned())
        );
    }

    #[test]
    fn a_denied_phrase_does_not_fire() {
        let rules = Rules::from_toml(DEFAULT, "config/rules.toml").unwrap();
        // A thank-you card: the cake tin is not to be returned.
        let got = fired_types(&rules, "Kakeboksen skal de ikkje levere attende!");
        assert!(!got.contains(&"endring".to_owned()), "{got:?}");
        assert!(
            fired_types(&rules, "Eg vil levere attende alarmen.").contains(&"endring".to_owned())
        );
        // "ingen klage" is no appeal; a later affirmed mention still counts.
        assert!(!fired_types(&rules, "Dette er ingen klage.").contains(&"klage".to_owned()));
        assert!(
            fired_types(&rules, "Dette er ingen klage. Men jeg klager på vedtaket.")
                .contains(&"klage".to_owned())
        );
        // A negation in an earlier clause does not reach the phrase.
        assert!(
            fired_types(&rules, "Det går ikke, så jeg sier opp plassen.")
                .contains(&"endring".to_owned())
        );
    }
}
