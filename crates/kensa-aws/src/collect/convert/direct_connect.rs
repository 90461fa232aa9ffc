//! Direct Connect gateways, their associations and virtual interfaces, in the AWS CLI's
//! camelCase shape (`aws directconnect describe-*`).
use aws_sdk_directconnect::types as sdk;
use kensa_model::direct_connect as m;

use super::{own, wire};

fn prefixes(p: &[sdk::RouteFilterPrefix]) -> Vec<m::DxPrefix> {
    p.iter()
        .map(|p| m::DxPrefix {
            cidr: own(p.cidr()),
        })
        .collect()
}

/// A `DescribeDirectConnectGateways` entry as the snapshot stores it.
pub fn direct_connect_gateway(g: &sdk::DirectConnectGateway) -> m::DirectConnectGateway {
    m::DirectConnectGateway {
        direct_connect_gateway_id: g.direct_connect_gateway_id().unwrap_or_default().to_owned(),
        direct_connect_gateway_name: own(g.direct_connect_gateway_name()),
        owner_account: own(g.owner_account()),
        direct_connect_gateway_state: wire(g.direct_connect_gateway_state()),
        scope: Default::default(),
    }
}

/// A `DescribeDirectConnectGatewayAssociations` entry as the snapshot stores it.
pub fn direct_connect_gateway_association(
    a: &sdk::DirectConnectGatewayAssociation,
) -> m::DirectConnectGatewayAssociation {
    m::DirectConnectGatewayAssociation {
        association_id: a.association_id().unwrap_or_default().to_owned(),
        direct_connect_gateway_id: own(a.direct_connect_gateway_id()),
        association_state: wire(a.association_state()),
        associated_gateway: a.associated_gateway().map(|g| m::DxAssociatedGateway {
            id: own(g.id()),
            gateway_type: wire(g.r#type()),
            owner_account: own(g.owner_account()),
            region: own(g.region()),
        }),
        allowed_prefixes_to_direct_connect_gateway: prefixes(
            a.allowed_prefixes_to_direct_connect_gateway(),
        ),
        virtual_gateway_id: own(a.virtual_gateway_id()),
        scope: Default::default(),
    }
}

/// A `DescribeVirtualInterfaces` entry as the snapshot stores it.
pub fn virtual_interface(v: &sdk::VirtualInterface) -> m::VirtualInterface {
    m::VirtualInterface {
        virtual_interface_id: v.virtual_interface_id().unwrap_or_default().to_owned(),
        owner_account: own(v.owner_account()),
        virtual_interface_type: own(v.virtual_interface_type()),
        virtual_interface_state: wire(v.virtual_interface_state()),
        direct_connect_gateway_id: own(v.direct_connect_gateway_id()),
        virtual_gateway_id: own(v.virtual_gateway_id()),
        connection_id: own(v.connection_id()),
        region: own(v.region()),
        route_filter_prefixes: prefixes(v.route_filter_prefixes()),
        scope: Default::default(),
    }
}
