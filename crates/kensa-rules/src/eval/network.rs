//! VPC-level evaluators: default security groups, network ACLs, flow logs, subnets,
//! Elastic IPs, VPC block public access, transit gateways, ENIs and peering routes.
use kensa_model::ResourceType;
use std::str::FromStr;

use ipnet::IpNet;
use kensa_model::ec2::{NetworkAcl, NetworkAclEntry};
use serde_json::json;

use crate::context::{ec2_arn, resource, sg_resource, Context};
use crate::exposure::{is_world, Protocol};
use crate::ports::PortSet;
use crate::rule::Evaluation;

/// The default security group of each VPC has no rules at all.
pub fn default_sg_closed(ctx: &Context) -> Vec<Evaluation> {
    let groups = ctx.snapshot.security_groups.values();
    groups
        .filter(|g| g.group_name == "default")
        .map(|g| {
            let res = sg_resource(g);
            let (i, e) = (g.ip_permissions.len(), g.ip_permissions_egress.len());
            Evaluation::check(
                res,
                i == 0 && e == 0,
                "the default security group has no inbound or outbound rules",
                &format!(
                    "the default security group {} of {} has {i} inbound and {e} outbound rule(s)",
                    g.group_id,
                    g.vpc_id.as_deref().unwrap_or("its VPC")
                ),
            )
            .with_evidence(json!({"ip_permissions": g.ip_permissions, "ip_permissions_egress": g.ip_permissions_egress}))
        })
        .collect()
}

/// No network ACL admits `ports` (TCP or UDP) from a world CIDR of the given families.
pub fn nacl_world_ingress(ctx: &Context, ports: &PortSet, v6: bool) -> Vec<Evaluation> {
    ctx.snapshot
        .network_acls
        .values()
        .map(|acl| {
            let res = nacl_resource(acl);
            let open = world_allowed_ports(acl, ports, v6);
            if open.is_empty() {
                Evaluation::pass(
                    res,
                    format!("no inbound entry admits ports {ports} from the world"),
                )
            } else {
                let list: Vec<String> = open
                    .iter()
                    .map(|(e, p)| {
                        format!(
                            "rule {} ({}) admits {p}",
                            e.rule_number,
                            e.cidr_block
                                .as_deref()
                                .or(e.ipv6_cidr_block.as_deref())
                                .unwrap_or("?")
                        )
                    })
                    .collect();
                Evaluation::fail(res, format!("{}: {}", acl.network_acl_id, list.join("; ")))
                    .attr("ACL", acl.network_acl_id.clone())
                    .with_evidence(
                        json!({"entries": open.iter().map(|(e, _)| *e).collect::<Vec<_>>()}),
                    )
            }
        })
        .collect()
}

fn nacl_resource(acl: &NetworkAcl) -> kensa_model::ResourceRef {
    let arn = ec2_arn(&acl.scope, "network-acl", &acl.network_acl_id);
    resource(
        ResourceType::NetworkAcl,
        &acl.network_acl_id,
        arn,
        &acl.scope,
        &acl.tags,
    )
}

/// Inbound entries that allow a restricted port from the world, taking earlier (lower
/// numbered) world deny entries into account, as NACLs evaluate first match.
fn world_allowed_ports<'a>(
    acl: &'a NetworkAcl,
    ports: &PortSet,
    v6: bool,
) -> Vec<(&'a NetworkAclEntry, String)> {
    let mut entries: Vec<&NetworkAclEntry> = acl
        .entries
        .iter()
        .filter(|e| !e.egress)
        .filter(|e| {
            let cidr = if v6 {
                &e.ipv6_cidr_block
            } else {
                &e.cidr_block
            };
            cidr.as_deref().is_some_and(is_world)
        })
        .collect();
    entries.sort_by_key(|e| e.rule_number);
    let (mut tcp_left, mut udp_left) = (ports.clone(), ports.clone());
    let mut out = Vec::new();
    for e in entries {
        let range = e.port_range.map_or((0, u16::MAX), |r| (r.from, r.to));
        let (tcp, udp) = match Protocol::parse(&e.protocol) {
            Protocol::All => (tcp_left.clone(), udp_left.clone()),
            Protocol::Tcp => (tcp_left.intersect_range(range.0, range.1), PortSet::empty()),
            Protocol::Udp => (PortSet::empty(), udp_left.intersect_range(range.0, range.1)),
            Protocol::Other => continue,
        };
        tcp_left = tcp_left.difference(&tcp);
        udp_left = udp_left.difference(&udp);
        if e.rule_action == "allow" && !(tcp.is_empty() && udp.is_empty()) {
            let mut hit = Vec::new();
            if !tcp.is_empty() {
                hit.push(format!("tcp {tcp}"));
            }
            if !udp.is_empty() {
                hit.push(format!("udp {udp}"));
            }
            out.push((e, hit.join(", ")));
        }
    }
    out
}

/// Every non-default network ACL is associated with a subnet.
pub fn unused_nacl(ctx: &Context) -> Vec<Evaluation> {
    ctx.snapshot
        .network_acls
        .values()
        .map(|acl| {
            let res = nacl_resource(acl);
            if acl.is_default {
                return Evaluation::not_applicable(res, "default network ACLs cannot be deleted");
            }
            Evaluation::check(
                res,
                !acl.associations.is_empty(),
                "associated with at least one subnet",
                &format!("{} is not associated with any subnet", acl.network_acl_id),
            )
        })
        .collect()
}

/// Every VPC has an active flow log capturing `traffic_type` (`ALL` captures any).
pub fn flow_logs(ctx: &Context, traffic_type: Option<&str>) -> Vec<Evaluation> {
    ctx.snapshot
        .vpcs
        .values()
        .map(|vpc| {
            let arn = ec2_arn(&vpc.scope, "vpc", &vpc.vpc_id);
            let res = resource(ResourceType::Vpc, &vpc.vpc_id, arn, &vpc.scope, &vpc.tags);
            let logs: Vec<_> = ctx
                .snapshot
                .flow_logs
                .values()
                .filter(|f| f.resource_id.as_deref() == Some(vpc.vpc_id.as_str()))
                .filter(|f| f.flow_log_status.as_deref().is_none_or(|s| s == "ACTIVE"))
                .filter(|f| match (traffic_type, f.traffic_type.as_deref()) {
                    (None, _) | (_, Some("ALL")) => true,
                    (Some(want), Some(have)) => want.eq_ignore_ascii_case(have),
                    (Some(_), None) => false,
                })
                .map(|f| f.flow_log_id.clone())
                .collect();
            let wanted = traffic_type
                .map(|t| format!(" capturing {t} traffic"))
                .unwrap_or_default();
            Evaluation::check(
                res,
                !logs.is_empty(),
                &format!("flow log(s) {}{wanted}", logs.join(", ")),
                &format!("{} has no active flow log{wanted}", vpc.vpc_id),
            )
        })
        .collect()
}

/// Subnets do not give launched instances a public IPv4 address.
pub fn subnet_auto_public_ip(ctx: &Context) -> Vec<Evaluation> {
    ctx.snapshot
        .subnets
        .values()
        .map(|s| {
            let arn = s
                .subnet_arn
                .clone()
                .or_else(|| ec2_arn(&s.scope, "subnet", &s.subnet_id));
            let res = resource(ResourceType::Subnet, &s.subnet_id, arn, &s.scope, &s.tags);
            Evaluation::check(
                res,
                !s.map_public_ip_on_launch,
                "MapPublicIpOnLaunch is false",
                &format!("{} has MapPublicIpOnLaunch = true", s.subnet_id),
            )
        })
        .collect()
}

/// Every Elastic IP is associated with an instance or a network interface.
pub fn unused_eip(ctx: &Context) -> Vec<Evaluation> {
    ctx.snapshot
        .addresses
        .iter()
        .map(|(key, a)| {
            let id = a.allocation_id.clone().unwrap_or_else(|| key.clone());
            let arn = ec2_arn(&a.scope, "elastic-ip", &id);
            let res = resource(ResourceType::Eip, &id, arn, &a.scope, &a.tags);
            let used = a.association_id.is_some()
                || a.instance_id.is_some()
                || a.network_interface_id.is_some();
            Evaluation::check(
                res,
                used,
                "associated",
                &format!(
                    "Elastic IP {} ({}) is not associated with anything",
                    a.public_ip.as_deref().unwrap_or("?"),
                    id
                ),
            )
        })
        .collect()
}

/// VPC block public access blocks internet gateway traffic (in `mode`, when given).
pub fn vpc_block_public_access(ctx: &Context, mode: Option<&str>) -> Vec<Evaluation> {
    ctx.snapshot
        .regional_settings
        .values()
        .filter_map(|s| Some((s, s.vpc_block_public_access.as_ref()?)))
        .map(|(s, o)| {
            let id = format!("{}/{}", s.scope.account, s.scope.region);
            let res = resource(ResourceType::Account, &id, None, &s.scope, &[]);
            let have = o.internet_gateway_block_mode.as_deref().unwrap_or("off");
            let ok = match mode {
                Some(m) => have.eq_ignore_ascii_case(m),
                None => o.blocks_internet_gateway(),
            };
            Evaluation::check(
                res,
                ok,
                &format!("InternetGatewayBlockMode is {have}"),
                &format!("VPC block public access InternetGatewayBlockMode is {have}"),
            )
        })
        .collect()
}

/// Transit gateways do not accept shared attachments automatically.
pub fn tgw_auto_accept(ctx: &Context) -> Vec<Evaluation> {
    ctx.snapshot
        .transit_gateways
        .values()
        .map(|t| {
            let arn = ec2_arn(&t.scope, "transit-gateway", &t.transit_gateway_id);
            let res = resource(
                ResourceType::TransitGateway,
                &t.transit_gateway_id,
                arn,
                &t.scope,
                &t.tags,
            );
            let auto = t
                .options
                .as_ref()
                .and_then(|o| o.auto_accept_shared_attachments.as_deref());
            match auto {
                None => Evaluation::not_applicable(
                    res,
                    "AutoAcceptSharedAttachments not in the snapshot",
                ),
                Some(v) => Evaluation::check(
                    res,
                    v != "enable",
                    "AutoAcceptSharedAttachments is disabled",
                    &format!(
                        "{} accepts shared attachments automatically",
                        t.transit_gateway_id
                    ),
                ),
            }
        })
        .collect()
}

/// User-managed ENIs keep source/destination checking on.
pub fn eni_source_dest_check(ctx: &Context) -> Vec<Evaluation> {
    ctx.snapshot
        .network_interfaces
        .values()
        .map(|n| {
            let arn = ec2_arn(&n.scope, "network-interface", &n.network_interface_id);
            let res = resource(
                ResourceType::NetworkInterface,
                &n.network_interface_id,
                arn,
                &n.scope,
                &n.tags,
            );
            let kind = n.interface_type.as_deref().unwrap_or("interface");
            if kind != "interface" || n.requester_managed {
                return Evaluation::not_applicable(res, format!("{kind} interface managed by AWS"));
            }
            match n.source_dest_check {
                None => Evaluation::not_applicable(res, "SourceDestCheck not in the snapshot"),
                Some(on) => Evaluation::check(
                    res,
                    on,
                    "SourceDestCheck is enabled",
                    &format!("{} has SourceDestCheck disabled", n.network_interface_id),
                ),
            }
        })
        .collect()
}

/// Routes to a VPC peering connection are no broader than the peer VPC's CIDRs.
pub fn peering_least_access(ctx: &Context) -> Vec<Evaluation> {
    let snap = ctx.snapshot;
    let mut out = Vec::new();
    for rt in snap.route_tables.values() {
        let mut broad = Vec::new();
        let mut any = false;
        for r in &rt.routes {
            let Some(pcx) = &r.vpc_peering_connection_id else {
                continue;
            };
            any = true;
            let dest = r
                .destination_cidr_block
                .as_deref()
                .or(r.destination_ipv6_cidr_block.as_deref());
            let Some(dest) = dest.and_then(|d| IpNet::from_str(d).ok()) else {
                continue;
            };
            let peer = peer_cidrs(snap, pcx, &rt.vpc_id);
            let too_broad = dest.prefix_len() == 0
                || (!peer.is_empty() && peer.iter().any(|p| dest.contains(p) && dest != *p));
            if too_broad {
                broad.push(format!("{dest} via {pcx}"));
            }
        }
        if !any {
            continue;
        }
        let arn = ec2_arn(&rt.scope, "route-table", &rt.route_table_id);
        let res = resource(
            ResourceType::RouteTable,
            &rt.route_table_id,
            arn,
            &rt.scope,
            &rt.tags,
        );
        out.push(Evaluation::check(
            res,
            broad.is_empty(),
            "peering routes stay within the peer VPC's CIDRs",
            &format!(
                "{} routes more than the peer VPC: {}",
                rt.route_table_id,
                broad.join(", ")
            ),
        ));
    }
    out
}

/// The CIDRs of the side of `pcx` that is not `own_vpc`.
fn peer_cidrs(snap: &kensa_model::Snapshot, pcx: &str, own_vpc: &str) -> Vec<IpNet> {
    let Some(p) = snap.vpc_peering_connections.get(pcx) else {
        return Vec::new();
    };
    let sides = [&p.accepter_vpc_info, &p.requester_vpc_info];
    sides
        .into_iter()
        .flatten()
        .filter(|i| i.vpc_id.as_deref() != Some(own_vpc))
        .flat_map(|i| {
            i.cidr_block
                .iter()
                .chain(
                    i.cidr_block_set
                        .iter()
                        .filter_map(|c| c.cidr_block.as_ref()),
                )
                .chain(
                    i.ipv6_cidr_block_set
                        .iter()
                        .filter_map(|c| c.ipv6_cidr_block.as_ref()),
                )
                .filter_map(|c| IpNet::from_str(c).ok())
                .collect::<Vec<_>>()
        })
        .collect()
}
