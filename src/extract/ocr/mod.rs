//! The OCR pool: a fixed number of worker threads, each owning one tesseract
//! recognition engine and one orientation (OSD) engine, reused for every page.
//!
//! Callers submit pages through a bounded queue (so at most a few rendered
//! pages wait in memory) and collect the results through a per-document
//! channel; the pages of one document therefore run in parallel on all
//! workers. Tesseract must run with `OMP_THREAD_LIMIT=1` (set by `main`,
//! the tests and the benchmark) or each engine spawns its own thread team.
//!
//! **Invariant:** the number of live tesseract engines is fixed when a pool
//! starts (an idle daemon drops the whole pool and starts a new one: `slot.rs`).

mod deskew;
mod page;
mod slot;
mod stamp;
mod stamp_body;
mod stamp_frame;
mod stamp_image;
mod stamp_ink;
mod stamp_read;
pub mod tess;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use image::GrayImage;

pub use page::{rotate, OcrFailure, OcrOutcome, OcrPage};
pub use slot::OcrSlot;
use tess::{TessEngine, TessError};

/// One page waiting for OCR.
struct Job {
    /// Position of the page in its document (0-based), echoed in the reply.
    index: usize,
    image: GrayImage,
    dpi: u32,
    reply: Sender<(usize, OcrOutcome)>,
}

/// The pool. Dropping it closes the queue and joins the workers.
pub struct OcrPool {
    queue: Option<SyncSender<Job>>,
    workers: Vec<JoinHandle<()>>,
    submitted: Arc<AtomicU64>,
    worker_count: usize,
}

/// Settings every worker shares.
#[derive(Debug, Clone)]
pub struct OcrSettings {
    pub languages: String,
    pub workers: usize,
    pub timeout_ms: u32,
}

impl OcrPool {
    /// Initialises all engines on the calling thread (so a missing language
    /// is reported here, once) and starts the workers, counting submitted
    /// pages in `submitted` (shared by the pools an [`OcrSlot`] loads one
    /// after another).
    pub fn start_counting(
        settings: &OcrSettings,
        submitted: Arc<AtomicU64>,
    ) -> Result<OcrPool, TessError> {
        let n = settings.workers.max(1);
        let mut engines = Vec::with_capacity(n);
        for _ in 0..n {
            let text = TessEngine::new(&settings.languages, tess::PSM_AUTO)?;
            let osd = TessEngine::new("osd", tess::PSM_OSD_ONLY)?;
            engines.push((text, osd));
        }
        let (tx, rx) = mpsc::sync_channel::<Job>(n);
        let rx = Arc::new(Mutex::new(rx));
        let workers = engines
            .into_iter()
            .enumerate()
            .map(|(i, (text, osd))| {
                let rx = Arc::clone(&rx);
                let timeout_ms = settings.timeout_ms;
                std::thread::Builder::new()
                    .name(format!("ocr-{i}"))
                    .spawn(move || worker_loop(&rx, text, osd, timeout_ms))
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| TessError::Recognize)?;
        Ok(OcrPool {
            queue: Some(tx),
            workers,
            submitted,
            worker_count: n,
        })
    }

    pub fn worker_count(&self) -> usize {
        self.worker_count
    }

    /// Pages ever submitted for OCR (the "text-layer pages never reach OCR"
    /// invariant is tested against this).
    pub fn pages_submitted(&self) -> u64 {
        self.submitted.load(Ordering::Relaxed)
    }

    /// A batch for one document: submit pages, then collect them in order.
    pub fn batch(&self) -> OcrBatch<'_> {
        let (reply, results) = mpsc::channel();
        OcrBatch {
            pool: self,
            reply,
            results,
            pending: 0,
        }
    }
}

/// The pages of one document in flight.
pub struct OcrBatch<'p> {
    pool: &'p OcrPool,
    reply: Sender<(usize, OcrOutcome)>,
    results: Receiver<(usize, OcrOutcome)>,
    pending: usize,
}

impl OcrBatch<'_> {
    /// Queues one page; blocks while the pool's queue is full (backpressure
    /// keeps rendered pages from piling up in memory).
    pub fn submit(&mut self, index: usize, image: GrayImage, dpi: u32) {
        let Some(queue) = self.pool.queue.as_ref() else {
            return;
        };
        self.pool.submitted.fetch_add(1, Ordering::Relaxed);
        let job = Job {
            index,
            image,
            dpi,
            reply: self.reply.clone(),
        };
        if queue.send(job).is_ok() {
            self.pending += 1;
        }
    }

    /// Waits for every submitted page; results keyed by index. A page whose
    /// worker died is simply missing (the caller treats it as a failure).
    pub fn finish(self) -> Vec<(usize, OcrOutcome)> {
        let OcrBatch {
            reply,
            results,
            pending,
            ..
        } = self;
        // Only the queued jobs hold senders now: if a worker dies with one,
        // recv ends instead of waiting forever.
        drop(reply);
        let mut out = Vec::with_capacity(pending);
        for _ in 0..pending {
            match results.recv() {
                Ok(r) => out.push(r),
                Err(_) => break,
            }
        }
        out
    }
}

fn worker_loop(
    rx: &Mutex<Receiver<Job>>,
    mut text: TessEngine,
    mut osd: TessEngine,
    timeout_ms: u32,
) {
    loop {
        // Hold the lock only to take one job.
        let job = match rx.lock() {
            Ok(guard) => guard.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        // A panic in our page code must not take the worker (and with it a
        // share of the pool) down; the page then counts as failed.
        let started = std::time::Instant::now();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            page::read_page(
                &mut text,
                &mut osd,
                job.image,
                job.dpi,
                timeout_ms,
                job.index == 0,
            )
        }))
        .unwrap_or(Err(OcrFailure::Engine));
        crate::metrics::live()
            .ocr_page_seconds
            .observe(started.elapsed().as_secs_f64());
        // The caller may have gone away (it then no longer needs the page).
        let _ = job.reply.send((job.index, outcome));
    }
}

impl Drop for OcrPool {
    fn drop(&mut self) {
        self.queue.take();
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}
