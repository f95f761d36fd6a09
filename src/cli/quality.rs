//! `postmottak quality confirm|replace`: the scan's quality signed off from
//! the command line, under the same rules as on the board (the person who
//! has the item, or a clerk or leader of its unit).

use std::process::ExitCode;

use anyhow::bail;
use clap::{Args as ClapArgs, Subcommand};

use crate::access::{self, ItemFacts};
use crate::config::Config;
use crate::item::{ItemId, UnitId};
use crate::store::quality;
use crate::store::users::{self, User};
use crate::store::Store;

#[derive(Debug, ClapArgs)]
pub struct Args {
    #[command(flatten)]
    pub config: super::ConfigArg,
    #[command(subcommand)]
    pub command: QualityCommand,
}

#[derive(Debug, Subcommand)]
pub enum QualityCommand {
    /// "Kvaliteten er kontrollert, alle sider er med": clears the item's
    /// quality flags so its shred shelf is no longer held back.
    Confirm {
        /// The item's number (as on the board).
        item: i64,
        /// User name of the person who checked the scan.
        #[arg(long)]
        by: String,
    },
    /// A new scan replaces a bad one: the old item is closed as superseded.
    Replace {
        /// The old (bad) scan's number.
        item: i64,
        /// The new scan's number.
        #[arg(long = "with")]
        with: i64,
        #[arg(long)]
        by: String,
    },
}

fn allowed(store: &Store, user: &User, item: ItemId) -> anyhow::Result<()> {
    let Some(facts) = quality::facts(store, item)? else {
        bail!("sak {item} finnes ikke");
    };
    let unit = facts.unit.as_deref().and_then(|u| UnitId::new(u).ok());
    let ok = !user.disabled
        && access::can_check_quality(
            user,
            ItemFacts {
                unit: unit.as_ref(),
                allocated_to: facts.allocated_to,
            },
        );
    if !ok {
        bail!(
            "{} ({}) kan ikke kontrollere kvaliteten på sak {item}",
            user.username,
            user.role.label_nb()
        );
    }
    Ok(())
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = Config::load(&args.config.path)?;
    let mut store = Store::open(&config.database_path())?;
    match args.command {
        QualityCommand::Confirm { item, by } => {
            let item = ItemId(item);
            let user = users::require(&store, &by)?;
            allowed(&store, &user, item)?;
            let flags = quality::confirm(&store, item, user.id)?;
            let labels: Vec<&str> = flags.iter().map(|f| f.label_nb()).collect();
            println!(
                "Kvaliteten på sak {item} er kontrollert av {} ({}).",
                user.display_name,
                labels.join(", ")
            );
        }
        QualityCommand::Replace { item, with, by } => {
            let (old, new) = (ItemId(item), ItemId(with));
            let user = users::require(&store, &by)?;
            allowed(&store, &user, old)?;
            allowed(&store, &user, new).or_else(|_| {
                // The new scan is usually still waiting: seeing it is enough.
                let (unit, allocated_to) = crate::store::board::item_access(&store, new)?
                    .ok_or_else(|| anyhow::anyhow!("sak {new} finnes ikke"))?;
                if access::can_view(
                    &user,
                    ItemFacts {
                        unit: unit.as_ref(),
                        allocated_to,
                    },
                ) {
                    Ok(())
                } else {
                    bail!("{} har ikke tilgang til sak {new}", user.username)
                }
            })?;
            quality::replace(&mut store, old, new, user.id)?;
            println!("Sak {old} er erstattet av sak {new}.");
        }
    }
    Ok(ExitCode::SUCCESS)
}
