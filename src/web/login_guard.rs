//! What strangers can make sign-in cost. Each password check is argon2id
//! with 19 MiB of memory, on the blocking pool: sixty concurrent sign-ins
//! for a made-up name cost over a gigabyte that glibc then keeps. So:
//!
//! - at most [`CONCURRENT_CHECKS`] password checks run at once (a
//!   semaphore); a request waits up to [`PERMIT_WAIT`] for its turn, then gets
//!   503 — the memory a burst can take is bounded, not its length;
//! - each client address gets `web.login_attempts_per_minute` attempts (a
//!   token bucket refilled evenly), then 429, before any lookup — so neither
//!   memory nor anyone's lockout can be driven by one stranger.
//!
//! A small in-process limiter rather than a crate: the board is one process
//! behind at most one proxy, and the rule fits in forty lines.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, SemaphorePermit};

/// Password checks at the same time (2 × 19 MiB).
pub const CONCURRENT_CHECKS: usize = 2;
/// How long a sign-in waits for a free check before 503.
pub const PERMIT_WAIT: Duration = Duration::from_secs(10);

static CHECKS: Semaphore = Semaphore::const_new(CONCURRENT_CHECKS);
static RUNNING: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// Each client address's remaining sign-in attempts (one per board).
#[derive(Debug, Default)]
pub struct Buckets(Mutex<HashMap<IpAddr, Bucket>>);

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Takes one sign-in attempt from `addr`'s bucket; false when it is empty.
/// `per_minute` 0 turns the limit off.
pub fn allow(buckets: &Buckets, addr: Option<IpAddr>, per_minute: u32) -> bool {
    if per_minute == 0 {
        return true;
    }
    let Some(addr) = addr else { return true };
    let capacity = f64::from(per_minute);
    let now = Instant::now();
    let mut buckets = buckets.0.lock().unwrap_or_else(|e| e.into_inner());
    if buckets.len() > 10_000 {
        // Forget full buckets first: they are indistinguishable from new ones.
        buckets.retain(|_, b| now.duration_since(b.at) < Duration::from_secs(60));
    }
    let bucket = buckets.entry(addr).or_insert(Bucket {
        tokens: capacity,
        at: now,
    });
    let refill = now.duration_since(bucket.at).as_secs_f64() * capacity / 60.0;
    bucket.tokens = (bucket.tokens + refill).min(capacity);
    bucket.at = now;
    if bucket.tokens >= 1.0 {
        bucket.tokens -= 1.0;
        true
    } else {
        false
    }
}

/// A turn to check a password; `None` after [`PERMIT_WAIT`].
pub async fn turn() -> Option<Turn> {
    let permit = tokio::time::timeout(PERMIT_WAIT, CHECKS.acquire())
        .await
        .ok()?
        .ok()?;
    let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
    PEAK.fetch_max(now, Ordering::SeqCst);
    Some(Turn { _permit: permit })
}

/// Held while one password check runs.
pub struct Turn {
    _permit: SemaphorePermit<'static>,
}

impl Drop for Turn {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The most password checks that ever ran at once in this process (tests).
pub fn peak_checks() -> usize {
    PEAK.load(Ordering::SeqCst)
}
