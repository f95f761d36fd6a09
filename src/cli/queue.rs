//! `postmottak queue list --config FILE [--json] [--all]`: the items waiting
//! for allocation at the morning meeting (urgent first, oldest first), or
//! every item with `--all`. `--json` prints one object per line (DESIGN.md
//! §6b, plus `allocated_to` (username) and `allocated_at`).

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args as ClapArgs, Subcommand};

use crate::config::Config;
use crate::store::{queue_list, Store};

#[derive(Debug, ClapArgs)]
pub struct Args {
    #[command(subcommand)]
    pub command: QueueCommand,
}

#[derive(Debug, Subcommand)]
pub enum QueueCommand {
    /// List items waiting for allocation (or all items with --all).
    List(ListArgs),
}

#[derive(Debug, ClapArgs)]
pub struct ListArgs {
    #[command(flatten)]
    pub config: super::ConfigArg,
    /// One JSON object per line.
    #[arg(long)]
    pub json: bool,
    /// Every item in any state, not only those waiting for allocation.
    #[arg(long)]
    pub all: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        QueueCommand::List(list) => run_list(list),
    }
}

fn run_list(args: ListArgs) -> anyhow::Result<ExitCode> {
    let config = Config::load(&args.config.path)?;
    let db = config.database_path();
    let rows = if db.exists() {
        let store = Store::open(&db).with_context(|| format!("kan ikke åpne {}", db.display()))?;
        queue_list::queue_rows(&store, args.all)?
    } else {
        Vec::new()
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        for row in &rows {
            writeln!(out, "{}", serde_json::to_string(row)?)?;
        }
    } else {
        for r in &rows {
            // People read the state and the arrival time; codes and ISO
            // times are for `--json`.
            let state = r
                .state
                .parse::<crate::item::ItemState>()
                .map(|s| s.label_nb().to_owned())
                .unwrap_or_else(|_| r.state.clone());
            let received = crate::calendar::oslo_datetime(r.received_at)
                .format("%d.%m.%Y %H:%M")
                .to_string();
            writeln!(
                out,
                "{:>6} {received:<16} {:<14} {:<18} {:<20} {}{}",
                r.id,
                state,
                r.unit.as_deref().unwrap_or("-"),
                r.document_type.as_deref().unwrap_or("-"),
                if r.urgent == Some(true) {
                    "HASTER "
                } else {
                    ""
                },
                r.title.as_deref().unwrap_or(&r.file_name),
            )?;
        }
        if rows.is_empty() {
            writeln!(out, "Ingen saker.")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
