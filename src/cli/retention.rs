//! `postmottak retention plan|run [--at DATE]`: what postmottak's own copies
//! the `[forget]` policy deletes, when and why (counts only, never content),
//! and doing it now. The daemon runs the same sweep daily. `--at` moves the
//! clock: "what would go on 5 November?" / "as if it were 5 November".

use std::process::ExitCode;

use anyhow::Context;
use chrono::{NaiveDate, Utc};
use clap::{Args as ClapArgs, Subcommand};

use crate::calendar;
use crate::config::Config;
use crate::forget::{self, Plan, Policy};
use crate::store::Store;

#[derive(Debug, ClapArgs)]
pub struct Args {
    #[command(flatten)]
    pub config: super::ConfigArg,
    #[command(subcommand)]
    pub command: RetentionCommand,
}

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// List what would be deleted when, and why (counts, no content).
    Plan {
        /// As of this day (YYYY-MM-DD); default today.
        #[arg(long)]
        at: Option<NaiveDate>,
    },
    /// Delete now what is due (as of --at, default today).
    Run {
        #[arg(long)]
        at: Option<NaiveDate>,
    },
}

/// `05.11.2026`.
fn day(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = Config::load(&args.config.path)?;
    let path = config.database_path();
    let mut store =
        Store::open(&path).with_context(|| format!("kan ikke åpne {}", path.display()))?;
    let cfg = &config.raw.forget;
    let today = calendar::oslo_date(Utc::now());
    match args.command {
        RetentionCommand::Plan { at } => {
            let plan = forget::plan(&store, cfg, at.unwrap_or(today))?;
            print_plan(&plan, cfg);
        }
        RetentionCommand::Run { at } => {
            let day_of = at.unwrap_or(today);
            // A moved clock records the start of that day; today, the real time.
            let instant = if day_of == today {
                Utc::now()
            } else {
                forget::start_of_day(day_of)
            };
            if day_of > today {
                // Allowed (the tests and a records officer's "as if" need it),
                // but it deletes earlier than the policy: say so.
                eprintln!(
                    "Merk: kjører som om det var {}; innhold slettes tidligere enn reglene sier.",
                    day(day_of)
                );
            }
            let inboxes = forget::Inboxes::of(&config);
            let out = forget::run_in(
                &mut store,
                &config.data_dir(),
                &inboxes,
                cfg,
                day_of,
                instant,
            )?;
            println!("Sletting per {}:", day(day_of));
            for policy in Policy::ALL {
                let n = out.content.get(&policy).copied().unwrap_or(0);
                if n > 0 {
                    println!("  innhold slettet, {}: {n}", policy.label_nb(cfg));
                }
            }
            if out.content_total() == 0 {
                println!("  ikke noe innhold var forfalt");
            }
            println!(
                "  filer i innholdslageret slettet: {} (beholdt fordi en annen sak har samme fil: {})",
                out.files_removed, out.files_shared
            );
            println!(
                "  journalopplysninger slettet etter {} år: {}",
                cfg.keep_records_years, out.records
            );
            println!(
                "  sidebilder slettet: {} (innhold slettet) + {} (størrelsesgrense); igjen {} filer, {} MB",
                out.cache.removed_forgotten,
                out.cache.removed_for_size,
                out.cache.files,
                out.cache.bytes.div_ceil(1024 * 1024)
            );
            if out.wal_cleared == Some(false) {
                println!(
                    "  merk: databaseloggen (WAL) er i bruk og ble ikke tømt nå; neste kjøring prøver igjen"
                );
            }
            for problem in &out.problems {
                eprintln!("  problem: {problem}");
            }
            if !out.problems.is_empty() {
                return Ok(ExitCode::from(1));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_plan(plan: &Plan, cfg: &forget::ForgetConfig) {
    println!(
        "Sletteplan per {} (antall saker, ikke innhold):",
        day(plan.today)
    );
    println!("Forfalt nå:");
    if plan.content_due_count() == 0 && plan.records_due_now.is_empty() {
        println!("  ingenting");
    }
    for (policy, ids) in &plan.content_due_now {
        println!("  innhold, {}: {}", policy.label_nb(cfg), ids.len());
    }
    if !plan.records_due_now.is_empty() {
        println!(
            "  journalopplysninger eldre enn {} år: {}",
            cfg.keep_records_years,
            plan.records_due_now.len()
        );
    }
    println!("Senere:");
    if plan.content_later.is_empty() && plan.records_later.is_empty() {
        println!("  ingenting");
    }
    for (on, policies) in &plan.content_later {
        for (policy, n) in policies {
            println!("  {}  innhold, {}: {n}", day(*on), policy.label_nb(cfg));
        }
    }
    if let (Some((first, _)), total) = (
        plan.records_later.iter().next(),
        plan.records_later.values().sum::<usize>(),
    ) {
        println!(
            "  fra {}  journalopplysninger etter {} år: {total} i alt",
            day(*first),
            cfg.keep_records_years
        );
    }
    println!(
        "Beholdes uansett alder (ikke tatt inn i saksbehandlingssystemet): {}",
        plan.kept_unregistered
    );
    println!(
        "Innhold allerede slettet, journalopplysninger beholdt: {}",
        plan.already_forgotten
    );
}
