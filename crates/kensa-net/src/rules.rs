//! Compiling security group rules, network ACL entries and routes into sets.
use kensa_model::ec2::{NetworkAclEntry, Route};
use kensa_model::ports::PortRange;
use kensa_model::IdKind;

use crate::flow::{cube, everything, FlowSet, Lattice, ICMP, ICMPV6, TCP, UDP};
use crate::rangeset::AddrSet;

/// A protocol range with a port (or ICMP type/code) range: the shape of one rule, a box
/// of the flow space: one rule is one protocol range and one [`PortRange`] (not the TCP
/// and UDP port *sets* a control restricts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleShape {
    /// First protocol number.
    pub p_lo: u8,
    /// Last protocol number (inclusive).
    pub p_hi: u8,
    /// Ports (for ICMP, `type << 8 | code`).
    pub ports: PortRange,
}

impl RuleShape {
    /// Every protocol and port.
    pub fn all() -> Self {
        RuleShape {
            p_lo: 0,
            p_hi: 255,
            ports: PortRange::all(),
        }
    }
    /// The flows of this shape from `addrs`.
    pub fn with(&self, addrs: AddrSet) -> FlowSet {
        cube(self.p_lo, self.p_hi, self.ports.from, self.ports.to, addrs)
    }
}

/// `tcp`, `udp`, `icmp`, `icmpv6`, `-1`/`all`, or a protocol number, to a number
/// (`None` for "all protocols").
pub fn protocol_number(text: &str) -> Result<Option<u8>, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "-1" | "all" => Ok(None),
        "tcp" => Ok(Some(TCP)),
        "udp" => Ok(Some(UDP)),
        "icmp" => Ok(Some(ICMP)),
        "icmpv6" | "ipv6-icmp" => Ok(Some(ICMPV6)),
        other => other
            .parse::<u8>()
            .map(Some)
            .map_err(|_| format!("unknown IP protocol `{text}`")),
    }
}

/// The ICMP axis value range for a type and code, where -1 (or absent) means "any".
fn icmp_range(icmp_type: Option<i32>, code: Option<i32>) -> Result<(u16, u16), String> {
    match icmp_type.unwrap_or(-1) {
        -1 => Ok((0, u16::MAX)),
        t @ 0..=255 => {
            let base = (t as u16) << 8;
            match code.unwrap_or(-1) {
                -1 => Ok((base, base | 0xff)),
                c @ 0..=255 => Ok((base | c as u16, base | c as u16)),
                c => Err(format!("ICMP code {c} out of range")),
            }
        }
        t => Err(format!("ICMP type {t} out of range")),
    }
}

/// A port range where absent or -1 bounds mean "all ports" (as AWS prints all-port rules).
fn port_range(from: Option<i32>, to: Option<i32>) -> Result<(u16, u16), String> {
    match (from, to) {
        (None, None) | (Some(-1), _) | (None, Some(-1)) => Ok((0, u16::MAX)),
        (f, t) => {
            let f = f.unwrap_or(0);
            let t = t.unwrap_or(f);
            if !(0..=65535).contains(&f) || !(0..=65535).contains(&t) || f > t {
                return Err(format!("invalid port range {f}-{t}"));
            }
            Ok((f as u16, t as u16))
        }
    }
}

fn shape(
    proto: Option<u8>,
    ports: impl FnOnce(u8) -> Result<(u16, u16), String>,
) -> Result<RuleShape, String> {
    match proto {
        None => Ok(RuleShape::all()),
        Some(p) => {
            let (from, to) = if crate::flow::has_ports(p) {
                ports(p)?
            } else {
                (0, u16::MAX)
            };
            Ok(RuleShape {
                p_lo: p,
                p_hi: p,
                ports: PortRange { from, to },
            })
        }
    }
}

/// A security group rule's protocol and ports. For ICMP, `FromPort` is the type and
/// `ToPort` the code (-1 = any), as in the EC2 API.
pub fn sg_shape(
    ip_protocol: &str,
    from: Option<i32>,
    to: Option<i32>,
) -> Result<RuleShape, String> {
    shape(protocol_number(ip_protocol)?, |p| match p {
        ICMP | ICMPV6 => icmp_range(from, to),
        _ => port_range(from, to),
    })
}

/// A network ACL entry's protocol and ports.
pub fn nacl_shape(e: &NetworkAclEntry) -> Result<RuleShape, String> {
    shape(protocol_number(&e.protocol)?, |p| match p {
        ICMP | ICMPV6 => {
            let tc = e.icmp_type_code.unwrap_or_default();
            icmp_range(tc.icmp_type, tc.code)
        }
        _ => Ok(e.port_range.map_or((0, u16::MAX), |r| (r.from, r.to))),
    })
}

/// The address an ACL entry matches (its IPv4 or IPv6 CIDR).
pub fn nacl_addrs(e: &NetworkAclEntry) -> Result<AddrSet, String> {
    let text = e
        .cidr_block
        .as_deref()
        .or(e.ipv6_cidr_block.as_deref())
        .ok_or("entry has neither CidrBlock nor Ipv6CidrBlock")?;
    AddrSet::parse(text).ok_or_else(|| format!("bad CIDR `{text}`"))
}

/// What one direction of a network ACL allows: entries in ascending rule number, first
/// match wins, and whatever no entry matches is denied (the `*` rule). The address axis
/// is the remote address (source for inbound, destination for outbound). Entries that
/// cannot be understood are skipped and reported through `warn`.
pub fn nacl_allowed(
    entries: &[NetworkAclEntry],
    egress: bool,
    mut warn: impl FnMut(usize, String),
) -> FlowSet {
    let mut order: Vec<(usize, &NetworkAclEntry)> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.egress == egress)
        .collect();
    order.sort_by_key(|(i, e)| (e.rule_number, *i));
    let mut remaining = everything();
    let mut allowed = FlowSet::default();
    for (i, e) in order {
        let m = match (nacl_shape(e), nacl_addrs(e)) {
            (Ok(s), Ok(a)) => s.with(a),
            (Err(msg), _) | (_, Err(msg)) => {
                warn(i, msg);
                continue;
            }
        };
        let m = m.intersect(&remaining);
        if m.is_empty() {
            continue;
        }
        if e.rule_action.eq_ignore_ascii_case("allow") {
            allowed = allowed.union(&m);
        }
        remaining = remaining.difference(&m);
        if remaining.is_empty() {
            break;
        }
    }
    allowed
}

/// Where a route sends traffic.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// The VPC itself (`local` route): traffic stays inside.
    Local,
    /// An internet gateway (`igw-…`).
    Igw(String),
    /// An egress-only internet gateway (`eigw-…`): outbound IPv6 only, never carries inbound.
    EgressOnlyIgw(String),
    /// A NAT gateway (`nat-…`): outbound only, never carries inbound.
    Nat(String),
    /// A VPC peering connection (`pcx-…`).
    Pcx(String),
    /// A virtual private gateway (`vgw-…`): VPN and Direct Connect.
    Vgw(String),
    /// A transit gateway (`tgw-…`).
    Tgw(String),
    /// A route in state `blackhole`, with the id of the gateway it named.
    Blackhole(String),
    /// Any other target (ENI, instance, VPC endpoint, local gateway, ...).
    Other(String),
}

impl Target {
    /// Classifies a route by the gateway field it sets (a blackhole route keeps the id it
    /// names); a route naming no known target becomes [`Target::Other`] with [`UNNAMED_TARGET`].
    pub fn of(r: &Route) -> Target {
        let named = r
            .gateway_id
            .clone()
            .or_else(|| r.egress_only_internet_gateway_id.clone())
            .or_else(|| r.nat_gateway_id.clone())
            .or_else(|| r.transit_gateway_id.clone())
            .or_else(|| r.vpc_peering_connection_id.clone())
            .or_else(|| r.network_interface_id.clone())
            .or_else(|| r.instance_id.clone())
            .or_else(|| r.local_gateway_id.clone())
            .or_else(|| r.carrier_gateway_id.clone())
            .or_else(|| r.core_network_arn.clone())
            .unwrap_or_default();
        if r.state.as_deref() == Some("blackhole") {
            return Target::Blackhole(named);
        }
        if named.is_empty() {
            // A target field kensa does not read (one newer than kensa): the route
            // exists, so its traffic is unknown, not dropped.
            return Target::Other(UNNAMED_TARGET.into());
        }
        // Ids are classified by their prefix in one place (`IdKind::detect`).
        let kind = IdKind::detect(&named);
        if r.egress_only_internet_gateway_id.is_some()
            || kind == Some(IdKind::EgressOnlyInternetGateway)
        {
            return Target::EgressOnlyIgw(named);
        }
        if r.nat_gateway_id.is_some() {
            return Target::Nat(named);
        }
        let transit = matches!(
            kind,
            Some(
                IdKind::TransitGateway
                    | IdKind::TransitGatewayAttachment
                    | IdKind::TransitGatewayRouteTable
            )
        );
        if r.transit_gateway_id.is_some() || transit {
            return Target::Tgw(named);
        }
        if r.vpc_peering_connection_id.is_some() {
            return Target::Pcx(named);
        }
        match kind {
            Some(IdKind::Local) => Target::Local,
            Some(IdKind::InternetGateway) => Target::Igw(named),
            Some(IdKind::VpnGateway) => Target::Vgw(named),
            Some(IdKind::VpcPeeringConnection) => Target::Pcx(named),
            _ => Target::Other(named),
        }
    }
}

/// The target id given to a route that names none kensa reads.
pub const UNNAMED_TARGET: &str = "unrecognised-route-target";

/// One route's destination set, prefix length and whether it came from a prefix list.
pub struct RouteDest {
    /// The destination addresses (the CIDR, or a prefix list's entries).
    pub addrs: AddrSet,
    /// Its prefix length: the longest matching prefix wins.
    pub prefix_len: u8,
    /// Whether the destination is a managed prefix list: at equal prefix length a CIDR
    /// route is preferred over a prefix list route.
    pub from_prefix_list: bool,
    /// Where it sends traffic.
    pub target: Target,
}

/// Longest-prefix match, as sets: partitions the address space among the routes of a
/// table. More specific routes win; at equal length a CIDR route beats a prefix-list
/// route (AWS documents that order); otherwise the first route listed wins. Each entry
/// of a prefix-list destination counts with its own length. Addresses no route matches
/// are absent from the result.
pub fn lpm_partition(mut dests: Vec<RouteDest>) -> Vec<(Target, AddrSet)> {
    dests.sort_by_key(|d| (std::cmp::Reverse(d.prefix_len), d.from_prefix_list));
    let mut remaining = AddrSet::full();
    let mut parts: Vec<(Target, AddrSet)> = Vec::new();
    for d in dests {
        let m = d.addrs.intersect(&remaining);
        if m.is_empty() {
            continue;
        }
        remaining = remaining.difference(&m);
        match parts.iter_mut().find(|(t, _)| *t == d.target) {
            Some((_, a)) => *a = a.union(&m),
            None => parts.push((d.target, m)),
        }
    }
    parts.sort_by(|a, b| a.0.cmp(&b.0));
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::contains;

    fn entry(
        n: i32,
        proto: &str,
        allow: bool,
        egress: bool,
        cidr: &str,
        ports: Option<(u16, u16)>,
    ) -> NetworkAclEntry {
        NetworkAclEntry {
            rule_number: n,
            protocol: proto.into(),
            rule_action: if allow { "allow" } else { "deny" }.into(),
            egress,
            cidr_block: Some(cidr.into()),
            port_range: ports.map(|(from, to)| PortRange { from, to }),
            ..Default::default()
        }
    }

    #[test]
    fn nacl_first_match_wins() {
        let entries = vec![
            entry(200, "-1", true, false, "0.0.0.0/0", None),
            entry(100, "6", false, false, "0.0.0.0/0", Some((3389, 3389))),
            entry(32767, "-1", false, false, "0.0.0.0/0", None),
        ];
        let a = nacl_allowed(&entries, false, |_, _| {});
        let ip = "8.8.8.8".parse().unwrap();
        assert!(!contains(&a, TCP, 3389, ip));
        assert!(contains(&a, TCP, 22, ip));
        assert!(contains(&a, UDP, 3389, ip));
        assert!(!contains(&a, TCP, 22, "::1".parse().unwrap()));
    }

    #[test]
    fn shapes_parse_like_the_ec2_api() {
        assert_eq!(sg_shape("-1", None, None).unwrap(), RuleShape::all());
        let icmp = sg_shape("icmp", Some(8), Some(-1)).unwrap();
        assert_eq!((icmp.ports.from, icmp.ports.to), (0x0800, 0x08ff));
        assert!(sg_shape("tcp", Some(10), Some(5)).is_err());
        assert!(sg_shape("bogus", None, None).is_err());
        let gre = sg_shape("47", Some(1), Some(2)).unwrap();
        assert_eq!(
            (gre.p_lo, gre.ports),
            (47, kensa_model::ports::PortRange::all())
        );
    }

    #[test]
    fn longest_prefix_wins_and_blackholes_are_kept() {
        let d = |c: &str, t: Target| RouteDest {
            addrs: AddrSet::parse(c).unwrap(),
            prefix_len: c.split('/').nth(1).unwrap().parse().unwrap(),
            from_prefix_list: false,
            target: t,
        };
        let parts = lpm_partition(vec![
            d("0.0.0.0/0", Target::Igw("igw-1".into())),
            d("10.0.0.0/16", Target::Local),
            d("8.8.8.0/24", Target::Blackhole("igw-1".into())),
        ]);
        let igw = &parts
            .iter()
            .find(|p| p.0 == Target::Igw("igw-1".into()))
            .unwrap()
            .1;
        assert!(igw.contains("1.1.1.1".parse().unwrap()));
        assert!(!igw.contains("8.8.8.8".parse().unwrap()));
        assert!(!igw.contains("10.0.1.1".parse().unwrap()));
        assert!(!igw.contains("::1".parse().unwrap()));
    }
}
