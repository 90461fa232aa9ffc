//! The run's life cycle: CREATED → COLLECTING_DATA → DATA_COLLECTED → EVALUATING_RULES →
//! COMPLETED, COMPLETED_WITH_ERRORS, FAILED or CANCELED, each change stored at once.
use std::collections::HashSet;
use std::future::Future;
use std::path::PathBuf;

use kensa_store::{
    exclusions, Exclusion, ExclusionKind, ExclusionScope, Resolution, Run, RunScope, RunState,
    Store, StoreError, Template,
};

use crate::evaluate::{evaluate, HostData};
use crate::input::{self, Input};
use crate::notify::{Notifier, RunContext};

/// Why a run did not finish.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AssessError {
    /// The store refused a read or write.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The run stopped and was marked FAILED with this reason.
    #[error("run {run} FAILED: {reason}")]
    Failed {
        /// The run's id.
        run: i64,
        /// What went wrong, as stored on the run.
        reason: String,
    },
}

/// What a run reads besides the store and the snapshot.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The advisory database the cve package matches agents' packages against
    /// (default: [`kensa_vuln::Database::default_path`]).
    pub advisory_db: PathBuf,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            advisory_db: kensa_vuln::Database::default_path(),
        }
    }
}

/// Creates a run of `template` and executes it (see [`execute`]), delivering the
/// template's subscriptions through webhooks only.
pub async fn start<L>(store: &Store, template: &Template, load: L) -> Result<Run, AssessError>
where
    L: Future<Output = Result<Input, String>>,
{
    start_with(store, template, load, &Notifier::default()).await
}

/// [`start`] with the sinks of `notifier` (the binary adds SNS).
pub async fn start_with<L>(
    store: &Store,
    template: &Template,
    load: L,
    notifier: &Notifier,
) -> Result<Run, AssessError>
where
    L: Future<Output = Result<Input, String>>,
{
    start_with_options(store, template, load, notifier, &RunOptions::default()).await
}

/// [`start_with`] with explicit [`RunOptions`].
pub async fn start_with_options<L>(
    store: &Store,
    template: &Template,
    load: L,
    notifier: &Notifier,
    options: &RunOptions,
) -> Result<Run, AssessError>
where
    L: Future<Output = Result<Input, String>>,
{
    let target = store.target(&template.target).await?;
    let run = store.create_run(template).await?;
    tracing::info!(run, template = %template.name, "run created");
    execute_with_options(store, run, template, &target, load, notifier, options).await
}

/// Executes the CREATED run `run` of `template`, notifying through webhooks only (see
/// [`execute_with`]).
pub async fn execute<L>(
    store: &Store,
    run: i64,
    template: &Template,
    target: &kensa_store::Target,
    load: L,
) -> Result<Run, AssessError>
where
    L: Future<Output = Result<Input, String>>,
{
    execute_with(store, run, template, target, load, &Notifier::default()).await
}

/// Executes the CREATED run `run` of `template`. `load` is awaited in COLLECTING_DATA
/// (it may collect from AWS). The analysis is CPU-bound and runs inline: a server calls
/// this from a blocking thread. The template's subscriptions are delivered through
/// `notifier` and recorded on the run; a failed delivery never fails the run.
pub async fn execute_with<L>(
    store: &Store,
    run: i64,
    template: &Template,
    target: &kensa_store::Target,
    load: L,
    notifier: &Notifier,
) -> Result<Run, AssessError>
where
    L: Future<Output = Result<Input, String>>,
{
    let options = RunOptions::default();
    execute_with_options(store, run, template, target, load, notifier, &options).await
}

/// [`execute_with`] with explicit [`RunOptions`].
pub async fn execute_with_options<L>(
    store: &Store,
    run: i64,
    template: &Template,
    target: &kensa_store::Target,
    load: L,
    notifier: &Notifier,
    options: &RunOptions,
) -> Result<Run, AssessError>
where
    L: Future<Output = Result<Input, String>>,
{
    let ctx = RunContext {
        run,
        template: template.clone(),
    };
    notifier.run_started(store, &ctx).await;
    let result = stages(store, &ctx, target, load, notifier, options).await;
    match &result {
        Ok(done) => notifier.run_finished(store, &ctx, done).await,
        Err(AssessError::Failed { .. }) => {
            if let Ok(done) = store.run(run).await {
                notifier.run_finished(store, &ctx, &done).await;
            }
        }
        Err(_) => {}
    }
    result
}

async fn advance(
    store: &Store,
    ctx: &RunContext,
    notifier: &Notifier,
    state: RunState,
) -> Result<(), StoreError> {
    store.set_run_state(ctx.run, state, None).await?;
    notifier.state_changed(store, ctx, state).await;
    Ok(())
}

async fn stages<L>(
    store: &Store,
    ctx: &RunContext,
    target: &kensa_store::Target,
    load: L,
    notifier: &Notifier,
    options: &RunOptions,
) -> Result<Run, AssessError>
where
    L: Future<Output = Result<Input, String>>,
{
    let (run, template) = (ctx.run, &ctx.template);
    advance(store, ctx, notifier, RunState::CollectingData).await?;
    let loaded = match load.await.and_then(input::load) {
        Ok(v) => v,
        Err(reason) => return Err(fail(store, run, reason).await),
    };
    let (snap, described) = loaded;
    store.attach_snapshot(run, &described).await?;
    advance(store, ctx, notifier, RunState::DataCollected).await?;
    let scope = RunScope::of(target, &snap);
    let mut excluded = exclusions::preview(template, &scope, &snap);
    excluded.extend(failed_units(store, run).await?);
    let hosts = crate::hosts::load(store, now_ms()).await?;
    excluded.extend(hosts.unhealthy_exclusions(template, &scope));
    let cve = crate::cve::plan(
        hosts.healthy(),
        template,
        &scope,
        &snap,
        &options.advisory_db,
        &mut excluded,
    );
    excluded.sort();
    let host = HostData {
        listeners: hosts.listener_join(&snap),
        cve,
    };
    advance(store, ctx, notifier, RunState::EvaluatingRules).await?;
    match evaluate(store, run, template, &snap, &scope, &host, &mut excluded).await {
        Ok(()) => {}
        Err(StoreError::Canceled(_)) => {
            store.add_exclusions(run, &excluded).await?;
            let canceled = Some("canceled by the user");
            return Ok(store
                .finish_run(run, RunState::Canceled, canceled, None)
                .await?);
        }
        // Another process holds the run now: write nothing more, not even FAILED.
        Err(e @ StoreError::LeaseLost { .. }) => return Err(e.into()),
        Err(e) => return Err(fail(store, run, e.to_string()).await),
    }
    store.add_exclusions(run, &excluded).await?;
    let partial = excluded.iter().any(|e| e.kind.is_error());
    let (state, message) = if partial {
        (RunState::CompletedWithErrors, Some("some input or package could not be assessed; see the exclusions; nothing was resolved"))
    } else {
        (RunState::Completed, None)
    };
    let resolution = Resolution {
        packages: resolvable(template, &excluded),
        scope: &scope,
        excluded_resources: excluded_instances(&excluded),
    };
    Ok(store
        .finish_run(run, state, message, Some(resolution))
        .await?)
}

/// One exclusion per unit of a live run (account × region) that was given up after
/// too many claims: the snapshot lacks that region, so the run is partial and
/// resolves nothing there.
async fn failed_units(store: &Store, run: i64) -> Result<Vec<Exclusion>, StoreError> {
    Ok(store
        .units(run)
        .await?
        .into_iter()
        .filter(|u| u.state == "FAILED")
        .map(|u| {
            let why = u.failure.unwrap_or_else(|| "no reason recorded".into());
            let attributes = [
                ("ACCOUNT".to_string(), u.account_id.clone()),
                ("REGION".to_string(), u.region.clone()),
                ("ATTEMPTS".to_string(), u.attempts.to_string()),
            ]
            .into();
            Exclusion {
                kind: ExclusionKind::InputIncomplete,
                title: format!("Account {} region {} not assessed", u.account_id, u.region),
                description: format!(
                    "Collecting account {} region {} never finished: {why}. Its resources are missing from the run.",
                    u.account_id, u.region
                ),
                recommendation: "Look at the workers' logs for what stopped them in that region, then run the template again.".into(),
                scope: ExclusionScope::Target(format!("{}/{}", u.account_id, u.region)),
                attributes,
            }
        })
        .collect())
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Marks the run FAILED with `reason` (best effort: the store may be what failed).
async fn fail(store: &Store, run: i64, reason: String) -> AssessError {
    if let Err(e) = store
        .finish_run(run, RunState::Failed, Some(&reason), None)
        .await
    {
        tracing::error!(run, error = %e, "run could not be marked FAILED");
    }
    AssessError::Failed { run, reason }
}

/// Packages whose findings this run may resolve: those it ran without a package-wide
/// exclusion.
fn resolvable(template: &Template, excluded: &[Exclusion]) -> Vec<kensa_model::Package> {
    template
        .packages
        .iter()
        .copied()
        .filter(|p| {
            !excluded
                .iter()
                .any(|e| e.scope == ExclusionScope::Package(p.as_str().into()))
        })
        .collect()
}

fn excluded_instances(excluded: &[Exclusion]) -> HashSet<String> {
    excluded
        .iter()
        .filter_map(|e| match &e.scope {
            ExclusionScope::InstanceId(id) => Some(id.clone()),
            _ => None,
        })
        .collect()
}
