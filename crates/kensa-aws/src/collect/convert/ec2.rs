//! VPCs, subnets, route tables, network ACLs, security groups and their rules.
use aws_sdk_ec2::types as sdk;
use kensa_model::ec2 as m;

use super::{own, tags, wire};

/// The SDK's `Vpc` as the model's `Vpc` (the AWS CLI's JSON shape).
pub fn vpc(v: &sdk::Vpc) -> m::Vpc {
    m::Vpc {
        vpc_id: v.vpc_id().unwrap_or_default().to_owned(),
        cidr_block: own(v.cidr_block()),
        cidr_block_association_set: v
            .cidr_block_association_set()
            .iter()
            .map(|a| m::CidrBlockAssociation {
                cidr_block: own(a.cidr_block()),
                association_id: own(a.association_id()),
            })
            .collect(),
        ipv6_cidr_block_association_set: v
            .ipv6_cidr_block_association_set()
            .iter()
            .map(|a| m::Ipv6CidrBlockAssociation {
                ipv6_cidr_block: own(a.ipv6_cidr_block()),
                association_id: own(a.association_id()),
            })
            .collect(),
        is_default: v.is_default().unwrap_or(false),
        owner_id: own(v.owner_id()),
        state: wire(v.state()),
        tags: tags(v.tags()),
        scope: Default::default(),
    }
}

/// The SDK's `Subnet` as the model's `Subnet` (the AWS CLI's JSON shape).
pub fn subnet(s: &sdk::Subnet) -> m::Subnet {
    m::Subnet {
        subnet_id: s.subnet_id().unwrap_or_default().to_owned(),
        vpc_id: s.vpc_id().unwrap_or_default().to_owned(),
        cidr_block: own(s.cidr_block()),
        ipv6_cidr_block_association_set: s
            .ipv6_cidr_block_association_set()
            .iter()
            .map(|a| m::Ipv6CidrBlockAssociation {
                ipv6_cidr_block: own(a.ipv6_cidr_block()),
                association_id: own(a.association_id()),
            })
            .collect(),
        availability_zone: own(s.availability_zone()),
        map_public_ip_on_launch: s.map_public_ip_on_launch().unwrap_or(false),
        default_for_az: s.default_for_az().unwrap_or(false),
        owner_id: own(s.owner_id()),
        subnet_arn: own(s.subnet_arn()),
        tags: tags(s.tags()),
        scope: Default::default(),
    }
}

/// The SDK's `RouteTable` as the model's `RouteTable` (the AWS CLI's JSON shape).
pub fn route_table(t: &sdk::RouteTable) -> m::RouteTable {
    m::RouteTable {
        route_table_id: t.route_table_id().unwrap_or_default().to_owned(),
        vpc_id: t.vpc_id().unwrap_or_default().to_owned(),
        routes: t.routes().iter().map(route).collect(),
        associations: t
            .associations()
            .iter()
            .map(|a| m::RouteTableAssociation {
                main: a.main().unwrap_or(false),
                route_table_association_id: own(a.route_table_association_id()),
                route_table_id: own(a.route_table_id()),
                subnet_id: own(a.subnet_id()),
                gateway_id: own(a.gateway_id()),
            })
            .collect(),
        owner_id: own(t.owner_id()),
        tags: tags(t.tags()),
        scope: Default::default(),
    }
}

fn route(r: &sdk::Route) -> m::Route {
    m::Route {
        destination_cidr_block: own(r.destination_cidr_block()),
        destination_ipv6_cidr_block: own(r.destination_ipv6_cidr_block()),
        destination_prefix_list_id: own(r.destination_prefix_list_id()),
        gateway_id: own(r.gateway_id()),
        egress_only_internet_gateway_id: own(r.egress_only_internet_gateway_id()),
        nat_gateway_id: own(r.nat_gateway_id()),
        transit_gateway_id: own(r.transit_gateway_id()),
        vpc_peering_connection_id: own(r.vpc_peering_connection_id()),
        network_interface_id: own(r.network_interface_id()),
        instance_id: own(r.instance_id()),
        local_gateway_id: own(r.local_gateway_id()),
        carrier_gateway_id: own(r.carrier_gateway_id()),
        core_network_arn: own(r.core_network_arn()),
        state: wire(r.state()),
        origin: wire(r.origin()),
    }
}

/// The SDK's `NetworkAcl` as the model's `NetworkAcl` (the AWS CLI's JSON shape); an
/// error, naming the ACL and rule, when a rule's port range is not one (as the loader
/// would reject the record, the collector reports it rather than write another range).
pub fn network_acl(n: &sdk::NetworkAcl) -> Result<m::NetworkAcl, String> {
    let id = n.network_acl_id().unwrap_or_default();
    let entries = n.entries().iter().map(acl_entry);
    let entries = entries
        .collect::<Result<_, _>>()
        .map_err(|e| format!("network ACL {id}: {e}; ACL skipped"))?;
    Ok(m::NetworkAcl {
        network_acl_id: id.to_owned(),
        vpc_id: n.vpc_id().unwrap_or_default().to_owned(),
        is_default: n.is_default().unwrap_or(false),
        entries,
        associations: n
            .associations()
            .iter()
            .map(|a| m::NetworkAclAssociation {
                network_acl_association_id: own(a.network_acl_association_id()),
                network_acl_id: own(a.network_acl_id()),
                subnet_id: own(a.subnet_id()),
            })
            .collect(),
        owner_id: own(n.owner_id()),
        tags: tags(n.tags()),
        scope: Default::default(),
    })
}

fn acl_entry(e: &sdk::NetworkAclEntry) -> Result<m::NetworkAclEntry, String> {
    let number = e.rule_number().unwrap_or_default();
    let port_range = match e.port_range() {
        Some(p) => kensa_model::ports::acl::from_bounds(p.from(), p.to())
            .map_err(|err| format!("rule {number}: PortRange: {err}"))?,
        None => None,
    };
    Ok(m::NetworkAclEntry {
        rule_number: number,
        protocol: e.protocol().unwrap_or("-1").to_owned(),
        rule_action: wire(e.rule_action()).unwrap_or_default(),
        egress: e.egress().unwrap_or(false),
        cidr_block: own(e.cidr_block()),
        ipv6_cidr_block: own(e.ipv6_cidr_block()),
        port_range,
        icmp_type_code: e.icmp_type_code().map(|i| m::IcmpTypeCode {
            code: i.code(),
            icmp_type: i.r#type(),
        }),
    })
}

/// The SDK's `SecurityGroup` as the model's `SecurityGroup` (the AWS CLI's JSON shape).
pub fn security_group(g: &sdk::SecurityGroup) -> m::SecurityGroup {
    m::SecurityGroup {
        group_id: g.group_id().unwrap_or_default().to_owned(),
        group_name: g.group_name().unwrap_or_default().to_owned(),
        description: own(g.description()),
        vpc_id: own(g.vpc_id()),
        owner_id: own(g.owner_id()),
        ip_permissions: g.ip_permissions().iter().map(ip_permission).collect(),
        ip_permissions_egress: g
            .ip_permissions_egress()
            .iter()
            .map(ip_permission)
            .collect(),
        tags: tags(g.tags()),
        security_group_arn: own(g.security_group_arn()),
        scope: Default::default(),
    }
}

/// The SDK's `IpPermission` as the model's `IpPermission` (the AWS CLI's JSON shape).
pub fn ip_permission(p: &sdk::IpPermission) -> m::IpPermission {
    m::IpPermission {
        ip_protocol: p.ip_protocol().unwrap_or("-1").to_owned(),
        from_port: p.from_port(),
        to_port: p.to_port(),
        ip_ranges: p
            .ip_ranges()
            .iter()
            .map(|r| m::IpRange {
                cidr_ip: r.cidr_ip().unwrap_or_default().to_owned(),
                description: own(r.description()),
            })
            .collect(),
        ipv6_ranges: p
            .ipv6_ranges()
            .iter()
            .map(|r| m::Ipv6Range {
                cidr_ipv6: r.cidr_ipv6().unwrap_or_default().to_owned(),
                description: own(r.description()),
            })
            .collect(),
        prefix_list_ids: p
            .prefix_list_ids()
            .iter()
            .map(|r| m::PrefixListRef {
                prefix_list_id: r.prefix_list_id().unwrap_or_default().to_owned(),
                description: own(r.description()),
            })
            .collect(),
        user_id_group_pairs: p
            .user_id_group_pairs()
            .iter()
            .map(|u| m::UserIdGroupPair {
                group_id: own(u.group_id()),
                group_name: own(u.group_name()),
                user_id: own(u.user_id()),
                vpc_id: own(u.vpc_id()),
                vpc_peering_connection_id: own(u.vpc_peering_connection_id()),
                peering_status: own(u.peering_status()),
                description: own(u.description()),
            })
            .collect(),
    }
}

/// The SDK's `SecurityGroupRule` as the model's `SecurityGroupRule` (the AWS CLI's JSON shape).
pub fn security_group_rule(r: &sdk::SecurityGroupRule) -> m::SecurityGroupRule {
    m::SecurityGroupRule {
        security_group_rule_id: r.security_group_rule_id().unwrap_or_default().to_owned(),
        group_id: r.group_id().unwrap_or_default().to_owned(),
        group_owner_id: own(r.group_owner_id()),
        is_egress: r.is_egress().unwrap_or(false),
        ip_protocol: r.ip_protocol().unwrap_or("-1").to_owned(),
        from_port: r.from_port(),
        to_port: r.to_port(),
        cidr_ipv4: own(r.cidr_ipv4()),
        cidr_ipv6: own(r.cidr_ipv6()),
        prefix_list_id: own(r.prefix_list_id()),
        referenced_group_info: r.referenced_group_info().map(|g| m::ReferencedGroupInfo {
            group_id: own(g.group_id()),
            user_id: own(g.user_id()),
            vpc_id: own(g.vpc_id()),
            vpc_peering_connection_id: own(g.vpc_peering_connection_id()),
            peering_status: own(g.peering_status()),
        }),
        description: own(r.description()),
        tags: tags(r.tags()),
        scope: Default::default(),
    }
}
