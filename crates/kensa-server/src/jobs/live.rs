//! Live runs: collection from AWS split into units of one account × one region that
//! every worker shares. The run's holder plans the units, collects what no one else has
//! claimed, waits for the rest, then assembles the stored results into a snapshot
//! directory and evaluates it. Idle workers collect units of any live run. A unit whose
//! worker died is claimed again once its lease expires; a retried run keeps the units
//! already collected.
//!
//! kensa-server does not link the AWS SDK: the binary hands in a [`LiveCollector`].
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::time::Duration;

use kensa_store::{AccountRole, ClaimedUnit, Store, StoreError};
use tokio::sync::watch;

use super::Executor;

/// A boxed future (object-safe async trait methods).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The units of a live run and what planning them could not reach.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// (account id, region), sorted.
    pub units: Vec<(String, String)>,
    /// Warnings about accounts or region listings, as the collector's JSON.
    pub warnings: serde_json::Value,
}

/// Live collection from AWS, as the binary builds it (accounts: the process's own
/// credentials, or one per stored account role with its ExternalId).
pub trait LiveCollector: Send + Sync + 'static {
    /// The units to collect.
    fn plan(&self, roles: Vec<AccountRole>) -> BoxFuture<'_, Result<Plan, String>>;
    /// Collects one unit; its result as JSON text, stored as is. A failure to reach
    /// the account is part of the result (a warning), not an error.
    fn collect(
        &self,
        roles: Vec<AccountRole>,
        account: String,
        region: String,
    ) -> BoxFuture<'_, String>;
    /// Writes the units' stored results into `dir` as a snapshot directory.
    fn assemble(
        &self,
        dir: &Path,
        warnings: &serde_json::Value,
        results: &[String],
    ) -> Result<(), String>;
}

/// The input name of a live run in the queue.
pub const LIVE_INPUT: &str = "live";

/// Collects the units of live run `run` (held by this claim, `store` fenced to it)
/// into `dir`. Errors are the run's failure reason.
pub(crate) async fn collect_run(
    ex: &Executor,
    store: &Store,
    run: i64,
    dir: &Path,
) -> Result<(), String> {
    let collector = ex
        .collector()
        .ok_or("this process cannot collect live (built without AWS support)")?;
    let roles = store.account_roles().await.map_err(|e| e.to_string())?;
    let plan = collector.plan(roles).await?;
    if plan.units.is_empty() {
        return Err("no account and region to collect".into());
    }
    store
        .plan_units(run, &plan.units)
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!(run, units = plan.units.len(), "live run planned");
    loop {
        if let Some(unit) = claim_unit(ex, Some(run)).await {
            collect_unit(ex, unit).await;
            continue;
        }
        // Units that outlived every claim are given up rather than claimed forever.
        let max = ex.config.jobs.max_attempts;
        let given_up = store
            .fail_exhausted_units(run, max, ex.clock.now_ms())
            .await
            .map_err(|e| e.to_string())?;
        if given_up > 0 {
            tracing::warn!(run, units = given_up, max_attempts = max, "units given up");
        }
        let units = store.units(run).await.map_err(|e| e.to_string())?;
        if units.iter().all(|u| u.state != "PENDING") {
            if units.iter().all(|u| u.state == "FAILED") {
                return Err(format!(
                    "no account and region could be collected: each was given up after {max} claims"
                ));
            }
            break;
        }
        if store
            .cancel_requested(run)
            .await
            .map_err(|e| e.to_string())?
        {
            return Err("canceled by the user while collecting".into());
        }
        // Still this claim's? (A holder that stalled past its lease stops here.)
        store
            .check_lease(run)
            .await
            .map_err(|e: StoreError| e.to_string())?;
        tokio::time::sleep(ex.config.jobs.poll.min(Duration::from_secs(1))).await;
    }
    let results = store.unit_results(run).await.map_err(|e| e.to_string())?;
    collector.assemble(dir, &plan.warnings, &results)
}

/// Claims a free unit (of `run`, or of any live run), logging store failures.
pub(crate) async fn claim_unit(ex: &Executor, run: Option<i64>) -> Option<ClaimedUnit> {
    let lease = ex.config.jobs.lease_ms();
    match ex
        .store
        .claim_next_unit(
            run,
            &ex.owner,
            ex.clock.now_ms(),
            lease,
            ex.config.jobs.max_attempts,
        )
        .await
    {
        Ok(unit) => unit,
        Err(e) => {
            tracing::warn!(error = %e, "cannot claim a unit");
            None
        }
    }
}

/// Collects a claimed unit under a renewed lease and stores its result (dropped when
/// the lease was lost meanwhile: the claim that holds it now stores its own).
pub(crate) async fn collect_unit(ex: &Executor, unit: ClaimedUnit) {
    let Some(collector) = ex.collector() else {
        return;
    };
    let (run, account, region) = (unit.run_id, unit.account_id.clone(), unit.region.clone());
    tracing::info!(run, %account, %region, attempt = unit.attempts, "collecting unit");
    let roles = match ex.store.account_roles().await {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(run, error = %e, "cannot read account roles; unit retried later");
            return;
        }
    };
    let (stop, stopped) = watch::channel(false);
    let beats = tokio::spawn(renew_unit(ex.clone(), unit.clone(), stopped));
    let result = collector
        .collect(roles, account.clone(), region.clone())
        .await;
    let _ = stop.send(true);
    let _ = beats.await;
    match ex.store.finish_unit(&unit, &ex.owner, &result).await {
        Ok(true) => tracing::info!(run, %account, %region, "unit collected"),
        Ok(false) => tracing::warn!(run, %account, %region,
            "stalled past the unit's lease: result dropped, another worker collects it"),
        Err(e) => tracing::warn!(run, %account, %region, error = %e,
            "unit result not stored; retried after its lease expires"),
    }
}

async fn renew_unit(ex: Executor, unit: ClaimedUnit, mut stopped: watch::Receiver<bool>) {
    let every = ex.config.jobs.heartbeat();
    loop {
        tokio::select! {
            _ = stopped.changed() => return,
            _ = tokio::time::sleep(every) => {}
        }
        let now = ex.clock.now_ms();
        match ex
            .store
            .renew_unit(&unit, &ex.owner, now, ex.config.jobs.lease_ms())
            .await
        {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(run = unit.run_id, account = %unit.account_id, region = %unit.region,
                    "unit lease lost (stalled past it); its result will be dropped");
                return;
            }
            Err(e) => tracing::warn!(error = %e, "unit lease not renewed"),
        }
    }
}
