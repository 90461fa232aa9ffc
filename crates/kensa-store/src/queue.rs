//! The work queue shared by `kensa serve` processes: queued runs, claimed under a lease
//! in short transactions (`FOR UPDATE SKIP LOCKED` on PostgreSQL), renewed by heartbeat
//! and never held as a lock for the whole run. A worker that dies stops renewing; when
//! its lease expires another worker claims the run again.
use serde::Serialize;
use sqlx::Row;

use crate::clock;
use crate::db::{Backend, Store};
use crate::error::{QueryContext, Result};
use crate::runs::host_name;

/// A run a worker holds the lease of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedRun {
    /// The claimed run's id.
    pub run_id: i64,
    /// `demo` or a snapshot directory.
    pub input: String,
    /// How many times the run was claimed, this claim included (above 1: a retry).
    pub attempts: i64,
    /// The worker whose lease expired before this claim, if any.
    pub previous_owner: Option<String>,
}

/// Who holds a queued run and until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lease {
    /// The queued run's id.
    pub run_id: i64,
    /// What the run reads: `demo` or a snapshot directory.
    pub input: String,
    /// The worker holding (or last holding) the lease; None before the first claim.
    pub owner: Option<String>,
    /// When the lease runs out (RFC 3339 UTC with milliseconds); None before the first
    /// claim. Once past, another worker may claim the run.
    pub expires_at: Option<String>,
    /// How many times the run was claimed (0 while never claimed).
    pub attempts: i64,
    /// When the run was queued, as RFC 3339 UTC text with milliseconds.
    pub queued_at: String,
}

/// A worker process and its last heartbeat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkerInfo {
    /// The worker's id, as it gives it to heartbeats and leases.
    pub id: String,
    /// The host name of the machine the worker runs on.
    pub host: String,
    /// The worker's process id on that host.
    pub pid: i64,
    /// The time of the worker's first heartbeat (RFC 3339 UTC with milliseconds).
    pub started_at: String,
    /// The time of the worker's latest heartbeat (RFC 3339 UTC with milliseconds).
    pub heartbeat_at: String,
}

pub(crate) async fn insert_queued(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    run: i64,
    input: &str,
) -> Result<()> {
    sqlx::query("INSERT INTO run_queue (run_id, input, queued_at) VALUES ($1, $2, $3)")
        .bind(run)
        .bind(input)
        .bind(clock::now())
        .execute(&mut **tx)
        .await
        .ctx("queuing a run")?;
    Ok(())
}

const FINAL: &str = "('COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED', 'CANCELED')";

impl Store {
    /// Creates a CREATED run of template `template` and queues it with `input`, in one
    /// transaction.
    pub async fn create_queued_run(&self, template: &crate::Template, input: &str) -> Result<i64> {
        let mut tx = self.pool.begin().await.ctx("queuing a run")?;
        let run = crate::runs::insert_run(&mut tx, template.id).await?;
        insert_queued(&mut tx, run, input).await?;
        tx.commit().await.ctx("queuing a run")?;
        Ok(run)
    }

    /// Claims the oldest queued run whose lease is free (never taken, or expired at
    /// `now_ms`) for `owner` until `now_ms + lease_ms`: one short statement; on
    /// PostgreSQL concurrent claimers skip each other's locked rows.
    pub async fn claim_next_run(
        &self,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<Option<ClaimedRun>> {
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE OF q SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let pick = format!(
            "(SELECT q.run_id FROM run_queue q JOIN runs r ON r.id = q.run_id \
             WHERE r.state NOT IN {FINAL} AND (q.lease_expires_at IS NULL OR q.lease_expires_at < $3) \
             ORDER BY q.run_id LIMIT 1{lock})"
        );
        self.claim(&pick, None, owner, now_ms, lease_ms).await
    }

    /// Claims queued run `run` for `owner` when its lease is free (the server that
    /// queued it runs it itself when there is no worker). None when someone holds it.
    pub async fn claim_run(
        &self,
        run: i64,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<Option<ClaimedRun>> {
        self.claim("$4", Some(run), owner, now_ms, lease_ms).await
    }

    /// One UPDATE that takes the lease of the run `pick` selects, if it is free at
    /// `now_ms`, then makes this process the run's owner (so `kensa run cancel` reaches
    /// it), in one short transaction that no lock outlives. Claiming with a single
    /// UPDATE (no SELECT first) also means SQLite never upgrades a read transaction to a
    /// write one, which fails at once under concurrency instead of waiting.
    async fn claim(
        &self,
        pick: &str,
        run: Option<i64>,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<Option<ClaimedRun>> {
        let now = clock::format_millis(now_ms);
        let mut tx = self.pool.begin().await.ctx("claiming a run")?;
        let sql = format!(
            "UPDATE run_queue SET previous_owner = lease_owner, lease_owner = $1, lease_expires_at = $2, attempts = attempts + 1 \
             WHERE run_id = {pick} AND (lease_expires_at IS NULL OR lease_expires_at < $3) \
             RETURNING run_id, input, attempts, previous_owner"
        );
        let mut query = sqlx::query(&sql)
            .bind(owner)
            .bind(clock::format_millis(now_ms + lease_ms))
            .bind(&now);
        if let Some(run) = run {
            query = query.bind(run);
        }
        let row = query.fetch_optional(&mut *tx).await.ctx("claiming a run")?;
        let Some(row) = row else {
            return Ok(None);
        };
        let claimed = ClaimedRun {
            run_id: row.try_get("run_id").ctx("claiming a run")?,
            input: row.try_get("input").ctx("claiming a run")?,
            attempts: row.try_get("attempts").ctx("claiming a run")?,
            previous_owner: row.try_get("previous_owner").ctx("claiming a run")?,
        };
        sqlx::query("UPDATE runs SET host = $1, pid = $2 WHERE id = $3")
            .bind(host_name())
            .bind(i64::from(std::process::id()))
            .bind(claimed.run_id)
            .execute(&mut *tx)
            .await
            .ctx("claiming a run")?;
        tx.commit().await.ctx("claiming a run")?;
        Ok(Some(claimed))
    }

    /// Extends `owner`'s lease on `run` (claim number `generation`) to `now_ms +
    /// lease_ms`. False when the lease is no longer that claim's (it expired and another
    /// claim took the run): the caller must stop working on it.
    pub async fn renew_lease(
        &self,
        run: i64,
        owner: &str,
        generation: i64,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<bool> {
        let n = sqlx::query(
            "UPDATE run_queue SET lease_expires_at = $1 WHERE run_id = $2 AND lease_owner = $3 AND attempts = $4",
        )
        .bind(clock::format_millis(now_ms + lease_ms))
        .bind(run)
        .bind(owner)
        .bind(generation)
        .execute(&self.pool)
        .await
        .ctx("renewing a lease")?
        .rows_affected();
        Ok(n == 1)
    }

    /// Takes a finished run off the queue (only by the claim that holds its lease).
    pub async fn complete_queued_run(
        &self,
        run: i64,
        owner: &str,
        generation: i64,
    ) -> Result<bool> {
        let n = sqlx::query(
            "DELETE FROM run_queue WHERE run_id = $1 AND lease_owner = $2 AND attempts = $3",
        )
        .bind(run)
        .bind(owner)
        .bind(generation)
        .execute(&self.pool)
        .await
        .ctx("completing a queued run")?
        .rows_affected();
        Ok(n == 1)
    }

    /// Drops queue entries of runs that reached a final state without a worker (canceled
    /// while queued, or failed by an operator). Returns how many.
    pub async fn prune_queue(&self) -> Result<u64> {
        Ok(sqlx::query(&format!(
            "DELETE FROM run_queue WHERE run_id IN (SELECT id FROM runs WHERE state IN {FINAL})"
        ))
        .execute(&self.pool)
        .await
        .ctx("pruning the run queue")?
        .rows_affected())
    }

    /// The queue entry of `run` (None: not queued, or finished).
    pub async fn lease_of(&self, run: i64) -> Result<Option<Lease>> {
        let row = sqlx::query("SELECT run_id, input, lease_owner, lease_expires_at, attempts, queued_at FROM run_queue WHERE run_id = $1")
            .bind(run)
            .fetch_optional(&self.pool)
            .await
            .ctx("reading a lease")?;
        let Some(r) = row else {
            return Ok(None);
        };
        Ok(Some(Lease {
            run_id: r.try_get("run_id").ctx("reading a lease")?,
            input: r.try_get("input").ctx("reading a lease")?,
            owner: r.try_get("lease_owner").ctx("reading a lease")?,
            expires_at: r.try_get("lease_expires_at").ctx("reading a lease")?,
            attempts: r.try_get("attempts").ctx("reading a lease")?,
            queued_at: r.try_get("queued_at").ctx("reading a lease")?,
        }))
    }

    /// Records (or refreshes) worker `id`'s heartbeat at `now_ms`.
    pub async fn worker_heartbeat(&self, id: &str, now_ms: i64) -> Result<()> {
        let now = clock::format_millis(now_ms);
        sqlx::query("INSERT INTO workers (id, host, pid, started_at, heartbeat_at) VALUES ($1, $2, $3, $4, $4) \
             ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at")
            .bind(id)
            .bind(host_name())
            .bind(i64::from(std::process::id()))
            .bind(&now)
            .execute(&self.pool)
            .await
            .ctx("recording a worker heartbeat")?;
        Ok(())
    }

    /// Forgets worker `id` (it stopped cleanly).
    pub async fn remove_worker(&self, id: &str) -> Result<()> {
        sqlx::query("DELETE FROM workers WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .ctx("removing a worker")?;
        Ok(())
    }

    /// Workers whose last heartbeat is at most `max_age_ms` old at `now_ms`.
    pub async fn live_workers(&self, now_ms: i64, max_age_ms: i64) -> Result<Vec<WorkerInfo>> {
        let rows = sqlx::query("SELECT id, host, pid, started_at, heartbeat_at FROM workers WHERE heartbeat_at >= $1 ORDER BY id")
            .bind(clock::format_millis(now_ms - max_age_ms))
            .fetch_all(&self.pool)
            .await
            .ctx("listing workers")?;
        rows.iter()
            .map(|r| {
                Ok(WorkerInfo {
                    id: r.try_get("id").ctx("listing workers")?,
                    host: r.try_get("host").ctx("listing workers")?,
                    pid: r.try_get("pid").ctx("listing workers")?,
                    started_at: r.try_get("started_at").ctx("listing workers")?,
                    heartbeat_at: r.try_get("heartbeat_at").ctx("listing workers")?,
                })
            })
            .collect()
    }
}
