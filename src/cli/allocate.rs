//! `postmottak allocate ITEM --to USER`: allocate a waiting item from a
//! script, as the meeting would. The same rules as on the board: the item
//! must be waiting, and the person must be one `access::can_be_given` allows
//! (an active caseworker or leader of the item's unit). The one acting is
//! the administrator at the terminal (`Actor::System`), who stands in for
//! the meeting, so only the receiving side is checked.

use std::process::ExitCode;

use anyhow::bail;
use clap::Args as ClapArgs;

use crate::access;
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
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = Config::load(&args.config.path)?;
    let mut store = Store::open(&config.database_path())?;
    let item = ItemId(args.item);
    let user = users::require(&store, &args.to)?;
    let Some((unit, _)) = board::item_access(&store, item)? else {
        bail!("sak {item} finnes ikke");
    };
    let Some(unit) = unit else {
        bail!("sak {item} har ingen enhet ennå");
    };
    if !access::can_be_given(&user, &unit) {
        bail!(
            "{} kan ikke få saker i enheten {unit} (må være aktiv saksbehandler eller leder der)",
            args.to
        );
    }
    board::allocate(
        &mut store,
        item,
        user.id,
        Actor::System,
        AllocationKind::Cli,
        false,
    )?;
    println!(
        "Sak {item} er fordelt til {} ({}).",
        user.display_name, user.username
    );
    Ok(ExitCode::SUCCESS)
}
