//! Ingest: admission (hash, duplicate check, content store copy, item row) and
//! the pipeline driver that moves items through extract and classify.
//!
//! **Invariant:** no file leaves an inbox before its row is committed.
