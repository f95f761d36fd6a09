//! CLI: the `postmottak` subcommands. Each file here owns one subcommand's
//! arguments and turns them into calls on the library; nothing below `cli/`
//! knows about argument parsing.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod allocate;
pub mod report;
pub mod shelf;
pub mod user;

#[derive(Debug, Parser)]
#[command(name = "postmottak", version, about = "Postmottak for helse og omsorg")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the version (placeholder until the first subcommand lands).
    Version,
    /// Board accounts: add, disable, enable, reset, role, list.
    User(user::Args),
    /// Allocate a waiting item to a caseworker.
    Allocate(allocate::Args),
    /// Shred shelves: list, show, confirm shredded.
    Shelf(shelf::Args),
    /// Reports: backlog, deviation, post list, access requests.
    Report(report::Args),
}

impl Cli {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        match self.command {
            Command::Version => {
                println!("postmottak {}", env!("CARGO_PKG_VERSION"));
                Ok(ExitCode::SUCCESS)
            }
            Command::User(args) => user::run(args),
            Command::Allocate(args) => allocate::run(args),
            Command::Shelf(args) => shelf::run(args),
            Command::Report(args) => report::run(args),
        }
    }
}
