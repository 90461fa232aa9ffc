//! Connectivity beyond a VPC: VPN, peering, VPC endpoints and the transit gateway.
use std::io;

use serde_json::json;

use super::network::name;
use super::plan::{Plan, Role, Segment};
use super::Sink;
use crate::ec2::CidrBlockAssociation;
use crate::gateway::GatewayAttachment;
use crate::instance::GroupIdentifier;
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
    for v in (0..p.vpcs).filter(|&v| p.has_interface_endpoints(v)) {
        for (n, service) in INTERFACE_SERVICES.iter().enumerate() {
            let e = interface_endpoint(p, v, n);
            s.item(&VpcEndpoint {
                vpc_endpoint_id: e.id.clone(),
                vpc_endpoint_type: Some("Interface".to_string()),
                vpc_id: Some(p.vpc_id(v)),
                service_name: Some(format!("com.amazonaws.{}.{service}", p.region)),
                state: Some("available".to_string()),
                subnet_ids: e.subnets.iter().map(|&k| p.subnet_id(v, k)).collect(),
                network_interface_ids: e.enis.clone(),
                groups: vec![GroupIdentifier {
                    group_id: p.group_id(v, 0),
                    group_name: Some(format!("app-{v:03}-00000")),
                }],
                tags: name(format!("vpc-{v:03}-{service}")),
                ..VpcEndpoint::default()
            })?;
        }
    }
    for v in 0..p.vpcs {
        let appliance = if p.has_gwlb_ingress(v) {
            ("gwlb", "inspection")
        } else if p.has_firewall_egress(v) {
            ("nfw", "network-firewall")
        } else {
            continue;
        };
        s.item(&VpcEndpoint {
            vpc_endpoint_id: appliance_endpoint_id(p, v),
            vpc_endpoint_type: Some("GatewayLoadBalancer".to_string()),
            vpc_id: Some(p.vpc_id(v)),
            service_name: Some(format!(
                "com.amazonaws.vpce.{}.vpce-svc-{}",
                p.region,
                &p.ids.hex16(appliance.0, v as u64)
            )),
            state: Some("available".to_string()),
            subnet_ids: vec![p.subnet_id(v, 0)],
            tags: name(format!("vpc-{v:03}-{}", appliance.1)),
            ..VpcEndpoint::default()
        })?;
    }
    Ok(())
}

/// Services of the interface endpoints a VPC with endpoints has.
pub(crate) const INTERFACE_SERVICES: &[&str] = &["ssm", "ec2messages"];

/// One interface endpoint: its id, subnets and ENIs (one per subnet).
pub(crate) struct InterfaceEndpoint {
    pub id: String,
    pub subnets: Vec<usize>,
    pub enis: Vec<String>,
}

pub(crate) fn interface_endpoint(p: &Plan, v: usize, n: usize) -> InterfaceEndpoint {
    let key = (v * INTERFACE_SERVICES.len() + n) as u64;
    let subnets: Vec<usize> = p
        .subnets_with(v, Role::Private)
        .into_iter()
        .take(2)
        .collect();
    let enis = (0..subnets.len())
        .map(|m| {
            p.ids
                .id("eni-vpce", key * 4 + m as u64)
                .replacen("eni-vpce", "eni", 1)
        })
        .collect();
    InterfaceEndpoint {
        id: p.ids.id("vpce-if", key).replacen("vpce-if", "vpce", 1),
        subnets,
        enis,
    }
}

/// The Gateway Load Balancer (or Network Firewall) endpoint of an appliance VPC.
pub(crate) fn appliance_endpoint_id(p: &Plan, v: usize) -> String {
    p.ids
        .id("vpce-appliance", v as u64)
        .replacen("vpce-appliance", "vpce", 1)
}

pub(crate) fn transit_gateways(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for t in 0..p.tgws() {
        let rt = p.tgw_table_id(t, Segment::Shared);
        s.item(&TransitGateway {
            transit_gateway_id: p.tgw_id(t),
            owner_id: Some(p.account.clone()),
            state: Some("available".to_string()),
            options: Some(TransitGatewayOptions {
                association_default_route_table_id: Some(rt.clone()),
                propagation_default_route_table_id: Some(rt),
                default_route_table_association: Some("enable".to_string()),
                default_route_table_propagation: Some("enable".to_string()),
                auto_accept_shared_attachments: Some("disable".to_string()),
            }),
            tags: name(format!("hub-{t}")),
            ..TransitGateway::default()
        })?;
    }
    Ok(())
}

fn tgw_attached(p: &Plan) -> impl Iterator<Item = usize> + '_ {
    (0..p.vpcs).filter(|&v| p.tgw_attached(v))
}

pub(crate) fn transit_gateway_attachments(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for v in tgw_attached(p) {
        let t = p.tgw_of(v);
        s.item(&TransitGatewayAttachment {
            transit_gateway_attachment_id: p.tgw_attachment_id(v),
            transit_gateway_id: Some(p.tgw_id(t)),
            resource_type: Some("vpc".to_string()),
            resource_id: Some(p.vpc_id(v)),
            resource_owner_id: Some(p.account.clone()),
            state: Some("available".to_string()),
            association: Some(TgwAttachmentAssociation {
                transit_gateway_route_table_id: Some(p.tgw_table_id(t, p.segment(v))),
                state: Some("associated".to_string()),
            }),
            tags: name(format!("hub-{t}-{}-vpc-{v:03}", p.segment(v).label())),
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
            "TransitGatewayAttachmentId": p.tgw_attachment_id(v),
            "TransitGatewayId": p.tgw_id(p.tgw_of(v)),
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
    for t in 0..p.tgws() {
        for segment in Segment::ALL {
            s.item(&TransitGatewayRouteTable {
                transit_gateway_route_table_id: p.tgw_table_id(t, segment),
                transit_gateway_id: Some(p.tgw_id(t)),
                state: Some("available".to_string()),
                default_association_route_table: segment == Segment::Shared,
                default_propagation_route_table: segment == Segment::Shared,
                tags: name(format!("hub-{t}-{}", segment.label())),
                ..TransitGatewayRouteTable::default()
            })?;
        }
    }
    Ok(())
}

/// The attached VPCs of TGW `t` that propagate into the table of `table`.
fn propagating(p: &Plan, t: usize, table: Segment) -> impl Iterator<Item = usize> + '_ {
    p.tgw_vpcs(t)
        .filter(move |&v| p.segment(v).propagates_into(table))
}

fn static_route(dest: &str, attachment: Option<(String, String)>) -> TransitGatewayRoute {
    let blackhole = attachment.is_none();
    TransitGatewayRoute {
        destination_cidr_block: Some(dest.to_string()),
        state: Some(if blackhole { "blackhole" } else { "active" }.to_string()),
        route_type: Some("static".to_string()),
        transit_gateway_attachments: attachment
            .into_iter()
            .map(|(vpc, att)| TgwRouteAttachment {
                resource_id: Some(vpc),
                resource_type: Some("vpc".to_string()),
                transit_gateway_attachment_id: Some(att),
            })
            .collect(),
        ..TransitGatewayRoute::default()
    }
}

/// Batfish's grouped `search-transit-gateway-routes` output: one group per route table.
/// Propagated VPC routes, a default route from prod and dev to the shared egress VPC, a
/// blackhole for a retired range, and in prod a blackhole that keeps it away from dev.
pub(crate) fn transit_gateway_routes(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for t in 0..p.tgws() {
        for segment in Segment::ALL {
            let mut routes: Vec<TransitGatewayRoute> = propagating(p, t, segment)
                .map(|v| TransitGatewayRoute {
                    destination_cidr_block: Some(p.vpc_cidr(v)),
                    state: Some("active".to_string()),
                    route_type: Some("propagated".to_string()),
                    transit_gateway_attachments: vec![TgwRouteAttachment {
                        resource_id: Some(p.vpc_id(v)),
                        resource_type: Some("vpc".to_string()),
                        transit_gateway_attachment_id: Some(p.tgw_attachment_id(v)),
                    }],
                    ..TransitGatewayRoute::default()
                })
                .collect();
            if segment != Segment::Shared {
                let hub = p.egress_hub(t);
                routes.push(static_route(
                    "0.0.0.0/0",
                    Some((p.vpc_id(hub), p.tgw_attachment_id(hub))),
                ));
            }
            routes.push(static_route("10.250.0.0/16", None));
            s.item(&json!({
                "TransitGatewayRouteTableId": p.tgw_table_id(t, segment),
                "Routes": routes,
                "AdditionalRoutesAvailable": false,
            }))?;
        }
    }
    Ok(())
}

/// Batfish's grouped `get-transit-gateway-route-table-propagations` output.
pub(crate) fn transit_gateway_propagations(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for t in 0..p.tgws() {
        for segment in Segment::ALL {
            let propagations: Vec<_> = propagating(p, t, segment)
                .map(|v| {
                    json!({
                        "TransitGatewayAttachmentId": p.tgw_attachment_id(v),
                        "ResourceId": p.vpc_id(v),
                        "ResourceType": "vpc",
                        "State": "enabled",
                    })
                })
                .collect();
            s.item(&json!({
                "TransitGatewayRouteTableId": p.tgw_table_id(t, segment),
                "TransitGatewayRouteTablePropagations": propagations,
            }))?;
        }
    }
    Ok(())
}
