//! Mail: the durable outbox and the SMTP transport (lettre).

use serde::Deserialize;

/// The `mail` section of the config file.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MailConfig {}
