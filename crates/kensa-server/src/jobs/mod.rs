//! Background work: schedules and the run queue.
//!
//! Every run started over the API or by a schedule is queued (CREATED, a `run_queue`
//! row). `kensa serve --worker` processes (PostgreSQL only) claim queued runs under a
//! lease that a heartbeat renews; a worker that dies stops renewing and, once the lease
//! expires, another worker claims the run again. When no worker is alive, the API
//! server claims and runs its queued runs in-process. Schedules fire in every process
//! (API servers and workers); the store makes each fire happen once.
mod execute;
mod live;
mod scheduler;
mod worker;

use std::sync::Arc;
use std::time::Duration;

pub use execute::{run_claimed, Executor};
pub use live::{BoxFuture, LiveCollector, Plan, LIVE_INPUT};
pub use scheduler::tick as fire_schedules;
pub use worker::run_worker;

use crate::state::AppState;

/// Milliseconds since the epoch, from a clock tests can move.
pub trait Clock: Send + Sync + 'static {
    /// Now, in milliseconds since 1970-01-01T00:00:00Z.
    fn now_ms(&self) -> i64;
}

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or_default()
    }
}

/// Timings of leases, heartbeats and polling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobSettings {
    /// How long a claimed run stays its worker's without a heartbeat. A dead worker's
    /// run is retried this long after its last heartbeat.
    pub lease: Duration,
    /// How often an idle process looks for queued runs and due schedules.
    pub poll: Duration,
    /// Claims of one run before it is marked FAILED, and of one unit of a live run
    /// before it is given up (FAILED, the run completing with errors without it): work
    /// that kills every worker that takes it must not go round forever.
    pub max_attempts: i64,
}

impl Default for JobSettings {
    fn default() -> Self {
        JobSettings {
            lease: Duration::from_secs(60),
            poll: Duration::from_secs(5),
            max_attempts: 3,
        }
    }
}

impl JobSettings {
    /// A lease is renewed three times per lease period: two missed heartbeats are
    /// survivable, three are not.
    pub fn heartbeat(&self) -> Duration {
        self.lease / 3
    }

    pub(crate) fn lease_ms(&self) -> i64 {
        self.lease.as_millis() as i64
    }
}

/// This process's name in leases and the `workers` table: role, host, pid and the
/// time the process first asked (a pid is reused; pid and start time are not).
pub fn process_id(role: &str) -> String {
    static STARTED: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    let started = *STARTED.get_or_init(|| SystemClock.now_ms());
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "host".into());
    format!("{role}:{host}:{}:{started}", std::process::id())
}

/// Starts the background jobs of an API server: the scheduler, and the in-process
/// executor that runs queued runs while no worker is alive.
pub fn spawn(state: &AppState) {
    let executor = Executor::new(
        state.store.clone(),
        state.config.clone(),
        Arc::new(SystemClock),
        process_id("server"),
    );
    tokio::spawn(serve_loop(executor));
}

/// Runs queued run `run` in this process unless a worker is alive to take it (the
/// API calls this right after queuing a run).
pub fn dispatch(state: &AppState, run: i64) {
    let executor = Executor::new(
        state.store.clone(),
        state.config.clone(),
        Arc::new(SystemClock),
        process_id("server"),
    );
    tokio::spawn(async move {
        match executor.workers_alive().await {
            Ok(true) => tracing::info!(run, "run queued for the workers"),
            Ok(false) => executor.run_in_process(run).await,
            Err(e) => {
                tracing::warn!(run, error = %e, "cannot tell whether workers run; run stays queued")
            }
        }
    });
}

/// The API server's loop: fire due schedules; while no worker is alive, run what is
/// queued here.
async fn serve_loop(executor: Executor) {
    let poll = executor.config.jobs.poll;
    loop {
        if let Err(e) = scheduler::tick(&executor.store, executor.clock.as_ref()).await {
            tracing::warn!(error = %e, "schedules not fired");
        }
        scheduler::prune(&executor.store).await;
        match executor.workers_alive().await {
            Ok(false) => while executor.claim_and_run_next().await {},
            Ok(true) => {}
            Err(e) => tracing::warn!(error = %e, "cannot list workers"),
        }
        tokio::time::sleep(poll).await;
    }
}

/// Whether `store` may host workers: they share one PostgreSQL; a SQLite file is one
/// machine's, and its single writer cannot hand out leases to processes elsewhere.
pub fn check_worker_store(store: &kensa_store::Location) -> Result<(), String> {
    match store {
        kensa_store::Location::Postgres(_) => Ok(()),
        kensa_store::Location::File(path) => Err(format!(
            "--worker needs a PostgreSQL store (--store postgres://...): workers on several machines share one database, and the SQLite file {} belongs to one machine; run `kensa serve` without --worker to execute runs in-process",
            path.display()
        )),
    }
}
