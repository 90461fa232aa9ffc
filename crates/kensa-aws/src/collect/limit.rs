//! How many AWS calls one collection run has in flight at once.
//!
//! Every request of a run (top-level describes, their pages, and the per-resource
//! calls: target health, TGW routes, prefix-list entries, attributes) takes a permit
//! from one semaphore shared by all accounts and regions, so `--concurrency N` bounds the
//! whole run, not each region. A caller holds a permit only while its own request is
//! out: a top-level call that then fans out into per-resource calls has released its
//! permit, so the fan-out cannot wait on itself. Throttling is the SDK's business
//! (adaptive retry, see [`crate::session::retry_config`]): a throttled request is retried
//! inside `run` before the permit is given back.
use std::future::Future;
use std::sync::Arc;

use indicatif::ProgressBar;
use tokio::sync::Semaphore;

use crate::error::ApiError;

/// Calls in flight when the user does not say: enough to hide moto's and AWS's latency,
/// few enough to stay under EC2's per-account request rate on most accounts.
pub const DEFAULT_CONCURRENCY: usize = 16;

/// The run's permit pool; cheap to clone.
#[derive(Debug, Clone)]
pub struct Limiter {
    permits: Arc<Semaphore>,
}

impl Limiter {
    /// At least one call at a time.
    pub fn new(max_in_flight: usize) -> Limiter {
        Limiter {
            permits: Arc::new(Semaphore::new(max_in_flight.max(1))),
        }
    }

    /// Runs one call (all its pages) under a permit.
    pub async fn run<F: Future>(&self, call: F) -> F::Output {
        // The semaphore is never closed, so acquiring cannot fail; if it ever did, the
        // call still runs (unbounded is better than a lost call).
        let _permit = self.permits.acquire().await.ok();
        call.await
    }

    /// `call(id)` for every id, concurrently under the run's bound; results in the order
    /// of `ids`. Each finished call advances `bar` (its length grows by `ids.len()`).
    pub async fn per_resource<T, F, Fut>(
        &self,
        ids: Vec<String>,
        bar: &ProgressBar,
        call: F,
    ) -> Vec<Result<T, ApiError>>
    where
        T: Send + 'static,
        F: Fn(String) -> Fut,
        Fut: Future<Output = Result<T, ApiError>> + Send + 'static,
    {
        let total = ids.len();
        bar.inc_length(total as u64);
        let mut calls = tokio::task::JoinSet::new();
        for (i, id) in ids.into_iter().enumerate() {
            let pending = call(id);
            let limiter = self.clone();
            let bar = bar.clone();
            calls.spawn(async move {
                let r = limiter.run(pending).await;
                bar.inc(1);
                (i, r)
            });
        }
        let mut slots: Vec<Option<Result<T, ApiError>>> = (0..total).map(|_| None).collect();
        while let Some(joined) = calls.join_next().await {
            match joined {
                Ok((i, r)) => slots[i] = Some(r),
                // A panicking call is a bug; its slot stays empty and reads as a failure.
                Err(e) => tracing::error!(%e, "per-resource call task failed"),
            }
        }
        slots
            .into_iter()
            .map(|s| s.unwrap_or_else(|| Err(ApiError::other("the call's task failed"))))
            .collect()
    }
}
