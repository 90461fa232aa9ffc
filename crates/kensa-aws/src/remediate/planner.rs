//! Builds a [`Plan`] from a snapshot: pure, deterministic, no AWS calls.
//!
//! The planner does not decide compliance. It runs the requested controls' checks
//! (kensa-rules, the same evaluation `scan` and `compliance` report), takes the failing
//! evaluations, and turns each into the fix its check declares ([`Fix`]). A resource is
//! planned only when a requested control fails it.
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use kensa_model::account::RegionalSettings;
use kensa_model::compute::{CreateVolumePermission, EbsSnapshot, Image};
use kensa_model::ports::RestrictedPorts;
use kensa_model::{ResourceRef, ResourceType, Scope, Snapshot};
use kensa_rules::{find_rule, rules, Context, Evaluation, Fix, Outcome, Rule};
use serde::Deserialize;

use super::plan::{Action, Change, Mode, Plan, PLAN_VERSION};
use super::quota::{RuleCounter, SgQuotas};
use super::rule::{RuleSpec, Source};
use super::sg_fit::fit_group;
use super::sg_plan::{close_default, group_rules, rule_edit};
use crate::collect::Extras;

/// Why no plan could be built.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlanError {
    /// A control kensa does not know (as written; the controls it can remediate).
    #[error("unknown control {0:?}; kensa can remediate: {1}")]
    UnknownControl(String, String),
    /// A control whose rule has no fix (control, rule, the controls it can remediate).
    #[error("control {0:?} ({1}) has no fix kensa can apply; kensa can remediate: {2}")]
    NoFix(String, String, String),
    /// The security-group quotas given are invalid (why).
    #[error("security group quotas: {0}")]
    Quota(String),
}

/// What to plan for.
pub struct PlanRequest<'a> {
    /// The facts the plan is built from.
    pub snapshot: &'a Snapshot,
    /// Account settings of an older snapshot's `settings/` ([`Extras::load`]); they are
    /// added to the snapshot before the checks run.
    pub extras: &'a Extras,
    /// Control ids as the user wrote them (`EC2.13`, `fsbp:EC2.13`, `restricted-ssh`).
    pub controls: &'a [String],
    /// How security-group rules are fixed.
    pub mode: Mode,
    /// Shown in the plan (`snapshot <dir>` or `live`).
    pub source: String,
}

/// The requested controls that failed a resource, per fix, with the rule that did.
struct Failing<'r> {
    /// (control as requested, rule, failing evaluations).
    runs: Vec<(String, &'r Rule, Vec<Evaluation>)>,
}

impl Failing<'_> {
    /// Failing resources of the controls with `fix`, each with the controls that fail it.
    fn resources(&self, fix: Fix) -> BTreeMap<&str, (&ResourceRef, Vec<String>)> {
        let mut out: BTreeMap<&str, (&ResourceRef, Vec<String>)> = BTreeMap::new();
        for (control, rule, evals) in &self.runs {
            if rule.check.fix != Some(fix) {
                continue;
            }
            for e in evals {
                let entry = out
                    .entry(e.resource.id.as_str())
                    .or_insert((&e.resource, Vec::new()));
                if !entry.1.contains(control) {
                    entry.1.push(control.clone());
                }
            }
        }
        out
    }
}

/// Every built-in control that has a fix, by the id `--controls` takes.
pub fn remediable_controls() -> Vec<String> {
    let mut seen = BTreeSet::new();
    rules()
        .iter()
        .filter(|r| r.check.fix.is_some())
        .map(|r| match find_rule(&r.control) {
            Some(found) if found.id == r.id => r.control.clone(),
            _ => r.id.clone(),
        })
        .filter(|c| seen.insert(c.clone()))
        .collect()
}

fn resolve(control: &str) -> Result<&'static Rule, PlanError> {
    let known = || remediable_controls().join(", ");
    let rule =
        find_rule(control).ok_or_else(|| PlanError::UnknownControl(control.into(), known()))?;
    if rule.check.fix.is_none() {
        return Err(PlanError::NoFix(control.into(), rule.id.clone(), known()));
    }
    Ok(rule)
}

/// The plan that fixes every resource failing one of the requested controls (pure: it
/// reads only the snapshot), under AWS's default security-group quotas
/// ([`SgQuotas::default`]).
pub fn build_plan(req: &PlanRequest<'_>) -> Result<Plan, PlanError> {
    build_plan_with_quotas(req, &SgQuotas::default())
}

/// The plan under `quotas`: every security group's actions, run in plan order, stay
/// within them (narrowing falls back to revoking where it cannot fit, and says why).
pub fn build_plan_with_quotas(req: &PlanRequest<'_>, quotas: &SgQuotas) -> Result<Plan, PlanError> {
    quotas
        .validate()
        .map_err(|e| PlanError::Quota(e.to_string()))?;
    let resolved: Vec<(String, &Rule)> = req
        .controls
        .iter()
        .map(|c| resolve(c).map(|r| (c.clone(), r)))
        .collect::<Result<_, _>>()?;
    let snapshot = with_extras(req.snapshot, req.extras);
    let ctx = Context::new(&snapshot);
    let failing = Failing {
        runs: resolved
            .into_iter()
            .map(|(control, rule)| {
                let evals = rule
                    .evaluate(&ctx, &rule.defaults)
                    .into_iter()
                    .filter(|e| e.outcome == Outcome::NonCompliant)
                    .collect();
                (control, rule, evals)
            })
            .collect(),
    };
    let mut actions = group_actions(&snapshot, req.mode, quotas, &failing);
    account_actions(&snapshot, &failing, &mut actions);
    // Stable: a group's actions keep the order the quota fitting chose.
    actions.sort_by(|a, b| {
        (&a.account, &a.region, &a.resource_type, &a.resource_id).cmp(&(
            &b.account,
            &b.region,
            &b.resource_type,
            &b.resource_id,
        ))
    });
    for (i, a) in actions.iter_mut().enumerate() {
        a.id = format!("A{:03}", i + 1);
        a.calls = a.change.calls(&a.account, &a.region);
    }
    Ok(Plan {
        version: PLAN_VERSION,
        source: req.source.clone(),
        mode: req.mode,
        controls: req.controls.to_vec(),
        actions,
    })
}

/// Security group actions: close the failing default groups, revoke or narrow the
/// world-open rules a failing evaluation names (only for the controls that name them).
fn group_actions(
    snapshot: &Snapshot,
    mode: Mode,
    quotas: &SgQuotas,
    failing: &Failing<'_>,
) -> Vec<Action> {
    let closing = failing.resources(Fix::CloseDefaultGroup);
    let ports = port_failures(failing);
    let counter = RuleCounter {
        snapshot,
        counting: quotas.counting,
    };
    let mut actions = Vec::new();
    for sg in snapshot.security_groups.values() {
        let specs = group_rules(snapshot, sg);
        if let Some((_, controls)) = closing.get(sg.group_id.as_str()) {
            if !specs.is_empty() {
                actions.push(close_default(sg, specs, controls.clone()));
            }
            continue;
        }
        let mut edits = Vec::new();
        for spec in specs.iter().filter(|s| !s.egress) {
            let port_controls: Vec<(String, RestrictedPorts)> = ports
                .iter()
                .filter(|p| p.names(&sg.group_id, spec))
                .map(|p| (p.control.to_string(), p.restricted.clone()))
                .collect();
            if port_controls.is_empty() {
                continue;
            }
            edits.extend(rule_edit(snapshot, mode, spec, &port_controls));
        }
        actions.extend(fit_group(&counter, quotas, sg, &specs, &edits));
    }
    actions
}

/// One requested port control: its restricted ports and, per failing group, the
/// offending rules its evaluation names.
struct PortFailure<'f> {
    control: &'f str,
    restricted: RestrictedPorts,
    groups: BTreeMap<&'f str, Vec<Offending>>,
}

impl PortFailure<'_> {
    /// The control failed `group` because of `spec`.
    fn names(&self, group: &str, spec: &RuleSpec) -> bool {
        self.groups
            .get(group)
            .is_some_and(|rules| rules.iter().any(|o| o.is(spec)))
    }
}

fn port_failures<'f>(failing: &'f Failing<'_>) -> Vec<PortFailure<'f>> {
    failing
        .runs
        .iter()
        .filter(|(_, r, _)| r.check.fix == Some(Fix::RestrictWorldIngress))
        .filter_map(|(control, rule, evals)| {
            let rp = rule.restricted_ports(&rule.defaults)?;
            let groups = evals
                .iter()
                .map(|e| (e.resource.id.as_str(), Offending::named_by(e)))
                .collect();
            Some(PortFailure {
                control,
                restricted: rp,
                groups,
            })
        })
        .collect()
}

/// An offending rule as a failing evaluation's evidence names it (`offending_rules`).
#[derive(Debug, Deserialize)]
struct Offending {
    rule_id: Option<String>,
    protocol: String,
    from: Option<i32>,
    to: Option<i32>,
    source: OffendingSource,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum OffendingSource {
    Cidr { cidr: String },
    Ipv6 { cidr: String },
    PrefixList { id: String },
}

impl Offending {
    fn named_by(e: &Evaluation) -> Vec<Offending> {
        e.evidence
            .as_ref()
            .and_then(|v| v.get("offending_rules"))
            .and_then(|v| Vec::<Offending>::deserialize(v).ok())
            .unwrap_or_default()
    }

    /// The same rule: by `sgr-` id when both have one, else by content.
    fn is(&self, spec: &RuleSpec) -> bool {
        if let (Some(a), Some(b)) = (&self.rule_id, &spec.rule_id) {
            return a == b;
        }
        let source = match &self.source {
            OffendingSource::Cidr { cidr } => Source::CidrIpv4(cidr.clone()),
            OffendingSource::Ipv6 { cidr } => Source::CidrIpv6(cidr.clone()),
            OffendingSource::PrefixList { id } => Source::PrefixList(id.clone()),
        };
        let ports = |p: &str, f: Option<i32>, t: Option<i32>| match p {
            "-1" => (None, None),
            _ => (f, t),
        };
        spec.source == source
            && spec.ip_protocol.eq_ignore_ascii_case(&self.protocol)
            && ports(&self.protocol, self.from, self.to)
                == ports(&spec.ip_protocol, spec.from_port, spec.to_port)
    }
}

/// EBS default encryption, public snapshots and AMIs, IMDSv2: one action per failing
/// resource, naming every requested control that fails it.
fn account_actions(snapshot: &Snapshot, failing: &Failing<'_>, actions: &mut Vec<Action>) {
    for (id, (res, controls)) in failing.resources(Fix::EnableEbsEncryptionByDefault) {
        let shown = if res.account.is_empty() {
            res.region.clone()
        } else {
            id.to_owned()
        };
        let summary = "enable EBS encryption by default for new volumes".into();
        let change = Change::EnableEbsEncryptionByDefault;
        actions.push(simple_action(
            controls,
            res,
            ResourceType::Account,
            &shown,
            summary,
            change,
        ));
    }
    for (id, (res, controls)) in failing.resources(Fix::UnshareSnapshot) {
        let summary = "remove public createVolumePermission".into();
        let change = Change::MakeSnapshotPrivate {
            snapshot_id: id.to_owned(),
        };
        actions.push(simple_action(
            controls,
            res,
            ResourceType::EbsSnapshot,
            id,
            summary,
            change,
        ));
    }
    for (id, (res, controls)) in failing.resources(Fix::UnshareImage) {
        let summary = "remove public launchPermission".into();
        let change = Change::MakeImagePrivate {
            image_id: id.to_owned(),
        };
        actions.push(simple_action(
            controls,
            res,
            ResourceType::Image,
            id,
            summary,
            change,
        ));
    }
    for (id, (res, controls)) in failing.resources(Fix::RequireImdsV2) {
        let Some(meta) = snapshot.instances.get(id).and_then(|i| i.metadata()) else {
            continue;
        };
        // The fix only sets HttpTokens; an instance whose endpoint is off passes the
        // check already, and is never touched even if a check said otherwise.
        if meta.http_endpoint.as_deref() == Some("disabled") {
            continue;
        }
        let tokens = meta.http_tokens.as_deref().unwrap_or("unset");
        let summary = format!("require IMDSv2 (HttpTokens is {tokens})");
        let change = Change::RequireImdsV2 {
            instance_id: id.to_owned(),
        };
        actions.push(simple_action(
            controls,
            res,
            ResourceType::Instance,
            id,
            summary,
            change,
        ));
    }
}

fn simple_action(
    controls: Vec<String>,
    res: &ResourceRef,
    kind: ResourceType,
    id: &str,
    summary: String,
    change: Change,
) -> Action {
    Action {
        id: String::new(),
        controls,
        account: res.account.clone(),
        region: res.region.clone(),
        resource_type: kind.asff_name().into(),
        resource_id: id.into(),
        summary,
        change,
        calls: Vec::new(),
        notes: Vec::new(),
    }
}

/// The snapshot with an older snapshot's `settings/` answers added (the snapshot's own
/// answers win), so the checks see them.
fn with_extras<'s>(snapshot: &'s Snapshot, extras: &Extras) -> Cow<'s, Snapshot> {
    if extras.regions.is_empty() {
        return Cow::Borrowed(snapshot);
    }
    let mut s = snapshot.clone();
    for ((account, region), x) in &extras.regions {
        let scope = Scope {
            account: account.clone(),
            region: region.clone(),
        };
        let settings = s
            .regional_settings
            .entry(RegionalSettings::key(&scope))
            .or_insert_with(|| RegionalSettings {
                scope: scope.clone(),
                ..RegionalSettings::default()
            });
        if settings.ebs_encryption_by_default.is_none() {
            settings.ebs_encryption_by_default = x.ebs_encryption_by_default;
        }
        for id in &x.public_snapshots {
            let snap = s
                .ebs_snapshots
                .entry(id.clone())
                .or_insert_with(|| EbsSnapshot {
                    snapshot_id: id.clone(),
                    scope: scope.clone(),
                    ..EbsSnapshot::default()
                });
            if snap.create_volume_permissions.is_none() {
                snap.create_volume_permissions = Some(vec![CreateVolumePermission {
                    group: Some("all".into()),
                    user_id: None,
                }]);
            }
        }
        for id in &x.public_images {
            s.images.entry(id.clone()).or_insert_with(|| Image {
                image_id: id.clone(),
                public: Some(true),
                scope: scope.clone(),
                ..Image::default()
            });
        }
    }
    Cow::Owned(s)
}
