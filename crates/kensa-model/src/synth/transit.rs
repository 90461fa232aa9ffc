//! Connectivity beyond a VPC: VPN, peering, VPC endpoints and the transit gateway.
use std::io;

use serde_json::json;

use super::network::name;
use super::plan::{Plan, Role};
use super::Sink;
use crate::ec2::CidrBlockAssociation;
use crate::gateway::GatewayAttachment;
use crate::transit::{
    CustomerGateway, PeeringStatus, PeeringVpcInfo, TgwAttachmentAssociation, TgwRouteAttachment,
    TransitGateway, TransitGatewayAttachment, TransitGatewayOptions, TransitGatewayRoute,
    TransitGatewayRouteTable, VpcEndpoint, VpcPeeringConnection, VpnConnection, VpnGateway,
    VpnStaticRoute,
};

fn vpn_vpcs(p: &Plan) -> impl Iterator<Item = usize> + '_ {
    (0..p.vpcs).filter(|&v| p.has_vgw(v))
}

pub(crate) fn vpn_gateways(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for v in vpn_vpcs(p) {
        s.item(&VpnGateway {
            vpn_gateway_id: p.ids.id("vgw", v as u64),
            state: Some("available".to_string()),
            vpc_attachments: vec![GatewayAttachment {
                state: Some("attached".to_string()),
                vpc_id: Some(p.vpc_id(v)),
            }],
            amazon_side_asn: Some(64512),
            tags: name(format!("vpc-{v:03}-vgw")),
            ..VpnGateway::default()
        })?;
    }
    Ok(())
}

pub(crate) fn customer_gateways(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for v in vpn_vpcs(p) {
        s.item(&CustomerGateway {
            customer_gateway_id: p.ids.id("cgw", v as u64),
            ip_address: Some(p.ids.public_ip("cgw", v as u64)),
            bgp_asn: Some("65000".to_string()),
            state: Some("available".to_string()),
            gateway_type: Some("ipsec.1".to_string()),
            tags: name(format!("datacentre-{v:03}")),
            ..CustomerGateway::default()
        })?;
    }
    Ok(())
}

pub(crate) fn vpn_connections(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for v in vpn_vpcs(p) {
        s.item(&VpnConnection {
            vpn_connection_id: p.ids.id("vpn", v as u64),
            customer_gateway_id: Some(p.ids.id("cgw", v as u64)),
            vpn_gateway_id: Some(p.ids.id("vgw", v as u64)),
            state: Some("available".to_string()),
            routes: vec![VpnStaticRoute {
                destination_cidr_block: Some(p.onprem_cidr(v)),
                source: Some("Static".to_string()),
                state: Some("available".to_string()),
            }],
            options: Some(json!({"StaticRoutesOnly": true, "TunnelInsideIpVersion": "ipv4"})),
            tags: name(format!("vpc-{v:03}-vpn")),
            ..VpnConnection::default()
        })?;
    }
    Ok(())
}

fn peer_info(p: &Plan, v: usize) -> PeeringVpcInfo {
    PeeringVpcInfo {
        cidr_block: Some(p.vpc_cidr(v)),
        cidr_block_set: vec![CidrBlockAssociation {
            cidr_block: Some(p.vpc_cidr(v)),
            association_id: None,
        }],
        owner_id: Some(p.account.clone()),
        vpc_id: Some(p.vpc_id(v)),
        region: Some(p.region.clone()),
        ..PeeringVpcInfo::default()
    }
}

pub(crate) fn vpc_peering_connections(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for v in 0..p.vpcs {
        let Some((peer, status)) = p.peering(v) else {
            continue;
        };
        s.item(&VpcPeeringConnection {
            vpc_peering_connection_id: p.peering_id(v),
            requester_vpc_info: Some(peer_info(p, v)),
            accepter_vpc_info: Some(peer_info(p, peer)),
            status: Some(PeeringStatus {
                code: status.to_string(),
                message: None,
            }),
            tags: name(format!("vpc-{v:03}-to-vpc-{peer:03}")),
            ..VpcPeeringConnection::default()
        })?;
    }
    Ok(())
}

pub(crate) fn vpc_endpoints(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for v in (0..p.vpcs).filter(|&v| p.has_endpoint(v)) {
        s.item(&VpcEndpoint {
            vpc_endpoint_id: p.ids.id("vpce", v as u64),
            vpc_endpoint_type: Some("Gateway".to_string()),
            vpc_id: Some(p.vpc_id(v)),
            service_name: Some(format!("com.amazonaws.{}.s3", p.region)),
            state: Some("available".to_string()),
            route_table_ids: vec![p.route_table_id(v, 2)],
            ..VpcEndpoint::default()
        })?;
    }
    Ok(())
}

fn tgw_attached(p: &Plan) -> impl Iterator<Item = usize> + '_ {
    (0..p.vpcs).filter(|&v| p.tgw_attached(v))
}

pub(crate) fn transit_gateways(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    if !p.has_tgw() {
        return Ok(());
    }
    let rt = p.ids.id("tgw-rtb", 0);
    s.item(&TransitGateway {
        transit_gateway_id: p.ids.id("tgw", 0),
        owner_id: Some(p.account.clone()),
        state: Some("available".to_string()),
        options: Some(TransitGatewayOptions {
            association_default_route_table_id: Some(rt.clone()),
            propagation_default_route_table_id: Some(rt),
            default_route_table_association: Some("enable".to_string()),
            default_route_table_propagation: Some("enable".to_string()),
            ..TransitGatewayOptions::default()
        }),
        tags: name("hub"),
        ..TransitGateway::default()
    })
}

pub(crate) fn transit_gateway_attachments(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for v in tgw_attached(p) {
        s.item(&TransitGatewayAttachment {
            transit_gateway_attachment_id: p.ids.id("tgw-attach", v as u64),
            transit_gateway_id: Some(p.ids.id("tgw", 0)),
            resource_type: Some("vpc".to_string()),
            resource_id: Some(p.vpc_id(v)),
            resource_owner_id: Some(p.account.clone()),
            state: Some("available".to_string()),
            association: Some(TgwAttachmentAssociation {
                transit_gateway_route_table_id: Some(p.ids.id("tgw-rtb", 0)),
                state: Some("associated".to_string()),
            }),
            tags: name(format!("hub-vpc-{v:03}")),
            ..TransitGatewayAttachment::default()
        })?;
    }
    Ok(())
}

pub(crate) fn transit_gateway_vpc_attachments(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for v in tgw_attached(p) {
        let subnets: Vec<String> = p
            .subnets_with(v, Role::Private)
            .into_iter()
            .take(2)
            .map(|k| p.subnet_id(v, k))
            .collect();
        s.item(&json!({
            "TransitGatewayAttachmentId": p.ids.id("tgw-attach", v as u64),
            "TransitGatewayId": p.ids.id("tgw", 0),
            "VpcId": p.vpc_id(v),
            "VpcOwnerId": p.account,
            "State": "available",
            "SubnetIds": subnets,
            "Options": {"DnsSupport": "enable", "Ipv6Support": "disable"},
        }))?;
    }
    Ok(())
}

pub(crate) fn transit_gateway_route_tables(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    if !p.has_tgw() {
        return Ok(());
    }
    s.item(&TransitGatewayRouteTable {
        transit_gateway_route_table_id: p.ids.id("tgw-rtb", 0),
        transit_gateway_id: Some(p.ids.id("tgw", 0)),
        state: Some("available".to_string()),
        default_association_route_table: true,
        default_propagation_route_table: true,
        tags: name("hub-default"),
        ..TransitGatewayRouteTable::default()
    })
}

/// Batfish's grouped `search-transit-gateway-routes` output: one group per route table.
pub(crate) fn transit_gateway_routes(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    if !p.has_tgw() {
        return Ok(());
    }
    let mut routes: Vec<TransitGatewayRoute> = tgw_attached(p)
        .map(|v| TransitGatewayRoute {
            destination_cidr_block: Some(p.vpc_cidr(v)),
            state: Some("active".to_string()),
            route_type: Some("propagated".to_string()),
            transit_gateway_attachments: vec![TgwRouteAttachment {
                resource_id: Some(p.vpc_id(v)),
                resource_type: Some("vpc".to_string()),
                transit_gateway_attachment_id: Some(p.ids.id("tgw-attach", v as u64)),
            }],
            ..TransitGatewayRoute::default()
        })
        .collect();
    routes.push(TransitGatewayRoute {
        destination_cidr_block: Some("10.250.0.0/16".to_string()),
        state: Some("blackhole".to_string()),
        route_type: Some("static".to_string()),
        ..TransitGatewayRoute::default()
    });
    s.item(&json!({
        "TransitGatewayRouteTableId": p.ids.id("tgw-rtb", 0),
        "Routes": routes,
        "AdditionalRoutesAvailable": false,
    }))
}

/// Batfish's grouped `get-transit-gateway-route-table-propagations` output.
pub(crate) fn transit_gateway_propagations(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    if !p.has_tgw() {
        return Ok(());
    }
    let propagations: Vec<_> = tgw_attached(p)
        .map(|v| {
            json!({
                "TransitGatewayAttachmentId": p.ids.id("tgw-attach", v as u64),
                "ResourceId": p.vpc_id(v),
                "ResourceType": "vpc",
                "State": "enabled",
            })
        })
        .collect();
    s.item(&json!({
        "TransitGatewayRouteTableId": p.ids.id("tgw-rtb", 0),
        "TransitGatewayRouteTablePropagations": propagations,
    }))
}
