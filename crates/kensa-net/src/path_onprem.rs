//! `on-premises` (optionally behind one VPN connection, virtual private gateway or
//! Direct Connect gateway) as the source or destination of a path query: the
//! on-premises prefixes the snapshot knows become candidate addresses, each is traced,
//! and the first that gets through answers (else the one that got furthest,
//! indeterminate before blocked).
use std::net::IpAddr;

use kensa_model::{IdKind, Snapshot};

use crate::index::Index;
use crate::path::{Endpoint, PathAnswer, PathError};
use crate::rangeset::parse_net;

/// Whether `id` names something on-premises traffic passes: a VPN connection, a
/// virtual private gateway or a Direct Connect gateway of the snapshot.
pub(crate) fn is_onprem_gateway(snap: &Snapshot, id: &str) -> bool {
    matches!(
        IdKind::detect(id),
        Some(IdKind::VpnConnection | IdKind::VpnGateway)
    ) || snap.direct_connect_gateways.contains_key(id)
        || snap
            .direct_connect_gateway_associations
            .values()
            .any(|a| a.direct_connect_gateway_id.as_deref() == Some(id))
}

/// The gateways (VGW or TGW attachment resources) an on-premises endpoint is behind.
fn gateways(snap: &Snapshot, via: Option<&str>) -> Vec<String> {
    let Some(via) = via else { return Vec::new() };
    let mut out = vec![via.to_string()];
    if let Some(v) = snap.vpn_connections.get(via) {
        out.extend(v.vpn_gateway_id.clone());
    }
    for a in snap.direct_connect_gateway_associations.values() {
        if a.direct_connect_gateway_id.as_deref() == Some(via) {
            out.extend(a.gateway_id().map(String::from));
        }
    }
    out
}

/// First usable address of every on-premises prefix the snapshot names: VPN static
/// routes, VPC routes to virtual private gateways, TGW routes to VPN and Direct Connect
/// gateway attachments, public virtual interfaces' prefixes. Never a public address
/// routed to the Internet, never one inside a VPC of the snapshot.
fn candidates(idx: &Index, via: Option<&str>, v6: bool) -> Vec<IpAddr> {
    let snap = idx.snap;
    let gws = gateways(snap, via);
    let wanted = |id: &str| via.is_none() || gws.iter().any(|g| g == id);
    let mut nets: Vec<String> = Vec::new();
    for v in snap.vpn_connections.values() {
        let on = wanted(&v.vpn_connection_id) || v.vpn_gateway_id.as_deref().is_some_and(wanted);
        if on {
            nets.extend(
                v.routes
                    .iter()
                    .filter_map(|r| r.destination_cidr_block.clone()),
            );
        }
    }
    for rt in snap.route_tables.values() {
        for r in &rt.routes {
            if r.gateway_id
                .as_deref()
                .is_some_and(|g| IdKind::VpnGateway.matches(g) && wanted(g))
            {
                nets.extend(r.destination_cidr_block.clone());
                nets.extend(r.destination_ipv6_cidr_block.clone());
            }
        }
    }
    for t in idx.tgw.tables.values() {
        for r in &t.routes {
            let crate::tgw::TgwNext::Attachment(a) = &r.next else {
                continue;
            };
            let Some(att) = idx.tgw.attachments.get(a) else {
                continue;
            };
            let onprem = matches!(
                att.kind,
                crate::tgw::AttKind::Vpn | crate::tgw::AttKind::DirectConnect
            );
            if onprem && (via.is_none() || att.resource.as_deref().is_some_and(wanted)) {
                nets.push(r.dest.to_string());
            }
        }
    }
    for vif in snap.virtual_interfaces.values() {
        if via.is_none() || vif.direct_connect_gateway_id.as_deref().is_some_and(wanted) {
            nets.extend(
                vif.route_filter_prefixes
                    .iter()
                    .filter_map(|p| p.cidr.clone()),
            );
        }
    }
    let mut out: Vec<IpAddr> = nets
        .iter()
        .filter_map(|n| parse_net(n))
        .filter(|n| n.prefix_len() > 0)
        .filter_map(|n| n.hosts().next().or(Some(n.addr())))
        .filter(|ip| ip.is_ipv6() == v6 && crate::path::validate_address(*ip, "source").is_ok())
        .filter(|ip| !idx.vpc_cidrs.values().any(|c| c.contains(*ip)))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Answers a query whose source or destination is on-premises.
pub(crate) fn query_onprem(
    snap: &Snapshot,
    from: &Endpoint,
    to: &Endpoint,
    protocol: &str,
    port: Option<u16>,
) -> Result<PathAnswer, PathError> {
    let idx = Index::new(snap);
    let (via, is_from) = match (from, to) {
        (Endpoint::OnPremises(v), _) => (v.as_deref(), true),
        (_, Endpoint::OnPremises(v)) => (v.as_deref(), false),
        _ => unreachable!("called for on-premises endpoints only"),
    };
    let v6 = matches!(if is_from { to } else { from }, Endpoint::Ip(IpAddr::V6(_)));
    let cands = candidates(&idx, via, v6);
    if cands.is_empty() {
        let what = via.map_or("on-premises".to_string(), |v| {
            format!("on-premises behind {v}")
        });
        return Err(PathError::NoOnPremisesPrefix(what));
    }
    let pairs = cands
        .into_iter()
        .map(|ip| {
            if is_from {
                (Endpoint::Ip(ip), to.clone())
            } else {
                (from.clone(), Endpoint::Ip(ip))
            }
        })
        .collect();
    crate::path_component::pick(snap, pairs, via, protocol, port)
}
