//! Executing a claimed run: its lease renewed by a heartbeat while the analysis runs on
//! a blocking thread; retries and abandoned runs recorded in the run's history.
use std::path::PathBuf;
use std::sync::Arc;

use kensa_assess::Input;
use kensa_store::{ClaimedRun, RunState, Store, StoreError};
use tokio::sync::watch;

use super::Clock;
use crate::config::ServerConfig;

/// What a process needs to run queued runs: the store, its configuration (input roots,
/// job timings), a clock and its name in leases.
#[derive(Clone)]
pub struct Executor {
    /// The shared store.
    pub store: Store,
    /// This process's configuration.
    pub config: Arc<ServerConfig>,
    /// The clock leases are measured with.
    pub clock: Arc<dyn Clock>,
    /// This process's name in leases (see [`super::process_id`]).
    pub owner: String,
}

impl Executor {
    /// An executor named `owner`.
    pub fn new(
        store: Store,
        config: Arc<ServerConfig>,
        clock: Arc<dyn Clock>,
        owner: String,
    ) -> Self {
        Executor {
            store,
            config,
            clock,
            owner,
        }
    }

    /// The live collector, when this process has one.
    pub fn collector(&self) -> Option<Arc<dyn super::LiveCollector>> {
        self.config.live.as_ref().map(|l| l.0.clone())
    }

    /// Is any worker's heartbeat fresher than one lease period?
    pub async fn workers_alive(&self) -> Result<bool, StoreError> {
        let now = self.clock.now_ms();
        let live = self
            .store
            .live_workers(now, self.config.jobs.lease_ms())
            .await?;
        Ok(!live.is_empty())
    }

    /// Claims run `run` and executes it here (when nobody holds its lease).
    pub async fn run_in_process(&self, run: i64) {
        let lease = self.config.jobs.lease_ms();
        match self
            .store
            .claim_run(run, &self.owner, self.clock.now_ms(), lease)
            .await
        {
            Ok(Some(claimed)) => run_claimed(self, claimed).await,
            Ok(None) => tracing::info!(run, "run already claimed elsewhere"),
            Err(e) => tracing::warn!(run, error = %e, "cannot claim run"),
        }
    }

    /// Claims the next free queued run and executes it; false when there was none (or
    /// the store failed, logged).
    pub async fn claim_and_run_next(&self) -> bool {
        let lease = self.config.jobs.lease_ms();
        match self
            .store
            .claim_next_run(&self.owner, self.clock.now_ms(), lease)
            .await
        {
            Ok(Some(claimed)) => {
                run_claimed(self, claimed).await;
                true
            }
            Ok(None) => false,
            Err(e) => {
                tracing::warn!(error = %e, "cannot claim a queued run");
                false
            }
        }
    }
}

/// Executes a run this process claimed, renewing its lease until it ends, then takes
/// it off the queue.
pub async fn run_claimed(ex: &Executor, claimed: ClaimedRun) {
    let run = claimed.run_id;
    tracing::info!(run, owner = %ex.owner, attempt = claimed.attempts, "run claimed");
    let generation = claimed.attempts;
    let (stop, stopped) = watch::channel(false);
    let heartbeat = tokio::spawn(heartbeat(ex.clone(), run, generation, stopped));
    match execute(ex, &claimed).await {
        Ok(()) => {}
        Err(ExecuteError::Store(e @ StoreError::LeaseLost { .. }))
        | Err(ExecuteError::Assess(kensa_assess::AssessError::Store(
            e @ StoreError::LeaseLost { .. },
        ))) => {
            tracing::warn!(run, owner = %ex.owner, error = %e,
                "stalled past the lease: stopped working on the run, nothing more written; the claim that holds it now finishes it");
        }
        Err(e) => tracing::warn!(run, error = %e, "run did not complete"),
    }
    let _ = stop.send(true);
    let _ = heartbeat.await;
    match ex
        .store
        .complete_queued_run(run, &ex.owner, generation)
        .await
    {
        Ok(true) => {}
        Ok(false) => tracing::warn!(
            run,
            "lease was lost while the run executed; another worker took it over"
        ),
        Err(e) => tracing::warn!(run, error = %e, "run stays queued until its lease expires"),
    }
}

/// Renews the lease every heartbeat period until `stopped`.
async fn heartbeat(ex: Executor, run: i64, generation: i64, mut stopped: watch::Receiver<bool>) {
    let every = ex.config.jobs.heartbeat();
    loop {
        tokio::select! {
            _ = stopped.changed() => return,
            _ = tokio::time::sleep(every) => {}
        }
        let now = ex.clock.now_ms();
        match ex
            .store
            .renew_lease(run, &ex.owner, generation, now, ex.config.jobs.lease_ms())
            .await
        {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(
                    run,
                    "lease lost (this process stalled past it and another claim took the run); its next write stops it"
                );
                return;
            }
            // The next beat retries; the lease survives two missed beats.
            Err(e) => tracing::warn!(run, error = %e, "lease not renewed"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
enum ExecuteError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Assess(#[from] kensa_assess::AssessError),
    #[error("the run's thread panicked: {0}")]
    Panicked(String),
}

async fn execute(ex: &Executor, claimed: &ClaimedRun) -> Result<(), ExecuteError> {
    // Every write to the run checks that this claim still holds its lease.
    let store = &ex.store.fenced(claimed.run_id, claimed.attempts);
    let run = store.run(claimed.run_id).await?;
    if run.state.is_final() {
        return Ok(());
    }
    let id = run.id;
    if claimed.attempts > ex.config.jobs.max_attempts {
        let reason = format!(
            "abandoned: claimed {} times and never finished (the last worker, {}, stopped renewing its lease)",
            claimed.attempts - 1,
            claimed.previous_owner.as_deref().unwrap_or("unknown")
        );
        store
            .finish_run(id, RunState::Failed, Some(&reason), None)
            .await?;
        return Ok(());
    }
    if store.cancel_requested(id).await? {
        store
            .finish_run(
                id,
                RunState::Canceled,
                Some("canceled before a worker started it"),
                None,
            )
            .await?;
        return Ok(());
    }
    if let Some(previous) = claimed.previous_owner.as_deref() {
        let why = format!(
            "retried by {} (attempt {}): {previous} stopped renewing its lease",
            ex.owner, claimed.attempts
        );
        store
            .set_run_state(id, RunState::Created, Some(&why))
            .await?;
    }
    // A live run's snapshot is assembled in a temporary directory that lives until
    // the run ends.
    let (input, live_dir) = match source_of(&ex.config, &claimed.input) {
        Ok(source) => source,
        Err(reason) => {
            store
                .finish_run(id, RunState::Failed, Some(&reason), None)
                .await?;
            return Ok(());
        }
    };
    let template = store.template(&run.template).await?;
    let target = store.target(&template.target).await?;
    let (ex, store) = (ex.clone(), store.clone());
    let handle = tokio::runtime::Handle::current();
    // The analysis is CPU-bound: a blocking thread, driving the store calls on the
    // runtime.
    tokio::task::spawn_blocking(move || {
        let load = async {
            if let Input::Live(dir) = &input {
                super::live::collect_run(&ex, &store, id, dir).await?;
            }
            Ok::<_, String>(input)
        };
        let notifier = &ex.config.notifier.0;
        let done = handle.block_on(kensa_assess::execute_with(
            &store, id, &template, &target, load, notifier,
        ));
        drop(live_dir);
        done
    })
    .await
    .map_err(|e| ExecuteError::Panicked(e.to_string()))??;
    Ok(())
}

/// The run's queued input: `demo`, `live` (collected into a new temporary directory,
/// returned with it) or a snapshot directory that must lie inside THIS process's
/// `--allow-input` directories (a worker may have other ones than the server that
/// queued the run).
fn source_of(
    config: &ServerConfig,
    queued: &str,
) -> Result<(Input, Option<tempfile::TempDir>), String> {
    if queued == super::LIVE_INPUT {
        let dir = tempfile::Builder::new()
            .prefix("kensa-live-")
            .tempdir()
            .map_err(|e| format!("cannot create a directory for the live snapshot: {e}"))?;
        return Ok((Input::Live(dir.path().to_owned()), Some(dir)));
    }
    input_of(config, queued).map(|input| (input, None))
}

fn input_of(config: &ServerConfig, queued: &str) -> Result<Input, String> {
    if queued == "demo" {
        return Ok(Input::Demo);
    }
    let path = PathBuf::from(queued);
    if !config.input_allowed(&path) || !path.is_dir() {
        return Err(format!(
            "input `{queued}` is not a snapshot directory inside the --allow-input directories of the process that took the run"
        ));
    }
    Ok(Input::Directory(path))
}
