//! Ports: the one vocabulary the checks, the reachability findings and remediation share.
//!
//! * [`PortRange`]: one inclusive range `from..=to`.
//! * [`PortSet`]: a set of ports kept normalised (sorted, disjoint, non-adjacent ranges);
//!   written as text (`22, 80-90`) in findings and plans.
//! * [`ProtoPorts`]: TCP and UDP ports, and whether port-less protocols count.
//! * [`RestrictedPorts`]: the ports a control forbids to open to `0.0.0.0/0` and `::/0`.
//! * [`acl`]: a network ACL rule's `PortRange` as AWS writes it, read into a [`PortRange`].
use std::fmt;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

pub mod acl;

/// An inclusive port range `from..=to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PortRange {
    /// First port of the range.
    pub from: u16,
    /// Last port of the range (inclusive).
    pub to: u16,
}

impl PortRange {
    /// `from..=to`, or `None` when `from > to`.
    pub fn new(from: u16, to: u16) -> Option<PortRange> {
        (from <= to).then_some(PortRange { from, to })
    }

    /// One port.
    pub fn single(port: u16) -> PortRange {
        PortRange {
            from: port,
            to: port,
        }
    }

    /// Every port, `0-65535`.
    pub fn all() -> PortRange {
        PortRange {
            from: 0,
            to: u16::MAX,
        }
    }

    /// Number of ports in the range.
    pub fn port_count(&self) -> u32 {
        u32::from(self.to) - u32::from(self.from) + 1
    }

    /// Whether `port` is in the range.
    pub fn contains(&self, port: u16) -> bool {
        self.from <= port && port <= self.to
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

/// A set of TCP or UDP ports (0-65535), kept normalised: sorted, disjoint and
/// non-adjacent ranges, so two equal sets compare equal.
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash)]
pub struct PortSet {
    ranges: Vec<PortRange>,
}

impl PortSet {
    /// No port.
    pub fn empty() -> PortSet {
        PortSet::default()
    }

    /// Every port.
    pub fn all() -> PortSet {
        PortSet {
            ranges: vec![PortRange::all()],
        }
    }

    /// One port.
    pub fn single(port: u16) -> PortSet {
        PortSet {
            ranges: vec![PortRange::single(port)],
        }
    }

    /// A set from any ranges (unordered, overlapping and adjacent are fine).
    pub fn from_ranges(ranges: impl IntoIterator<Item = PortRange>) -> PortSet {
        let mut v: Vec<PortRange> = ranges.into_iter().collect();
        v.sort_unstable();
        let mut merged: Vec<PortRange> = Vec::with_capacity(v.len());
        for r in v {
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

    /// A set from `(a, b)` pairs; a reversed pair is read as `b..=a`.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (u16, u16)>) -> PortSet {
        PortSet::from_ranges(pairs.into_iter().map(|(a, b)| PortRange {
            from: a.min(b),
            to: a.max(b),
        }))
    }

    /// A set of single ports.
    pub fn from_ports(ports: impl IntoIterator<Item = u16>) -> PortSet {
        PortSet::from_ranges(ports.into_iter().map(PortRange::single))
    }

    /// The normalised ranges.
    pub fn ranges(&self) -> &[PortRange] {
        &self.ranges
    }

    /// No port at all.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Every port.
    pub fn is_all(&self) -> bool {
        self.ranges == [PortRange::all()]
    }

    /// Whether `port` is in the set.
    pub fn contains(&self, port: u16) -> bool {
        self.ranges.iter().any(|r| r.contains(port))
    }

    /// Number of ports in the set.
    pub fn count(&self) -> u32 {
        self.ranges.iter().map(PortRange::port_count).sum()
    }

    /// Ports in either set.
    pub fn union(&self, other: &PortSet) -> PortSet {
        PortSet::from_ranges(self.ranges.iter().chain(&other.ranges).copied())
    }

    /// The ports of `self` inside `from..=to`.
    pub fn intersect_range(&self, from: u16, to: u16) -> PortSet {
        let ranges = self
            .ranges
            .iter()
            .filter_map(|r| PortRange::new(r.from.max(from), r.to.min(to)))
            .collect();
        PortSet { ranges }
    }

    /// Ports in both sets.
    pub fn intersection(&self, other: &PortSet) -> PortSet {
        let parts = other
            .ranges
            .iter()
            .flat_map(|r| self.intersect_range(r.from, r.to).ranges);
        PortSet::from_ranges(parts)
    }

    /// Whether the sets share a port.
    pub fn intersects(&self, other: &PortSet) -> bool {
        !self.intersection(other).is_empty()
    }

    /// Every port (0-65535) not in the set.
    pub fn complement(&self) -> PortSet {
        let mut out = Vec::new();
        let mut next: u32 = 0;
        for r in &self.ranges {
            if u32::from(r.from) > next {
                out.extend(range32(next, u32::from(r.from) - 1));
            }
            next = u32::from(r.to) + 1;
        }
        out.extend(range32(next, u32::from(u16::MAX)));
        PortSet { ranges: out }
    }

    /// Ports in `self` and not in `other`.
    pub fn difference(&self, other: &PortSet) -> PortSet {
        self.intersection(&other.complement())
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
            let range = PortRange::new(a, b)
                .ok_or_else(|| format!("port range `{item}` runs backwards"))?;
            ranges.push(range);
        }
        Ok(PortSet::from_ranges(ranges))
    }
}

/// `from..=to` when both fit a port number and `from <= to`.
fn range32(from: u32, to: u32) -> Option<PortRange> {
    PortRange::new(u16::try_from(from).ok()?, u16::try_from(to).ok()?)
}

fn parse_port(s: &str) -> Result<u16, String> {
    s.trim()
        .parse::<u16>()
        .map_err(|_| format!("`{}` is not a port number (0-65535)", s.trim()))
}

impl fmt::Display for PortSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.ranges.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

/// Written as its text (`22, 80-90`).
impl Serialize for PortSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Read from its text, or from `{"ranges": [{"from": .., "to": ..}]}` (plans written by
/// kensa before the text form).
impl<'de> Deserialize<'de> for PortSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<PortSet, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Text(String),
            Ranges { ranges: Vec<PortRange> },
        }
        match Form::deserialize(d)? {
            Form::Text(t) => PortSet::parse(&t).map_err(de::Error::custom),
            Form::Ranges { ranges } => Ok(PortSet::from_ranges(ranges)),
        }
    }
}

/// Which world sources a control looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// `0.0.0.0/0` only.
    Ipv4,
    /// `::/0` only.
    Ipv6,
    /// Both.
    Any,
}

/// TCP and UDP ports, and whether protocols without ports (ICMP, GRE, ...) count too.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtoPorts {
    /// TCP ports.
    pub tcp: PortSet,
    /// UDP ports.
    pub udp: PortSet,
    /// A world-open rule for a protocol without ports is itself an offence (protocol
    /// `-1`, all traffic, always is when any port is restricted).
    #[serde(default)]
    pub other_protocols: bool,
}

impl ProtoPorts {
    /// Nothing restricted.
    pub fn is_empty(&self) -> bool {
        self.tcp.is_empty() && self.udp.is_empty() && !self.other_protocols
    }

    /// Restricted in either.
    pub fn union(&self, other: &ProtoPorts) -> ProtoPorts {
        ProtoPorts {
            tcp: self.tcp.union(&other.tcp),
            udp: self.udp.union(&other.udp),
            other_protocols: self.other_protocols || other.other_protocols,
        }
    }
}

/// The ports that must not be open to `0.0.0.0/0` (`ipv4`) and to `::/0` (`ipv6`): what a
/// "security group open to the world" check forbids, and what its fix closes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestrictedPorts {
    /// Forbidden from `0.0.0.0/0`.
    #[serde(default)]
    pub ipv4: ProtoPorts,
    /// Forbidden from `::/0`.
    #[serde(default)]
    pub ipv6: ProtoPorts,
}

impl RestrictedPorts {
    /// The same ports and protocols from both families.
    pub fn both(ports: ProtoPorts) -> RestrictedPorts {
        RestrictedPorts {
            ipv4: ports.clone(),
            ipv6: ports,
        }
    }

    /// TCP `ports` from both families.
    pub fn tcp(ports: PortSet) -> RestrictedPorts {
        RestrictedPorts::both(ProtoPorts {
            tcp: ports,
            ..ProtoPorts::default()
        })
    }

    /// TCP and UDP `ports` from both families.
    pub fn tcp_udp(ports: PortSet) -> RestrictedPorts {
        RestrictedPorts::both(ProtoPorts {
            udp: ports.clone(),
            tcp: ports,
            other_protocols: false,
        })
    }

    /// Only the sources of `family` (the other family's ports are cleared).
    pub fn with_family(mut self, family: Family) -> RestrictedPorts {
        match family {
            Family::Any => {}
            Family::Ipv4 => self.ipv6 = ProtoPorts::default(),
            Family::Ipv6 => self.ipv4 = ProtoPorts::default(),
        }
        self
    }

    /// The ports forbidden from the world of one family.
    pub fn family(&self, v6: bool) -> &ProtoPorts {
        if v6 {
            &self.ipv6
        } else {
            &self.ipv4
        }
    }

    /// Nothing restricted from either family.
    pub fn is_empty(&self) -> bool {
        self.ipv4.is_empty() && self.ipv6.is_empty()
    }

    /// Restricted by either.
    pub fn union(&self, other: &RestrictedPorts) -> RestrictedPorts {
        RestrictedPorts {
            ipv4: self.ipv4.union(&other.ipv4),
            ipv6: self.ipv6.union(&other.ipv6),
        }
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
    fn complement_and_difference_at_the_edges() {
        assert!(PortSet::all().complement().is_empty());
        assert_eq!(PortSet::single(0).complement().to_string(), "1-65535");
        assert_eq!(
            PortSet::all()
                .difference(&PortSet::from_ports([22, 3389]))
                .to_string(),
            "0-21, 23-3388, 3390-65535"
        );
        let set = PortSet::from_ports([0, 1, 2, 65535]);
        assert_eq!(set.ranges().len(), 2);
        assert_eq!(PortSet::all().difference(&set).to_string(), "3-65534");
    }

    #[test]
    fn text_and_legacy_forms_deserialize() {
        let s = PortSet::from_ports([22, 80, 81]);
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, "\"22, 80-81\"");
        assert_eq!(serde_json::from_str::<PortSet>(&json).unwrap(), s);
        let legacy = r#"{"ranges":[{"from":80,"to":81},{"from":22,"to":22}]}"#;
        assert_eq!(serde_json::from_str::<PortSet>(legacy).unwrap(), s);
        assert!(serde_json::from_str::<PortSet>("\"22-\"").is_err());
    }

    #[test]
    fn families_and_unions() {
        let admin = RestrictedPorts::tcp_udp(PortSet::from_ports([22, 3389]));
        let v4 = admin.clone().with_family(Family::Ipv4);
        let v6 = admin.clone().with_family(Family::Ipv6);
        assert!(v4.family(true).is_empty() && !v4.family(false).is_empty());
        assert_eq!(v4.union(&v6), admin);
        assert!(RestrictedPorts::default().is_empty());
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
        /// The set arithmetic agrees with per-port membership on sampled ports, and
        /// results stay normalised.
        #[test]
        fn operations_are_pointwise(a in arb_set(), b in arb_set(), probes in proptest::collection::vec(any::<u16>(), 64)) {
            let (d, i, u, c) = (a.difference(&b), a.intersection(&b), a.union(&b), a.complement());
            let mut points = probes;
            for r in a.ranges().iter().chain(b.ranges()) {
                points.extend([r.from, r.to, r.from.saturating_sub(1), r.to.saturating_add(1)]);
            }
            for p in points {
                prop_assert_eq!(d.contains(p), a.contains(p) && !b.contains(p));
                prop_assert_eq!(i.contains(p), a.contains(p) && b.contains(p));
                prop_assert_eq!(u.contains(p), a.contains(p) || b.contains(p));
                prop_assert_eq!(c.contains(p), !a.contains(p));
            }
            prop_assert_eq!(d.count() + i.count(), a.count());
            prop_assert_eq!(i.is_empty(), !a.intersects(&b));
            for w in d.ranges().windows(2) {
                prop_assert!(u32::from(w[0].to) + 1 < u32::from(w[1].from));
            }
        }
    }
}
