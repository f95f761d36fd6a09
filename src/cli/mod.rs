//! CLI: the `postmottak` subcommands. Each file here owns one subcommand's
//! arguments and turns them into calls on the library; nothing below `cli/`
//! knows about argument parsing.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod allocate;
pub mod backup;
pub mod check_config;
pub mod day;
pub mod process;
pub mod quality;
pub mod queue;
pub mod report;
pub mod retention;
pub mod run;
pub mod shelf;
pub mod status;
pub mod user;

/// `--config FILE`, shared by every subcommand that works on an installation.
#[derive(Debug, Clone, clap::Args)]
pub struct ConfigArg {
    /// Config file.
    #[arg(
        long = "config",
        value_name = "FILE",
        env = "POSTMOTTAK_CONFIG",
        default_value = "config/postmottak.toml",
        global = true
    )]
    pub path: PathBuf,
}

#[derive(Debug, Parser)]
#[command(name = "postmottak", version, about = "Postmottak for helse og omsorg")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the daemon: watch the inboxes, read and classify every arrival.
    Run(run::Args),
    /// Read files (extract + classify) and report one line per file.
    Process(process::Args),
    /// The morning-meeting queue.
    Queue(queue::Args),
    /// Allocate a waiting item to a caseworker.
    Allocate(allocate::Args),
    /// Board accounts: add, disable, enable, unlock, reset, role, list.
    User(user::Args),
    /// Shred shelves: list, show, confirm shredded.
    Shelf(shelf::Args),
    /// A scan's quality: confirm it was checked, or replace it by a new scan.
    Quality(quality::Args),
    /// Reports: backlog, deviation, post list, access requests.
    Report(report::Args),
    /// Deleting postmottak's own copies after registration: plan, run.
    Retention(retention::Args),
    /// Validate a config file and the folders it names.
    CheckConfig(check_config::Args),
    /// Health summary of the daemon: folders, queue, OCR, last arrival and error.
    Status(status::Args),
    /// Back up the database, the content store and the key, while the daemon runs.
    Backup(backup::BackupArgs),
    /// Restore a backup into an empty data folder.
    Restore(backup::RestoreArgs),
    /// Check the store against its content: every item's file present, hashes right.
    Verify(backup::VerifyArgs),
}

impl Cli {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        match self.command {
            Command::Run(args) => run::run(args),
            Command::Process(args) => process::run(args),
            Command::Queue(args) => queue::run(args),
            Command::Allocate(args) => allocate::run(args),
            Command::User(args) => user::run(args),
            Command::Shelf(args) => shelf::run(args),
            Command::Quality(args) => quality::run(args),
            Command::Report(args) => report::run(args),
            Command::Retention(args) => retention::run(args),
            Command::CheckConfig(args) => check_config::run(args),
            Command::Status(args) => status::run(args),
            Command::Backup(args) => backup::backup(args),
            Command::Restore(args) => backup::restore(args),
            Command::Verify(args) => backup::verify(args),
        }
    }
}
