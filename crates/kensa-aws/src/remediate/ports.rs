//! Port sets as sorted, disjoint, inclusive ranges: the arithmetic behind `narrow`
//! (same ports minus the restricted ones).
use std::fmt;

use serde::{Deserialize, Serialize};

/// An inclusive port range `from..=to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PortRange {
    pub from: u16,
    pub to: u16,
}

impl PortRange {
    /// `from..=to`, or `None` when `from > to`.
    pub fn new(from: u16, to: u16) -> Option<PortRange> {
        (from <= to).then_some(PortRange { from, to })
    }
    pub fn single(port: u16) -> PortRange {
        PortRange {
            from: port,
            to: port,
        }
    }
    pub fn all() -> PortRange {
        PortRange {
            from: 0,
            to: u16::MAX,
        }
    }
    pub fn port_count(&self) -> u32 {
        u32::from(self.to) - u32::from(self.from) + 1
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{}-{}", self.from, self.to)
        }
    }
}

/// A set of ports, kept normalised: sorted, disjoint and non-adjacent ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PortSet {
    ranges: Vec<PortRange>,
}

impl PortSet {
    pub fn empty() -> PortSet {
        PortSet::default()
    }
    pub fn all() -> PortSet {
        PortSet {
            ranges: vec![PortRange::all()],
        }
    }
    pub fn from_ranges(ranges: impl IntoIterator<Item = PortRange>) -> PortSet {
        let mut ranges: Vec<PortRange> = ranges.into_iter().collect();
        ranges.sort();
        let mut merged: Vec<PortRange> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match merged.last_mut() {
                // Overlapping or adjacent: extend the previous range.
                Some(last) if u32::from(r.from) <= u32::from(last.to) + 1 => {
                    last.to = last.to.max(r.to);
                }
                _ => merged.push(r),
            }
        }
        PortSet { ranges: merged }
    }
    pub fn from_ports(ports: impl IntoIterator<Item = u16>) -> PortSet {
        PortSet::from_ranges(ports.into_iter().map(PortRange::single))
    }
    pub fn ranges(&self) -> &[PortRange] {
        &self.ranges
    }
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }
    pub fn contains(&self, port: u16) -> bool {
        self.ranges.iter().any(|r| r.from <= port && port <= r.to)
    }
    /// Number of ports in the set.
    pub fn count(&self) -> u32 {
        self.ranges.iter().map(PortRange::port_count).sum()
    }
    pub fn union(&self, other: &PortSet) -> PortSet {
        PortSet::from_ranges(self.ranges.iter().chain(&other.ranges).copied())
    }
    /// Ports in `self` and not in `other`.
    pub fn difference(&self, other: &PortSet) -> PortSet {
        let mut out = Vec::new();
        for r in &self.ranges {
            let mut start = u32::from(r.from);
            let end = u32::from(r.to);
            for cut in &other.ranges {
                let (cf, ct) = (u32::from(cut.from), u32::from(cut.to));
                if ct < start || cf > end {
                    continue;
                }
                if cf > start {
                    out.push(range32(start, cf - 1));
                }
                start = ct + 1;
                if start > end {
                    break;
                }
            }
            if start <= end {
                out.push(range32(start, end));
            }
        }
        PortSet::from_ranges(out)
    }
    pub fn intersection(&self, other: &PortSet) -> PortSet {
        self.difference(&self.difference(other))
    }
    pub fn intersects(&self, other: &PortSet) -> bool {
        !self.intersection(other).is_empty()
    }
}

/// Both ends are within `0..=65535` by construction (callers derive them from `u16`s).
fn range32(from: u32, to: u32) -> PortRange {
    PortRange {
        from: u16::try_from(from).unwrap_or(u16::MAX),
        to: u16::try_from(to).unwrap_or(u16::MAX),
    }
}

impl fmt::Display for PortSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.ranges.iter().map(ToString::to_string).collect();
        write!(f, "{}", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn all_tcp_minus_ssh_and_rdp() {
        let narrowed = PortSet::all().difference(&PortSet::from_ports([22, 3389]));
        assert_eq!(narrowed.to_string(), "0-21, 23-3388, 3390-65535");
    }

    #[test]
    fn edges_and_adjacency() {
        let set = PortSet::from_ports([0, 1, 2, 65535]);
        assert_eq!(set.ranges().len(), 2);
        let rest = PortSet::all().difference(&set);
        assert_eq!(rest.to_string(), "3-65534");
        assert!(PortSet::from_ports([22])
            .difference(&PortSet::all())
            .is_empty());
    }

    fn arb_set() -> impl Strategy<Value = PortSet> {
        proptest::collection::vec((any::<u16>(), 0u16..2000), 0..6).prop_map(|v| {
            PortSet::from_ranges(v.into_iter().map(|(a, len)| PortRange {
                from: a,
                to: a.saturating_add(len),
            }))
        })
    }

    proptest! {
        /// The set arithmetic agrees with per-port membership on sampled ports.
        #[test]
        fn difference_is_pointwise(a in arb_set(), b in arb_set(), probes in proptest::collection::vec(any::<u16>(), 64)) {
            let d = a.difference(&b);
            let i = a.intersection(&b);
            let u = a.union(&b);
            let mut points: Vec<u16> = probes;
            for r in a.ranges().iter().chain(b.ranges()) {
                points.extend([r.from, r.to, r.from.saturating_sub(1), r.to.saturating_add(1)]);
            }
            for p in points {
                prop_assert_eq!(d.contains(p), a.contains(p) && !b.contains(p));
                prop_assert_eq!(i.contains(p), a.contains(p) && b.contains(p));
                prop_assert_eq!(u.contains(p), a.contains(p) || b.contains(p));
            }
            prop_assert_eq!(d.count() + i.count(), a.count());
            // Normalised: sorted, disjoint, non-adjacent.
            for w in d.ranges().windows(2) {
                prop_assert!(u32::from(w[0].to) + 1 < u32::from(w[1].from));
            }
        }
    }
}
