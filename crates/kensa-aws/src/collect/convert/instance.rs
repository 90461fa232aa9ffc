//! Instances (in their reservations), network interfaces and Elastic IPs.
use aws_sdk_ec2::types as sdk;
use kensa_model::instance as m;
use serde_json::{Map, Value};

use super::{own, tags, wire};

/// The SDK's `Reservation` as the model's `Reservation` (the AWS CLI's JSON shape).
pub fn reservation(r: &sdk::Reservation) -> m::Reservation {
    m::Reservation {
        reservation_id: own(r.reservation_id()),
        owner_id: own(r.owner_id()),
        instances: r.instances().iter().map(instance).collect(),
    }
}

/// The SDK's `Instance` as the model's `Instance` (the AWS CLI's JSON shape).
pub fn instance(i: &sdk::Instance) -> m::Instance {
    m::Instance {
        instance_id: i.instance_id().unwrap_or_default().to_owned(),
        image_id: own(i.image_id()),
        instance_type: wire(i.instance_type()),
        platform: wire(i.platform()),
        platform_details: own(i.platform_details()),
        private_ip_address: own(i.private_ip_address()),
        public_ip_address: own(i.public_ip_address()),
        subnet_id: own(i.subnet_id()),
        vpc_id: own(i.vpc_id()),
        state: i.state().map(|s| m::InstanceState {
            code: s.code(),
            name: wire(s.name()).unwrap_or_default(),
        }),
        security_groups: i.security_groups().iter().map(group).collect(),
        network_interfaces: i.network_interfaces().iter().map(instance_eni).collect(),
        iam_instance_profile: i.iam_instance_profile().map(|p| m::IamInstanceProfile {
            arn: own(p.arn()),
            id: own(p.id()),
        }),
        metadata_options: i.metadata_options().map(metadata_options),
        launch_time: i.launch_time().map(|t| {
            t.fmt(aws_sdk_ec2::primitives::DateTimeFormat::DateTime)
                .unwrap_or_default()
        }),
        tags: tags(i.tags()),
        // Only the reservation carries OwnerId in the CLI output; the loader copies it down.
        owner_id: None,
        scope: Default::default(),
    }
}

/// `MetadataOptions` as the CLI prints it (the model keeps it as raw JSON).
fn metadata_options(o: &sdk::InstanceMetadataOptionsResponse) -> Value {
    let mut map = Map::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            map.insert(k.to_owned(), Value::String(v));
        }
    };
    put("State", wire(o.state()));
    put("HttpTokens", wire(o.http_tokens()));
    put("HttpEndpoint", wire(o.http_endpoint()));
    put("HttpProtocolIpv6", wire(o.http_protocol_ipv6()));
    put("InstanceMetadataTags", wire(o.instance_metadata_tags()));
    if let Some(hops) = o.http_put_response_hop_limit() {
        map.insert("HttpPutResponseHopLimit".into(), Value::from(hops));
    }
    Value::Object(map)
}

/// An instance's ENIs and `describe-network-interfaces` list their addresses under
/// different SDK types with the same fields: one mapping for both (`$assoc` maps the
/// public IP association, which differs).
macro_rules! private_ips {
    ($eni:expr, $assoc:expr) => {
        $eni.private_ip_addresses()
            .iter()
            .map(|p| m::PrivateIpAddress {
                private_ip_address: own(p.private_ip_address()),
                primary: p.primary().unwrap_or(false),
                association: p.association().map($assoc),
            })
            .collect()
    };
}

macro_rules! ipv6_addresses {
    ($eni:expr) => {
        $eni.ipv6_addresses()
            .iter()
            .map(|a| m::Ipv6Address {
                ipv6_address: own(a.ipv6_address()),
            })
            .collect()
    };
}

fn group(g: &sdk::GroupIdentifier) -> m::GroupIdentifier {
    m::GroupIdentifier {
        group_id: g.group_id().unwrap_or_default().to_owned(),
        group_name: own(g.group_name()),
    }
}

fn instance_eni(n: &sdk::InstanceNetworkInterface) -> m::InstanceNetworkInterface {
    let assoc = |a: &sdk::InstanceNetworkInterfaceAssociation| m::IpAssociation {
        public_ip: own(a.public_ip()),
        public_dns_name: own(a.public_dns_name()),
        ip_owner_id: own(a.ip_owner_id()),
        allocation_id: None,
        association_id: None,
    };
    m::InstanceNetworkInterface {
        network_interface_id: n.network_interface_id().unwrap_or_default().to_owned(),
        subnet_id: own(n.subnet_id()),
        vpc_id: own(n.vpc_id()),
        private_ip_address: own(n.private_ip_address()),
        private_ip_addresses: private_ips!(n, assoc),
        ipv6_addresses: ipv6_addresses!(n),
        association: n.association().map(assoc),
        groups: n.groups().iter().map(group).collect(),
        attachment: n.attachment().map(|a| m::Attachment {
            attachment_id: own(a.attachment_id()),
            instance_id: None,
            instance_owner_id: None,
            device_index: a.device_index(),
            status: wire(a.status()),
        }),
        source_dest_check: n.source_dest_check(),
        interface_type: own(n.interface_type()),
    }
}

fn eni_association(a: &sdk::NetworkInterfaceAssociation) -> m::IpAssociation {
    m::IpAssociation {
        public_ip: own(a.public_ip()),
        public_dns_name: own(a.public_dns_name()),
        ip_owner_id: own(a.ip_owner_id()),
        allocation_id: own(a.allocation_id()),
        association_id: own(a.association_id()),
    }
}

/// The SDK's `NetworkInterface` as the model's `NetworkInterface` (the AWS CLI's JSON shape).
pub fn network_interface(n: &sdk::NetworkInterface) -> m::NetworkInterface {
    m::NetworkInterface {
        network_interface_id: n.network_interface_id().unwrap_or_default().to_owned(),
        subnet_id: own(n.subnet_id()),
        vpc_id: own(n.vpc_id()),
        availability_zone: own(n.availability_zone()),
        description: own(n.description()),
        interface_type: wire(n.interface_type()),
        requester_id: own(n.requester_id()),
        requester_managed: n.requester_managed().unwrap_or(false),
        private_ip_address: own(n.private_ip_address()),
        private_ip_addresses: private_ips!(n, eni_association),
        ipv6_addresses: ipv6_addresses!(n),
        association: n.association().map(eni_association),
        attachment: n.attachment().map(|a| m::Attachment {
            attachment_id: own(a.attachment_id()),
            instance_id: own(a.instance_id()),
            instance_owner_id: own(a.instance_owner_id()),
            device_index: a.device_index(),
            status: wire(a.status()),
        }),
        groups: n.groups().iter().map(group).collect(),
        owner_id: own(n.owner_id()),
        source_dest_check: n.source_dest_check(),
        status: wire(n.status()),
        tags: tags(n.tag_set()),
        synthesized_from_instance: false,
        scope: Default::default(),
    }
}

/// The SDK's `Address` as the model's `Address` (the AWS CLI's JSON shape).
pub fn address(a: &sdk::Address) -> m::Address {
    m::Address {
        public_ip: own(a.public_ip()),
        allocation_id: own(a.allocation_id()),
        association_id: own(a.association_id()),
        domain: wire(a.domain()),
        instance_id: own(a.instance_id()),
        network_interface_id: own(a.network_interface_id()),
        private_ip_address: own(a.private_ip_address()),
        tags: tags(a.tags()),
        scope: Default::default(),
    }
}
