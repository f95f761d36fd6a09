//! Reports: backlog, deviation, post list, access requests.

use serde::Deserialize;

/// The `reports` section of the config file.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReportConfig {}
