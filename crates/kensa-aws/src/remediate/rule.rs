//! One security-group rule with one source: what the plan removes and adds, and how a
//! rule is recognised again in live `DescribeSecurityGroupRules` output.
use std::fmt;

use kensa_model::ec2::{IpPermission, SecurityGroupRule};
use serde::{Deserialize, Serialize};

use kensa_model::ports::{PortRange, PortSet};

/// Where traffic comes from (ingress) or goes to (egress).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value")]
pub enum Source {
    /// An IPv4 CIDR block.
    CidrIpv4(String),
    /// An IPv6 CIDR block.
    CidrIpv6(String),
    /// A managed prefix list (`pl-…`).
    PrefixList(String),
    /// A referenced security group (`group_id`, optional owner `user_id`).
    Group {
        /// The group's id.
        group_id: String,
        /// The account owning it, when another.
        user_id: Option<String>,
    },
}

impl Source {
    /// Whether it is the whole Internet (`0.0.0.0/0` or `::/0`).
    pub fn is_world(&self) -> bool {
        matches!(self, Source::CidrIpv4(c) if c == "0.0.0.0/0")
            || matches!(self, Source::CidrIpv6(c) if c == "::/0")
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::CidrIpv4(c) | Source::CidrIpv6(c) | Source::PrefixList(c) => f.write_str(c),
            Source::Group { group_id, .. } => f.write_str(group_id),
        }
    }
}

/// One rule, one source, as `AuthorizeSecurityGroupIngress` takes it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RuleSpec {
    /// An egress rule (otherwise ingress).
    pub egress: bool,
    /// `tcp`, `udp`, `icmp`, `icmpv6`, `-1` or a protocol number, as AWS spells it.
    pub ip_protocol: String,
    /// First port (ICMP: the type); none for every port.
    pub from_port: Option<i32>,
    /// Last port (ICMP: the code); none for every port.
    pub to_port: Option<i32>,
    /// Where traffic comes from or goes to.
    pub source: Source,
    /// The rule's description.
    pub description: Option<String>,
    /// `sgr-…` when known (from `describe-security-group-rules`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
}

/// The protocol a rule opens, normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proto {
    /// TCP (`tcp` or `6`).
    Tcp,
    /// UDP (`udp` or `17`).
    Udp,
    /// `-1`: every protocol and port.
    All,
    /// Anything else (icmp, icmpv6, gre, a number): no ports.
    Other,
}

impl RuleSpec {
    /// The rule's protocol, normalised.
    pub fn proto(&self) -> Proto {
        match self.ip_protocol.to_ascii_lowercase().as_str() {
            "tcp" | "6" => Proto::Tcp,
            "udp" | "17" => Proto::Udp,
            "-1" | "all" => Proto::All,
            _ => Proto::Other,
        }
    }

    /// The ports a tcp/udp rule opens (all ports when the range is absent or -1).
    pub fn ports(&self) -> PortSet {
        match (self.from_port, self.to_port) {
            (Some(f), Some(t)) if f >= 0 && t >= 0 => {
                let clamp = |p: i32| u16::try_from(p.min(65535)).unwrap_or(u16::MAX);
                PortRange::new(clamp(f), clamp(t))
                    .map_or_else(PortSet::empty, |r| PortSet::from_ranges([r]))
            }
            _ => PortSet::all(),
        }
    }

    /// Same rule (direction, protocol, ports, source), whatever its id and description.
    pub fn same_rule(&self, other: &RuleSpec) -> bool {
        self.egress == other.egress
            && self.ip_protocol.eq_ignore_ascii_case(&other.ip_protocol)
            && norm_port(self) == norm_port(other)
            && self.source == other.source
    }

    /// `tcp 0-21 from 0.0.0.0/0 ("web")`.
    pub fn describe(&self) -> String {
        let ports = match self.proto() {
            Proto::Tcp | Proto::Udp => format!(" {}", self.ports()),
            _ => String::new(),
        };
        let proto = if self.ip_protocol == "-1" {
            "all traffic"
        } else {
            &self.ip_protocol
        };
        let dir = if self.egress { "to" } else { "from" };
        let desc = self
            .description
            .as_deref()
            .map(|d| format!(" (\"{d}\")"))
            .unwrap_or_default();
        format!("{proto}{ports} {dir} {}{desc}", self.source)
    }

    /// The rule of a `DescribeSecurityGroupRules` record (none when it names no source).
    pub fn from_sg_rule(r: &SecurityGroupRule) -> Option<RuleSpec> {
        let source = if let Some(c) = &r.cidr_ipv4 {
            Source::CidrIpv4(c.clone())
        } else if let Some(c) = &r.cidr_ipv6 {
            Source::CidrIpv6(c.clone())
        } else if let Some(p) = &r.prefix_list_id {
            Source::PrefixList(p.clone())
        } else {
            let g = r.referenced_group_info.as_ref()?;
            Source::Group {
                group_id: g.group_id.clone()?,
                user_id: g.user_id.clone(),
            }
        };
        Some(RuleSpec {
            egress: r.is_egress,
            ip_protocol: r.ip_protocol.clone(),
            from_port: r.from_port,
            to_port: r.to_port,
            source,
            description: r.description.clone(),
            rule_id: Some(r.security_group_rule_id.clone()).filter(|s| !s.is_empty()),
        })
    }

    /// Splits a `describe-security-groups` permission into one spec per source.
    pub fn from_permission(p: &IpPermission, egress: bool) -> Vec<RuleSpec> {
        let spec = |source: Source, description: &Option<String>| RuleSpec {
            egress,
            ip_protocol: p.ip_protocol.clone(),
            from_port: p.from_port,
            to_port: p.to_port,
            source,
            description: description.clone(),
            rule_id: None,
        };
        let mut out = Vec::new();
        for r in &p.ip_ranges {
            out.push(spec(Source::CidrIpv4(r.cidr_ip.clone()), &r.description));
        }
        for r in &p.ipv6_ranges {
            out.push(spec(Source::CidrIpv6(r.cidr_ipv6.clone()), &r.description));
        }
        for r in &p.prefix_list_ids {
            out.push(spec(
                Source::PrefixList(r.prefix_list_id.clone()),
                &r.description,
            ));
        }
        for g in &p.user_id_group_pairs {
            if let Some(id) = &g.group_id {
                let source = Source::Group {
                    group_id: id.clone(),
                    user_id: g.user_id.clone(),
                };
                out.push(spec(source, &g.description));
            }
        }
        out
    }
}

/// Ports as AWS compares them: a `-1` protocol ignores the ports it was given.
fn norm_port(r: &RuleSpec) -> (Option<i32>, Option<i32>) {
    match r.proto() {
        Proto::All => (None, None),
        _ => (r.from_port, r.to_port),
    }
}
