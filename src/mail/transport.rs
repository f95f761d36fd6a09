//! The SMTP transport: lettre's async transport configured from `[mail]`
//! (host, port, none/starttls/tls, optional credentials), sending stored
//! message bytes with their stored envelope.
//!
//! A refusal with a permanent 5xx reply is [`SendError::Permanent`]; anything
//! else (connection refused, timeouts, 4xx) is worth retrying.

use std::time::Duration;

use lettre::address::Envelope;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::{MailConfig, MailError, TlsMode};

/// Why one attempt failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SendError {
    #[error("midlertidig feil: {0}")]
    Transient(String),
    #[error("avvist av e-posttjeneren: {0}")]
    Permanent(String),
}

pub struct Transport {
    inner: AsyncSmtpTransport<Tokio1Executor>,
}

impl Transport {
    pub fn new(config: &MailConfig) -> Result<Transport, MailError> {
        let host = config.smtp_host.as_str();
        let setup_err = |message: String| MailError::Transport {
            host: host.to_owned(),
            message,
        };
        let tls = match config.tls {
            TlsMode::None => Tls::None,
            TlsMode::Starttls => Tls::Required(
                TlsParameters::new(host.to_owned()).map_err(|e| setup_err(e.to_string()))?,
            ),
            TlsMode::Tls => Tls::Wrapper(
                TlsParameters::new(host.to_owned()).map_err(|e| setup_err(e.to_string()))?,
            ),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(config.smtp_port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(config.timeout_secs.max(1))));
        if let (Some(user), Some(pass)) = (&config.username, &config.password) {
            builder = builder.credentials(Credentials::new(user.clone(), pass.clone()));
        }
        Ok(Transport {
            inner: builder.build(),
        })
    }

    /// Sends one stored message.
    pub async fn send(&self, from: &str, to: &[String], raw: &[u8]) -> Result<(), SendError> {
        let bad = |what: &str| SendError::Permanent(format!("ugyldig adresse {what:?}"));
        let address = |text: &str| -> Result<Address, SendError> {
            text.parse::<Mailbox>()
                .map(|m| m.email)
                .map_err(|_| bad(text))
        };
        let from = address(from)?;
        let to = to
            .iter()
            .map(|t| address(t))
            .collect::<Result<Vec<_>, _>>()?;
        let envelope =
            Envelope::new(Some(from), to).map_err(|e| SendError::Permanent(e.to_string()))?;
        match self.inner.send_raw(&envelope, raw).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
            Err(e) => Err(SendError::Transient(e.to_string())),
        }
    }
}
