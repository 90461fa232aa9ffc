//! An [`AssessmentReport`] from a one-shot scan of a snapshot: network reachability
//! (kensa-net) and a configuration framework (kensa-rules), as `kensa scan` and
//! `kensa compliance` run them. Used by `kensa report SNAPSHOT|--demo` until runs are
//! stored, and by the tests to render a realistic report.
use std::collections::{BTreeMap, BTreeSet};

use kensa_model::{ControlStatus, Package, Snapshot, Warning, WarningLevel};
use kensa_rules::framework::Framework;
use kensa_rules::{assess, Context, NetReachability};

use super::input::{
    AccountRegion, AssessmentReport, Exclusion, ExclusionScope, InstanceInfo, PassedRule, RunInfo,
    StateChange, TargetInfo, TemplateInfo,
};

/// What the scan is called and when it ran; the caller owns the clock.
pub struct ScanOptions {
    /// The id shown as the run's.
    pub run_id: String,
    /// The name shown as the run's.
    pub run_name: String,
    /// Where the snapshot came from (a directory, `demo`), shown as the target.
    pub source: String,
    /// The compliance framework of the configuration package.
    pub framework: Framework,
    /// Added to every finding, as a template's user attributes are.
    pub user_attributes: BTreeMap<String, String>,
    /// Returns the current time (RFC 3339) each time it is called.
    pub clock: fn() -> String,
}

/// Scans `snapshot` with both packages and describes the result as a completed run.
pub fn from_snapshot(snapshot: &Snapshot, opts: &ScanOptions) -> AssessmentReport {
    let started = (opts.clock)();
    let analysis = kensa_net::analyze(snapshot);
    let mut findings = kensa_net::findings::findings(&analysis);
    let network_evaluated = analysis.enis.len() + analysis.load_balancers.len();
    let reach = NetReachability::new(&analysis);
    let ctx = Context::new(snapshot).with_reachability(&reach);
    let assessment = assess(&ctx, &opts.framework);
    findings.extend(assessment.findings());
    for f in &mut findings {
        for (k, v) in &opts.user_attributes {
            f.attributes.entry(k.clone()).or_insert_with(|| v.clone());
        }
        f.first_seen.get_or_insert_with(|| started.clone());
        f.last_seen.get_or_insert_with(|| started.clone());
    }
    let compliance = assessment.report(&opts.framework, &opts.source, "");
    let mut passed_rules: Vec<PassedRule> = compliance
        .controls
        .iter()
        .filter(|c| c.status == ControlStatus::Passed)
        .map(|c| PassedRule {
            id: c.rule_id.clone(),
            title: c.title.clone(),
            severity: c.severity,
            package: Package::Config,
            resources_evaluated: c.passed,
        })
        .collect();
    passed_rules.extend(network_rules_passed(&findings, network_evaluated));
    let mut warnings = snapshot.warnings.clone();
    warnings.extend(analysis.warnings());
    warnings.sort();
    warnings.dedup();
    let instances = instances(snapshot);
    let exclusions = exclusions(&warnings, instances.is_empty());
    let completed = (opts.clock)();
    let state = if exclusions
        .iter()
        .any(|e| e.exclusion_type == "EVALUATION_ERROR")
    {
        "COMPLETED_WITH_ERRORS"
    } else {
        "COMPLETED"
    };
    AssessmentReport {
        run: RunInfo {
            id: opts.run_id.clone(),
            name: opts.run_name.clone(),
            state: state.into(),
            started_at: Some(started.clone()),
            completed_at: Some(completed.clone()),
            state_history: vec![
                StateChange {
                    state: "CREATED".into(),
                    at: started.clone(),
                },
                StateChange {
                    state: "EVALUATING_RULES".into(),
                    at: started,
                },
                StateChange {
                    state: state.into(),
                    at: completed.clone(),
                },
            ],
        },
        template: TemplateInfo {
            name: format!("network-reachability + config ({})", opts.framework.id),
            packages: vec![Package::NetworkReachability, Package::Config],
            framework: Some(format!("{} ({})", opts.framework.title, opts.framework.id)),
            user_attributes: opts.user_attributes.clone(),
        },
        target: TargetInfo {
            name: opts.source.clone(),
            description: "all instances of the snapshot's accounts and regions".into(),
            scopes: scopes(snapshot),
        },
        findings,
        exclusions,
        passed_rules,
        passed_rules_note: None,
        instances,
        generated_at: completed,
    }
}

/// kensa-net's rules evaluate every ENI and load balancer; one with no finding passed.
fn network_rules_passed(findings: &[kensa_model::Finding], evaluated: usize) -> Vec<PassedRule> {
    let rules = kensa_net::findings::RULES;
    if evaluated == 0 {
        return Vec::new();
    }
    rules
        .into_iter()
        .filter(|(id, _, _)| !findings.iter().any(|f| f.rule_id == *id))
        .map(|(id, title, severity)| PassedRule {
            id: id.into(),
            title: title.into(),
            severity,
            package: Package::NetworkReachability,
            resources_evaluated: evaluated,
        })
        .collect()
}

/// Every instance of `snapshot`, as the report's per-instance sections show it.
pub fn instances(snapshot: &Snapshot) -> Vec<InstanceInfo> {
    snapshot
        .instances
        .values()
        .map(|i| InstanceInfo {
            id: i.instance_id.clone(),
            name: i
                .tags
                .iter()
                .find(|t| t.key == "Name")
                .map(|t| t.value.clone())
                .unwrap_or_default(),
            account: i.scope.account.clone(),
            region: i.scope.region.clone(),
            private_ip: i.private_ip_address.clone(),
            public_ip: i.public_ip_address.clone(),
            platform: i
                .platform_details
                .clone()
                .or_else(|| i.platform.clone())
                .unwrap_or_default(),
            state: i.state_name().unwrap_or_default().to_string(),
        })
        .collect()
}

fn scopes(snapshot: &Snapshot) -> Vec<AccountRegion> {
    let mut set = BTreeSet::new();
    let all = snapshot
        .instances
        .values()
        .map(|i| &i.scope)
        .chain(snapshot.vpcs.values().map(|v| &v.scope))
        .chain(snapshot.security_groups.values().map(|g| &g.scope));
    for s in all {
        if !s.account.is_empty() || !s.region.is_empty() {
            set.insert(AccountRegion {
                account: s.account.clone(),
                region: s.region.clone(),
            });
        }
    }
    set.into_iter().collect()
}

/// Input the scan had to skip, one exclusion per file; and the empty target.
fn exclusions(warnings: &[Warning], no_instances: bool) -> Vec<Exclusion> {
    let mut out = Vec::new();
    if no_instances {
        out.push(Exclusion {
            exclusion_type: "NO_INSTANCES_IN_TARGET".into(),
            title: "No instances in the target".into(),
            description: "The snapshot holds no EC2 instance, so no instance was assessed; account-level controls still ran.".into(),
            recommendation: "Check that the snapshot covers the accounts and regions that run your instances (aws_configs/<region>/Reservations.json).".into(),
            scope: vec![ExclusionScope::Package(Package::NetworkReachability)],
        });
    }
    let mut by_file: BTreeMap<&str, Vec<&Warning>> = BTreeMap::new();
    for w in warnings.iter().filter(|w| w.level != WarningLevel::Info) {
        by_file.entry(w.file.as_str()).or_default().push(w);
    }
    for (file, ws) in by_file {
        let shown: Vec<String> = ws
            .iter()
            .take(5)
            .map(|w| {
                if w.path.is_empty() {
                    w.message.clone()
                } else {
                    format!("{}: {}", w.path, w.message)
                }
            })
            .collect();
        let more = if ws.len() > 5 {
            format!(" (and {} more)", ws.len() - 5)
        } else {
            String::new()
        };
        out.push(Exclusion {
            exclusion_type: "EVALUATION_ERROR".into(),
            title: format!("Input skipped in {file}"),
            description: format!("{} item(s) of {file} could not be used and were left out of the analysis: {}{more}.", ws.len(), shown.join("; ")),
            recommendation: "Collect the snapshot again, or fix the file; the resources it describes were not assessed and are not known to be safe.".into(),
            scope: Vec::new(),
        });
    }
    out
}
