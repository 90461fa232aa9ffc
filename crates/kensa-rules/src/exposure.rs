//! Security group ingress rules open to the whole Internet on restricted ports.
//!
//! This is the one evaluator behind every "security group open to the world" control
//! (AWS Config `restricted-ssh`, `restricted-common-ports`, `vpc-sg-port-restriction-check`,
//! `vpc-sg-open-only-to-authorized-ports`; FSBP EC2.13/14/18/19/53/54; CIS 5.2/5.3), and
//! the API the remediation helper uses to revoke or narrow exactly the offending rules.
//!
//! Semantics: protocol `-1` (all traffic) opens every port of every protocol; `tcp`/`udp`
//! rules open their inclusive port range (a missing range, or `0-65535`, is every port);
//! a range that merely covers a restricted port hits it. A source is "the world" when it
//! is `0.0.0.0/0`, `::/0`, or a managed prefix list with such an entry.
use std::collections::BTreeMap;
use std::str::FromStr;

use ipnet::IpNet;
use kensa_model::ec2::{IpPermission, SecurityGroup, SecurityGroupRule};
use kensa_model::Snapshot;
use serde::Serialize;

pub use kensa_model::ports::{Family, PortSet, ProtoPorts, RestrictedPorts};

/// Where a world-open rule admits traffic from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Source {
    /// A CIDR, `0.0.0.0/0` or a spelling of it.
    Cidr {
        /// The CIDR as written.
        cidr: String,
    },
    /// An IPv6 CIDR, `::/0` or a spelling of it.
    Ipv6 {
        /// The CIDR as written.
        cidr: String,
    },
    /// A managed prefix list, with the world entry it contains.
    PrefixList {
        /// The prefix list id.
        id: String,
        /// Its world entry.
        cidr: String,
    },
}

impl Source {
    /// `0.0.0.0/0`, `::/0`, or `pl-... (contains 0.0.0.0/0)`.
    pub fn describe(&self) -> String {
        match self {
            Source::Cidr { cidr } | Source::Ipv6 { cidr } => cidr.clone(),
            Source::PrefixList { id, cidr } => format!("{id} (contains {cidr})"),
        }
    }
}

/// One ingress rule (one protocol/range, one source) that opens restricted ports to the world.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OffendingRule {
    /// The security group.
    pub group_id: String,
    /// The `sgr-…` id when the snapshot has `describe-security-group-rules`.
    pub rule_id: Option<String>,
    /// As AWS writes it: `tcp`, `udp`, `-1`, `icmp`, a number.
    pub protocol: String,
    /// `FromPort` as AWS writes it.
    pub from: Option<i32>,
    /// `ToPort` as AWS writes it.
    pub to: Option<i32>,
    /// Where the traffic comes from.
    pub source: Source,
    /// Restricted TCP ports this rule opens.
    pub tcp_hit: PortSet,
    /// Restricted UDP ports this rule opens.
    pub udp_hit: PortSet,
    /// True for protocol `-1` and for other protocols when the control covers them.
    pub all_protocols: bool,
}

impl OffendingRule {
    /// `tcp 22` / `all traffic` / `udp 0-65535` …, for messages.
    pub fn describe_range(&self) -> String {
        match (Protocol::parse(&self.protocol), self.from, self.to) {
            (Protocol::All, ..) => "all traffic".into(),
            (Protocol::Tcp | Protocol::Udp, Some(a), Some(b)) if a == b => {
                format!("{} {a}", self.protocol)
            }
            (Protocol::Tcp | Protocol::Udp, Some(a), Some(b)) if a <= 0 && b >= 65535 => {
                format!("all {}", self.protocol.to_uppercase())
            }
            (_, Some(a), Some(b)) => format!("{} {a}-{b}", self.protocol),
            _ => self.protocol.clone(),
        }
    }

    /// The restricted ports hit, as `tcp 22, 3389; udp 53`.
    pub fn describe_hits(&self) -> String {
        let mut parts = Vec::new();
        if self.all_protocols && self.tcp_hit.is_empty() && self.udp_hit.is_empty() {
            parts.push(format!("{} (no ports)", self.protocol));
        }
        if !self.tcp_hit.is_empty() {
            parts.push(format!("tcp {}", self.tcp_hit));
        }
        if !self.udp_hit.is_empty() {
            parts.push(format!("udp {}", self.udp_hit));
        }
        parts.join("; ")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Protocol {
    All,
    Tcp,
    Udp,
    Other,
}

impl Protocol {
    pub(crate) fn parse(p: &str) -> Protocol {
        match p.trim().to_ascii_lowercase().as_str() {
            "-1" | "all" => Protocol::All,
            "tcp" | "6" => Protocol::Tcp,
            "udp" | "17" => Protocol::Udp,
            _ => Protocol::Other,
        }
    }
}

/// The inclusive port range of a tcp/udp permission; missing or negative bounds mean all.
pub(crate) fn port_range(from: Option<i32>, to: Option<i32>) -> (u16, u16) {
    let clamp = |v: i32| v.clamp(0, 65535) as u16;
    match (from, to) {
        (Some(a), Some(b)) if a >= 0 && b >= 0 => (clamp(a.min(b)), clamp(a.max(b))),
        _ => (0, u16::MAX),
    }
}

/// Every rule of every security group of the snapshot that opens restricted ports to the world.
pub fn world_open_rules(snapshot: &Snapshot, restricted: &RestrictedPorts) -> Vec<OffendingRule> {
    let ids = RuleIds::index(snapshot);
    snapshot
        .security_groups
        .values()
        .flat_map(|sg| group_world_open_rules(snapshot, &ids, sg, restricted))
        .collect()
}

/// The offending rules of one group.
pub fn world_open_rules_of(
    snapshot: &Snapshot,
    group: &SecurityGroup,
    restricted: &RestrictedPorts,
) -> Vec<OffendingRule> {
    group_world_open_rules(snapshot, &RuleIds::index(snapshot), group, restricted)
}

fn group_world_open_rules(
    snapshot: &Snapshot,
    ids: &RuleIds,
    sg: &SecurityGroup,
    restricted: &RestrictedPorts,
) -> Vec<OffendingRule> {
    let mut out = Vec::new();
    for perm in &sg.ip_permissions {
        for (source, v6) in world_sources(snapshot, perm, restricted) {
            let Some((tcp_hit, udp_hit, all_protocols)) = hits(perm, restricted.family(v6)) else {
                continue;
            };
            let rule_id = ids.find(&sg.group_id, perm, &source);
            out.push(OffendingRule {
                group_id: sg.group_id.clone(),
                rule_id,
                protocol: perm.ip_protocol.clone(),
                from: perm.from_port,
                to: perm.to_port,
                source,
                tcp_hit,
                udp_hit,
                all_protocols,
            });
        }
    }
    out.sort_by(|a, b| {
        (&a.source, &a.protocol, a.from, a.to).cmp(&(&b.source, &b.protocol, b.from, b.to))
    });
    out
}

/// (tcp hit, udp hit, all-protocols) when the permission opens something restricted.
fn hits(perm: &IpPermission, r: &ProtoPorts) -> Option<(PortSet, PortSet, bool)> {
    let (tcp, udp, all) = match Protocol::parse(&perm.ip_protocol) {
        Protocol::All => (r.tcp.clone(), r.udp.clone(), true),
        Protocol::Tcp => {
            let (a, b) = port_range(perm.from_port, perm.to_port);
            (r.tcp.intersect_range(a, b), PortSet::empty(), false)
        }
        Protocol::Udp => {
            let (a, b) = port_range(perm.from_port, perm.to_port);
            (PortSet::empty(), r.udp.intersect_range(a, b), false)
        }
        Protocol::Other => (PortSet::empty(), PortSet::empty(), r.other_protocols),
    };
    (all || !tcp.is_empty() || !udp.is_empty()).then_some((tcp, udp, all))
}

/// True for `0.0.0.0/0` and `::/0` (and spellings of them such as `0:0::/0`).
pub fn is_world(cidr: &str) -> bool {
    IpNet::from_str(cidr.trim()).is_ok_and(|n| n.prefix_len() == 0)
}

fn is_v6(cidr: &str) -> bool {
    cidr.contains(':')
}

/// The world sources of `perm` in a family `restricted` restricts anything for, each
/// with its family (`true`: IPv6).
fn world_sources(
    snapshot: &Snapshot,
    perm: &IpPermission,
    restricted: &RestrictedPorts,
) -> Vec<(Source, bool)> {
    let admits = |v6: bool| !restricted.family(v6).is_empty();
    let mut out = Vec::new();
    for r in &perm.ip_ranges {
        if is_world(&r.cidr_ip) && admits(false) {
            let cidr = r.cidr_ip.clone();
            out.push((Source::Cidr { cidr }, false));
        }
    }
    for r in &perm.ipv6_ranges {
        if is_world(&r.cidr_ipv6) && admits(true) {
            let cidr = r.cidr_ipv6.clone();
            out.push((Source::Ipv6 { cidr }, true));
        }
    }
    for pl in &perm.prefix_list_ids {
        if let Some(cidr) = prefix_list_world_entry(snapshot, &pl.prefix_list_id, &admits) {
            let v6 = is_v6(&cidr);
            let id = pl.prefix_list_id.clone();
            out.push((Source::PrefixList { id, cidr }, v6));
        }
    }
    out
}

/// The first world entry of a managed prefix list the snapshot knows, in an admitted
/// family.
fn prefix_list_world_entry(
    snapshot: &Snapshot,
    id: &str,
    admits: &dyn Fn(bool) -> bool,
) -> Option<String> {
    let pl = snapshot.prefix_lists.get(id)?;
    pl.cidrs
        .iter()
        .chain(pl.entries.iter().map(|e| &e.cidr))
        .find(|c| is_world(c) && admits(is_v6(c)))
        .cloned()
}

/// `describe-security-group-rules` entries indexed to find the `sgr-` id of a permission.
struct RuleIds<'a> {
    by_group: BTreeMap<&'a str, Vec<&'a SecurityGroupRule>>,
}

impl<'a> RuleIds<'a> {
    fn index(snapshot: &'a Snapshot) -> Self {
        let mut by_group: BTreeMap<&str, Vec<&SecurityGroupRule>> = BTreeMap::new();
        for r in snapshot
            .security_group_rules
            .values()
            .filter(|r| !r.is_egress)
        {
            by_group.entry(r.group_id.as_str()).or_default().push(r);
        }
        RuleIds { by_group }
    }

    fn find(&self, group: &str, perm: &IpPermission, source: &Source) -> Option<String> {
        let norm = |p: &str| match Protocol::parse(p) {
            Protocol::All => "-1".to_string(),
            Protocol::Tcp => "tcp".into(),
            Protocol::Udp => "udp".into(),
            Protocol::Other => p.to_ascii_lowercase(),
        };
        let same_ports = |r: &SecurityGroupRule| match Protocol::parse(&perm.ip_protocol) {
            Protocol::All => true,
            _ => r.from_port == perm.from_port && r.to_port == perm.to_port,
        };
        let same_source = |r: &SecurityGroupRule| match source {
            Source::Cidr { cidr } => r.cidr_ipv4.as_deref() == Some(cidr),
            Source::Ipv6 { cidr } => r.cidr_ipv6.as_deref() == Some(cidr),
            Source::PrefixList { id, .. } => r.prefix_list_id.as_deref() == Some(id),
        };
        self.by_group
            .get(group)?
            .iter()
            .find(|r| {
                norm(&r.ip_protocol) == norm(&perm.ip_protocol) && same_ports(r) && same_source(r)
            })
            .map(|r| r.security_group_rule_id.clone())
    }
}
