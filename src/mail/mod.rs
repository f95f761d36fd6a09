//! Mail: the durable outbox, the SMTP transport (lettre) and the daemon
//! service that queues shelf notices and scheduled reports and sends them.
//!
//! Flow: [`scheduler`] decides what is due at "now" and queues it (one row
//! per notice, keyed so a notice is queued once, ever) → [`sender`] claims due
//! rows and hands the stored bytes to [`transport`] → marks them sent, or
//! schedules a retry with backoff, or (on a permanent 5xx refusal) failed.
//!
//! **Invariants:** every mail is a committed outbox row before the first
//! attempt; an unsent row is never deleted; a resend after a crash between the
//! server's acceptance and our commit is byte-identical, with the same stable
//! `Message-ID`, so receivers drop the repeat. E-mail carries no person ID
//! and no letter text: counts, titles with masked IDs, and links to the board.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::access;
use crate::calendar::{Clock, SystemClock};
use crate::config::Config;
use crate::item::Role;
use crate::store::users;
use crate::store::{Db, Store, StoreError};

pub mod after_meeting;
pub mod compose;
pub mod config;
pub mod notices;
pub mod scheduler;
pub mod sender;
pub mod transport;

pub use config::{MailConfig, TlsMode};

impl MailConfig {
    /// At most 5 minutes: the loop coming round is the mailer's heartbeat,
    /// well inside its stall limit (`ingest::health::stall_limit`).
    fn poll_interval(&self) -> Duration {
        Duration::from_secs_f64(self.poll_secs.clamp(0.05, 300.0))
    }

    /// Addresses for a role: the configured ones, else the active users'
    /// with that role.
    pub fn recipients_for(&self, role: Role, store: &Store) -> Result<Vec<String>, StoreError> {
        if let Some(list) = self.recipients.get(&role).filter(|l| !l.is_empty()) {
            return Ok(list.clone());
        }
        Ok(users::with_role(store, role)?
            .into_iter()
            .filter_map(|u| u.email)
            .filter(|e| !e.trim().is_empty())
            .collect())
    }
}

/// The board's address as configured (`[mail] base_url`, else `[web]
/// base_url`), without a trailing `/`.
fn configured_board_url(config: &Config) -> Option<String> {
    config
        .raw
        .mail
        .base_url
        .clone()
        .or_else(|| config.raw.web.base_url.clone())
        .map(|url| url.trim_end_matches('/').to_owned())
}

/// The board's address for links in mail: the configured `base_url`, else
/// the listen address only when people on other machines can reach it (not
/// loopback, not 0.0.0.0, not port 0). `None`: mails leave the link out
/// rather than print a dead one like `http://127.0.0.1:0`.
pub fn mail_board_url(config: &Config) -> Option<String> {
    configured_board_url(config).or_else(|| {
        let listen = config.raw.web.listen;
        let ip = listen.ip();
        (listen.port() != 0 && !ip.is_loopback() && !ip.is_unspecified())
            .then(|| format!("http://{listen}"))
    })
}

/// The board's address for links in a report printed on the server itself
/// (`postmottak report --format html`): there a loopback address works.
pub fn local_board_url(config: &Config) -> Option<String> {
    configured_board_url(config).or_else(|| {
        let listen = config.raw.web.listen;
        (listen.port() != 0 && !listen.ip().is_unspecified()).then(|| format!("http://{listen}"))
    })
}

/// A warning for `check-config` when mail is on and no board address that
/// mail readers can reach is known (their mails then carry no board links).
pub fn board_url_warning(config: &Config) -> Option<String> {
    (config.raw.mail.enabled && mail_board_url(config).is_none()).then(|| {
        format!(
            "web.base_url: er ikke satt, og tavlen lytter på {}, som mottakerne av e-post \
             ikke når; e-postene sendes derfor uten lenker til tavlen. Sett base_url i [web] \
             (eller [mail]) til adressen brukerne åpner tavlen på, \
             f.eks. \"https://postmottak.kommune.no\".",
            config.raw.web.listen
        )
    })
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("ugyldig e-postadresse {0:?} i [mail]")]
    BadAddress(String),
    #[error("kan ikke sette opp SMTP mot {host}: {message}")]
    Transport { host: String, message: String },
    #[error("ugyldig [mail]: {0}")]
    Config(String),
    #[error("kan ikke bygge e-post: {0}")]
    Build(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Report(#[from] crate::report::ReportError),
    #[error(transparent)]
    Retention(#[from] crate::retention::RetentionError),
    #[error(transparent)]
    Rules(#[from] crate::classify::RulesError),
    #[error("intern feil i e-posttjenesten: {0}")]
    Task(String),
}

/// The daemon service: queues due notices and reports and sends the outbox
/// until `shutdown` is cancelled.
pub async fn run(config: Arc<Config>, shutdown: CancellationToken) -> Result<(), MailError> {
    run_with_clock(config, shutdown, Arc::new(SystemClock)).await
}

/// [`run`] for the daemon: each time the loop comes round it tells the
/// daemon's health, so the watchdog vouches for the mailer too and a mailer
/// stuck past its stall limit gets the service restarted (issue 9).
pub async fn run_reporting(
    config: Arc<Config>,
    shutdown: CancellationToken,
    health: Arc<crate::ingest::health::Health>,
) -> Result<(), MailError> {
    serve(config, shutdown, Arc::new(SystemClock), Some(health)).await
}

/// [`run`] with an injected clock (tests move it to a shelf's date).
pub async fn run_with_clock(
    config: Arc<Config>,
    shutdown: CancellationToken,
    clock: Arc<dyn Clock>,
) -> Result<(), MailError> {
    serve(config, shutdown, clock, None).await
}

async fn serve(
    config: Arc<Config>,
    shutdown: CancellationToken,
    clock: Arc<dyn Clock>,
    health: Option<Arc<crate::ingest::health::Health>>,
) -> Result<(), MailError> {
    let issues = crate::issues::Issues::of(|i| config.raw.mail.validate(i));
    if !issues.is_empty() {
        let list: Vec<String> = issues
            .iter()
            .map(|i| format!("{}: {}", i.key, i.message))
            .collect();
        return Err(MailError::Config(list.join("; ")));
    }
    let path = config.database_path();
    // Its cycles poll every few seconds: a small page cache.
    let store = blocking(move || crate::store::operations::open_small(&path)).await??;
    // Switched off, the loop still queues what falls due (sent once mail is
    // switched on) but never connects: say that, and only that.
    let enabled = config.raw.mail.enabled;
    if enabled {
        match config
            .raw
            .mail
            .recipients_for(access::RECORDS_KEEPER, &store)
        {
            Ok(list) if list.is_empty() => tracing::warn!(
                "ingen mottakere for makuleringsvarsler og avviksrapporter: sett \
                 [mail.recipients] records_officer eller e-post på arkivansvarlig"
            ),
            _ => {}
        }
    }
    let store = Db::new(store);
    let transport = transport::Transport::new(&config.raw.mail)?;
    if enabled {
        tracing::info!(
            host = %config.raw.mail.smtp_host,
            port = config.raw.mail.smtp_port,
            "e-posttjenesten startet"
        );
    } else {
        tracing::info!(
            "e-post er slått av ([mail] enabled = false): varsler og rapporter legges i utboksen og sendes ikke"
        );
    }
    loop {
        if let Err(err) = cycle(&config, &store, &transport, clock.as_ref(), &shutdown).await {
            // One bad cycle (database busy, a report that fails to build) must
            // not stop the service: the next cycle tries again.
            tracing::warn!(error = %err, "e-posttjenesten: runden feilet");
        }
        if let Some(health) = &health {
            health.beat("mail");
        }
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = tokio::time::sleep(config.raw.mail.poll_interval()) => {}
        }
    }
    if enabled {
        tracing::info!("e-posttjenesten stoppet");
    }
    Ok(())
}

async fn cycle(
    config: &Arc<Config>,
    store: &Db,
    transport: &transport::Transport,
    clock: &dyn Clock,
    shutdown: &CancellationToken,
) -> Result<(), MailError> {
    let now = clock.now();
    let due_config = Arc::clone(config);
    store
        .run(move |s| scheduler::enqueue_due(s, &due_config, now))
        .await?;
    if config.raw.mail.enabled {
        sender::drain(store, transport, &config.raw.mail, clock, shutdown).await?;
    }
    Ok(())
}

pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, MailError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| MailError::Task(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_mail_section_parses() {
        let cfg: MailConfig = toml::from_str(
            r#"
            smtp_host = "smtp.kommune.no"
            smtp_port = 587
            tls = "starttls"
            from = "postmottak@kommune.no"
            username = "postmottak"
            password = "hemmelig"
            base_url = "https://postmottak.kommune.no"
            [recipients]
            records_officer = ["arkiv@kommune.no"]
            "#,
        )
        .unwrap();
        assert_eq!(cfg.tls, TlsMode::Starttls);
        assert_eq!(
            cfg.recipients.get(&Role::RecordsOfficer).unwrap(),
            &vec!["arkiv@kommune.no".to_owned()]
        );
        assert!(crate::issues::Issues::of(|i| cfg.validate(i)).is_empty());
        assert!(toml::from_str::<MailConfig>("tls = \"ssl\"").is_err());
        let bad: MailConfig = toml::from_str("from = \"ikke en adresse\"").unwrap();
        assert_eq!(
            crate::issues::Issues::of(|i| bad.validate(i))[0].key,
            "mail.from"
        );
        let half: MailConfig = toml::from_str("username = \"u\"").unwrap();
        assert_eq!(
            crate::issues::Issues::of(|i| half.validate(i))[0].key,
            "mail.username"
        );
    }
}
