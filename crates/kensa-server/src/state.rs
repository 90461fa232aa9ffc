//! What every handler shares: the store, the configuration, metrics and the login
//! rate limiter. Cheap to clone.
use std::sync::Arc;

use kensa_store::Store;

use crate::auth::rate_limit::RateLimiter;
use crate::auth::token::VerifyCache;
use crate::config::ServerConfig;
use crate::metrics::Metrics;

/// The state every handler gets.
#[derive(Clone)]
pub struct AppState {
    /// The kensa store.
    pub store: Store,
    /// How the server runs.
    pub config: Arc<ServerConfig>,
    /// Request counters and durations for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// The login attempts per client address.
    pub login_limiter: Arc<RateLimiter>,
    /// Tokens verified lately (argon2 is slow on purpose; not on every request).
    pub verify_cache: Arc<VerifyCache>,
}

impl AppState {
    /// The state of a server over `store` configured by `config`.
    pub fn new(store: Store, config: Arc<ServerConfig>) -> AppState {
        let login_limiter = Arc::new(RateLimiter::per_minute(config.login_per_minute));
        AppState {
            store,
            config,
            metrics: Arc::new(Metrics::default()),
            login_limiter,
            verify_cache: Arc::new(VerifyCache::default()),
        }
    }
}
