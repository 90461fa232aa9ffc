//! What every handler shares: the store, the configuration, metrics and the login
//! rate limiter. Cheap to clone.
use std::sync::Arc;

use kensa_store::Store;

use crate::auth::rate_limit::RateLimiter;
use crate::auth::token::VerifyCache;
use crate::config::ServerConfig;
use crate::metrics::Metrics;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<ServerConfig>,
    pub metrics: Arc<Metrics>,
    pub login_limiter: Arc<RateLimiter>,
    pub verify_cache: Arc<VerifyCache>,
}

impl AppState {
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
