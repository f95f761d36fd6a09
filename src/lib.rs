//! postmottak: intake of client post for a municipality's health and care
//! department. See ARCHITECTURE.md for the codemap; data flows one way:
//!
//! watch → ingest (admit) → extract → classify → queue (web) → retention,
//! report, mail.

pub mod access;
pub mod calendar;
pub mod check;
pub mod classify;
pub mod cli;
pub mod config;
pub mod daemon;
pub mod data_dir;
pub mod extract;
pub mod forget;
pub mod ingest;
pub mod issues;
pub mod item;
pub mod logging;
pub mod mail;
pub mod metrics;
pub mod paths;
pub mod privacy;
pub mod reload;
pub mod report;
pub mod retention;
pub mod safe_fs;
pub mod store;
pub mod watch;
pub mod web;
