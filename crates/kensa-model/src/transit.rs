//! Connectivity beyond one VPC: peering, VPN, transit gateways and VPC endpoints.
use serde::{Deserialize, Serialize};

use crate::ec2::{CidrBlockAssociation, Tag};
use crate::gateway::GatewayAttachment;
use crate::snapshot::Scope;

/// A VPC peering connection (`describe-vpc-peering-connections`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct VpcPeeringConnection {
    /// Its id (`pcx-…`): the key the snapshot stores it under and findings name it by.
    pub vpc_peering_connection_id: String,
    /// The accepting side's VPC, account, region and CIDRs.
    #[serde(default)]
    pub accepter_vpc_info: Option<PeeringVpcInfo>,
    /// The requesting side's VPC, account, region and CIDRs.
    #[serde(default)]
    pub requester_vpc_info: Option<PeeringVpcInfo>,
    /// Its status; only `active` carries traffic.
    #[serde(default)]
    pub status: Option<PeeringStatus>,
    /// Its tags (`Key`/`Value` pairs; `Name` is what people call it).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}

impl VpcPeeringConnection {
    /// Only an `active` peering carries traffic.
    pub fn is_active(&self) -> bool {
        self.status.as_ref().is_some_and(|s| s.code == "active")
    }
}

/// One side of a peering connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct PeeringVpcInfo {
    /// The VPC's primary IPv4 CIDR.
    #[serde(default)]
    pub cidr_block: Option<String>,
    /// Every IPv4 CIDR of the VPC (routes to any are carried).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub cidr_block_set: Vec<CidrBlockAssociation>,
    /// Every IPv6 CIDR of the VPC.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub ipv6_cidr_block_set: Vec<PeeringIpv6Cidr>,
    /// The VPC's account.
    #[serde(default)]
    pub owner_id: Option<String>,
    /// The VPC.
    #[serde(default)]
    pub vpc_id: Option<String>,
    /// The VPC's region (another region for an inter-region peering).
    #[serde(default)]
    pub region: Option<String>,
}

/// An IPv6 CIDR of a peered VPC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct PeeringIpv6Cidr {
    /// One of the VPC's IPv6 CIDRs.
    #[serde(default)]
    pub ipv6_cidr_block: Option<String>,
}

/// A peering connection's status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct PeeringStatus {
    /// `active`, `pending-acceptance`, `rejected`, `deleted`, ...; only an active peering carries
    /// traffic.
    #[serde(default)]
    pub code: String,
    /// AWS's explanation.
    #[serde(default)]
    pub message: Option<String>,
}

/// A virtual private gateway (`describe-vpn-gateways`): the AWS end of a VPN or Direct Connect
/// private interface.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct VpnGateway {
    /// Its id (`vgw-…`): the key the snapshot stores it under and findings name it by.
    pub vpn_gateway_id: String,
    /// `pending`, `available`, `deleting` or `deleted`.
    #[serde(default)]
    pub state: Option<String>,
    /// The VPC it is attached to, with the attachment's state.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub vpc_attachments: Vec<GatewayAttachment>,
    /// The BGP ASN on the AWS side.
    #[serde(default)]
    pub amazon_side_asn: Option<i64>,
    /// Its tags (`Key`/`Value` pairs; `Name` is what people call it).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}

/// A Site-to-Site VPN connection (`describe-vpn-connections`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct VpnConnection {
    /// Its id (`vpn-…`): the key the snapshot stores it under and findings name it by.
    pub vpn_connection_id: String,
    /// The on-premises end.
    #[serde(default)]
    pub customer_gateway_id: Option<String>,
    /// The virtual private gateway it ends on, if not a transit gateway.
    #[serde(default)]
    pub vpn_gateway_id: Option<String>,
    /// The transit gateway it ends on, if not a virtual private gateway.
    #[serde(default)]
    pub transit_gateway_id: Option<String>,
    /// Its state as AWS reports it (`available`, `pending`, `deleting`, ...); one that is not
    /// available carries no traffic.
    #[serde(default)]
    pub state: Option<String>,
    /// Its static routes (on-premises CIDRs).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub routes: Vec<VpnStaticRoute>,
    /// Its options as AWS prints them (`StaticRoutesOnly`, tunnel options).
    #[serde(default)]
    pub options: Option<serde_json::Value>,
    /// The tunnels' status as AWS prints it (kept whole: only `Status` is read).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub vgw_telemetry: Vec<serde_json::Value>,
    /// Its tags (`Key`/`Value` pairs; `Name` is what people call it).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}

/// A static route of a VPN connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct VpnStaticRoute {
    /// The on-premises CIDR routed through the connection.
    #[serde(default)]
    pub destination_cidr_block: Option<String>,
    /// `Static`.
    #[serde(default)]
    pub source: Option<String>,
    /// `pending`, `available`, `deleting` or `deleted`.
    #[serde(default)]
    pub state: Option<String>,
}

/// A customer gateway (`describe-customer-gateways`): the on-premises end of a VPN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct CustomerGateway {
    /// Its id (`cgw-…`): the key the snapshot stores it under and findings name it by.
    pub customer_gateway_id: String,
    /// The on-premises device's public IP address.
    #[serde(default)]
    pub ip_address: Option<String>,
    /// The on-premises BGP ASN.
    #[serde(default)]
    pub bgp_asn: Option<String>,
    /// Its state as AWS reports it (`available`, `pending`, `deleting`, ...); one that is not
    /// available carries no traffic.
    #[serde(default)]
    pub state: Option<String>,
    /// `ipsec.1`.
    #[serde(default, rename = "Type")]
    pub gateway_type: Option<String>,
    /// Its tags (`Key`/`Value` pairs; `Name` is what people call it).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}

/// A transit gateway (`describe-transit-gateways`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TransitGateway {
    /// Its id (`tgw-…`): the key the snapshot stores it under and findings name it by.
    pub transit_gateway_id: String,
    /// The account that owns it (12 digits): the resource's account when the snapshot layout names
    /// none.
    #[serde(default)]
    pub owner_id: Option<String>,
    /// Its state as AWS reports it (`available`, `pending`, `deleting`, ...); one that is not
    /// available carries no traffic.
    #[serde(default)]
    pub state: Option<String>,
    /// Its options: the default association and propagation route tables.
    #[serde(default)]
    pub options: Option<TransitGatewayOptions>,
    /// Its tags (`Key`/`Value` pairs; `Name` is what people call it).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}

/// A transit gateway's route table defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TransitGatewayOptions {
    /// The route table new attachments are associated with, when automatic association is on.
    #[serde(default)]
    pub association_default_route_table_id: Option<String>,
    /// The route table new attachments propagate to, when automatic propagation is on.
    #[serde(default)]
    pub propagation_default_route_table_id: Option<String>,
    /// Whether new attachments are associated with the default table (`enable`/`disable`).
    #[serde(default)]
    pub default_route_table_association: Option<String>,
    /// Whether new attachments propagate to the default table (`enable`/`disable`).
    #[serde(default)]
    pub default_route_table_propagation: Option<String>,
    /// `enable` or `disable`: attachment requests are accepted without review.
    #[serde(default)]
    pub auto_accept_shared_attachments: Option<String>,
}

/// `describe-transit-gateway-attachments` (and the VPC-attachment variant, whose extra
/// `SubnetIds` field says which subnets the attachment uses).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TransitGatewayAttachment {
    /// Its id (`tgw-attach-…`): the key the snapshot stores it under and findings name it by.
    pub transit_gateway_attachment_id: String,
    /// The transit gateway (`tgw-…`) it belongs to.
    #[serde(default)]
    pub transit_gateway_id: Option<String>,
    /// `vpc`, `vpn`, `direct-connect-gateway`, `peering`, `connect`, ...
    #[serde(default)]
    pub resource_type: Option<String>,
    /// The id of the resource attached (a VPC, VPN connection, peering or Direct Connect gateway).
    #[serde(default)]
    pub resource_id: Option<String>,
    /// The account of the attached resource.
    #[serde(default)]
    pub resource_owner_id: Option<String>,
    /// Its state as AWS reports it (`available`, `pending`, `deleting`, ...); one that is not
    /// available carries no traffic.
    #[serde(default)]
    pub state: Option<String>,
    /// The route table it is associated with (where its traffic is routed).
    #[serde(default)]
    pub association: Option<TgwAttachmentAssociation>,
    /// For a VPC attachment, the subnets it has interfaces in (one per zone).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub subnet_ids: Vec<String>,
    /// For a VPC attachment, the VPC.
    #[serde(default)]
    pub vpc_id: Option<String>,
    /// A VPC attachment's options (`describe-transit-gateway-vpc-attachments` only).
    #[serde(default)]
    pub options: Option<TgwVpcAttachmentOptions>,
    /// Its tags (`Key`/`Value` pairs; `Name` is what people call it).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}

/// The options of a VPC attachment that change routing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TgwVpcAttachmentOptions {
    /// `enable` or `disable`: a VPC's IPv6 CIDRs propagate only when enabled.
    #[serde(default)]
    pub ipv6_support: Option<String>,
}

impl TransitGatewayAttachment {
    /// Whether IPv6 traffic and routes may use this attachment: `false` only when the
    /// snapshot says `Ipv6Support: disable` (unknown counts as possible, so exposure is
    /// never hidden by a missing file).
    pub fn ipv6_possible(&self) -> bool {
        self.options
            .as_ref()
            .and_then(|o| o.ipv6_support.as_deref())
            != Some("disable")
    }
}

/// The route table a transit gateway attachment is associated with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TgwAttachmentAssociation {
    /// The route table the attachment is associated with.
    #[serde(default)]
    pub transit_gateway_route_table_id: Option<String>,
    /// `associating`, `associated`, `disassociating` or `disassociated`.
    #[serde(default)]
    pub state: Option<String>,
}

/// A transit gateway route table (`describe-transit-gateway-route-tables`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TransitGatewayRouteTable {
    /// Its id (`tgw-rtb-…`): the key the snapshot stores it under and findings name it by.
    pub transit_gateway_route_table_id: String,
    /// The transit gateway (`tgw-…`) it belongs to.
    #[serde(default)]
    pub transit_gateway_id: Option<String>,
    /// Its state as AWS reports it (`available`, `pending`, `deleting`, ...); one that is not
    /// available carries no traffic.
    #[serde(default)]
    pub state: Option<String>,
    /// Whether it is the transit gateway's default association table.
    #[serde(default)]
    pub default_association_route_table: bool,
    /// Whether it is the transit gateway's default propagation table.
    #[serde(default)]
    pub default_propagation_route_table: bool,
    /// Routes, from `search-transit-gateway-routes` (merged in by the loader).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub routes: Vec<TransitGatewayRoute>,
    /// From `get-transit-gateway-route-table-propagations` (merged in by the loader).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub propagations: Vec<TgwRouteTablePropagation>,
    /// From `get-transit-gateway-route-table-associations` (merged in by the loader).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub associations: Vec<TgwRouteTablePropagation>,
    /// Its tags (`Key`/`Value` pairs; `Name` is what people call it).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}

/// A route of a transit gateway route table (`search-transit-gateway-routes`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TransitGatewayRoute {
    /// The destination the route matches.
    #[serde(default)]
    pub destination_cidr_block: Option<String>,
    /// The prefix list the route matches instead of a CIDR.
    #[serde(default)]
    pub prefix_list_id: Option<String>,
    /// `active` or `blackhole`.
    #[serde(default)]
    pub state: Option<String>,
    /// `static` or `propagated`.
    #[serde(default, rename = "Type")]
    pub route_type: Option<String>,
    /// The attachments traffic goes to (several for ECMP).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub transit_gateway_attachments: Vec<TgwRouteAttachment>,
}

/// An attachment a transit gateway route sends traffic to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TgwRouteAttachment {
    /// The attached resource (VPC, VPN, peering).
    #[serde(default)]
    pub resource_id: Option<String>,
    /// `vpc`, `vpn`, `peering`, `direct-connect-gateway`, ...
    #[serde(default)]
    pub resource_type: Option<String>,
    /// The transit gateway attachment (`tgw-attach-…`).
    #[serde(default)]
    pub transit_gateway_attachment_id: Option<String>,
}

/// A propagation or an association of an attachment with a TGW route table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TgwRouteTablePropagation {
    /// The id of the resource attached (a VPC, VPN connection, peering or Direct Connect gateway).
    #[serde(default)]
    pub resource_id: Option<String>,
    /// What kind of resource is attached (`vpc`, `vpn`, `peering`, `direct-connect-gateway`, ...).
    #[serde(default)]
    pub resource_type: Option<String>,
    /// `enabling`, `enabled`, `disabling` or `disabled`.
    #[serde(default)]
    pub state: Option<String>,
    /// The transit gateway attachment (`tgw-attach-…`).
    #[serde(default)]
    pub transit_gateway_attachment_id: Option<String>,
}

/// A VPC endpoint (`describe-vpc-endpoints`): gateway endpoints add routes, interface endpoints are
/// network interfaces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct VpcEndpoint {
    /// Its id (`vpce-…`): the key the snapshot stores it under and findings name it by.
    pub vpc_endpoint_id: String,
    /// `Gateway`, `Interface`, `GatewayLoadBalancer`.
    #[serde(default)]
    pub vpc_endpoint_type: Option<String>,
    /// The VPC it belongs to.
    #[serde(default)]
    pub vpc_id: Option<String>,
    /// The service it reaches (`com.amazonaws.us-east-1.s3`).
    #[serde(default)]
    pub service_name: Option<String>,
    /// Its state (`available`, `pending`, ...).
    #[serde(default)]
    pub state: Option<String>,
    /// For a gateway endpoint, the route tables it adds its prefix-list route to.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub route_table_ids: Vec<String>,
    /// For an interface endpoint, its subnets.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub subnet_ids: Vec<String>,
    /// For an interface endpoint, its network interfaces.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub network_interface_ids: Vec<String>,
    /// For an interface endpoint, its security groups.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub groups: Vec<crate::instance::GroupIdentifier>,
    /// Its endpoint policy (JSON text), which limits what it may reach.
    #[serde(default)]
    pub policy_document: Option<String>,
    /// Its tags (`Key`/`Value` pairs; `Name` is what people call it).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}
