//! Ingest: admission (hash, duplicate check, content store copy, item row) and
//! the pipeline driver that moves items through extract and classify.
//!
//! **Invariant:** no file leaves an inbox before its row is committed: the
//! content-store copy and the `items` row come first; a refused file is moved
//! to `_avvist/` only after its `rejected` state is committed.
//! **Invariant:** the watcher never waits on OCR: admission hands item ids to a
//! bounded queue with `try_send`; what does not fit stays `admitted` in the
//! store and the sweeper offers it again (the store is the queue's truth).
//!
//! Files: [`content`] (content store), [`intake`] (watch → settle → admit →
//! registration), [`pipeline`] (extract → classify → queued), [`quarantine`]
//! (`_avvist/` and reason files), [`health`] (what `status` and systemd see),
//! [`rest`] (memory given back when the post has been read).

pub mod config;
pub mod content;
pub mod direct;
pub mod engines;
pub mod folders;
pub mod health;
pub mod intake;
pub mod pipeline;
pub mod printout;
pub mod quarantine;
pub mod rest;

pub use config::IngestConfig;
pub use folders::QUARANTINE_DIR;
pub use health::Health;
