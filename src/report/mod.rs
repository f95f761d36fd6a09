//! Reports: backlog (restanse), deviation (avvik), post list and access
//! requests (innsyn), built from the store into one neutral [`Report`] shape
//! and rendered as text, CSV or HTML (`render`).
//!
//! **Invariant:** a report never carries letter text or a whole person ID:
//! person IDs only in their masked form, and titles and file names pass
//! through [`mask_digits`] (person IDs in every written form masked). That is
//! what makes a report safe to send by e-mail.

use chrono::{DateTime, NaiveDate, Utc};

use crate::item::ItemId;
use crate::store::StoreError;

mod build;
pub mod config;
mod render;

pub use build::{access_requests, backlog, deviation, post_list, ReportContext};
pub use config::{parse_weekday, ReportConfig, ScheduleEntry, ScheduledReport};
pub use render::{render, render_csv, render_html, render_text, report_body_html, Format};

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

impl ReportKind {
    /// Whether a user with these reports (`access::reports`) may open this
    /// one; a backlog opened by its own reader is limited to their items.
    pub fn open_to(self, reports: crate::access::Reports) -> bool {
        use crate::access::Reports;
        match reports {
            Reports::All => true,
            Reports::OwnBacklog => self == ReportKind::Backlog,
            Reports::None => false,
        }
    }
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
    use chrono::Weekday;

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
        assert_eq!(
            crate::issues::Issues::of(|i| empty.validate(i))[0].key,
            "reports.schedule[0].days"
        );
    }
}
