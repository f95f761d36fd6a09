//! Watch: folder watchers (notify, or polling for network shares), settle
//! detection and rescans.
//!
//! **Invariant:** a watcher event is a hint, never the truth: it only means
//! "look at this path now". Readiness is decided by [`settle`] from the file
//! itself (size and mtime stable, or close-write seen, and a complete file
//! format), and full rescans at start-up, periodically and whenever notify
//! reports an overflow find whatever the events missed.
//!
//! Only the top level of each inbox folder is watched: sub-folders (such as
//! `_avvist/`) are never taken in.

pub mod config;
pub mod fs_kind;
pub mod ignore;
pub mod settle;
pub mod watcher;

pub use config::{WatchConfig, DEFAULT_IGNORE};
pub use fs_kind::WatchMode;
pub use ignore::IgnoreSet;
pub use settle::{Settler, Verdict};
pub use watcher::{FolderWatchers, Hint};
