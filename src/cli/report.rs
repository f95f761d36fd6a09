//! `postmottak report backlog|deviation|post-list|access-requests`: the
//! routine's reports on the command line, as text, CSV or HTML on stdout.

use std::process::ExitCode;

use anyhow::{bail, Context};
use chrono::{NaiveDate, Utc};
use clap::{Args as ClapArgs, ValueEnum};

use crate::config::Config;
use crate::report::{self, Format, ReportContext};
use crate::store::users;
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Which {
    /// Restanse: allocated and not registered, per caseworker.
    Backlog,
    /// Avvik: refused files, quality flags, duplicates, late items, blocked
    /// shelves, undeliverable mail.
    Deviation,
    /// Postliste for a period (needs --from and --to), person data masked.
    PostList,
    /// Innsynsbegjæringer not yet registered.
    AccessRequests,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Csv,
    Html,
}

impl From<OutputFormat> for Format {
    fn from(f: OutputFormat) -> Format {
        match f {
            OutputFormat::Text => Format::Text,
            OutputFormat::Csv => Format::Csv,
            OutputFormat::Html => Format::Html,
        }
    }
}

#[derive(Debug, ClapArgs)]
pub struct Args {
    #[arg(value_enum)]
    pub report: Which,
    #[command(flatten)]
    pub config: super::ConfigArg,
    /// First day of the period (05.11.2026 or 2026-11-05, by date received).
    #[arg(long, value_parser = super::day::parse)]
    pub from: Option<NaiveDate>,
    /// Last day of the period, inclusive.
    #[arg(long, value_parser = super::day::parse)]
    pub to: Option<NaiveDate>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    /// Only this caseworker's backlog (username).
    #[arg(long)]
    pub user: Option<String>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = Config::load(&args.config.path)?;
    let path = config.database_path();
    let store = Store::open(&path).with_context(|| format!("kan ikke åpne {}", path.display()))?;
    let now = Utc::now();
    let today = crate::calendar::oslo_date(now);
    let ctx = ReportContext {
        store: &store,
        reports: &config.raw.reports,
        retention: &config.raw.retention,
        taxonomy: std::sync::Arc::new(crate::classify::Taxonomy::from_config(&config)?),
        now,
    };
    let period = match (args.from, args.to) {
        (Some(from), Some(to)) => Some((from, to)),
        (Some(from), None) => Some((from, today)),
        (None, Some(to)) => Some((NaiveDate::MIN, to)),
        (None, None) => None,
    };
    let built = match args.report {
        Which::Backlog => {
            let user = match &args.user {
                Some(name) => Some(
                    users::find(&store, name)?
                        .with_context(|| format!("ukjent bruker {name:?}"))?
                        .id,
                ),
                None => None,
            };
            report::backlog(&ctx, user, period)?
        }
        Which::Deviation => report::deviation(&ctx, period)?,
        Which::PostList => {
            let (Some(from), Some(to)) = (args.from, args.to) else {
                bail!("postlisten trenger en periode: --from DD.MM.ÅÅÅÅ --to DD.MM.ÅÅÅÅ");
            };
            report::post_list(&ctx, from, to)?
        }
        Which::AccessRequests => report::access_requests(&ctx, period)?,
    };
    print!(
        "{}",
        report::render(
            &built,
            args.format.into(),
            crate::mail::local_board_url(&config).as_deref()
        )
    );
    Ok(ExitCode::SUCCESS)
}
