//! A letter's moments, for the urgency model: when its events fall against
//! the day the post room had it. Words alone cannot tell "the short stay
//! ends on Friday" (urgent: someone must be ready) from "the short stay
//! ends in January" (calm), nor a visit changed from tomorrow from one
//! changed from next month; the rules' `near_need` reads the first only
//! beside a need phrase. So the model counts, besides the words, the words
//! beside a date within days after receipt (`m_` + word), and that the
//! letter has such a date at all or one weeks ahead (`m_near`,
//! `m_later`), and learns from the labelled letters which events near
//! receipt make a letter urgent.

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};

use super::day_months_in;
use crate::classify::features::model_words;
use crate::classify::rules::Rules;

impl Rules {
    /// The moment features of a folded letter (empty without a near-need
    /// section or a date to count from). `dated` is the letter's own date,
    /// `received` the day the post room had it.
    pub(in crate::classify) fn moments(
        &self,
        folded: &str,
        dated: Option<NaiveDate>,
        received: Option<NaiveDate>,
    ) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let Some(need) = &self.file.urgent.near_need else {
            return out;
        };
        let Some(had) = had_on(dated, received) else {
            return out;
        };
        let Some(to) = had.checked_add_days(Days::new(u64::from(need.days))) else {
            return out;
        };
        let lines: Vec<&str> = folded.lines().collect();
        let full_dates: Vec<Vec<NaiveDate>> = lines
            .iter()
            .map(|l| crate::classify::dates::dates_in(l).collect())
            .collect();
        for (i, line) in lines.iter().enumerate() {
            let dates: Vec<NaiveDate> = full_dates[i]
                .iter()
                .copied()
                .chain(day_months_in(line, dated.unwrap_or(had)))
                .collect();
            // The day the letter was had is its date line and its stamp,
            // not an event: an event is after it.
            let near = dates.iter().any(|d| had < *d && *d <= to)
                || self.soon_in(line, lines.get(i + 1).copied(), need);
            if dates.iter().any(|d| *d > to) {
                out.insert("m_later".to_owned());
            }
            if !near {
                continue;
            }
            out.insert("m_near".to_owned());
            // A sentence wraps: the event may be named on the line before,
            // when that line runs on (no sentence ends there, and it is no
            // date line of its own).
            let runs_on = |&p: &usize| {
                !lines[p].trim_end().ends_with(['.', '!', '?', ':']) && full_dates[p].is_empty()
            };
            let context = i.checked_sub(1).filter(runs_on).map(|p| lines[p]);
            for text in context.into_iter().chain(std::iter::once(*line)) {
                out.extend(
                    model_words(text)
                        .filter(|w| w.len() >= 3)
                        .map(|w| format!("m_{}", crate::classify::nynorsk::to_bokmal(w))),
                );
            }
        }
        out
    }
}

/// The day the post room had the letter: the received day when it is
/// plausible for the letter's date (not before it), else the letter's own.
/// Unlike the rules' `NearWindow`, a letter held up on the way counts from
/// its arrival too: the table weighs a moment where the rule decides on
/// it. Measured both ways in session 41 (round CV, 1337 urgent letters):
/// the moments bounded like the window found 1306 with 243 false alarms
/// against 1311 with 253; the window unbounded like the moments 1311 with
/// 304.
fn had_on(dated: Option<NaiveDate>, received: Option<NaiveDate>) -> Option<NaiveDate> {
    match (dated, received) {
        (Some(d), Some(r)) if r >= d => Some(r),
        (Some(d), _) => Some(d),
        (None, r) => r,
    }
}
