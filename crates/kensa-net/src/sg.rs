//! Security groups compiled into flow sets, keeping each rule's provenance for the
//! recommendation of a finding.
use std::rc::Rc;

use kensa_model::ec2::{IpPermission, SecurityGroup, SecurityGroupRule};

use crate::flow::{FlowSet, Lattice};
use crate::index::{warning, Index};
use crate::rangeset::AddrSet;
use crate::rules::sg_shape;

/// One rule with one source, as `describe-security-group-rules` would list it.
#[derive(Debug, Clone)]
pub struct SgRuleInfo {
    /// The group the rule belongs to.
    pub group_id: String,
    /// `sgr-…` when the snapshot has `SecurityGroupRules`.
    pub rule_id: Option<String>,
    /// Outbound rule (else inbound).
    pub egress: bool,
    /// The protocol as EC2 gives it (`tcp`, `udp`, `icmp`, `-1` for all, or a number).
    pub protocol: String,
    /// First port (ICMP: type); `None` or -1 for all.
    pub from_port: Option<i32>,
    /// Last port (ICMP: code); `None` or -1 for all.
    pub to_port: Option<i32>,
    /// The CIDR, prefix list id or group id the rule names.
    pub source: String,
    /// (protocol, port, remote address) the rule admits.
    pub flows: FlowSet,
}

/// A compiled security group: the union of its rules per direction. The rules one by
/// one ([`SgRuleInfo`]) are not kept: the engine holds every group of the account, and a
/// finding's recommendation needs them only for the few groups that expose something
/// ([`crate::engine::Engine::group_rules`] compiles those again).
#[derive(Debug, Clone, Default)]
pub struct SgCompiled {
    /// Shared, as the inbound set of every ENI with this group alone.
    pub inbound: Rc<FlowSet>,
    /// (protocol, port, remote address) the outbound rules allow.
    pub outbound: FlowSet,
}

/// The kinds of source a rule can name.
enum Source<'a> {
    Cidr(&'a str),
    PrefixList(&'a str),
    Group {
        id: &'a str,
        vpc: Option<&'a str>,
        peering_status: Option<&'a str>,
    },
}

impl Source<'_> {
    fn text(&self) -> String {
        match self {
            Source::Cidr(c) | Source::PrefixList(c) => c.to_string(),
            Source::Group { id, .. } => id.to_string(),
        }
    }
}

/// Resolves a rule's source to addresses. A referenced group stands for the private
/// addresses of its members; a group in another VPC counts only when an active peering
/// joins the two VPCs (and the rule's own peering status, when given, is `active`).
fn resolve(
    idx: &Index,
    sg: &SecurityGroup,
    src: &Source,
    path: &dyn Fn() -> String,
    warns: &mut Vec<kensa_model::Warning>,
) -> AddrSet {
    match src {
        Source::Cidr(c) => AddrSet::parse(c).unwrap_or_else(|| {
            warns.push(warning(path(), format!("bad CIDR `{c}`; rule skipped")));
            AddrSet::empty()
        }),
        Source::PrefixList(id) => match idx.snap.prefix_lists.get(*id) {
            Some(pl) => pl
                .all_cidrs()
                .filter_map(AddrSet::parse)
                .fold(AddrSet::empty(), |a, b| a.union(&b)),
            None => {
                warns.push(warning(
                    path(),
                    format!("prefix list `{id}` is not in the snapshot; rule skipped"),
                ));
                AddrSet::empty()
            }
        },
        Source::Group {
            id,
            vpc,
            peering_status,
        } => {
            if peering_status.is_some_and(|s| s != "active") {
                return AddrSet::empty();
            }
            let ref_vpc = idx
                .snap
                .security_groups
                .get(*id)
                .and_then(|g| g.vpc_id.as_deref())
                .or(*vpc);
            if let (Some(a), Some(b)) = (ref_vpc, sg.vpc_id.as_deref()) {
                if a != b && !idx.actively_peered(a, b) {
                    return AddrSet::empty();
                }
            }
            match idx.group_members.get(*id) {
                Some(m) => m.clone(),
                None => {
                    if !idx.snap.security_groups.contains_key(*id) {
                        warns.push(warning(
                            path(),
                            format!("referenced security group `{id}` is not in the snapshot"),
                        ));
                    }
                    AddrSet::empty()
                }
            }
        }
    }
}

fn permission_sources(p: &IpPermission) -> Vec<Source<'_>> {
    let mut v: Vec<Source> = p
        .ip_ranges
        .iter()
        .map(|r| Source::Cidr(&r.cidr_ip))
        .collect();
    v.extend(p.ipv6_ranges.iter().map(|r| Source::Cidr(&r.cidr_ipv6)));
    v.extend(
        p.prefix_list_ids
            .iter()
            .map(|r| Source::PrefixList(&r.prefix_list_id)),
    );
    v.extend(p.user_id_group_pairs.iter().filter_map(|g| {
        Some(Source::Group {
            id: g.group_id.as_deref()?,
            vpc: g.vpc_id.as_deref(),
            peering_status: g.peering_status.as_deref(),
        })
    }));
    v
}

fn rule_source(r: &SecurityGroupRule) -> Option<Source<'_>> {
    if let Some(c) = r.cidr_ipv4.as_deref().or(r.cidr_ipv6.as_deref()) {
        return Some(Source::Cidr(c));
    }
    if let Some(p) = r.prefix_list_id.as_deref() {
        return Some(Source::PrefixList(p));
    }
    let g = r.referenced_group_info.as_ref()?;
    Some(Source::Group {
        id: g.group_id.as_deref()?,
        vpc: g.vpc_id.as_deref(),
        peering_status: g.peering_status.as_deref(),
    })
}

/// Compiles one group: the union of its rules per direction, and the rules one by one.
pub fn compile(
    idx: &Index,
    sg: &SecurityGroup,
    rules: &[&SecurityGroupRule],
    warns: &mut Vec<kensa_model::Warning>,
) -> (SgCompiled, Vec<SgRuleInfo>) {
    let rules = compile_rules(idx, sg, rules, warns);
    let direction = |egress: bool| -> Vec<&FlowSet> {
        (rules.iter())
            .filter(|r| r.egress == egress)
            .map(|r| &r.flows)
            .collect()
    };
    let compiled = SgCompiled {
        inbound: Rc::new(union_all(&direction(false))),
        outbound: union_all(&direction(true)),
    };
    (compiled, rules)
}

/// The rules of one group with what each admits. When the snapshot has
/// `SecurityGroupRules` for the group, those are used (they carry `sgr-` ids); otherwise
/// the group's `IpPermissions[Egress]`.
pub fn compile_rules(
    idx: &Index,
    sg: &SecurityGroup,
    rules: &[&SecurityGroupRule],
    warns: &mut Vec<kensa_model::Warning>,
) -> Vec<SgRuleInfo> {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    let mut add = |egress: bool,
                   proto: &str,
                   from: Option<i32>,
                   to: Option<i32>,
                   rule_id: Option<String>,
                   src: Source,
                   path: &dyn Fn() -> String| {
        // The path is only formatted for a warning.
        let shape = match sg_shape(proto, from, to) {
            Ok(s) => s,
            Err(e) => {
                warns.push(warning(path(), format!("{e}; rule skipped")));
                return;
            }
        };
        let addrs = resolve(idx, sg, &src, path, warns);
        let flows = shape.with(addrs);
        out.push(SgRuleInfo {
            group_id: sg.group_id.clone(),
            rule_id,
            egress,
            protocol: proto.to_string(),
            from_port: from,
            to_port: to,
            source: src.text(),
            flows,
        });
    };
    if rules.is_empty() {
        for (egress, perms, key) in [
            (false, &sg.ip_permissions, "IpPermissions"),
            (true, &sg.ip_permissions_egress, "IpPermissionsEgress"),
        ] {
            for (i, p) in perms.iter().enumerate() {
                for src in permission_sources(p) {
                    let path = || format!("SecurityGroups.{}.{key}[{i}]", sg.group_id);
                    add(
                        egress,
                        &p.ip_protocol,
                        p.from_port,
                        p.to_port,
                        None,
                        src,
                        &path,
                    );
                }
            }
        }
    } else {
        for r in rules {
            let path = || format!("SecurityGroupRules.{}", r.security_group_rule_id);
            match rule_source(r) {
                Some(src) => add(
                    r.is_egress,
                    &r.ip_protocol,
                    r.from_port,
                    r.to_port,
                    Some(r.security_group_rule_id.clone()),
                    src,
                    &path,
                ),
                None => bad.push(warning(path(), "rule names no source; skipped")),
            }
        }
    }
    warns.extend(bad);
    out
}

/// The union of many sets, merged pairwise in a balanced tree: each set is copied
/// O(log n) times rather than once per set that follows it.
fn union_all(sets: &[&FlowSet]) -> FlowSet {
    match sets {
        [] => FlowSet::default(),
        [one] => (*one).clone(),
        _ => {
            let (left, right) = sets.split_at(sets.len() / 2);
            union_all(left).union(&union_all(right))
        }
    }
}
