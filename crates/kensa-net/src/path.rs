//! Path queries (VPC Reachability Analyzer parity): can this packet get from here to
//! there, through which components, and if not, which component stops it and why.
//!
//! Choices:
//! * `--protocol all` sends IP protocol 0 with no ports (Batfish's "default flow"): only
//!   rules that allow every protocol admit it.
//! * `--from internet` tries a public representative address (8.8.8.8 or
//!   2001:4860:4860::8888) and the first address of every source the destination's
//!   security groups name; the packet is reachable if any of them gets through, and when
//!   none does the answer explains the attempt that got furthest.
//! * From an instance, the source's security group egress, both subnets' ACLs (request
//!   and reply, except inside one subnet, where ACLs do not apply) and the routes of
//!   both subnets (return route included) are checked.
//! * `--to` an instance behind an internet-facing load balancer: when the direct path
//!   is blocked, a listener whose target is the instance on `--port` is tried (both hops
//!   in the path).
use std::net::IpAddr;

use kensa_model::{IdKind, Snapshot};
use serde::{Deserialize, Serialize};

use kensa_model::block_code::BlockCode;

use crate::engine::Engine;
use crate::flow::{all_sources, ICMP, ICMPV6, TCP, UDP};
use crate::hops::{between, from_outside, Trace, T_SUBNET};
use crate::index::{Eni, Index};
use crate::lb::LbNode;
use crate::packet::Packet;
use crate::path_lb::{lb_alternative, via_lb};

/// The answer to a path query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Every hop lets the packet through to the destination.
    Reachable,
    /// A component drops the packet or its reply ([`PathAnswer::blocked_at`] says which).
    Blocked,
    /// The packet reaches a component kensa does not evaluate, or one the snapshot does
    /// not hold: a person must look (never read as "blocked" or "safe").
    Indeterminate,
}

/// One component the packet passes, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hop {
    /// Its id (`igw-…`, `acl-…`, `sg-…`, `eni-…`, `i-…`, …).
    pub component_id: String,
    /// Its resource type (`AWS::EC2::SecurityGroup`, …).
    pub component_type: String,
}

/// The component where the packet stops, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockedAt {
    /// Its id.
    pub component_id: String,
    /// Its resource type.
    pub component_type: String,
    /// An explanation code in Reachability Analyzer's spirit (`ENI_SG_RULES_MISMATCH`, ...).
    pub code: BlockCode,
    /// Why, in words, where the code alone does not say (indeterminate hops always).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What [`query`] found for one packet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathAnswer {
    /// Reachable, blocked or indeterminate.
    pub verdict: Verdict,
    /// The hops traversed, up to and including the one that blocked it.
    pub path: Vec<Hop>,
    /// Where and why it stopped; `None` when reachable.
    pub blocked_at: Option<BlockedAt>,
    /// The concrete source and destination addresses of the packet that was traced.
    pub source: Option<String>,
    /// The concrete destination address.
    pub destination: Option<String>,
}

/// A query that cannot be answered as asked (bad endpoint, protocol, or combination).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PathError {
    /// The name matches no instance, ENI, load balancer or address of the snapshot.
    #[error("`{0}` is not an instance, ENI, load balancer or IP address of the snapshot")]
    UnknownEndpoint(String),
    /// The endpoint exists but has no address to send from or to.
    #[error("`{0}` has no usable address")]
    NoAddress(String),
    /// TCP and UDP queries need a destination port.
    #[error("--port is required for {0}")]
    PortRequired(&'static str),
    /// A protocol other than `tcp`, `udp`, `icmp` or `all`.
    #[error("unknown protocol `{0}` (expected tcp, udp, icmp or all)")]
    BadProtocol(String),
    /// The Internet was given as the destination: it can only be a source.
    #[error("the Internet can only be a source")]
    InternetDestination,
    /// An address that cannot play that role (address, `source`/`destination`, why).
    #[error("{0} cannot be the {1} of a packet: {2}")]
    InvalidAddress(IpAddr, &'static str, String),
    /// An on-premises endpoint with no prefix kensa could pick a sample address from.
    #[error("no {0} prefix is known to the snapshot (no VPN static route, no route to a VPN or Direct Connect gateway names one): give an address or CIDR")]
    NoOnPremisesPrefix(String),
    /// Both ends are gateways or connections: one must be an address or resource.
    #[error("--from and --to cannot both be gateways or connections")]
    TwoComponents,
    /// The endpoint cannot originate traffic (id, why).
    #[error("`{0}` cannot be a source: {1}")]
    NotASource(String, &'static str),
    /// A load balancer destination with a source other than the Internet.
    #[error("--from {0} with --to a load balancer: only `internet` or a public address can be the client of an internet-facing load balancer here")]
    UnsupportedLbSource(String),
}

/// Where a query starts or ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// The Internet: any globally routable address outside the account's VPCs.
    Internet,
    /// This address, inside or outside the snapshot.
    Ip(IpAddr),
    /// An on-premises network, optionally the one behind a VPN connection, virtual
    /// private gateway or Direct Connect gateway (by id).
    OnPremises(Option<String>),
    /// An instance id, ENI id, or load balancer name/ARN.
    Named(String),
}

impl std::str::FromStr for Endpoint {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        Ok(if s.eq_ignore_ascii_case("internet") {
            Endpoint::Internet
        } else if ["on-premises", "on-prem", "onprem"]
            .iter()
            .any(|w| s.eq_ignore_ascii_case(w))
        {
            Endpoint::OnPremises(None)
        } else if let Ok(ip) = s.parse() {
            Endpoint::Ip(ip)
        } else if let Ok(net) = s.parse::<ipnet::IpNet>() {
            // A CIDR stands for its first usable address.
            Endpoint::Ip(net.hosts().next().unwrap_or(net.addr()))
        } else {
            Endpoint::Named(s.to_string())
        })
    }
}

/// Builds the packet's protocol number and port from the query's words.
pub fn packet_shape(protocol: &str, port: Option<u16>) -> Result<(u8, u16), PathError> {
    match protocol.to_ascii_lowercase().as_str() {
        "tcp" => Ok((TCP, port.ok_or(PathError::PortRequired("tcp"))?)),
        "udp" => Ok((UDP, port.ok_or(PathError::PortRequired("udp"))?)),
        // Echo request unless a type<<8|code is given.
        "icmp" => Ok((ICMP, port.unwrap_or(8 << 8))),
        "icmpv6" => Ok((ICMPV6, port.unwrap_or(128 << 8))),
        "all" | "-1" => Ok((0, 0)),
        other => Err(PathError::BadProtocol(other.to_string())),
    }
}

pub(crate) fn answer(t: Trace, src: Option<IpAddr>, dst: Option<IpAddr>) -> PathAnswer {
    PathAnswer {
        verdict: match &t.blocked {
            None => Verdict::Reachable,
            Some(b) if b.code.is_indeterminate() => Verdict::Indeterminate,
            Some(_) => Verdict::Blocked,
        },
        path: t.path,
        blocked_at: t.blocked,
        source: src.map(|s| s.to_string()),
        destination: dst.map(|d| d.to_string()),
    }
}

/// Addresses that are never the source or destination of a routed packet: the
/// unspecified address, loopback, multicast, limited broadcast, link-local and reserved
/// space (private, shared and documentation addresses are fine: on-premises networks and
/// peers use them).
pub fn validate_address(ip: IpAddr, role: &'static str) -> Result<(), PathError> {
    let Some(block) = crate::public::special_block(ip) else {
        return Ok(());
    };
    let never_routed = [
        "unspecified",
        "\"this network\"",
        "loopback",
        "multicast",
        "broadcast",
        "link-local",
        "reserved",
        "discard",
        "IPv4-mapped",
    ];
    if never_routed.iter().any(|w| block.name.contains(w)) {
        return Err(PathError::InvalidAddress(
            ip,
            role,
            format!("{} is {}", block.cidr, block.name),
        ));
    }
    Ok(())
}

/// Resolves a destination to an ENI and the address the packet is sent to.
fn resolve_to<'a, 's>(
    idx: &'a Index<'s>,
    to: &Endpoint,
    from_internet: bool,
    v6: bool,
) -> Result<(&'a Eni<'s>, IpAddr, bool), PathError> {
    let pick = |e: &'a Eni<'s>| -> Result<(&'a Eni<'s>, IpAddr, bool), PathError> {
        if v6 {
            if let Some(ip) = e.ipv6.first() {
                return Ok((e, *ip, false));
            }
        }
        if from_internet {
            if let Some(ip) = e.public_ips.first() {
                return Ok((e, *ip, true));
            }
            // No public IPv4: the Internet can still reach a global IPv6 address.
            if e.global_ipv6() {
                return Ok((e, e.ipv6[0], false));
            }
        }
        e.private_ips
            .first()
            .or(e.ipv6.first())
            .map(|ip| (e, *ip, false))
            .ok_or_else(|| PathError::NoAddress(e.id.to_string()))
    };
    match to {
        Endpoint::Internet => Err(PathError::InternetDestination),
        Endpoint::OnPremises(_) => Err(PathError::UnknownEndpoint("on-premises".into())),
        Endpoint::Ip(ip) => {
            if let Some(&i) = idx.eni_by_public_ip.get(ip) {
                return Ok((&idx.enis[i], *ip, true));
            }
            idx.eni_by_ip
                .get(ip)
                .map(|&i| (&idx.enis[i], *ip, false))
                .ok_or_else(|| PathError::UnknownEndpoint(ip.to_string()))
        }
        Endpoint::Named(n) => {
            if let Some(&i) = idx.eni_by_id.get(n.as_str()) {
                return pick(&idx.enis[i]);
            }
            let e = idx
                .enis
                .iter()
                .filter(|e| e.instance_id == Some(n.as_str()))
                .min_by_key(|e| (e.device_index, e.id.clone()))
                .ok_or_else(|| PathError::UnknownEndpoint(n.clone()))?;
            pick(e)
        }
    }
}

/// A destination address that no ENI owns. From an ENI whose route table has no route
/// to it (or a blackhole), blocked there; otherwise inside a subnet (nobody answers),
/// inside a VPC but in no subnet, or unknown to the snapshot.
fn unowned_destination(
    eng: &Engine,
    from: Option<&Eni>,
    ip: IpAddr,
    (proto, port): (u8, u16),
) -> Result<PathAnswer, PathError> {
    let idx = &eng.idx;
    let inside = idx.vpc_cidrs.values().any(|c| c.contains(ip));
    if let (Some(e), false) = (from, inside) {
        return Ok(egress(eng, e, ip, proto, port));
    }
    let src_rt = from.and_then(|e| crate::hops::subnet_parts(idx, e).0);
    if let Some(rt) = src_rt {
        let code = match crate::packet::route_lookup(idx, rt, ip).map(|r| r.1) {
            None => Some(BlockCode::NoRouteToDestination),
            Some(crate::rules::Target::Blackhole(_)) => Some(BlockCode::BlackholeRoute),
            _ => None,
        };
        if let Some(code) = code {
            let mut t = Trace::new();
            t.push(&rt.route_table_id, crate::hops::T_RT);
            let src = from.and_then(|e| e.own_addrs().next().copied());
            return Ok(answer(
                t.block(&rt.route_table_id, crate::hops::T_RT, code),
                src,
                Some(ip),
            ));
        }
    }
    let mut subnets: Vec<_> = idx
        .subnets
        .values()
        .filter(|c| c.cidrs.contains(ip))
        .collect();
    subnets.sort_by(|a, b| a.id.cmp(&b.id));
    if let Some(c) = subnets.first() {
        let t = Trace::new().block(&c.id, T_SUBNET, BlockCode::AddressNotOwned);
        return Ok(answer(t, None, Some(ip)));
    }
    let mut vpcs: Vec<_> = idx
        .vpc_cidrs
        .iter()
        .filter(|(_, c)| c.contains(ip))
        .collect();
    vpcs.sort_by(|a, b| a.0.cmp(b.0));
    if let Some((vpc, _)) = vpcs.first() {
        let t = Trace::new().block(vpc, "AWS::EC2::VPC", BlockCode::AddressInNoSubnet);
        return Ok(answer(t, None, Some(ip)));
    }
    Err(PathError::UnknownEndpoint(ip.to_string()))
}

/// From an ENI to `dst`, outside every VPC of the snapshot ([`crate::egress`]).
fn egress(eng: &Engine, src: &Eni, dst: IpAddr, proto: u8, port: u16) -> PathAnswer {
    let src_ip = if dst.is_ipv6() {
        src.ipv6.first()
    } else {
        src.private_ips.first()
    }
    .or(src.private_ips.first())
    .copied();
    let Some(src_ip) = src_ip else {
        let t = Trace::new().block(&src.id, crate::hops::T_ENI, BlockCode::NoRouteToDestination);
        return answer(t, None, Some(dst));
    };
    let t = crate::egress::to_outside(eng, src, dst, proto, port);
    answer(t, Some(src_ip), Some(dst))
}

/// A component id (`igw-`, `pcx-`, `tgw-`, `tgw-attach-`, `vpce-`, `nat-`) on either
/// side: answered over the addresses behind it ([`crate::path_component`]).
fn components(
    snap: &Snapshot,
    from: &Endpoint,
    to: &Endpoint,
    protocol: &str,
    port: u16,
) -> Result<Option<PathAnswer>, PathError> {
    use crate::path_component::{expand, pick, Expansion};
    let named = |e: &Endpoint| match e {
        Endpoint::Named(n) => Some(n.clone()),
        _ => None,
    };
    let component = |n: &String| {
        matches!(
            IdKind::detect(n),
            Some(
                IdKind::InternetGateway
                    | IdKind::VpcPeeringConnection
                    | IdKind::TransitGateway
                    | IdKind::TransitGatewayAttachment
                    | IdKind::TransitGatewayRouteTable
                    | IdKind::VpcEndpoint
                    | IdKind::NatGateway
            )
        )
    };
    let (f, t) = (named(from).filter(component), named(to).filter(component));
    if f.is_none() && t.is_none() {
        return Ok(None);
    }
    let idx = Index::new(snap);
    let one = |e: &Endpoint| Expansion::Candidates(vec![e.clone()], None);
    let fx = match &f {
        Some(n) => expand(snap, &idx, n, true)?,
        None => None,
    };
    let tx = match &t {
        Some(n) => expand(snap, &idx, n, false)?,
        None => None,
    };
    if fx.is_none() && tx.is_none() {
        return Ok(None);
    }
    let (fx, tx) = (
        fx.unwrap_or_else(|| one(from)),
        tx.unwrap_or_else(|| one(to)),
    );
    let (fc, fv, tc, tv) = match (fx, tx) {
        (Expansion::Answer(a), _) | (_, Expansion::Answer(a)) => return Ok(Some(a)),
        (Expansion::Candidates(fc, fv), Expansion::Candidates(tc, tv)) => (fc, fv, tc, tv),
    };
    if fv.is_some() && tv.is_some() && fv != tv {
        return Err(PathError::TwoComponents);
    }
    let pairs = fc
        .iter()
        .flat_map(|a| tc.iter().map(move |b| (a.clone(), b.clone())))
        .collect();
    pick(snap, pairs, fv.or(tv).as_deref(), protocol, Some(port)).map(Some)
}

/// Answers one query. `protocol` is `tcp`, `udp`, `icmp`, `icmpv6` or `all`.
pub fn query(
    snap: &Snapshot,
    from: &Endpoint,
    to: &Endpoint,
    protocol: &str,
    port: Option<u16>,
) -> Result<PathAnswer, PathError> {
    let (proto, port) = packet_shape(protocol, port)?;
    let gateway = |e: &Endpoint| match e {
        Endpoint::Named(n) if crate::path_onprem::is_onprem_gateway(snap, n) => {
            Endpoint::OnPremises(Some(n.clone()))
        }
        other => other.clone(),
    };
    let (from, to) = (&gateway(from), &gateway(to));
    if let Some(ans) = components(snap, from, to, protocol, port)? {
        return Ok(ans);
    }
    if matches!(from, Endpoint::OnPremises(_)) || matches!(to, Endpoint::OnPremises(_)) {
        return crate::path_onprem::query_onprem(snap, from, to, protocol, Some(port));
    }
    if let Endpoint::Ip(ip) = from {
        validate_address(*ip, "source")?;
    }
    if let Endpoint::Ip(ip) = to {
        validate_address(*ip, "destination")?;
    }
    let eng = Engine::new(snap);
    // Load balancers are looked up once, and only when an end is named.
    let named = |e: &Endpoint| match e {
        Endpoint::Named(n) => Some(n.clone()),
        _ => None,
    };
    let lbs = if named(from).is_some() || named(to).is_some() {
        LbNode::all(&eng.idx)
    } else {
        Vec::new()
    };
    let find_lb = |n: Option<String>| {
        let n = n?;
        lbs.iter().find(|lb| lb.id == n || lb.name == n)
    };
    if let Some(lb) = find_lb(named(from)) {
        let (dst, dst_ip, _) = resolve_to(&eng.idx, to, false, false)?;
        return crate::path_lb::from_lb(&eng, lb, dst, dst_ip, proto, port);
    }
    if let Some(lb) = find_lb(named(to)) {
        let client = match from {
            Endpoint::Internet => None,
            Endpoint::Ip(ip) if crate::public::is_public(*ip) => Some(*ip),
            other => return Err(PathError::UnsupportedLbSource(format!("{other:?}"))),
        };
        return Ok(via_lb(&eng, lb, None, proto, port, client));
    }
    if *to == Endpoint::Internet && *from != Endpoint::Internet {
        let src = match from {
            Endpoint::Ip(s) => match eng.idx.eni_by_ip.get(s) {
                Some(&i) => &eng.idx.enis[i],
                None => return Err(PathError::UnknownEndpoint(s.to_string())),
            },
            other => resolve_to(&eng.idx, other, false, false)?.0,
        };
        let v6 = matches!(from, Endpoint::Ip(IpAddr::V6(_)));
        let dst: IpAddr = if v6 {
            "2001:4860:4860::8888"
        } else {
            "8.8.8.8"
        }
        .parse()
        .expect("literal address");
        return Ok(egress(&eng, src, dst, proto, port));
    }
    if let Endpoint::Ip(ip) = to {
        if !eng.idx.eni_by_ip.contains_key(ip) && !eng.idx.eni_by_public_ip.contains_key(ip) {
            let src = match from {
                Endpoint::Internet => None,
                Endpoint::Ip(s) => eng.idx.eni_by_ip.get(s).map(|&i| &eng.idx.enis[i]),
                other => resolve_to(&eng.idx, other, false, false).ok().map(|x| x.0),
            };
            return unowned_destination(&eng, src, *ip, (proto, port));
        }
    }
    match from {
        Endpoint::Internet => {
            let want_v6 = matches!(to, Endpoint::Ip(IpAddr::V6(_)));
            let (dst, dst_ip, via_public) = resolve_to(&eng.idx, to, true, want_v6)?;
            let mut best: Option<(Trace, IpAddr)> = None;
            for src in internet_candidates(&eng, dst, dst_ip) {
                let t = from_outside(&eng, dst, Packet { src, proto, port }, via_public, true);
                if t.blocked.is_none() {
                    return Ok(answer(t, Some(src), Some(dst_ip)));
                }
                if best
                    .as_ref()
                    .is_none_or(|(b, _)| t.path.len() > b.path.len())
                {
                    best = Some((t, src));
                }
            }
            if let Some(ans) = lb_alternative(&eng, dst, proto, port) {
                return Ok(ans);
            }
            let (t, src) = best.expect("at least one candidate");
            Ok(answer(t, Some(src), Some(dst_ip)))
        }
        Endpoint::Ip(src_ip) if !eng.idx.eni_by_ip.contains_key(src_ip) => {
            let (dst, dst_ip, via_public) = resolve_to(&eng.idx, to, true, src_ip.is_ipv6())?;
            let t = from_outside(
                &eng,
                dst,
                Packet {
                    src: *src_ip,
                    proto,
                    port,
                },
                via_public,
                false,
            );
            Ok(answer(t, Some(*src_ip), Some(dst_ip)))
        }
        _ => {
            let (src, src_ip) = match from {
                Endpoint::Ip(ip) => (&eng.idx.enis[eng.idx.eni_by_ip[ip]], *ip),
                other => {
                    let (e, ip, _) = resolve_to(&eng.idx, other, false, false)?;
                    (e, ip)
                }
            };
            let (dst, dst_ip, _) = resolve_to(&eng.idx, to, false, src_ip.is_ipv6())?;
            let t = between(&eng, src, src_ip, dst, dst_ip, proto, port);
            Ok(answer(t, Some(src_ip), Some(dst_ip)))
        }
    }
}

/// A public representative plus the first public address of every source the
/// destination's groups name.
fn internet_candidates(eng: &Engine, dst: &Eni, dst_ip: IpAddr) -> Vec<IpAddr> {
    let v6 = dst_ip.is_ipv6();
    let mut out: Vec<IpAddr> = vec![if v6 {
        "2001:4860:4860::8888".parse().expect("literal address")
    } else {
        "8.8.8.8".parse().expect("literal address")
    }];
    for g in &dst.groups {
        for r in eng.group_rules(g).iter().filter(|r| !r.egress) {
            let s = all_sources(&r.flows).intersect(&eng.idx.internet);
            let first = if v6 {
                s.v6.first().map(|a| IpAddr::from(a.to_be_bytes()))
            } else {
                s.v4.first().map(|a| IpAddr::from(a.to_be_bytes()))
            };
            out.extend(first);
        }
    }
    out.dedup();
    out
}
