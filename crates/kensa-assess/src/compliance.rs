//! A framework's controls over one snapshot, per control PASSED / FAILED /
//! NOT_APPLICABLE / NOT_EVALUATED: what `kensa compliance` prints, for a run's snapshot.
use kensa_model::{ComplianceReport, ResourceType, Snapshot};
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
    let analysis = kensa_net::analyze(snap);
    let mut completeness = snap.completeness.clone();
    completeness.absorb(&analysis.warnings());
    let reach = NetReachability::new(&analysis);
    let ctx = Context::new(snap).with_reachability(&reach);
    let mut report = assess(&ctx, framework).report(framework, source, date);
    report.apply_completeness(&completeness, |rule_id| {
        kensa_rules::find_rule(rule_id).and_then(|r| ResourceType::from_asff(r.resource_type()))
    });
    report
}
