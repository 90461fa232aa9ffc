//! EC2 and VPC resources in the exact shape the AWS CLI prints them.
//!
//! Everything AWS documents as optional is `Option` or defaults to empty, so a partial
//! record still loads; the analysers decide what a missing field means.
use serde::{Deserialize, Serialize};

use crate::snapshot::Scope;

/// A resource tag, `{"Key": ..., "Value": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    #[serde(default)]
    pub value: String,
}

/// Looks up the value of tag `key` (the `Name` tag, most often).
pub fn tag_value<'a>(tags: &'a [Tag], key: &str) -> Option<&'a str> {
    tags.iter().find(|t| t.key == key).map(|t| t.value.as_str())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Vpc {
    pub vpc_id: String,
    #[serde(default)]
    pub cidr_block: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub cidr_block_association_set: Vec<CidrBlockAssociation>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub ipv6_cidr_block_association_set: Vec<Ipv6CidrBlockAssociation>,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    #[serde(skip)]
    pub scope: Scope,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct CidrBlockAssociation {
    #[serde(default)]
    pub cidr_block: Option<String>,
    #[serde(default)]
    pub association_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Ipv6CidrBlockAssociation {
    #[serde(default)]
    pub ipv6_cidr_block: Option<String>,
    #[serde(default)]
    pub association_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Subnet {
    pub subnet_id: String,
    #[serde(default)]
    pub vpc_id: String,
    #[serde(default)]
    pub cidr_block: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub ipv6_cidr_block_association_set: Vec<Ipv6CidrBlockAssociation>,
    #[serde(default)]
    pub availability_zone: Option<String>,
    #[serde(default)]
    pub map_public_ip_on_launch: bool,
    #[serde(default)]
    pub default_for_az: bool,
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub subnet_arn: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    #[serde(skip)]
    pub scope: Scope,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct RouteTable {
    pub route_table_id: String,
    #[serde(default)]
    pub vpc_id: String,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub routes: Vec<Route>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub associations: Vec<RouteTableAssociation>,
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    #[serde(skip)]
    pub scope: Scope,
}

/// One route. Exactly one destination field and (normally) one target field is set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Route {
    #[serde(default)]
    pub destination_cidr_block: Option<String>,
    #[serde(default)]
    pub destination_ipv6_cidr_block: Option<String>,
    #[serde(default)]
    pub destination_prefix_list_id: Option<String>,
    /// `igw-…`, `vgw-…`, `vpce-…` or `local`.
    #[serde(default)]
    pub gateway_id: Option<String>,
    #[serde(default)]
    pub egress_only_internet_gateway_id: Option<String>,
    #[serde(default)]
    pub nat_gateway_id: Option<String>,
    #[serde(default)]
    pub transit_gateway_id: Option<String>,
    #[serde(default)]
    pub vpc_peering_connection_id: Option<String>,
    #[serde(default)]
    pub network_interface_id: Option<String>,
    #[serde(default)]
    pub instance_id: Option<String>,
    #[serde(default)]
    pub local_gateway_id: Option<String>,
    #[serde(default)]
    pub carrier_gateway_id: Option<String>,
    #[serde(default)]
    pub core_network_arn: Option<String>,
    /// `active` or `blackhole`.
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub origin: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct RouteTableAssociation {
    #[serde(default)]
    pub main: bool,
    #[serde(default)]
    pub route_table_association_id: Option<String>,
    #[serde(default)]
    pub route_table_id: Option<String>,
    #[serde(default)]
    pub subnet_id: Option<String>,
    #[serde(default)]
    pub gateway_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkAcl {
    pub network_acl_id: String,
    #[serde(default)]
    pub vpc_id: String,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub entries: Vec<NetworkAclEntry>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub associations: Vec<NetworkAclAssociation>,
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    #[serde(skip)]
    pub scope: Scope,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkAclEntry {
    pub rule_number: i32,
    /// `-1`, `6`, `17`, `1`, `58`, or another protocol number, as a string.
    pub protocol: String,
    /// `allow` or `deny`.
    pub rule_action: String,
    pub egress: bool,
    #[serde(default)]
    pub cidr_block: Option<String>,
    #[serde(default)]
    pub ipv6_cidr_block: Option<String>,
    #[serde(default)]
    pub port_range: Option<PortRange>,
    #[serde(default)]
    pub icmp_type_code: Option<IcmpTypeCode>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct PortRange {
    #[serde(default)]
    pub from: Option<i32>,
    #[serde(default)]
    pub to: Option<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct IcmpTypeCode {
    #[serde(default)]
    pub code: Option<i32>,
    #[serde(default, rename = "Type")]
    pub icmp_type: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkAclAssociation {
    #[serde(default)]
    pub network_acl_association_id: Option<String>,
    #[serde(default)]
    pub network_acl_id: Option<String>,
    #[serde(default)]
    pub subnet_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityGroup {
    pub group_id: String,
    #[serde(default)]
    pub group_name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub ip_permissions: Vec<IpPermission>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub ip_permissions_egress: Vec<IpPermission>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    #[serde(default)]
    pub security_group_arn: Option<String>,
    #[serde(skip)]
    pub scope: Scope,
}

/// One `IpPermissions` entry: a protocol and port range with several sources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct IpPermission {
    /// `tcp`, `udp`, `icmp`, `icmpv6`, `-1`, or a protocol number.
    pub ip_protocol: String,
    #[serde(default)]
    pub from_port: Option<i32>,
    #[serde(default)]
    pub to_port: Option<i32>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub ip_ranges: Vec<IpRange>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub ipv6_ranges: Vec<Ipv6Range>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub prefix_list_ids: Vec<PrefixListRef>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub user_id_group_pairs: Vec<UserIdGroupPair>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct IpRange {
    pub cidr_ip: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Ipv6Range {
    pub cidr_ipv6: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct PrefixListRef {
    pub prefix_list_id: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct UserIdGroupPair {
    #[serde(default)]
    pub group_id: Option<String>,
    #[serde(default)]
    pub group_name: Option<String>,
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub vpc_peering_connection_id: Option<String>,
    #[serde(default)]
    pub peering_status: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// `describe-security-group-rules`: one rule, one source, with its stable rule id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityGroupRule {
    pub security_group_rule_id: String,
    pub group_id: String,
    #[serde(default)]
    pub group_owner_id: Option<String>,
    pub is_egress: bool,
    pub ip_protocol: String,
    #[serde(default)]
    pub from_port: Option<i32>,
    #[serde(default)]
    pub to_port: Option<i32>,
    #[serde(default)]
    pub cidr_ipv4: Option<String>,
    #[serde(default)]
    pub cidr_ipv6: Option<String>,
    #[serde(default)]
    pub prefix_list_id: Option<String>,
    #[serde(default)]
    pub referenced_group_info: Option<ReferencedGroupInfo>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    #[serde(skip)]
    pub scope: Scope,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ReferencedGroupInfo {
    #[serde(default)]
    pub group_id: Option<String>,
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub vpc_peering_connection_id: Option<String>,
    #[serde(default)]
    pub peering_status: Option<String>,
}
