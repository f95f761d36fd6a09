//! [`OcrSlot`]: the OCR pool as the extractor holds it, so the daemon can
//! give the engines' memory back when the post has been read and nothing has
//! arrived for a while, and load them again on the next arrival.
//!
//! Each worker's engines (recognition + OSD with `nor+eng`) hold tens of MB
//! of language models and page buffers; after a burst they are the largest
//! part of the daemon's resident memory. Loading them again takes well under
//! a second (measured by `benches/memory.rs`, exported as
//! `postmottak_ocr_engine_reload_seconds`), so an idle service need not keep
//! them.
//!
//! The daemon's extractor loads the engines at start (a missing language is
//! reported when the service starts, not at the first letter); a one-shot
//! `process` starts [`OcrSlot::empty`] and loads them only for a scan. After
//! a release the next use loads them again.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::tess::TessError;
use super::{OcrPool, OcrSettings};

pub struct OcrSlot {
    settings: OcrSettings,
    pool: Mutex<Option<Arc<OcrPool>>>,
    /// Pages submitted over every pool this slot has had.
    submitted: Arc<AtomicU64>,
    last_used: Mutex<Instant>,
}

impl OcrSlot {
    /// Starts the pool now, so a setup problem is reported at once.
    pub fn start(settings: &OcrSettings) -> Result<OcrSlot, TessError> {
        let submitted = Arc::new(AtomicU64::new(0));
        let pool = OcrPool::start_counting(settings, submitted.clone())?;
        crate::metrics::live().ocr_engines_loaded.set(1);
        Ok(OcrSlot {
            settings: settings.clone(),
            pool: Mutex::new(Some(Arc::new(pool))),
            submitted,
            last_used: Mutex::new(Instant::now()),
        })
    }

    /// No engines yet: the first [`OcrSlot::get`] loads them.
    pub fn empty(settings: &OcrSettings) -> OcrSlot {
        OcrSlot {
            settings: settings.clone(),
            pool: Mutex::new(None),
            submitted: Arc::new(AtomicU64::new(0)),
            last_used: Mutex::new(Instant::now()),
        }
    }

    /// The pool, loading the engines if none are loaded (first use or after
    /// a release). Blocking.
    pub fn get(&self) -> Result<Arc<OcrPool>, TessError> {
        *self.last_used.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
        let mut slot = self.pool.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(pool) = slot.as_ref() {
            return Ok(pool.clone());
        }
        let started = Instant::now();
        let cpu_before = thread_cpu_secs();
        let pool = Arc::new(OcrPool::start_counting(
            &self.settings,
            self.submitted.clone(),
        )?);
        let secs = started.elapsed().as_secs_f64();
        // The engines are built on this thread: its CPU time is what the
        // reload costs, whatever else the machine is doing meanwhile.
        let cpu = thread_cpu_secs() - cpu_before;
        let live = crate::metrics::live();
        live.ocr_engines_loaded.set(1);
        live.ocr_engine_reloads.inc();
        live.ocr_engine_reload_seconds.set(secs);
        live.ocr_engine_reload_cpu_seconds.set(cpu);
        tracing::info!(
            seconds = secs,
            cpu_seconds = cpu,
            "OCR-motorene er lastet på nytt"
        );
        *slot = Some(pool.clone());
        Ok(pool)
    }

    /// Drops the engines when nothing used them for `idle`; returns whether
    /// they were released now. A document being read keeps its own `Arc`, so
    /// its pages finish; the engines go when it is done.
    pub fn release_if_idle(&self, idle: Duration) -> bool {
        let last = *self.last_used.lock().unwrap_or_else(|e| e.into_inner());
        if last.elapsed() < idle {
            return false;
        }
        let taken = self.pool.lock().unwrap_or_else(|e| e.into_inner()).take();
        let released = taken.is_some();
        // Joins the workers (outside the lock) once the last user is done.
        drop(taken);
        if released {
            crate::metrics::live().ocr_engines_loaded.set(0);
        }
        released
    }

    pub fn is_loaded(&self) -> bool {
        self.pool
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }

    pub fn pages_submitted(&self) -> u64 {
        self.submitted.load(Ordering::Relaxed)
    }

    pub fn worker_count(&self) -> usize {
        self.settings.workers.max(1)
    }
}

/// CPU time of the calling thread, in seconds.
fn thread_cpu_secs() -> f64 {
    let mut ts = nix::libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own.
    let rc = unsafe { nix::libc::clock_gettime(nix::libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return 0.0;
    }
    ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
}
