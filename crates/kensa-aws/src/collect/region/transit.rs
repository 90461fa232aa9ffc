//! Peering, VPN, transit gateways (with their attachments and route tables) and VPC
//! endpoints: independent calls, made concurrently.
use aws_sdk_ec2::types::Filter;
use aws_sdk_ec2::Client;
use kensa_model::transit as t;

use super::{Collector, NETWORK_CALLS as N};
use crate::collect::convert as c;
use crate::error::ApiError;

pub(super) async fn transit(col: &Collector<'_>, ec2: &Client) {
    tokio::join!(
        async {
            let r = paged!(col, ec2.describe_vpc_peering_connections())
                .map(|v: Vec<_>| v.iter().map(c::vpc_peering_connection).collect());
            let (f, k) = ("VpcPeeringConnections", "VpcPeeringConnections");
            col.put::<t::VpcPeeringConnection>(N[14], f, k, r);
        },
        async {
            let r = once!(col, ec2.describe_vpn_gateways())
                .map(|o| o.vpn_gateways().iter().map(c::vpn_gateway).collect());
            col.put::<t::VpnGateway>(N[15], "VpnGateways", "VpnGateways", r);
        },
        async {
            let r = once!(col, ec2.describe_vpn_connections())
                .map(|o| o.vpn_connections().iter().map(c::vpn_connection).collect());
            col.put::<t::VpnConnection>(N[16], "VpnConnections", "VpnConnections", r);
        },
        async {
            let r = once!(col, ec2.describe_customer_gateways()).map(|o| {
                let gws = o.customer_gateways().iter();
                gws.map(c::customer_gateway).collect()
            });
            col.put::<t::CustomerGateway>(N[17], "CustomerGateways", "CustomerGateways", r);
        },
        async {
            let r = paged!(col, ec2.describe_transit_gateways())
                .map(|v: Vec<_>| v.iter().map(c::transit_gateway).collect());
            col.put::<t::TransitGateway>(N[18], "TransitGateways", "TransitGateways", r);
        },
        async {
            let r = tgw_attachments(col, ec2).await;
            let (f, k) = ("TransitGatewayAttachments", "TransitGatewayAttachments");
            col.put(N[19], f, k, r);
        },
        async {
            let r = tgw_route_tables(col, ec2).await;
            let (f, k) = ("TransitGatewayRouteTables", "TransitGatewayRouteTables");
            col.put(N[20], f, k, r);
        },
        async {
            let r = paged!(col, ec2.describe_vpc_endpoints())
                .map(|v: Vec<_>| v.iter().map(c::vpc_endpoint).collect());
            col.put::<t::VpcEndpoint>(N[21], "VpcEndpoints", "VpcEndpoints", r);
        },
    );
}

/// TGW attachments, with the subnets of VPC attachments merged in.
async fn tgw_attachments(
    col: &Collector<'_>,
    ec2: &Client,
) -> Result<Vec<t::TransitGatewayAttachment>, ApiError> {
    let all: Vec<_> = paged!(col, ec2.describe_transit_gateway_attachments())?;
    let mut out: Vec<_> = all.iter().map(c::transit_gateway_attachment).collect();
    if out
        .iter()
        .any(|a| a.resource_type.as_deref() == Some("vpc"))
    {
        let vpc: Result<Vec<_>, _> = paged!(col, ec2.describe_transit_gateway_vpc_attachments());
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

/// TGW route tables with routes, propagations and associations merged in: three calls
/// per table, every table's calls concurrently.
async fn tgw_route_tables(
    col: &Collector<'_>,
    ec2: &Client,
) -> Result<Vec<t::TransitGatewayRouteTable>, ApiError> {
    let tables: Vec<_> = paged!(col, ec2.describe_transit_gateway_route_tables())?;
    let mut out: Vec<_> = tables.iter().map(c::transit_gateway_route_table).collect();
    let ids: Vec<String> = out
        .iter()
        .map(|t| t.transit_gateway_route_table_id.clone())
        .collect();
    let (routes, props, assocs) = tokio::join!(
        col.limit.per_resource(ids.clone(), col.bar, |id| {
            let route_types = Filter::builder()
                .name("type")
                .values("static")
                .values("propagated")
                .build();
            let call = ec2
                .search_transit_gateway_routes()
                .transit_gateway_route_table_id(id)
                .filters(route_types);
            async move {
                let pages = call.into_paginator().items().send();
                pages.try_collect().await.map_err(ApiError::from_sdk)
            }
        }),
        col.limit.per_resource(ids.clone(), col.bar, |id| {
            let call = ec2
                .get_transit_gateway_route_table_propagations()
                .transit_gateway_route_table_id(id);
            async move {
                let pages = call.into_paginator().items().send();
                pages.try_collect().await.map_err(ApiError::from_sdk)
            }
        }),
        col.limit.per_resource(ids, col.bar, |id| {
            let call = ec2
                .get_transit_gateway_route_table_associations()
                .transit_gateway_route_table_id(id);
            async move {
                let pages = call.into_paginator().items().send();
                pages.try_collect().await.map_err(ApiError::from_sdk)
            }
        }),
    );
    let merged = out.iter_mut().zip(routes).zip(props).zip(assocs);
    for (((table, routes), props), assocs) in merged {
        let routes = col.sub("ec2:SearchTransitGatewayRoutes", routes);
        table.routes = routes.iter().map(c::transit_gateway_route).collect();
        let props = col.sub("ec2:GetTransitGatewayRouteTablePropagations", props);
        table.propagations = props.iter().map(c::tgw_propagation).collect();
        let assocs = col.sub("ec2:GetTransitGatewayRouteTableAssociations", assocs);
        table.associations = assocs.iter().map(c::tgw_association).collect();
    }
    Ok(out)
}
