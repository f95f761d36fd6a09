//! Urgency: the `[urgent]` section of the rules file and the cues that fire
//! in a letter (not negated: "ikke noe som haster"), and a need with a
//! deadline in days: "behov for hjemmesykepleie fra 28.11.2026" in a letter
//! dated 24.11.2026 (`near_need`), however the need is worded.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;
use serde::Deserialize;

use super::rules::{Fired, LazyRegex, Rules};

mod counted;
mod moments;
mod scope;
pub(super) use counted::CountedMoment;
use scope::{blank_lines, sentence_around, words_around, CASE_PHRASE_REACH};

/// The subject pronouns, for a rules file that names no `subjects`.
fn default_subjects() -> Vec<String> {
    [
        "noen", "nokon", "vi", "me", "eg", "jeg", "han", "hun", "ho", "de", "dei", "man", "ein",
    ]
    .map(str::to_owned)
    .to_vec()
}

fn default_counted_days() -> u32 {
    3
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
    /// Words that negate a cue right before it (two words) or after it
    /// (one; two for a `judgement` cue, "hastar det ikkje").
    pub negation_words: Vec<String>,
    /// Whole phrases in which a cue does not count ("akutt innlagt", "om
    /// det haster").
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
    /// Words that make the rest of their clause a condition ("dersom",
    /// "med mindre", "ved akutt"): a cue after them in the clause is a case
    /// that may come ("Ved akutt behov kan sykepleier …", "… med mindre det
    /// er akutt behov", "… hvis dette blir borte med en gang"), not this
    /// letter's need.
    #[serde(default)]
    pub conditions: Vec<String>,
    /// Words that make a condition only where they open the clause ("Om
    /// det hastar, …"; "ber om det snarest" is a request).
    #[serde(default)]
    pub condition_openers: Vec<String>,
    /// Verbs in the past that tell what was done at once ("ringde
    /// legevakta med ein gong", "Dere kom snarest"): among the
    /// [`PAST_WITHIN`] words before a cue in its clause, the cue is the
    /// story of what happened, not a need now.
    #[serde(default)]
    pub past_words: Vec<String>,
    pub cues: Vec<UrgentCue>,
    /// The writer's own word that the letter is not urgent: a
    /// `judgement` cue negated ("det hastar ikkje", "Dette haster ikke")
    /// or urgency asked about and answered no. Absent: a negated cue is
    /// only silent.
    #[serde(default)]
    pub denial: Option<UrgentDenial>,
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

/// A need named on the same line as (or the line before) a date from the
/// letter's own date to `days` after the later of it and the received
/// stamp's, or a moment within days written as words ("i morgen", "på
/// fredag") or counted ("om to dagar").
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
    /// A moment counted in days or hours ("innen 1-2 dager", "om tre
    /// dagar", "i løpet av 48 timer") is within days when its count, the
    /// upper end of a range, is at most this many days.
    #[serde(default = "default_counted_days")]
    pub counted_days: u32,
    /// The words that lead a counted moment ("innen", "i løpet av").
    #[serde(default = "counted::default_leads")]
    pub count_leads: Vec<String>,
    /// What a moment is counted in: days (nights, working days) …
    #[serde(default = "counted::default_day_units")]
    pub count_day_units: Vec<String>,
    /// … or hours, 24 to the day.
    #[serde(default = "counted::default_hour_units")]
    pub count_hour_units: Vec<String>,
    /// Leads that also ask for an amount ("søker om 20 timer BPA"): with
    /// hours, or after a word of asking, they lead no moment.
    #[serde(default = "counted::default_amount_leads")]
    pub amount_leads: Vec<String>,
    #[serde(default = "counted::default_asking_words")]
    pub asking_words: Vec<String>,
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
    /// The cue is the writer's judgement of urgency itself («haster»), so
    /// negated it denies urgency (see [`UrgentDenial`]); «akutt» is not:
    /// "ikkje akutt sjølvmordsfare" rules out one danger.
    #[serde(default)]
    pub judgement: bool,
    /// The cue's phrases name a thing, and the cue fires only where one of
    /// these follows it within [`FOLLOWED_WITHIN`] words of its sentence:
    /// what is wrong with it ("trygghetsalarmen til mor har ikke virket").
    /// Neither alone is a cue: an alarm is a service, "virker ikke" a
    /// complaint about anything.
    #[serde(default)]
    pub followed_by: Vec<String>,
}

/// How many words may stand between a cue's thing and what follows it
/// (`followed_by`): a possessive or a named owner, "alarmen til mor".
pub const FOLLOWED_WITHIN: usize = 3;

/// What the writer's denial of urgency weighs: added to the cues' score
/// (so negative), and it keeps the urgency model from making the letter
/// urgent — the writer knows the situation; the model only knows letters
/// like it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrgentDenial {
    pub weight: f32,
    pub label: String,
}

/// What a letter says about its urgency: the cues that fire and the
/// writer's denial, if any.
#[derive(Debug, Default)]
pub struct UrgencyEvidence {
    pub cues: Vec<Fired>,
    pub denial: Option<Fired>,
}

impl UrgencyEvidence {
    /// The cues' weights with the denial's.
    pub fn score(&self) -> f32 {
        self.cues.iter().chain(&self.denial).map(|f| f.weight).sum()
    }
}

impl Rules {
    /// Urgency cues that are not negated, each cue label once, the near
    /// need and the writer's denial. `dated` is the letter's own date and
    /// `received` the day the post room had it (the received stamp's, or a
    /// digital letter's arrival), which bound a [`NearWindow`].
    pub fn urgent_cues(
        &self,
        folded: &str,
        dated: Option<NaiveDate>,
        received: Option<NaiveDate>,
    ) -> UrgencyEvidence {
        let mut evidence = self.phrase_cues(folded);
        if let Some(need) = &self.file.urgent.near_need {
            let window = NearWindow::new(dated, received, need.days);
            if self.need_by_near_date(folded, window, need) {
                evidence.cues.push(Fired {
                    target: "urgent".into(),
                    label: need.label.clone(),
                    weight: need.weight,
                });
            }
        }
        evidence
    }

    /// A need phrase (not negated) on a line with a date in the near
    /// `window` or a moment within days in words, or on the line
    /// before it (a sentence wraps). A moment in words may itself wrap
    /// ("i løpet | av dagen"): one found only across a line break counts
    /// for the two lines it joins.
    fn need_by_near_date(&self, folded: &str, window: Option<NearWindow>, need: &NearNeed) -> bool {
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
            let near_date = window.is_some_and(|w| {
                super::dates::dates_in(line)
                    .chain(day_months_in(line, w.from))
                    .any(|d| (w.from..=w.to).contains(&d))
            });
            let next = lines.get(i + 1).copied();
            let near = near_date || self.soon_in(line, next, need);
            if near && (needs(line) || before(i, 1).is_some_and(needs)) {
                return true;
            }
            let Some(prev) = before(i, 1) else {
                return false;
            };
            let joined = format!("{prev} {line}");
            let wrapped = self.soon_in(&joined, next, need)
                && !self.soon_in(prev, Some(line), need)
                && !self.soon_in(line, next, need);
            wrapped && (needs(&joined) || before(i, 2).is_some_and(needs))
        })
    }

    /// A moment within days in words on the line, not made a habit, the
    /// past or the present state by the words around it. The words after
    /// it run on into the `next` line: a sentence wraps, and "Første gang
    /// blir da fredag | 4. desember" is a dated weekday.
    fn soon_in(&self, line: &str, next: Option<&str>, need: &NearNeed) -> bool {
        let words = |s| -> Vec<&str> { super::normalize::words(s).collect() };
        let not_soon = |w: &&str| self.not_soon_words.iter().any(|n| n == w);
        // "Dere trenger ikke komme i kveld": the moment itself denied.
        let denied = |w: &&str| self.is_negation(w);
        let worded = self
            .near_soon
            .iter()
            .flat_map(|re| re.find_iter(line).map(|m| m.range()));
        let counted = self
            .counted_moment
            .iter()
            .flat_map(|c| c.moments(line, need.counted_days));
        worded.chain(counted).any(|at| {
            let before = words(&line[..at.start]);
            let mut after = words(&line[at.end..]);
            after.extend(next.map(words).unwrap_or_default());
            let two_before = || before.iter().rev().take(2);
            !two_before().chain(after.first()).any(not_soon)
                && !two_before().any(denied)
                && !in_schedule(&before, &after)
                && !dated_weekday(&line[at], &after)
        })
    }

    fn phrase_cues(&self, folded: &str) -> UrgencyEvidence {
        let negated_spans: Vec<(usize, usize)> = self
            .negated_phrases
            .iter()
            .flat_map(|re| re.find_iter(folded).map(|m| (m.start(), m.end())))
            .collect();
        // A cue in the sentence of a later phrase is put off, not now.
        // So is one beside a case phrase: the case's pace.
        let later: Vec<(usize, usize)> = self
            .later_phrases
            .iter()
            .flat_map(|re| {
                re.find_iter(folded)
                    .map(|m| sentence_around(folded, m.start()))
            })
            .chain(self.case_phrases.iter().flat_map(|re| {
                re.find_iter(folded)
                    .map(|m| words_around(folded, m.range(), CASE_PHRASE_REACH))
            }))
            .collect();
        let mut fired: Vec<Fired> = Vec::new();
        let mut denied = false;
        for (owner, re) in &self.urgent_cues {
            let cue = &self.file.urgent.cues[*owner];
            // A label fires once; a judgement is read on for its denial.
            let fired_before = fired.iter().any(|f| f.label == cue.label);
            if fired_before && !cue.judgement {
                continue;
            }
            // A judgement negated reaches over the subject Norwegian puts
            // after its verb: "hastar det ikkje".
            let words_after = if cue.judgement { 2 } else { 1 };
            let mut live = false;
            for m in re.find_iter(folded) {
                let within = |&(s, e): &(usize, usize)| s <= m.start() && m.end() <= e;
                if negated_spans.iter().any(within)
                    || later.iter().any(within)
                    || self.in_condition(folded, m.range())
                    || self.told_as_past(folded, m.start())
                {
                    continue;
                }
                if answered_no(&folded[m.end()..])
                    || self.negated(folded, m.start(), m.end(), words_after)
                {
                    denied |= cue.judgement;
                } else {
                    live = true;
                }
            }
            if live && !fired_before {
                fired.push(Fired {
                    target: "urgent".into(),
                    label: cue.label.clone(),
                    weight: cue.weight,
                });
            }
        }
        let denial = self.file.urgent.denial.as_ref().filter(|_| denied);
        UrgencyEvidence {
            cues: fired,
            denial: denial.map(|d| Fired {
                target: "urgent".into(),
                label: d.label.clone(),
                weight: d.weight,
            }),
        }
    }
}

/// How many words before a cue a verb in the past makes it a story
/// (`past_words`): the verb, its object and a pronoun, "ringte Linda meg".
pub const PAST_WITHIN: usize = 3;

impl Rules {
    /// Whether a verb of `past_words` stands among the [`PAST_WITHIN`]
    /// words before `at` in its clause, after a subject: one opening its
    /// clause is an imperative ("Kom med en gang!").
    fn told_as_past(&self, folded: &str, at: usize) -> bool {
        let head = &folded[..at];
        let words: Vec<&str> =
            super::normalize::words(&head[super::score::clause_start(head).unwrap_or(0)..])
                .collect();
        words
            .iter()
            .skip(1)
            .rev()
            .take(PAST_WITHIN)
            .any(|w| self.past_words.iter().any(|p| p == w))
    }

    /// Whether the cue at `cue` is in a condition: a `conditions` word
    /// before it in its clause, or a `condition_openers` word opening the
    /// clause. The clause runs back from the cue to a clause mark or a
    /// blank line, and the condition may hold the cue's own first word
    /// ("ved akutt"); a list's dash before it is no word. A condition
    /// negated between it and the cue is a warning of what happens unless
    /// the need is met now ("… dersom det ikke settes inn tiltak
    /// umiddelbart"): the cue stands.
    fn in_condition(&self, folded: &str, cue: std::ops::Range<usize>) -> bool {
        let head = &folded[..cue.start];
        let blank = blank_lines(head).last().map(|(_, end)| end);
        let start = super::score::clause_start(head).max(blank).unwrap_or(0);
        let clause = folded[start..cue.end].trim_start_matches(|c: char| !c.is_alphanumeric());
        let before_cue = clause.len() - (cue.end - cue.start);
        let warning = |from: usize| {
            super::normalize::words(&clause[from.min(before_cue)..before_cue])
                .any(|w| self.is_negation(w))
        };
        let condition = |re: &LazyRegex, at_start: bool| {
            re.find(clause).is_some_and(|m| {
                (if at_start {
                    m.start() == 0
                } else {
                    m.start() < before_cue
                }) && !warning(m.end())
            })
        };
        self.conditions.iter().any(|re| condition(re, false))
            || self.condition_openers.iter().any(|re| condition(re, true))
    }
}

/// The days a date on the letter is near: from the letter's own date (or
/// the day the post room had it, when the letter is undated) to `days`
/// after the later of the two. A date before the letter is history; a
/// deadline is near or far from the day the post room has the letter
/// ("Frist for svar er 7. desember" is a week's notice in a letter dated
/// 26 November and stamped 30 November; a move on Monday 7 December in a
/// digital letter dated 26 November that arrives on 3 December). A letter
/// that reaches the post room more than `days` after its date was held up
/// on the way (or its arrival is a copy's, a re-sent file's): its own
/// date bounds the window then. (The urgency table's moments count from
/// such a letter's arrival: measured, `moments::had_on`.)
#[derive(Debug, Clone, Copy)]
struct NearWindow {
    from: NaiveDate,
    to: NaiveDate,
}

impl NearWindow {
    fn new(dated: Option<NaiveDate>, received: Option<NaiveDate>, days: u32) -> Option<Self> {
        let from = dated.or(received)?;
        let days = chrono::Days::new(u64::from(days));
        // A stamp before the letter's date is a misread stamp or a misread
        // date; the letter's own date bounds the window then.
        let latest = from.checked_add_days(days)?;
        let had = received
            .filter(|r| (from..=latest).contains(r))
            .unwrap_or(from);
        let to = had.checked_add_days(days)?;
        Some(NearWindow { from, to })
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
        // weekday ("torsdag 12. november"), "fra"/"innen"/"før" ("behov
        // for heimesjukepleie frå 16. november") or "første gang" (the
        // day a new task starts: "Sårskift annenhver dag, første gang
        // 29.11."); a bare "20.11." in an epicrisis is a follow-up or
        // history, and "kl. 14.30" a time.
        let day_at = c.name("d1").or_else(|| c.name("d2"))?.start();
        let mut back = super::normalize::words(&line[..day_at]).rev();
        let before = back.next()?;
        let first_time = ["gang", "gong"].contains(&before)
            && back
                .next()
                .is_some_and(|w| ["første", "fyrste", "forste"].contains(&w));
        let deadline = super::dates::weekday_of(before).is_some()
            || first_time
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
fn dated_weekday(moment: &str, after: &[&str]) -> bool {
    let last_word = moment.split_whitespace().last().unwrap_or_default();
    super::dates::weekday_of(last_word).is_some()
        && after
            .first()
            .and_then(|w| w.parse::<u32>().ok())
            .is_some_and(|d| (1..=31).contains(&d))
}

/// A moment joined to a weekday by "og"/"eller" ("tirsdag og torsdag") is a
/// week's schedule, not a moment within days.
fn in_schedule(before: &[&str], after: &[&str]) -> bool {
    let joined = |w: Option<&&str>, day: Option<&&str>| {
        w.is_some_and(|&w| w == "og" || w == "eller")
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

#[cfg(test)]
mod tests;
