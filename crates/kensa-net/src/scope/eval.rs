//! Answering one path statement over the whole account: from gateways into ENIs (the
//! engine's exact exposure sets), from ENIs out through gateways and between ENIs (cells
//! of the deciding sets, one traced packet per cell).
use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::engine::{Analysis, SourceClass};
use crate::flow::{all_sources, reply_admitted, restrict_addrs, FlowSet, Lattice};
use crate::hops::{between, from_outside, Trace, T_ENI, T_INSTANCE};
use crate::index::Eni;
use crate::packet::Packet;
use crate::path::{Hop, Verdict};
use crate::rangeset::AddrSet;

use super::cells::{addr_splitter, at_point, cells, fixed_ok, header_region, sample};
use super::parse::{err, PacketHeader, ScopeError};
use super::select::{Ends, GatewaySel, Through};

/// One end of a matched path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum End {
    /// An ENI, by its position in [`crate::index::Index::enis`].
    Eni(usize),
    /// A gateway (internet, peering, VPN, transit) of the given class, by id.
    Gateway(SourceClass, String),
}

/// Which address the flows' address axis holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    /// Source addresses (into an ENI from a gateway).
    Source,
    /// Destination addresses (from an ENI out through a gateway).
    Destination,
    /// Both ends are ENIs: the flows are over every address, the ends fixed.
    Fixed,
}

/// A path the scope matches (or may match: `Indeterminate`).
#[derive(Debug, Clone)]
pub struct ScopeMatch {
    /// `MatchPaths[i]`.
    pub statement: String,
    /// Reachable, or indeterminate when an unevaluated component is on the way.
    pub verdict: Verdict,
    /// Where the path starts.
    pub source: End,
    /// Where the path ends.
    pub destination: End,
    /// The flows (protocol, port, address on `axis`) that follow this path.
    pub flows: FlowSet,
    /// Which address the flows' address axis holds.
    pub axis: Axis,
    /// The components traversed, in order.
    pub hops: Vec<Hop>,
    /// Why, for indeterminate matches.
    pub reason: Option<String>,
}

pub(crate) struct Ctx<'a, 's> {
    pub a: &'a Analysis<'s>,
    /// ENI pairs examined at most (a scope over too many pairs must be narrowed).
    pub max_pairs: u64,
}

/// The ENI's addresses a header constraint on it may name.
fn addrs_of(e: &Eni) -> Vec<IpAddr> {
    e.own_addrs().chain(e.public_ips.iter()).copied().collect()
}

fn verdict_of(t: &Trace) -> Verdict {
    match &t.blocked {
        None => Verdict::Reachable,
        Some(b) if b.code.is_indeterminate() => Verdict::Indeterminate,
        Some(_) => Verdict::Blocked,
    }
}

fn type_of(class: SourceClass) -> &'static str {
    match class {
        SourceClass::Internet => crate::hops::T_IGW,
        SourceClass::PeeredVPC => crate::hops::T_PCX,
        SourceClass::VGW => crate::hops::T_VGW,
        SourceClass::TGW => crate::hops::T_TGW,
    }
}

/// From gateways into ENIs: the engine's exposure sets, per gateway.
pub(crate) fn ingress(
    ctx: &Ctx,
    statement: &str,
    gateways: &[GatewaySel],
    dst: &Ends,
    h: &PacketHeader,
    through: &[Through],
) -> Vec<ScopeMatch> {
    let a = ctx.a;
    let eng = &a.engine;
    let mut out = Vec::new();
    let srcs = Ends {
        gateways: gateways.to_vec(),
        ..Ends::default()
    };
    for r in a.enis.iter().filter(|r| dst.enis.contains(&r.eni_index)) {
        let eni = &eng.idx.enis[r.eni_index];
        if !fixed_ok(&h.destination_addresses, &addrs_of(eni)) {
            continue;
        }
        let region = header_region(h, h.source_addresses.as_ref().unwrap_or(&AddrSet::full()));
        for x in r.exposures.iter() {
            for (gw, share) in &x.gateways {
                if !srcs.has_gateway(x.class, gw) {
                    continue;
                }
                let flows = restrict_addrs(&x.flows, share).intersect(&region);
                let Some((proto, port, src)) = sample(&flows) else {
                    continue;
                };
                let via_public = src.is_ipv4() && !eni.public_ips.is_empty();
                let pkt = Packet { src, proto, port };
                let t = from_outside(eng, eni, pkt, via_public, x.class == SourceClass::Internet);
                if !through.iter().all(|th| th.matches(&t.path)) {
                    continue;
                }
                out.push(ScopeMatch {
                    statement: statement.to_string(),
                    verdict: Verdict::Reachable,
                    source: End::Gateway(x.class, gw.clone()),
                    destination: End::Eni(r.eni_index),
                    flows,
                    axis: Axis::Source,
                    hops: t.path,
                    reason: None,
                });
            }
        }
        // Exposure behind a component kensa does not evaluate: it may come from any
        // gateway the statement names, so it is reported whenever one is named.
        for x in r.indeterminate.iter() {
            let region = restrict_addrs(&region, &x.unevaluated.sources);
            let flows = x.flows.intersect(&region);
            if flows.is_empty() {
                continue;
            }
            let u = &x.unevaluated;
            out.push(ScopeMatch {
                statement: statement.to_string(),
                verdict: Verdict::Indeterminate,
                source: End::Gateway(SourceClass::Internet, u.component.clone()),
                destination: End::Eni(r.eni_index),
                flows,
                axis: Axis::Source,
                hops: vec![Hop {
                    component_id: u.component.clone(),
                    component_type: u.component_type.to_string(),
                }],
                reason: Some(u.reason.clone()),
            });
        }
    }
    out
}

/// Cells of one ENI's egress: every set that decides a packet leaving it for `region`.
fn egress_splitters(a: &Analysis, eni: &Eni) -> Vec<FlowSet> {
    let eng = &a.engine;
    let idx = &eng.idx;
    let mut out = Vec::new();
    let mut sg = FlowSet::default();
    for g in &eni.groups {
        sg = sg.union(&eng.group(g).outbound);
    }
    out.push(sg);
    let vpc = eni.vpc_id.unwrap_or_default();
    // Every ACL and route table of the VPC: the packet may cross a NAT gateway's subnet.
    let mut acls: Vec<Option<&str>> = Vec::new();
    for ctx in idx.subnets.values().filter(|c| c.vpc_id == vpc) {
        if !acls.contains(&ctx.nacl.as_deref()) {
            acls.push(ctx.nacl.as_deref());
        }
    }
    for acl in acls {
        let n = eng.nacl(acl);
        out.push(n.inbound.clone());
        out.push(n.outbound.clone());
        out.push(reply_admitted(&n.inbound));
        out.push(reply_admitted(&n.outbound));
    }
    for rt in idx.snap.route_tables.values().filter(|t| t.vpc_id == vpc) {
        for d in idx.route_dests(&rt.routes, &rt.route_table_id).0 {
            out.push(addr_splitter(&d.addrs));
        }
    }
    for t in idx.tgw.tables.values() {
        for r in &t.routes {
            out.push(addr_splitter(&AddrSet::from_net(&r.dest)));
        }
    }
    out.push(addr_splitter(&idx.internet));
    out
}

/// Hops after the source instance and ENI (the part ENIs of one kind share).
fn tail(mut hops: Vec<Hop>) -> Vec<Hop> {
    let n = hops
        .iter()
        .take_while(|h| h.component_type == T_INSTANCE || h.component_type == T_ENI)
        .count();
    hops.drain(..n);
    hops
}

fn head(eni: &Eni) -> Vec<Hop> {
    let mut v = Vec::new();
    if let Some(i) = eni.instance_id {
        v.push(Hop {
            component_id: i.to_string(),
            component_type: T_INSTANCE.to_string(),
        });
    }
    v.push(Hop {
        component_id: eni.id.to_string(),
        component_type: T_ENI.to_string(),
    });
    v
}

type Outcome = (Verdict, Vec<Hop>, Option<String>);

/// Merges traced cells with the same verdict and hops.
fn merge(traced: Vec<(FlowSet, Outcome)>) -> BTreeMap<Vec<(String, String)>, (FlowSet, Outcome)> {
    let mut groups: BTreeMap<Vec<(String, String)>, (FlowSet, Outcome)> = BTreeMap::new();
    for (cell, o) in traced {
        let mut key: Vec<(String, String)> =
            o.1.iter()
                .map(|h| (h.component_id.clone(), h.component_type.clone()))
                .collect();
        key.push((format!("{:?}", o.0), String::new()));
        match groups.get_mut(&key) {
            Some(g) => g.0 = g.0.union(&cell),
            None => {
                groups.insert(key, (cell, o));
            }
        }
    }
    groups
}

fn outcome(t: Trace) -> Outcome {
    let v = verdict_of(&t);
    let reason = t.blocked.as_ref().map(|b| {
        b.reason
            .clone()
            .unwrap_or_else(|| format!("{} at {}", b.code, b.component_id))
    });
    (v, t.path, reason)
}

/// From ENIs out through gateways, to the addresses outside every VPC.
pub(crate) fn egress(
    ctx: &Ctx,
    statement: &str,
    src: &Ends,
    gateways: &[GatewaySel],
    h: &PacketHeader,
    through: &[Through],
) -> Result<Vec<ScopeMatch>, ScopeError> {
    let a = ctx.a;
    let idx = &a.engine.idx;
    let mut outside = AddrSet::full();
    for c in idx.vpc_cidrs.values() {
        outside = outside.difference(c);
    }
    let mut dest = AddrSet::empty();
    for g in gateways {
        dest = dest.union(match g.class {
            SourceClass::Internet => &idx.internet,
            SourceClass::VGW | SourceClass::TGW => &outside,
            SourceClass::PeeredVPC => {
                return Err(err(statement, "a peering connection as the destination: name the peer VPC's instances, subnets or the VPC itself instead"))
            }
        });
    }
    if let Some(d) = &h.destination_addresses {
        dest = dest.intersect(d);
    }
    let region = header_region(h, &dest);
    // ENIs with the same groups, subnet and public addressing leave the same way.
    type Key<'s> = (Vec<&'s str>, Option<&'s str>, bool, bool);
    let mut cache: BTreeMap<Key, Vec<(FlowSet, Outcome)>> = BTreeMap::new();
    let mut out = Vec::new();
    let mut order: Vec<usize> = src.enis.iter().copied().collect();
    order.sort_unstable();
    for i in order {
        let eni = &idx.enis[i];
        if !fixed_ok(&h.source_addresses, &addrs_of(eni)) {
            continue;
        }
        let key = (
            eni.groups.clone(),
            eni.subnet_id,
            !eni.public_ips.is_empty(),
            eni.global_ipv6(),
        );
        let traced = cache.entry(key).or_insert_with(|| {
            let splitters = egress_splitters(a, eni);
            cells(region.clone(), &splitters)
                .into_iter()
                .filter_map(|c| {
                    let (proto, port, dst) = sample(&c)?;
                    let t = crate::egress::to_outside(&a.engine, eni, dst, proto, port);
                    let (v, hops, r) = outcome(t);
                    Some((c, (v, tail(hops), r)))
                })
                .collect()
        });
        for (_, (flows, (verdict, hops, reason))) in merge(traced.clone()) {
            if verdict == Verdict::Blocked {
                continue;
            }
            let left_by = gateways.iter().find_map(|g| {
                hops.iter().find(|h| {
                    h.component_type == type_of(g.class)
                        && g.id.as_deref().is_none_or(|x| x == h.component_id)
                })
            });
            // Reachable must leave by a named gateway; indeterminate may, past the unknown.
            let Some(gw) = left_by.cloned().or_else(|| {
                (verdict == Verdict::Indeterminate)
                    .then(|| hops.last().cloned())
                    .flatten()
            }) else {
                continue;
            };
            let mut full = head(eni);
            full.extend(hops);
            if verdict == Verdict::Reachable && !through.iter().all(|th| th.matches(&full)) {
                continue;
            }
            let class = gateways
                .iter()
                .find(|g| type_of(g.class) == gw.component_type)
                .map_or(SourceClass::Internet, |g| g.class);
            out.push(ScopeMatch {
                statement: statement.to_string(),
                verdict,
                source: End::Eni(i),
                destination: End::Gateway(class, gw.component_id.clone()),
                flows,
                axis: Axis::Destination,
                hops: full,
                reason,
            });
        }
    }
    Ok(out)
}

/// The sets that decide a packet from `s` (at `s_ip`) to `d` (at `d_ip`), seen from
/// those fixed addresses.
fn pair_splitters(a: &Analysis, s: &Eni, s_ip: IpAddr, d: &Eni, d_ip: IpAddr) -> Vec<FlowSet> {
    let eng = &a.engine;
    let mut out = Vec::new();
    for g in &s.groups {
        out.push(at_point(&eng.group(g).outbound, d_ip));
    }
    out.push(at_point(&eng.inbound(&d.groups), s_ip));
    let acl = |e: &Eni| {
        e.subnet_id
            .and_then(|sid| eng.idx.subnets.get(sid))
            .and_then(|c| c.nacl.clone())
    };
    let (sa, da) = (eng.nacl(acl(s).as_deref()), eng.nacl(acl(d).as_deref()));
    out.push(at_point(&sa.outbound, d_ip));
    out.push(at_point(&reply_admitted(&sa.inbound), d_ip));
    out.push(at_point(&da.inbound, s_ip));
    out.push(at_point(&reply_admitted(&da.outbound), s_ip));
    out
}

/// Between ENIs: every (source, destination) pair the groups do not rule out at once.
pub(crate) fn pairs(
    ctx: &Ctx,
    statement: &str,
    src: &Ends,
    dst: &Ends,
    h: &PacketHeader,
    through: &[Through],
) -> Result<Vec<ScopeMatch>, ScopeError> {
    let a = ctx.a;
    let eng = &a.engine;
    let idx = &eng.idx;
    let total = src.enis.len() as u64 * dst.enis.len() as u64;
    if total > ctx.max_pairs {
        return Err(err(statement, format!("{} sources × {} destinations = {total} ENI pairs, more than the limit of {} (--max-pairs); narrow Source or Destination", src.enis.len(), dst.enis.len(), ctx.max_pairs)));
    }
    let mut s_list: Vec<usize> = src.enis.iter().copied().collect();
    let mut d_list: Vec<usize> = dst.enis.iter().copied().collect();
    s_list.sort_unstable();
    d_list.sort_unstable();
    // Whom each ENI's groups admit / let out, whatever the port: a cheap first filter.
    let mut admits: BTreeMap<usize, AddrSet> = BTreeMap::new();
    let mut lets_out: BTreeMap<usize, AddrSet> = BTreeMap::new();
    let region = header_region(h, &AddrSet::full());
    let mut out = Vec::new();
    for &si in &s_list {
        let s = &idx.enis[si];
        let Some(&s_ip) = s.private_ips.first() else {
            continue;
        };
        if !fixed_ok(&h.source_addresses, &addrs_of(s)) {
            continue;
        }
        let outs = lets_out.entry(si).or_insert_with(|| {
            let mut f = FlowSet::default();
            for g in &s.groups {
                f = f.union(&eng.group(g).outbound);
            }
            all_sources(&f)
        });
        for &di in &d_list {
            let d = &idx.enis[di];
            let Some(&d_ip) = d.private_ips.first() else {
                continue;
            };
            if si == di || !outs.contains(d_ip) || !fixed_ok(&h.destination_addresses, &addrs_of(d))
            {
                continue;
            }
            let ins = admits
                .entry(di)
                .or_insert_with(|| all_sources(&eng.inbound(&d.groups)));
            if !ins.contains(s_ip) {
                continue;
            }
            let traced: Vec<(FlowSet, Outcome)> =
                cells(region.clone(), &pair_splitters(a, s, s_ip, d, d_ip))
                    .into_iter()
                    .filter_map(|c| {
                        let (proto, port, _) = sample(&c)?;
                        let t = between(eng, s, s_ip, d, d_ip, proto, port);
                        Some((c, outcome(t)))
                    })
                    .collect();
            for (_, (flows, (verdict, hops, reason))) in merge(traced) {
                if verdict == Verdict::Blocked
                    || (verdict == Verdict::Reachable
                        && !through.iter().all(|th| th.matches(&hops)))
                {
                    continue;
                }
                out.push(ScopeMatch {
                    statement: statement.to_string(),
                    verdict,
                    source: End::Eni(si),
                    destination: End::Eni(di),
                    flows,
                    axis: Axis::Fixed,
                    hops,
                    reason,
                });
            }
        }
    }
    Ok(out)
}
