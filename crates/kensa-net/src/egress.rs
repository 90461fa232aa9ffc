//! Egress: a packet from an ENI to an address outside every VPC of the snapshot (the
//! Internet, an on-premises network), answered like ingress, hop by hop, with the
//! reply's way back checked.
//!
//! * The source's security group egress rules and its subnet's ACL (request out, reply
//!   in to an ephemeral port) must pass.
//! * The subnet's route to the destination decides: an internet gateway needs a public
//!   IPv4 address (or a global IPv6 address) on the ENI and a public destination; a NAT
//!   gateway (IPv4 only) needs to be available, public, and its own subnet to route the
//!   destination to an internet gateway; a virtual private gateway delivers to the VPN
//!   or Direct Connect side (what is beyond is not in the snapshot); a transit gateway
//!   is followed to the attachment that takes the packet (VPN, Direct Connect or
//!   another VPC: kensa stops there and says which); appliances and unknown targets are
//!   indeterminate; no route, a blackhole, a NAT or egress-only gateway used wrongly
//!   block.
use std::net::IpAddr;

use kensa_model::block_code::BlockCode;

use crate::engine::Engine;
use crate::hops::{missing, subnet_parts, Trace, T_ACL, T_ENI, T_IGW, T_INSTANCE, T_RT, T_SG};
use crate::index::Eni;
use crate::onprem::{beyond_vgw, OnPrem};
use crate::packet::{nacl_decide, route_lookup, sg_match};
use crate::rules::Target;

const T_NAT: &str = "AWS::EC2::NatGateway";
const T_EIGW: &str = "AWS::EC2::EgressOnlyInternetGateway";
const T_VGW: &str = "AWS::EC2::VPNGateway";

/// Traces a packet from `src` to `dst_ip`, outside the snapshot's VPCs.
pub(crate) fn to_outside(eng: &Engine, src: &Eni, dst_ip: IpAddr, proto: u8, port: u16) -> Trace {
    let idx = &eng.idx;
    let mut t = Trace::new();
    if let Some(i) = &src.instance_id {
        t.push(i, T_INSTANCE);
    }
    t.push(&src.id, T_ENI);
    let out = src
        .groups
        .iter()
        .find(|g| sg_match(idx, g, true, proto, port, dst_ip).is_some());
    match out {
        Some(g) => t.push(g, T_SG),
        None => {
            if let Some(g) = src
                .groups
                .iter()
                .find(|g| !idx.snap.security_groups.contains_key(**g))
            {
                return missing(t, g, T_SG, "security group");
            }
            let g = src.groups.first().copied().unwrap_or(&src.id);
            t.push(g, T_SG);
            return t.block(g, T_SG, BlockCode::EniSgRulesMismatch);
        }
    }
    let (rt, acl, ctx) = subnet_parts(idx, src);
    match (acl, ctx.and_then(|c| c.nacl.as_deref())) {
        (Some(acl), _) => {
            t.push(&acl.network_acl_id, T_ACL);
            let reply_in = crate::hops::reply_in_ok(acl, proto, dst_ip);
            if !nacl_decide(acl, true, proto, port, dst_ip).1 || !reply_in {
                return t.block(&acl.network_acl_id, T_ACL, BlockCode::SubnetAclRestriction);
            }
        }
        (None, Some(id)) => return missing(t, id, T_ACL, "network ACL"),
        (None, None) => return crate::hops::no_acl(t, src),
    }
    let Some(rt) = rt else {
        let sub = src.subnet_id.unwrap_or(&src.id);
        return missing(t, sub, "AWS::EC2::Subnet", "route table of subnet");
    };
    t.push(&rt.route_table_id, T_RT);
    let public_dst = idx.internet.contains(dst_ip);
    let local = src
        .own_addrs()
        .copied()
        .find(|a| a.is_ipv6() == dst_ip.is_ipv6());
    let on_prem = |rt: &kensa_model::ec2::RouteTable, remote: IpAddr| OnPrem {
        remote,
        local: local.unwrap_or(remote),
        announced: crate::onprem::propagated(idx, rt, remote),
    };
    match route_lookup(idx, rt, dst_ip).map(|r| r.1) {
        Some(Target::Igw(g)) => {
            t.push(&g, T_IGW);
            if !idx.snap.internet_gateways.contains_key(&g) {
                return missing(t, &g, T_IGW, "internet gateway");
            }
            let has_public = match dst_ip {
                IpAddr::V4(_) => !src.public_ips.is_empty(),
                IpAddr::V6(_) => src.global_ipv6(),
            };
            if !has_public {
                return t.block(&g, T_IGW, BlockCode::IgwPrivateIpAssociationForIngress);
            }
            if !public_dst {
                let reason = crate::public::not_public_reason(dst_ip)
                    .unwrap_or_else(|| format!("{dst_ip} belongs to a VPC of the account"));
                return t.explained(&g, T_IGW, BlockCode::DestinationNotPublic, reason);
            }
            t
        }
        Some(Target::Nat(g)) => through_nat(eng, t, &g, dst_ip),
        Some(Target::EgressOnlyIgw(g)) if dst_ip.is_ipv6() && public_dst => {
            t.push(&g, T_EIGW);
            t
        }
        Some(Target::Vgw(g)) => {
            t.push(&g, T_VGW);
            if !idx.snap.vpn_gateways.contains_key(&g) {
                return missing(t, &g, T_VGW, "virtual private gateway");
            }
            beyond_vgw(idx, t, &g, on_prem(rt, dst_ip))
        }
        Some(Target::Tgw(g)) => {
            let Some(ctx) = ctx else {
                return t.block(&rt.route_table_id, T_RT, BlockCode::NoRouteToDestination);
            };
            crate::hops_tgw::leave_through_tgw(idx, t, &g, ctx, on_prem(rt, dst_ip))
        }
        Some(Target::Blackhole(_)) => t.block(&rt.route_table_id, T_RT, BlockCode::BlackholeRoute),
        // A gateway endpoint takes the packet to its service (S3, DynamoDB).
        Some(Target::Other(g)) if crate::engine::gateway_endpoint(idx.snap, rt, &g) => {
            t.push(&g, crate::hops::T_VPCE);
            t
        }
        Some(Target::Other(g))
            if !g.is_empty() && !crate::engine::gateway_endpoint(idx.snap, rt, &g) =>
        {
            crate::hops::unevaluated_target(idx, t, &g)
        }
        _ => t.block(&rt.route_table_id, T_RT, BlockCode::NoRouteToDestination),
    }
}

/// Through NAT gateway `g`: available, public, IPv4, and its subnet routes `dst` to an
/// internet gateway.
fn through_nat(eng: &Engine, mut t: Trace, g: &str, dst: IpAddr) -> Trace {
    let idx = &eng.idx;
    t.push(g, T_NAT);
    let Some(nat) = idx.snap.nat_gateways.get(g) else {
        return missing(t, g, T_NAT, "NAT gateway");
    };
    if nat.state.as_deref().is_some_and(|s| s != "available") {
        return t.block(g, T_NAT, BlockCode::BadStateAttachment);
    }
    if dst.is_ipv6()
        || !idx.internet.contains(dst)
        || nat.connectivity_type.as_deref() == Some("private")
    {
        let reason = "a public NAT gateway forwards only IPv4 traffic to public addresses; a private one never reaches the Internet".to_string();
        return t.explained(g, T_NAT, BlockCode::NoRouteToDestination, reason);
    }
    let rt = nat
        .subnet_id
        .as_deref()
        .and_then(|s| idx.subnets.get(s))
        .and_then(|c| c.route_table.as_deref())
        .and_then(|r| idx.snap.route_tables.get(r));
    let Some(rt) = rt else {
        let sub = nat.subnet_id.as_deref().unwrap_or(g);
        return missing(
            t,
            sub,
            "AWS::EC2::Subnet",
            "route table of the NAT gateway's subnet",
        );
    };
    t.push(&rt.route_table_id, T_RT);
    match route_lookup(idx, rt, dst).map(|r| r.1) {
        Some(Target::Igw(i)) => {
            t.push(&i, T_IGW);
            t
        }
        Some(Target::Other(x)) if !x.is_empty() => crate::hops::unevaluated_target(idx, t, &x),
        _ => t.block(&rt.route_table_id, T_RT, BlockCode::NoRouteToIgw),
    }
}
