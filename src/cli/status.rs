//! `postmottak status --config FILE`: a short health summary for admins —
//! whether the daemon runs, each folder and how it is watched, queue depth,
//! items under OCR, last arrival, last error. Reads the store and the status
//! file the daemon rewrites every second. Exit 0 when running and healthy,
//! 1 when running with a problem (a folder gone, `_avvist` unusable, a stage
//! stuck: each named with since when), 3 when not running (the LSB
//! convention `systemctl status` uses), so monitoring can alert on it.

use std::process::ExitCode;

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::Args as ClapArgs;

use crate::config::Config;
use crate::ingest::health::{read_status_file, StatusFile};
use crate::item::ItemState;
use crate::store::{queue_list, Store};

#[derive(Debug, ClapArgs)]
pub struct Args {
    #[command(flatten)]
    pub config: super::ConfigArg,
}

/// Norwegian time whatever the host's time zone.
fn local(t: &DateTime<Utc>) -> String {
    t.with_timezone(&chrono_tz::Europe::Oslo)
        .format("%d.%m.%Y %H:%M:%S")
        .to_string()
}

fn is_running(status: &StatusFile) -> bool {
    let fresh = Utc::now().signed_duration_since(status.updated_at) < chrono::Duration::seconds(30);
    let pid = nix::unistd::Pid::from_raw(status.pid as i32);
    fresh && nix::sys::signal::kill(pid, None).is_ok()
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = Config::load(&args.config.path)?;
    let status = read_status_file(&config.data_dir());
    let running = status.as_ref().is_some_and(is_running);
    match &status {
        Some(s) if running => println!(
            "postmottak kjører (pid {}, startet {})",
            s.pid,
            local(&s.started_at)
        ),
        Some(s) => println!(
            "postmottak kjører ikke (sist sett {})",
            local(&s.updated_at)
        ),
        None => println!("postmottak kjører ikke (har aldri kjørt med denne datamappen)"),
    }
    let problems = status
        .as_ref()
        .filter(|_| running)
        .map(|s| s.problems.clone())
        .unwrap_or_default();
    println!("Mapper:");
    for folder in config.inbox_folders() {
        let folder_problem = problems
            .iter()
            .find(|p| p.key == format!("folder:{}", folder.path.display()));
        let mode = match folder_problem {
            Some(p) => format!(
                "FEIL siden {}: mappen mangler eller er byttet ut",
                local(&p.since)
            ),
            None => status
                .as_ref()
                .filter(|_| running)
                .and_then(|s| s.folders.iter().find(|f| f.path == folder.path))
                .map(|f| f.mode_text.clone())
                .unwrap_or_else(|| "ikke overvåket".into()),
        };
        let name = folder
            .unit
            .as_ref()
            .map(|u| u.to_string())
            .unwrap_or_else(|| "digital".into());
        println!(
            "  {name:<20} {} — {mode}",
            crate::paths::shown(&folder.path).display()
        );
    }
    let db = config.database_path();
    if db.exists() {
        let store = Store::open(&db).with_context(|| format!("kan ikke åpne {}", db.display()))?;
        let counts = queue_list::state_counts(&store)?;
        let count = |st: ItemState| counts.iter().find(|(s, _)| *s == st).map_or(0, |(_, n)| *n);
        let in_pipeline =
            count(ItemState::Admitted) + count(ItemState::Extracted) + count(ItemState::Classified);
        println!("Til fordeling: {}", count(ItemState::Queued));
        println!("Fordelt, ikke registrert: {}", count(ItemState::Allocated));
        println!("Under behandling (lesing/klassifisering): {in_pipeline}");
        println!(
            "Avvist: {}   Duplikater: {}",
            count(ItemState::Rejected),
            count(ItemState::Duplicate)
        );
        if let Some(last) = queue_list::last_received_at(&store)? {
            println!("Siste mottak: {}", local(&last));
        }
    } else {
        println!(
            "Ingen database ennå ({}).",
            crate::paths::shown(&db).display()
        );
    }
    if let Some(s) = status.as_ref().filter(|_| running) {
        println!(
            "Under OCR nå: {}   Venter på ro: {}",
            s.in_extraction, s.settling
        );
    }
    if !problems.is_empty() {
        println!("Problemer nå:");
        for p in &problems {
            println!("  siden {}: {}", local(&p.since), p.message);
        }
    }
    if let Some(err) = status.as_ref().and_then(|s| s.last_error.as_ref()) {
        println!("Siste feil ({}): {}", local(&err.at), err.message);
    }
    Ok(if !running {
        ExitCode::from(3)
    } else if !problems.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
