//! The `[metrics]` config section. Uses only the shared config vocabulary,
//! so `config` can assemble it without a dependency circle.

use std::net::SocketAddr;

use serde::Deserialize;

use crate::issues::Issues;

/// The `[metrics]` section.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsConfig {
    /// `address:port` for `GET /metrics`; absent = no metrics endpoint.
    pub listen: Option<SocketAddr>,
}

impl MetricsConfig {
    /// Nothing to check beyond what TOML parsing of an address does; here so
    /// the one validation pass covers every section alike.
    pub fn validate(&self, _issues: &mut Issues) {}
}
