//! Retention: the 62-day shred shelves of paper originals.

use serde::Deserialize;

/// The `retention` section of the config file.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RetentionConfig {}
