//! # khabar-serve
//!
//! khabar's HTTP API and its right-to-left web page, on axum and tokio, over
//! the same on-disk index as `khabar index` / `khabar search`
//! (reference: `docs/serve.md`).
//!
//! * [`app`] builds the [`axum::Router`] for an [`AppState`]: the JSON API
//!   under `/v1` and the page at `/` (HTML, CSS and JS embedded in the binary).
//! * [`serve`] binds a listener and runs the app until SIGTERM or Ctrl-C,
//!   finishing the requests in flight (graceful shutdown).
//! * [`client`] is a small blocking HTTP/1.1 client over `std::net`, used by
//!   the tests and the load generator (`cargo run -p khabar-serve --example load`).
//!
//! The server owns the index's one `IndexWriter`: `POST /v1/documents`
//! analyses the documents, upserts them by id and answers only after the
//! commit is durable. A server started read-only ([`ServeOptions::read_only`]), or
//! over a folder it may not write or whose writer another process holds, serves
//! every read and answers writes 403 (`read_only`).
#![deny(missing_docs)]

mod api;
mod assets;
pub mod client;
mod commit;
mod error;
mod limit;
mod openapi;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use khabar::Analyzer;
use khabar_index::SearchIndex;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};

pub use crate::api::{parse_analyze_body, parse_documents, parse_query_string};
pub use crate::error::AppError;
pub use crate::limit::{DRAIN_BYTES, DRAIN_TIME};
pub use crate::openapi::openapi;

/// Default request-body limit: 10 MB.
pub const DEFAULT_BODY_LIMIT: usize = 10 * 1024 * 1024;

/// Default time a request may take before it is answered 408.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// How the server runs.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Largest request body in bytes.
    pub body_limit: usize,
    /// Longest time a request may take.
    pub timeout: Duration,
    /// When set, write endpoints require `Authorization: Bearer KEY` (or `X-Api-Key: KEY`).
    pub api_key: Option<String>,
    /// Heap of the index writer, in bytes.
    pub writer_heap: usize,
    /// Options of the story engine for a new index (a persisted engine keeps
    /// its own, but for the window; see `StoryState::open`).
    pub stories: khabar_index::stories::Options,
    /// Serve reads only: the index must exist, no writer is taken (another process,
    /// `khabar index`, may write the folder meanwhile; its commits are seen within
    /// [`READ_ONLY_RELOAD`]) and `POST /v1/documents` is answered 403 (`read_only`).
    pub read_only: bool,
}

/// How often a read-only server looks for commits made by another process.
pub const READ_ONLY_RELOAD: Duration = Duration::from_secs(1);

impl Default for ServeOptions {
    fn default() -> ServeOptions {
        ServeOptions {
            body_limit: DEFAULT_BODY_LIMIT,
            timeout: DEFAULT_TIMEOUT,
            api_key: None,
            writer_heap: 64_000_000,
            stories: Default::default(),
            read_only: false,
        }
    }
}

/// What the handlers share: the index, its one writer, the analysers.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) index: SearchIndex,
    /// The one writer, with group commit (`None`: read-only, [`Inner::read_only`] says why).
    pub(crate) writer: Option<commit::GroupWriter>,
    /// Why the server does not write (`None`: it does).
    pub(crate) read_only: Option<String>,
    /// The full pipeline (what `khabar analyze --json` prints).
    pub(crate) analyzer: Analyzer,
    /// The pipeline without entities, for titles (as `khabar index`).
    pub(crate) title_analyzer: Analyzer,
    pub(crate) options: ServeOptions,
}

impl AppState {
    /// Open (or create) the index in `dir` and take its writer. When the folder is not
    /// writable, or another process holds the index's writer, the index is served read-only
    /// (logged as a warning; [`AppState::read_only`] says why). With
    /// [`ServeOptions::read_only`] the index must exist and no writer is taken.
    pub fn open(dir: &Path, options: ServeOptions) -> Result<AppState, khabar_index::Error> {
        let index = if options.read_only { SearchIndex::open(dir)? } else { SearchIndex::open_or_create(dir)? };
        AppState::with_dir(index, Some(dir), options)
    }

    /// Serve an already opened index (for instance one in memory); its story
    /// state is kept in memory only.
    pub fn new(index: SearchIndex, options: ServeOptions) -> Result<AppState, khabar_index::Error> {
        AppState::with_dir(index, None, options)
    }

    fn with_dir(index: SearchIndex, dir: Option<&Path>, options: ServeOptions) -> Result<AppState, khabar_index::Error> {
        let (writer, read_only) = if options.read_only {
            (None, Some("the server was started read-only (--read-only)".to_owned()))
        } else {
            match index.writer(1, options.writer_heap) {
                Ok(w) => (Some(w), None),
                Err(e @ khabar_index::Error::NotWritable(_)) => (None, Some(e.to_string())),
                Err(khabar_index::Error::Tantivy(tantivy::TantivyError::LockFailure(tantivy::directory::error::LockError::LockBusy, _))) => {
                    (None, Some("another process holds the index's writer (khabar index, another khabar serve, Python's Index.add); restart the server once it is done to add documents through it".to_owned()))
                }
                Err(e) => return Err(e),
            }
        };
        let writer = match writer {
            Some(w) => {
                let stories = khabar_index::stories::StoryState::open(&index, dir, options.stories.clone())?;
                if let Some(note) = stories.stale_note() {
                    tracing::warn!("{note}");
                }
                Some(commit::GroupWriter::new(w, stories, dir.map(Path::to_path_buf)))
            }
            None => None,
        };
        if let Some(why) = &read_only {
            tracing::warn!("serving read-only: {why}");
        }
        index.reload()?;
        let inner = Arc::new(Inner {
            index,
            writer,
            read_only,
            analyzer: Analyzer::default(),
            title_analyzer: khabar_index::token_analyzer(),
            options,
        });
        if inner.read_only.is_some() && dir.is_some() {
            watch_commits(Arc::downgrade(&inner));
        }
        Ok(AppState { inner })
    }

    /// Why the server does not add documents (`None`: it does).
    pub fn read_only(&self) -> Option<&str> {
        self.inner.read_only.as_deref()
    }

    /// The index served.
    pub fn index(&self) -> &SearchIndex {
        &self.inner.index
    }

    /// Wait for the writer's merges to end (call after the server stopped).
    pub fn close(self) {
        if let Ok(inner) = Arc::try_unwrap(self.inner) {
            if let Some(w) = inner.writer {
                let _ = w.into_writer().wait_merging_threads();
            }
        }
    }
}

/// A read-only server sees the commits of the process that writes the index: every
/// [`READ_ONLY_RELOAD`], the reader is reloaded when the last commit changed. The
/// thread ends with the server's state.
fn watch_commits(inner: std::sync::Weak<Inner>) {
    let spawned = std::thread::Builder::new().name("khabar-reload".into()).spawn(move || {
        let mut seen = None;
        loop {
            std::thread::sleep(READ_ONLY_RELOAD);
            let Some(inner) = inner.upgrade() else { return };
            let index = &inner.index;
            let opstamp = index.index().load_metas().map(|m| m.opstamp).ok();
            if opstamp.is_some() && opstamp != seen {
                match index.reload() {
                    Ok(()) => seen = opstamp,
                    Err(e) => tracing::warn!("cannot reload the index: {e}"),
                }
            }
        }
    });
    if let Err(e) = spawned {
        tracing::warn!("cannot start the reload thread ({e}): commits by other processes are not seen until a restart");
    }
}

/// The router: the API under `/v1`, the page at `/`.
pub fn app(state: AppState) -> Router {
    let options = state.inner.options.clone();
    let writes = Router::new()
        .route("/v1/documents", post(api::ingest))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), api::require_key));
    Router::new()
        .route("/", get(assets::page))
        .route("/assets/{file}", get(assets::file))
        .route("/v1/health", get(api::health))
        .route("/v1/analyze", post(api::analyze))
        .route("/v1/documents/{id}", get(api::document))
        .route("/v1/search", get(api::search))
        .route("/v1/entities", get(api::entities))
        .route("/v1/stories", get(api::stories))
        .route("/v1/stories/{id}", get(api::story))
        .route("/v1/entities/{canonical}/timeline", get(api::timeline))
        .route("/v1/openapi.json", get(api::openapi_json))
        .merge(writes)
        .fallback(api::not_found)
        .with_state(state)
        .layer(DefaultBodyLimit::max(options.body_limit))
        // A body over the limit is read (boundedly) before its 413, so that a
        // client still writing it reads the answer rather than a reset.
        .layer(axum::middleware::from_fn_with_state(options.body_limit, limit::body_limit))
        // Inside json_errors, so that its 408 is the JSON error too.
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, options.timeout))
        .layer(axum::middleware::map_response(error::json_errors))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(tracing::Level::INFO))
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
}

/// Request logs (and the server's own) on standard error; `RUST_LOG`
/// overrides the default level `info`. Does nothing when a logger is set already.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).with_writer(std::io::stderr).try_init();
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Serve `state` on `listener` until `shutdown` resolves, then finish the
/// requests in flight.
pub async fn run(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state)).with_graceful_shutdown(shutdown).await
}

/// Bind `addr` and serve the index in `dir` until SIGTERM or Ctrl-C;
/// `ready` is called with the bound address (port 0 picks a free one).
pub fn serve(dir: &Path, addr: SocketAddr, options: ServeOptions, ready: impl FnOnce(SocketAddr)) -> Result<(), ServeError> {
    let state = AppState::open(dir, options).map_err(ServeError::Index)?;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(ServeError::Io)?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| ServeError::Bind(addr, e))?;
        let local = listener.local_addr().map_err(ServeError::Io)?;
        ready(local);
        run(listener, state.clone(), shutdown_signal()).await.map_err(ServeError::Io)
    })?;
    drop(rt);
    state.close();
    Ok(())
}

/// Why [`serve`] failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The index could not be opened or its writer taken.
    #[error(transparent)]
    Index(khabar_index::Error),
    /// The address could not be bound.
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    /// Another I/O failure.
    #[error(transparent)]
    Io(std::io::Error),
}
