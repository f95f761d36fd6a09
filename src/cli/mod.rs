//! CLI: the `postmottak` subcommands. Each file here owns one subcommand's
//! arguments and turns them into calls on the library; nothing below `cli/`
//! knows about argument parsing.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod process;
pub mod report;
pub mod shelf;

#[derive(Debug, Parser)]
#[command(name = "postmottak", version, about = "Postmottak for helse og omsorg")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read files (extract + classify) and report one line per file.
    Process(process::Args),
    /// Shred shelves: list, show, confirm shredded.
    Shelf(shelf::Args),
    /// Reports: backlog, deviation, post list, access requests.
    Report(report::Args),
}

impl Cli {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        match self.command {
            Command::Process(args) => process::run(args),
            Command::Shelf(args) => shelf::run(args),
            Command::Report(args) => report::run(args),
        }
    }
}
