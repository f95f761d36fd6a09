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

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use tokio_util::sync::CancellationToken;

use crate::calendar::{Clock, SystemClock};
use crate::config::{Config, ConfigIssue};
use crate::item::Role;
use crate::store::users::{self, UserError};
use crate::store::{Db, Store, StoreError};

pub mod after_meeting;
pub mod compose;
pub mod notices;
pub mod scheduler;
pub mod sender;
pub mod transport;

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// Plain SMTP (a relay on loopback or inside the secure zone).
    #[default]
    None,
    /// Plain connection upgraded with STARTTLS (required).
    Starttls,
    /// TLS from the first byte (SMTPS, usually port 465).
    Tls,
}

/// The `mail` section of the config file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    /// `false` keeps queueing mail but never connects (e.g. a test server).
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default = "default_host")]
    pub smtp_host: String,
    #[serde(default = "default_port")]
    pub smtp_port: u16,
    #[serde(default)]
    pub tls: TlsMode,
    #[serde(default = "default_from")]
    pub from: String,
    pub username: Option<String>,
    pub password: Option<String>,
    /// Addresses per role, e.g. `records_officer = ["arkiv@kommune.no"]`.
    /// When a role has none here, its active users' addresses are used.
    #[serde(default)]
    pub recipients: HashMap<Role, Vec<String>>,
    /// The board's address as users reach it, for links in mail. Default:
    /// `[web] base_url`, else `http://` + `[web] listen`.
    pub base_url: Option<String>,
    /// First retry after this many seconds, doubling up to `retry_max_secs`.
    #[serde(default = "default_retry_base")]
    pub retry_base_secs: u64,
    #[serde(default = "default_retry_max")]
    pub retry_max_secs: u64,
    /// How often the service looks for due notices and mail.
    #[serde(default = "default_poll")]
    pub poll_secs: f64,
    /// Per-connection SMTP timeout.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
    /// The after-meeting mail to each caseworker goes when allocations have
    /// been quiet this long (or when a leader ends meeting mode).
    #[serde(default = "default_after_meeting_quiet")]
    pub after_meeting_quiet_secs: u64,
}

fn default_after_meeting_quiet() -> u64 {
    15 * 60
}

fn yes() -> bool {
    true
}
fn default_host() -> String {
    "127.0.0.1".into()
}
fn default_port() -> u16 {
    25
}
fn default_from() -> String {
    "postmottak@localhost".into()
}
fn default_retry_base() -> u64 {
    30
}
fn default_retry_max() -> u64 {
    3600
}
fn default_poll() -> f64 {
    15.0
}
fn default_timeout() -> u64 {
    30
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            enabled: true,
            smtp_host: default_host(),
            smtp_port: default_port(),
            tls: TlsMode::None,
            from: default_from(),
            username: None,
            password: None,
            recipients: HashMap::new(),
            base_url: None,
            retry_base_secs: default_retry_base(),
            retry_max_secs: default_retry_max(),
            poll_secs: default_poll(),
            timeout_secs: default_timeout(),
            after_meeting_quiet_secs: default_after_meeting_quiet(),
        }
    }
}

impl MailConfig {
    /// Checks what can be checked without a network: the sender and every
    /// configured recipient are valid addresses, credentials come in pairs.
    /// (`check-config` and the service's start use this.)
    pub fn validate(&self) -> Vec<ConfigIssue> {
        let mut issues = Vec::new();
        let mut issue = |key: String, message: String| issues.push(ConfigIssue { key, message });
        let valid = |a: &str| a.parse::<lettre::message::Mailbox>().is_ok();
        if !valid(&self.from) {
            issue(
                "mail.from".into(),
                format!("{:?} er ikke en gyldig e-postadresse", self.from),
            );
        }
        for (role, list) in &self.recipients {
            for address in list.iter().filter(|a| !valid(a)) {
                issue(
                    format!("mail.recipients.{}", role.as_str()),
                    format!("{address:?} er ikke en gyldig e-postadresse"),
                );
            }
        }
        if self.username.is_some() != self.password.is_some() {
            issue(
                "mail.username".into(),
                "username og password må settes sammen".into(),
            );
        }
        if self.smtp_host.trim().is_empty() {
            issue(
                "mail.smtp_host".into(),
                "er tom; oppgi e-posttjeneren".into(),
            );
        }
        if !(self.poll_secs.is_finite() && self.poll_secs > 0.0) {
            issue("mail.poll_secs".into(), "må være større enn 0".into());
        }
        if let Some(url) = &self.base_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                issue(
                    "mail.base_url".into(),
                    format!("{url:?} må begynne med http:// eller https://"),
                );
            }
        }
        issues
    }

    /// At most 5 minutes: the loop coming round is the mailer's heartbeat,
    /// well inside its stall limit (`ingest::health::stall_limit`).
    fn poll_interval(&self) -> Duration {
        Duration::from_secs_f64(self.poll_secs.clamp(0.05, 300.0))
    }

    /// Addresses for a role: the configured ones, else the active users'
    /// with that role.
    pub fn recipients_for(&self, role: Role, store: &Store) -> Result<Vec<String>, UserError> {
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
    User(#[from] UserError),
    #[error(transparent)]
    Report(#[from] crate::report::ReportError),
    #[error(transparent)]
    Retention(#[from] crate::retention::RetentionError),
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
    let issues = config.raw.mail.validate();
    if !issues.is_empty() {
        let list: Vec<String> = issues
            .iter()
            .map(|i| format!("{}: {}", i.key, i.message))
            .collect();
        return Err(MailError::Config(list.join("; ")));
    }
    let path = config.database_path();
    let store = blocking(move || Store::open(&path)).await??;
    match config.raw.mail.recipients_for(Role::RecordsOfficer, &store) {
        Ok(list) if list.is_empty() => tracing::warn!(
            "ingen mottakere for makuleringsvarsler og avviksrapporter: sett \
             [mail.recipients] records_officer eller e-post på arkivansvarlig"
        ),
        _ => {}
    }
    let store = Db::new(store);
    let transport = transport::Transport::new(&config.raw.mail)?;
    tracing::info!(
        host = %config.raw.mail.smtp_host,
        port = config.raw.mail.smtp_port,
        "e-posttjenesten startet"
    );
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
    tracing::info!("e-posttjenesten stoppet");
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
        assert!(cfg.validate().is_empty());
        assert!(toml::from_str::<MailConfig>("tls = \"ssl\"").is_err());
        let bad: MailConfig = toml::from_str("from = \"ikke en adresse\"").unwrap();
        assert_eq!(bad.validate()[0].key, "mail.from");
        let half: MailConfig = toml::from_str("username = \"u\"").unwrap();
        assert_eq!(half.validate()[0].key, "mail.username");
    }
}
