//! Classify: from extracted text to the facts the morning meeting needs
//! (document type, unit, urgency, leader review, title, person IDs, dates,
//! sender, quality flags), each decision with its reasons.
//!
//! **Invariant:** classify does no IO and cannot fail.
//! **Invariant:** nothing here logs letter text or person numbers.

use serde::Deserialize;

/// The `classify` section of the config file.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ClassifyConfig {}
