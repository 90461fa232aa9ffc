//! Which ports each control forbids to open to the world, per address family.
//!
//! This is the planner's explicit input. The port lists follow the AWS Security Hub
//! controls of the same ids; kensa-rules owns the controls themselves, and the CLI can
//! build a [`RestrictedPorts`] from its definitions instead.
use serde::{Deserialize, Serialize};

use super::ports::{PortRange, PortSet};

/// Restricted tcp and udp ports for one address family.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtoPorts {
    pub tcp: PortSet,
    pub udp: PortSet,
}

impl ProtoPorts {
    pub fn is_empty(&self) -> bool {
        self.tcp.is_empty() && self.udp.is_empty()
    }
    pub fn union(&self, other: &ProtoPorts) -> ProtoPorts {
        ProtoPorts {
            tcp: self.tcp.union(&other.tcp),
            udp: self.udp.union(&other.udp),
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
    fn both(tcp: PortSet, udp: PortSet) -> RestrictedPorts {
        let p = ProtoPorts { tcp, udp };
        RestrictedPorts {
            ipv4: p.clone(),
            ipv6: p,
        }
    }
}

/// Security Hub EC2.19's high-risk ports.
pub const HIGH_RISK_PORTS: &[u16] = &[
    20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500,
    5601, 8080, 8088, 8888, 9200, 9300,
];

/// Controls whose remediation is a security-group change, with the ports each forbids.
/// `None` for a control that is not about world-open ports.
pub fn restricted_ports(control: &str) -> Option<RestrictedPorts> {
    let none = PortSet::empty;
    Some(match control {
        // Port 22 from 0.0.0.0/0 or ::/0.
        "EC2.13" => RestrictedPorts::both(PortSet::from_ports([22]), none()),
        // Port 3389 from 0.0.0.0/0 or ::/0.
        "EC2.14" => RestrictedPorts::both(PortSet::from_ports([3389]), none()),
        // Only authorised ports (tcp 80 and 443) may be open to the world.
        "EC2.18" => {
            let open = PortSet::from_ports([80, 443]);
            RestrictedPorts::both(PortSet::all().difference(&open), PortSet::all())
        }
        // High-risk ports, tcp.
        "EC2.19" => {
            RestrictedPorts::both(PortSet::from_ports(HIGH_RISK_PORTS.iter().copied()), none())
        }
        // Remote administration ports (22, 3389) from 0.0.0.0/0, tcp and udp.
        "EC2.53" => RestrictedPorts {
            ipv4: ProtoPorts {
                tcp: admin_ports(),
                udp: admin_ports(),
            },
            ipv6: ProtoPorts::default(),
        },
        // The same from ::/0.
        "EC2.54" => RestrictedPorts {
            ipv4: ProtoPorts::default(),
            ipv6: ProtoPorts {
                tcp: admin_ports(),
                udp: admin_ports(),
            },
        },
        _ => return None,
    })
}

fn admin_ports() -> PortSet {
    PortSet::from_ranges([PortRange::single(22), PortRange::single(3389)])
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
