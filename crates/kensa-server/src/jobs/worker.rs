//! `kensa serve --worker`: a process without an HTTP listener that records its
//! heartbeat, fires due schedules, collects units of live runs and runs queued runs one
//! at a time, until Ctrl-C or SIGTERM (it finishes the work in hand first).
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::{check_worker_store, live, process_id, scheduler, Executor, SystemClock};
use crate::config::ServerConfig;
use crate::ServeError;

/// Runs this process as a worker on `config.store` (PostgreSQL only).
pub async fn run_worker(config: ServerConfig) -> Result<(), ServeError> {
    check_worker_store(&config.store).map_err(ServeError::Worker)?;
    let store = kensa_store::Store::open(&config.store).await?;
    let ex = Executor::new(
        store,
        Arc::new(config),
        Arc::new(SystemClock),
        process_id("worker"),
    );
    let stopping = Arc::new(AtomicBool::new(false));
    let flag = stopping.clone();
    tokio::spawn(async move {
        wait_for_stop().await;
        tracing::info!("stopping after the current run");
        flag.store(true, Ordering::SeqCst);
    });
    tracing::info!(worker = %ex.owner, "worker started");
    beat(&ex).await;
    // The worker's own heartbeat, apart from its runs' leases: it says "a worker is
    // alive" (API servers then leave queued runs to the workers) even mid-run.
    let beating = ex.clone();
    let beats = tokio::spawn(async move {
        loop {
            tokio::time::sleep(beating.config.jobs.heartbeat()).await;
            beat(&beating).await;
        }
    });
    while !stopping.load(Ordering::SeqCst) {
        if let Err(e) = scheduler::tick(&ex.store, ex.clock.as_ref()).await {
            tracing::warn!(error = %e, "schedules not fired");
        }
        scheduler::prune(&ex.store).await;
        // Units of live runs first: they finish runs already under way.
        if ex.collector().is_some() {
            if let Some(unit) = live::claim_unit(&ex, None).await {
                live::collect_unit(&ex, unit).await;
                continue;
            }
        }
        if ex.claim_and_run_next().await {
            continue;
        }
        let mut slept = std::time::Duration::ZERO;
        // Sleep in short steps so Ctrl-C is answered at once when idle.
        while slept < ex.config.jobs.poll && !stopping.load(Ordering::SeqCst) {
            let step = std::time::Duration::from_millis(200);
            tokio::time::sleep(step).await;
            slept += step;
        }
    }
    beats.abort();
    if let Err(e) = ex.store.remove_worker(&ex.owner).await {
        tracing::warn!(error = %e, "worker not removed from the store; it ages out");
    }
    Ok(())
}

async fn beat(ex: &Executor) {
    if let Err(e) = ex
        .store
        .worker_heartbeat(&ex.owner, ex.clock.now_ms())
        .await
    {
        tracing::warn!(error = %e, "worker heartbeat not recorded");
    }
}

async fn wait_for_stop() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = async {
            match term.as_mut() {
                Some(t) => { t.recv().await; }
                None => std::future::pending::<()>().await,
            }
        } => {}
    }
}
