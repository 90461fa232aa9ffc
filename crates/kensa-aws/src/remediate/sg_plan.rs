//! The security group part of a plan: which rules of a failing group to revoke or narrow,
//! and closing a default group. Only groups the checks failed get here.
use kensa_model::ec2::SecurityGroup;
use kensa_model::{ResourceType, Snapshot};

use super::plan::{Action, Change, Mode};
use super::rule::{Proto, RuleSpec, Source};
use kensa_model::ports::{PortRange, PortSet, ProtoPorts, RestrictedPorts};

/// The group's rules, one source each: from `describe-security-group-rules` when the
/// snapshot has them for this group (they carry rule ids), else from its permissions.
pub(super) fn group_rules(snapshot: &Snapshot, sg: &SecurityGroup) -> Vec<RuleSpec> {
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

/// One offending rule's change, with the options the group's quota may force: the most
/// compact first (narrow, when asked), then revoking.
pub(super) struct RuleEdit {
    pub controls: Vec<String>,
    pub spec: RuleSpec,
    pub restricted: RestrictedPorts,
    /// Never empty; the last one adds nothing, so it always fits.
    pub options: Vec<EditOption>,
}

pub(super) struct EditOption {
    pub add: Vec<RuleSpec>,
    pub notes: Vec<String>,
    /// Shown as `narrow` (adds rules on the same source) rather than `revoke`.
    pub narrows: bool,
    /// Why this option exists when it is not the first (what it gives up).
    pub gives_up: Option<String>,
}

pub(super) fn rule_edit(
    snapshot: &Snapshot,
    mode: Mode,
    spec: &RuleSpec,
    port_controls: &[(String, RestrictedPorts)],
) -> Option<RuleEdit> {
    let world = world_source(snapshot, spec)?;
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
    let mut options = Vec::new();
    if mode == Mode::Narrow {
        let mut notes = Vec::new();
        let mut add = split(spec, &fam, Keep::Allowed, world.v6 && !world.v4, &mut notes);
        for other in rebased(spec, &world.other_cidrs, &mut notes) {
            add.extend(split(&other, &fam, Keep::Restricted, false, &mut notes));
        }
        let narrows = !add.is_empty();
        options.push(EditOption {
            add,
            notes,
            narrows,
            gives_up: None,
        });
    }
    let mut notes = Vec::new();
    let add = rebased(spec, &world.other_cidrs, &mut notes);
    let regrants = !add.is_empty();
    if options.first().is_none_or(|o| o.narrows) || regrants {
        let gives_up = (!options.is_empty()).then(|| "the ports narrowing would keep".to_owned());
        options.push(EditOption {
            add,
            notes,
            narrows: false,
            gives_up,
        });
    }
    if regrants {
        options.push(EditOption {
            add: Vec::new(),
            notes: Vec::new(),
            narrows: false,
            gives_up: Some(format!(
                "the access of {}'s other {} CIDR(s), which no longer get rules of their own",
                spec.source,
                world.other_cidrs.len()
            )),
        });
    }
    Some(RuleEdit {
        controls,
        spec: spec.clone(),
        restricted,
        options,
    })
}

/// The action for `edit` with its option `level`.
pub(super) fn edit_action(
    sg: &SecurityGroup,
    edit: &RuleEdit,
    level: usize,
    why: Vec<String>,
) -> Action {
    let option = &edit.options[level.min(edit.options.len() - 1)];
    let verb = if option.narrows { "narrow" } else { "revoke" };
    let mut notes = option.notes.clone();
    notes.extend(why);
    Action {
        id: String::new(),
        controls: edit.controls.clone(),
        account: sg.scope.account.clone(),
        region: sg.scope.region.clone(),
        resource_type: ResourceType::SecurityGroup.asff_name().into(),
        resource_id: sg.group_id.clone(),
        summary: format!("{verb} {}", edit.spec.describe()),
        change: Change::SecurityGroupRules {
            group_id: sg.group_id.clone(),
            remove: vec![edit.spec.clone()],
            add: option.add.clone(),
            restricted: edit.restricted.clone(),
        },
        calls: Vec::new(),
        notes,
    }
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

pub(super) fn close_default(
    sg: &SecurityGroup,
    specs: Vec<RuleSpec>,
    controls: Vec<String>,
) -> Action {
    Action {
        id: String::new(),
        controls,
        account: sg.scope.account.clone(),
        region: sg.scope.region.clone(),
        resource_type: ResourceType::SecurityGroup.asff_name().into(),
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
