//! `postmottak user add|disable|enable|unlock|reset|role|list`: board accounts for
//! the administrator. Adding or resetting prints the new password (unless
//! read from stdin) and the TOTP enrolment as an `otpauth://` URI and a QR
//! code drawn in the terminal.

use std::io::BufRead;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Args as ClapArgs, Subcommand};

use crate::access;
use crate::config::Config;
use crate::item::{Role, UnitId};
use crate::store::events::Actor;
use crate::store::users::{self, NewUser, User};
use crate::store::Store;
use crate::web::credentials;

#[derive(Debug, ClapArgs)]
pub struct Args {
    #[command(flatten)]
    pub config: super::ConfigArg,
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, Subcommand)]
pub enum Action {
    /// Add a user and print their password and TOTP enrolment.
    Add {
        username: String,
        /// Full name shown on the board.
        #[arg(long)]
        name: String,
        /// clerk | caseworker | leader | records_officer | admin
        #[arg(long)]
        role: String,
        /// A unit the user works in (repeat for several).
        #[arg(long = "unit")]
        units: Vec<String>,
        #[arg(long)]
        email: Option<String>,
        /// Read the password from the first line of stdin instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable a user (ends their sessions).
    Disable { username: String },
    /// Enable a disabled user again.
    Enable { username: String },
    /// Lift a lockout after failed sign-ins (password and code unchanged).
    Unlock { username: String },
    /// New password and new TOTP secret; clears a lockout, ends sessions.
    Reset {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Change a user's role (and units, when given).
    Role {
        username: String,
        role: String,
        #[arg(long = "unit")]
        units: Vec<String>,
    },
    /// List users.
    List,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = Config::load(&args.config.path)?;
    std::fs::create_dir_all(config.data_dir())
        .with_context(|| format!("kan ikke lage {}", config.data_dir().display()))?;
    let mut store = Store::open(&config.database_path())?;
    match args.action {
        Action::Add {
            username,
            name,
            role,
            units,
            email,
            password_stdin,
        } => {
            let role = parse_role(&role)?;
            let units = parse_units(&config, &units)?;
            if units.is_empty() && access::works_in_units(&role) {
                bail!("en {} må ha minst én enhet (--unit)", role.label_nb());
            }
            check_username(&username)?;
            let (password, generated) = password(password_stdin)?;
            let secret = credentials::generate_totp_secret();
            let hash = credentials::hash_password(&password)?;
            users::create(
                &store,
                &NewUser {
                    username: &username,
                    display_name: &name,
                    email: email.as_deref(),
                    role,
                    units: &units,
                    password_hash: &hash,
                    totp_secret: &secret,
                },
                Actor::System,
            )?;
            println!("La til {username} ({}).", role.label_nb());
            print_enrolment(&username, generated.then_some(password.as_str()), &secret)?;
        }
        Action::Disable { username } => {
            users::set_disabled(&mut store, &username, true, Actor::System)?;
            println!("{username} er deaktivert.");
        }
        Action::Enable { username } => {
            users::set_disabled(&mut store, &username, false, Actor::System)?;
            println!("{username} er aktivert.");
        }
        Action::Unlock { username } => {
            users::unlock(&mut store, &username, Actor::System)?;
            println!("{username} kan logge inn igjen.");
        }
        Action::Reset {
            username,
            password_stdin,
        } => {
            let (password, generated) = password(password_stdin)?;
            let secret = credentials::generate_totp_secret();
            let hash = credentials::hash_password(&password)?;
            users::reset(&mut store, &username, &hash, &secret, Actor::System)?;
            println!("Nytt passord og ny engangskode for {username}.");
            print_enrolment(&username, generated.then_some(password.as_str()), &secret)?;
        }
        Action::Role {
            username,
            role,
            units,
        } => {
            let role = parse_role(&role)?;
            let units = parse_units(&config, &units)?;
            // Without --unit the user keeps their units; a unit role needs one.
            if units.is_empty()
                && access::works_in_units(&role)
                && users::require(&store, &username)?.units.is_empty()
            {
                bail!("en {} må ha minst én enhet (--unit)", role.label_nb());
            }
            let given = (!units.is_empty()).then_some(units.as_slice());
            let user = users::set_role(&mut store, &username, role, given, Actor::System)?;
            println!("{}", describe(&user));
        }
        Action::List => {
            for user in users::list(&store)? {
                println!("{}", describe(&user));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn describe(user: &User) -> String {
    let units: Vec<&str> = user.units.iter().map(UnitId::as_str).collect();
    format!(
        "{}\t{}\t{}\t{}\t{}",
        user.username,
        user.display_name,
        user.role,
        units.join(","),
        if user.disabled { "deaktivert" } else { "aktiv" }
    )
}

fn parse_role(role: &str) -> anyhow::Result<Role> {
    role.parse().map_err(|_| {
        let known: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        anyhow::anyhow!("ukjent rolle «{role}»; kjente roller: {}", known.join(", "))
    })
}

fn parse_units(config: &Config, units: &[String]) -> anyhow::Result<Vec<UnitId>> {
    units
        .iter()
        .map(|u| {
            let id = UnitId::new(u).map_err(|e| anyhow::anyhow!("{e}"))?;
            if config.raw.units.iter().any(|c| c.id == id) {
                Ok(id)
            } else {
                bail!("enheten «{u}» finnes ikke i konfigurasjonen")
            }
        })
        .collect()
}

fn check_username(username: &str) -> anyhow::Result<()> {
    let ok = !username.is_empty()
        && username.len() <= 64
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'));
    if !ok {
        bail!("brukernavn kan bare ha bokstavene a–z, tall og . - _ @ (høyst 64 tegn)");
    }
    Ok(())
}

/// The password to set and whether it was generated (and must be shown).
fn password(from_stdin: bool) -> anyhow::Result<(String, bool)> {
    if !from_stdin {
        return Ok((credentials::generate_password(), true));
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.chars().count() < 12 {
        bail!("passordet må ha minst 12 tegn");
    }
    Ok((password, false))
}

fn print_enrolment(username: &str, password: Option<&str>, secret: &str) -> anyhow::Result<()> {
    let uri = credentials::enrolment_uri(secret, username)?;
    if let Some(password) = password {
        println!("Passord: {password}");
    }
    println!("Engangskode (TOTP): skann QR-koden med autentiseringsappen, eller legg inn:");
    println!("{uri}");
    println!("{}", credentials::enrolment_qr(&uri)?);
    Ok(())
}
