//! `postmottak check-config --config FILE`: validates a config file and the
//! folders it names. Prints a short summary when it is in order (exit 0), or
//! every problem (file, key, what is wrong, what is allowed; exit 2).

use std::process::ExitCode;

use clap::Args as ClapArgs;

use crate::watch::fs_kind;

#[derive(Debug, ClapArgs)]
pub struct Args {
    #[command(flatten)]
    pub config: super::ConfigArg,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let checked = match crate::check::service(&args.config.path) {
        Ok(c) => c,
        Err(err) => {
            eprintln!("{err}");
            return Ok(ExitCode::from(2));
        }
    };
    let config = &checked.config;
    // The classification rules file is read and checked the way `run` does.
    if let Err(err) = &checked.classifier {
        eprintln!("{}: classify.rules: {err}", config.display_name());
        return Ok(ExitCode::from(2));
    }
    println!("OK: {}", config.display_name());
    println!(
        "  data_dir: {}",
        crate::paths::shown(&config.data_dir()).display()
    );
    for folder in config.inbox_folders() {
        let name = match &folder.unit {
            Some(unit) => config
                .unit(unit)
                .map(|u| format!("{} ({unit})", u.name))
                .unwrap_or_else(|| unit.to_string()),
            None => "digital post".into(),
        };
        println!(
            "  {name}: {} — {}",
            crate::paths::shown(&folder.path).display(),
            fs_kind::choose(&folder.path, folder.poll)
        );
    }
    let w = &config.raw.watch;
    println!(
        "  ro-tid {} ms, full gjennomgang hvert {} s, ignorerer {}",
        w.settle_ms,
        w.rescan_secs,
        w.ignore.join(" ")
    );
    if let Some(fallback) = &checked.unit_fallback {
        println!(
            "  digital post som standardreglene sender til en enhet som ikke er satt opp, går til {}",
            fallback.unit()
        );
    }
    // A warning, not an error: the service runs, but its mails cannot link.
    for warning in &checked.warnings {
        eprintln!("{}: advarsel: {warning}", config.display_name());
    }
    Ok(ExitCode::SUCCESS)
}
