//! Any component as the source or destination of a path query (`igw-`, `pcx-`, `tgw-`,
//! `tgw-attach-`, `vpce-`, `nat-`): each stands for the addresses behind it, and the
//! query is answered for each candidate; the first that gets through *and passes the
//! component* answers, else the one that got furthest (indeterminate before blocked).
//!
//! * `igw-…`: the Internet through that gateway.
//! * `pcx-…`: the VPC on either side (an interface of it when the snapshot has one,
//!   else the first address of its CIDR).
//! * `tgw-attach-…`: what is behind the attachment (its VPC, the on-premises network
//!   of its VPN connection or Direct Connect gateway); `tgw-…`: behind any of them.
//! * `vpce-…`: an interface endpoint is its network interfaces (with the endpoint's own
//!   security groups); a gateway endpoint, as a destination, is its service's prefix
//!   list; a Gateway Load Balancer endpoint is an appliance: indeterminate.
//! * `nat-…`: the NAT gateway's network interface.
use std::net::IpAddr;

use kensa_model::block_code::BlockCode;
use kensa_model::{IdKind, Snapshot};

use crate::hops::{Trace, T_VPCE};
use crate::index::Index;
use crate::path::{answer, query, Endpoint, PathAnswer, PathError, Verdict};
use crate::rangeset::{parse_net, AddrSet};
use crate::tgw::AttKind;

/// What a component id expands to.
pub(crate) enum Expansion {
    /// Candidate endpoints; an answer must pass `via` (when set) to count.
    Candidates(Vec<Endpoint>, Option<String>),
    /// Answered without tracing (an appliance kensa does not evaluate).
    Answer(PathAnswer),
}

fn first_host(cidrs: &AddrSet) -> Option<IpAddr> {
    cidrs
        .to_cidrs()
        .iter()
        .filter_map(|c| parse_net(c))
        .find_map(|n| n.hosts().next())
}

/// An interface of `vpc` when the snapshot has one, else the first address of `cidrs`.
fn vpc_side(idx: &Index, vpc: Option<&str>, cidrs: &AddrSet) -> Vec<Endpoint> {
    let eni = vpc.and_then(|v| {
        idx.enis
            .iter()
            .filter(|e| e.vpc_id == Some(v) && e.instance_id.is_some())
            .min_by(|a, b| a.id.cmp(&b.id))
    });
    match eni {
        Some(e) => vec![Endpoint::Named(e.id.to_string())],
        None => first_host(cidrs).map(Endpoint::Ip).into_iter().collect(),
    }
}

fn behind_attachment(idx: &Index, att: &str, depth: u8) -> Vec<Endpoint> {
    let Some(a) = idx.tgw.attachments.get(att) else {
        return Vec::new();
    };
    match &a.kind {
        AttKind::Vpc => {
            let vpc = a.resource.as_deref();
            let cidrs = vpc
                .and_then(|v| idx.vpc_cidrs.get(v))
                .cloned()
                .unwrap_or_default();
            vpc_side(idx, vpc, &cidrs)
        }
        AttKind::Vpn | AttKind::DirectConnect => {
            vec![Endpoint::OnPremises(a.resource.clone())]
        }
        AttKind::Peering if depth == 0 => a
            .tgws
            .iter()
            .flat_map(|g| behind_tgw(idx, g, Some(att), 1))
            .collect(),
        _ => Vec::new(),
    }
}

fn behind_tgw(idx: &Index, tgw: &str, except: Option<&str>, depth: u8) -> Vec<Endpoint> {
    idx.tgw
        .attachments
        .values()
        .filter(|a| a.tgws.iter().any(|g| g == tgw) && Some(a.id.as_str()) != except)
        .flat_map(|a| behind_attachment(idx, &a.id, depth))
        .collect()
}

fn enis(idx: &Index, ids: impl Iterator<Item = String>) -> Vec<Endpoint> {
    ids.filter(|i| idx.eni_by_id.contains_key(i.as_str()))
        .map(Endpoint::Named)
        .collect()
}

fn endpoint(idx: &Index, id: &str, as_source: bool) -> Result<Expansion, PathError> {
    let e = idx.snap.vpc_endpoints.get(id);
    let kind = e.and_then(|e| e.vpc_endpoint_type.as_deref()).unwrap_or("");
    if kind == "Gateway" {
        if as_source {
            return Err(PathError::NotASource(
                id.to_string(),
                "a gateway endpoint only carries traffic to its service",
            ));
        }
        let cidrs: Vec<IpAddr> = idx
            .snap
            .route_tables
            .values()
            .flat_map(|rt| &rt.routes)
            .filter(|r| r.gateway_id.as_deref() == Some(id))
            .filter_map(|r| r.destination_prefix_list_id.as_deref())
            .filter_map(|pl| idx.snap.prefix_lists.get(pl))
            .filter_map(|pl| {
                pl.all_cidrs()
                    .filter_map(parse_net)
                    .find_map(|n| n.hosts().next())
            })
            .collect();
        let cands = cidrs.into_iter().take(1).map(Endpoint::Ip).collect();
        return Ok(Expansion::Candidates(cands, Some(id.to_string())));
    }
    if kind == "GatewayLoadBalancer"
        || (e.is_none() && !idx.enis.iter().any(|x| described_as(x, id)))
    {
        let t = crate::hops::unevaluated_target(idx, Trace::new(), id);
        let mut a = answer(t, None, None);
        a.verdict = Verdict::Indeterminate;
        return Ok(Expansion::Answer(a));
    }
    let mut found = enis(
        idx,
        e.into_iter()
            .flat_map(|e| e.network_interface_ids.iter().cloned()),
    );
    if found.is_empty() {
        // Requester-managed interfaces name their endpoint in the description.
        found = idx
            .enis
            .iter()
            .filter(|x| described_as(x, id))
            .map(|x| Endpoint::Named(x.id.to_string()))
            .collect();
    }
    if found.is_empty() {
        let reason =
            format!("the network interfaces of interface endpoint {id} are not in the snapshot");
        let t = Trace::new().explained(id, T_VPCE, BlockCode::ComponentNotInSnapshot, reason);
        return Ok(Expansion::Answer(answer(t, None, None)));
    }
    Ok(Expansion::Candidates(found, None))
}

fn described_as(e: &crate::index::Eni, id: &str) -> bool {
    e.description
        .is_some_and(|d| d.starts_with("VPC Endpoint Interface") && d.ends_with(id))
}

/// Expands `id` when it names a component; `None` for anything else.
pub(crate) fn expand(
    snap: &Snapshot,
    idx: &Index,
    id: &str,
    as_source: bool,
) -> Result<Option<Expansion>, PathError> {
    let via = Some(id.to_string());
    let kind = IdKind::detect(id);
    let cands = if kind == Some(IdKind::InternetGateway) {
        vec![Endpoint::Internet]
    } else if kind == Some(IdKind::VpcPeeringConnection) {
        let Some(p) = idx.peerings.get(id) else {
            return Err(PathError::UnknownEndpoint(id.to_string()));
        };
        (0..2)
            .flat_map(|i| vpc_side(idx, p.vpcs[i].as_deref(), &p.cidrs[i]))
            .collect()
    } else if kind == Some(IdKind::TransitGatewayAttachment) {
        behind_attachment(idx, id, 0)
    } else if matches!(
        kind,
        Some(IdKind::TransitGateway | IdKind::TransitGatewayRouteTable)
    ) {
        behind_tgw(idx, id, None, 0)
    } else if kind == Some(IdKind::VpcEndpoint) {
        return endpoint(idx, id, as_source).map(Some);
    } else if let Some(n) = snap
        .nat_gateways
        .get(id)
        .filter(|_| kind == Some(IdKind::NatGateway))
    {
        let ids = n
            .nat_gateway_addresses
            .iter()
            .filter_map(|a| a.network_interface_id.clone());
        let mut c = enis(idx, ids);
        c.extend(
            n.nat_gateway_addresses
                .iter()
                .filter_map(|a| a.private_ip.as_deref()?.parse().ok())
                .map(Endpoint::Ip)
                .take(usize::from(c.is_empty())),
        );
        return Ok(Some(Expansion::Candidates(c, None)));
    } else {
        return Ok(None);
    };
    Ok(Some(Expansion::Candidates(cands, via)))
}

/// Traces every candidate pair; the first reachable one that passes `via` answers,
/// else the one that got furthest (indeterminate before blocked).
pub(crate) fn pick(
    snap: &Snapshot,
    pairs: Vec<(Endpoint, Endpoint)>,
    via: Option<&str>,
    protocol: &str,
    port: Option<u16>,
) -> Result<PathAnswer, PathError> {
    let mut best: Option<PathAnswer> = None;
    let mut first_err = None;
    for (from, to) in pairs {
        let ans = match query(snap, &from, &to, protocol, port) {
            Ok(a) => a,
            Err(e) => {
                first_err.get_or_insert(e);
                continue;
            }
        };
        let passes = via.is_none_or(|v| ans.path.iter().any(|h| h.component_id == v));
        if ans.verdict == Verdict::Reachable && passes {
            return Ok(ans);
        }
        let rank = |a: &PathAnswer| (a.verdict == Verdict::Indeterminate, a.path.len());
        if best.as_ref().is_none_or(|b| rank(&ans) > rank(b)) {
            best = Some(ans);
        }
    }
    match (best, first_err) {
        (Some(b), _) => Ok(b),
        (None, Some(e)) => Err(e),
        (None, None) => Err(PathError::NoAddress(
            "the component (nothing behind it in the snapshot)".into(),
        )),
    }
}
