//! Web: the morning-meeting allocation board (axum, server-rendered).
//!
//! **Invariant:** only this module knows HTTP.

use serde::Deserialize;

/// The `web` section of the config file.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct WebConfig {}
