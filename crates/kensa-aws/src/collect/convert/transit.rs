//! Peering, VPN, transit gateways and VPC endpoints.
use aws_sdk_ec2::types as sdk;
use kensa_model::ec2::CidrBlockAssociation;
use kensa_model::gateway::GatewayAttachment;
use kensa_model::instance::GroupIdentifier;
use kensa_model::transit as m;

use super::{own, strings, tags, wire};

/// The SDK's `VpcPeeringConnection` as the model's `VpcPeeringConnection` (the AWS CLI's JSON shape).
pub fn vpc_peering_connection(p: &sdk::VpcPeeringConnection) -> m::VpcPeeringConnection {
    let info = |i: &sdk::VpcPeeringConnectionVpcInfo| m::PeeringVpcInfo {
        cidr_block: own(i.cidr_block()),
        cidr_block_set: i
            .cidr_block_set()
            .iter()
            .map(|c| CidrBlockAssociation {
                cidr_block: own(c.cidr_block()),
                association_id: None,
            })
            .collect(),
        ipv6_cidr_block_set: i
            .ipv6_cidr_block_set()
            .iter()
            .map(|c| m::PeeringIpv6Cidr {
                ipv6_cidr_block: own(c.ipv6_cidr_block()),
            })
            .collect(),
        owner_id: own(i.owner_id()),
        vpc_id: own(i.vpc_id()),
        region: own(i.region()),
    };
    m::VpcPeeringConnection {
        vpc_peering_connection_id: p.vpc_peering_connection_id().unwrap_or_default().to_owned(),
        accepter_vpc_info: p.accepter_vpc_info().map(info),
        requester_vpc_info: p.requester_vpc_info().map(info),
        status: p.status().map(|s| m::PeeringStatus {
            code: wire(s.code()).unwrap_or_default(),
            message: own(s.message()),
        }),
        tags: tags(p.tags()),
        scope: Default::default(),
    }
}

/// The SDK's `VpnGateway` as the model's `VpnGateway` (the AWS CLI's JSON shape).
pub fn vpn_gateway(g: &sdk::VpnGateway) -> m::VpnGateway {
    m::VpnGateway {
        vpn_gateway_id: g.vpn_gateway_id().unwrap_or_default().to_owned(),
        state: wire(g.state()),
        vpc_attachments: g
            .vpc_attachments()
            .iter()
            .map(|a| GatewayAttachment {
                state: wire(a.state()),
                vpc_id: own(a.vpc_id()),
            })
            .collect(),
        amazon_side_asn: g.amazon_side_asn(),
        tags: tags(g.tags()),
        scope: Default::default(),
    }
}

/// The SDK's `VpnConnection` as the model's `VpnConnection` (the AWS CLI's JSON shape).
pub fn vpn_connection(c: &sdk::VpnConnection) -> m::VpnConnection {
    let options = c.options().map(|o| {
        serde_json::json!({
            "StaticRoutesOnly": o.static_routes_only(),
            "LocalIpv4NetworkCidr": o.local_ipv4_network_cidr(),
            "RemoteIpv4NetworkCidr": o.remote_ipv4_network_cidr(),
        })
    });
    m::VpnConnection {
        vpn_connection_id: c.vpn_connection_id().unwrap_or_default().to_owned(),
        customer_gateway_id: own(c.customer_gateway_id()),
        vpn_gateway_id: own(c.vpn_gateway_id()),
        transit_gateway_id: own(c.transit_gateway_id()),
        state: wire(c.state()),
        routes: c
            .routes()
            .iter()
            .map(|r| m::VpnStaticRoute {
                destination_cidr_block: own(r.destination_cidr_block()),
                source: wire(r.source()),
                state: wire(r.state()),
            })
            .collect(),
        options,
        vgw_telemetry: c
            .vgw_telemetry()
            .iter()
            .map(|t| {
                serde_json::json!({
                    "OutsideIpAddress": t.outside_ip_address(),
                    "Status": t.status().map(|s| s.as_str()),
                    "StatusMessage": t.status_message(),
                    "AcceptedRouteCount": t.accepted_route_count(),
                })
            })
            .collect(),
        tags: tags(c.tags()),
        scope: Default::default(),
    }
}

/// The SDK's `CustomerGateway` as the model's `CustomerGateway` (the AWS CLI's JSON shape).
pub fn customer_gateway(g: &sdk::CustomerGateway) -> m::CustomerGateway {
    m::CustomerGateway {
        customer_gateway_id: g.customer_gateway_id().unwrap_or_default().to_owned(),
        ip_address: own(g.ip_address()),
        bgp_asn: own(g.bgp_asn()),
        state: own(g.state()),
        gateway_type: own(g.r#type()),
        tags: tags(g.tags()),
        scope: Default::default(),
    }
}

/// The SDK's `TransitGateway` as the model's `TransitGateway` (the AWS CLI's JSON shape).
pub fn transit_gateway(g: &sdk::TransitGateway) -> m::TransitGateway {
    m::TransitGateway {
        transit_gateway_id: g.transit_gateway_id().unwrap_or_default().to_owned(),
        owner_id: own(g.owner_id()),
        state: wire(g.state()),
        options: g.options().map(|o| m::TransitGatewayOptions {
            association_default_route_table_id: own(o.association_default_route_table_id()),
            propagation_default_route_table_id: own(o.propagation_default_route_table_id()),
            default_route_table_association: wire(o.default_route_table_association()),
            default_route_table_propagation: wire(o.default_route_table_propagation()),
            auto_accept_shared_attachments: wire(o.auto_accept_shared_attachments()),
        }),
        tags: tags(g.tags()),
        scope: Default::default(),
    }
}

/// The SDK's `TransitGatewayAttachment` as the model's `TransitGatewayAttachment` (the AWS CLI's JSON shape).
pub fn transit_gateway_attachment(
    a: &sdk::TransitGatewayAttachment,
) -> m::TransitGatewayAttachment {
    m::TransitGatewayAttachment {
        transit_gateway_attachment_id: a
            .transit_gateway_attachment_id()
            .unwrap_or_default()
            .to_owned(),
        transit_gateway_id: own(a.transit_gateway_id()),
        resource_type: wire(a.resource_type()),
        resource_id: own(a.resource_id()),
        resource_owner_id: own(a.resource_owner_id()),
        state: wire(a.state()),
        association: a.association().map(|s| m::TgwAttachmentAssociation {
            transit_gateway_route_table_id: own(s.transit_gateway_route_table_id()),
            state: wire(s.state()),
        }),
        subnet_ids: Vec::new(),
        vpc_id: None,
        options: None,
        tags: tags(a.tags()),
        scope: Default::default(),
    }
}

/// `describe-transit-gateway-vpc-attachments`, which says which subnets are used.
pub fn transit_gateway_vpc_attachment(
    a: &sdk::TransitGatewayVpcAttachment,
) -> m::TransitGatewayAttachment {
    m::TransitGatewayAttachment {
        transit_gateway_attachment_id: a
            .transit_gateway_attachment_id()
            .unwrap_or_default()
            .to_owned(),
        transit_gateway_id: own(a.transit_gateway_id()),
        resource_type: Some("vpc".into()),
        resource_id: own(a.vpc_id()),
        resource_owner_id: own(a.vpc_owner_id()),
        state: wire(a.state()),
        association: None,
        subnet_ids: strings(a.subnet_ids()),
        vpc_id: own(a.vpc_id()),
        options: a.options().map(|o| m::TgwVpcAttachmentOptions {
            ipv6_support: wire(o.ipv6_support()),
        }),
        tags: tags(a.tags()),
        scope: Default::default(),
    }
}

/// The SDK's `TransitGatewayRouteTable` as the model's `TransitGatewayRouteTable` (the AWS CLI's JSON shape).
pub fn transit_gateway_route_table(
    t: &sdk::TransitGatewayRouteTable,
) -> m::TransitGatewayRouteTable {
    m::TransitGatewayRouteTable {
        transit_gateway_route_table_id: t
            .transit_gateway_route_table_id()
            .unwrap_or_default()
            .to_owned(),
        transit_gateway_id: own(t.transit_gateway_id()),
        state: wire(t.state()),
        default_association_route_table: t.default_association_route_table().unwrap_or(false),
        default_propagation_route_table: t.default_propagation_route_table().unwrap_or(false),
        routes: Vec::new(),
        propagations: Vec::new(),
        associations: Vec::new(),
        tags: tags(t.tags()),
        scope: Default::default(),
    }
}

/// The SDK's `TransitGatewayRoute` as the model's `TransitGatewayRoute` (the AWS CLI's JSON shape).
pub fn transit_gateway_route(r: &sdk::TransitGatewayRoute) -> m::TransitGatewayRoute {
    m::TransitGatewayRoute {
        destination_cidr_block: own(r.destination_cidr_block()),
        prefix_list_id: own(r.prefix_list_id()),
        state: wire(r.state()),
        route_type: wire(r.r#type()),
        transit_gateway_attachments: r
            .transit_gateway_attachments()
            .iter()
            .map(|a| m::TgwRouteAttachment {
                resource_id: own(a.resource_id()),
                resource_type: wire(a.resource_type()),
                transit_gateway_attachment_id: own(a.transit_gateway_attachment_id()),
            })
            .collect(),
    }
}

/// A route table's propagations and associations: the same four fields under two SDK
/// types (and enum types), so one mapping written once.
macro_rules! tgw_link {
    ($p:expr) => {
        m::TgwRouteTablePropagation {
            resource_id: own($p.resource_id()),
            resource_type: wire($p.resource_type()),
            state: wire($p.state()),
            transit_gateway_attachment_id: own($p.transit_gateway_attachment_id()),
        }
    };
}

/// The SDK's `TransitGatewayRouteTablePropagation` as the model's `TgwRouteTablePropagation` (the AWS CLI's JSON shape).
pub fn tgw_propagation(
    p: &sdk::TransitGatewayRouteTablePropagation,
) -> m::TgwRouteTablePropagation {
    tgw_link!(p)
}

/// The SDK's `TransitGatewayRouteTableAssociation` as the model's `TgwRouteTablePropagation` (the AWS CLI's JSON shape).
pub fn tgw_association(
    p: &sdk::TransitGatewayRouteTableAssociation,
) -> m::TgwRouteTablePropagation {
    tgw_link!(p)
}

/// The SDK's `VpcEndpoint` as the model's `VpcEndpoint` (the AWS CLI's JSON shape).
pub fn vpc_endpoint(e: &sdk::VpcEndpoint) -> m::VpcEndpoint {
    m::VpcEndpoint {
        vpc_endpoint_id: e.vpc_endpoint_id().unwrap_or_default().to_owned(),
        vpc_endpoint_type: wire(e.vpc_endpoint_type()),
        vpc_id: own(e.vpc_id()),
        service_name: own(e.service_name()),
        state: wire(e.state()),
        route_table_ids: strings(e.route_table_ids()),
        subnet_ids: strings(e.subnet_ids()),
        network_interface_ids: strings(e.network_interface_ids()),
        groups: e
            .groups()
            .iter()
            .map(|g| GroupIdentifier {
                group_id: g.group_id().unwrap_or_default().to_owned(),
                group_name: own(g.group_name()),
            })
            .collect(),
        policy_document: own(e.policy_document()),
        tags: tags(e.tags()),
        scope: Default::default(),
    }
}
