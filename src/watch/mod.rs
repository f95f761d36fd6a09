//! Watch: folder watchers (notify, or polling for network shares), settle
//! detection and rescans.
//!
//! **Invariant:** a watcher event is a hint, never the truth: it only means
//! "look at this path now".
