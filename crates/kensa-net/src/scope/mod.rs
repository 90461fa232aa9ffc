//! Exhaustive scope queries: Network Access Analyzer's scope JSON answered exactly over
//! the whole account.
//!
//! A `MatchPaths` entry names sources and destinations (resource ids, resource types,
//! or kensa's `kensa:Tags` extension), through resources and packet headers. kensa
//! answers every combination its ends allow:
//! * **gateway → ENI** (an internet gateway, peering, VPN or transit gateway as the
//!   source): the engine's exposure sets, exact over (protocol, port, source address),
//!   split per gateway;
//! * **ENI → gateway** (the Internet through an internet or NAT gateway, the VPN side,
//!   a transit gateway): egress over the addresses outside every VPC (the Internet is
//!   public address space), cut into cells by every deciding set, one packet traced per
//!   cell;
//! * **ENI → ENI** (instances, subnets, VPCs, security groups, tag segments): every pair
//!   the security groups do not rule out, cut into cells the same way.
//!
//! Network Access Analyzer calls its answers "best effort"; these are exact where the
//! engine models the components, and `indeterminate` (never dropped) where a path
//! passes an appliance or a component the snapshot lacks. `ExcludePaths` entries take
//! the traffic they describe away from the matches whose ends and hops they match.
//! Unsupported statement parts are errors naming their JSON path.
use crate::engine::Analysis;
use crate::flow::Lattice;
use crate::rangeset::AddrSet;

mod cells;
mod eval;
mod findings;
mod parse;
mod select;

pub use eval::{Axis, End, ScopeMatch};
pub use findings::{findings, FindingOptions, RULE_INDETERMINATE, RULE_MATCH};
pub use parse::{parse_scope, PacketHeader, PathSpec, ResourceStatement, ScopeError, ScopeSpec};

use eval::Ctx;
use parse::err;
use select::{Ends, Through};

/// Limits of one evaluation.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// ENI pairs one statement may examine.
    pub max_pairs: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_pairs: 50_000_000,
        }
    }
}

fn ends(a: &Analysis, r: &Option<ResourceStatement>) -> Result<Ends, ScopeError> {
    match r {
        Some(r) => select::resolve(a, r),
        None => Ok(Ends::any(a)),
    }
}

/// Answers the scope over the analysed account.
pub fn evaluate(
    a: &Analysis,
    spec: &ScopeSpec,
    limits: Limits,
) -> Result<Vec<ScopeMatch>, ScopeError> {
    let ctx = Ctx {
        a,
        max_pairs: limits.max_pairs,
    };
    let excludes = spec
        .exclude_paths
        .iter()
        .map(|p| Exclusion::new(a, p))
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::new();
    for p in &spec.match_paths {
        let src = ends(a, &p.source.resource)?;
        let dst = ends(a, &p.destination.resource)?;
        let through = p
            .through
            .iter()
            .map(|t| select::through(a, t))
            .collect::<Result<Vec<_>, _>>()?;
        let explicit_gateways_only = |e: &Ends, r: &Option<ResourceStatement>| {
            r.is_some() && e.enis.is_empty() && !e.gateways.is_empty()
        };
        if explicit_gateways_only(&src, &p.source.resource)
            && explicit_gateways_only(&dst, &p.destination.resource)
        {
            return Err(err(&p.path, "gateway-to-gateway paths (transit through the account) are not supported: name instances, ENIs, subnets or VPCs on one side"));
        }
        let mut found = Vec::new();
        if !src.gateways.is_empty() && !dst.enis.is_empty() {
            found.extend(eval::ingress(
                &ctx,
                &p.path,
                &src.gateways,
                &dst,
                &p.header,
                &through,
            ));
        }
        if !src.enis.is_empty() && !dst.gateways.is_empty() {
            found.extend(eval::egress(
                &ctx,
                &p.path,
                &src,
                &dst.gateways,
                &p.header,
                &through,
            )?);
        }
        if !src.enis.is_empty() && !dst.enis.is_empty() {
            found.extend(eval::pairs(&ctx, &p.path, &src, &dst, &p.header, &through)?);
        }
        for m in &mut found {
            for x in &excludes {
                x.apply(a, m);
            }
        }
        found.retain(|m| !m.flows.is_empty());
        out.extend(found);
    }
    Ok(out)
}

/// An `ExcludePaths` entry, resolved.
struct Exclusion {
    src: Ends,
    dst: Ends,
    through: Vec<Through>,
    header: PacketHeader,
}

impl Exclusion {
    fn new(a: &Analysis, p: &PathSpec) -> Result<Self, ScopeError> {
        Ok(Exclusion {
            src: ends(a, &p.source.resource)?,
            dst: ends(a, &p.destination.resource)?,
            through: p
                .through
                .iter()
                .map(|t| select::through(a, t))
                .collect::<Result<_, _>>()?,
            header: p.header.clone(),
        })
    }

    fn covers(e: &Ends, end: &End) -> bool {
        match end {
            End::Eni(i) => e.enis.contains(i),
            End::Gateway(class, id) => e.has_gateway(*class, id),
        }
    }

    /// Takes the traffic this exclusion describes away from `m`.
    fn apply(&self, a: &Analysis, m: &mut ScopeMatch) {
        if !Self::covers(&self.src, &m.source)
            || !Self::covers(&self.dst, &m.destination)
            || !self.through.iter().all(|t| t.matches(&m.hops))
        {
            return;
        }
        let addrs_of = |end: &End| -> Vec<std::net::IpAddr> {
            match end {
                End::Eni(i) => {
                    let e = &a.engine.idx.enis[*i];
                    e.own_addrs().chain(e.public_ips.iter()).copied().collect()
                }
                End::Gateway(..) => Vec::new(),
            }
        };
        let h = &self.header;
        let (axis_addrs, fixed) = match m.axis {
            Axis::Source => (
                &h.source_addresses,
                vec![(&h.destination_addresses, &m.destination)],
            ),
            Axis::Destination => (
                &h.destination_addresses,
                vec![(&h.source_addresses, &m.source)],
            ),
            Axis::Fixed => (
                &None,
                vec![
                    (&h.source_addresses, &m.source),
                    (&h.destination_addresses, &m.destination),
                ],
            ),
        };
        if !fixed
            .iter()
            .all(|(c, end)| cells::fixed_ok(c, &addrs_of(end)))
        {
            return;
        }
        let full = AddrSet::full();
        let removed = cells::header_region(h, axis_addrs.as_ref().unwrap_or(&full));
        m.flows = m.flows.difference(&removed);
    }
}
