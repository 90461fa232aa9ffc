//! One security group rule with one source, normalised, read from either CloudTrail
//! shape and written to both of the snapshot's forms (`IpPermissions` and
//! `SecurityGroupRules`).
use kensa_model::ec2::{
    IpPermission, IpRange, Ipv6Range, PrefixListRef, ReferencedGroupInfo, SecurityGroup,
    SecurityGroupRule, UserIdGroupPair,
};
use serde_json::Value;

use crate::json::{int, items, text};

/// A protocol as `describe-security-groups` prints it: `tcp`, `udp`, `icmp`, `icmpv6`,
/// `-1` (all), or a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proto(pub String);

impl Proto {
    /// AWS accepts names and numbers and reports names for the four it names.
    pub fn normalise(raw: &str) -> Proto {
        let p = raw.trim().to_ascii_lowercase();
        Proto(
            match p.as_str() {
                "6" => "tcp",
                "17" => "udp",
                "1" => "icmp",
                "58" => "icmpv6",
                "all" | "-1" => "-1",
                other => other,
            }
            .to_string(),
        )
    }
    /// Whether the rule's ports mean anything (they do not for all traffic and for
    /// protocols without ports).
    fn has_ports(&self) -> bool {
        matches!(self.0.as_str(), "tcp" | "udp" | "icmp" | "icmpv6")
    }
}

/// What a rule admits from (or sends to).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleSource {
    /// An IPv4 CIDR.
    Cidr4(String),
    /// An IPv6 CIDR.
    Cidr6(String),
    /// A managed prefix list id.
    PrefixList(String),
    /// A security group (its members), maybe of another account or VPC.
    Group {
        /// The group id.
        id: String,
        /// Its account, when another.
        user: Option<String>,
        /// Its VPC, when given.
        vpc: Option<String>,
        /// The peering connection it is referenced through.
        peering: Option<String>,
    },
}

/// One rule, one source.
#[derive(Debug, Clone)]
pub struct SgRule {
    /// Outbound rather than inbound.
    pub egress: bool,
    /// The protocol.
    pub proto: Proto,
    /// First port (or ICMP type); None for all.
    pub from: Option<i32>,
    /// Last port (or ICMP code); None for all.
    pub to: Option<i32>,
    /// Where traffic comes from (goes to, for egress).
    pub source: RuleSource,
    /// The rule's description.
    pub description: Option<String>,
}

impl SgRule {
    /// Same protocol, ports and source (descriptions do not identify a rule).
    pub fn same_as(&self, o: &SgRule) -> bool {
        self.egress == o.egress
            && self.proto == o.proto
            && self.source == o.source
            && (!self.proto.has_ports() || (self.from, self.to) == (o.from, o.to))
    }

    fn same_shape(&self, p: &IpPermission) -> bool {
        let proto = Proto::normalise(&p.ip_protocol);
        proto == self.proto
            && (!proto.has_ports() || (p.from_port, p.to_port) == (self.from, self.to))
    }

    /// The rules of one `IpPermissions` request item (`groups` by name only are an error:
    /// the caller re-describes).
    pub fn from_permission(item: &Value, egress: bool) -> Result<Vec<SgRule>, String> {
        let proto = Proto::normalise(&text(item, "ipProtocol").ok_or("no ipProtocol")?);
        let rule = |source, d: &Value| SgRule {
            egress,
            proto: proto.clone(),
            from: int(item, "fromPort"),
            to: int(item, "toPort"),
            source,
            description: text(d, "description"),
        };
        let mut out = Vec::new();
        for r in items(item, "ipRanges") {
            out.push(rule(
                RuleSource::Cidr4(text(r, "cidrIp").ok_or("no cidrIp")?),
                r,
            ));
        }
        for r in items(item, "ipv6Ranges") {
            let cidr = text(r, "cidrIpv6").ok_or("no cidrIpv6")?;
            out.push(rule(RuleSource::Cidr6(cidr), r));
        }
        for r in items(item, "prefixListIds") {
            let id = text(r, "prefixListId").ok_or("no prefixListId")?;
            out.push(rule(RuleSource::PrefixList(id), r));
        }
        for g in items(item, "groups") {
            let id = text(g, "groupId").ok_or("a source group named without its id")?;
            let source = RuleSource::Group {
                id,
                user: text(g, "userId"),
                vpc: text(g, "vpcId"),
                peering: text(g, "vpcPeeringConnectionId"),
            };
            out.push(rule(source, g));
        }
        Ok(out)
    }

    /// A rule in `describe-security-group-rules` shape (CloudTrail's
    /// `securityGroupRuleSet` items, and ModifySecurityGroupRules' request).
    pub fn from_rule_item(item: &Value, egress: bool) -> Result<SgRule, String> {
        let proto = Proto::normalise(&text(item, "ipProtocol").ok_or("no ipProtocol")?);
        let referenced = crate::json::get(item, "referencedGroupInfo");
        let source = if let Some(c) = text(item, "cidrIpv4") {
            RuleSource::Cidr4(c)
        } else if let Some(c) = text(item, "cidrIpv6") {
            RuleSource::Cidr6(c)
        } else if let Some(p) = text(item, "prefixListId") {
            RuleSource::PrefixList(p)
        } else if let Some(id) = (referenced.and_then(|r| text(r, "groupId")))
            .or_else(|| text(item, "referencedGroupId"))
        {
            RuleSource::Group {
                id,
                user: referenced.and_then(|r| text(r, "userId")),
                vpc: referenced.and_then(|r| text(r, "vpcId")),
                peering: referenced.and_then(|r| text(r, "vpcPeeringConnectionId")),
            }
        } else {
            return Err("rule names no source".into());
        };
        Ok(SgRule {
            egress: crate::json::boolean(item, "isEgress").unwrap_or(egress),
            proto,
            from: int(item, "fromPort"),
            to: int(item, "toPort"),
            source,
            description: text(item, "description"),
        })
    }

    /// The snapshot's rule, normalised.
    pub fn from_model(r: &SecurityGroupRule) -> Option<SgRule> {
        let g = r.referenced_group_info.as_ref();
        let source = if let Some(c) = &r.cidr_ipv4 {
            RuleSource::Cidr4(c.clone())
        } else if let Some(c) = &r.cidr_ipv6 {
            RuleSource::Cidr6(c.clone())
        } else if let Some(p) = &r.prefix_list_id {
            RuleSource::PrefixList(p.clone())
        } else {
            let g = g?;
            RuleSource::Group {
                id: g.group_id.clone()?,
                user: g.user_id.clone(),
                vpc: g.vpc_id.clone(),
                peering: g.vpc_peering_connection_id.clone(),
            }
        };
        Some(SgRule {
            egress: r.is_egress,
            proto: Proto::normalise(&r.ip_protocol),
            from: r.from_port,
            to: r.to_port,
            source,
            description: r.description.clone(),
        })
    }

    /// The rule as `describe-security-group-rules` lists it.
    pub fn to_model(&self, rule_id: &str, group_id: &str) -> SecurityGroupRule {
        let mut r = SecurityGroupRule {
            security_group_rule_id: rule_id.to_string(),
            group_id: group_id.to_string(),
            is_egress: self.egress,
            ip_protocol: self.proto.0.clone(),
            from_port: self.from,
            to_port: self.to,
            description: self.description.clone(),
            ..Default::default()
        };
        match &self.source {
            RuleSource::Cidr4(c) => r.cidr_ipv4 = Some(c.clone()),
            RuleSource::Cidr6(c) => r.cidr_ipv6 = Some(c.clone()),
            RuleSource::PrefixList(p) => r.prefix_list_id = Some(p.clone()),
            RuleSource::Group {
                id,
                user,
                vpc,
                peering,
            } => {
                r.referenced_group_info = Some(ReferencedGroupInfo {
                    group_id: Some(id.clone()),
                    user_id: user.clone(),
                    vpc_id: vpc.clone(),
                    vpc_peering_connection_id: peering.clone(),
                    ..Default::default()
                })
            }
        }
        r
    }

    /// Adds the rule to the group's `IpPermissions[Egress]` (no duplicate source).
    pub fn add_to(&self, sg: &mut SecurityGroup) {
        self.remove_from(sg);
        let perms = if self.egress {
            &mut sg.ip_permissions_egress
        } else {
            &mut sg.ip_permissions
        };
        let i = match perms.iter().position(|p| self.same_shape(p)) {
            Some(i) => i,
            None => {
                perms.push(IpPermission {
                    ip_protocol: self.proto.0.clone(),
                    from_port: self.from,
                    to_port: self.to,
                    ..Default::default()
                });
                perms.len() - 1
            }
        };
        let p = &mut perms[i];
        let description = self.description.clone();
        match &self.source {
            RuleSource::Cidr4(c) => p.ip_ranges.push(IpRange {
                cidr_ip: c.clone(),
                description,
            }),
            RuleSource::Cidr6(c) => p.ipv6_ranges.push(Ipv6Range {
                cidr_ipv6: c.clone(),
                description,
            }),
            RuleSource::PrefixList(id) => p.prefix_list_ids.push(PrefixListRef {
                prefix_list_id: id.clone(),
                description,
            }),
            RuleSource::Group {
                id,
                user,
                vpc,
                peering,
            } => p.user_id_group_pairs.push(UserIdGroupPair {
                group_id: Some(id.clone()),
                user_id: user.clone(),
                vpc_id: vpc.clone(),
                vpc_peering_connection_id: peering.clone(),
                description,
                ..Default::default()
            }),
        }
    }

    /// Removes the rule from the group's `IpPermissions[Egress]`; whether it was there.
    pub fn remove_from(&self, sg: &mut SecurityGroup) -> bool {
        let perms = if self.egress {
            &mut sg.ip_permissions_egress
        } else {
            &mut sg.ip_permissions
        };
        let mut found = false;
        for p in perms.iter_mut().filter(|p| self.same_shape(p)) {
            let before = source_count(p);
            match &self.source {
                RuleSource::Cidr4(c) => p.ip_ranges.retain(|r| &r.cidr_ip != c),
                RuleSource::Cidr6(c) => p.ipv6_ranges.retain(|r| &r.cidr_ipv6 != c),
                RuleSource::PrefixList(id) => p.prefix_list_ids.retain(|r| &r.prefix_list_id != id),
                RuleSource::Group { id, .. } => p
                    .user_id_group_pairs
                    .retain(|g| g.group_id.as_ref() != Some(id)),
            }
            found |= source_count(p) != before;
        }
        perms.retain(|p| source_count(p) > 0);
        found
    }
}

fn source_count(p: &IpPermission) -> usize {
    p.ip_ranges.len() + p.ipv6_ranges.len() + p.prefix_list_ids.len() + p.user_id_group_pairs.len()
}
