//! Flow sets: exact sets of (IP protocol, port, source address) as nested segment maps.
//!
//! A [`FlowSet`] partitions the protocol axis (0–255) into segments; each segment holds
//! a [`PortMap`] that partitions the port axis (0–65535) into segments; each of those
//! holds the [`AddrSet`] of source addresses. Adjacent segments with equal contents are
//! merged, so the representation is canonical and `==` is set equality.
//!
//! The port axis means, per protocol: TCP (6) and UDP (17): the destination port; ICMP
//! (1) and ICMPv6 (58): `type << 8 | code`; every other protocol has no ports, and a set
//! only ever holds such a protocol with the whole port axis.
use crate::rangeset::{AddrSet, Point, RangeSet};

/// IANA protocol number of ICMP; its port axis is `type << 8 | code`.
pub const ICMP: u8 = 1;
/// IANA protocol number of TCP; its port axis is the destination port.
pub const TCP: u8 = 6;
/// IANA protocol number of UDP; its port axis is the destination port.
pub const UDP: u8 = 17;
/// IANA protocol number of ICMPv6; its port axis is `type << 8 | code`.
pub const ICMPV6: u8 = 58;

/// Whether protocol `p` has a port (or ICMP type/code) axis.
pub fn has_ports(p: u8) -> bool {
    matches!(p, TCP | UDP | ICMP | ICMPV6)
}

/// A set algebra: what a segment's value must support.
pub trait Lattice: Clone + PartialEq {
    /// The empty set.
    fn empty() -> Self;
    /// Whether the set holds nothing (segments with an empty value are never stored).
    fn is_empty(&self) -> bool;
    /// `self ∪ other`.
    fn union(&self, other: &Self) -> Self;
    /// `self ∩ other`.
    fn intersect(&self, other: &Self) -> Self;
    /// `self \ other`.
    fn difference(&self, other: &Self) -> Self;
    /// `self ∩ other` is not empty.
    fn overlaps(&self, other: &Self) -> bool {
        !self.intersect(other).is_empty()
    }
}

impl Lattice for AddrSet {
    fn empty() -> Self {
        AddrSet::empty()
    }
    fn is_empty(&self) -> bool {
        AddrSet::is_empty(self)
    }
    fn union(&self, o: &Self) -> Self {
        AddrSet::union(self, o)
    }
    fn intersect(&self, o: &Self) -> Self {
        AddrSet::intersect(self, o)
    }
    fn difference(&self, o: &Self) -> Self {
        AddrSet::difference(self, o)
    }
}

/// Sorted, disjoint segments `[lo, hi] -> value`, values never empty, equal neighbours merged.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SegMap<K: Point, V> {
    segs: Vec<(K, K, V)>,
}

impl<K: Point, V: Lattice> Default for SegMap<K, V> {
    fn default() -> Self {
        SegMap { segs: Vec::new() }
    }
}

impl<K: Point, V: Lattice> SegMap<K, V> {
    /// `[lo, hi] -> v` (empty when `v` is empty or `lo > hi`).
    pub fn single(lo: K, hi: K, v: V) -> Self {
        if lo > hi || v.is_empty() {
            return Self::default();
        }
        SegMap {
            segs: vec![(lo, hi, v)],
        }
    }
    /// The segments `(lo, hi, value)`, sorted, disjoint, inclusive bounds.
    pub fn segments(&self) -> &[(K, K, V)] {
        &self.segs
    }
    /// The value at point `k` (binary search), `None` outside every segment.
    pub fn get(&self, k: K) -> Option<&V> {
        let i = self.segs.partition_point(|s| s.1 < k);
        self.segs.get(i).filter(|s| s.0 <= k).map(|s| &s.2)
    }
    fn push(out: &mut Vec<(K, K, V)>, lo: K, hi: K, v: V) {
        if v.is_empty() {
            return;
        }
        if let Some(last) = out.last_mut() {
            if last.1 < K::MAX && last.1.succ() == lo && last.2 == v {
                last.1 = hi;
                return;
            }
        }
        out.push((lo, hi, v));
    }
    /// Applies `f` to every elementary interval of the two maps' common refinement.
    fn combine(&self, other: &Self, f: impl Fn(Option<&V>, Option<&V>) -> Option<V>) -> Self {
        let (a, b) = (&self.segs, &other.segs);
        let (mut i, mut j) = (0, 0);
        let mut out = Vec::with_capacity(a.len() + b.len());
        let mut pos = K::MIN;
        loop {
            while i < a.len() && a[i].1 < pos {
                i += 1;
            }
            while j < b.len() && b[j].1 < pos {
                j += 1;
            }
            if i == a.len() && j == b.len() {
                break;
            }
            let mut end = K::MAX;
            let va = bound(a.get(i), pos, &mut end);
            let vb = bound(b.get(j), pos, &mut end);
            if va.is_some() || vb.is_some() {
                if let Some(v) = f(va, vb) {
                    Self::push(&mut out, pos, end, v);
                }
            }
            if end == K::MAX {
                break;
            }
            pos = end.succ();
        }
        SegMap { segs: out }
    }
    /// Applies `f` to every value, dropping the ones that become empty.
    pub fn map_values(&self, f: impl Fn(&V) -> V) -> Self {
        let mut out = Vec::with_capacity(self.segs.len());
        for (lo, hi, v) in &self.segs {
            Self::push(&mut out, *lo, *hi, f(v));
        }
        SegMap { segs: out }
    }
}

/// The value of segment `s` at `pos` (if it covers `pos`), narrowing `end` to where the
/// answer next changes.
fn bound<'a, K: Point, V>(s: Option<&'a (K, K, V)>, pos: K, end: &mut K) -> Option<&'a V> {
    let s = s?;
    if s.0 <= pos {
        *end = (*end).min(s.1);
        Some(&s.2)
    } else {
        *end = (*end).min(s.0.pred());
        None
    }
}

impl<K: Point, V: Lattice> Lattice for SegMap<K, V> {
    fn empty() -> Self {
        Self::default()
    }
    /// Without building the intersection: walks both segment lists once.
    fn overlaps(&self, other: &Self) -> bool {
        let (a, b) = (&self.segs, &other.segs);
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            let (alo, ahi, av) = &a[i];
            let (blo, bhi, bv) = &b[j];
            if ahi < blo {
                i += 1;
            } else if bhi < alo {
                j += 1;
            } else {
                if av.overlaps(bv) {
                    return true;
                }
                if ahi < bhi {
                    i += 1;
                } else {
                    j += 1;
                }
            }
        }
        false
    }
    fn is_empty(&self) -> bool {
        self.segs.is_empty()
    }
    fn union(&self, o: &Self) -> Self {
        if o.is_empty() {
            return self.clone();
        }
        if self.is_empty() {
            return o.clone();
        }
        self.combine(o, |a, b| match (a, b) {
            (Some(a), Some(b)) => Some(a.union(b)),
            (Some(a), None) | (None, Some(a)) => Some(a.clone()),
            (None, None) => None,
        })
    }
    fn intersect(&self, o: &Self) -> Self {
        if o.is_empty() || self.is_empty() {
            return Self::default();
        }
        self.combine(o, |a, b| match (a, b) {
            (Some(a), Some(b)) => Some(a.intersect(b)),
            _ => None,
        })
    }
    fn difference(&self, o: &Self) -> Self {
        if o.is_empty() || self.is_empty() {
            return self.clone();
        }
        self.combine(o, |a, b| match (a, b) {
            (Some(a), Some(b)) => Some(a.difference(b)),
            (Some(a), None) => Some(a.clone()),
            _ => None,
        })
    }
}

/// Ports (or ICMP type/code) to source addresses.
pub type PortMap = SegMap<u16, AddrSet>;
/// Protocols to ports to source addresses.
pub type FlowSet = SegMap<u8, PortMap>;

/// Protocols `[p_lo, p_hi]` × ports `[port_lo, port_hi]` × `addrs`.
pub fn cube(p_lo: u8, p_hi: u8, port_lo: u16, port_hi: u16, addrs: AddrSet) -> FlowSet {
    FlowSet::single(p_lo, p_hi, PortMap::single(port_lo, port_hi, addrs))
}

/// Every protocol, port and address.
pub fn everything() -> FlowSet {
    cube(0, 255, 0, u16::MAX, AddrSet::full())
}

/// Keeps only flows whose source is in `addrs`.
pub fn restrict_addrs(flows: &FlowSet, addrs: &AddrSet) -> FlowSet {
    flows.map_values(|pm| pm.map_values(|a| a.intersect(addrs)))
}

/// Whether one concrete flow is in the set.
pub fn contains(flows: &FlowSet, proto: u8, port: u16, src: std::net::IpAddr) -> bool {
    flows
        .get(proto)
        .and_then(|pm| pm.get(port))
        .is_some_and(|a| a.contains(src))
}

/// All source addresses of the set, whatever the protocol and port.
pub fn all_sources(flows: &FlowSet) -> AddrSet {
    // One sort of every range rather than a union per segment.
    let sets = || {
        flows
            .segments()
            .iter()
            .flat_map(|s| s.2.segments())
            .map(|s| &s.2)
    };
    AddrSet {
        v4: RangeSet::from_ranges(sets().flat_map(|a| a.v4.ranges().iter().copied())),
        v6: RangeSet::from_ranges(sets().flat_map(|a| a.v6.ranges().iter().copied())),
    }
}

/// The client's ephemeral ports a reply goes to: 1024–65535 for TCP and UDP; any
/// type/code for ICMP (the reply's type differs from the request's); the whole (unused)
/// axis for protocols without ports.
pub fn reply_port_mask() -> FlowSet {
    let all = AddrSet::full();
    let mut m =
        cube(0, 255, 0, u16::MAX, all.clone()).difference(&cube(TCP, TCP, 0, 1023, all.clone()));
    m = m.difference(&cube(UDP, UDP, 0, 1023, all));
    m
}

/// Given what an outbound NACL allows (protocol, destination port, destination address),
/// the (protocol, any port, client address) whose replies it lets out: a reply is admitted
/// when the NACL allows it to at least one of the client's ephemeral ports.
pub fn reply_admitted(outbound_allowed: &FlowSet) -> FlowSet {
    let masked = outbound_allowed.intersect(&reply_port_mask());
    let mut out = Vec::new();
    for (lo, hi, pm) in masked.segments() {
        let mut addrs = AddrSet::empty();
        for (_, _, a) in pm.segments() {
            addrs = addrs.union(a);
        }
        out.push(cube(*lo, *hi, 0, u16::MAX, addrs));
    }
    out.iter().fold(FlowSet::default(), |acc, f| acc.union(f))
}

/// The protocols of a set as a range set (for display).
pub fn protocols(flows: &FlowSet) -> RangeSet<u8> {
    RangeSet::from_ranges(flows.segments().iter().map(|s| (s.0, s.1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(s: &str) -> AddrSet {
        AddrSet::parse(s).unwrap()
    }

    #[test]
    fn overlaps_agrees_with_intersect() {
        let sets = [
            cube(TCP, TCP, 22, 22, a("0.0.0.0/0")),
            cube(TCP, TCP, 80, 443, a("10.0.0.0/8")),
            cube(TCP, UDP, 400, 500, a("10.1.0.0/16")),
            cube(UDP, UDP, 53, 53, a("192.168.0.0/16")),
            cube(0, 255, 0, 65535, a("172.16.0.0/12")),
            FlowSet::default(),
        ];
        for x in &sets {
            for y in &sets {
                assert_eq!(x.overlaps(y), !x.intersect(y).is_empty(), "{x:?} {y:?}");
            }
        }
    }

    #[test]
    fn union_and_difference_are_exact() {
        let ssh = cube(TCP, TCP, 22, 22, a("0.0.0.0/0"));
        let web = cube(TCP, TCP, 80, 443, a("10.0.0.0/8"));
        let u = ssh.union(&web);
        assert!(contains(&u, TCP, 22, "1.2.3.4".parse().unwrap()));
        assert!(contains(&u, TCP, 300, "10.1.1.1".parse().unwrap()));
        assert!(!contains(&u, TCP, 300, "11.1.1.1".parse().unwrap()));
        assert!(!contains(&u, UDP, 22, "1.2.3.4".parse().unwrap()));
        assert_eq!(u.difference(&web), ssh);
        assert_eq!(u.difference(&u), FlowSet::default());
        assert_eq!(ssh.union(&ssh), ssh);
    }

    #[test]
    fn segments_merge_back_into_canonical_form() {
        let left = cube(0, 100, 0, 10, a("10.0.0.0/8"));
        let right = cube(101, 255, 0, 10, a("10.0.0.0/8"));
        assert_eq!(left.union(&right), cube(0, 255, 0, 10, a("10.0.0.0/8")));
        let all = everything();
        let hole = cube(TCP, TCP, 22, 22, AddrSet::full());
        assert_eq!(all.difference(&hole).union(&hole), all);
    }

    #[test]
    fn reply_projection_needs_an_ephemeral_port() {
        let only_low = cube(TCP, TCP, 0, 1023, a("0.0.0.0/0"));
        assert!(reply_admitted(&only_low).is_empty());
        let one_high = cube(TCP, TCP, 5000, 5000, a("1.0.0.0/8"));
        let r = reply_admitted(&one_high);
        assert!(contains(&r, TCP, 22, "1.2.3.4".parse().unwrap()));
        assert!(!contains(&r, UDP, 22, "1.2.3.4".parse().unwrap()));
        let icmp = cube(ICMP, ICMP, 0, 0, a("0.0.0.0/0"));
        assert!(contains(
            &reply_admitted(&icmp),
            ICMP,
            0x0800,
            "9.9.9.9".parse().unwrap()
        ));
    }
}
