//! Transit gateways as AWS computes them.
//!
//! * A TGW route table's routes are its static routes (blackholes included) plus the
//!   CIDRs of every attachment propagating into it: a VPC attachment propagates its
//!   VPC's CIDR blocks; VPN, Direct Connect gateway and Connect attachments propagate
//!   what their peers announce, which a snapshot does not hold. With
//!   `search-transit-gateway-routes` output the routes are taken from it and checked
//!   against the propagations (a propagated VPC route missing from it is added, with a
//!   warning); without it they are derived from the propagations (static routes are then
//!   unknown: warning). A table with neither is *unknown*.
//! * Longest prefix wins; at equal length a static route beats a propagated one.
//! * An attachment's traffic is looked up in the route table it is associated with
//!   (from the attachment's `Association` or the tables' association lists).
//! * A VPC attachment carries traffic only from subnets in the Availability Zones where
//!   it has a subnet (unknown subnets: assumed to cover every zone).
//! * A peering attachment joins two TGWs; the same attachment id is associated on each
//!   side, with static routes only. Multi-account snapshots put both TGWs and every
//!   account's attachments in one model, so shared TGWs need nothing more.
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use ipnet::IpNet;
use kensa_model::transit::{TransitGatewayAttachment, TransitGatewayRouteTable};
use kensa_model::{IdKind, Snapshot, Warning};

use crate::index::warning;
use crate::rangeset::{parse_net, AddrSet};

/// Where a TGW route sends traffic.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TgwNext {
    /// To this attachment (`tgw-attach-…`).
    Attachment(String),
    /// Dropped (a blackhole route).
    Blackhole,
}

/// One route of a TGW route table.
#[derive(Debug, Clone)]
pub struct TgwRoute {
    /// Destination CIDR.
    pub dest: IpNet,
    /// Static (else propagated): a static route wins over a propagated one of equal length.
    pub is_static: bool,
    /// Where it sends traffic.
    pub next: TgwNext,
}

/// A TGW route table with the routes kensa knows.
#[derive(Debug, Clone)]
pub struct TgwTable {
    /// The route table id (`tgw-rtb-…`).
    pub id: String,
    /// The transit gateway it belongs to.
    pub tgw: String,
    /// Sorted by precedence: longest prefix first, static before propagated.
    pub routes: Vec<TgwRoute>,
    /// Neither route search output nor propagations: its routes are not known.
    pub unknown: bool,
    /// Attachments propagating routes the snapshot does not hold (a VPN's or Direct
    /// Connect gateway's BGP routes, without route search output): a lookup that misses
    /// may still match one of them.
    pub unknown_propagations: Vec<String>,
    /// What the table sends to each attachment, precedence applied (computed once).
    by_attachment: BTreeMap<String, AddrSet>,
}

impl TgwTable {
    /// Longest-prefix match for one address.
    pub fn lookup(&self, ip: IpAddr) -> Option<&TgwRoute> {
        self.routes.iter().find(|r| r.dest.contains(&ip))
    }

    /// The addresses this table sends to `att` (as sets, precedence applied).
    pub fn routed_to(&self, att: &str) -> AddrSet {
        self.by_attachment.get(att).cloned().unwrap_or_default()
    }

    fn partition(routes: &[TgwRoute]) -> BTreeMap<String, AddrSet> {
        let mut remaining = AddrSet::full();
        let mut out: BTreeMap<String, AddrSet> = BTreeMap::new();
        for r in routes {
            let m = AddrSet::from_net(&r.dest).intersect(&remaining);
            if m.is_empty() {
                continue;
            }
            remaining = remaining.difference(&m);
            if let TgwNext::Attachment(a) = &r.next {
                let e = out.entry(a.clone()).or_default();
                *e = e.union(&m);
            }
        }
        out
    }
}

/// The kind of resource behind an attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttKind {
    /// A VPC attachment.
    Vpc,
    /// A Site-to-Site VPN connection.
    Vpn,
    /// A Direct Connect gateway.
    DirectConnect,
    /// A peering with another transit gateway.
    Peering,
    /// Anything else (Connect, network function), by its AWS type name.
    Other(String),
}

/// One TGW attachment.
#[derive(Debug, Clone)]
pub struct TgwAttachment {
    /// The attachment id (`tgw-attach-…`).
    pub id: String,
    /// The TGWs it joins: one, or two for a peering.
    pub tgws: Vec<String>,
    /// What is attached.
    pub kind: AttKind,
    /// The VPC, VPN connection, DX gateway or peer TGW id.
    pub resource: Option<String>,
    /// State `available`: only then does it carry traffic.
    pub available: bool,
    /// Availability Zones of its subnets; `None` when the snapshot does not say.
    pub azs: Option<BTreeSet<String>>,
    /// False when a VPC attachment says `Ipv6Support: disable`: its VPC's IPv6 CIDRs
    /// do not propagate.
    pub ipv6: bool,
}

/// Every TGW's route tables and attachments.
#[derive(Debug, Clone, Default)]
pub struct TgwModel {
    /// Every transit gateway id the snapshot names.
    pub tgws: BTreeSet<String>,
    /// Route tables by id.
    pub tables: BTreeMap<String, TgwTable>,
    /// Attachments by id.
    pub attachments: BTreeMap<String, TgwAttachment>,
    /// (TGW, attachment) → associated route table.
    pub association: BTreeMap<(String, String), String>,
}

fn kind_of(t: Option<&str>) -> AttKind {
    match t.unwrap_or("") {
        "vpc" => AttKind::Vpc,
        "vpn" => AttKind::Vpn,
        "direct-connect-gateway" => AttKind::DirectConnect,
        "peering" => AttKind::Peering,
        other => AttKind::Other(other.to_string()),
    }
}

impl TgwModel {
    /// Builds the model from the snapshot's transit gateways, attachments and route tables
    /// (`vpc_cidrs` gives what a VPC attachment propagates); never fails: a table or attachment
    /// that cannot be placed is skipped with a warning, and a table whose routes are unknown is
    /// marked so that lookups stay indeterminate rather than "no route".
    pub fn new(
        snap: &Snapshot,
        vpc_cidrs: &std::collections::HashMap<String, AddrSet>,
    ) -> (Self, Vec<Warning>) {
        let mut m = TgwModel::default();
        let mut warns = Vec::new();
        m.tgws.extend(snap.transit_gateways.keys().cloned());
        for a in snap.transit_gateway_attachments.values() {
            m.add_attachment(snap, a, &mut warns);
        }
        for t in snap.transit_gateway_route_tables.values() {
            let Some(tgw) = t.transit_gateway_id.clone() else {
                warns.push(warning(
                    format!(
                        "TransitGatewayRouteTables.{}",
                        t.transit_gateway_route_table_id
                    ),
                    "route table names no transit gateway; skipped",
                ));
                continue;
            };
            for a in t
                .associations
                .iter()
                .filter_map(|a| a.transit_gateway_attachment_id.clone())
            {
                m.association
                    .insert((tgw.clone(), a), t.transit_gateway_route_table_id.clone());
            }
            m.tgws.insert(tgw.clone());
            let table = m.build_table(t, tgw, vpc_cidrs, &mut warns);
            m.tables.insert(table.id.clone(), table);
        }
        (m, warns)
    }

    fn add_attachment(
        &mut self,
        snap: &Snapshot,
        a: &TransitGatewayAttachment,
        warns: &mut Vec<Warning>,
    ) {
        let kind = kind_of(a.resource_type.as_deref());
        let mut tgws: Vec<String> = a.transit_gateway_id.iter().cloned().collect();
        if kind == AttKind::Peering {
            // One record per peering survives a merged snapshot; its resource is the peer TGW.
            tgws.extend(
                a.resource_id
                    .iter()
                    .filter(|r| IdKind::TransitGateway.matches(r))
                    .cloned(),
            );
        }
        if let AttKind::Other(t) = &kind {
            warns.push(warning(
                format!(
                    "TransitGatewayAttachments.{}",
                    a.transit_gateway_attachment_id
                ),
                format!(
                    "attachment type `{t}` is not evaluated: paths through it are indeterminate"
                ),
            ));
        }
        let azs = (!a.subnet_ids.is_empty()).then(|| {
            a.subnet_ids
                .iter()
                .filter_map(|s| snap.subnets.get(s)?.availability_zone.clone())
                .collect::<BTreeSet<_>>()
        });
        // Subnets outside the snapshot: their zones are unknown, assume every zone.
        let azs = azs.filter(|z| {
            z.len() == a.subnet_ids.len()
                || a.subnet_ids.iter().all(|s| snap.subnets.contains_key(s))
        });
        if let (Some(tgw), Some(rt)) = (
            &a.transit_gateway_id,
            a.association
                .as_ref()
                .and_then(|x| x.transit_gateway_route_table_id.clone()),
        ) {
            let associated = a.association.as_ref().and_then(|x| x.state.as_deref());
            if associated.is_none_or(|s| s == "associated") {
                self.association
                    .insert((tgw.clone(), a.transit_gateway_attachment_id.clone()), rt);
            }
        }
        self.attachments.insert(
            a.transit_gateway_attachment_id.clone(),
            TgwAttachment {
                id: a.transit_gateway_attachment_id.clone(),
                tgws,
                kind,
                resource: a.resource_id.clone().or_else(|| a.vpc_id.clone()),
                available: a.state.as_deref().is_none_or(|s| s == "available"),
                azs,
                ipv6: a.ipv6_possible(),
            },
        );
    }

    fn build_table(
        &self,
        t: &TransitGatewayRouteTable,
        tgw: String,
        vpc_cidrs: &std::collections::HashMap<String, AddrSet>,
        warns: &mut Vec<Warning>,
    ) -> TgwTable {
        let id = t.transit_gateway_route_table_id.clone();
        let path = |i: usize| format!("TransitGatewayRouteTables.{id}.Routes[{i}]");
        let mut routes = Vec::new();
        for (i, r) in t.routes.iter().enumerate() {
            let Some(dest) = r.destination_cidr_block.as_deref() else {
                warns.push(warning(path(i), "route without a destination CIDR (prefix-list routes are not evaluated); skipped"));
                continue;
            };
            let Some(dest) = parse_net(dest) else {
                warns.push(warning(
                    path(i),
                    format!("bad destination `{dest}`; route skipped"),
                ));
                continue;
            };
            let next = if r.state.as_deref() == Some("blackhole") {
                TgwNext::Blackhole
            } else {
                match r
                    .transit_gateway_attachments
                    .iter()
                    .find_map(|a| a.transit_gateway_attachment_id.clone())
                {
                    Some(a) => TgwNext::Attachment(a),
                    None => {
                        warns.push(warning(
                            path(i),
                            "active route without an attachment; skipped",
                        ));
                        continue;
                    }
                }
            };
            let is_static = r.route_type.as_deref() != Some("propagated");
            routes.push(TgwRoute {
                dest,
                is_static,
                next,
            });
        }
        let searched = !t.routes.is_empty();
        let mut unknown_propagations = Vec::new();
        for p in t
            .propagations
            .iter()
            .filter(|p| p.state.as_deref().is_none_or(|s| s == "enabled"))
        {
            let Some(att) = p.transit_gateway_attachment_id.clone() else {
                continue;
            };
            let vpc = self
                .attachments
                .get(&att)
                .filter(|a| a.kind == AttKind::Vpc)
                .and_then(|a| a.resource.clone())
                .or_else(|| {
                    (p.resource_type.as_deref() == Some("vpc"))
                        .then(|| p.resource_id.clone())
                        .flatten()
                });
            let Some(cidrs) = vpc.as_ref().and_then(|v| vpc_cidrs.get(v)) else {
                if !searched {
                    unknown_propagations.push(att.clone());
                    warns.push(warning(
                        format!("TransitGatewayRouteTables.{id}.Propagations.{att}"),
                        "propagated routes of this attachment are not in the snapshot (announced by its peer, or its VPC is missing); they are not evaluated",
                    ));
                }
                continue;
            };
            let ipv6 = self.attachments.get(&att).is_none_or(|a| a.ipv6);
            for net in cidrs
                .to_cidrs()
                .iter()
                .filter_map(|c| parse_net(c))
                .filter(|n| ipv6 || matches!(n, ipnet::IpNet::V4(_)))
            {
                let present = routes.iter().any(|r| r.dest == net);
                if !present {
                    if searched {
                        warns.push(warning(
                            format!("TransitGatewayRouteTables.{id}"),
                            format!("propagation from {att} implies a route to {net}, which the route search output lacks; route added"),
                        ));
                    }
                    routes.push(TgwRoute {
                        dest: net,
                        is_static: false,
                        next: TgwNext::Attachment(att.clone()),
                    });
                }
            }
        }
        if !searched && !t.propagations.is_empty() {
            warns.push(warning(
                format!("TransitGatewayRouteTables.{id}"),
                "no route search output: routes derived from propagations; static routes unknown",
            ));
        }
        let unknown = !searched && t.propagations.is_empty();
        if unknown {
            warns.push(warning(
                format!("TransitGatewayRouteTables.{id}"),
                "neither routes nor propagations in the snapshot: routes unknown, every source assumed",
            ));
        }
        routes.sort_by_key(|r| (std::cmp::Reverse(r.dest.prefix_len()), !r.is_static));
        TgwTable {
            by_attachment: TgwTable::partition(&routes),
            id,
            tgw,
            routes,
            unknown,
            unknown_propagations,
        }
    }

    /// The route table an attachment's traffic is looked up in, on `tgw`.
    pub fn table_of(&self, tgw: &str, att: &str) -> Option<&TgwTable> {
        self.association
            .get(&(tgw.to_string(), att.to_string()))
            .and_then(|t| self.tables.get(t))
    }

    /// Whether the snapshot holds any route table of `tgw`.
    pub fn has_tables(&self, tgw: &str) -> bool {
        self.tables.values().any(|t| t.tgw == tgw)
    }

    /// The attachments of `vpc` on `tgw`.
    pub fn vpc_attachments<'a>(
        &'a self,
        tgw: &'a str,
        vpc: &'a str,
    ) -> impl Iterator<Item = &'a TgwAttachment> + 'a {
        self.attachments.values().filter(move |a| {
            a.kind == AttKind::Vpc
                && a.resource.as_deref() == Some(vpc)
                && a.tgws.iter().any(|t| t == tgw)
        })
    }

    /// The source addresses transit gateway `tgw` can deliver into subnet `ctx`, with
    /// the replies able to go back (see the module documentation): for every
    /// attachment `a` of the subnet's VPC that serves the subnet's zone, every table
    /// that routes the subnet to `a` brings the addresses behind each attachment `b`
    /// associated with it, as far as `a`'s own table routes them back to `b`. Unknown
    /// tables (no routes, no propagations) route everything; a TGW without any table
    /// in the snapshot delivers every source.
    pub fn sources_into(
        &self,
        tgw: &str,
        ctx: &crate::index::SubnetCtx,
        vpc_cidrs: &std::collections::HashMap<String, AddrSet>,
    ) -> Result<AddrSet, String> {
        let m = self;
        if !m.has_tables(tgw) {
            return Err(
                "no route table of this transit gateway is in the snapshot; every source assumed"
                    .into(),
            );
        }
        let ours: Vec<_> = m.vpc_attachments(tgw, &ctx.vpc_id).collect();
        if ours.is_empty() {
            return Err(format!("routes of {} lead to this transit gateway, but no attachment of {} to it is in the snapshot; every source assumed", ctx.id, ctx.vpc_id));
        }
        let mut out = AddrSet::empty();
        for a in ours {
            if !a.available || !TgwModel::serves_az(a, ctx.az.as_deref()) {
                continue;
            }
            let Some(back) = m.table_of(tgw, &a.id) else {
                continue;
            };
            for t in m.tables.values().filter(|t| t.tgw == tgw) {
                let reaches =
                    t.unknown || ctx.cidrs.is_empty() || t.routed_to(&a.id).intersects(&ctx.cidrs);
                if !reaches {
                    continue;
                }
                for ((_, b), _) in m
                    .association
                    .iter()
                    .filter(|((g, b), rt)| g == tgw && *rt == &t.id && b != &a.id)
                {
                    let behind = match m.attachments.get(b) {
                        Some(x) if x.kind == AttKind::Vpc => x
                            .resource
                            .as_deref()
                            .and_then(|v| vpc_cidrs.get(v))
                            .cloned()
                            .unwrap_or_else(AddrSet::full),
                        _ => AddrSet::full(),
                    };
                    let ret = if back.unknown {
                        behind
                    } else {
                        behind.intersect(&back.routed_to(b))
                    };
                    out = out.union(&ret);
                }
            }
        }
        Ok(out)
    }

    /// Whether the attachment carries traffic from or to a subnet in `az`.
    pub fn serves_az(a: &TgwAttachment, az: Option<&str>) -> bool {
        match (&a.azs, az) {
            (Some(zones), Some(z)) => zones.contains(z),
            _ => true,
        }
    }
}
