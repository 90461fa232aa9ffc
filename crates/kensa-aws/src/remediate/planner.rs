//! Builds a [`Plan`] from a snapshot: pure, deterministic, no AWS calls.
use kensa_model::ec2::SecurityGroup;
use kensa_model::Snapshot;

use super::plan::{Action, Change, Mode, Plan, PLAN_VERSION};
use super::policy::{ProtoPorts, RestrictedPorts, REMEDIABLE_CONTROLS};
use super::ports::{PortRange, PortSet};
use super::rule::{Proto, RuleSpec, Source};
use crate::collect::Extras;

/// AWS's default quota of rules per security group and direction.
const RULES_PER_GROUP: usize = 60;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlanError {
    #[error("unknown control {0:?}; kensa can remediate: {1}")]
    UnknownControl(String, String),
}

/// What to plan for.
pub struct PlanRequest<'a> {
    pub snapshot: &'a Snapshot,
    /// Account settings of an older snapshot's `settings/` ([`Extras::load`]); the
    /// planner adds what the snapshot itself holds.
    pub extras: &'a Extras,
    pub controls: &'a [String],
    pub mode: Mode,
    /// Shown in the plan (`snapshot <dir>` or `live`).
    pub source: String,
    /// Restricted ports of a port control; `None` for other controls.
    pub restricted_for: &'a dyn Fn(&str) -> Option<RestrictedPorts>,
}

pub fn build_plan(req: &PlanRequest<'_>) -> Result<Plan, PlanError> {
    for c in req.controls {
        if !REMEDIABLE_CONTROLS.iter().any(|(id, _)| id == c) {
            let known: Vec<&str> = REMEDIABLE_CONTROLS.iter().map(|(id, _)| *id).collect();
            return Err(PlanError::UnknownControl(c.clone(), known.join(", ")));
        }
    }
    let wants = |c: &str| req.controls.iter().any(|x| x == c);
    let port_controls: Vec<(String, RestrictedPorts)> = req
        .controls
        .iter()
        .filter_map(|c| (req.restricted_for)(c).map(|r| (c.clone(), r)))
        .collect();
    let mut actions = Vec::new();
    for sg in req.snapshot.security_groups.values() {
        let specs = group_rules(req.snapshot, sg);
        if wants("EC2.2") && sg.group_name == "default" && sg.vpc_id.is_some() {
            if !specs.is_empty() {
                actions.push(close_default(sg, specs));
            }
            continue;
        }
        for spec in specs.iter().filter(|s| !s.egress) {
            if let Some(a) = rule_action(req, sg, spec, &specs, &port_controls) {
                actions.push(a);
            }
        }
    }
    account_actions(req, &wants, &mut actions);
    actions.sort_by(|a, b| {
        (
            &a.account,
            &a.region,
            &a.resource_type,
            &a.resource_id,
            &a.summary,
        )
            .cmp(&(
                &b.account,
                &b.region,
                &b.resource_type,
                &b.resource_id,
                &b.summary,
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

/// The group's rules, one source each: from `describe-security-group-rules` when the
/// snapshot has them for this group (they carry rule ids), else from its permissions.
fn group_rules(snapshot: &Snapshot, sg: &SecurityGroup) -> Vec<RuleSpec> {
    let mut with_ids: Vec<RuleSpec> = snapshot
        .security_group_rules
        .values()
        .filter(|r| r.group_id == sg.group_id)
        .filter_map(RuleSpec::from_sg_rule)
        .collect();
    if !with_ids.is_empty() {
        with_ids.sort();
        return with_ids;
    }
    let mut specs: Vec<RuleSpec> = sg
        .ip_permissions
        .iter()
        .flat_map(|p| RuleSpec::from_permission(p, false))
        .chain(
            sg.ip_permissions_egress
                .iter()
                .flat_map(|p| RuleSpec::from_permission(p, true)),
        )
        .collect();
    specs.sort();
    specs
}

/// Which address families of `spec`'s source are the whole Internet, and (for a prefix
/// list) the list's other CIDRs.
struct WorldSource {
    v4: bool,
    v6: bool,
    other_cidrs: Vec<Source>,
}

fn world_source(snapshot: &Snapshot, spec: &RuleSpec) -> Option<WorldSource> {
    match &spec.source {
        Source::CidrIpv4(c) if c == "0.0.0.0/0" => Some(WorldSource {
            v4: true,
            v6: false,
            other_cidrs: vec![],
        }),
        Source::CidrIpv6(c) if c == "::/0" => Some(WorldSource {
            v4: false,
            v6: true,
            other_cidrs: vec![],
        }),
        Source::PrefixList(id) => {
            let list = snapshot.prefix_lists.get(id)?;
            let mut w = WorldSource {
                v4: false,
                v6: false,
                other_cidrs: vec![],
            };
            for cidr in list.all_cidrs() {
                match cidr {
                    "0.0.0.0/0" => w.v4 = true,
                    "::/0" => w.v6 = true,
                    c if c.contains(':') => w.other_cidrs.push(Source::CidrIpv6(c.to_owned())),
                    c => w.other_cidrs.push(Source::CidrIpv4(c.to_owned())),
                }
            }
            w.other_cidrs.sort();
            w.other_cidrs.dedup();
            (w.v4 || w.v6).then_some(w)
        }
        _ => None,
    }
}

/// Does `spec` open any port of `restricted`?
fn offends(spec: &RuleSpec, restricted: &ProtoPorts) -> bool {
    match spec.proto() {
        Proto::Tcp => spec.ports().intersects(&restricted.tcp),
        Proto::Udp => spec.ports().intersects(&restricted.udp),
        Proto::All => !restricted.is_empty(),
        Proto::Other => restricted.other_protocols,
    }
}

fn rule_action(
    req: &PlanRequest<'_>,
    sg: &SecurityGroup,
    spec: &RuleSpec,
    group: &[RuleSpec],
    port_controls: &[(String, RestrictedPorts)],
) -> Option<Action> {
    let world = world_source(req.snapshot, spec)?;
    let mut controls = Vec::new();
    let mut restricted = RestrictedPorts::default();
    for (control, rp) in port_controls {
        let hit = (world.v4 && offends(spec, &rp.ipv4)) || (world.v6 && offends(spec, &rp.ipv6));
        if hit {
            controls.push(control.clone());
            restricted = restricted.union(rp);
        }
    }
    if controls.is_empty() {
        return None;
    }
    // The ports that must close for this source: both families' when a prefix list
    // holds both world CIDRs.
    let mut fam = ProtoPorts::default();
    if world.v4 {
        fam = fam.union(&restricted.ipv4);
    }
    if world.v6 {
        fam = fam.union(&restricted.ipv6);
    }
    let mut notes = Vec::new();
    let add = match req.mode {
        Mode::Revoke => rebased(spec, &world.other_cidrs, &mut notes),
        Mode::Narrow => {
            let mut add = split(spec, &fam, Keep::Allowed, world.v6 && !world.v4, &mut notes);
            for other in rebased(spec, &world.other_cidrs, &mut notes) {
                add.extend(split(&other, &fam, Keep::Restricted, false, &mut notes));
            }
            add
        }
    };
    let ingress = group.iter().filter(|r| !r.egress).count();
    if ingress - 1 + add.len() > RULES_PER_GROUP {
        notes.push(format!(
            "the group would have {} ingress rules, above the default quota of {RULES_PER_GROUP}",
            ingress - 1 + add.len()
        ));
    }
    let verb = match (req.mode, add.is_empty()) {
        (Mode::Revoke, _) | (Mode::Narrow, true) => "revoke",
        (Mode::Narrow, false) => "narrow",
    };
    Some(Action {
        id: String::new(),
        controls,
        account: sg.scope.account.clone(),
        region: sg.scope.region.clone(),
        resource_type: "AwsEc2SecurityGroup".into(),
        resource_id: sg.group_id.clone(),
        summary: format!("{verb} {}", spec.describe()),
        change: Change::SecurityGroupRules {
            group_id: sg.group_id.clone(),
            remove: vec![spec.clone()],
            add,
            restricted,
        },
        calls: Vec::new(),
        notes,
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// The opened ports minus the restricted ones (narrow).
    Allowed,
    /// Only the restricted ports that were open (re-granting a prefix list's own CIDRs).
    Restricted,
}

/// `spec` split into tcp/udp rules on the kept ports, same source and description.
/// Narrowing `-1` (all traffic) keeps tcp and udp on the allowed ports and all of ICMP
/// (ICMPv6 for an IPv6 source); other IP protocols (GRE, ESP, ...) are dropped, which the
/// action's notes say.
fn split(
    spec: &RuleSpec,
    restricted: &ProtoPorts,
    keep: Keep,
    v6: bool,
    notes: &mut Vec<String>,
) -> Vec<RuleSpec> {
    let pick = |open: PortSet, r: &PortSet| match keep {
        Keep::Allowed => open.difference(r),
        Keep::Restricted => open.intersection(r),
    };
    let with = |proto: &str, range: Option<PortRange>| RuleSpec {
        ip_protocol: proto.to_owned(),
        from_port: Some(range.map_or(-1, |r| i32::from(r.from))),
        to_port: Some(range.map_or(-1, |r| i32::from(r.to))),
        rule_id: None,
        ..spec.clone()
    };
    let ranges = |proto: &str, set: PortSet| -> Vec<RuleSpec> {
        set.ranges().iter().map(|r| with(proto, Some(*r))).collect()
    };
    match spec.proto() {
        Proto::Tcp => ranges(&spec.ip_protocol, pick(spec.ports(), &restricted.tcp)),
        Proto::Udp => ranges(&spec.ip_protocol, pick(spec.ports(), &restricted.udp)),
        Proto::All => {
            let mut out = ranges("tcp", pick(PortSet::all(), &restricted.tcp));
            out.extend(ranges("udp", pick(PortSet::all(), &restricted.udp)));
            if keep == Keep::Allowed && !restricted.other_protocols {
                out.push(with(if v6 { "icmpv6" } else { "icmp" }, None));
                notes.push(format!(
                    "all traffic from {} becomes tcp, udp and {}; other IP protocols are no longer allowed",
                    spec.source,
                    if v6 { "ICMPv6" } else { "ICMP" }
                ));
            }
            out
        }
        Proto::Other => Vec::new(),
    }
}

/// Rules for a prefix list's non-world CIDRs, so that removing the list's world entry
/// takes nothing else away. `narrow` re-grants only the restricted ports (the list keeps
/// the rest).
fn rebased(spec: &RuleSpec, others: &[Source], notes: &mut Vec<String>) -> Vec<RuleSpec> {
    if others.is_empty() {
        return Vec::new();
    }
    notes.push(format!(
        "{} also holds {} other CIDR(s); they get their own rules so they keep their access",
        spec.source,
        others.len()
    ));
    others
        .iter()
        .map(|src| RuleSpec {
            source: src.clone(),
            rule_id: None,
            description: Some(match &spec.description {
                Some(d) => format!("{d} (from {})", spec.source),
                None => format!("from {}", spec.source),
            }),
            ..spec.clone()
        })
        .collect()
}

fn close_default(sg: &SecurityGroup, specs: Vec<RuleSpec>) -> Action {
    Action {
        id: String::new(),
        controls: vec!["EC2.2".into()],
        account: sg.scope.account.clone(),
        region: sg.scope.region.clone(),
        resource_type: "AwsEc2SecurityGroup".into(),
        resource_id: sg.group_id.clone(),
        summary: format!("close default security group: remove its {} rule(s)", specs.len()),
        change: Change::SecurityGroupRules {
            group_id: sg.group_id.clone(),
            remove: specs,
            add: Vec::new(),
            restricted: RestrictedPorts::default(),
        },
        calls: Vec::new(),
        notes: vec!["resources still using the default group lose its access; give them their own groups first".into()],
    }
}

fn simple_action(
    control: &str,
    account: &str,
    region: &str,
    kind: &str,
    id: &str,
    summary: String,
    change: Change,
) -> Action {
    Action {
        id: String::new(),
        controls: vec![control.into()],
        account: account.into(),
        region: region.into(),
        resource_type: kind.into(),
        resource_id: id.into(),
        summary,
        change,
        calls: Vec::new(),
        notes: Vec::new(),
    }
}

/// EBS default encryption, public snapshots and AMIs (from the snapshot, and from an
/// older snapshot's `settings/` in `req.extras`), IMDSv2.
fn account_actions(req: &PlanRequest<'_>, wants: &dyn Fn(&str) -> bool, actions: &mut Vec<Action>) {
    let extras = req
        .extras
        .clone()
        .merged(Extras::from_snapshot(req.snapshot));
    let mut planned = std::collections::BTreeSet::new();
    for ((account, region), x) in &extras.regions {
        if wants("EC2.7") && x.ebs_encryption_by_default == Some(false) {
            let id = if account.is_empty() {
                region.clone()
            } else {
                format!("{account}/{region}")
            };
            actions.push(simple_action(
                "EC2.7",
                account,
                region,
                "AwsAccount",
                &id,
                "enable EBS encryption by default for new volumes".into(),
                Change::EnableEbsEncryptionByDefault,
            ));
        }
        if wants("EC2.1") {
            for snap in x.public_snapshots.iter().filter(|s| planned.insert(*s)) {
                actions.push(simple_action(
                    "EC2.1",
                    account,
                    region,
                    "AwsEc2Snapshot",
                    snap,
                    "remove public createVolumePermission".into(),
                    Change::MakeSnapshotPrivate {
                        snapshot_id: snap.clone(),
                    },
                ));
            }
        }
        if wants("AMI.PUBLIC") {
            for image in x.public_images.iter().filter(|i| planned.insert(*i)) {
                actions.push(simple_action(
                    "AMI.PUBLIC",
                    account,
                    region,
                    "AwsEc2Image",
                    image,
                    "remove public launchPermission".into(),
                    Change::MakeImagePrivate {
                        image_id: image.clone(),
                    },
                ));
            }
        }
    }
    if wants("EC2.8") {
        for inst in req.snapshot.instances.values() {
            let gone = matches!(inst.state_name(), Some("terminated" | "shutting-down"));
            let tokens = inst
                .metadata_options
                .as_ref()
                .and_then(|m| m.get("HttpTokens"))
                .and_then(|t| t.as_str());
            if !gone && tokens != Some("required") {
                actions.push(simple_action(
                    "EC2.8",
                    &inst.scope.account,
                    &inst.scope.region,
                    "AwsEc2Instance",
                    &inst.instance_id,
                    format!(
                        "require IMDSv2 (HttpTokens is {})",
                        tokens.unwrap_or("unset")
                    ),
                    Change::RequireImdsV2 {
                        instance_id: inst.instance_id.clone(),
                    },
                ));
            }
        }
    }
}
