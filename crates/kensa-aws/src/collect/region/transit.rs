//! Peering, VPN, transit gateways (with their attachments and route tables) and VPC
//! endpoints.
use aws_sdk_ec2::types::Filter;

use super::{Collector, NETWORK_CALLS};
use crate::collect::convert as c;
use crate::error::ApiError;

pub(super) async fn transit(col: &mut Collector<'_>, ec2: &aws_sdk_ec2::Client) {
    let r = paged!(ec2.describe_vpc_peering_connections())
        .map(|v: Vec<_>| v.iter().map(c::vpc_peering_connection).collect());
    col.put::<kensa_model::transit::VpcPeeringConnection>(
        NETWORK_CALLS[14],
        "VpcPeeringConnections",
        "VpcPeeringConnections",
        r,
    );
    let r = ec2
        .describe_vpn_gateways()
        .send()
        .await
        .map_err(ApiError::from_sdk)
        .map(|o| o.vpn_gateways().iter().map(c::vpn_gateway).collect());
    col.put::<kensa_model::transit::VpnGateway>(NETWORK_CALLS[15], "VpnGateways", "VpnGateways", r);
    let r = ec2
        .describe_vpn_connections()
        .send()
        .await
        .map_err(ApiError::from_sdk)
        .map(|o| o.vpn_connections().iter().map(c::vpn_connection).collect());
    col.put::<kensa_model::transit::VpnConnection>(
        NETWORK_CALLS[16],
        "VpnConnections",
        "VpnConnections",
        r,
    );
    let r = ec2
        .describe_customer_gateways()
        .send()
        .await
        .map_err(ApiError::from_sdk)
        .map(|o| {
            o.customer_gateways()
                .iter()
                .map(c::customer_gateway)
                .collect()
        });
    col.put::<kensa_model::transit::CustomerGateway>(
        NETWORK_CALLS[17],
        "CustomerGateways",
        "CustomerGateways",
        r,
    );
    let r = paged!(ec2.describe_transit_gateways())
        .map(|v: Vec<_>| v.iter().map(c::transit_gateway).collect());
    col.put::<kensa_model::transit::TransitGateway>(
        NETWORK_CALLS[18],
        "TransitGateways",
        "TransitGateways",
        r,
    );
    let r = tgw_attachments(col, ec2).await;
    col.put(
        NETWORK_CALLS[19],
        "TransitGatewayAttachments",
        "TransitGatewayAttachments",
        r,
    );
    let r = tgw_route_tables(col, ec2).await;
    col.put(
        NETWORK_CALLS[20],
        "TransitGatewayRouteTables",
        "TransitGatewayRouteTables",
        r,
    );
    let r = paged!(ec2.describe_vpc_endpoints())
        .map(|v: Vec<_>| v.iter().map(c::vpc_endpoint).collect());
    col.put::<kensa_model::transit::VpcEndpoint>(
        NETWORK_CALLS[21],
        "VpcEndpoints",
        "VpcEndpoints",
        r,
    );
}

/// TGW attachments, with the subnets of VPC attachments merged in.
async fn tgw_attachments(
    col: &mut Collector<'_>,
    ec2: &aws_sdk_ec2::Client,
) -> Result<Vec<kensa_model::transit::TransitGatewayAttachment>, ApiError> {
    let all: Vec<_> = paged!(ec2.describe_transit_gateway_attachments())?;
    let mut out: Vec<_> = all.iter().map(c::transit_gateway_attachment).collect();
    if out
        .iter()
        .any(|a| a.resource_type.as_deref() == Some("vpc"))
    {
        let vpc: Result<Vec<_>, _> = paged!(ec2.describe_transit_gateway_vpc_attachments());
        let vpc = col.sub("ec2:DescribeTransitGatewayVpcAttachments", vpc);
        for v in vpc.iter().map(c::transit_gateway_vpc_attachment) {
            if let Some(a) = out
                .iter_mut()
                .find(|a| a.transit_gateway_attachment_id == v.transit_gateway_attachment_id)
            {
                a.subnet_ids = v.subnet_ids;
                a.vpc_id = v.vpc_id;
            }
        }
    }
    Ok(out)
}

/// TGW route tables with routes, propagations and associations merged in.
async fn tgw_route_tables(
    col: &mut Collector<'_>,
    ec2: &aws_sdk_ec2::Client,
) -> Result<Vec<kensa_model::transit::TransitGatewayRouteTable>, ApiError> {
    let tables: Vec<_> = paged!(ec2.describe_transit_gateway_route_tables())?;
    let mut out = Vec::new();
    for t in &tables {
        let mut table = c::transit_gateway_route_table(t);
        let id = table.transit_gateway_route_table_id.clone();
        let route_types = Filter::builder()
            .name("type")
            .values("static")
            .values("propagated")
            .build();
        let routes: Result<Vec<_>, _> = paged!(ec2
            .search_transit_gateway_routes()
            .transit_gateway_route_table_id(&id)
            .filters(route_types));
        table.routes = col
            .sub("ec2:SearchTransitGatewayRoutes", routes)
            .iter()
            .map(c::transit_gateway_route)
            .collect();
        let props: Result<Vec<_>, _> = paged!(ec2
            .get_transit_gateway_route_table_propagations()
            .transit_gateway_route_table_id(&id));
        table.propagations = col
            .sub("ec2:GetTransitGatewayRouteTablePropagations", props)
            .iter()
            .map(c::tgw_propagation)
            .collect();
        let assocs: Result<Vec<_>, _> = paged!(ec2
            .get_transit_gateway_route_table_associations()
            .transit_gateway_route_table_id(&id));
        table.associations = col
            .sub("ec2:GetTransitGatewayRouteTableAssociations", assocs)
            .iter()
            .map(c::tgw_association)
            .collect();
        out.push(table);
    }
    Ok(out)
}
