//! `postmottak run --config FILE`: the daemon. Refuses to start on a bad
//! config (exit 2, every problem listed); a task failure exits 1 so systemd
//! restarts the service; SIGTERM exits 0 after draining.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args as ClapArgs;

use crate::daemon::{self, DaemonError};
use crate::logging;

#[derive(Debug, ClapArgs)]
pub struct Args {
    #[command(flatten)]
    pub config: super::ConfigArg,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    // The project's logger: journal under systemd, otherwise plain (no ANSI)
    // stderr with person-ID-like numbers redacted.
    if let Err(err) = logging::init(logging::Target::Auto) {
        eprintln!("postmottak: {err}");
        return Ok(ExitCode::from(2));
    }
    // Before the runtime starts its threads: fewer malloc arenas keep the
    // memory a burst used returnable at rest.
    crate::ingest::rest::limit_arenas();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("postmottak")
        .build()
        .context("kan ikke starte tokio")?;
    let result = runtime.block_on(daemon::run(args.config.path));
    // Extraction on blocking threads cannot be interrupted; do not wait for
    // it beyond the drain already done (it resumes at the next start).
    runtime.shutdown_timeout(Duration::from_secs(2));
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // A rules file that does not load is a config problem like any other.
        Err(err @ (DaemonError::Config(_) | DaemonError::Classify(_))) => {
            eprintln!("postmottak: {err}");
            Ok(ExitCode::from(2))
        }
        Err(err) => {
            tracing::error!(error = %err, "postmottak stoppet med feil");
            eprintln!("postmottak: {err}");
            Ok(ExitCode::from(1))
        }
    }
}
