//! Exactness by cells. Every component a packet meets decides by membership in a set
//! (a security group's rules, an ACL's, a route's prefix); packets that are in the
//! same sets get the same verdict and the same hops. So the region a question covers is
//! cut by every deciding set into cells (points with one membership vector), one packet
//! per cell is traced by the per-packet evaluator, and its verdict holds for the cell.
use std::net::IpAddr;

use crate::flow::{cube, FlowSet, Lattice};
use crate::rangeset::AddrSet;

use super::parse::PacketHeader;

/// The region cut by every splitter; empty cells dropped.
pub fn cells(region: FlowSet, splitters: &[FlowSet]) -> Vec<FlowSet> {
    let mut cells = vec![region];
    cells.retain(|c| !c.is_empty());
    for s in splitters {
        let mut next = Vec::with_capacity(cells.len() * 2);
        for c in cells {
            if !c.overlaps(s) {
                next.push(c);
                continue;
            }
            let inside = c.intersect(s);
            let outside = c.difference(s);
            next.push(inside);
            if !outside.is_empty() {
                next.push(outside);
            }
        }
        cells = next;
    }
    cells
}

/// One packet of a cell: protocol, port, address.
pub fn sample(cell: &FlowSet) -> Option<(u8, u16, IpAddr)> {
    let (p, _, pm) = cell.segments().first()?;
    let (port, _, addrs) = pm.segments().first()?;
    Some((*p, *port, addrs.sample()?))
}

/// An address-only splitter (a route's prefix, a VPC's CIDRs).
pub fn addr_splitter(addrs: &AddrSet) -> FlowSet {
    cube(0, 255, 0, u16::MAX, addrs.clone())
}

/// Keeps the (protocol, port) segments of `flows` whose address set holds `ip`, over
/// every address: a set seen from one fixed remote address.
pub fn at_point(flows: &FlowSet, ip: IpAddr) -> FlowSet {
    let full = AddrSet::full();
    flows.map_values(|pm| {
        pm.map_values(|a| {
            if a.contains(ip) {
                full.clone()
            } else {
                AddrSet::empty()
            }
        })
    })
}

/// The header's protocols and destination ports, over `addrs`.
pub fn header_region(h: &PacketHeader, addrs: &AddrSet) -> FlowSet {
    let mut out = FlowSet::default();
    for &p in &h.protocols {
        match &h.destination_ports {
            Some(ports) => {
                for &(lo, hi) in ports.ranges() {
                    out = out.union(&cube(p, p, lo, hi, addrs.clone()));
                }
            }
            None => out = out.union(&cube(p, p, 0, u16::MAX, addrs.clone())),
        }
    }
    out
}

/// Whether a fixed end's addresses satisfy an address constraint.
pub fn fixed_ok(constraint: &Option<AddrSet>, addrs: &[IpAddr]) -> bool {
    constraint
        .as_ref()
        .is_none_or(|c| addrs.iter().any(|a| c.contains(*a)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::TCP;

    #[test]
    fn cells_partition_the_region_by_membership() {
        let a = |s: &str| AddrSet::parse(s).unwrap();
        let region = cube(TCP, TCP, 0, 100, a("10.0.0.0/8"));
        let s1 = cube(TCP, TCP, 20, 30, AddrSet::full());
        let s2 = addr_splitter(&a("10.1.0.0/16"));
        let cs = cells(region.clone(), &[s1, s2]);
        assert_eq!(cs.len(), 4);
        let union = cs.iter().fold(FlowSet::default(), |u, c| u.union(c));
        assert_eq!(union, region);
        for (i, x) in cs.iter().enumerate() {
            for y in &cs[i + 1..] {
                assert!(!x.overlaps(y));
            }
        }
        let (p, port, ip) = sample(&cs[0]).unwrap();
        assert_eq!((p, port), (TCP, 20));
        assert!(a("10.1.0.0/16").contains(ip));
    }
}
