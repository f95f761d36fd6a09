//! Helpers shared by every test crate (`mod common;`, or
//! `#[path = "../common/mod.rs"] mod common;` from a support module):
//! the repository root, a free loopback port, and the board's HTTP client
//! (`http`, on reqwest).
#![allow(dead_code)]

pub mod http;

use std::path::{Path, PathBuf};

/// The repository's root (samples, config, systemd units, fixtures).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A loopback port nothing listens on right now (the OS's choice). Another
/// process may take it before the caller binds it, as with any such helper.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Every `.rs` file below `dir` (for the tests that read the sources to
/// hold ARCHITECTURE.md's invariants); an unreadable folder adds nothing.
pub fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}
