//! The `[web]` config section (the board). Uses only the shared config
//! vocabulary, so `config` can assemble it without a dependency circle.

use std::net::SocketAddr;

use serde::Deserialize;

use crate::issues::Issues;

/// The `web` section of the config file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebConfig {
    /// Address the board listens on.
    pub listen: SocketAddr,
    /// The board's address as users reach it (for links in e-mails), e.g.
    /// `https://postmottak.kommune.no`. An `https` URL also turns on Secure
    /// cookies.
    pub base_url: Option<String>,
    /// Force Secure cookies on or off (default: on when `base_url` is https).
    pub secure_cookies: Option<bool>,
    /// A session unused this long is ended.
    pub session_idle_minutes: u32,
    /// A session is ended this long after sign-in however busy it is.
    pub session_max_hours: u32,
    /// Failed sign-ins in a row before the account is locked…
    pub lockout_failures: u32,
    /// …for this long.
    pub lockout_minutes: u32,
    /// Sign-in attempts one client address may make per minute (0 = no
    /// limit); see `web/login_guard.rs`.
    pub login_attempts_per_minute: u32,
    /// How far back "most frequent caseworker" suggestions look.
    pub suggestion_days: u32,
    /// Resolution of page images on the item page.
    pub page_dpi: u16,
    /// Most rows shown per unit on the queue page.
    pub queue_limit: u32,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            base_url: None,
            secure_cookies: None,
            session_idle_minutes: 30,
            session_max_hours: 12,
            lockout_failures: 5,
            lockout_minutes: 15,
            login_attempts_per_minute: 20,
            suggestion_days: 180,
            page_dpi: 110,
            queue_limit: 300,
        }
    }
}

impl WebConfig {
    /// Values that would make the board's links or its queue unusable.
    /// (Session lengths of 0 are allowed: they end sessions at once, which
    /// tests use.)
    pub fn validate(&self, issues: &mut Issues) {
        if let Some(url) = &self.base_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                issues.push(
                    "web.base_url",
                    format!("{url:?} må begynne med http:// eller https://"),
                );
            }
        }
        if self.queue_limit == 0 {
            issues.push("web.queue_limit", "må være minst 1");
        }
    }

    pub fn secure_cookies(&self) -> bool {
        self.secure_cookies.unwrap_or_else(|| {
            self.base_url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://"))
        })
    }
}
