//! Reports: backlog (restanse), deviation (avvik), post list and access
//! requests (innsyn), built from the store into one neutral [`Report`] shape
//! and rendered as text, CSV or HTML (`render`).
//!
//! **Invariant:** a report never carries letter text or a whole person ID:
//! person IDs only in their masked form, and titles and file names pass
//! through [`mask_digits`] (person IDs in every written form masked). That is
//! what makes a report safe to send by e-mail.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc, Weekday};
use serde::{Deserialize, Deserializer};

use crate::item::ItemId;
use crate::store::StoreError;
use crate::string_enum::string_enum;

mod build;
mod render;

pub use build::{access_requests, backlog, deviation, post_list, ReportContext};
pub use render::{render, render_csv, render_html, render_text, report_body_html, Format};

/// The `reports` section of the config file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportConfig {
    /// Unallocated items older than this many working days are deviations.
    #[serde(default = "default_unallocated_limit")]
    pub unallocated_limit_days: i64,
    /// Allocated but unregistered items older than this many working days
    /// are deviations.
    #[serde(default = "default_unregistered_limit")]
    pub unregistered_limit_days: i64,
    /// Calendar days back the deviation report looks for refused files and
    /// duplicates when no period is given.
    #[serde(default = "default_deviation_days")]
    pub deviation_period_days: u32,
    /// Mail still unsent after this many attempts counts as undeliverable.
    #[serde(default = "default_undeliverable_attempts")]
    pub undeliverable_after_attempts: i64,
    /// When reports are mailed.
    #[serde(default = "default_schedule")]
    pub schedule: Vec<ScheduleEntry>,
}

fn default_unallocated_limit() -> i64 {
    1
}
fn default_unregistered_limit() -> i64 {
    10
}
fn default_deviation_days() -> u32 {
    7
}
fn default_undeliverable_attempts() -> i64 {
    5
}

fn default_schedule() -> Vec<ScheduleEntry> {
    let at = NaiveTime::from_hms_opt(7, 30, 0).unwrap_or(NaiveTime::MIN);
    vec![
        ScheduleEntry {
            report: ScheduledReport::Backlog,
            days: vec![Weekday::Mon],
            time: at,
        },
        ScheduleEntry {
            report: ScheduledReport::Deviation,
            days: vec![Weekday::Mon, Weekday::Thu],
            time: at,
        },
    ]
}

impl ReportConfig {
    pub fn validate(&self) -> Vec<crate::config::ConfigIssue> {
        let mut issues = Vec::new();
        let mut issue = |key: &str, message: String| {
            issues.push(crate::config::ConfigIssue {
                key: key.into(),
                message,
            })
        };
        if self.unallocated_limit_days < 0 {
            issue(
                "reports.unallocated_limit_days",
                "kan ikke være negativ".into(),
            );
        }
        if self.unregistered_limit_days < 0 {
            issue(
                "reports.unregistered_limit_days",
                "kan ikke være negativ".into(),
            );
        }
        if self.undeliverable_after_attempts < 1 {
            issue(
                "reports.undeliverable_after_attempts",
                "må være minst 1".into(),
            );
        }
        for (i, entry) in self.schedule.iter().enumerate() {
            if entry.days.is_empty() {
                issue(
                    &format!("reports.schedule[{i}].days"),
                    "er tom; oppgi minst én ukedag".into(),
                );
            }
        }
        issues
    }
}

impl Default for ReportConfig {
    fn default() -> Self {
        ReportConfig {
            unallocated_limit_days: default_unallocated_limit(),
            unregistered_limit_days: default_unregistered_limit(),
            deviation_period_days: default_deviation_days(),
            undeliverable_after_attempts: default_undeliverable_attempts(),
            schedule: default_schedule(),
        }
    }
}

/// One line of the schedule: `{ report = "deviation", days = ["mon", "thu"],
/// time = "07:30" }` (Europe/Oslo wall-clock time).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleEntry {
    pub report: ScheduledReport,
    #[serde(deserialize_with = "de_weekdays")]
    pub days: Vec<Weekday>,
    #[serde(deserialize_with = "de_time")]
    pub time: NaiveTime,
}

string_enum! {
    /// The reports that can be mailed on a schedule. (The post list is made on
    /// request only.)
    #[derive(Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum ScheduledReport("report") {
        Backlog => "backlog",
        Deviation => "deviation",
        AccessRequests => "access-requests",
    }
}

fn de_weekdays<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Weekday>, D::Error> {
    let names = Vec::<String>::deserialize(d)?;
    names
        .iter()
        .map(|n| {
            parse_weekday(n).ok_or_else(|| serde::de::Error::custom(format!("ukjent ukedag {n:?}")))
        })
        .collect()
}

fn de_time<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
    let text = String::deserialize(d)?;
    NaiveTime::parse_from_str(&text, "%H:%M")
        .map_err(|_| serde::de::Error::custom(format!("ugyldig klokkeslett {text:?} (bruk TT:MM)")))
}

/// English ("mon", "monday") or Norwegian ("man", "mandag") day names.
pub fn parse_weekday(name: &str) -> Option<Weekday> {
    let lower = name.trim().to_lowercase();
    let nb = match lower.as_str() {
        "man" | "mandag" => Some(Weekday::Mon),
        "tir" | "tirsdag" => Some(Weekday::Tue),
        "ons" | "onsdag" => Some(Weekday::Wed),
        "tor" | "torsdag" => Some(Weekday::Thu),
        "fre" | "fredag" => Some(Weekday::Fri),
        "lør" | "lørdag" => Some(Weekday::Sat),
        "søn" | "søndag" => Some(Weekday::Sun),
        _ => None,
    };
    nb.or_else(|| Weekday::from_str(&lower).ok())
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("ugyldig periode: fra {from} er etter til {to}")]
    BadPeriod { from: NaiveDate, to: NaiveDate },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Retention(#[from] crate::retention::RetentionError),
}

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    Backlog,
    Deviation,
    PostList,
    AccessRequests,
}

/// A report in neutral form: titled sections of rows.
#[derive(Debug, Clone)]
pub struct Report {
    pub kind: ReportKind,
    pub title: String,
    /// Period or scope, e.g. "per 30. november 2026".
    pub subtitle: String,
    pub generated_at: DateTime<Utc>,
    pub sections: Vec<Section>,
}

/// Columns that carry content (from the letter or its file): they stay on
/// the board and in reports read there, never in e-mail.
pub const CONTENT_COLUMNS: &[&str] = &["Emne", "Fil", "Fødselsnr. (maskert)"];

impl Report {
    /// The report as e-mail may carry it: the [`CONTENT_COLUMNS`] removed
    /// from every section (item numbers, dates, units, types, counts and
    /// board links stay).
    pub fn for_mail(&self) -> Report {
        let mut report = self.clone();
        for section in &mut report.sections {
            let keep: Vec<bool> = section
                .columns
                .iter()
                .map(|c| !CONTENT_COLUMNS.contains(c))
                .collect();
            let mut k = keep.iter();
            section.columns.retain(|_| *k.next().unwrap_or(&true));
            for row in &mut section.rows {
                let mut k = keep.iter();
                row.cells.retain(|_| *k.next().unwrap_or(&true));
            }
        }
        report
    }

    /// Rows across all sections.
    pub fn row_count(&self) -> usize {
        self.sections.iter().map(|s| s.rows.len()).sum()
    }
}

#[derive(Debug, Clone)]
pub struct Section {
    pub heading: String,
    /// What to say when there are no rows.
    pub empty_text: String,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Row>,
}

/// One line of a section. `item` makes the first cell a link to the board.
#[derive(Debug, Clone)]
pub struct Row {
    pub item: Option<ItemId>,
    pub cells: Vec<String>,
}

/// Masks person ID numbers, however written, as `DDMMYY*****` (the one
/// rule in [`crate::privacy`]); other text is kept.
pub fn mask_digits(text: &str) -> String {
    crate::privacy::mask_person_ids(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eleven_digit_runs_are_masked_and_others_kept() {
        assert_eq!(
            mask_digits("Skanning_01880912345_2026.pdf"),
            "Skanning_018809*****_2026.pdf"
        );
        assert_eq!(mask_digits("sak 2026/1234"), "sak 2026/1234");
        assert_eq!(mask_digits("123456789012"), "123456789012");
    }

    #[test]
    fn the_default_schedule_is_backlog_monday_and_deviation_twice() {
        let cfg: ReportConfig = toml::from_str("").unwrap();
        assert_eq!(cfg.schedule.len(), 2);
        assert_eq!(cfg.schedule[1].days, vec![Weekday::Mon, Weekday::Thu]);
        let cfg: ReportConfig = toml::from_str(
            "[[schedule]]\nreport = \"access-requests\"\ndays = [\"onsdag\"]\ntime = \"08:15\"\n",
        )
        .unwrap();
        assert_eq!(cfg.schedule[0].report, ScheduledReport::AccessRequests);
        assert_eq!(cfg.schedule[0].days, vec![Weekday::Wed]);
        assert!(toml::from_str::<ReportConfig>(
            "[[schedule]]\nreport = \"backlog\"\ndays = [\"someday\"]\ntime = \"08:15\"\n"
        )
        .is_err());
        assert!(toml::from_str::<ReportConfig>(
            "[[schedule]]\nreport = \"post-list\"\ndays = [\"mon\"]\ntime = \"08:15\"\n"
        )
        .is_err());
        let empty: ReportConfig =
            toml::from_str("[[schedule]]\nreport = \"backlog\"\ndays = []\ntime = \"08:15\"\n")
                .unwrap();
        assert_eq!(empty.validate()[0].key, "reports.schedule[0].days");
    }
}
