//! The `[mail]` config section. Uses only the shared config vocabulary and
//! `Role`, so `config` can assemble it without a dependency circle.

use std::collections::HashMap;

use serde::Deserialize;

use crate::issues::Issues;
use crate::item::Role;

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
    pub fn validate(&self, issues: &mut Issues) {
        let mut issue = |key: String, message: String| issues.push(key, message);
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
    }
}
