//! On-premises networks behind a virtual private gateway (VPN connections, Direct
//! Connect gateway associations) or a transit gateway's VPN and Direct Connect gateway
//! attachments: whether the packet for an on-premises address leaves AWS towards it.
//!
//! * A VPN connection with static routing carries exactly its static routes (state
//!   `available`); one with BGP carries what the customer gateway announces, which a
//!   snapshot does not hold: the route that brought the packet to the gateway is the
//!   evidence. A route propagated from the VGW into the VPC's route table (origin
//!   `EnableVgwRoutePropagation`) or a TGW route to the attachment was announced, so the
//!   packet is delivered; a static VPC route into a BGP connection leaves it
//!   *indeterminate* ("announced by the customer gateway", never `blocked`).
//! * A Direct Connect gateway associated with the VGW or TGW announces only its allowed
//!   prefixes on-premises: a VPC address outside them gets no reply (blocked at the DX
//!   gateway). It needs an `available` virtual interface; its on-premises routes are BGP
//!   like a VPN's.
//! * The gateways and connections must be in a usable state.
use std::net::IpAddr;

use kensa_model::block_code::BlockCode;
use kensa_model::direct_connect::DirectConnectGatewayAssociation;
use kensa_model::transit::VpnConnection;
use kensa_model::ResourceType;

use crate::hops::Trace;
use crate::index::Index;
use crate::rangeset::{parse_net, AddrSet};

pub(crate) const T_VPN: &str = "AWS::EC2::VPNConnection";
pub(crate) const T_CGW: &str = "AWS::EC2::CustomerGateway";
pub(crate) const T_DXGW: &str = "AWS::DirectConnect::DirectConnectGateway";
pub(crate) const T_VIF: &str = "AWS::DirectConnect::VirtualInterface";

/// A packet for on-premises address `remote`, sent by (or replying to) VPC address
/// `local`. `announced` says whether the route that brought it here was announced by the
/// on-premises side (propagated), so BGP connections are known to carry it.
#[derive(Clone, Copy)]
pub(crate) struct OnPrem {
    pub remote: IpAddr,
    pub local: IpAddr,
    pub announced: bool,
}

/// Not being deleted (a `pending` one exists but does not carry traffic yet).
fn usable(state: Option<&str>) -> bool {
    !matches!(state, Some("deleting" | "deleted"))
}

/// Whether the connection routes statically only (`Options.StaticRoutesOnly`).
fn static_only(v: &VpnConnection) -> bool {
    v.options
        .as_ref()
        .and_then(|o| o.get("StaticRoutesOnly"))
        .and_then(|x| x.as_bool())
        .unwrap_or(false)
}

fn static_route_covers(v: &VpnConnection, ip: IpAddr) -> bool {
    v.routes.iter().any(|r| {
        r.state.as_deref().is_none_or(|s| s == "available")
            && r.destination_cidr_block
                .as_deref()
                .and_then(parse_net)
                .is_some_and(|n| n.contains(&ip))
    })
}

/// Through a VPN connection (already known to be the one the gateway uses).
fn through_vpn(mut t: Trace, v: &VpnConnection, p: OnPrem) -> Trace {
    let id = &v.vpn_connection_id;
    t.push(id, T_VPN);
    if v.state.as_deref().is_some_and(|s| s != "available") {
        return t.block(id, T_VPN, BlockCode::BadStateAttachment);
    }
    if static_only(v) {
        if !static_route_covers(v, p.remote) {
            let reason = format!("no static route of {id} covers {}", p.remote);
            return t.explained(id, T_VPN, BlockCode::NoRouteToDestination, reason);
        }
    } else if !p.announced && !static_route_covers(v, p.remote) {
        let cgw = v
            .customer_gateway_id
            .as_deref()
            .unwrap_or("its customer gateway");
        let reason = format!(
            "{id} uses BGP: whether {} is announced by the customer gateway {cgw} is not in the snapshot",
            p.remote
        );
        return t.explained(id, T_VPN, BlockCode::BgpRoutesUnknown, reason);
    }
    if let Some(c) = &v.customer_gateway_id {
        t.push(c, T_CGW);
    }
    t
}

/// Through Direct Connect gateway association `a` of gateway `gw`.
fn through_dx(idx: &Index, mut t: Trace, a: &DirectConnectGatewayAssociation, p: OnPrem) -> Trace {
    let dx = a
        .direct_connect_gateway_id
        .as_deref()
        .unwrap_or(&a.association_id);
    t.push(dx, T_DXGW);
    if !a.is_associated() {
        return t.block(dx, T_DXGW, BlockCode::BadStateAttachment);
    }
    let prefixes: Vec<_> = a
        .allowed_prefixes_to_direct_connect_gateway
        .iter()
        .filter_map(|x| x.cidr.as_deref().and_then(parse_net))
        .collect();
    if !prefixes.is_empty() && !prefixes.iter().any(|n| n.contains(&p.local)) {
        let reason = format!(
            "{} is not in the allowed prefixes of the association with {}: it is never announced on-premises, so no reply comes back",
            p.local,
            a.gateway_id().unwrap_or("the gateway")
        );
        return t.explained(dx, T_DXGW, BlockCode::DxAllowedPrefixesMismatch, reason);
    }
    let snap = idx.snap;
    let mut vifs = snap
        .virtual_interfaces
        .values()
        .filter(|v| v.direct_connect_gateway_id.as_deref() == Some(dx));
    let vif = vifs.clone().find(|v| v.is_available());
    match vif {
        Some(v) => t.push(&v.virtual_interface_id, T_VIF),
        None => {
            if let Some(down) = vifs.next() {
                let id = &down.virtual_interface_id;
                t.push(id, T_VIF);
                return t.block(id, T_VIF, BlockCode::BadStateAttachment);
            }
            if lacks(idx, ResourceType::DirectConnectVirtualInterface) {
                let reason = format!("the virtual interfaces of {dx} are not in the snapshot");
                return t.explained(dx, T_DXGW, BlockCode::ComponentNotInSnapshot, reason);
            }
            let reason = format!("{dx} has no virtual interface");
            return t.explained(dx, T_DXGW, BlockCode::NoRouteToDestination, reason);
        }
    }
    if !p.announced {
        let reason = format!(
            "on-premises routes over {dx} are announced by the customer router over BGP; whether {} is one is not in the snapshot",
            p.remote
        );
        return t.explained(dx, T_DXGW, BlockCode::BgpRoutesUnknown, reason);
    }
    t
}

/// Whether the VPC route that `rt` uses for `remote` was propagated by a virtual private
/// gateway (announced from on-premises).
pub(crate) fn propagated(idx: &Index, rt: &kensa_model::ec2::RouteTable, remote: IpAddr) -> bool {
    crate::packet::route_lookup(idx, rt, remote)
        .is_some_and(|(i, _)| rt.routes[i].origin.as_deref() == Some("EnableVgwRoutePropagation"))
}

fn lacks(idx: &Index, kind: ResourceType) -> bool {
    idx.snap.completeness.absent.contains(&kind)
}

fn dx_associations<'a>(
    idx: &'a Index,
    gw: &'a str,
) -> impl Iterator<Item = &'a DirectConnectGatewayAssociation> + 'a {
    idx.snap
        .direct_connect_gateway_associations
        .values()
        .filter(move |a| a.gateway_id() == Some(gw))
}

/// Beyond virtual private gateway `vgw` (already pushed): the first VPN connection or
/// Direct Connect gateway that delivers the packet; when none does, the answer that
/// got furthest (indeterminate before blocked).
pub(crate) fn beyond_vgw(idx: &Index, t: Trace, vgw: &str, p: OnPrem) -> Trace {
    let snap = idx.snap;
    let mut best: Option<Trace> = None;
    let vpns = snap
        .vpn_connections
        .values()
        .filter(|v| v.vpn_gateway_id.as_deref() == Some(vgw) && usable(v.state.as_deref()));
    let tries = vpns
        .map(|v| through_vpn(t.fork(), v, p))
        .chain(dx_associations(idx, vgw).map(|a| through_dx(idx, t.fork(), a, p)));
    for cand in tries {
        if cand.blocked.is_none() {
            return cand;
        }
        best = Some(match best {
            Some(b) if rank(&b) >= rank(&cand) => b,
            _ => cand,
        });
    }
    if let Some(b) = best {
        return b;
    }
    if lacks(idx, ResourceType::VpnConnection)
        && lacks(idx, ResourceType::DirectConnectGatewayAssociation)
    {
        let reason = format!(
            "the VPN connections and Direct Connect gateway associations of {vgw} are not in the snapshot"
        );
        return t.explained(
            vgw,
            crate::hops::T_VGW,
            BlockCode::ComponentNotInSnapshot,
            reason,
        );
    }
    let reason = format!("no VPN connection or Direct Connect gateway of {vgw} carries traffic");
    t.explained(
        vgw,
        crate::hops::T_VGW,
        BlockCode::NoRouteToDestination,
        reason,
    )
}

/// Indeterminate answers outrank blocked ones; then the longer path.
fn rank(t: &Trace) -> (bool, usize) {
    let open = t
        .blocked
        .as_ref()
        .is_some_and(|b| b.code.is_indeterminate());
    (open, t.path.len())
}

/// Beyond a TGW's VPN or Direct Connect gateway attachment `att` (already pushed), for
/// which the TGW route table had a route (so the prefix is known to the TGW).
pub(crate) fn beyond_tgw_attachment(
    idx: &Index,
    t: Trace,
    tgw: &str,
    kind: &crate::tgw::AttKind,
    resource: Option<&str>,
    p: OnPrem,
) -> Trace {
    let p = OnPrem {
        announced: true,
        ..p
    };
    match kind {
        crate::tgw::AttKind::Vpn => match resource.and_then(|r| idx.snap.vpn_connections.get(r)) {
            Some(v) => {
                // TGW VPN routes live in the TGW route table: the VPN's own list is empty.
                let mut t = t;
                t.push(&v.vpn_connection_id, T_VPN);
                if v.state.as_deref().is_some_and(|s| s != "available") {
                    return t.block(&v.vpn_connection_id, T_VPN, BlockCode::BadStateAttachment);
                }
                if let Some(c) = &v.customer_gateway_id {
                    t.push(c, T_CGW);
                }
                t
            }
            None => t,
        },
        crate::tgw::AttKind::DirectConnect => {
            let a = dx_associations(idx, tgw)
                .find(|a| resource.is_none() || a.direct_connect_gateway_id.as_deref() == resource);
            match a {
                Some(a) => through_dx(idx, t, a, p),
                None => t,
            }
        }
        _ => t,
    }
}

/// The on-premises sources virtual private gateway `vgw` can carry a reply to, for the
/// scan: what [`beyond_vgw`] does not block for some packet. A static-only VPN
/// connection carries its static routes; a BGP connection, or an associated Direct
/// Connect gateway with a usable virtual interface, carries what the customer announces
/// (unknown: every source, an over- rather than an under-report), and so does a gateway
/// with nothing behind it in the snapshot.
pub(crate) fn vgw_sources(idx: &Index, vgw: &str) -> AddrSet {
    let snap = idx.snap;
    let vpns: Vec<&VpnConnection> = (snap.vpn_connections.values())
        .filter(|v| v.vpn_gateway_id.as_deref() == Some(vgw) && usable(v.state.as_deref()))
        .collect();
    let dx: Vec<_> = dx_associations(idx, vgw).collect();
    if vpns.is_empty() && dx.is_empty() {
        // Nothing behind the gateway in the snapshot: snapshots often leave the VPN and
        // Direct Connect outputs out, so the scan over-reports (the path says why the
        // packet stops at the gateway).
        return AddrSet::full();
    }
    let mut out = AddrSet::empty();
    for v in vpns {
        if v.state.as_deref().is_some_and(|s| s != "available") {
            continue;
        }
        if !static_only(v) {
            return AddrSet::full();
        }
        for r in &v.routes {
            let net = r.destination_cidr_block.as_deref().and_then(parse_net);
            if let (true, Some(n)) = (r.state.as_deref().is_none_or(|s| s == "available"), net) {
                out = out.union(&AddrSet::from_net(&n));
            }
        }
    }
    if dx.into_iter().any(|a| dx_may_carry(idx, a)) {
        return AddrSet::full();
    }
    out
}

/// Whether [`through_dx`] can get past the association for some packet.
fn dx_may_carry(idx: &Index, a: &DirectConnectGatewayAssociation) -> bool {
    if !a.is_associated() {
        return false;
    }
    let dx = a
        .direct_connect_gateway_id
        .as_deref()
        .unwrap_or(&a.association_id);
    let mut vifs = (idx.snap.virtual_interfaces.values())
        .filter(|v| v.direct_connect_gateway_id.as_deref() == Some(dx))
        .peekable();
    if vifs.peek().is_none() {
        return lacks(idx, ResourceType::DirectConnectVirtualInterface);
    }
    vifs.any(|v| v.is_available())
}
