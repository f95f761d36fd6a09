//! `postmottak allocate ITEM --to USER`: allocate a waiting item from a
//! script, as the meeting would. The same rules as on the board: the item
//! must be waiting, and the person must be one `access::can_be_given` allows
//! (an active caseworker or leader of the item's unit). With `--by USER` that
//! person allocates and `access::can_allocate` decides, exactly as on the
//! board; without it the administrator at the terminal (`Actor::System`)
//! stands in for the meeting.

use std::process::ExitCode;

use anyhow::bail;
use clap::Args as ClapArgs;

use crate::access::{self, ItemFacts};
use crate::config::Config;
use crate::item::ItemId;
use crate::store::board::{self, AllocationKind};
use crate::store::events::Actor;
use crate::store::users;
use crate::store::Store;

#[derive(Debug, ClapArgs)]
pub struct Args {
    #[command(flatten)]
    pub config: super::ConfigArg,
    /// The item's number (as on the board).
    pub item: i64,
    /// User name of the caseworker.
    #[arg(long)]
    pub to: String,
    /// User name of the person allocating (a clerk or leader of the unit,
    /// or a caseworker taking the item); recorded as the one who did it.
    #[arg(long)]
    pub by: Option<String>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = Config::load(&args.config.path)?;
    let mut store = Store::open(&config.database_path())?;
    let item = ItemId(args.item);
    let user = users::require(&store, &args.to)?;
    let Some((unit, allocated_to)) = board::item_access(&store, item)? else {
        bail!("sak {item} finnes ikke");
    };
    let Some(unit) = unit else {
        bail!("sak {item} har ingen enhet ennå");
    };
    let actor = match &args.by {
        None => Actor::System,
        Some(by) => {
            let by = users::require(&store, by)?;
            let facts = ItemFacts {
                unit: Some(&unit),
                allocated_to,
            };
            if by.disabled || !access::can_allocate(&by, facts, user.id) {
                bail!(
                    "{} ({}) kan ikke fordele sak {item} til {}",
                    by.username,
                    by.role.label_nb(),
                    args.to
                );
            }
            Actor::User(by.id)
        }
    };
    if !access::can_be_given(&user, &unit) {
        bail!(
            "{} kan ikke få saker i enheten {unit} (må være aktiv saksbehandler eller leder der)",
            args.to
        );
    }
    board::allocate(&mut store, item, user.id, actor, AllocationKind::Cli, false)?;
    println!(
        "Sak {item} er fordelt til {} ({}).",
        user.display_name, user.username
    );
    Ok(ExitCode::SUCCESS)
}
