//! Web: the morning-meeting allocation board (axum, server-rendered with
//! maud, one small static script for keyboard shortcuts).
//!
//! **Invariant:** only this module knows HTTP.
//! **Invariant:** every route except `/login` and `/static/*` needs a
//! signed-in [`auth::Viewer`]; every POST goes through [`auth::Checked`],
//! which also checks the CSRF token; every content read or action is an
//! event in the store (the audit trail).
//! **Invariant:** letter text (OCR output, file names, titles) is untrusted and
//! reaches pages only through maud's escaping; the CSP forbids inline script,
//! so even a missed escape could not run code.
//!
//! Routers: each page module exposes `routes()`; [`router`] merges them, so a
//! new page (e.g. the records officer's shelves) is one `.merge(...)` line.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio_util::sync::CancellationToken;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::classify::Taxonomy;
use crate::config::Config;
use crate::extract::Rejection;
use crate::item::UnitId;
use crate::store::{Db, StoreError};

mod actions;
mod admin;
mod audit;
pub mod auth;
pub mod config;
pub mod credentials;
mod delivery;
mod history;
mod item;
mod journal_card;
mod layout;
pub mod login_guard;
mod my_post;
mod quality;
mod queue;
mod shelves;

pub use config::WebConfig;

/// Renders page images for the item page. Implemented by the extractor
/// (`Extractor::render_page_png`); a trait so the board can run without
/// pdfium (it then shows text only).
pub trait PageRenderer: Send + Sync {
    /// PNG of one page (1-based). Blocking.
    fn render_page_png(&self, path: &Path, page: u32, dpi: u16) -> Result<Vec<u8>, Rejection>;
}

impl PageRenderer for crate::extract::Extractor {
    fn render_page_png(&self, path: &Path, page: u32, dpi: u16) -> Result<Vec<u8>, Rejection> {
        crate::extract::Extractor::render_page_png(self, path, page, dpi)
    }
}

impl PageRenderer for crate::ingest::engines::RealEngines {
    fn render_page_png(&self, path: &Path, page: u32, dpi: u16) -> Result<Vec<u8>, Rejection> {
        self.extractor.render_page_png(path, page, dpi)
    }
}

/// The board's own extractor, started on the first page image (pdfium load
/// and one OCR engine cost time and memory a board that is only read from
/// never needs). When it cannot start, pages are shown as text only.
struct LazyExtractor {
    config: crate::extract::ExtractConfig,
    cell: OnceLock<Option<crate::extract::Extractor>>,
}

impl PageRenderer for LazyExtractor {
    fn render_page_png(&self, path: &Path, page: u32, dpi: u16) -> Result<Vec<u8>, Rejection> {
        let extractor = self.cell.get_or_init(|| {
            let mut config = self.config.clone();
            // The board only renders; one OCR engine is the least the
            // extractor starts with.
            config.ocr_workers = Some(1);
            crate::extract::Extractor::new(&config)
                .map_err(|e| tracing::error!(error = %e, "board cannot render page images"))
                .ok()
        });
        match extractor {
            Some(extractor) => extractor.render_page_png(path, page, dpi),
            None => Err(Rejection::new(
                crate::item::RejectCode::Unreadable,
                "Sidebilder er ikke tilgjengelige (pdfium mangler; kjør scripts/setup).",
            )),
        }
    }
}

/// A page renderer that starts an extractor from `config` on first use.
pub fn lazy_renderer(config: &Config) -> Arc<dyn PageRenderer> {
    Arc::new(LazyExtractor {
        config: config.raw.extract.clone(),
        cell: OnceLock::new(),
    })
}

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("kan ikke lytte på {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("nettserveren stoppet: {0}")]
    Serve(std::io::Error),
    #[error("ikke innlogget")]
    Unauthenticated,
    #[error("Du har ikke tilgang til dette.")]
    Forbidden,
    #[error("finnes ikke")]
    NotFound,
    #[error("skjemaet er utløpt eller ugyldig; last siden på nytt og prøv igjen")]
    Csrf,
    #[error("{0}")]
    BadRequest(String),
    #[error("handlingen er ikke mulig: {0}")]
    Conflict(String),
    #[error("sidebildet kan ikke vises: {0}")]
    Render(Rejection),
    #[error(transparent)]
    Store(StoreError),
    #[error("intern feil: {0}")]
    Internal(String),
}

/// The one mapping of the store's answers to the board's: refusals become
/// 404 or 409 with their Norwegian message, anything else a 500.
impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NoSuchItem(_) => WebError::NotFound,
            StoreError::NotQueued(_)
            | StoreError::NoLongerQueued
            | StoreError::NotAllocated(_)
            | StoreError::AlreadyConfirmed(_)
            | StoreError::NothingOpen(_)
            | StoreError::NotScan(_)
            | StoreError::BadReplacement { .. }
            | StoreError::Transition(_) => WebError::Conflict(e.to_string()),
            StoreError::BadRow(_) => WebError::Internal(e.to_string()),
            other => WebError::Store(other),
        }
    }
}

impl From<rusqlite::Error> for WebError {
    fn from(e: rusqlite::Error) -> Self {
        WebError::Store(StoreError::Sql(e))
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = match &self {
            WebError::Unauthenticated => {
                return axum::response::Redirect::to("/login").into_response()
            }
            WebError::Forbidden => StatusCode::FORBIDDEN,
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Csrf | WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            // Store errors name tables and ids, never letter text.
            tracing::error!(error = %self, "board request failed");
        }
        (status, layout::error_page(status, &self.to_string())).into_response()
    }
}

/// The store's [`Db`] with its error type pinned to [`WebError`], so a
/// handler's closure needs no annotation. Pooling and blocking are `Db`'s.
#[derive(Clone)]
pub(crate) struct BoardDb(Db);

impl BoardDb {
    pub(crate) async fn run<T, F>(&self, f: F) -> Result<T, WebError>
    where
        T: Send + 'static,
        F: FnOnce(&mut crate::store::Store) -> Result<T, WebError> + Send + 'static,
    {
        self.0.run(f).await
    }
}

pub(crate) struct Inner {
    pub config: Arc<Config>,
    pub web: WebConfig,
    pub db: BoardDb,
    pub renderer: Option<Arc<dyn PageRenderer>>,
    /// Configured units in config order, with display names.
    pub units: Vec<(UnitId, String)>,
    /// The document types of the rules file the classifier reads: their
    /// names on every page, and the only types a correction may choose.
    pub taxonomy: Arc<Taxonomy>,
    /// Sign-in attempts per client address (`login_guard`).
    pub login_buckets: login_guard::Buckets,
}

/// Shared state of every handler.
#[derive(Clone)]
pub(crate) struct AppState(Arc<Inner>);

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    fn new(config: Arc<Config>, renderer: Option<Arc<dyn PageRenderer>>) -> Result<Self, WebError> {
        let data_dir = config.data_dir();
        std::fs::create_dir_all(&data_dir).map_err(|e| {
            WebError::Internal(format!("kan ikke lage {}: {e}", data_dir.display()))
        })?;
        let db = BoardDb(Db::pool(&config.database_path(), BOARD_CONNECTIONS_KEPT)?);
        let units = config
            .raw
            .units
            .iter()
            .map(|u| (u.id.clone(), u.name.clone()))
            .collect();
        let taxonomy = Taxonomy::from_config(&config)
            .map_err(|e| WebError::Internal(format!("klassifiseringsreglene: {e}")))?;
        Ok(AppState(Arc::new(Inner {
            web: config.raw.web.clone(),
            config,
            db,
            renderer,
            units,
            taxonomy: Arc::new(taxonomy),
            login_buckets: login_guard::Buckets::default(),
        })))
    }

    /// Display name of a unit (its id when not configured).
    pub fn unit_name<'a>(&'a self, unit: &'a UnitId) -> &'a str {
        self.units
            .iter()
            .find(|(id, _)| id == unit)
            .map(|(_, name)| name.as_str())
            .unwrap_or(unit.as_str())
    }
}

/// Every route of the board, with security headers on every response.
pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .merge(auth::routes())
        .merge(queue::routes())
        .merge(item::routes())
        .merge(actions::routes())
        .merge(audit::routes())
        .merge(admin::routes())
        .merge(shelves::routes())
        .merge(my_post::routes())
        .merge(journal_card::routes())
        .merge(quality::routes())
        .merge(layout::static_routes())
        .fallback(|| async { WebError::NotFound })
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                 form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        // Content pages must not be kept by the browser or a proxy; static
        // files set their own Cache-Control.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        .with_state(state)
}

/// Runs the board on `[web] listen` until `shutdown` is cancelled. Page
/// images come from an extractor of the board's own, started on first use.
pub async fn serve(config: Arc<Config>, shutdown: CancellationToken) -> Result<(), WebError> {
    let renderer = lazy_renderer(&config);
    serve_with(config, Some(renderer), shutdown).await
}

/// Like [`serve`], with the page renderer given (the daemon shares its
/// extractor; `None` shows pages as text only).
///
/// An address in use (another board, or the old process still stopping) is
/// logged and retried until it frees up: the intake must not stop because the
/// board cannot start. Any other bind error is fatal.
pub async fn serve_with(
    config: Arc<Config>,
    renderer: Option<Arc<dyn PageRenderer>>,
    shutdown: CancellationToken,
) -> Result<(), WebError> {
    let addr = config.raw.web.listen;
    let listener = loop {
        match tokio::net::TcpListener::bind(addr).await {
            Ok(listener) => break listener,
            Err(source) if source.kind() == std::io::ErrorKind::AddrInUse => {
                tracing::error!(%addr, "board address in use; retrying in {BIND_RETRY:?}");
                tokio::select! {
                    _ = tokio::time::sleep(BIND_RETRY) => {}
                    _ = shutdown.cancelled() => return Ok(()),
                }
            }
            Err(source) => return Err(WebError::Bind { addr, source }),
        }
    };
    tracing::info!(%addr, "tavlen lytter");
    serve_on(listener, config, renderer, shutdown).await
}

/// How long to wait before binding again when the address is in use.
/// Idle store connections the board keeps for its page requests (more are
/// opened while requests run side by side).
const BOARD_CONNECTIONS_KEPT: usize = 4;

const BIND_RETRY: Duration = Duration::from_secs(30);

/// Runs the board on an already bound listener (tests bind port 0).
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    config: Arc<Config>,
    renderer: Option<Arc<dyn PageRenderer>>,
    shutdown: CancellationToken,
) -> Result<(), WebError> {
    let state = AppState::new(config, renderer)?;
    // The peer address feeds the per-address sign-in limit.
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown.cancelled_owned())
    .await
    .map_err(WebError::Serve)
}
