//! Sets of ports as sorted, disjoint, non-adjacent inclusive intervals.
use std::fmt;

use serde::{Serialize, Serializer};

/// A set of TCP or UDP ports (0–65535).
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash)]
pub struct PortSet {
    ranges: Vec<(u16, u16)>,
}

impl PortSet {
    pub fn empty() -> Self {
        PortSet::default()
    }

    pub fn all() -> Self {
        PortSet {
            ranges: vec![(0, u16::MAX)],
        }
    }

    pub fn single(port: u16) -> Self {
        PortSet {
            ranges: vec![(port, port)],
        }
    }

    /// Builds a set from any inclusive ranges (unordered, overlapping, reversed are fine).
    pub fn from_ranges(ranges: impl IntoIterator<Item = (u16, u16)>) -> Self {
        let mut v: Vec<(u16, u16)> = ranges
            .into_iter()
            .map(|(a, b)| if a <= b { (a, b) } else { (b, a) })
            .collect();
        v.sort_unstable();
        let mut out: Vec<(u16, u16)> = Vec::with_capacity(v.len());
        for (a, b) in v {
            match out.last_mut() {
                Some(last) if u32::from(a) <= u32::from(last.1) + 1 => last.1 = last.1.max(b),
                _ => out.push((a, b)),
            }
        }
        PortSet { ranges: out }
    }

    pub fn from_ports(ports: impl IntoIterator<Item = u16>) -> Self {
        Self::from_ranges(ports.into_iter().map(|p| (p, p)))
    }

    pub fn ranges(&self) -> &[(u16, u16)] {
        &self.ranges
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    pub fn is_all(&self) -> bool {
        self.ranges == [(0, u16::MAX)]
    }

    pub fn contains(&self, port: u16) -> bool {
        self.ranges.iter().any(|&(a, b)| a <= port && port <= b)
    }

    /// Number of ports in the set.
    pub fn len(&self) -> u32 {
        self.ranges
            .iter()
            .map(|&(a, b)| u32::from(b) - u32::from(a) + 1)
            .sum()
    }

    pub fn union(&self, other: &PortSet) -> PortSet {
        Self::from_ranges(self.ranges.iter().chain(&other.ranges).copied())
    }

    /// The ports of `self` inside `from..=to`.
    pub fn intersect_range(&self, from: u16, to: u16) -> PortSet {
        let ranges = self
            .ranges
            .iter()
            .filter_map(|&(a, b)| {
                let (lo, hi) = (a.max(from), b.min(to));
                (lo <= hi).then_some((lo, hi))
            })
            .collect();
        PortSet { ranges }
    }

    pub fn intersect(&self, other: &PortSet) -> PortSet {
        let mut out = Vec::new();
        for &(a, b) in &other.ranges {
            out.extend(self.intersect_range(a, b).ranges);
        }
        Self::from_ranges(out)
    }

    /// Every port (0–65535) not in the set.
    pub fn complement(&self) -> PortSet {
        let mut out = Vec::new();
        let mut next: u32 = 0;
        for &(a, b) in &self.ranges {
            if u32::from(a) > next {
                out.push((next as u16, a - 1));
            }
            next = u32::from(b) + 1;
        }
        if next <= u32::from(u16::MAX) {
            out.push((next as u16, u16::MAX));
        }
        PortSet { ranges: out }
    }

    pub fn difference(&self, other: &PortSet) -> PortSet {
        self.intersect(&other.complement())
    }

    /// Parses `22, 80-90, 443` (commas or whitespace between items, `a-b` ranges).
    pub fn parse(text: &str) -> Result<PortSet, String> {
        let mut ranges = Vec::new();
        for item in text
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
        {
            let (a, b) = match item.split_once('-') {
                Some((a, b)) => (parse_port(a)?, parse_port(b)?),
                None => {
                    let p = parse_port(item)?;
                    (p, p)
                }
            };
            if a > b {
                return Err(format!("port range `{item}` runs backwards"));
            }
            ranges.push((a, b));
        }
        Ok(Self::from_ranges(ranges))
    }
}

fn parse_port(s: &str) -> Result<u16, String> {
    s.trim()
        .parse::<u16>()
        .map_err(|_| format!("`{}` is not a port number (0-65535)", s.trim()))
}

impl fmt::Display for PortSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, &(a, b)) in self.ranges.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if a == b {
                write!(f, "{a}")?;
            } else {
                write!(f, "{a}-{b}")?;
            }
        }
        Ok(())
    }
}

impl Serialize for PortSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_lists_and_ranges() {
        let s = PortSet::parse("443, 80 1024-2048,81").unwrap();
        assert_eq!(s.to_string(), "80-81, 443, 1024-2048");
        assert!(PortSet::parse("70000").is_err());
        assert!(PortSet::parse("90-80").is_err());
        assert!(PortSet::parse("ssh").is_err());
    }

    #[test]
    fn complement_of_all_is_empty() {
        assert!(PortSet::all().complement().is_empty());
        assert_eq!(PortSet::single(0).complement().ranges(), &[(1, 65535)]);
        assert_eq!(
            PortSet::from_ports([80, 443]).complement().to_string(),
            "0-79, 81-442, 444-65535"
        );
    }

    proptest! {
        #[test]
        fn set_operations_agree_with_membership(
            a in proptest::collection::vec((0u16..200, 0u16..200), 0..6),
            b in proptest::collection::vec((0u16..200, 0u16..200), 0..6),
        ) {
            let (sa, sb) = (PortSet::from_ranges(a.clone()), PortSet::from_ranges(b.clone()));
            let in_list = |l: &[(u16, u16)], p: u16| l.iter().any(|&(x, y)| x.min(y) <= p && p <= x.max(y));
            for p in 0u16..210 {
                prop_assert_eq!(sa.contains(p), in_list(&a, p));
                prop_assert_eq!(sa.union(&sb).contains(p), in_list(&a, p) || in_list(&b, p));
                prop_assert_eq!(sa.intersect(&sb).contains(p), in_list(&a, p) && in_list(&b, p));
                prop_assert_eq!(sa.difference(&sb).contains(p), in_list(&a, p) && !in_list(&b, p));
                prop_assert_eq!(sa.complement().contains(p), !in_list(&a, p));
            }
        }
    }
}
