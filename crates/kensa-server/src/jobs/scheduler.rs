//! Firing due schedules. The store does the deciding (the latest cron time that passed
//! since the last fire; one winner among servers); this turns it into queued runs.
use kensa_store::{Fired, Store, StoreError};

use super::Clock;

/// Fires every schedule due at `clock`'s now; each fire queues one run (executed by a
/// worker, or in-process by an API server when no worker is alive).
pub async fn tick(store: &Store, clock: &dyn Clock) -> Result<Vec<Fired>, StoreError> {
    let fired = store.fire_due_schedules(clock.now_ms()).await?;
    for f in &fired {
        tracing::info!(template = %f.template, run = f.run_id, cron_time = %f.fire_at, "schedule fired; run queued");
    }
    Ok(fired)
}

/// Drops queue entries of runs that ended without a worker (canceled while queued).
pub async fn prune(store: &Store) {
    match store.prune_queue().await {
        Ok(0) => {}
        Ok(n) => tracing::info!(entries = n, "queue entries of finished runs removed"),
        Err(e) => tracing::warn!(error = %e, "run queue not pruned"),
    }
}
