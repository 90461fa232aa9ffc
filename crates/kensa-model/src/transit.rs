//! Connectivity beyond one VPC: peering, VPN, transit gateways and VPC endpoints.
use serde::{Deserialize, Serialize};

use crate::ec2::{CidrBlockAssociation, Tag};
use crate::gateway::GatewayAttachment;
use crate::snapshot::Scope;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct VpcPeeringConnection {
    pub vpc_peering_connection_id: String,
    #[serde(default)]
    pub accepter_vpc_info: Option<PeeringVpcInfo>,
    #[serde(default)]
    pub requester_vpc_info: Option<PeeringVpcInfo>,
    #[serde(default)]
    pub status: Option<PeeringStatus>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    #[serde(skip)]
    pub scope: Scope,
}

impl VpcPeeringConnection {
    /// Only an `active` peering carries traffic.
    pub fn is_active(&self) -> bool {
        self.status.as_ref().is_some_and(|s| s.code == "active")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct PeeringVpcInfo {
    #[serde(default)]
    pub cidr_block: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub cidr_block_set: Vec<CidrBlockAssociation>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub ipv6_cidr_block_set: Vec<PeeringIpv6Cidr>,
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct PeeringIpv6Cidr {
    #[serde(default)]
    pub ipv6_cidr_block: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct PeeringStatus {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct VpnGateway {
    pub vpn_gateway_id: String,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub vpc_attachments: Vec<GatewayAttachment>,
    #[serde(default)]
    pub amazon_side_asn: Option<i64>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    #[serde(skip)]
    pub scope: Scope,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct VpnConnection {
    pub vpn_connection_id: String,
    #[serde(default)]
    pub customer_gateway_id: Option<String>,
    #[serde(default)]
    pub vpn_gateway_id: Option<String>,
    #[serde(default)]
    pub transit_gateway_id: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub routes: Vec<VpnStaticRoute>,
    #[serde(default)]
    pub options: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub vgw_telemetry: Vec<serde_json::Value>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    #[serde(skip)]
    pub scope: Scope,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct VpnStaticRoute {
    #[serde(default)]
    pub destination_cidr_block: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct CustomerGateway {
    pub customer_gateway_id: String,
    #[serde(default)]
    pub ip_address: Option<String>,
    #[serde(default)]
    pub bgp_asn: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default, rename = "Type")]
    pub gateway_type: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    #[serde(skip)]
    pub scope: Scope,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TransitGateway {
    pub transit_gateway_id: String,
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub options: Option<TransitGatewayOptions>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    #[serde(skip)]
    pub scope: Scope,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TransitGatewayOptions {
    #[serde(default)]
    pub association_default_route_table_id: Option<String>,
    #[serde(default)]
    pub propagation_default_route_table_id: Option<String>,
    #[serde(default)]
    pub default_route_table_association: Option<String>,
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
    pub transit_gateway_attachment_id: String,
    #[serde(default)]
    pub transit_gateway_id: Option<String>,
    /// `vpc`, `vpn`, `direct-connect-gateway`, `peering`, `connect`, ...
    #[serde(default)]
    pub resource_type: Option<String>,
    #[serde(default)]
    pub resource_id: Option<String>,
    #[serde(default)]
    pub resource_owner_id: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub association: Option<TgwAttachmentAssociation>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    /// A VPC attachment's options (`describe-transit-gateway-vpc-attachments` only).
    #[serde(default)]
    pub options: Option<TgwVpcAttachmentOptions>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TgwAttachmentAssociation {
    #[serde(default)]
    pub transit_gateway_route_table_id: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TransitGatewayRouteTable {
    pub transit_gateway_route_table_id: String,
    #[serde(default)]
    pub transit_gateway_id: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub default_association_route_table: bool,
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
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    #[serde(skip)]
    pub scope: Scope,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TransitGatewayRoute {
    #[serde(default)]
    pub destination_cidr_block: Option<String>,
    #[serde(default)]
    pub prefix_list_id: Option<String>,
    /// `active` or `blackhole`.
    #[serde(default)]
    pub state: Option<String>,
    /// `static` or `propagated`.
    #[serde(default, rename = "Type")]
    pub route_type: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub transit_gateway_attachments: Vec<TgwRouteAttachment>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TgwRouteAttachment {
    #[serde(default)]
    pub resource_id: Option<String>,
    #[serde(default)]
    pub resource_type: Option<String>,
    #[serde(default)]
    pub transit_gateway_attachment_id: Option<String>,
}

/// A propagation or an association of an attachment with a TGW route table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TgwRouteTablePropagation {
    #[serde(default)]
    pub resource_id: Option<String>,
    #[serde(default)]
    pub resource_type: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub transit_gateway_attachment_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct VpcEndpoint {
    pub vpc_endpoint_id: String,
    /// `Gateway`, `Interface`, `GatewayLoadBalancer`.
    #[serde(default)]
    pub vpc_endpoint_type: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub service_name: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub route_table_ids: Vec<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub subnet_ids: Vec<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub network_interface_ids: Vec<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub groups: Vec<crate::instance::GroupIdentifier>,
    #[serde(default)]
    pub policy_document: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    #[serde(skip)]
    pub scope: Scope,
}
