//! Running a template's packages over a loaded snapshot, streaming in-scope findings to
//! the store. A package that panics becomes an EVALUATION_ERROR exclusion; the others
//! still run.
use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::passed::Tally;
use kensa_host::reach::{InternetListener, ListenerJoin};
use kensa_model::{Finding, Package, Snapshot};
use kensa_store::{
    clock, Exclusion, ExclusionKind, ExclusionScope, FindingWriter, RunScope, Store, StoreError,
    Template,
};

/// What the run knows from the hosts' agents.
pub(crate) struct HostData<'h> {
    /// Listeners by instance, for the network findings.
    pub(crate) listeners: ListenerJoin,
    /// The instances the cve package assesses from telemetry.
    pub(crate) cve: crate::cve::Plan<'h>,
}

pub(crate) async fn evaluate(
    store: &Store,
    run: i64,
    template: &Template,
    snap: &Snapshot,
    scope: &RunScope,
    host: &HostData<'_>,
    excluded: &mut Vec<Exclusion>,
) -> Result<(), StoreError> {
    let today = clock::today();
    let mut writer = FindingWriter::new(store, run, &template.user_attributes, &today).await?;
    let mut tally = Tally::default();
    let wants = |p| template.packages.contains(&p);
    let needs_analysis = wants(Package::NetworkReachability) || wants(Package::Config);
    let analysis = if needs_analysis {
        match catch_unwind(AssertUnwindSafe(|| kensa_net::analyze(snap))) {
            Ok(a) => Some(a),
            Err(p) => {
                let error = evaluation_error(Package::NetworkReachability, &panic_text(&p));
                excluded.push(error);
                None
            }
        }
    } else {
        None
    };
    let mut exposed = Vec::new();
    let network_ran = wants(Package::NetworkReachability) && analysis.is_some();
    if let (true, Some(analysis)) = (wants(Package::NetworkReachability), &analysis) {
        let listeners = &host.listeners;
        match push_network(&mut writer, scope, analysis, listeners, &mut exposed).await? {
            Ok(failed) => {
                tally.network(&failed, analysis.enis.len() + analysis.load_balancers.len())
            }
            Err(message) => excluded.push(evaluation_error(Package::NetworkReachability, &message)),
        }
    }
    if wants(Package::Config) {
        let name = template.framework.as_deref().unwrap_or("fsbp");
        let outcome = match kensa_rules::framework::resolve(name) {
            Ok(framework) => {
                let mut config = Tally::default();
                let outcome = push_config(
                    &mut writer,
                    scope,
                    snap,
                    analysis.as_ref(),
                    &framework,
                    &mut config,
                )
                .await?;
                // A framework that stopped part-way has not passed anything.
                if outcome.is_ok() {
                    tally.merge(config);
                }
                outcome
            }
            Err(e) => Err(e.to_string()),
        };
        if let Err(message) = outcome {
            excluded.push(evaluation_error(Package::Config, &message));
        }
    }
    if !host.cve.hosts.is_empty() {
        if !network_ran {
            let found = catch_unwind(AssertUnwindSafe(|| {
                host.listeners.internet_listeners_in(snap)
            }));
            // Without the reachability analysis nothing is raised; the matches still count.
            exposed = found.unwrap_or_default();
        }
        match catch_unwind(AssertUnwindSafe(|| host.cve.findings(snap, &exposed))) {
            Ok(findings) => {
                for f in findings.into_iter().filter(|f| scope.covers_finding(f)) {
                    writer.push(f).await?;
                }
            }
            Err(p) => excluded.push(evaluation_error(Package::Cve, &panic_text(&p))),
        }
    }
    writer.finish().await?;
    store.record_passed_rules(run, &tally.finish()).await
}

/// Streams the network findings to the writer, one resource's findings at a time, so
/// that a 100,000-instance account never holds its ~800,000 findings at once. A panic
/// while producing them is the package's failure (`Ok(Err(message))`); what was pushed
/// before it stays, and the package's exclusion keeps the run from resolving anything.
/// Instances with agent telemetry get listener-aware findings (`listeners`), and the
/// listeners these show reachable from the Internet go to `exposed`. Done, it answers the
/// rule ids of the in-scope findings.
async fn push_network(
    writer: &mut FindingWriter<'_>,
    scope: &RunScope,
    analysis: &kensa_net::Analysis<'_>,
    listeners: &ListenerJoin,
    exposed: &mut Vec<InternetListener>,
) -> Result<Result<BTreeSet<String>, String>, StoreError> {
    let mut failed = BTreeSet::new();
    let mut stream = match catch_unwind(AssertUnwindSafe(|| kensa_net::findings::stream(analysis)))
    {
        Ok(s) => s,
        Err(p) => return Ok(Err(panic_text(&p))),
    };
    loop {
        match catch_unwind(AssertUnwindSafe(|| stream.next())) {
            Ok(Some(f)) if scope.covers_finding(&f) => {
                // The engine's rule failed, whatever the listeners make of the finding.
                if !failed.contains(&f.rule_id) {
                    failed.insert(f.rule_id.clone());
                }
                for f in listeners.apply(f) {
                    exposed.extend(listeners.internet_listeners(&f));
                    writer.push(f).await?
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => return Ok(Ok(failed)),
            Err(p) => return Ok(Err(panic_text(&p))),
        }
    }
}

/// Runs the framework's controls one at a time, pushing each control's findings before
/// the next runs, so only one control's evaluations are held. A panic stops the package
/// (`Ok(Err(message))`) as in [`push_network`].
async fn push_config(
    writer: &mut FindingWriter<'_>,
    scope: &RunScope,
    snap: &Snapshot,
    analysis: Option<&kensa_net::Analysis<'_>>,
    framework: &kensa_rules::framework::Framework,
    tally: &mut Tally,
) -> Result<Result<(), String>, StoreError> {
    let reach = analysis.map(kensa_rules::NetReachability::new);
    let mut ctx = kensa_rules::Context::new(snap);
    if let Some(r) = &reach {
        ctx = ctx.with_reachability(r);
    }
    for c in &framework.controls {
        let run = catch_unwind(AssertUnwindSafe(|| {
            kensa_rules::run_rule(&ctx, &c.rule, &c.control, &c.params)
        }));
        let mut run = match run {
            Ok(run) => run,
            Err(p) => return Ok(Err(panic_text(&p))),
        };
        let findings: Vec<Finding> = std::mem::take(&mut run.findings)
            .into_iter()
            .filter(|f| scope.covers_finding(f))
            .collect();
        tally.control(&run, &findings);
        for f in findings {
            writer.push(f).await?;
        }
    }
    Ok(Ok(()))
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
