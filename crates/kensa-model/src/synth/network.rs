//! VPCs, subnets, route tables, network ACLs and the gateways they route to.
use std::io;

use super::plan::{Plan, Role};
use super::Sink;
use crate::ec2::{
    CidrBlockAssociation, Ipv6CidrBlockAssociation, NetworkAcl, NetworkAclAssociation,
    NetworkAclEntry, Route, RouteTable, RouteTableAssociation, Subnet, Tag, Vpc,
};
use crate::gateway::{
    EgressOnlyInternetGateway, GatewayAttachment, InternetGateway, NatGateway, NatGatewayAddress,
};
use crate::ports::PortRange;

pub(crate) fn name(value: impl Into<String>) -> Vec<Tag> {
    vec![Tag {
        key: "Name".to_string(),
        value: value.into(),
    }]
}

pub(crate) fn vpcs(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for v in 0..p.vpcs {
        let cidr = p.vpc_cidr(v);
        let ipv6 = p.has_ipv6(v).then(|| Ipv6CidrBlockAssociation {
            ipv6_cidr_block: Some(p.vpc_ipv6(v)),
            association_id: Some(p.ids.id("vpc-cidr-assoc", v as u64 * 2 + 1)),
        });
        s.item(&Vpc {
            vpc_id: p.vpc_id(v),
            cidr_block: Some(cidr.clone()),
            cidr_block_association_set: vec![CidrBlockAssociation {
                cidr_block: Some(cidr),
                association_id: Some(p.ids.id("vpc-cidr-assoc", v as u64 * 2)),
            }],
            ipv6_cidr_block_association_set: ipv6.into_iter().collect(),
            is_default: false,
            owner_id: Some(p.account.clone()),
            state: Some("available".to_string()),
            tags: name(format!("vpc-{v:03}")),
            ..Vpc::default()
        })?;
    }
    Ok(())
}

pub(crate) fn subnets(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for v in 0..p.vpcs {
        for k in 0..p.subnets_per_vpc {
            let public = p.role(k) == Role::Public;
            let ipv6 = (p.has_ipv6(v) && public).then(|| Ipv6CidrBlockAssociation {
                ipv6_cidr_block: Some(p.subnet_ipv6(v, k)),
                association_id: Some(p.ids.id("subnet-cidr-assoc", (v * 256 + k) as u64)),
            });
            let id = p.subnet_id(v, k);
            s.item(&Subnet {
                subnet_arn: Some(format!(
                    "arn:aws:ec2:{}:{}:subnet/{id}",
                    p.region, p.account
                )),
                subnet_id: id,
                vpc_id: p.vpc_id(v),
                cidr_block: Some(p.subnet_cidr(v, k)),
                ipv6_cidr_block_association_set: ipv6.into_iter().collect(),
                availability_zone: Some(p.az(k)),
                map_public_ip_on_launch: public,
                owner_id: Some(p.account.clone()),
                tags: name(format!("vpc-{v:03}-{:?}-{k}", p.role(k)).to_lowercase()),
                ..Subnet::default()
            })?;
        }
    }
    Ok(())
}

fn route(dest: &str) -> Route {
    let mut r = Route {
        state: Some("active".to_string()),
        origin: Some("CreateRoute".to_string()),
        ..Route::default()
    };
    if crate::IdKind::PrefixList.matches(dest) {
        r.destination_prefix_list_id = Some(dest.to_string());
    } else if dest.contains(':') {
        r.destination_ipv6_cidr_block = Some(dest.to_string());
    } else {
        r.destination_cidr_block = Some(dest.to_string());
    }
    r
}

fn local_routes(p: &Plan, v: usize) -> Vec<Route> {
    let mut routes = vec![Route {
        gateway_id: Some("local".to_string()),
        origin: Some("CreateRouteTable".to_string()),
        ..route(&p.vpc_cidr(v))
    }];
    if p.has_ipv6(v) {
        routes.push(Route {
            gateway_id: Some("local".to_string()),
            origin: Some("CreateRouteTable".to_string()),
            ..route(&p.vpc_ipv6(v))
        });
    }
    routes
}

fn association(p: &Plan, v: usize, which: usize, subnet: Option<usize>) -> RouteTableAssociation {
    let n = (v * 4 + which) * 256 + subnet.unwrap_or(255);
    RouteTableAssociation {
        main: subnet.is_none(),
        route_table_association_id: Some(p.ids.id("rtbassoc", n as u64)),
        route_table_id: Some(p.route_table_id(v, which)),
        subnet_id: subnet.map(|k| p.subnet_id(v, k)),
        gateway_id: None,
    }
}

pub(crate) fn route_tables(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for v in 0..p.vpcs {
        let table = |which: usize, routes: Vec<Route>, associations, label: &str| RouteTable {
            route_table_id: p.route_table_id(v, which),
            vpc_id: p.vpc_id(v),
            routes,
            associations,
            owner_id: Some(p.account.clone()),
            tags: name(format!("vpc-{v:03}-{label}")),
            ..RouteTable::default()
        };
        let main = vec![association(p, v, 0, None)];
        s.item(&table(0, local_routes(p, v), main, "main"))?;

        let mut public = local_routes(p, v);
        public.push(Route {
            gateway_id: Some(p.igw_id(v)),
            ..route("0.0.0.0/0")
        });
        if p.has_ipv6(v) {
            public.push(Route {
                gateway_id: Some(p.igw_id(v)),
                ..route("::/0")
            });
        }
        let subnets = p.subnets_with(v, Role::Public);
        let assoc = subnets
            .iter()
            .map(|&k| association(p, v, 1, Some(k)))
            .collect();
        s.item(&table(1, public, assoc, "public"))?;

        let subnets = p.subnets_with(v, Role::Private);
        let assoc = subnets
            .iter()
            .map(|&k| association(p, v, 2, Some(k)))
            .collect();
        s.item(&table(2, private_routes(p, v), assoc, "private"))?;

        if p.has_gwlb_ingress(v) {
            s.item(&table(3, ingress_routes(p, v), vec![edge(p, v)], "ingress"))?;
        }
    }
    Ok(())
}

/// Ingress routing: the internet gateway's edge route table sends traffic for the public
/// subnets to the inspection appliance's Gateway Load Balancer endpoint.
fn ingress_routes(p: &Plan, v: usize) -> Vec<Route> {
    let mut routes = local_routes(p, v);
    for k in p.subnets_with(v, Role::Public) {
        routes.push(Route {
            gateway_id: Some(super::transit::appliance_endpoint_id(p, v)),
            ..route(&p.subnet_cidr(v, k))
        });
    }
    routes
}

fn edge(p: &Plan, v: usize) -> RouteTableAssociation {
    RouteTableAssociation {
        main: false,
        gateway_id: Some(p.igw_id(v)),
        ..association(p, v, 3, None)
    }
}

/// NAT default route, and routes to the VPN, the transit gateway, peers and endpoints.
fn private_routes(p: &Plan, v: usize) -> Vec<Route> {
    let mut routes = local_routes(p, v);
    routes.push(if p.has_firewall_egress(v) {
        Route {
            gateway_id: Some(super::transit::appliance_endpoint_id(p, v)),
            ..route("0.0.0.0/0")
        }
    } else {
        Route {
            nat_gateway_id: Some(p.nat_id(v)),
            ..route("0.0.0.0/0")
        }
    });
    if p.has_ipv6(v) {
        routes.push(Route {
            egress_only_internet_gateway_id: Some(p.eigw_id(v)),
            ..route("::/0")
        });
    }
    if p.has_vgw(v) {
        routes.push(Route {
            gateway_id: Some(p.ids.id("vgw", v as u64)),
            ..route(&p.onprem_cidr(v))
        });
    }
    if p.tgw_attached(v) {
        routes.push(Route {
            transit_gateway_id: Some(p.tgw_id(p.tgw_of(v))),
            ..route("10.0.0.0/8")
        });
    }
    for (pcx, other, status) in p.peerings_of(v) {
        let state = if status == "active" {
            "active"
        } else {
            "blackhole"
        };
        if status == "pending-acceptance" {
            continue;
        }
        routes.push(Route {
            vpc_peering_connection_id: Some(p.peering_id(pcx)),
            state: Some(state.to_string()),
            ..route(&p.vpc_cidr(other))
        });
    }
    if v % 7 == 3 {
        // A route left behind by a deleted peering.
        routes.push(Route {
            vpc_peering_connection_id: Some(
                p.ids
                    .id("pcx-gone", v as u64)
                    .replacen("pcx-gone", "pcx", 1),
            ),
            state: Some("blackhole".to_string()),
            ..route("192.168.0.0/16")
        });
    }
    if p.has_endpoint(v) {
        routes.push(Route {
            gateway_id: Some(p.ids.id("vpce", v as u64)),
            ..route(&super::groups::s3_prefix_list(p))
        });
    }
    routes
}

fn entry(
    n: i32,
    proto: &str,
    action: &str,
    egress: bool,
    cidr: &str,
    ports: Option<(u16, u16)>,
) -> NetworkAclEntry {
    let (cidr_block, ipv6_cidr_block) = if cidr.contains(':') {
        (None, Some(cidr.to_string()))
    } else {
        (Some(cidr.to_string()), None)
    };
    NetworkAclEntry {
        rule_number: n,
        protocol: proto.to_string(),
        rule_action: action.to_string(),
        egress,
        cidr_block,
        ipv6_cidr_block,
        port_range: ports.map(|(from, to)| PortRange { from, to }),
        icmp_type_code: None,
    }
}

fn default_entries(ipv6: bool) -> Vec<NetworkAclEntry> {
    let mut out = Vec::new();
    for egress in [true, false] {
        out.push(entry(100, "-1", "allow", egress, "0.0.0.0/0", None));
        out.push(entry(32767, "-1", "deny", egress, "0.0.0.0/0", None));
        if ipv6 {
            out.push(entry(101, "-1", "allow", egress, "::/0", None));
            out.push(entry(32768, "-1", "deny", egress, "::/0", None));
        }
    }
    out
}

/// Deny a few risky ports first, then allow web, SSH from an admin range, ephemeral
/// ports and the VPC itself.
fn custom_entries(p: &Plan, v: usize) -> Vec<NetworkAclEntry> {
    let denied = if v.is_multiple_of(2) { 3389 } else { 445 };
    let mut out = vec![
        entry(50, "6", "deny", false, "0.0.0.0/0", Some((23, 23))),
        entry(60, "6", "deny", false, "0.0.0.0/0", Some((denied, denied))),
        entry(100, "6", "allow", false, "198.51.100.0/24", Some((22, 22))),
        entry(110, "6", "allow", false, "0.0.0.0/0", Some((80, 80))),
        entry(120, "6", "allow", false, "0.0.0.0/0", Some((443, 443))),
        entry(130, "6", "allow", false, "0.0.0.0/0", Some((1024, 65535))),
        entry(140, "-1", "allow", false, &p.vpc_cidr(v), None),
        entry(32767, "-1", "deny", false, "0.0.0.0/0", None),
        entry(100, "-1", "allow", true, "0.0.0.0/0", None),
        entry(32767, "-1", "deny", true, "0.0.0.0/0", None),
    ];
    if p.has_ipv6(v) {
        out.push(entry(121, "6", "allow", false, "::/0", Some((443, 443))));
        out.push(entry(32768, "-1", "deny", false, "::/0", None));
        out.push(entry(101, "-1", "allow", true, "::/0", None));
        out.push(entry(32768, "-1", "deny", true, "::/0", None));
    }
    out
}

pub(crate) fn network_acls(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for v in 0..p.vpcs {
        for custom in [false, true] {
            let id = p.acl_id(v, custom);
            let associations = (0..p.subnets_per_vpc)
                .filter(|&k| p.uses_custom_acl(v, k) == custom)
                .map(|k| NetworkAclAssociation {
                    network_acl_association_id: Some(p.ids.id("aclassoc", (v * 256 + k) as u64)),
                    network_acl_id: Some(id.clone()),
                    subnet_id: Some(p.subnet_id(v, k)),
                })
                .collect();
            let entries = if custom {
                custom_entries(p, v)
            } else {
                default_entries(p.has_ipv6(v))
            };
            s.item(&NetworkAcl {
                network_acl_id: id,
                vpc_id: p.vpc_id(v),
                is_default: !custom,
                entries,
                associations,
                owner_id: Some(p.account.clone()),
                tags: if custom {
                    name(format!("vpc-{v:03}-restricted"))
                } else {
                    Vec::new()
                },
                ..NetworkAcl::default()
            })?;
        }
    }
    Ok(())
}

fn attached(p: &Plan, v: usize, state: &str) -> Vec<GatewayAttachment> {
    vec![GatewayAttachment {
        state: Some(state.to_string()),
        vpc_id: Some(p.vpc_id(v)),
    }]
}

pub(crate) fn internet_gateways(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for v in 0..p.vpcs {
        s.item(&InternetGateway {
            internet_gateway_id: p.igw_id(v),
            attachments: attached(p, v, "available"),
            owner_id: Some(p.account.clone()),
            tags: name(format!("vpc-{v:03}-igw")),
            ..InternetGateway::default()
        })?;
    }
    Ok(())
}

pub(crate) fn egress_only_internet_gateways(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for v in (0..p.vpcs).filter(|&v| p.has_ipv6(v)) {
        s.item(&EgressOnlyInternetGateway {
            egress_only_internet_gateway_id: p.eigw_id(v),
            attachments: attached(p, v, "attached"),
            tags: name(format!("vpc-{v:03}-eigw")),
            ..EgressOnlyInternetGateway::default()
        })?;
    }
    Ok(())
}

/// The NAT gateway's ENI address: the fifth address of the VPC's first public subnet.
pub(crate) fn nat_private_ip(p: &Plan, v: usize) -> String {
    let (a, b) = p.vpc_octets(v);
    format!("{a}.{b}.0.5")
}

pub(crate) fn nat_gateways(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for v in 0..p.vpcs {
        s.item(&NatGateway {
            nat_gateway_id: p.nat_id(v),
            subnet_id: Some(p.subnet_id(v, 0)),
            vpc_id: Some(p.vpc_id(v)),
            state: Some("available".to_string()),
            connectivity_type: Some("public".to_string()),
            nat_gateway_addresses: vec![NatGatewayAddress {
                allocation_id: Some(super::compute::nat_allocation(p, v)),
                network_interface_id: Some(super::compute::nat_eni_id(p, v)),
                private_ip: Some(nat_private_ip(p, v)),
                public_ip: Some(p.ids.public_ip("nat", v as u64)),
            }],
            tags: name(format!("vpc-{v:03}-nat")),
            ..NatGateway::default()
        })?;
    }
    Ok(())
}
