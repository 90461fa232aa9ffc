//! A live run's units of collection (one account × one region each), shared by the
//! workers: planned once by the run's holder, claimed one at a time under a lease in a
//! short transaction (`FOR UPDATE SKIP LOCKED` on PostgreSQL), their results stored
//! as opaque JSON by the claim that holds the lease. See migration 4's `run_units`.
use serde::Serialize;
use sqlx::Row;

use crate::clock;
use crate::db::{Backend, Store};
use crate::error::{QueryContext, Result};
use crate::fence::FencePoint;

/// A unit a worker holds the lease of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedUnit {
    /// The run the unit belongs to.
    pub run_id: i64,
    /// The AWS account the unit collects.
    pub account_id: String,
    /// The AWS region the unit collects.
    pub region: String,
    /// Claims of this unit, this one included: the generation that fences its result.
    pub attempts: i64,
}

/// One unit and where it stands (for the API and operators).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitStatus {
    /// The AWS account the unit collects.
    pub account_id: String,
    /// The AWS region the unit collects.
    pub region: String,
    /// `PENDING`, `DONE`, or `FAILED` (given up after too many claims; see `failure`).
    pub state: String,
    /// The worker that claimed the unit last; None if it was never claimed.
    pub lease_owner: Option<String>,
    /// When the current claim's lease runs out (RFC 3339 UTC with milliseconds); None if
    /// never claimed or once done.
    pub lease_expires_at: Option<String>,
    /// How many times the unit was claimed (0 while never claimed).
    pub attempts: i64,
    /// The worker whose result was stored.
    pub collected_by: Option<String>,
    /// When its result was stored (RFC 3339 UTC with milliseconds); None while pending.
    pub done_at: Option<String>,
    /// Why the unit was given up (FAILED only).
    pub failure: Option<String>,
}

const LIVE_RUN: &str = "(SELECT id FROM runs WHERE state NOT IN ('COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED', 'CANCELED'))";

impl Store {
    /// Adds the units of `run` that are not there yet (a run retried after its holder
    /// died plans again; what was collected stays collected).
    pub async fn plan_units(&self, run: i64, units: &[(String, String)]) -> Result<()> {
        let mut tx = self.pool.begin().await.ctx("planning a run's units")?;
        self.check_fence(&mut tx, run, FencePoint::BeforeWrites)
            .await?;
        for (account, region) in units {
            sqlx::query("INSERT INTO run_units (run_id, account_id, region, state) VALUES ($1, $2, $3, 'PENDING') ON CONFLICT DO NOTHING")
                .bind(run)
                .bind(account)
                .bind(region)
                .execute(&mut *tx)
                .await
                .ctx("planning a run's units")?;
        }
        self.check_fence(&mut tx, run, FencePoint::BeforeCommit)
            .await?;
        tx.commit().await.ctx("planning a run's units")
    }

    /// Claims a PENDING unit whose lease is free at `now_ms` and that was claimed fewer
    /// than `max_attempts` times (of `run` only, or of any live run) for `owner` until
    /// `now_ms + lease_ms`: one short statement. A unit every claim of which died is
    /// left to [`Store::fail_exhausted_units`], never claimed again.
    pub async fn claim_next_unit(
        &self,
        run: Option<i64>,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
        max_attempts: i64,
    ) -> Result<Option<ClaimedUnit>> {
        let of_run = if run.is_some() {
            " AND run_id = $5"
        } else {
            ""
        };
        let free = "state = 'PENDING' AND attempts < $4 AND (lease_expires_at IS NULL OR lease_expires_at < $3)";
        let pick = format!(
            "SELECT run_id, account_id, region FROM run_units \
             WHERE {free} AND run_id IN {LIVE_RUN}{of_run} ORDER BY run_id, account_id, region LIMIT 1"
        );
        // PostgreSQL may evaluate a `LIMIT 1` subquery of `IN (...)` more than once and
        // so claim several rows: there the pick is a materialised CTE, evaluated once.
        // SQLite (one writer at a time) evaluates it once.
        let sql = match self.backend {
            Backend::Postgres => format!(
                "WITH pick AS MATERIALIZED ({pick} FOR UPDATE SKIP LOCKED) \
                 UPDATE run_units u SET lease_owner = $1, lease_expires_at = $2, attempts = u.attempts + 1 \
                 FROM pick WHERE u.run_id = pick.run_id AND u.account_id = pick.account_id AND u.region = pick.region \
                 RETURNING u.run_id, u.account_id, u.region, u.attempts"
            ),
            Backend::Sqlite => format!(
                "UPDATE run_units SET lease_owner = $1, lease_expires_at = $2, attempts = attempts + 1 \
                 WHERE (run_id, account_id, region) IN ({pick}) AND {free} \
                 RETURNING run_id, account_id, region, attempts"
            ),
        };
        let mut q = sqlx::query(&sql)
            .bind(owner)
            .bind(clock::format_millis(now_ms + lease_ms))
            .bind(clock::format_millis(now_ms))
            .bind(max_attempts);
        if let Some(run) = run {
            q = q.bind(run);
        }
        let Some(row) = q.fetch_optional(&self.pool).await.ctx("claiming a unit")? else {
            return Ok(None);
        };
        Ok(Some(ClaimedUnit {
            run_id: row.try_get("run_id").ctx("claiming a unit")?,
            account_id: row.try_get("account_id").ctx("claiming a unit")?,
            region: row.try_get("region").ctx("claiming a unit")?,
            attempts: row.try_get("attempts").ctx("claiming a unit")?,
        }))
    }

    /// Extends the lease of `unit` while its claim holds it; false when it does not.
    pub async fn renew_unit(
        &self,
        unit: &ClaimedUnit,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<bool> {
        let n = sqlx::query("UPDATE run_units SET lease_expires_at = $1 WHERE run_id = $2 AND account_id = $3 AND region = $4 AND lease_owner = $5 AND attempts = $6 AND state = 'PENDING'")
            .bind(clock::format_millis(now_ms + lease_ms))
            .bind(unit.run_id)
            .bind(&unit.account_id)
            .bind(&unit.region)
            .bind(owner)
            .bind(unit.attempts)
            .execute(&self.pool)
            .await
            .ctx("renewing a unit's lease")?
            .rows_affected();
        Ok(n == 1)
    }

    /// Stores `result` and marks `unit` DONE, only if this claim still holds its lease
    /// (false: it expired and another claim took the unit; the result is dropped).
    pub async fn finish_unit(&self, unit: &ClaimedUnit, owner: &str, result: &str) -> Result<bool> {
        let n = sqlx::query("UPDATE run_units SET state = 'DONE', result = $1, collected_by = $2, done_at = $3, lease_expires_at = NULL WHERE run_id = $4 AND account_id = $5 AND region = $6 AND lease_owner = $2 AND attempts = $7 AND state = 'PENDING'")
            .bind(result)
            .bind(owner)
            .bind(clock::now())
            .bind(unit.run_id)
            .bind(&unit.account_id)
            .bind(&unit.region)
            .bind(unit.attempts)
            .execute(&self.pool)
            .await
            .ctx("storing a unit's result")?
            .rows_affected();
        Ok(n == 1)
    }

    /// Gives up the PENDING units of `run` that were claimed `max_attempts` times and
    /// whose last lease ran out at `now_ms` without a result: FAILED, with why (the run
    /// completes without them and says what it could not assess). Only while the
    /// caller's claim holds the run (a fenced store). Returns how many.
    pub async fn fail_exhausted_units(
        &self,
        run: i64,
        max_attempts: i64,
        now_ms: i64,
    ) -> Result<u64> {
        let ctx = "giving up units";
        let mut tx = self.pool.begin().await.ctx(ctx)?;
        self.check_fence(&mut tx, run, FencePoint::BeforeWrites)
            .await?;
        let n = sqlx::query(
            "UPDATE run_units SET state = 'FAILED', lease_expires_at = NULL, done_at = $1, \
             failure = 'given up after ' || CAST(attempts AS TEXT) || ' claims: each worker that took it (the last: ' \
             || COALESCE(lease_owner, 'unknown') || ') stopped renewing its lease before storing a result' \
             WHERE run_id = $2 AND state = 'PENDING' AND attempts >= $3 AND lease_expires_at < $4",
        )
        .bind(clock::now())
        .bind(run)
        .bind(max_attempts)
        .bind(clock::format_millis(now_ms))
        .execute(&mut *tx)
        .await
        .ctx(ctx)?
        .rows_affected();
        self.check_fence(&mut tx, run, FencePoint::BeforeCommit)
            .await?;
        tx.commit().await.ctx(ctx)?;
        Ok(n)
    }

    /// The units of `run`, sorted by account and region.
    pub async fn units(&self, run: i64) -> Result<Vec<UnitStatus>> {
        let rows = sqlx::query("SELECT account_id, region, state, lease_owner, lease_expires_at, attempts, collected_by, done_at, failure FROM run_units WHERE run_id = $1 ORDER BY account_id, region")
            .bind(run)
            .fetch_all(&self.pool)
            .await
            .ctx("listing a run's units")?;
        rows.iter()
            .map(|r| {
                Ok(UnitStatus {
                    account_id: r.try_get("account_id").ctx("listing a run's units")?,
                    region: r.try_get("region").ctx("listing a run's units")?,
                    state: r.try_get("state").ctx("listing a run's units")?,
                    lease_owner: r.try_get("lease_owner").ctx("listing a run's units")?,
                    lease_expires_at: r.try_get("lease_expires_at").ctx("listing a run's units")?,
                    attempts: r.try_get("attempts").ctx("listing a run's units")?,
                    collected_by: r.try_get("collected_by").ctx("listing a run's units")?,
                    done_at: r.try_get("done_at").ctx("listing a run's units")?,
                    failure: r.try_get("failure").ctx("listing a run's units")?,
                })
            })
            .collect()
    }

    /// The stored results of `run`'s DONE units, sorted by account and region.
    pub async fn unit_results(&self, run: i64) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT result FROM run_units WHERE run_id = $1 AND state = 'DONE' ORDER BY account_id, region")
            .bind(run)
            .fetch_all(&self.pool)
            .await
            .ctx("reading a run's unit results")?;
        rows.iter()
            .map(|r| r.try_get("result").ctx("reading a run's unit results"))
            .collect()
    }
}
