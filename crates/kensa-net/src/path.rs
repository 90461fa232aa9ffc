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

use kensa_model::Snapshot;
use serde::{Deserialize, Serialize};

use crate::engine::{Engine, SourceClass};
use crate::flow::{all_sources, ICMP, ICMPV6, TCP, UDP};
use crate::index::{Eni, Index};
use crate::lb::LbNode;
use crate::packet::{nacl_decide, nacl_reply_ok, route_lookup, sg_match, Packet};
use crate::rules::Target;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Reachable,
    Blocked,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hop {
    pub component_id: String,
    pub component_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockedAt {
    pub component_id: String,
    pub component_type: String,
    /// A Reachability Analyzer explanation code (`ENI_SG_RULES_MISMATCH`, ...).
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathAnswer {
    pub verdict: Verdict,
    pub path: Vec<Hop>,
    pub blocked_at: Option<BlockedAt>,
    /// The concrete source and destination addresses of the packet that was traced.
    pub source: Option<String>,
    pub destination: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PathError {
    #[error("`{0}` is not an instance, ENI, load balancer or IP address of the snapshot")]
    UnknownEndpoint(String),
    #[error("`{0}` has no usable address")]
    NoAddress(String),
    #[error("--port is required for {0}")]
    PortRequired(&'static str),
    #[error("unknown protocol `{0}` (expected tcp, udp, icmp or all)")]
    BadProtocol(String),
    #[error("the Internet can only be a source")]
    InternetDestination,
}

/// Where a query starts or ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Internet,
    Ip(IpAddr),
    /// An instance id, ENI id, or load balancer name/ARN.
    Named(String),
}

impl std::str::FromStr for Endpoint {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        Ok(if s.eq_ignore_ascii_case("internet") {
            Endpoint::Internet
        } else if let Ok(ip) = s.parse() {
            Endpoint::Ip(ip)
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

fn hop(id: &str, ty: &str) -> Hop {
    Hop {
        component_id: id.to_string(),
        component_type: ty.to_string(),
    }
}

/// A trace under construction.
struct Trace {
    path: Vec<Hop>,
    blocked: Option<BlockedAt>,
}

impl Trace {
    fn new() -> Self {
        Trace {
            path: Vec::new(),
            blocked: None,
        }
    }
    fn push(&mut self, id: &str, ty: &str) {
        self.path.push(hop(id, ty));
    }
    fn block(mut self, id: &str, ty: &str, code: &str) -> Self {
        self.blocked = Some(BlockedAt {
            component_id: id.into(),
            component_type: ty.into(),
            code: code.into(),
        });
        self
    }
}

const T_ACL: &str = "AWS::EC2::NetworkAcl";
const T_SG: &str = "AWS::EC2::SecurityGroup";
const T_ENI: &str = "AWS::EC2::NetworkInterface";
const T_RT: &str = "AWS::EC2::RouteTable";
const T_IGW: &str = "AWS::EC2::InternetGateway";
const T_PCX: &str = "AWS::EC2::VPCPeeringConnection";
const T_VGW: &str = "AWS::EC2::VPNGateway";
const T_TGW: &str = "AWS::EC2::TransitGateway";
const T_INSTANCE: &str = "AWS::EC2::Instance";
const T_LB: &str = "AWS::ElasticLoadBalancingV2::LoadBalancer";
const T_LISTENER: &str = "AWS::ElasticLoadBalancingV2::Listener";

fn subnet_parts<'a>(
    idx: &'a Index,
    eni: &Eni,
) -> (
    Option<&'a kensa_model::ec2::RouteTable>,
    Option<&'a kensa_model::ec2::NetworkAcl>,
    Option<&'a crate::index::SubnetCtx>,
) {
    let ctx = eni.subnet_id.and_then(|s| idx.subnets.get(s));
    let rt = ctx
        .and_then(|c| c.route_table.as_deref())
        .and_then(|r| idx.snap.route_tables.get(r));
    let acl = ctx
        .and_then(|c| c.nacl.as_deref())
        .and_then(|a| idx.snap.network_acls.get(a));
    (rt, acl, ctx)
}

/// The final part of every inbound trace: the subnet's ACL (request in, reply out), the
/// ENI's security groups, the ENI and its instance.
fn enter_eni(idx: &Index, eni: &Eni, pkt: Packet, mut t: Trace, check_acl: bool) -> Trace {
    let (_, acl, _) = subnet_parts(idx, eni);
    if let (Some(acl), true) = (acl, check_acl) {
        t.push(&acl.network_acl_id, T_ACL);
        if !nacl_decide(acl, false, pkt.proto, pkt.port, pkt.src).1
            || !nacl_reply_ok(acl, pkt.proto, pkt.src)
        {
            return t.block(&acl.network_acl_id, T_ACL, "SUBNET_ACL_RESTRICTION");
        }
    }
    let admitting = eni
        .groups
        .iter()
        .find(|g| sg_match(idx, g, false, pkt.proto, pkt.port, pkt.src).is_some());
    match admitting {
        Some(g) => t.push(g, T_SG),
        None => {
            let g = eni.groups.first().copied().unwrap_or(&eni.id);
            t.push(g, T_SG);
            return t.block(g, T_SG, "ENI_SG_RULES_MISMATCH");
        }
    }
    t.push(&eni.id, T_ENI);
    if let Some(i) = &eni.instance_id {
        t.push(i, T_INSTANCE);
    }
    t
}

/// A packet from outside the ENI's VPC, classified by the return route to its source.
/// `via_public` says whether the destination address used was one of the ENI's public
/// addresses (needed to enter through an internet gateway).
fn from_outside(
    eng: &Engine,
    eni: &Eni,
    pkt: Packet,
    via_public: bool,
    internet_only: bool,
) -> Trace {
    let idx = &eng.idx;
    let mut t = Trace::new();
    let (rt, _, ctx) = subnet_parts(idx, eni);
    let vpc = ctx.map(|c| c.vpc_id.as_str()).unwrap_or_default();
    let Some(rt) = rt else {
        let sub = eni.subnet_id.unwrap_or(&eni.id);
        return t.block(sub, "AWS::EC2::Subnet", "NO_ROUTE_TO_DESTINATION");
    };
    let route = route_lookup(idx, rt, pkt.src);
    let (class, gw) = match route.map(|r| r.1) {
        Some(Target::Igw(g)) => (SourceClass::Internet, g),
        Some(Target::Pcx(g)) if !internet_only => (SourceClass::PeeredVPC, g),
        Some(Target::Vgw(g)) if !internet_only => (SourceClass::VGW, g),
        Some(Target::Tgw(g)) if !internet_only => (SourceClass::TGW, g),
        Some(Target::Blackhole(g)) => {
            t.push(&rt.route_table_id, T_RT);
            let _ = g;
            return t.block(&rt.route_table_id, T_RT, "BLACKHOLE_ROUTE");
        }
        _ => {
            t.push(&rt.route_table_id, T_RT);
            let code = if internet_only {
                "NO_ROUTE_TO_IGW"
            } else {
                "NO_ROUTE_TO_DESTINATION"
            };
            return t.block(&rt.route_table_id, T_RT, code);
        }
    };
    let ty = match class {
        SourceClass::Internet => T_IGW,
        SourceClass::PeeredVPC => T_PCX,
        SourceClass::VGW => T_VGW,
        SourceClass::TGW => T_TGW,
    };
    t.push(&gw, ty);
    let space = eng.subnet(eni.subnet_id.unwrap_or_default());
    let in_space = space.space.get(&class).is_some_and(|s| s.contains(pkt.src));
    match class {
        SourceClass::Internet => {
            let family_ok = match pkt.src {
                IpAddr::V4(_) => via_public && !eni.public_ips.is_empty(),
                IpAddr::V6(_) => eni.global_ipv6(),
            };
            if !family_ok {
                return t.block(&gw, T_IGW, "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS");
            }
            if !in_space {
                return t.block(&gw, T_IGW, "IGW_NOT_ATTACHED_TO_VPC");
            }
        }
        SourceClass::PeeredVPC => {
            let active = idx.peerings.get(&gw).is_none_or(|p| p.active);
            if !active {
                return t.block(&gw, T_PCX, "BAD_STATE_VPC_PEERING");
            }
            if !in_space {
                return t.block(&gw, T_PCX, "NO_ROUTE_TO_DESTINATION");
            }
        }
        _ if !in_space => return t.block(&gw, ty, "NO_ROUTE_TO_DESTINATION"),
        _ => {}
    }
    let _ = vpc;
    t.push(&rt.route_table_id, T_RT);
    enter_eni(idx, eni, pkt, t, true)
}

/// From one ENI to another (same VPC, or a peered VPC).
fn between(
    eng: &Engine,
    src: &Eni,
    src_ip: IpAddr,
    dst: &Eni,
    dst_ip: IpAddr,
    proto: u8,
    port: u16,
) -> Trace {
    let idx = &eng.idx;
    let mut t = Trace::new();
    if let Some(i) = &src.instance_id {
        t.push(i, T_INSTANCE);
    }
    t.push(&src.id, T_ENI);
    let out_sg = src
        .groups
        .iter()
        .find(|g| sg_match(idx, g, true, proto, port, dst_ip).is_some());
    match out_sg {
        Some(g) => t.push(g, T_SG),
        None => {
            let g = src.groups.first().copied().unwrap_or(&src.id);
            t.push(g, T_SG);
            return t.block(g, T_SG, "ENI_SG_RULES_MISMATCH");
        }
    }
    let same_subnet = src.subnet_id.is_some() && src.subnet_id == dst.subnet_id;
    let (s_rt, s_acl, s_ctx) = subnet_parts(idx, src);
    let (d_rt, _, d_ctx) = subnet_parts(idx, dst);
    if !same_subnet {
        if let Some(acl) = s_acl {
            t.push(&acl.network_acl_id, T_ACL);
            // Request out, and the reply back in to our ephemeral ports.
            let reply_in = {
                let lo: u16 = if matches!(proto, TCP | UDP) { 1024 } else { 0 };
                let mut cands = vec![lo];
                for e in acl.entries.iter().filter(|e| !e.egress) {
                    if let Some(r) = e.port_range {
                        cands.extend(
                            [r.from, r.to.map(|x| x + 1)]
                                .into_iter()
                                .flatten()
                                .filter_map(|x| u16::try_from(x).ok())
                                .filter(|x| *x >= lo),
                        );
                    }
                }
                if matches!(proto, ICMP | ICMPV6) {
                    cands.extend((0..=255u16).map(|ty| ty << 8));
                }
                cands
                    .into_iter()
                    .any(|q| nacl_decide(acl, false, proto, q, dst_ip).1)
            };
            if !nacl_decide(acl, true, proto, port, dst_ip).1 || !reply_in {
                return t.block(&acl.network_acl_id, T_ACL, "SUBNET_ACL_RESTRICTION");
            }
        }
        let Some(rt) = s_rt else {
            return t.block(
                src.subnet_id.unwrap_or(&src.id),
                "AWS::EC2::Subnet",
                "NO_ROUTE_TO_DESTINATION",
            );
        };
        t.push(&rt.route_table_id, T_RT);
        let s_vpc = s_ctx.map(|c| c.vpc_id.as_str()).unwrap_or_default();
        let d_vpc = d_ctx.map(|c| c.vpc_id.as_str()).unwrap_or_default();
        match route_lookup(idx, rt, dst_ip).map(|r| r.1) {
            Some(Target::Local) if s_vpc == d_vpc => {}
            Some(Target::Pcx(g)) if s_vpc != d_vpc => {
                t.push(&g, T_PCX);
                match idx.peerings.get(&g) {
                    Some(p) if !p.active => return t.block(&g, T_PCX, "BAD_STATE_VPC_PEERING"),
                    Some(p) if p.other_side(s_vpc).and_then(|o| o.0.as_deref()) != Some(d_vpc) => {
                        return t.block(&g, T_PCX, "NO_ROUTE_TO_DESTINATION")
                    }
                    _ => {}
                }
                // The return route in the destination's subnet must lead back.
                let back = d_rt.and_then(|r| route_lookup(idx, r, src_ip)).map(|r| r.1);
                if back != Some(Target::Pcx(g.clone())) {
                    let id = d_rt.map(|r| r.route_table_id.as_str()).unwrap_or(&g);
                    return t.block(id, T_RT, "NO_ROUTE_TO_DESTINATION");
                }
            }
            Some(Target::Blackhole(_)) => {
                return t.block(&rt.route_table_id, T_RT, "BLACKHOLE_ROUTE")
            }
            _ => return t.block(&rt.route_table_id, T_RT, "NO_ROUTE_TO_DESTINATION"),
        }
    }
    let pkt = Packet {
        src: src_ip,
        proto,
        port,
    };
    enter_eni(idx, dst, pkt, t, !same_subnet)
}

fn answer(t: Trace, src: Option<IpAddr>, dst: Option<IpAddr>) -> PathAnswer {
    PathAnswer {
        verdict: if t.blocked.is_none() {
            Verdict::Reachable
        } else {
            Verdict::Blocked
        },
        path: t.path,
        blocked_at: t.blocked,
        source: src.map(|s| s.to_string()),
        destination: dst.map(|d| d.to_string()),
    }
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

/// Answers one query. `protocol` is `tcp`, `udp`, `icmp`, `icmpv6` or `all`.
pub fn query(
    snap: &Snapshot,
    from: &Endpoint,
    to: &Endpoint,
    protocol: &str,
    port: Option<u16>,
) -> Result<PathAnswer, PathError> {
    let (proto, port) = packet_shape(protocol, port)?;
    let eng = Engine::new(snap);
    if let Endpoint::Named(n) = to {
        if let Some(lb) = LbNode::all(&eng.idx)
            .into_iter()
            .find(|lb| &lb.id == n || &lb.name == n)
        {
            return Ok(via_lb(&eng, &lb, None, proto, port));
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

/// Public representatives plus the first address of every source the destination's
/// groups name.
fn internet_candidates(eng: &Engine, dst: &Eni, dst_ip: IpAddr) -> Vec<IpAddr> {
    let v6 = dst_ip.is_ipv6();
    let mut out: Vec<IpAddr> = vec![if v6 {
        "2001:4860:4860::8888".parse().unwrap()
    } else {
        "8.8.8.8".parse().unwrap()
    }];
    for g in &dst.groups {
        for r in eng.group(g).rules.iter().filter(|r| !r.egress) {
            let s = all_sources(&r.flows);
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

/// When the Internet cannot reach an instance directly: a listener of an internet-facing
/// load balancer that forwards to it on `port`.
fn lb_alternative(eng: &Engine, dst: &Eni, proto: u8, port: u16) -> Option<PathAnswer> {
    let lbs = LbNode::all(&eng.idx);
    let i = eng.idx.eni_by_id[&dst.id];
    for lb in lbs.iter().filter(|lb| lb.internet_facing) {
        if lb.listeners.iter().any(|l| {
            l.ip_protocols.contains(&proto)
                && l.targets.iter().any(|t| t.eni == Some(i) && t.port == port)
        }) {
            let ans = via_lb(eng, lb, Some(i), proto, port);
            if ans.verdict == Verdict::Reachable {
                return Some(ans);
            }
        }
    }
    None
}

/// Internet → load balancer listener → target. With `target` set, only that ENI counts
/// and `port` is the target port; otherwise `port` is the listener port.
fn via_lb(eng: &Engine, lb: &LbNode, target: Option<usize>, proto: u8, port: u16) -> PathAnswer {
    let reach = eng.analyze_lb_pub(lb.clone());
    let mut t = Trace::new();
    let igw = reach
        .igws
        .first()
        .cloned()
        .unwrap_or_else(|| "internet".into());
    t.push(&igw, T_IGW);
    t.push(&lb.id, T_LB);
    let listener = reach.listeners.iter().find(|l| {
        l.flows.get(proto).is_some()
            && match target {
                None => l.port == port,
                Some(i) => l
                    .targets
                    .iter()
                    .any(|x| x.eni_index == Some(i) && x.port == port),
            }
    });
    let Some(l) = listener else {
        let code = if reach.igws.is_empty() {
            "NO_ROUTE_TO_IGW"
        } else {
            "ENI_SG_RULES_MISMATCH"
        };
        let comp = lb
            .security_groups
            .first()
            .cloned()
            .unwrap_or_else(|| lb.id.clone());
        let ty = if lb.security_groups.is_empty() {
            T_LB
        } else {
            T_SG
        };
        return answer(
            t.block(
                &comp,
                ty,
                if lb.listeners.iter().any(|l| l.port == port) || target.is_some() {
                    code
                } else {
                    "ELB_LISTENER_PORT_RESTRICTION"
                },
            ),
            None,
            None,
        );
    };
    t.push(&l.listener_id, T_LISTENER);
    let chosen = l
        .targets
        .iter()
        .filter(|x| target.is_none_or(|i| x.eni_index == Some(i)))
        .find(|x| x.blocked.is_none())
        .or_else(|| l.targets.first());
    let Some(x) = chosen else {
        return answer(
            t.block(&l.listener_id, T_LISTENER, "NO_TARGETS"),
            None,
            None,
        );
    };
    let Some(i) = x.eni_index else {
        return answer(
            t.block(&x.target_id, T_INSTANCE, "TARGET_NOT_FOUND"),
            None,
            None,
        );
    };
    let e = &eng.idx.enis[i];
    if let Some(code) = x.blocked {
        let (id, ty) = if code == "SUBNET_ACL_RESTRICTION" {
            (
                eng.idx
                    .subnets
                    .get(e.subnet_id.unwrap_or_default())
                    .and_then(|c| c.nacl.clone())
                    .unwrap_or_default(),
                T_ACL,
            )
        } else {
            (e.groups.first().unwrap_or(&"").to_string(), T_SG)
        };
        return answer(t.block(&id, ty, code), None, e.private_ips.first().copied());
    }
    if let Some(g) = e.groups.first() {
        t.push(g, T_SG);
    }
    t.push(&e.id, T_ENI);
    if let Some(inst) = &e.instance_id {
        t.push(inst, T_INSTANCE);
    }
    // Show a typical public client rather than the lowest address of the set.
    let public: IpAddr = "8.8.8.8".parse().expect("literal address");
    let src = if x.sources.contains(public) {
        Some(public)
    } else {
        x.sources.sample()
    };
    answer(t, src, e.private_ips.first().copied())
}
