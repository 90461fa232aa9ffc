//! `kensa run start`: a template applied to a snapshot. Every state change is stored as
//! it happens; findings stream into the store in batches; a COMPLETED run resolves what
//! it no longer sees in its scope.
use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};

use anyhow::Context as _;
use kensa_model::{Finding, Package, Snapshot};
use kensa_store::{
    clock, exclusions, Exclusion, ExclusionKind, ExclusionScope, FindingWriter, NewSnapshot,
    Resolution, Run, RunScope, RunState, StoreError, Template,
};

use super::store_common::Db;

/// Where the run's snapshot comes from.
pub enum Input {
    Demo,
    Directory(std::path::PathBuf),
    /// Collected live into this directory just before loading.
    #[cfg(feature = "aws")]
    Live(std::path::PathBuf),
}

/// Runs `template` over `input` and returns the finished run. `load` is called in
/// COLLECTING_DATA (it may collect from AWS).
pub fn start(
    db: &Db,
    template: &Template,
    load: impl FnOnce() -> anyhow::Result<Input>,
) -> anyhow::Result<Run> {
    let store = &db.store;
    let target = db.call(store.target(&template.target))?;
    let run = db.call(store.create_run(template))?;
    eprintln!("run {run} of template {} created", template.name);
    let fail = |err: anyhow::Error| -> anyhow::Error {
        let message = format!("{err:#}");
        if let Err(e) = db.call(store.finish_run(run, RunState::Failed, Some(&message), None)) {
            eprintln!("error: run {run} could not be marked FAILED: {e}");
        }
        err.context(format!("run {run} FAILED"))
    };
    db.call(store.set_run_state(run, RunState::CollectingData, None))?;
    let (snap, described) = match load().and_then(load_input) {
        Ok(v) => v,
        Err(e) => return Err(fail(e)),
    };
    db.call(store.attach_snapshot(run, &described))?;
    db.call(store.set_run_state(run, RunState::DataCollected, None))?;
    let scope = RunScope::of(&target, &snap);
    let mut excluded = exclusions::preview(template, &scope, &snap);
    db.call(store.set_run_state(run, RunState::EvaluatingRules, None))?;
    match evaluate(db, run, template, &snap, &scope, &mut excluded) {
        Ok(()) => {}
        Err(e) if is_canceled(&e) => {
            db.call(store.add_exclusions(run, &excluded))?;
            return Ok(db.call(store.finish_run(
                run,
                RunState::Canceled,
                Some("canceled by the user"),
                None,
            ))?);
        }
        Err(e) => return Err(fail(e)),
    }
    db.call(store.add_exclusions(run, &excluded))?;
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
    Ok(db.call(store.finish_run(run, state, message, Some(resolution)))?)
}

fn load_input(input: Input) -> anyhow::Result<(Snapshot, NewSnapshot)> {
    match input {
        Input::Demo => {
            let snap = kensa_model::demo::snapshot();
            let hash = format!("demo-{}", env!("CARGO_PKG_VERSION"));
            let d = NewSnapshot::describe(&snap, "demo", None, hash);
            Ok((snap, d))
        }
        Input::Directory(dir) => load_dir(dir, "directory"),
        #[cfg(feature = "aws")]
        Input::Live(dir) => load_dir(dir, "live"),
    }
}

fn load_dir(dir: std::path::PathBuf, source: &str) -> anyhow::Result<(Snapshot, NewSnapshot)> {
    let snap =
        Snapshot::load(&dir).with_context(|| format!("cannot load snapshot {}", dir.display()))?;
    let hash = kensa_store::hash_directory(&dir)?;
    let location = std::fs::canonicalize(&dir)
        .unwrap_or(dir)
        .display()
        .to_string();
    let d = NewSnapshot::describe(&snap, source, Some(location), hash);
    Ok((snap, d))
}

/// Runs each package of the template, streaming in-scope findings to the store. A
/// package that panics becomes an EVALUATION_ERROR exclusion; the others still run.
fn evaluate(
    db: &Db,
    run: i64,
    template: &Template,
    snap: &Snapshot,
    scope: &RunScope,
    excluded: &mut Vec<Exclusion>,
) -> anyhow::Result<()> {
    let today = clock::today();
    let mut writer = db.call(FindingWriter::new(
        &db.store,
        run,
        &template.user_attributes,
        &today,
    ))?;
    let wants = |p| template.packages.contains(&p);
    let needs_analysis = wants(Package::NetworkReachability) || wants(Package::Config);
    let analysis = if needs_analysis {
        match catch_unwind(AssertUnwindSafe(|| kensa_net::analyze(snap))) {
            Ok(a) => Some(a),
            Err(p) => {
                excluded.push(evaluation_error(
                    Package::NetworkReachability,
                    &panic_text(&p),
                ));
                None
            }
        }
    } else {
        None
    };
    if wants(Package::NetworkReachability) {
        if let Some(analysis) = &analysis {
            match catch_unwind(AssertUnwindSafe(|| kensa_net::findings::findings(analysis))) {
                Ok(findings) => push_all(db, &mut writer, scope, findings)?,
                Err(p) => excluded.push(evaluation_error(
                    Package::NetworkReachability,
                    &panic_text(&p),
                )),
            }
        }
    }
    if wants(Package::Config) {
        let name = template.framework.as_deref().unwrap_or("fsbp");
        let assessed = kensa_rules::framework::resolve(name)
            .map_err(|e| e.to_string())
            .and_then(|framework| {
                catch_unwind(AssertUnwindSafe(|| {
                    let reach = analysis.as_ref().map(kensa_rules::NetReachability::new);
                    let mut ctx = kensa_rules::Context::new(snap);
                    if let Some(r) = &reach {
                        ctx = ctx.with_reachability(r);
                    }
                    kensa_rules::assess(&ctx, &framework)
                }))
                .map_err(|p| panic_text(&p))
            });
        match assessed {
            Ok(assessment) => {
                for rule_run in assessment.runs {
                    push_all(db, &mut writer, scope, rule_run.findings)?;
                }
            }
            Err(message) => excluded.push(evaluation_error(Package::Config, &message)),
        }
    }
    db.call(writer.finish())?;
    Ok(())
}

fn push_all(
    db: &Db,
    writer: &mut FindingWriter<'_>,
    scope: &RunScope,
    findings: Vec<Finding>,
) -> anyhow::Result<()> {
    for f in findings.into_iter().filter(|f| scope.covers_finding(f)) {
        db.call(writer.push(f))?;
    }
    Ok(())
}

fn evaluation_error(package: Package, message: &str) -> Exclusion {
    Exclusion {
        kind: ExclusionKind::EvaluationError,
        title: format!("The {} package failed", package.as_str()),
        description: format!("Evaluating the {} package stopped with an internal error: {message}. Its findings are missing from this run.", package.as_str()),
        recommendation: "Report the error with the snapshot (kensa -vv run start ...); the run resolves nothing until the package completes.".into(),
        scope: ExclusionScope::Package(package.as_str().into()),
        attributes: Default::default(),
    }
}

fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

/// Packages whose findings this run may resolve: those it ran without a package-wide
/// exclusion.
fn resolvable(template: &Template, excluded: &[Exclusion]) -> Vec<Package> {
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

fn is_canceled(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        matches!(
            c.downcast_ref::<StoreError>(),
            Some(StoreError::Canceled(_))
        )
    })
}
