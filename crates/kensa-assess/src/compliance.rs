//! A framework's controls over one snapshot, per control PASSED / FAILED /
//! NOT_APPLICABLE / NOT_EVALUATED: what `kensa compliance` prints, for a run's snapshot.
use kensa_model::{Completeness, ComplianceReport, Snapshot};
use kensa_rules::framework::Framework;
use kensa_rules::{assess, Context, NetReachability};

/// Evaluates `framework` over `snap` with the reachability analysis (so security group
/// controls know what is exposed). Controls whose input the snapshot lacks or loaded
/// only in part are NOT_EVALUATED, never PASSED. `source` and `date` are recorded in the
/// report as given.
pub fn evaluate(
    snap: &Snapshot,
    framework: &Framework,
    source: &str,
    date: &str,
) -> ComplianceReport {
    with_context(snap, |ctx, completeness| {
        report(ctx, completeness, framework, source, date)
    })
}

/// [`evaluate`] for several frameworks, in their order, sharing one reachability
/// analysis of the snapshot (the costly part): what a page listing every framework's
/// standing needs.
pub fn evaluate_all(
    snap: &Snapshot,
    frameworks: &[Framework],
    source: &str,
    date: &str,
) -> Vec<ComplianceReport> {
    with_context(snap, |ctx, completeness| {
        frameworks
            .iter()
            .map(|f| report(ctx, completeness, f, source, date))
            .collect()
    })
}

/// Runs `f` with the snapshot's rule context (reachability included) and how complete
/// the snapshot and the analysis were.
fn with_context<T>(snap: &Snapshot, f: impl FnOnce(&Context, &Completeness) -> T) -> T {
    let analysis = kensa_net::analyze(snap);
    let mut completeness: Completeness = snap.completeness.clone();
    completeness.absorb(&analysis.warnings());
    let reach = NetReachability::new(&analysis);
    let ctx = Context::new(snap).with_reachability(&reach);
    f(&ctx, &completeness)
}

fn report(
    ctx: &Context,
    completeness: &Completeness,
    framework: &Framework,
    source: &str,
    date: &str,
) -> ComplianceReport {
    let mut report = assess(ctx, framework).report(framework, source, date);
    report.apply_completeness(completeness, |rule_id| {
        kensa_rules::find_rule(rule_id).map(|r| r.resource_type())
    });
    report
}
