//! EC2 and VPC resources in the exact shape the AWS CLI prints them.
//!
//! Everything AWS documents as optional is `Option` or defaults to empty, so a partial
//! record still loads; the analysers decide what a missing field means.
use serde::{Deserialize, Serialize};

use crate::ports::PortRange;
use crate::snapshot::Scope;

/// A resource tag, `{"Key": ..., "Value": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    /// The tag's key.
    pub key: String,
    /// The tag's value (may be empty).
    #[serde(default)]
    pub value: String,
}

/// Looks up the value of tag `key` (the `Name` tag, most often).
pub fn tag_value<'a>(tags: &'a [Tag], key: &str) -> Option<&'a str> {
    tags.iter().find(|t| t.key == key).map(|t| t.value.as_str())
}

/// A VPC (`describe-vpcs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Vpc {
    /// Its id (`vpc-…`): the key the snapshot stores it under and findings name it by.
    pub vpc_id: String,
    /// The primary IPv4 CIDR.
    #[serde(default)]
    pub cidr_block: Option<String>,
    /// Every IPv4 CIDR of the VPC, the primary included.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub cidr_block_association_set: Vec<CidrBlockAssociation>,
    /// The IPv6 CIDRs associated with it.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub ipv6_cidr_block_association_set: Vec<Ipv6CidrBlockAssociation>,
    /// Whether AWS created it as the default (a default VPC or network ACL).
    #[serde(default)]
    pub is_default: bool,
    /// The account that owns it (12 digits): the resource's account when the snapshot layout names
    /// none.
    #[serde(default)]
    pub owner_id: Option<String>,
    /// Its state (`pending`, `available`).
    #[serde(default)]
    pub state: Option<String>,
    /// Its tags (`Key`/`Value` pairs; `Name` is what people call it).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}

/// An IPv4 CIDR associated with a VPC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct CidrBlockAssociation {
    /// One of the VPC's IPv4 CIDRs.
    #[serde(default)]
    pub cidr_block: Option<String>,
    /// The id of this association, which AWS needs to undo it.
    #[serde(default)]
    pub association_id: Option<String>,
}

/// An IPv6 CIDR associated with a VPC or subnet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Ipv6CidrBlockAssociation {
    /// One of the IPv6 CIDRs.
    #[serde(default)]
    pub ipv6_cidr_block: Option<String>,
    /// The id of this association, which AWS needs to undo it.
    #[serde(default)]
    pub association_id: Option<String>,
}

/// A subnet (`describe-subnets`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Subnet {
    /// Its id (`subnet-…`): the key the snapshot stores it under and findings name it by.
    pub subnet_id: String,
    /// The VPC it is in.
    #[serde(default)]
    pub vpc_id: String,
    /// Its IPv4 CIDR.
    #[serde(default)]
    pub cidr_block: Option<String>,
    /// The IPv6 CIDRs associated with it.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub ipv6_cidr_block_association_set: Vec<Ipv6CidrBlockAssociation>,
    /// The Availability Zone (`us-east-1a`).
    #[serde(default)]
    pub availability_zone: Option<String>,
    /// Whether instances launched in it get a public IPv4 address by default (FSBP EC2.15).
    #[serde(default)]
    pub map_public_ip_on_launch: bool,
    /// Whether it is the default subnet of its Availability Zone.
    #[serde(default)]
    pub default_for_az: bool,
    /// The account that owns it (12 digits): the resource's account when the snapshot layout names
    /// none.
    #[serde(default)]
    pub owner_id: Option<String>,
    /// Its ARN.
    #[serde(default)]
    pub subnet_arn: Option<String>,
    /// Its tags (`Key`/`Value` pairs; `Name` is what people call it).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}

/// A route table (`describe-route-tables`): where a subnet's traffic goes next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct RouteTable {
    /// Its id (`rtb-…`): the key the snapshot stores it under and findings name it by.
    pub route_table_id: String,
    /// The VPC it belongs to.
    #[serde(default)]
    pub vpc_id: String,
    /// Its routes, in no particular order: the longest prefix wins.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub routes: Vec<Route>,
    /// The subnets (and gateways) it is associated with, and whether it is the main table.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub associations: Vec<RouteTableAssociation>,
    /// The account that owns it (12 digits): the resource's account when the snapshot layout names
    /// none.
    #[serde(default)]
    pub owner_id: Option<String>,
    /// Its tags (`Key`/`Value` pairs; `Name` is what people call it).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}

/// One route. Exactly one destination field and (normally) one target field is set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Route {
    /// The IPv4 destination the route matches.
    #[serde(default)]
    pub destination_cidr_block: Option<String>,
    /// The IPv6 destination the route matches.
    #[serde(default)]
    pub destination_ipv6_cidr_block: Option<String>,
    /// The prefix list (`pl-…`) whose CIDRs the route matches.
    #[serde(default)]
    pub destination_prefix_list_id: Option<String>,
    /// `igw-…`, `vgw-…`, `vpce-…` or `local`.
    #[serde(default)]
    pub gateway_id: Option<String>,
    /// Target: an egress-only internet gateway (`eigw-…`).
    #[serde(default)]
    pub egress_only_internet_gateway_id: Option<String>,
    /// Target: a NAT gateway (`nat-…`).
    #[serde(default)]
    pub nat_gateway_id: Option<String>,
    /// Target: a transit gateway (`tgw-…`).
    #[serde(default)]
    pub transit_gateway_id: Option<String>,
    /// Target: a VPC peering connection (`pcx-…`).
    #[serde(default)]
    pub vpc_peering_connection_id: Option<String>,
    /// Target: a network interface (`eni-…`), such as an appliance's.
    #[serde(default)]
    pub network_interface_id: Option<String>,
    /// Target: an instance (a NAT instance), via its primary interface.
    #[serde(default)]
    pub instance_id: Option<String>,
    /// Target: an Outposts local gateway (`lgw-…`).
    #[serde(default)]
    pub local_gateway_id: Option<String>,
    /// Target: a Wavelength carrier gateway (`cagw-…`).
    #[serde(default)]
    pub carrier_gateway_id: Option<String>,
    /// Target: a Cloud WAN core network.
    #[serde(default)]
    pub core_network_arn: Option<String>,
    /// `active` or `blackhole`.
    #[serde(default)]
    pub state: Option<String>,
    /// How it got there (`CreateRouteTable` for local, `CreateRoute`, `EnableVgwRoutePropagation`).
    #[serde(default)]
    pub origin: Option<String>,
}

/// A route table's association with a subnet or a gateway, or its role as the VPC's main table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct RouteTableAssociation {
    /// Whether this is the VPC's main route table, used by every subnet without an explicit
    /// association.
    #[serde(default)]
    pub main: bool,
    /// The association's id.
    #[serde(default)]
    pub route_table_association_id: Option<String>,
    /// The route table associated.
    #[serde(default)]
    pub route_table_id: Option<String>,
    /// The subnet associated.
    #[serde(default)]
    pub subnet_id: Option<String>,
    /// An internet or virtual private gateway associated for ingress routing (edge association).
    #[serde(default)]
    pub gateway_id: Option<String>,
}

/// A network ACL (`describe-network-acls`): the stateless filter at a subnet's edge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkAcl {
    /// Its id (`acl-…`): the key the snapshot stores it under and findings name it by.
    pub network_acl_id: String,
    /// The VPC it belongs to.
    #[serde(default)]
    pub vpc_id: String,
    /// Whether AWS created it as the default (a default VPC or network ACL).
    #[serde(default)]
    pub is_default: bool,
    /// Its rules, inbound and outbound; evaluated by rule number, lowest first.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub entries: Vec<NetworkAclEntry>,
    /// The subnets it applies to.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub associations: Vec<NetworkAclAssociation>,
    /// The account that owns it (12 digits): the resource's account when the snapshot layout names
    /// none.
    #[serde(default)]
    pub owner_id: Option<String>,
    /// Its tags (`Key`/`Value` pairs; `Name` is what people call it).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}

/// One numbered network ACL rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkAclEntry {
    /// The rule number: rules are evaluated lowest first and the first match decides; 32767 is the
    /// implicit deny.
    pub rule_number: i32,
    /// `-1`, `6`, `17`, `1`, `58`, or another protocol number, as a string.
    pub protocol: String,
    /// `allow` or `deny`.
    pub rule_action: String,
    /// Whether it is an outbound rule.
    pub egress: bool,
    /// The IPv4 CIDR it matches.
    #[serde(default)]
    pub cidr_block: Option<String>,
    /// The IPv6 CIDR it matches.
    #[serde(default)]
    pub ipv6_cidr_block: Option<String>,
    /// The TCP/UDP ports it matches; `None` (no `PortRange`) is every port. Read and written
    /// in AWS's shape (`{"From": 22, "To": 22}`, -1 for every port) by [`crate::ports::acl`].
    #[serde(default, with = "crate::ports::acl")]
    pub port_range: Option<PortRange>,
    /// The ICMP type and code it matches.
    #[serde(default)]
    pub icmp_type_code: Option<IcmpTypeCode>,
}

/// The ICMP type and code a network ACL rule matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct IcmpTypeCode {
    /// The ICMP code; -1 for all.
    #[serde(default)]
    pub code: Option<i32>,
    /// The ICMP type; -1 for all.
    #[serde(default, rename = "Type")]
    pub icmp_type: Option<i32>,
}

/// A subnet's association with a network ACL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkAclAssociation {
    /// The association's id (replacing an ACL needs it).
    #[serde(default)]
    pub network_acl_association_id: Option<String>,
    /// The ACL.
    #[serde(default)]
    pub network_acl_id: Option<String>,
    /// The subnet it applies to.
    #[serde(default)]
    pub subnet_id: Option<String>,
}

/// A security group (`describe-security-groups`): the stateful filter of the interfaces it is
/// attached to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityGroup {
    /// Its id (`sg-…`): the key the snapshot stores it under and findings name it by.
    pub group_id: String,
    /// Its name (unique per VPC; `default` for the VPC's default group).
    #[serde(default)]
    pub group_name: String,
    /// The owner's free-text description; shown in findings, never interpreted.
    #[serde(default)]
    pub description: Option<String>,
    /// The VPC it belongs to.
    #[serde(default)]
    pub vpc_id: Option<String>,
    /// The account that owns it (12 digits): the resource's account when the snapshot layout names
    /// none.
    #[serde(default)]
    pub owner_id: Option<String>,
    /// Inbound rules: traffic any of them allows is let in (security groups are stateful).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub ip_permissions: Vec<IpPermission>,
    /// Outbound rules.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub ip_permissions_egress: Vec<IpPermission>,
    /// Its tags (`Key`/`Value` pairs; `Name` is what people call it).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// Its ARN.
    #[serde(default)]
    pub security_group_arn: Option<String>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}

/// One `IpPermissions` entry: a protocol and port range with several sources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct IpPermission {
    /// `tcp`, `udp`, `icmp`, `icmpv6`, `-1`, or a protocol number.
    pub ip_protocol: String,
    /// The first port (or ICMP type); `-1` or absent for all.
    #[serde(default)]
    pub from_port: Option<i32>,
    /// The last port (or ICMP code); `-1` or absent for all.
    #[serde(default)]
    pub to_port: Option<i32>,
    /// IPv4 sources (or destinations) allowed.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub ip_ranges: Vec<IpRange>,
    /// IPv6 sources (or destinations) allowed.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub ipv6_ranges: Vec<Ipv6Range>,
    /// Prefix lists whose CIDRs are allowed.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub prefix_list_ids: Vec<PrefixListRef>,
    /// Security groups whose members are allowed (possibly in another account or a peered VPC).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub user_id_group_pairs: Vec<UserIdGroupPair>,
}

/// An IPv4 CIDR a security group rule allows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct IpRange {
    /// The IPv4 CIDR allowed.
    pub cidr_ip: String,
    /// The rule's description.
    #[serde(default)]
    pub description: Option<String>,
}

/// An IPv6 CIDR a security group rule allows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Ipv6Range {
    /// The IPv6 CIDR allowed.
    pub cidr_ipv6: String,
    /// The rule's description.
    #[serde(default)]
    pub description: Option<String>,
}

/// A prefix list a security group rule allows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct PrefixListRef {
    /// The prefix list (`pl-…`).
    pub prefix_list_id: String,
    /// The rule's description.
    #[serde(default)]
    pub description: Option<String>,
}

/// A security group a security group rule allows (its members' private addresses).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct UserIdGroupPair {
    /// The referenced group.
    #[serde(default)]
    pub group_id: Option<String>,
    /// The referenced group's name (EC2-Classic and default-VPC references may give only the name).
    #[serde(default)]
    pub group_name: Option<String>,
    /// The account id (a group reference names the group's account; a permission names the account
    /// allowed).
    #[serde(default)]
    pub user_id: Option<String>,
    /// The referenced group's VPC, for a reference across a peering.
    #[serde(default)]
    pub vpc_id: Option<String>,
    /// The VPC peering connection (`pcx-…`).
    #[serde(default)]
    pub vpc_peering_connection_id: Option<String>,
    /// The peering's state for a group referenced across it (`active`, `deleted`); a deleted
    /// peering's reference grants nothing.
    #[serde(default)]
    pub peering_status: Option<String>,
    /// The rule's description.
    #[serde(default)]
    pub description: Option<String>,
}

/// `describe-security-group-rules`: one rule, one source, with its stable rule id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityGroupRule {
    /// Its id (`sgr-…`): the key the snapshot stores it under and findings name it by.
    pub security_group_rule_id: String,
    /// The group the rule belongs to.
    pub group_id: String,
    /// The account that owns the group.
    #[serde(default)]
    pub group_owner_id: Option<String>,
    /// Whether it is an outbound rule.
    pub is_egress: bool,
    /// `tcp`, `udp`, `icmp`, `icmpv6`, a protocol number, or `-1` for all.
    pub ip_protocol: String,
    /// The first port (or ICMP type); `-1` or absent for all.
    #[serde(default)]
    pub from_port: Option<i32>,
    /// The last port (or ICMP code); `-1` or absent for all.
    #[serde(default)]
    pub to_port: Option<i32>,
    /// The IPv4 CIDR allowed.
    #[serde(default)]
    pub cidr_ipv4: Option<String>,
    /// The IPv6 CIDR.
    #[serde(default)]
    pub cidr_ipv6: Option<String>,
    /// The prefix list whose CIDRs are allowed.
    #[serde(default)]
    pub prefix_list_id: Option<String>,
    /// The security group allowed, when the rule references one.
    #[serde(default)]
    pub referenced_group_info: Option<ReferencedGroupInfo>,
    /// The rule's description.
    #[serde(default)]
    pub description: Option<String>,
    /// Its tags (`Key`/`Value` pairs; `Name` is what people call it).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}

/// The security group a security group rule references.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ReferencedGroupInfo {
    /// The referenced group.
    #[serde(default)]
    pub group_id: Option<String>,
    /// The account id (a group reference names the group's account; a permission names the account
    /// allowed).
    #[serde(default)]
    pub user_id: Option<String>,
    /// The referenced group's VPC, for a reference across a peering.
    #[serde(default)]
    pub vpc_id: Option<String>,
    /// The VPC peering connection (`pcx-…`).
    #[serde(default)]
    pub vpc_peering_connection_id: Option<String>,
    /// The peering's state for a group referenced across it (`active`, `deleted`); a deleted
    /// peering's reference grants nothing.
    #[serde(default)]
    pub peering_status: Option<String>,
}
