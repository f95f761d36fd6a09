//! Urgency: the `[urgent]` section of the rules file and the cues that fire
//! in a letter (not negated: "ikke noe som haster"), and a need with a
//! deadline in days: "behov for hjemmesykepleie fra 28.11.2026" in a letter
//! dated 24.11.2026 (`near_need`), however the need is worded.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;
use serde::Deserialize;

use super::rules::{Fired, Rules};

/// The subject pronouns, for a rules file that names no `subjects`.
fn default_subjects() -> Vec<String> {
    [
        "noen", "nokon", "vi", "me", "eg", "jeg", "han", "hun", "ho", "de", "dei", "man", "ein",
    ]
    .map(str::to_owned)
    .to_vec()
}

impl NearNeed {
    /// The need phrases, each that opens with a subject also in the
    /// inverted order: Norwegian puts the verb second, so a sentence that
    /// opens with its moment says "I kveld må nokon kome", not "nokon må".
    pub fn phrases_both_orders(&self) -> Vec<String> {
        let mut out = self.phrases.clone();
        for phrase in &self.phrases {
            let words: Vec<&str> = phrase.split_whitespace().collect();
            if let [subject, verb, rest @ ..] = words.as_slice() {
                if self
                    .subjects
                    .iter()
                    .any(|s| s.eq_ignore_ascii_case(subject))
                {
                    let inverted = [&[*verb, *subject][..], rest].concat().join(" ");
                    if !out.contains(&inverted) {
                        out.push(inverted);
                    }
                }
            }
        }
        out
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrgentDef {
    pub threshold: f32,
    /// Words that negate a cue right before it (two words) or after it (one).
    pub negation_words: Vec<String>,
    /// Whole phrases in which a cue does not count ("ikke noe som haster").
    #[serde(default)]
    pub negated_phrases: Vec<String>,
    /// Phrases that put a cue in the same sentence off to a later time
    /// ("vi sender melding om utskrivningsklar pasient når det nærmer
    /// seg"): a promise of a later message, not a need now.
    #[serde(default)]
    pub later_phrases: Vec<String>,
    /// Phrases that make a cue in the same sentence the pace of the case,
    /// not a person's need ("ber om svar snarest", "at klaga blir handsama
    /// snarast", "Endringen gjelder fra: straks").
    #[serde(default)]
    pub case_phrases: Vec<String>,
    pub cues: Vec<UrgentCue>,
    #[serde(default)]
    pub near_need: Option<NearNeed>,
    /// The urgency model (`config/urgent_model.tsv`, the linear model of
    /// `linear.rs` over two classes, `urgent` and `calm`): a letter whose
    /// cues stay below the threshold is urgent when they reach
    /// `model_min_cues` and the model's margin for `urgent` is at least
    /// this. Absent: the cues alone decide.
    #[serde(default)]
    pub model_margin: Option<f64>,
    #[serde(default)]
    pub model_min_cues: f32,
    /// … and without any cue when the margin is at least this (absent:
    /// never the model alone).
    #[serde(default)]
    pub model_alone_margin: Option<f64>,
}

impl UrgentDef {
    /// Whether the rules ask for the urgency model at all.
    pub fn uses_model(&self) -> bool {
        self.model_margin.is_some() || self.model_alone_margin.is_some()
    }
}

/// A need named on the same line as (or the line before) a date at most
/// `days` after the letter's own date, or a moment within days written as
/// words ("i morgen", "på fredag", "om to dagar").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NearNeed {
    pub days: u32,
    pub weight: f32,
    pub phrases: Vec<String>,
    pub label: String,
    /// Moments within days written as words; need no letter date.
    #[serde(default)]
    pub soon_phrases: Vec<String>,
    /// Words that make a moment a habit, the past or the present state
    /// when among the two words before it or right after it ("hver
    /// fredag", "sist fredag", "i dag har eg").
    #[serde(default)]
    pub not_soon_words: Vec<String>,
    /// The subjects of a need, one list for both places Norwegian's verb
    /// second puts them: a phrase that opens with one is also read verb
    /// first ("nokon må kome" as "I kveld må nokon kome"), and one may
    /// stand after any phrase's first word ("Frå måndag står far utan
    /// hjelp").
    #[serde(default = "default_subjects")]
    pub subjects: Vec<String>,
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
        if let Some(need) = &self.file.urgent.near_need {
            if self.need_by_near_date(folded, letter_date, need) {
                fired.push(Fired {
                    target: "urgent".into(),
                    label: need.label.clone(),
                    weight: need.weight,
                });
            }
        }
        fired
    }

    /// A need phrase (not negated) on a line with a date `0..=days` after
    /// `letter_date` or a moment within days in words, or on the line
    /// before it (a sentence wraps). A moment in words may itself wrap
    /// ("i løpet | av dagen"): one found only across a line break counts
    /// for the two lines it joins.
    fn need_by_near_date(
        &self,
        folded: &str,
        letter_date: Option<NaiveDate>,
        need: &NearNeed,
    ) -> bool {
        let lines: Vec<&str> = folded.lines().collect();
        let needs = |l: &str| {
            self.near_need.iter().any(|re| {
                re.find_iter(l)
                    .any(|m| !self.negated(l, m.start(), m.end(), 3))
            })
        };
        let before =
            |i: usize, back: usize| i.checked_sub(back).and_then(|p| lines.get(p).copied());
        lines.iter().enumerate().any(|(i, line)| {
            let near_date = letter_date.is_some_and(|date| {
                super::dates::dates_in(line)
                    .chain(day_months_in(line, date))
                    .any(|d| {
                        let ahead = (d - date).num_days();
                        (0..=i64::from(need.days)).contains(&ahead)
                    })
            });
            let near = near_date || self.soon_in(line, need);
            if near && (needs(line) || before(i, 1).is_some_and(needs)) {
                return true;
            }
            let Some(prev) = before(i, 1) else {
                return false;
            };
            let joined = format!("{prev} {line}");
            let wrapped = self.soon_in(&joined, need)
                && !self.soon_in(prev, need)
                && !self.soon_in(line, need);
            wrapped && (needs(&joined) || before(i, 2).is_some_and(needs))
        })
    }

    /// A moment within days in words on the line, not made a habit, the
    /// past or the present state by the words around it.
    fn soon_in(&self, line: &str, need: &NearNeed) -> bool {
        let words = |s: &str| -> Vec<String> {
            s.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let not_soon = |w: &String| {
            need.not_soon_words
                .iter()
                .any(|n| super::normalize::fold(n).trim() == w)
        };
        self.near_soon.iter().any(|re| {
            re.find_iter(line).any(|m| {
                let before = words(&line[..m.start()]);
                let after = words(&line[m.end()..]);
                !before
                    .iter()
                    .rev()
                    .take(2)
                    .chain(after.first())
                    .any(not_soon)
                    && !in_schedule(&before, &after)
                    && !dated_weekday(m.as_str(), &after)
            })
        })
    }

    fn phrase_cues(&self, folded: &str) -> Vec<Fired> {
        let negated_spans: Vec<(usize, usize)> = self
            .negated_phrases
            .iter()
            .flat_map(|re| re.find_iter(folded).map(|m| (m.start(), m.end())))
            .collect();
        // A cue in the sentence of a later phrase is put off, not now.
        // So is one in the sentence of a case phrase: the case's pace.
        let later: Vec<(usize, usize)> = self
            .later_phrases
            .iter()
            .chain(&self.case_phrases)
            .flat_map(|re| {
                re.find_iter(folded)
                    .map(|m| sentence_around(folded, m.start()))
            })
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
                let put_off = later.iter().any(|&(s, e)| s <= m.start() && m.end() <= e);
                !in_negated
                    && !put_off
                    && !answered_no(&folded[m.end()..])
                    && !self.negated(folded, m.start(), m.end(), 1)
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
}

/// A day and month without a year ("skal skrives ut fredag 27.11.", "frå
/// 16. november"): a near deadline is usually written so.
static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(^|[^\d.:])(?P<d1>\d{{1,2}})\.(?P<m1>\d{{1,2}})(\.|\b)|\b(?P<d2>\d{{1,2}})\.?\s*(?P<m2>{})\b",
        crate::calendar::MONTHS_NB.join("|")
    ))
    .expect("static regex")
});

/// Days and months written without a year on a (folded) line, read in the
/// year that puts them nearest after the letter's date; "kl. 14.30" is a
/// time, not a date.
fn day_months_in(line: &str, letter_date: NaiveDate) -> impl Iterator<Item = NaiveDate> + '_ {
    DAY_MONTH.captures_iter(line).filter_map(move |c| {
        // Only a day that reads as a deadline or an appointed day: after a
        // weekday ("torsdag 12. november") or "fra"/"innen"/"før" ("behov
        // for heimesjukepleie frå 16. november"); a bare "20.11." in an
        // epicrisis is a follow-up or history, and "kl. 14.30" a time.
        let day_at = c.name("d1").or_else(|| c.name("d2"))?.start();
        let before = line[..day_at]
            .split(|ch: char| !ch.is_alphanumeric())
            .rfind(|w| !w.is_empty())?;
        let deadline = super::dates::weekday_of(before).is_some()
            || ["fra", "innen", "innan", "for", "senest", "seinast"].contains(&before);
        if !deadline {
            return None;
        }
        let (day, month) = match (c.name("d1"), c.name("m1"), c.name("d2"), c.name("m2")) {
            (Some(d), Some(m), _, _) => (d.as_str().parse().ok()?, m.as_str().parse().ok()?),
            (_, _, Some(d), Some(m)) => (
                d.as_str().parse().ok()?,
                crate::calendar::MONTHS_NB
                    .iter()
                    .position(|n| *n == m.as_str())? as u32
                    + 1,
            ),
            _ => return None,
        };
        let year = letter_date.year();
        let this = NaiveDate::from_ymd_opt(year, month, day)?;
        // A date in early January in a letter of late December.
        if this < letter_date && month < letter_date.month() {
            NaiveDate::from_ymd_opt(year + 1, month, day)
        } else {
            Some(this)
        }
    })
}

/// A weekday with its date ("torsdag 8. oktober") is as near as the date,
/// which the near date reads against the letter's own: the weekday alone
/// would make any dated day a moment within days.
fn dated_weekday(moment: &str, after: &[String]) -> bool {
    let last_word = moment.split_whitespace().last().unwrap_or_default();
    super::dates::weekday_of(last_word).is_some()
        && after
            .first()
            .and_then(|w| w.parse::<u32>().ok())
            .is_some_and(|d| (1..=31).contains(&d))
}

/// A moment joined to a weekday by "og"/"eller" ("tirsdag og torsdag") is a
/// week's schedule, not a moment within days.
fn in_schedule(before: &[String], after: &[String]) -> bool {
    let joined = |w: Option<&String>, day: Option<&String>| {
        w.is_some_and(|w| w == "og" || w == "eller")
            && day.is_some_and(|d| super::dates::weekday_of(d).is_some())
    };
    joined(before.last(), before.iter().rev().nth(1)) || joined(after.first(), after.get(1))
}

/// A question about urgency answered no, right after the cue: a form's
/// field ("Haster søknaden? [ ] Ja [x] Nei", "HASTESAK? ( ) Ja (X) Nei")
/// or the writer's own ("Haster det? Nei."). Five calm tuning letters
/// asked it so, no urgent one (session 23).
static ANSWERED_NO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^[^\n.!?]{0,30}\?\s*",
        r"(?:(?:\[\s*\]|\(\s*\))\s*ja\b[\s,/]*)?",
        r"(?:\[\s*x\s*\]|\(\s*x\s*\))?\s*nei\b",
    ))
    .expect("static regex")
});

fn answered_no(after_cue: &str) -> bool {
    ANSWERED_NO.is_match(after_cue)
}

/// The sentence (between '.', '!', '?' or a blank line) around `at`.
fn sentence_around(text: &str, at: usize) -> (usize, usize) {
    let ends = |c: char| matches!(c, '.' | '!' | '?');
    let start = text[..at].rfind(ends).map_or(0, |i| i + 1);
    let end = text[at..].find(ends).map_or(text.len(), |i| at + i);
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::super::{fold, DEFAULT_RULES_TOML};
    use super::*;

    /// Whether the cues that fire reach the urgency threshold.
    fn is_urgent(rules: &Rules, text: &str, date: Option<NaiveDate>) -> bool {
        let fired = rules.urgent_cues(&fold(text), date);
        fired.iter().map(|f| f.weight).sum::<f32>() >= rules.file.urgent.threshold
    }

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
                    Han flytter.";
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
        // A court hearing or an eviction fixed for the person within days
        // is a need of its own; weeks away it is not.
        let hearing =
            "Det er berammet hovedforhandling i tingretten torsdag 26. november 2026 kl. 09.00.";
        assert!(labels(&rules, hearing, day(24)).contains(&need));
        let later = "Hovedforhandling i tingretten er berammet til 26. november 2026.";
        assert!(labels(&rules, later, day(24)).contains(&need));
        assert!(!labels(&rules, later, day(2)).contains(&need));
        let eviction = "Fravikelsen gjennomføres fredag 27.11.2026 kl. 10.00.";
        assert!(labels(&rules, eviction, day(24)).contains(&need));
    }

    #[test]
    fn a_need_reads_with_the_verb_second_and_in_the_infinitive() {
        let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
        let need = rules.file.urgent.near_need.clone().unwrap().label;
        let fires = |text: &str| labels(&rules, text, None).contains(&need);
        // The sentence opens with its moment, so the subject follows the
        // verb; a need ahead is a modal and an infinitive.
        assert!(fires(
            "Frå måndag morgon står far utan hjelp til medisinane."
        ));
        assert!(fires("Elles vil han stå utan insulin frå måndag."));
        assert!(fires("Om ingen kjem, må ho trenge hjelp i kveld."));
        // Only a subject may stand between: a negation is no subject.
        assert!(!fires("Frå måndag står far ikkje utan hjelp."));
    }

    #[test]
    fn a_weekday_with_its_date_is_as_near_as_the_date() {
        let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
        let need = rules.file.urgent.near_need.clone().unwrap().label;
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d);
        let fires = |text: &str, date| labels(&rules, text, date).contains(&need);
        // A pause for Christmas weeks ahead, written with its weekday.
        let pause = "Vi ber om pause i heimesjukepleia frå fredag 18. desember.";
        assert!(!fires(pause, day(11, 20)));
        assert!(fires(pause, day(12, 15)));
        // The weekday alone is still a moment within days.
        assert!(fires("Vi ber om pause i heimesjukepleia frå fredag.", None));
    }

    #[test]
    fn a_need_tomorrow_in_words_is_urgent_a_habit_or_a_state_is_not() {
        let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
        let need = rules.file.urgent.near_need.clone().unwrap().label;
        let fires = |text: &str| labels(&rules, text, None).contains(&need);
        // No letter date needed: the moment is written as words.
        assert!(fires("Han blir løslatt på fredag og treng hjelp."));
        assert!(fires("Kommunen bes bekrefte mottak innen kl. 14.00 i dag."));
        assert!(fires("Vi ber om at kommunen tar kontakt med ham i kveld."));
        // Someone must come today: an appeal for help, however phrased.
        assert!(fires(
            "Noen fra kommunen må komme og se til ham i løpet av dagen."
        ));
        // "I dag" tells the present state, not a deadline.
        assert!(!fires("Ho treng tilsyn om natta, som vi tek sjølve i dag."));
        assert!(!fires("Takk for praten i dag. Vi trenger et samtykke."));
        // The verb comes second when the moment opens the sentence.
        assert!(fires("I kveld må nokon kome, eg rekk ikkje heim."));
        assert!(!fires("I fjor måtte nokon kome kvar kveld."));
        // A habit, the past, the present state, a start, a negated need.
        assert!(!fires("Hun trenger hjelp hver fredag."));
        assert!(!fires(
            "I dag har eg hjelp to gonger i veka, og treng meir."
        ));
        assert!(!fires(
            "Matombringinga stoppes fra i dag, ber om bekreftelse."
        ));
        assert!(!fires("Han trenger ikke hjelp i morgen."));
        // Two weekdays joined are a week's schedule, not a moment.
        assert!(!fires("Eg ønsker tirsdag og torsdag. Han trenger skyss."));
        assert!(!fires("Han trenger hjelp mandag eller onsdag."));
    }

    #[test]
    fn urgency_asked_about_denied_or_said_in_passing_is_none() {
        let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
        let urgent = |text: &str| is_urgent(&rules, text, None);
        // A form's question answered no; answered yes it is urgent.
        assert!(!urgent("Haster søknaden? [ ] Ja [x] Nei"));
        assert!(!urgent("HASTESAK? ( ) Ja (X) Nei"));
        assert!(!urgent("Haster det? Nei. Ordinær tilvising."));
        assert!(urgent("Haster søknaden? [x] Ja [ ] Nei"));
        // A condition in an instruction.
        assert!(!urgent(
            "Om det hastar, til dømes ved blodsukker over 20, ring legevakta."
        ));
        // A relative clause under a negation, however long.
        assert!(!urgent(
            "Dette er ikke noe som må ordnes med en gang, ta det når det passer."
        ));
        assert!(urgent("Dette må ordnes med en gang."));
        // "To say it right away" is an idiom.
        assert!(!urgent(
            "Han er aldri voldelig, det vil jeg si med en gang."
        ));
    }

    #[test]
    fn a_deadline_in_days_is_seen_in_more_phrasings() {
        let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
        let urgent = |text: &str, date| is_urgent(&rules, text, date);
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d);
        // An eviction on a near date; a moment that wraps over a line.
        assert!(urgent(
            "Utleier har sagt opp, og han må være ute mandag 30.11.2026.",
            day(24)
        ));
        assert!(urgent(
            "Vi ber om at kommunen oppsøker henne i løpet\nav dagen.",
            None
        ));
        assert!(urgent(
            "Vi ber om at kommunen øker tjenestene, senest innen helgen.",
            None
        ));
        // A person alone with nothing tonight (two weak cues); alone with
        // nothing is a need, not yet an emergency.
        let alone = "Hun har ikke spist siden i går, og det er ingen barn i nærheten.";
        assert!(!urgent(alone, None));
        assert!(urgent(&format!("{alone} Jeg er borte i natt."), None));
        assert!(urgent("Kan noen fra kommunen dra dit i kveld?", None));
        // A span that ends today is history; a message promised for later
        // is not a discharge now.
        assert!(!urgent(
            "Jeg ber om kopi av journalen fra 2024 til i dag.",
            None
        ));
        assert!(!urgent(
            "Vi sender melding om utskrivningsklar pasient når det nærmer seg.",
            None
        ));
        assert!(urgent("Pasienten er utskrivningsklar.", None));
    }

    #[test]
    fn a_day_without_a_year_is_near_when_it_reads_as_a_deadline() {
        let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
        let need = rules.file.urgent.near_need.clone().unwrap().label;
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d);
        let fires = |text: &str, date| labels(&rules, text, date).contains(&need);
        // After a weekday or "frå": the day the need begins.
        assert!(fires("Behov for heimesjukepleie frå 16. november", day(12)));
        assert!(fires(
            "Han avslutter behandlingen torsdag 12.11. og har ikke noe sted å bo.",
            day(9)
        ));
        // A bare day in an epicrisis is a follow-up.
        assert!(!fires(
            "Hjemmesykepleien bes ta sting. Kontroll hos fastlege 20.11.",
            day(16)
        ));
        // A need the writer says is no longer there.
        assert!(!fires(
            "Alarmen treng ho difor ikkje meir, seie han opp frå 1. desember.",
            day(27)
        ));
    }

    #[test]
    fn a_near_moment_in_everyday_spelling_is_seen() {
        let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
        let need = rules.file.urgent.near_need.clone().unwrap().label;
        let fires = |text: &str| labels(&rules, text, None).contains(&need);
        assert!(fires(
            "kan nokon dra til ho idag eller imorgo å sjå til ho??"
        ));
        assert!(fires("Ber om at dere ser til henne i formiddag."));
        assert!(fires(
            "Jeg er redd for at noe alvorlig skjer i løpet av helgen."
        ));
        assert!(fires("Han vert lauslaten frå fengselet på måndag."));
    }

    #[test]
    fn a_danger_to_life_with_the_writers_fear_is_urgent() {
        let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
        let urgent = |text: &str| is_urgent(&rules, text, None);
        let life = "Han seier at det ikkje er noko å leve for lenger.";
        assert!(urgent(&format!("{life} Eg er redd for han.")));
        // Either alone is a worry, not an emergency; so is a fear in one
        // paragraph and a question for tomorrow in another.
        assert!(!urgent(life));
        assert!(!urgent("Jeg er redd for at det blir verre i vinter."));
        assert!(!urgent(
            "Jeg er redd for at det blir verre.\n\nSøn 15.11 Meg: ringe legen i morgen?"
        ));
    }

    #[test]
    fn two_kinds_of_suicide_warning_sign_are_urgent_one_is_a_worry() {
        let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
        let urgent = |text: &str| is_urgent(&rules, text, None);
        // Hopelessness and giving things away, in a sister's words.
        assert!(urgent(
            "I går sa han at det ikke er noen vits lenger. Han har gitt bort \
             gitaren sin til en kamerat."
        ));
        // Being a burden and a plan, in the person's own.
        assert!(urgent(
            "eg tenkjer at alle hadde hatt det betre utan meg. dei siste dagane \
             har eg tenkt meir og meir på korleis eg kunne ha gjort det."
        ));
        // One sign alone, or a gift in an ordinary move, is no emergency.
        assert!(!urgent("Han sier at det ikke er noen vits lenger å søke."));
        assert!(!urgent(
            "Mor har gitt bort møblene sine før hun flytter på sykehjem."
        ));
    }

    #[test]
    fn two_signs_of_a_psychosis_coming_on_are_urgent_one_is_a_worry() {
        let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
        let urgent = |text: &str| is_urgent(&rules, text, None);
        // Sleepless for days and shut in, in a mother's nynorsk.
        assert!(urgent(
            "Sidan måndag har han nesten ikkje sove. I går hadde han sett ein \
             kommode framfor døra, og han vil ikkje sleppe oss inn."
        ));
        // Believing himself watched and barricaded, in bokmål.
        assert!(urgent(
            "Han sier at naboene overvåker ham, og han har barrikadert seg i leiligheten."
        ));
        // One sign, or a course behind him, is no emergency.
        assert!(!urgent(
            "Han har hørt stemmer i mange år og har god oppfølging."
        ));
        assert!(!urgent(
            "Eg har ikkje sove ei heil natt sidan i sommar, så vi søkjer avlastning."
        ));
    }

    #[test]
    fn a_threat_at_home_with_a_demand_for_speed_is_urgent() {
        let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
        let urgent = |text: &str| is_urgent(&rules, text, None);
        assert!(urgent(
            "Han sa at eg skulle «passe meg» dersom eg ringde nokon. \
             Ring meg så fort de får dette."
        ));
        assert!(!urgent(
            "Ring meg så fort de får dette, så avtaler vi et møte."
        ));
    }

    #[test]
    fn an_old_person_in_a_cold_empty_house_is_urgent() {
        let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
        let urgent = |text: &str| is_urgent(&rules, text, None);
        assert!(urgent(
            "I går var det seks grader inne og vedovnen var kald. \
             Kjøleskapet var tomt."
        ));
        assert!(!urgent(
            "Vi har hatt det kaldt i huset i vinter, men nå er varmepumpa ny."
        ));
    }

    #[test]
    fn a_life_near_its_end_at_home_is_urgent_a_course_is_not() {
        let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
        let urgent = |text: &str| is_urgent(&rules, text, None);
        assert!(urgent(
            "Legane seier det ikkje er meir behandling å gje. Ho vart skriven ut \
             etter ein palliativ samtale og vil vere heime den tida ho har att."
        ));
        assert!(!urgent(
            "Velkommen til fagdag om palliativ omsorg i sykehjem."
        ));
        // Counts of discharge-ready patients are statistics, not a patient.
        assert!(!urgent(
            "Hvor mange utskrivningsklare pasienter har kommunen betalt for i år?"
        ));
    }

    #[test]
    fn a_negation_reaches_only_within_the_cues_clause() {
        let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
        let fires = |text: &str| !labels(&rules, text, None).is_empty();
        assert!(fires("Far kan ikke bo alene, ikke én eneste natt."));
        assert!(fires("Det er ikke akutt, men det haster."));
        assert!(!fires("Det haster ikke."));
        assert!(!fires("Dette er ikke akutt."));
    }

    #[test]
    fn once_a_week_is_not_at_once() {
        let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
        let text = "noen jeg kan trene sammen med\nen gang i uka";
        assert!(labels(&rules, text, None).is_empty());
        assert!(!labels(&rules, "Kom med en gang!", None).is_empty());
    }

    #[test]
    fn hurrying_the_case_is_not_a_persons_need() {
        let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
        let urgent = |t: &str| is_urgent(&rules, t, None);
        assert!(!urgent("Vi ber om at klaga blir handsama snarast."));
        assert!(!urgent("Vi ber om svar snarest, og senest innen 4 uker."));
        assert!(!urgent("Endringen gjelder fra: straks"));
        // The need itself, or a need with a reply wanted before it, is.
        assert!(urgent(
            "Mor kan ikke være alene, hun trenger hjelp snarest."
        ));
        assert!(urgent(
            "Han kan ikkje vere åleine. Eg søkjer om avlasting frå i morgon, og eg må ha svar før helga."
        ));
        // Treatment, payment and a reply named in a need's own sentence do
        // not make it the case's pace.
        assert!(urgent(
            "Han ble behandlet for lungebetennelse og er utskrivningsklar i morgen."
        ));
        assert!(urgent(
            "Jeg klarer ikke å betale regningen, og de stenger strømmen i morgen."
        ));
        // A case phrase reaches only its own sentence.
        assert!(urgent(
            "Vi ber om svar. Mor kan ikke være alene, hun trenger hjelp snarest."
        ));
    }
}
