//! Normalised interval sets over ordered integer points (ports, IPv4 and IPv6 addresses).
//!
//! A [`RangeSet`] is a sorted vector of disjoint, non-adjacent inclusive ranges, so two
//! sets are equal exactly when they hold the same points. Every operation is a linear
//! merge over the ranges; nothing iterates over individual points.
use std::fmt::Debug;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

/// An integer type usable as an interval end point.
pub trait Point: Copy + Ord + Debug + Default + std::hash::Hash {
    /// The smallest value of the type (the lowest address or port).
    const MIN: Self;
    /// The largest value of the type (the highest address, port 65535).
    const MAX: Self;
    /// `self + 1`; only called when `self < MAX`.
    fn succ(self) -> Self;
    /// `self - 1`; only called when `self > MIN`.
    fn pred(self) -> Self;
}

macro_rules! point {
    ($($t:ty),*) => {$(
        impl Point for $t {
            const MIN: Self = <$t>::MIN;
            const MAX: Self = <$t>::MAX;
            fn succ(self) -> Self { self + 1 }
            fn pred(self) -> Self { self - 1 }
        }
    )*};
}
point!(u8, u16, u32, u128);

/// A set of points as sorted, disjoint, non-adjacent inclusive ranges.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct RangeSet<T: Point> {
    ranges: Vec<(T, T)>,
}

impl<T: Point> RangeSet<T> {
    /// The empty set.
    pub fn empty() -> Self {
        RangeSet { ranges: Vec::new() }
    }
    /// Every point of the type.
    pub fn full() -> Self {
        Self::range(T::MIN, T::MAX)
    }
    /// `[lo, hi]`, empty when `lo > hi`.
    pub fn range(lo: T, hi: T) -> Self {
        if lo > hi {
            return Self::empty();
        }
        RangeSet {
            ranges: vec![(lo, hi)],
        }
    }
    /// Builds a normalised set from arbitrary (possibly overlapping, unsorted) ranges.
    pub fn from_ranges(iter: impl IntoIterator<Item = (T, T)>) -> Self {
        let mut v: Vec<(T, T)> = iter.into_iter().filter(|(a, b)| a <= b).collect();
        v.sort_unstable();
        let mut out: Vec<(T, T)> = Vec::with_capacity(v.len());
        for (lo, hi) in v {
            if let Some(last) = out.last_mut() {
                if last.1 == T::MAX || lo <= last.1.succ() {
                    if hi > last.1 {
                        last.1 = hi;
                    }
                    continue;
                }
            }
            out.push((lo, hi));
        }
        RangeSet { ranges: out }
    }
    /// The ranges, sorted, disjoint and non-adjacent, inclusive bounds.
    pub fn ranges(&self) -> &[(T, T)] {
        &self.ranges
    }
    /// Whether the set holds no point.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }
    /// Whether the set holds every point of the type.
    pub fn is_full(&self) -> bool {
        self.ranges == [(T::MIN, T::MAX)]
    }
    /// The lowest point, `None` when empty.
    pub fn first(&self) -> Option<T> {
        self.ranges.first().map(|r| r.0)
    }
    /// Whether `x` is in the set (binary search, O(log ranges)).
    pub fn contains(&self, x: T) -> bool {
        let i = self.ranges.partition_point(|r| r.1 < x);
        i < self.ranges.len() && self.ranges[i].0 <= x
    }
    /// `self ∪ other`, normalised (linear in both sizes).
    pub fn union(&self, other: &Self) -> Self {
        if other.is_empty() {
            return self.clone();
        }
        if self.is_empty() {
            return other.clone();
        }
        // One merge of the two sorted lists, joining overlapping and adjacent ranges.
        let (a, b) = (&self.ranges, &other.ranges);
        let mut out: Vec<(T, T)> = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            let next = if j == b.len() || (i < a.len() && a[i].0 <= b[j].0) {
                i += 1;
                a[i - 1]
            } else {
                j += 1;
                b[j - 1]
            };
            match out.last_mut() {
                Some(last) if last.1 == T::MAX || next.0 <= last.1.succ() => {
                    last.1 = last.1.max(next.1);
                }
                _ => out.push(next),
            }
        }
        RangeSet { ranges: out }
    }
    /// `self ∩ other` (a linear merge of both range lists).
    pub fn intersect(&self, other: &Self) -> Self {
        let (a, b) = (&self.ranges, &other.ranges);
        let (mut i, mut j) = (0, 0);
        let mut out = Vec::new();
        while i < a.len() && j < b.len() {
            let lo = a[i].0.max(b[j].0);
            let hi = a[i].1.min(b[j].1);
            if lo <= hi {
                out.push((lo, hi));
            }
            if a[i].1 < b[j].1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        RangeSet { ranges: out }
    }
    /// Every point of the type not in `self`.
    pub fn complement(&self) -> Self {
        let mut out = Vec::with_capacity(self.ranges.len() + 1);
        let mut next = Some(T::MIN);
        for &(lo, hi) in &self.ranges {
            if let Some(n) = next {
                if n < lo {
                    out.push((n, lo.pred()));
                }
            }
            next = if hi == T::MAX { None } else { Some(hi.succ()) };
        }
        if let Some(n) = next {
            out.push((n, T::MAX));
        }
        RangeSet { ranges: out }
    }
    /// `self \ other`.
    pub fn difference(&self, other: &Self) -> Self {
        if other.is_empty() || self.is_empty() {
            return self.clone();
        }
        self.intersect(&other.complement())
    }
    /// Whether `self` and `other` share a point.
    pub fn intersects(&self, other: &Self) -> bool {
        !self.intersect(other).is_empty()
    }
}

/// A set of IPv4 and IPv6 addresses (the two families are kept apart).
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct AddrSet {
    /// IPv4 addresses as integers.
    pub v4: RangeSet<u32>,
    /// IPv6 addresses as integers.
    pub v6: RangeSet<u128>,
}

impl AddrSet {
    /// No address.
    pub fn empty() -> Self {
        AddrSet::default()
    }
    /// Every IPv4 and every IPv6 address.
    pub fn full() -> Self {
        AddrSet {
            v4: RangeSet::full(),
            v6: RangeSet::full(),
        }
    }
    /// Every IPv4 address (`0.0.0.0/0`).
    pub fn all_v4() -> Self {
        AddrSet {
            v4: RangeSet::full(),
            v6: RangeSet::empty(),
        }
    }
    /// Every IPv6 address (`::/0`).
    pub fn all_v6() -> Self {
        AddrSet {
            v4: RangeSet::empty(),
            v6: RangeSet::full(),
        }
    }
    /// The addresses of one CIDR block, network and broadcast addresses included.
    pub fn from_net(net: &IpNet) -> Self {
        match net {
            IpNet::V4(n) => AddrSet {
                v4: RangeSet::range(u32::from(n.network()), u32::from(n.broadcast())),
                v6: RangeSet::empty(),
            },
            IpNet::V6(n) => AddrSet {
                v4: RangeSet::empty(),
                v6: RangeSet::range(u128::from(n.network()), u128::from(n.broadcast())),
            },
        }
    }
    /// Parses a CIDR (`10.0.0.0/8`, `::/0`) or a bare address (a host route).
    pub fn parse(text: &str) -> Option<Self> {
        parse_net(text).map(|n| Self::from_net(&n))
    }
    /// One address (a `/32` or `/128`).
    pub fn host(ip: IpAddr) -> Self {
        Self::from_net(&IpNet::from(ip))
    }
    /// Builds a set from many single addresses at once (sorted and merged once).
    pub fn from_hosts<'a>(ips: impl IntoIterator<Item = &'a IpAddr>) -> Self {
        let (mut v4, mut v6) = (Vec::new(), Vec::new());
        for ip in ips {
            match ip {
                IpAddr::V4(a) => v4.push((u32::from(*a), u32::from(*a))),
                IpAddr::V6(a) => v6.push((u128::from(*a), u128::from(*a))),
            }
        }
        AddrSet {
            v4: RangeSet::from_ranges(v4),
            v6: RangeSet::from_ranges(v6),
        }
    }
    /// Whether neither family holds an address.
    pub fn is_empty(&self) -> bool {
        self.v4.is_empty() && self.v6.is_empty()
    }
    /// Whether `ip` is in the set (looked up in its own family only).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match ip {
            IpAddr::V4(a) => self.v4.contains(u32::from(a)),
            IpAddr::V6(a) => self.v6.contains(u128::from(a)),
        }
    }
    /// `self ∪ other`, per family.
    pub fn union(&self, o: &Self) -> Self {
        AddrSet {
            v4: self.v4.union(&o.v4),
            v6: self.v6.union(&o.v6),
        }
    }
    /// `self ∩ other`, per family.
    pub fn intersect(&self, o: &Self) -> Self {
        AddrSet {
            v4: self.v4.intersect(&o.v4),
            v6: self.v6.intersect(&o.v6),
        }
    }
    /// `self \ other`, per family.
    pub fn difference(&self, o: &Self) -> Self {
        AddrSet {
            v4: self.v4.difference(&o.v4),
            v6: self.v6.difference(&o.v6),
        }
    }
    /// Whether the sets share an address.
    pub fn intersects(&self, o: &Self) -> bool {
        self.v4.intersects(&o.v4) || self.v6.intersects(&o.v6)
    }
    /// One address of the set (the lowest IPv4 one, else the lowest IPv6 one).
    pub fn sample(&self) -> Option<IpAddr> {
        self.v4
            .first()
            .map(|a| IpAddr::V4(Ipv4Addr::from(a)))
            .or_else(|| self.v6.first().map(|a| IpAddr::V6(Ipv6Addr::from(a))))
    }
    /// The set as the smallest list of CIDR blocks, IPv4 first, for display.
    /// How many CIDR blocks [`AddrSet::to_cidrs`] would list, without formatting them.
    pub fn cidr_count(&self) -> usize {
        let v4: usize = (self.v4.ranges().iter())
            .map(|&(lo, hi)| split_cidrs(lo as u128, hi as u128, 32).len())
            .sum();
        let v6: usize = (self.v6.ranges().iter())
            .map(|&(lo, hi)| split_cidrs(lo, hi, 128).len())
            .sum();
        v4 + v6
    }

    /// The set as the fewest CIDR blocks, IPv4 first, ascending (as findings print it).
    pub fn to_cidrs(&self) -> Vec<String> {
        let mut out = Vec::new();
        for &(lo, hi) in self.v4.ranges() {
            for (a, len) in split_cidrs(lo as u128, hi as u128, 32) {
                out.push(format!("{}/{}", Ipv4Addr::from(a as u32), len));
            }
        }
        for &(lo, hi) in self.v6.ranges() {
            for (a, len) in split_cidrs(lo, hi, 128) {
                out.push(format!("{}/{}", Ipv6Addr::from(a), len));
            }
        }
        out
    }
}

/// Splits `[lo, hi]` of a `bits`-wide space into maximal aligned CIDR blocks.
fn split_cidrs(mut lo: u128, hi: u128, bits: u32) -> Vec<(u128, u32)> {
    fn span(k: u32) -> u128 {
        if k >= 128 {
            u128::MAX
        } else {
            (1u128 << k) - 1
        }
    }
    let mut out = Vec::new();
    loop {
        let mut k = if lo == 0 {
            bits
        } else {
            lo.trailing_zeros().min(bits)
        };
        while k > 0 && span(k) > hi - lo {
            k -= 1;
        }
        out.push((lo, bits - k));
        let end = lo + span(k);
        if end >= hi {
            return out;
        }
        lo = end + 1;
    }
}

/// Parses a CIDR or a bare address. The host bits are masked off, as AWS does.
pub fn parse_net(text: &str) -> Option<IpNet> {
    let t = text.trim();
    if let Ok(n) = t.parse::<IpNet>() {
        return Some(n.trunc());
    }
    t.parse::<IpAddr>().ok().map(IpNet::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_merges_adjacent_and_overlapping() {
        let a = RangeSet::from_ranges([(1u16, 5), (6, 8), (20, 30), (25, 40)]);
        assert_eq!(a.ranges(), &[(1, 8), (20, 40)]);
        let b = a.union(&RangeSet::range(9, 19));
        assert_eq!(b.ranges(), &[(1, 40)]);
    }

    #[test]
    fn union_is_the_set_union() {
        // Every pair of sets of up to two ranges over a small axis, against a bitmap.
        let mut sets = vec![RangeSet::<u8>::empty()];
        let cuts = [0u8, 1, 2, 4, 5, 7, 9, 254, 255];
        for &a in &cuts {
            for &b in cuts.iter().filter(|&&b| b >= a) {
                sets.push(RangeSet::range(a, b));
                for &c in cuts.iter().filter(|&&c| c > b) {
                    sets.push(RangeSet::from_ranges([(a, b), (c, 255)]));
                }
            }
        }
        for x in &sets {
            for y in &sets {
                let u = x.union(y);
                let expected = RangeSet::from_ranges(x.ranges().iter().chain(y.ranges()).copied());
                assert_eq!(u, expected, "{x:?} ∪ {y:?}");
                for p in 0..=255u8 {
                    assert_eq!(u.contains(p), x.contains(p) || y.contains(p));
                }
            }
        }
    }

    #[test]
    fn difference_and_complement_respect_bounds() {
        let full = RangeSet::<u16>::full();
        let d = full.difference(&RangeSet::range(0, 1023));
        assert_eq!(d.ranges(), &[(1024, 65535)]);
        assert_eq!(d.complement().ranges(), &[(0, 1023)]);
        assert!(RangeSet::<u16>::empty().complement().is_full());
        assert!(full.complement().is_empty());
        let x = RangeSet::from_ranges([(10u8, 20)]).difference(&RangeSet::range(12, 13));
        assert_eq!(x.ranges(), &[(10, 11), (14, 20)]);
    }

    #[test]
    fn cidr_round_trip() {
        let a = AddrSet::parse("10.0.0.0/8").unwrap();
        assert!(a.contains("10.255.255.255".parse().unwrap()));
        assert!(!a.contains("11.0.0.0".parse().unwrap()));
        assert_eq!(a.to_cidrs(), vec!["10.0.0.0/8"]);
        let all = AddrSet::full();
        assert_eq!(all.to_cidrs(), vec!["0.0.0.0/0", "::/0"]);
        let odd = AddrSet::parse("10.0.0.0/8")
            .unwrap()
            .difference(&AddrSet::parse("10.0.0.0/9").unwrap());
        assert_eq!(odd.to_cidrs(), vec!["10.128.0.0/9"]);
        let weird =
            AddrSet::from_hosts(&["10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap()]);
        assert_eq!(weird.to_cidrs(), vec!["10.0.0.1/32", "10.0.0.2/32"]);
        assert!(AddrSet::parse("nonsense").is_none());
        assert_eq!(
            AddrSet::parse("10.1.2.3/16").unwrap().to_cidrs(),
            vec!["10.1.0.0/16"]
        );
    }
}
