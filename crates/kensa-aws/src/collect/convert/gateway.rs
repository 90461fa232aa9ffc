//! Internet, egress-only and NAT gateways, and prefix lists.
use aws_sdk_ec2::types as sdk;
use kensa_model::gateway as m;

use super::{own, strings, tags, wire};

fn attachment(a: &sdk::InternetGatewayAttachment) -> m::GatewayAttachment {
    m::GatewayAttachment {
        state: wire(a.state()),
        vpc_id: own(a.vpc_id()),
    }
}

/// The SDK's `InternetGateway` as the model's `InternetGateway` (the AWS CLI's JSON shape).
pub fn internet_gateway(g: &sdk::InternetGateway) -> m::InternetGateway {
    m::InternetGateway {
        internet_gateway_id: g.internet_gateway_id().unwrap_or_default().to_owned(),
        attachments: g.attachments().iter().map(attachment).collect(),
        owner_id: own(g.owner_id()),
        tags: tags(g.tags()),
        scope: Default::default(),
    }
}

/// The SDK's `EgressOnlyInternetGateway` as the model's `EgressOnlyInternetGateway` (the AWS CLI's JSON shape).
pub fn egress_only_internet_gateway(
    g: &sdk::EgressOnlyInternetGateway,
) -> m::EgressOnlyInternetGateway {
    m::EgressOnlyInternetGateway {
        egress_only_internet_gateway_id: g
            .egress_only_internet_gateway_id()
            .unwrap_or_default()
            .to_owned(),
        attachments: g.attachments().iter().map(attachment).collect(),
        tags: tags(g.tags()),
        scope: Default::default(),
    }
}

/// The SDK's `NatGateway` as the model's `NatGateway` (the AWS CLI's JSON shape).
pub fn nat_gateway(g: &sdk::NatGateway) -> m::NatGateway {
    m::NatGateway {
        nat_gateway_id: g.nat_gateway_id().unwrap_or_default().to_owned(),
        subnet_id: own(g.subnet_id()),
        vpc_id: own(g.vpc_id()),
        state: wire(g.state()),
        connectivity_type: wire(g.connectivity_type()),
        nat_gateway_addresses: g
            .nat_gateway_addresses()
            .iter()
            .map(|a| m::NatGatewayAddress {
                allocation_id: own(a.allocation_id()),
                network_interface_id: own(a.network_interface_id()),
                private_ip: own(a.private_ip()),
                public_ip: own(a.public_ip()),
            })
            .collect(),
        tags: tags(g.tags()),
        scope: Default::default(),
    }
}

/// `describe-managed-prefix-lists`; entries are written separately.
pub fn managed_prefix_list(p: &sdk::ManagedPrefixList) -> m::PrefixList {
    m::PrefixList {
        prefix_list_id: p.prefix_list_id().unwrap_or_default().to_owned(),
        prefix_list_name: own(p.prefix_list_name()),
        address_family: own(p.address_family()),
        max_entries: p.max_entries(),
        owner_id: own(p.owner_id()),
        state: wire(p.state()),
        cidrs: Vec::new(),
        entries: Vec::new(),
        tags: tags(p.tags()),
        scope: Default::default(),
    }
}

/// `describe-prefix-lists` (AWS service prefix lists, CIDRs inline).
pub fn service_prefix_list(p: &sdk::PrefixList) -> m::PrefixList {
    m::PrefixList {
        prefix_list_id: p.prefix_list_id().unwrap_or_default().to_owned(),
        prefix_list_name: own(p.prefix_list_name()),
        cidrs: strings(p.cidrs()),
        ..Default::default()
    }
}

/// The SDK's `PrefixListEntry` as the model's `PrefixListEntry` (the AWS CLI's JSON shape).
pub fn prefix_list_entry(e: &sdk::PrefixListEntry) -> m::PrefixListEntry {
    m::PrefixListEntry {
        cidr: e.cidr().unwrap_or_default().to_owned(),
        description: own(e.description()),
    }
}
