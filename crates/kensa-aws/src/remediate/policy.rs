//! Which ports each control forbids to open to the world, per address family.
//!
//! This is the planner's explicit input. [`restricted_ports`] takes each control's
//! definition from kensa-rules (the same one `scan` and `compliance` evaluate), so a plan
//! fixes exactly what the controls report.
use serde::{Deserialize, Serialize};

use super::ports::{PortRange, PortSet};

/// Restricted tcp and udp ports for one address family.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtoPorts {
    pub tcp: PortSet,
    pub udp: PortSet,
    /// World-open protocols without ports (ICMP, GRE, ...) offend too.
    #[serde(default)]
    pub other_protocols: bool,
}

impl ProtoPorts {
    pub fn is_empty(&self) -> bool {
        self.tcp.is_empty() && self.udp.is_empty() && !self.other_protocols
    }
    pub fn union(&self, other: &ProtoPorts) -> ProtoPorts {
        ProtoPorts {
            tcp: self.tcp.union(&other.tcp),
            udp: self.udp.union(&other.udp),
            other_protocols: self.other_protocols || other.other_protocols,
        }
    }
}

/// Ports that must not be open to `0.0.0.0/0` (`ipv4`) and `::/0` (`ipv6`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestrictedPorts {
    pub ipv4: ProtoPorts,
    pub ipv6: ProtoPorts,
}

impl RestrictedPorts {
    pub fn is_empty(&self) -> bool {
        self.ipv4.is_empty() && self.ipv6.is_empty()
    }
    pub fn union(&self, other: &RestrictedPorts) -> RestrictedPorts {
        RestrictedPorts {
            ipv4: self.ipv4.union(&other.ipv4),
            ipv6: self.ipv6.union(&other.ipv6),
        }
    }
    pub fn family(&self, v6: bool) -> &ProtoPorts {
        if v6 {
            &self.ipv6
        } else {
            &self.ipv4
        }
    }
}

/// A control's restricted ports from its kensa-rules definition (default parameters);
/// `None` for a control that is not about world-open ports.
pub fn restricted_ports(control: &str) -> Option<RestrictedPorts> {
    kensa_rules::controls::restricted_ports(control).map(|r| from_rules(&r))
}

/// Converts kensa-rules' description (one family selector) into per-family port sets.
pub fn from_rules(r: &kensa_rules::exposure::RestrictedPorts) -> RestrictedPorts {
    use kensa_rules::exposure::Family;
    let convert = |set: &kensa_rules::ports::PortSet| {
        PortSet::from_ranges(
            set.ranges()
                .iter()
                .filter_map(|&(a, b)| PortRange::new(a, b)),
        )
    };
    let ports = ProtoPorts {
        tcp: convert(&r.tcp),
        udp: convert(&r.udp),
        other_protocols: r.other_protocols,
    };
    let (v4, v6) = match r.family {
        Family::Any => (true, true),
        Family::Ipv4 => (true, false),
        Family::Ipv6 => (false, true),
    };
    RestrictedPorts {
        ipv4: if v4 {
            ports.clone()
        } else {
            ProtoPorts::default()
        },
        ipv6: if v6 { ports } else { ProtoPorts::default() },
    }
}

/// Controls kensa can remediate, with what it does.
pub const REMEDIABLE_CONTROLS: &[(&str, &str)] = &[
    ("EC2.1", "make public EBS snapshots private"),
    (
        "EC2.2",
        "close the VPC default security group (remove all its rules)",
    ),
    ("EC2.7", "enable EBS encryption by default"),
    ("EC2.8", "require IMDSv2 on instances"),
    ("EC2.13", "world-open port 22"),
    ("EC2.14", "world-open port 3389"),
    ("EC2.18", "world-open ports other than tcp 80/443"),
    ("EC2.19", "world-open high-risk ports"),
    ("EC2.53", "port 22/3389 open to 0.0.0.0/0"),
    ("EC2.54", "port 22/3389 open to ::/0"),
    ("AMI.PUBLIC", "make public AMIs private"),
];

/// Used when `--controls` is not given: the world-open port controls and the account
/// settings that do not change how workloads run. EC2.2 (closing the default group),
/// EC2.8 (IMDSv2, which old SDKs cannot use) and EC2.18 (everything but 80/443) must
/// be asked for by name.
pub const DEFAULT_CONTROLS: &[&str] = &[
    "EC2.1",
    "EC2.7",
    "EC2.13",
    "EC2.14",
    "EC2.19",
    "EC2.53",
    "EC2.54",
    "AMI.PUBLIC",
];
