//! The `[reports]` config section: deviation limits and the mail schedule.
//! Uses only the shared config vocabulary, so `config` can assemble it
//! without a dependency circle.

use crate::string_enum::string_enum;
use std::str::FromStr;

use chrono::{NaiveTime, Weekday};
use serde::{Deserialize, Deserializer};

use crate::issues::Issues;

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
    pub fn validate(&self, issues: &mut Issues) {
        let mut issue = |key: &str, message: String| issues.push(key, message);
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
