//! Instances, their network interfaces and Elastic IPs, generated one instance at a time.
use std::io;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::ids::skewed;
use super::network::{name, nat_private_ip};
use super::plan::{Plan, Role};
use super::Sink;
use crate::ec2::Tag;
use crate::instance::{
    Address, Attachment, GroupIdentifier, Instance, InstanceNetworkInterface, InstanceState,
    IpAssociation, Ipv6Address, NetworkInterface, PrivateIpAddress,
};

const TYPES: &[&str] = &[
    "t3.micro",
    "t3.medium",
    "m6i.large",
    "m6i.xlarge",
    "c6i.2xlarge",
    "r6i.large",
];

/// Everything generated for instance `i`.
pub(crate) struct Generated {
    pub instance: Instance,
    pub eni: NetworkInterface,
    pub elastic_ip: Option<Address>,
}

/// The first draws of instance `i`'s generator: running, public IP, Elastic IP.
fn flags(p: &Plan, i: usize) -> (ChaCha8Rng, bool, bool, bool) {
    let mut rng = p.ids.rng("i", i as u64);
    let k = p.place(i).1;
    let running = rng.gen_range(0..100) < 95;
    let public = running && p.role(k) == Role::Public && rng.gen_range(0..100) < 70;
    let elastic = public && rng.gen_range(0..100) < 10;
    (rng, running, public, elastic)
}

pub(crate) fn generate(p: &Plan, i: usize) -> Generated {
    let (mut rng, running, public, elastic) = flags(p, i);
    let (v, k, j) = p.place(i);
    let ipv6 = p.has_ipv6(v) && p.role(k) == Role::Public && rng.gen_range(0..100) < 50;
    let windows = rng.gen_range(0..100) < 15;
    let mut groups: Vec<usize> = (0..rng.gen_range(1..=3))
        .map(|_| skewed(&mut rng, p.groups_per_vpc))
        .collect();
    groups.sort_unstable();
    groups.dedup();
    let groups: Vec<GroupIdentifier> = groups
        .into_iter()
        .map(|g| GroupIdentifier {
            group_id: p.group_id(v, g),
            group_name: Some(format!("app-{v:03}-{g:05}")),
        })
        .collect();

    let (id, eni_id, ip) = (p.instance_id(i), p.eni_id(i), p.private_ip(v, k, j));
    let association = public.then(|| {
        let public_ip = p.ids.public_ip("i", i as u64);
        IpAssociation {
            public_dns_name: Some(format!(
                "ec2-{}.compute-1.amazonaws.com",
                public_ip.replace('.', "-")
            )),
            ip_owner_id: Some(if elastic {
                p.account.clone()
            } else {
                "amazon".to_string()
            }),
            allocation_id: elastic.then(|| p.ids.id("eipalloc", i as u64)),
            association_id: elastic.then(|| p.ids.id("eipassoc", i as u64)),
            public_ip: Some(public_ip),
        }
    });
    let ipv6_addresses: Vec<Ipv6Address> = ipv6
        .then(|| Ipv6Address {
            ipv6_address: Some(p.instance_ipv6(v, k, j)),
        })
        .into_iter()
        .collect();
    let attachment = Attachment {
        attachment_id: Some(p.ids.id("eni-attach", i as u64)),
        instance_id: Some(id.clone()),
        instance_owner_id: Some(p.account.clone()),
        device_index: Some(0),
        status: Some("attached".to_string()),
    };
    let private_ips = vec![PrivateIpAddress {
        private_ip_address: Some(ip.clone()),
        primary: true,
        association: association.clone(),
    }];
    let eni = NetworkInterface {
        network_interface_id: eni_id.clone(),
        subnet_id: Some(p.subnet_id(v, k)),
        vpc_id: Some(p.vpc_id(v)),
        availability_zone: Some(p.az(k)),
        description: Some(String::new()),
        interface_type: Some("interface".to_string()),
        private_ip_address: Some(ip.clone()),
        private_ip_addresses: private_ips.clone(),
        ipv6_addresses: ipv6_addresses.clone(),
        association: association.clone(),
        attachment: Some(attachment.clone()),
        groups: groups.clone(),
        owner_id: Some(p.account.clone()),
        source_dest_check: Some(true),
        status: Some("in-use".to_string()),
        ..NetworkInterface::default()
    };
    let summary = InstanceNetworkInterface {
        network_interface_id: eni_id.clone(),
        subnet_id: eni.subnet_id.clone(),
        vpc_id: eni.vpc_id.clone(),
        private_ip_address: Some(ip.clone()),
        private_ip_addresses: private_ips,
        ipv6_addresses,
        association: association.clone(),
        groups: groups.clone(),
        attachment: Some(Attachment {
            instance_id: None,
            instance_owner_id: None,
            ..attachment
        }),
        source_dest_check: Some(true),
        interface_type: Some("interface".to_string()),
    };
    let (code, state) = if running {
        (16, "running")
    } else {
        (80, "stopped")
    };
    let instance = Instance {
        instance_id: id.clone(),
        image_id: Some(
            if windows {
                "ami-0be0e902919675894"
            } else {
                "ami-0230bd60aa48260c6"
            }
            .to_string(),
        ),
        instance_type: Some(TYPES[rng.gen_range(0..TYPES.len())].to_string()),
        platform: windows.then(|| "windows".to_string()),
        platform_details: Some(if windows { "Windows" } else { "Linux/UNIX" }.to_string()),
        private_ip_address: Some(ip.clone()),
        public_ip_address: association.as_ref().and_then(|a| a.public_ip.clone()),
        subnet_id: eni.subnet_id.clone(),
        vpc_id: eni.vpc_id.clone(),
        state: Some(InstanceState {
            code: Some(code),
            name: state.to_string(),
        }),
        security_groups: groups,
        network_interfaces: vec![summary],
        launch_time: Some("2024-05-02T08:15:00+00:00".to_string()),
        tags: vec![
            Tag {
                key: "Name".to_string(),
                value: format!("node-{i:06}"),
            },
            Tag {
                key: "Team".to_string(),
                value: ["web", "data", "platform", "payments"][i % 4].to_string(),
            },
        ],
        ..Instance::default()
    };
    let elastic_ip = association.filter(|_| elastic).map(|a| Address {
        public_ip: a.public_ip,
        allocation_id: a.allocation_id,
        association_id: a.association_id,
        domain: Some("vpc".to_string()),
        instance_id: Some(id),
        network_interface_id: Some(eni_id),
        private_ip_address: Some(ip),
        ..Address::default()
    });
    Generated {
        instance,
        eni,
        elastic_ip,
    }
}

/// `describe-instances`: one reservation per instance, as `run-instances` makes them.
pub(crate) fn reservations(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for i in 0..p.instances {
        let instance = generate(p, i).instance;
        s.item(&serde_json::json!({
            "Groups": [],
            "Instances": [instance],
            "OwnerId": p.account,
            "ReservationId": p.ids.id("r", i as u64),
        }))?;
    }
    Ok(())
}

pub(crate) fn network_interfaces(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for i in 0..p.instances {
        s.item(&generate(p, i).eni)?;
    }
    for v in 0..p.vpcs {
        s.item(&nat_eni(p, v))?;
    }
    for v in (0..p.vpcs).filter(|&v| p.has_interface_endpoints(v)) {
        for n in 0..super::transit::INTERFACE_SERVICES.len() {
            for eni in endpoint_enis(p, v, n) {
                s.item(&eni)?;
            }
        }
    }
    super::elb::load_balancer_enis(p, s)
}

/// The ENIs of interface endpoint `n` of VPC `v`, one per subnet, in the top addresses
/// of the subnet (instances use .10 to .239).
fn endpoint_enis(p: &Plan, v: usize, n: usize) -> Vec<NetworkInterface> {
    let e = super::transit::interface_endpoint(p, v, n);
    let (a, b) = p.vpc_octets(v);
    e.subnets
        .iter()
        .zip(&e.enis)
        .map(|(&k, id)| {
            let ip = format!("{a}.{b}.{k}.{}", 241 + n);
            NetworkInterface {
                network_interface_id: id.clone(),
                subnet_id: Some(p.subnet_id(v, k)),
                vpc_id: Some(p.vpc_id(v)),
                availability_zone: Some(p.az(k)),
                description: Some(format!("VPC Endpoint Interface {}", e.id)),
                interface_type: Some("vpc_endpoint".to_string()),
                requester_id: Some("727180483921".to_string()),
                requester_managed: true,
                private_ip_address: Some(ip.clone()),
                private_ip_addresses: vec![PrivateIpAddress {
                    private_ip_address: Some(ip),
                    primary: true,
                    association: None,
                }],
                groups: vec![GroupIdentifier {
                    group_id: p.group_id(v, 0),
                    group_name: Some(format!("app-{v:03}-00000")),
                }],
                owner_id: Some(p.account.clone()),
                source_dest_check: Some(true),
                status: Some("in-use".to_string()),
                ..NetworkInterface::default()
            }
        })
        .collect()
}

fn nat_eni(p: &Plan, v: usize) -> NetworkInterface {
    let ip = nat_private_ip(p, v);
    let public_ip = p.ids.public_ip("nat", v as u64);
    let association = IpAssociation {
        public_ip: Some(public_ip),
        ip_owner_id: Some(p.account.clone()),
        allocation_id: Some(nat_allocation(p, v)),
        ..IpAssociation::default()
    };
    NetworkInterface {
        network_interface_id: nat_eni_id(p, v),
        subnet_id: Some(p.subnet_id(v, 0)),
        vpc_id: Some(p.vpc_id(v)),
        availability_zone: Some(p.az(0)),
        description: Some(format!("Interface for NAT Gateway {}", p.nat_id(v))),
        interface_type: Some("nat_gateway".to_string()),
        requester_id: Some("440226378414".to_string()),
        requester_managed: true,
        private_ip_address: Some(ip.clone()),
        private_ip_addresses: vec![PrivateIpAddress {
            private_ip_address: Some(ip),
            primary: true,
            association: Some(association.clone()),
        }],
        association: Some(association),
        owner_id: Some(p.account.clone()),
        source_dest_check: Some(false),
        status: Some("in-use".to_string()),
        tags: name(format!("vpc-{v:03}-nat")),
        ..NetworkInterface::default()
    }
}

pub(crate) fn nat_eni_id(p: &Plan, v: usize) -> String {
    p.ids.id("eni-nat", v as u64).replacen("eni-nat", "eni", 1)
}

pub(crate) fn nat_allocation(p: &Plan, v: usize) -> String {
    p.ids
        .id("eipalloc-nat", v as u64)
        .replacen("eipalloc-nat", "eipalloc", 1)
}

/// `describe-addresses`: the instances' Elastic IPs and the NAT gateways'.
pub(crate) fn addresses(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for i in (0..p.instances).filter(|&i| flags(p, i).3) {
        if let Some(address) = generate(p, i).elastic_ip {
            s.item(&address)?;
        }
    }
    for v in 0..p.vpcs {
        s.item(&Address {
            public_ip: Some(p.ids.public_ip("nat", v as u64)),
            allocation_id: Some(nat_allocation(p, v)),
            association_id: Some(p.ids.id("eipassoc-nat", v as u64).replacen(
                "eipassoc-nat",
                "eipassoc",
                1,
            )),
            domain: Some("vpc".to_string()),
            network_interface_id: Some(nat_eni_id(p, v)),
            private_ip_address: Some(nat_private_ip(p, v)),
            ..Address::default()
        })?;
    }
    Ok(())
}
