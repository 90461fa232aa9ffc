//! `kensa serve`: the HTTP API under `/api/v1` (OpenAPI at `/api/v1/openapi.json`), the
//! server-rendered dashboard at `/`, `/healthz` and `/metrics` (Prometheus text), over
//! the kensa store. Tokens with roles (viewer < operator < admin) authenticate every
//! request except `/healthz`, `/metrics` and the session login.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// The public surface is what the `kensa` binary, the host agent's tests and the
// benchmarks use: starting the server ([`serve`], [`router`], [`ServerConfig`]), tokens
// and roles ([`auth`]), the workers' pieces ([`jobs`]) and remediation ([`remediation`]).
// Handlers, pages and their helpers stay private to the crate.
mod agents;
mod api;
pub mod auth;
mod config;
mod dashboard;
mod error;
pub mod jobs;
mod metrics;
#[cfg(feature = "aws")]
pub mod remediation;
mod security;
mod state;

use std::sync::Arc;

use axum::routing::get;
use axum::Router;

pub use agents::{MAX_COMPRESSED_BYTES, MAX_DECOMPRESSED_BYTES};
pub use config::{LiveSource, RunNotifier, ServerConfig, TlsConfig, TlsError};
pub use error::{ApiError, ErrorBody};
pub use state::AppState;

/// Every route of the server with its middleware: security headers, body limit,
/// metrics and request logging (which never logs headers, so never a token).
pub fn router(state: AppState) -> Router {
    let body_limit = state.config.body_limit;
    Router::new()
        .nest("/api/v1", api::routes())
        .merge(dashboard::routes())
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::render))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::add_headers,
        ))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(body_limit))
        .layer(axum::extract::DefaultBodyLimit::max(body_limit))
        .with_state(state)
}

async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<&'static str, ApiError> {
    state.store.ping().await.map_err(ApiError::from)?;
    Ok("ok\n")
}

/// Opens the store, recovers runs a dead process left, starts the background jobs and
/// serves until Ctrl-C (graceful shutdown). With `config.worker`, runs as a worker
/// instead (no HTTP listener; see [`jobs`]).
pub async fn serve(config: ServerConfig) -> Result<(), ServeError> {
    if config.worker {
        return jobs::run_worker(config).await;
    }
    let store = kensa_store::Store::open(&config.store).await?;
    for (run, reason) in store.recover_interrupted_runs().await? {
        tracing::warn!(run, %reason, "run marked FAILED at startup");
    }
    let config = Arc::new(config);
    let state = AppState::new(store, config.clone());
    jobs::spawn(&state);
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let handle = axum_server::Handle::new();
    let shutdown = handle.clone();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        shutdown.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
    });
    match &config.tls {
        Some(tls) => {
            let rustls = tls.load()?;
            tracing::info!(bind = %config.bind, "serving HTTPS");
            axum_server::bind_rustls(config.bind, rustls)
                .handle(handle)
                .serve(app)
                .await
        }
        None => {
            tracing::info!(bind = %config.bind, "serving HTTP");
            axum_server::bind(config.bind)
                .handle(handle)
                .serve(app)
                .await
        }
    }
    .map_err(|e| ServeError::Bind {
        bind: config.bind,
        source: e,
    })
}

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The store could not be opened or refused a startup step.
    #[error(transparent)]
    Store(#[from] kensa_store::StoreError),
    /// The TLS certificate or key could not be loaded.
    #[error(transparent)]
    Tls(#[from] config::TlsError),
    /// Worker mode cannot run (e.g. on a SQLite store), with why.
    #[error("{0}")]
    Worker(String),
    /// The listening address could not be bound, or serving failed.
    #[error("cannot serve on {bind}: {source}")]
    Bind {
        /// The address asked for.
        bind: std::net::SocketAddr,
        /// What the operating system said.
        source: std::io::Error,
    },
}
