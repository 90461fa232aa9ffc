//! The server-rendered dashboard (owner: serve-dash). Routes are merged at `/`.
use axum::Router;

use crate::state::AppState;

/// The dashboard's pages and assets.
pub fn routes() -> Router<AppState> {
    Router::new()
}
