//! Runs: creation, every state change (timestamped, in `run_states`), cancellation,
//! and recovery of runs a killed process left behind.
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::clock;
use crate::db::Store;
use crate::error::{QueryContext, Result, StoreError};
use crate::fence::FencePoint;
use crate::model::{Run, RunState, SeverityCounts, StateChange, Template};
use crate::scope::RunScope;

/// What a COMPLETED run may resolve: findings of these packages on resources the scope
/// covers, minus resources an exclusion removed.
pub struct Resolution<'a> {
    /// The packages the run executed: a finding of another package is not resolved.
    pub packages: Vec<kensa_model::Package>,
    /// The instances and regions the run covered.
    pub scope: &'a RunScope,
    /// Resource ids an exclusion removed: their findings stay as they were.
    pub excluded_resources: std::collections::HashSet<String>,
}

/// Inserts a CREATED run of template `template_id`, owned by this process, inside `tx`.
pub(crate) async fn insert_run(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    template_id: i64,
) -> Result<i64> {
    let now = clock::now();
    let id: i64 = sqlx::query("INSERT INTO runs (template_id, state, host, pid, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(template_id)
        .bind(RunState::Created.as_str())
        .bind(host_name())
        .bind(i64::from(std::process::id()))
        .bind(&now)
        .fetch_one(&mut **tx)
        .await
        .ctx("creating a run")?
        .try_get("id")
        .ctx("creating a run")?;
    sqlx::query("INSERT INTO run_states (run_id, seq, state, at) VALUES ($1, 0, $2, $3)")
        .bind(id)
        .bind(RunState::Created.as_str())
        .bind(&now)
        .execute(&mut **tx)
        .await
        .ctx("creating a run")?;
    Ok(id)
}

impl Store {
    /// Creates a run of `template` in state CREATED, owned by this process.
    pub async fn create_run(&self, template: &Template) -> Result<i64> {
        let mut tx = self.pool.begin().await.ctx("creating a run")?;
        let id = insert_run(&mut tx, template.id).await?;
        tx.commit().await.ctx("creating a run")?;
        Ok(id)
    }

    /// Moves a run to `state`. A run in a final state never changes again.
    pub async fn set_run_state(
        &self,
        run: i64,
        state: RunState,
        message: Option<&str>,
    ) -> Result<()> {
        let now = clock::now();
        let mut tx = self.pool.begin().await.ctx("changing a run's state")?;
        self.check_fence(&mut tx, run, FencePoint::BeforeWrites)
            .await?;
        let row = sqlx::query("SELECT state FROM runs WHERE id = $1")
            .bind(run)
            .fetch_optional(&mut *tx)
            .await
            .ctx("changing a run's state")?
            .ok_or_else(|| StoreError::NotFound {
                what: "run",
                name: run.to_string(),
            })?;
        let current: RunState = row
            .try_get::<String, _>("state")
            .ctx("changing a run's state")?
            .parse()?;
        if current.is_final() {
            return Err(StoreError::Conflict(format!(
                "run {run} is already {current}; it cannot become {state}"
            )));
        }
        let seq: i64 = sqlx::query(
            "SELECT COALESCE(MAX(seq), -1) + 1 AS seq FROM run_states WHERE run_id = $1",
        )
        .bind(run)
        .fetch_one(&mut *tx)
        .await
        .ctx("changing a run's state")?
        .try_get("seq")
        .ctx("changing a run's state")?;
        sqlx::query(
            "INSERT INTO run_states (run_id, seq, state, at, message) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(run)
        .bind(seq)
        .bind(state.as_str())
        .bind(&now)
        .bind(message)
        .execute(&mut *tx)
        .await
        .ctx("changing a run's state")?;
        let completed = state.is_final().then_some(now);
        sqlx::query(
            "UPDATE runs SET state = $1, state_reason = $2, completed_at = $3 WHERE id = $4",
        )
        .bind(state.as_str())
        .bind(message)
        .bind(completed)
        .bind(run)
        .execute(&mut *tx)
        .await
        .ctx("changing a run's state")?;
        self.check_fence(&mut tx, run, FencePoint::BeforeCommit)
            .await?;
        tx.commit().await.ctx("changing a run's state")
    }

    /// Ends a run in `state`. Only a COMPLETED run resolves: the findings of
    /// `resolution`'s packages it did not see, on resources its scope covered and no
    /// exclusion removed. Then the counts by severity are recorded.
    pub async fn finish_run(
        &self,
        run: i64,
        state: RunState,
        message: Option<&str>,
        resolution: Option<Resolution<'_>>,
    ) -> Result<Run> {
        self.check_lease(run).await?;
        let mut resolved = 0;
        if let (RunState::Completed, Some(r)) = (state, resolution) {
            resolved = self
                .resolve_unseen(run, &r.packages, |key| {
                    r.scope.covers(key) && !r.excluded_resources.contains(&key.resource_id)
                })
                .await?;
        }
        self.update_run_counts(run, resolved).await?;
        self.set_run_state(run, state, message).await?;
        self.run(run).await
    }

    /// Has someone asked (`kensa run cancel`) for this run to stop?
    pub async fn cancel_requested(&self, run: i64) -> Result<bool> {
        let n: i64 = sqlx::query("SELECT cancel_requested FROM runs WHERE id = $1")
            .bind(run)
            .fetch_one(&self.pool)
            .await
            .ctx("checking for cancellation")?
            .try_get("cancel_requested")
            .ctx("checking for cancellation")?;
        Ok(n != 0)
    }

    /// Cancels a run: asks the process running it to stop at its next batch, or, when
    /// no live process owns it, marks it CANCELED at once. Returns whether it is
    /// already CANCELED.
    pub async fn cancel_run(&self, run: i64) -> Result<bool> {
        let r = self.run(run).await?;
        if r.state.is_final() {
            return Err(StoreError::Conflict(format!(
                "run {run} is already {}",
                r.state
            )));
        }
        let (host, pid) = self.run_owner(run).await?;
        if owner_alive(&host, pid) {
            sqlx::query("UPDATE runs SET cancel_requested = 1 WHERE id = $1")
                .bind(run)
                .execute(&self.pool)
                .await
                .ctx("requesting cancellation")?;
            return Ok(false);
        }
        self.set_run_state(run, RunState::Canceled, Some("canceled by the user"))
            .await?;
        Ok(true)
    }

    /// Marks FAILED every run left in a non-final state by a process that no longer
    /// runs on this host (a `kill -9`, a crash, a reboot). Returns the runs and why.
    /// Queued runs are not this function's: their leases expire and a worker retries.
    pub async fn recover_interrupted_runs(&self) -> Result<Vec<(i64, String)>> {
        let rows = sqlx::query("SELECT id, state, host, pid FROM runs WHERE state NOT IN ('COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED', 'CANCELED') AND id NOT IN (SELECT run_id FROM run_queue) ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .ctx("looking for interrupted runs")?;
        let mut failed = Vec::new();
        for row in rows {
            let get = |c| {
                row.try_get::<String, _>(c)
                    .ctx("looking for interrupted runs")
            };
            let (id, state, host): (i64, String, String) = (
                row.try_get("id").ctx("looking for interrupted runs")?,
                get("state")?,
                get("host")?,
            );
            let pid: i64 = row.try_get("pid").ctx("looking for interrupted runs")?;
            if owner_alive(&host, pid) {
                continue;
            }
            let reason = format!(
                "interrupted: the kensa process (pid {pid} on {host}) stopped while the run was {state}; findings stored before that are kept"
            );
            match self
                .set_run_state(id, RunState::Failed, Some(&reason))
                .await
            {
                Ok(()) => failed.push((id, reason)),
                // Another process recovered it first.
                Err(StoreError::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(failed)
    }

    async fn run_owner(&self, run: i64) -> Result<(String, i64)> {
        let row = sqlx::query("SELECT host, pid FROM runs WHERE id = $1")
            .bind(run)
            .fetch_one(&self.pool)
            .await
            .ctx("reading a run")?;
        Ok((
            row.try_get("host").ctx("reading a run")?,
            row.try_get("pid").ctx("reading a run")?,
        ))
    }

    /// One run with its template, snapshot and state history.
    pub async fn run(&self, id: i64) -> Result<Run> {
        let row = sqlx::query(&format!("{RUN_SELECT} WHERE r.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .ctx("reading a run")?
            .ok_or_else(|| StoreError::NotFound {
                what: "run",
                name: id.to_string(),
            })?;
        let mut run = run_of_row(&row)?;
        let snapshot: Option<i64> = row.try_get("snapshot_id").ctx("reading a run")?;
        if let Some(s) = snapshot {
            run.snapshot = Some(self.snapshot_info(s).await?);
        }
        run.states =
            sqlx::query("SELECT state, at, message FROM run_states WHERE run_id = $1 ORDER BY seq")
                .bind(id)
                .fetch_all(&self.pool)
                .await
                .ctx("reading a run's states")?
                .iter()
                .map(|r| {
                    Ok(StateChange {
                        state: r
                            .try_get::<String, _>("state")
                            .ctx("reading a run's states")?
                            .parse()?,
                        at: r.try_get("at").ctx("reading a run's states")?,
                        message: r.try_get("message").ctx("reading a run's states")?,
                    })
                })
                .collect::<Result<_>>()?;
        Ok(run)
    }

    /// Runs, newest first, optionally of one template.
    pub async fn runs(&self, template: Option<&str>) -> Result<Vec<Run>> {
        let rows = match template {
            Some(t) => {
                let t = self.template(t).await?;
                sqlx::query(&format!(
                    "{RUN_SELECT} WHERE r.template_id = $1 ORDER BY r.id DESC"
                ))
                .bind(t.id)
                .fetch_all(&self.pool)
                .await
            }
            None => {
                sqlx::query(&format!("{RUN_SELECT} ORDER BY r.id DESC"))
                    .fetch_all(&self.pool)
                    .await
            }
        }
        .ctx("listing runs")?;
        rows.iter().map(run_of_row).collect()
    }

    /// Recomputes a run's counts by severity from the findings it saw.
    pub(crate) async fn update_run_counts(
        &self,
        run: i64,
        resolved: i64,
    ) -> Result<SeverityCounts> {
        let rows = sqlx::query(
            "SELECT severity, COUNT(*) AS n FROM run_findings WHERE run_id = $1 GROUP BY severity",
        )
        .bind(run)
        .fetch_all(&self.pool)
        .await
        .ctx("counting a run's findings")?;
        let mut c = SeverityCounts::default();
        for row in rows {
            let sev: i64 = row.try_get("severity").ctx("counting a run's findings")?;
            let n: i64 = row.try_get("n").ctx("counting a run's findings")?;
            match crate::findings::severity_of_rank(sev)? {
                kensa_model::Severity::Critical => c.critical = n,
                kensa_model::Severity::High => c.high = n,
                kensa_model::Severity::Medium => c.medium = n,
                kensa_model::Severity::Low => c.low = n,
                kensa_model::Severity::Informational => c.informational = n,
            }
        }
        sqlx::query("UPDATE runs SET critical = $1, high = $2, medium = $3, low = $4, informational = $5, resolved = $6 WHERE id = $7")
            .bind(c.critical)
            .bind(c.high)
            .bind(c.medium)
            .bind(c.low)
            .bind(c.informational)
            .bind(resolved)
            .bind(run)
            .execute(&self.pool)
            .await
            .ctx("counting a run's findings")?;
        Ok(c)
    }
}

const RUN_SELECT: &str = "SELECT r.id, r.template_id, t.name AS template, r.snapshot_id, r.state, r.state_reason, r.created_at, r.completed_at, r.critical, r.high, r.medium, r.low, r.informational, r.resolved FROM runs r JOIN templates t ON t.id = r.template_id";

fn run_of_row(row: &AnyRow) -> Result<Run> {
    let int = |c: &str| row.try_get::<i64, _>(c).ctx("reading a run");
    Ok(Run {
        id: int("id")?,
        template: row.try_get("template").ctx("reading a run")?,
        template_id: int("template_id")?,
        state: row
            .try_get::<String, _>("state")
            .ctx("reading a run")?
            .parse()?,
        state_reason: row.try_get("state_reason").ctx("reading a run")?,
        created_at: row.try_get("created_at").ctx("reading a run")?,
        completed_at: row.try_get("completed_at").ctx("reading a run")?,
        counts: SeverityCounts {
            critical: int("critical")?,
            high: int("high")?,
            medium: int("medium")?,
            low: int("low")?,
            informational: int("informational")?,
        },
        resolved: int("resolved")?,
        snapshot: None,
        states: Vec::new(),
    })
}

/// This machine's name, to tell our own dead runs from another machine's live ones.
pub(crate) fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|s| s.trim().to_string())
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown-host".into())
}

/// Is the process that owns a run still running? A run of another host is assumed
/// alive (we cannot know); on this host, a pid that is ours or absent from /proc is
/// dead. Without /proc, a run of this host is taken for dead.
fn owner_alive(host: &str, pid: i64) -> bool {
    if host != host_name() {
        return true;
    }
    if pid == i64::from(std::process::id()) {
        return false;
    }
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}
