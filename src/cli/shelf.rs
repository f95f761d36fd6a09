//! `postmottak shelf list|show|confirm-shredded`: the shred shelves on the
//! command line. `--at DATE` previews another day ("what is ready on
//! Monday?"); for `confirm-shredded` it is the day the shelf was shredded.

use std::process::ExitCode;

use anyhow::Context;
use chrono::{NaiveDate, Utc};
use clap::{Args as ClapArgs, Subcommand};

use crate::calendar::{self, date_label_nb, date_nb};
use crate::config::Config;
use crate::retention::{self, Shelf, ShelfId, ShelfState};
use crate::store::Store;

#[derive(Debug, ClapArgs)]
pub struct Args {
    #[command(flatten)]
    pub config: super::ConfigArg,
    #[command(subcommand)]
    pub command: ShelfCommand,
}

#[derive(Debug, Subcommand)]
pub enum ShelfCommand {
    /// List every shelf with its state and shred date.
    List {
        /// Show the shelves as they stand on this day (05.11.2026 or 2026-11-05).
        #[arg(long, value_parser = super::day::parse)]
        at: Option<NaiveDate>,
    },
    /// Show one shelf (YYYY-MM) with its items and what blocks it.
    Show {
        shelf: String,
        #[arg(long, value_parser = super::day::parse)]
        at: Option<NaiveDate>,
    },
    /// Record that a ready shelf was shredded, by whom (a records officer).
    ConfirmShredded {
        shelf: String,
        /// Username of the records officer who shredded it.
        #[arg(long)]
        by: String,
        /// The day it was shredded (default: today).
        #[arg(long, value_parser = super::day::parse)]
        at: Option<NaiveDate>,
    },
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = Config::load(&args.config.path)?;
    let path = config.database_path();
    let mut store =
        Store::open(&path).with_context(|| format!("kan ikke åpne {}", path.display()))?;
    let today = calendar::oslo_date(Utc::now());
    let rcfg = &config.raw.retention;
    match args.command {
        ShelfCommand::List { at } => {
            let day = at.unwrap_or(today);
            let shelves = retention::shelves(&store, rcfg, day)?;
            println!("Per {}:", date_label_nb(day));
            if shelves.is_empty() {
                println!("Ingen makuleringshyller.");
            }
            for shelf in &shelves {
                println!("{}", summary_line(shelf));
            }
        }
        ShelfCommand::Show { shelf, at } => {
            let id: ShelfId = shelf.parse()?;
            let shelf = retention::shelf(&store, rcfg, id, at.unwrap_or(today))?;
            print_shelf(&store, &shelf)?;
        }
        ShelfCommand::ConfirmShredded { shelf, by, at } => {
            let id: ShelfId = shelf.parse()?;
            let shelf =
                retention::confirm_shredded(&mut store, rcfg, id, &by, at.unwrap_or(today), today)?;
            println!(
                "Makuleringshylle {} er bekreftet makulert: {} dokumenter.",
                shelf.id.label_nb(),
                shelf.items.len()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn summary_line(shelf: &Shelf) -> String {
    let detail = match shelf.state {
        ShelfState::Blocked => format!(" – {}", shelf.block_summary_nb()),
        ShelfState::Shredded => shelf
            .confirmation
            .as_ref()
            .map(|c| format!(" {} av {}", date_nb(c.shredded_on), c.confirmed_by_name))
            .unwrap_or_default(),
        _ => String::new(),
    };
    format!(
        "{}  {:<16} {:>4} dok.  fra {:<18} {}{}",
        shelf.id,
        shelf.id.label_nb(),
        shelf.items.len(),
        date_label_nb(shelf.shred_from),
        shelf.state.label_nb(),
        detail
    )
}

fn print_shelf(store: &Store, shelf: &Shelf) -> anyhow::Result<()> {
    println!("Makuleringshylle {} ({})", shelf.id.label_nb(), shelf.id);
    println!("Status: {}", shelf.state.label_nb());
    println!("Kan makuleres fra: {}", date_label_nb(shelf.shred_from));
    if let Some(c) = &shelf.confirmation {
        println!(
            "Makulert {} av {} (registrert {}), {} dokumenter",
            date_nb(c.shredded_on),
            c.confirmed_by_name,
            calendar::oslo_datetime(c.recorded_at).format("%d.%m.%Y %H:%M"),
            c.item_ids.len()
        );
    }
    if shelf.state == ShelfState::Blocked {
        println!("Blokkert: {}", shelf.block_summary_nb());
    }
    println!("Dokumenter: {}", shelf.items.len());
    for item in &shelf.items {
        let ids = crate::store::reports::masked_person_ids(store, item.id)?.join(", ");
        let title = crate::report::mask_digits(item.title.as_deref().unwrap_or("(uten emne)"));
        let reasons: Vec<String> = item.blocking.iter().map(|r| r.label_nb()).collect();
        println!(
            "  sak {:>6}  {}  {:<18} {}{}{}",
            item.id.0,
            date_nb(item.received_on),
            item.unit.as_deref().unwrap_or("–"),
            title,
            if ids.is_empty() {
                String::new()
            } else {
                format!(" ({ids})")
            },
            if reasons.is_empty() {
                String::new()
            } else {
                format!(
                    "  ← {} (hos {})",
                    reasons.join("; "),
                    item.holder.as_deref().unwrap_or("ikke fordelt")
                )
            }
        );
    }
    Ok(())
}
