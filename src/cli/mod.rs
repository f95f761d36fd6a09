//! CLI: the `postmottak` subcommands. Each file here owns one subcommand's
//! arguments and turns them into calls on the library; nothing below `cli/`
//! knows about argument parsing.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod process;

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
}

impl Cli {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        match self.command {
            Command::Process(args) => process::run(args),
        }
    }
}
