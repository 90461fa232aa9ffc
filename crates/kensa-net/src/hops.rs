//! Hop-by-hop tracing of one packet for [`crate::path`]: into an ENI from outside its VPC,
//! between two ENIs (same VPC, peering, transit gateways), and through transit gateways.
//!
//! The component that stops a packet is the one that actually drops it (a TGW route
//! table without a route blocks at that table, not at the VPC route table that sent the
//! packet there). A component kensa does not evaluate (Gateway Load Balancer or Network
//! Firewall endpoint, an unknown route target or attachment type) or one the snapshot
//! does not hold (a dangling security group, route table, ACL, attachment or TGW route
//! table) ends the trace `indeterminate`, never `blocked`.
use std::net::IpAddr;

use kensa_model::block_code::BlockCode;
use kensa_model::IdKind;

use crate::engine::{gateway_endpoint, Engine, SourceClass};
use crate::flow::{ICMP, ICMPV6, TCP, UDP};
use crate::hops_tgw::via_tgw;
use crate::index::{Eni, Index, SubnetCtx};
use crate::packet::{nacl_decide, nacl_reply_ok, route_lookup, sg_match, Packet};
use crate::path::{BlockedAt, Hop};
use crate::rules::Target;

pub(crate) const T_ACL: &str = "AWS::EC2::NetworkAcl";
pub(crate) const T_SG: &str = "AWS::EC2::SecurityGroup";
pub(crate) const T_ENI: &str = "AWS::EC2::NetworkInterface";
pub(crate) const T_RT: &str = "AWS::EC2::RouteTable";
pub(crate) const T_SUBNET: &str = "AWS::EC2::Subnet";
pub(crate) const T_IGW: &str = "AWS::EC2::InternetGateway";
pub(crate) const T_PCX: &str = "AWS::EC2::VPCPeeringConnection";
pub(crate) const T_VGW: &str = "AWS::EC2::VPNGateway";
pub(crate) const T_TGW: &str = "AWS::EC2::TransitGateway";
pub(crate) const T_TGW_ATTACH: &str = "AWS::EC2::TransitGatewayAttachment";
pub(crate) const T_TGW_RTB: &str = "AWS::EC2::TransitGatewayRouteTable";
pub(crate) const T_VPCE: &str = "AWS::EC2::VPCEndpoint";
pub(crate) const T_INSTANCE: &str = "AWS::EC2::Instance";
pub(crate) const T_UNKNOWN: &str = "unknown";

/// A trace under construction.
pub(crate) struct Trace {
    pub path: Vec<Hop>,
    pub blocked: Option<BlockedAt>,
}

impl Trace {
    pub fn new() -> Self {
        Trace {
            path: Vec::new(),
            blocked: None,
        }
    }
    /// A copy to try one alternative on.
    pub fn fork(&self) -> Self {
        Trace {
            path: self.path.clone(),
            blocked: self.blocked.clone(),
        }
    }
    pub fn push(&mut self, id: &str, ty: &str) {
        self.path.push(Hop {
            component_id: id.to_string(),
            component_type: ty.to_string(),
        });
    }
    pub fn stop(&mut self, id: &str, ty: &str, code: BlockCode, reason: Option<String>) {
        self.blocked = Some(BlockedAt {
            component_id: id.into(),
            component_type: ty.into(),
            code,
            reason,
        });
    }
    pub fn block(mut self, id: &str, ty: &str, code: BlockCode) -> Self {
        self.stop(id, ty, code, None);
        self
    }
    pub fn explained(mut self, id: &str, ty: &str, code: BlockCode, reason: String) -> Self {
        self.stop(id, ty, code, Some(reason));
        self
    }
}

/// A route target kensa does not evaluate: indeterminate, with the reason.
pub(crate) fn unevaluated_target(idx: &Index, t: Trace, target: &str) -> Trace {
    if IdKind::VpcEndpoint.matches(target) {
        let kind = idx
            .snap
            .vpc_endpoints
            .get(target)
            .and_then(|e| e.vpc_endpoint_type.clone())
            .unwrap_or_else(|| "a Network Firewall or Gateway Load Balancer".into());
        let reason = format!(
            "the route sends the packet to endpoint {target} ({kind} endpoint): the appliance behind it decides, and kensa does not evaluate its rules"
        );
        return t.explained(target, T_VPCE, BlockCode::UnevaluatedAppliance, reason);
    }
    let reason = if target == crate::rules::UNNAMED_TARGET {
        "the route names a target kensa does not read (a route target newer than kensa)".to_string()
    } else {
        format!("route target `{target}` is not evaluated by kensa")
    };
    t.explained(target, T_UNKNOWN, BlockCode::UnknownRouteTarget, reason)
}

/// A component that the path needs and the snapshot does not hold.
pub(crate) fn missing(t: Trace, id: &str, ty: &str, what: &str) -> Trace {
    let reason = format!("{what} `{id}` is referenced but not in the snapshot");
    t.explained(id, ty, BlockCode::ComponentNotInSnapshot, reason)
}

/// A subnet whose network ACL is not in the snapshot at all (no association recorded and
/// no default ACL of its VPC): what an ACL would let through is unknown, never "allowed".
pub(crate) fn no_acl(t: Trace, eni: &Eni) -> Trace {
    let sub = eni.subnet_id.unwrap_or(&eni.id);
    let reason = format!(
        "no network ACL of subnet `{sub}` (associated, or its VPC's default) is in the snapshot"
    );
    t.explained(sub, T_SUBNET, BlockCode::ComponentNotInSnapshot, reason)
}

pub(crate) fn subnet_parts<'a>(
    idx: &'a Index,
    eni: &Eni,
) -> (
    Option<&'a kensa_model::ec2::RouteTable>,
    Option<&'a kensa_model::ec2::NetworkAcl>,
    Option<&'a SubnetCtx>,
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

/// The subnet's route table, or why there is none (dangling reference: indeterminate).
fn route_table_or<'a>(
    idx: &'a Index,
    eni: &Eni,
    t: Trace,
) -> Result<(&'a kensa_model::ec2::RouteTable, Trace), Trace> {
    let ctx = eni.subnet_id.and_then(|s| idx.subnets.get(s));
    match ctx.and_then(|c| c.route_table.as_deref()) {
        Some(id) => match idx.snap.route_tables.get(id) {
            Some(rt) => Ok((rt, t)),
            None => Err(missing(t, id, T_RT, "route table")),
        },
        None => {
            let sub = eni.subnet_id.unwrap_or(&eni.id);
            let reason =
                format!("no route table of subnet `{sub}` (explicit or main) is in the snapshot");
            Err(t.explained(sub, T_SUBNET, BlockCode::ComponentNotInSnapshot, reason))
        }
    }
}

/// The final part of every inbound trace: the subnet's ACL (request in, reply out), the
/// ENI's security groups, the ENI and its instance.
pub(crate) fn enter_eni(
    idx: &Index,
    eni: &Eni,
    pkt: Packet,
    mut t: Trace,
    check_acl: bool,
) -> Trace {
    if t.blocked.is_some() {
        return t;
    }
    let (_, acl, ctx) = subnet_parts(idx, eni);
    if check_acl {
        match (acl, ctx.and_then(|c| c.nacl.as_deref())) {
            (Some(acl), _) => {
                t.push(&acl.network_acl_id, T_ACL);
                if !nacl_decide(acl, false, pkt.proto, pkt.port, pkt.src).1
                    || !nacl_reply_ok(acl, pkt.proto, pkt.src)
                {
                    return t.block(&acl.network_acl_id, T_ACL, BlockCode::SubnetAclRestriction);
                }
            }
            (None, Some(id)) => return missing(t, id, T_ACL, "network ACL"),
            (None, None) => return no_acl(t, eni),
        }
    }
    if let Some(g) = sg_gate(idx, eni, false, pkt.proto, pkt.port, pkt.src, &mut t) {
        return g;
    }
    t.push(&eni.id, T_ENI);
    if let Some(i) = &eni.instance_id {
        t.push(i, T_INSTANCE);
    }
    t
}

/// The ENI's security groups for one direction: the admitting group is a hop; when
/// none admits, blocked at the first group, unless a group is missing from the snapshot
/// (then indeterminate). Returns the finished trace when the packet stops here.
fn sg_gate(
    idx: &Index,
    eni: &Eni,
    egress: bool,
    proto: u8,
    port: u16,
    remote: IpAddr,
    t: &mut Trace,
) -> Option<Trace> {
    let admitting = eni
        .groups
        .iter()
        .find(|g| sg_match(idx, g, egress, proto, port, remote).is_some());
    if let Some(g) = admitting {
        t.push(g, T_SG);
        return None;
    }
    let done = std::mem::replace(t, Trace::new());
    if let Some(g) = eni
        .groups
        .iter()
        .find(|g| !idx.snap.security_groups.contains_key(**g))
    {
        return Some(missing(done, g, T_SG, "security group"));
    }
    let g = eni.groups.first().copied().unwrap_or(&eni.id);
    let mut done = done;
    done.push(g, T_SG);
    Some(done.block(g, T_SG, BlockCode::EniSgRulesMismatch))
}

/// A packet from outside the ENI's VPC, classified by the return route to its source.
/// `via_public` says whether the destination address used was one of the ENI's public
/// addresses (needed to enter through an internet gateway).
pub(crate) fn from_outside(
    eng: &Engine,
    eni: &Eni,
    pkt: Packet,
    via_public: bool,
    internet_only: bool,
) -> Trace {
    let idx = &eng.idx;
    let t = Trace::new();
    let (rt, mut t) = match route_table_or(idx, eni, t) {
        Ok(x) => x,
        Err(t) => return t,
    };
    let (class, gw) = match route_lookup(idx, rt, pkt.src).map(|r| r.1) {
        Some(Target::Igw(g)) => (SourceClass::Internet, g),
        Some(Target::Pcx(g)) if !internet_only => (SourceClass::PeeredVPC, g),
        Some(Target::Vgw(g)) if !internet_only => (SourceClass::VGW, g),
        Some(Target::Tgw(g)) if !internet_only => (SourceClass::TGW, g),
        Some(Target::Blackhole(_)) => {
            t.push(&rt.route_table_id, T_RT);
            return t.block(&rt.route_table_id, T_RT, BlockCode::BlackholeRoute);
        }
        Some(Target::Other(g)) if !g.is_empty() && !gateway_endpoint(idx.snap, rt, &g) => {
            t.push(&rt.route_table_id, T_RT);
            return unevaluated_target(idx, t, &g);
        }
        _ => {
            t.push(&rt.route_table_id, T_RT);
            let code = if internet_only {
                BlockCode::NoRouteToIgw
            } else {
                BlockCode::NoRouteToDestination
            };
            return t.block(&rt.route_table_id, T_RT, code);
        }
    };
    let dst = eni
        .own_addrs()
        .copied()
        .find(|a| a.is_ipv6() == pkt.src.is_ipv6());
    let outside = !idx.vpc_cidrs.values().any(|c| c.contains(pkt.src));
    let on_prem = |local: IpAddr| crate::onprem::OnPrem {
        remote: pkt.src,
        local,
        announced: crate::onprem::propagated(idx, rt, pkt.src),
    };
    if let (SourceClass::TGW, Some(local), true) = (class, dst, outside) {
        let ctx = eni.subnet_id.and_then(|s| idx.subnets.get(s));
        if let Some(ctx) = ctx.filter(|_| idx.tgw.tgws.contains(&gw)) {
            match crate::hops_tgw::arrive_from_onprem(idx, &gw, ctx, on_prem(local)) {
                Err(t) => return t,
                Ok(Some(mut t)) => {
                    t.push(&rt.route_table_id, T_RT);
                    return enter_eni(idx, eni, pkt, t, true);
                }
                Ok(None) => {}
            }
        }
    }
    let ty = match class {
        SourceClass::Internet => T_IGW,
        SourceClass::PeeredVPC => T_PCX,
        SourceClass::VGW => T_VGW,
        SourceClass::TGW => T_TGW,
    };
    t.push(&gw, ty);
    let known = match class {
        SourceClass::Internet => idx.snap.internet_gateways.contains_key(&gw),
        SourceClass::VGW => idx.snap.vpn_gateways.contains_key(&gw),
        SourceClass::PeeredVPC => idx.peerings.contains_key(&gw),
        SourceClass::TGW => idx.tgw.tgws.contains(&gw),
    };
    if !known {
        return missing(t, &gw, ty, "gateway");
    }
    let space = eng.subnet(eni.subnet_id.unwrap_or_default());
    let in_space = match class {
        // The scan narrows the VGW's space to what the connections behind it carry; the
        // path explains that at the connection (`beyond_vgw` below), so here it only
        // needs the gateway attached to the VPC.
        SourceClass::VGW => {
            let ctx = eni.subnet_id.and_then(|s| idx.subnets.get(s));
            vgw_attached(idx, &gw, ctx.map(|c| c.vpc_id.as_str()).or(eni.vpc_id))
        }
        _ => space.space.get(&class).is_some_and(|s| s.contains(pkt.src)),
    };
    match class {
        SourceClass::Internet => {
            if !idx.internet.contains(pkt.src) {
                let reason = crate::public::not_public_reason(pkt.src)
                    .unwrap_or_else(|| format!("{} belongs to a VPC of the account", pkt.src));
                return t.explained(&gw, T_IGW, BlockCode::SourceNotPublic, reason);
            }
            let family_ok = match pkt.src {
                IpAddr::V4(_) => via_public && !eni.public_ips.is_empty(),
                IpAddr::V6(_) => eni.global_ipv6(),
            };
            if !family_ok {
                return t.block(&gw, T_IGW, BlockCode::IgwPrivateIpAssociationForIngress);
            }
            let dst = eni.own_addrs().next().copied();
            if let Some(x) = crate::engine::ingress_appliance(idx, &gw, dst) {
                let t = unevaluated_target(idx, t, &x);
                return t;
            }
            if !in_space {
                return t.block(&gw, T_IGW, BlockCode::IgwNotAttachedToVpc);
            }
        }
        SourceClass::PeeredVPC => {
            let active = idx.peerings.get(&gw).is_none_or(|p| p.active);
            if !active {
                return t.block(&gw, T_PCX, BlockCode::BadStateVpcPeering);
            }
            if !in_space {
                return t.block(&gw, T_PCX, BlockCode::NoRouteToDestination);
            }
        }
        _ if !in_space => return t.block(&gw, ty, BlockCode::NoRouteToDestination),
        SourceClass::VGW if outside => {
            if let Some(local) = dst {
                let side = crate::onprem::beyond_vgw(idx, Trace::new(), &gw, on_prem(local));
                let mut path: Vec<Hop> = side.path.into_iter().rev().collect();
                path.append(&mut t.path);
                t.path = path;
                if side.blocked.is_some() {
                    t.blocked = side.blocked;
                    return t;
                }
            }
        }
        _ => {}
    }
    t.push(&rt.route_table_id, T_RT);
    enter_eni(idx, eni, pkt, t, true)
}

/// From one ENI to another (same VPC, a peered VPC, or through transit gateways).
pub(crate) fn between(
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
    if let Some(done) = sg_gate(idx, src, true, proto, port, dst_ip, &mut t) {
        return done;
    }
    let same_subnet = src.subnet_id.is_some() && src.subnet_id == dst.subnet_id;
    let (_, s_acl, s_ctx) = subnet_parts(idx, src);
    let (d_rt, _, d_ctx) = subnet_parts(idx, dst);
    if !same_subnet {
        if let Some(acl) = s_acl {
            t.push(&acl.network_acl_id, T_ACL);
            if !nacl_decide(acl, true, proto, port, dst_ip).1 || !reply_in_ok(acl, proto, dst_ip) {
                return t.block(&acl.network_acl_id, T_ACL, BlockCode::SubnetAclRestriction);
            }
        } else if let Some(id) = s_ctx.and_then(|c| c.nacl.as_deref()) {
            return missing(t, id, T_ACL, "network ACL");
        } else {
            return no_acl(t, src);
        }
        let (rt, t2) = match route_table_or(idx, src, t) {
            Ok(x) => x,
            Err(t) => return t,
        };
        t = t2;
        t.push(&rt.route_table_id, T_RT);
        let s_vpc = s_ctx.map(|c| c.vpc_id.as_str()).unwrap_or_default();
        let d_vpc = d_ctx.map(|c| c.vpc_id.as_str()).unwrap_or_default();
        match route_lookup(idx, rt, dst_ip).map(|r| r.1) {
            Some(Target::Local) if s_vpc == d_vpc => {}
            Some(Target::Pcx(g)) if s_vpc != d_vpc => {
                t.push(&g, T_PCX);
                match idx.peerings.get(&g) {
                    Some(p) if !p.active => {
                        return t.block(&g, T_PCX, BlockCode::BadStateVpcPeering)
                    }
                    Some(p) if p.other_side(s_vpc).and_then(|o| o.0.as_deref()) != Some(d_vpc) => {
                        return t.block(&g, T_PCX, BlockCode::NoRouteToDestination)
                    }
                    None => return missing(t, &g, T_PCX, "peering connection"),
                    _ => {}
                }
                let (Some(sc), Some(dc)) = (s_ctx, d_ctx) else {
                    return t.block(&rt.route_table_id, T_RT, BlockCode::NoRouteToDestination);
                };
                if crate::hops_tgw::reply_back(idx, &mut t, (sc, src_ip), (dc, dst_ip), d_rt)
                    .is_none()
                {
                    return t;
                }
            }
            Some(Target::Tgw(g)) if s_vpc != d_vpc => {
                let (Some(sc), Some(dc)) = (s_ctx, d_ctx) else {
                    return t.block(&rt.route_table_id, T_RT, BlockCode::NoRouteToDestination);
                };
                if via_tgw(idx, &mut t, &g, (sc, src_ip), (dc, dst_ip), d_rt).is_none() {
                    return t;
                }
                if let Some(r) = d_rt {
                    t.push(&r.route_table_id, T_RT);
                }
            }
            Some(Target::Blackhole(_)) => {
                return t.block(&rt.route_table_id, T_RT, BlockCode::BlackholeRoute)
            }
            Some(Target::Other(g)) if !g.is_empty() => return unevaluated_target(idx, t, &g),
            _ => return t.block(&rt.route_table_id, T_RT, BlockCode::NoRouteToDestination),
        }
    }
    let pkt = Packet {
        src: src_ip,
        proto,
        port,
    };
    enter_eni(idx, dst, pkt, t, !same_subnet)
}

/// Whether the source ACL lets the reply back in to at least one ephemeral port.
pub(crate) fn reply_in_ok(acl: &kensa_model::ec2::NetworkAcl, proto: u8, remote: IpAddr) -> bool {
    let lo: u16 = if matches!(proto, TCP | UDP) { 1024 } else { 0 };
    let mut cands = vec![lo];
    for e in acl.entries.iter().filter(|e| !e.egress) {
        if let Some(r) = e.port_range {
            cands.extend(
                [Some(r.from), r.to.checked_add(1)]
                    .into_iter()
                    .flatten()
                    .filter(|x| *x >= lo),
            );
        }
    }
    if matches!(proto, ICMP | ICMPV6) {
        cands.extend((0..=255u16).map(|ty| ty << 8));
    }
    cands
        .into_iter()
        .any(|q| nacl_decide(acl, false, proto, q, remote).1)
}

/// Whether virtual private gateway `gw` is attached to `vpc` (not detached or detaching).
fn vgw_attached(idx: &Index, gw: &str, vpc: Option<&str>) -> bool {
    idx.snap.vpn_gateways.get(gw).is_some_and(|g| {
        g.vpc_attachments.iter().any(|a| {
            a.vpc_id.as_deref() == vpc
                && !matches!(a.state.as_deref(), Some("detached" | "detaching"))
        })
    })
}
