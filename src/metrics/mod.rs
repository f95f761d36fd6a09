//! Metrics for the municipality's monitoring: the Prometheus/OpenMetrics
//! text format on its own listen address (`[metrics] listen`, off by
//! default; loopback in the documented config), never on the board's.
//!
//! Most values are read from the store at scrape time (the store, not the
//! process, is the truth about the queue, and the numbers survive restarts);
//! what only the process knows (OCR time per page, survived errors, whether
//! the OCR engines are loaded) lives in [`live`]. Formatting is
//! `prometheus-client`'s.
//!
//! **Invariant:** labels carry only configured unit ids, state names,
//! refusal codes, sources and watch modes — never a person ID, a title, a
//! file name or a folder path.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, AtomicU64};
use std::sync::{Arc, OnceLock};

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use chrono::{DateTime, Utc};
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::ingest::Health;
use crate::store::{Db, Store, StoreError};

pub mod config;

pub use config::MetricsConfig;

/// What only the running process knows, recorded where it happens.
pub struct Live {
    /// Seconds of tesseract per page (count = pages read by OCR).
    pub ocr_page_seconds: Histogram,
    /// Errors the service survived (per-item pipeline failures, intake and
    /// reload problems); refused files are counted from the store instead.
    pub errors: Counter,
    /// 1 while the OCR engines are loaded, 0 after they were released at rest.
    pub ocr_engines_loaded: Gauge,
    /// How many times the engines were loaded again after a rest.
    pub ocr_engine_reloads: Counter,
    /// Seconds the last reload took (wall clock) …
    pub ocr_engine_reload_seconds: Gauge<f64, AtomicU64>,
    /// … and the CPU seconds it cost (the wall time grows with the load of
    /// a shared machine; this does not).
    pub ocr_engine_reload_cpu_seconds: Gauge<f64, AtomicU64>,
}

/// The process-wide live metrics.
pub fn live() -> &'static Live {
    static LIVE: OnceLock<Live> = OnceLock::new();
    LIVE.get_or_init(|| Live {
        // 0.1 s … ~100 s: a clean text page takes ~1 s on one core, a bad
        // fax several.
        ocr_page_seconds: Histogram::new(exponential_buckets(0.1, 2.0, 11)),
        errors: Counter::default(),
        ocr_engines_loaded: Gauge::default(),
        ocr_engine_reloads: Counter::default(),
        ocr_engine_reload_seconds: Gauge::default(),
        ocr_engine_reload_cpu_seconds: Gauge::default(),
    })
}

#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    #[error("kan ikke lytte på {addr} for målinger: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("målingstjenesten stoppet: {0}")]
    Serve(std::io::Error),
}

#[derive(Clone)]
struct AppState {
    db: Db,
    health: Arc<Health>,
    config: Arc<Config>,
}

/// Serves `GET /metrics` on `[metrics] listen` until `shutdown`. When
/// metrics are off it just waits, so a reload can turn them on.
pub async fn serve(
    config: Arc<Config>,
    health: Arc<Health>,
    shutdown: CancellationToken,
) -> Result<(), MetricsError> {
    let Some(addr) = config.raw.metrics.listen else {
        shutdown.cancelled().await;
        return Ok(());
    };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| MetricsError::Bind { addr, source })?;
    let path = config.database_path();
    // Scraped every few seconds: a small page cache.
    let db = tokio::task::spawn_blocking(move || Db::open_small(&path))
        .await
        .map_err(|e| MetricsError::Serve(std::io::Error::other(e.to_string())))??;
    let state = AppState { db, health, config };
    let app = axum::Router::new()
        .route("/metrics", get(scrape))
        .with_state(state);
    tracing::info!(%addr, "målinger tilgjengelig på /metrics");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown.cancelled_owned())
        .await
        .map_err(MetricsError::Serve)
}

async fn scrape(State(state): State<AppState>) -> impl IntoResponse {
    let health = state.health.clone();
    let config = state.config.clone();
    let text = state
        .db
        .run(move |store| {
            let text = render(store, &health, &config);
            // A scrape reads every item's row; its pages would stay in this
            // connection's cache between scrapes and grow with the store.
            let _ = crate::store::operations::release_memory(store);
            text
        })
        .await;
    match text {
        Ok(text) => (
            StatusCode::OK,
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            text,
        ),
        Err(err) => {
            tracing::warn!(error = %err, "målingene kunne ikke leses");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "målingene kunne ikke leses\n".to_owned(),
            )
        }
    }
}

type Labels = Vec<(&'static str, String)>;

/// One scrape: a fresh registry filled from the store and the live values.
pub fn render(store: &Store, health: &Health, config: &Config) -> Result<String, StoreError> {
    let mut registry = <Registry>::with_prefix("postmottak");

    let queue = Family::<Labels, Gauge>::default();
    let admitted = Counter::<u64>::default();
    for row in crate::store::operations::metrics_state_counts(store)? {
        admitted.inc_by(row.count.max(0) as u64);
        queue
            .get_or_create(&vec![("unit", row.unit), ("state", row.state)])
            .set(row.count);
    }
    registry.register(
        "items",
        "Dokumenter per enhet og tilstand (unit er tom før klassifisering)",
        queue,
    );
    registry.register(
        "items_admitted",
        "Filer tatt inn (alle tilstander)",
        admitted,
    );

    let rejected = Family::<Labels, Counter>::default();
    for (code, n) in crate::store::operations::metrics_rejections(store)? {
        rejected
            .get_or_create(&vec![("code", code)])
            .inc_by(n.max(0) as u64);
    }
    registry.register("items_rejected", "Avviste filer per kode", rejected);

    let outbox = crate::store::operations::metrics_outbox(store)?;
    let pending = Gauge::<i64, AtomicI64>::default();
    pending.set(outbox.pending);
    registry.register("outbox_pending", "Usendte e-poster", pending);
    let failed = Gauge::<i64, AtomicI64>::default();
    failed.set(outbox.failed);
    registry.register(
        "outbox_failed",
        "E-poster tjeneren avviste for godt",
        failed,
    );
    let oldest = Gauge::<f64, AtomicU64>::default();
    oldest.set(age_secs(outbox.oldest_pending));
    registry.register(
        "outbox_oldest_pending_age_seconds",
        "Alder på den eldste usendte e-posten (0 når ingen venter)",
        oldest,
    );
    let last = Gauge::<f64, AtomicU64>::default();
    if let Some(t) = crate::store::operations::metrics_last_arrival(store)? {
        last.set(t.timestamp() as f64);
    }
    registry.register(
        "last_arrival_timestamp_seconds",
        "Unix-tid for siste mottatte fil (0 før den første)",
        last,
    );

    let snapshot = health.snapshot();
    let folders = Family::<Labels, Gauge>::default();
    for f in &snapshot.folders {
        let mode = if f.mode == "poll" {
            "polling"
        } else {
            "events"
        };
        let up = std::fs::read_dir(&f.path).is_ok();
        folders
            .get_or_create(&vec![
                ("unit", f.unit.clone().unwrap_or_else(|| "digital".into())),
                ("source", f.source.clone()),
                ("mode", mode.into()),
            ])
            .set(i64::from(up));
    }
    registry.register(
        "folder_up",
        "Overvåkede mapper: 1 når mappen kan leses, 0 ellers; mode er events eller polling",
        folders,
    );
    let waiting = Gauge::<i64, AtomicI64>::default();
    waiting.set(gauge(snapshot.pipeline_waiting));
    registry.register(
        "pipeline_waiting",
        "Dokumenter som venter på lesing",
        waiting,
    );
    let reading = Gauge::<i64, AtomicI64>::default();
    reading.set(gauge(snapshot.in_extraction));
    registry.register("pipeline_in_extraction", "Dokumenter som leses nå", reading);
    let units = Gauge::<i64, AtomicI64>::default();
    units.set(gauge(config.raw.units.len()));
    registry.register("units", "Enheter i konfigurasjonen", units);

    let live = live();
    registry.register(
        "ocr_page_seconds",
        "Tid per side i OCR (antall = sider lest med OCR)",
        live.ocr_page_seconds.clone(),
    );
    registry.register(
        "errors",
        "Feil tjenesten overlevde (lesing, inntak, omlasting)",
        live.errors.clone(),
    );
    registry.register(
        "ocr_engines_loaded",
        "1 når OCR-motorene er lastet, 0 når de er sluppet i ro",
        live.ocr_engines_loaded.clone(),
    );
    registry.register(
        "ocr_engine_reloads",
        "Ganger OCR-motorene er lastet på nytt etter ro",
        live.ocr_engine_reloads.clone(),
    );
    registry.register(
        "ocr_engine_reload_seconds",
        "Tid den siste omlastingen av OCR-motorene tok",
        live.ocr_engine_reload_seconds.clone(),
    );
    registry.register(
        "ocr_engine_reload_cpu_seconds",
        "CPU-tid den siste omlastingen av OCR-motorene kostet",
        live.ocr_engine_reload_cpu_seconds.clone(),
    );
    let rss = Gauge::<i64, AtomicI64>::default();
    rss.set(resident_bytes().unwrap_or(0) as i64);
    registry.register(
        "resident_memory_bytes",
        "Prosessens residente minne (RSS)",
        rss,
    );
    // What the RSS is made of, to tell a leak from fragmentation: bytes
    // malloc has handed out and not got back, and SQLite's share of them
    // (page caches of every connection).
    let heap = Gauge::<i64, AtomicI64>::default();
    heap.set(heap_in_use_bytes().unwrap_or(0) as i64);
    registry.register(
        "heap_in_use_bytes",
        "Minne malloc har delt ut og ikke fått tilbake",
        heap,
    );
    let sqlite = Gauge::<i64, AtomicI64>::default();
    sqlite.set(crate::store::operations::sqlite_heap_bytes());
    registry.register(
        "sqlite_heap_bytes",
        "Minne SQLite bruker (sidehurtigbuffere for alle tilkoblinger)",
        sqlite,
    );
    let pages = Gauge::<i64, AtomicI64>::default();
    pages.set(crate::store::operations::sqlite_page_cache_bytes());
    registry.register(
        "sqlite_page_cache_bytes",
        "Den delen av SQLites minne som er sidehurtigbuffer",
        pages,
    );

    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = encode(&mut out, &registry);
    Ok(out)
}

fn gauge(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn age_secs(at: Option<DateTime<Utc>>) -> f64 {
    at.map(|t| (Utc::now() - t).num_milliseconds().max(0) as f64 / 1000.0)
        .unwrap_or(0.0)
}

/// This process's resident set size, from `/proc/self/statm`.
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    // SAFETY: sysconf has no memory-safety preconditions.
    let page = unsafe { nix::libc::sysconf(nix::libc::_SC_PAGESIZE) };
    Some(pages * u64::try_from(page).ok().filter(|&p| p > 0).unwrap_or(4096))
}

/// Bytes glibc's malloc has handed out and not got back (`mallinfo2`):
/// RSS well above this is fragmentation or memory outside malloc.
pub fn heap_in_use_bytes() -> Option<u64> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallinfo2 only reads the allocator's statistics.
        let info = unsafe { nix::libc::mallinfo2() };
        Some((info.uordblks + info.hblkhd) as u64)
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_store_renders_every_family_without_labels_from_content() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::embedded_default(dir.path()).unwrap();
        let store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        let text = render(&store, &Health::default(), &config).unwrap();
        for name in [
            "postmottak_items_admitted_total 0",
            "postmottak_outbox_pending 0",
            "# TYPE postmottak_ocr_page_seconds histogram",
            "postmottak_resident_memory_bytes ",
        ] {
            assert!(text.contains(name), "{name} missing in:\n{text}");
        }
        assert!(text.ends_with("# EOF\n"));
    }
}
