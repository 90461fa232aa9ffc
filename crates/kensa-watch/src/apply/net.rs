//! Routing and filtering events: routes, route-table associations, network ACL entries
//! and associations, internet gateway attachments.
use kensa_model::ec2::{
    IcmpTypeCode, NetworkAclAssociation, NetworkAclEntry, Route, RouteTableAssociation,
};
use kensa_model::gateway::{GatewayAttachment, InternetGateway};
use kensa_model::Snapshot;

use super::{unappliable, Applied, Outcome, Touched};
use crate::event::ChangeEvent;
use crate::json::{boolean, get, int};

fn need(ev: &ChangeEvent, key: &str) -> Result<String, super::Unappliable> {
    ev.req_text(key)
        .ok_or_else(|| unappliable(&ev.event_name, format!("request has no {key}")))
}

/// The route's destination (IPv4 CIDR, IPv6 CIDR or prefix list).
fn destination(ev: &ChangeEvent) -> (Option<String>, Option<String>, Option<String>) {
    (
        ev.req_text("destinationCidrBlock"),
        ev.req_text("destinationIpv6CidrBlock"),
        ev.req_text("destinationPrefixListId"),
    )
}

fn same_destination(r: &Route, d: &(Option<String>, Option<String>, Option<String>)) -> bool {
    (
        &r.destination_cidr_block,
        &r.destination_ipv6_cidr_block,
        &r.destination_prefix_list_id,
    ) == (&d.0, &d.1, &d.2)
}

/// `CreateRoute` and `ReplaceRoute`: the route to one destination set to one target.
pub fn put_route(snap: &mut Snapshot, ev: &ChangeEvent) -> Applied {
    let rtb = need(ev, "routeTableId")?;
    let dest = destination(ev);
    if dest == (None, None, None) {
        return Err(unappliable(&rtb, "route has no destination"));
    }
    let t = |k: &str| ev.req_text(k);
    let route = Route {
        destination_cidr_block: dest.0.clone(),
        destination_ipv6_cidr_block: dest.1.clone(),
        destination_prefix_list_id: dest.2.clone(),
        gateway_id: t("gatewayId"),
        egress_only_internet_gateway_id: t("egressOnlyInternetGatewayId"),
        nat_gateway_id: t("natGatewayId"),
        transit_gateway_id: t("transitGatewayId"),
        vpc_peering_connection_id: t("vpcPeeringConnectionId"),
        network_interface_id: t("networkInterfaceId"),
        instance_id: t("instanceId"),
        local_gateway_id: t("localGatewayId"),
        carrier_gateway_id: t("carrierGatewayId"),
        core_network_arn: t("coreNetworkArn"),
        state: Some("active".into()),
        origin: Some("CreateRoute".into()),
    };
    let table = (snap.route_tables.get_mut(&rtb))
        .ok_or_else(|| unappliable(&rtb, "route table is not in the model"))?;
    table.routes.retain(|r| !same_destination(r, &dest));
    table.routes.push(route);
    Ok(Outcome::Applied(vec![Touched::RouteTable(rtb)]))
}

pub fn delete_route(snap: &mut Snapshot, ev: &ChangeEvent) -> Applied {
    let rtb = need(ev, "routeTableId")?;
    let dest = destination(ev);
    let table = (snap.route_tables.get_mut(&rtb))
        .ok_or_else(|| unappliable(&rtb, "route table is not in the model"))?;
    table.routes.retain(|r| !same_destination(r, &dest));
    Ok(Outcome::Applied(vec![Touched::RouteTable(rtb)]))
}

/// What an association id points at: (route table, subnet, gateway, main).
fn find_rtb_association(snap: &Snapshot, assoc: &str) -> Option<(String, RouteTableAssociation)> {
    snap.route_tables.values().find_map(|t| {
        (t.associations.iter())
            .find(|a| a.route_table_association_id.as_deref() == Some(assoc))
            .map(|a| (t.route_table_id.clone(), a.clone()))
    })
}

fn remove_rtb_association(snap: &mut Snapshot, assoc: &str) {
    for t in snap.route_tables.values_mut() {
        t.associations
            .retain(|a| a.route_table_association_id.as_deref() != Some(assoc));
    }
}

/// The interfaces an association change affects: its subnet's, or the whole VPC's for
/// the main association and gateway (ingress routing) associations.
fn association_scope(snap: &Snapshot, rtb: &str, a: &RouteTableAssociation) -> Touched {
    match (&a.subnet_id, a.main) {
        (Some(s), false) => Touched::Subnet(s.clone()),
        _ => Touched::Vpc(
            snap.route_tables
                .get(rtb)
                .map(|t| t.vpc_id.clone())
                .unwrap_or_default(),
        ),
    }
}

pub fn associate_route_table(snap: &mut Snapshot, ev: &ChangeEvent) -> Applied {
    let rtb = need(ev, "routeTableId")?;
    let assoc = RouteTableAssociation {
        main: false,
        route_table_association_id: ev.resp_text("associationId"),
        route_table_id: Some(rtb.clone()),
        subnet_id: ev.req_text("subnetId"),
        gateway_id: ev.req_text("gatewayId"),
    };
    let touched = association_scope(snap, &rtb, &assoc);
    let table = (snap.route_tables.get_mut(&rtb))
        .ok_or_else(|| unappliable(&rtb, "route table is not in the model"))?;
    table.associations.push(assoc);
    Ok(Outcome::Applied(vec![touched]))
}

pub fn disassociate_route_table(snap: &mut Snapshot, ev: &ChangeEvent) -> Applied {
    let id = need(ev, "associationId")?;
    let (rtb, a) = find_rtb_association(snap, &id)
        .ok_or_else(|| unappliable(&id, "route table association is not in the model"))?;
    let touched = association_scope(snap, &rtb, &a);
    remove_rtb_association(snap, &id);
    Ok(Outcome::Applied(vec![touched]))
}

/// Moves a subnet's (or the VPC's main) association to another table; AWS gives it a
/// new association id.
pub fn replace_route_table_association(snap: &mut Snapshot, ev: &ChangeEvent) -> Applied {
    let id = need(ev, "associationId")?;
    let rtb = need(ev, "routeTableId")?;
    let (old_rtb, mut a) = find_rtb_association(snap, &id)
        .ok_or_else(|| unappliable(&id, "route table association is not in the model"))?;
    if !snap.route_tables.contains_key(&rtb) {
        return Err(unappliable(&rtb, "route table is not in the model"));
    }
    let touched = association_scope(snap, &old_rtb, &a);
    remove_rtb_association(snap, &id);
    a.route_table_association_id = ev.resp_text("newAssociationId").or(Some(id));
    a.route_table_id = Some(rtb.clone());
    if let Some(t) = snap.route_tables.get_mut(&rtb) {
        t.associations.push(a);
    }
    Ok(Outcome::Applied(vec![touched]))
}

fn nacl_egress(ev: &ChangeEvent) -> bool {
    boolean(&ev.request, "egress").unwrap_or(false)
}

/// `CreateNetworkAclEntry` and `ReplaceNetworkAclEntry`.
pub fn put_nacl_entry(snap: &mut Snapshot, ev: &ChangeEvent) -> Applied {
    let acl = need(ev, "networkAclId")?;
    let number = int(&ev.request, "ruleNumber")
        .ok_or_else(|| unappliable(&acl, "entry has no ruleNumber"))?;
    let egress = nacl_egress(ev);
    // Read as the loader reads it: a damaged range is not replayed as some other range.
    let port_range = match get(&ev.request, "portRange") {
        Some(r) => kensa_model::ports::acl::from_bounds(int(r, "from"), int(r, "to"))
            .map_err(|e| unappliable(&acl, format!("entry {number}: portRange: {e}")))?,
        None => None,
    };
    let icmp = get(&ev.request, "icmpTypeCode");
    let entry = NetworkAclEntry {
        rule_number: number,
        protocol: need(ev, "protocol")?,
        rule_action: need(ev, "ruleAction")?.to_ascii_lowercase(),
        egress,
        cidr_block: ev.req_text("cidrBlock"),
        ipv6_cidr_block: ev.req_text("ipv6CidrBlock"),
        port_range,
        icmp_type_code: icmp.map(|i| IcmpTypeCode {
            code: int(i, "code"),
            icmp_type: int(i, "type"),
        }),
    };
    let nacl = (snap.network_acls.get_mut(&acl))
        .ok_or_else(|| unappliable(&acl, "network ACL is not in the model"))?;
    nacl.entries
        .retain(|e| (e.rule_number, e.egress) != (number, egress));
    nacl.entries.push(entry);
    nacl.entries.sort_by_key(|e| (e.egress, e.rule_number));
    Ok(Outcome::Applied(vec![Touched::NetworkAcl(acl)]))
}

pub fn delete_nacl_entry(snap: &mut Snapshot, ev: &ChangeEvent) -> Applied {
    let acl = need(ev, "networkAclId")?;
    let number = int(&ev.request, "ruleNumber")
        .ok_or_else(|| unappliable(&acl, "entry has no ruleNumber"))?;
    let egress = nacl_egress(ev);
    let nacl = (snap.network_acls.get_mut(&acl))
        .ok_or_else(|| unappliable(&acl, "network ACL is not in the model"))?;
    nacl.entries
        .retain(|e| (e.rule_number, e.egress) != (number, egress));
    Ok(Outcome::Applied(vec![Touched::NetworkAcl(acl)]))
}

/// Moves a subnet to another network ACL (the only way to change a subnet's ACL).
pub fn replace_nacl_association(snap: &mut Snapshot, ev: &ChangeEvent) -> Applied {
    let id = need(ev, "associationId")?;
    let acl = need(ev, "networkAclId")?;
    let subnet = snap.network_acls.values().find_map(|n| {
        (n.associations.iter())
            .find(|a| a.network_acl_association_id.as_deref() == Some(id.as_str()))
            .map(|a| a.subnet_id.clone())
    });
    let Some(Some(subnet)) = subnet else {
        return Err(unappliable(
            &id,
            "network ACL association is not in the model",
        ));
    };
    if !snap.network_acls.contains_key(&acl) {
        return Err(unappliable(&acl, "network ACL is not in the model"));
    }
    for n in snap.network_acls.values_mut() {
        n.associations
            .retain(|a| a.network_acl_association_id.as_deref() != Some(id.as_str()));
    }
    if let Some(n) = snap.network_acls.get_mut(&acl) {
        n.associations.push(NetworkAclAssociation {
            network_acl_association_id: ev.resp_text("newAssociationId").or(Some(id)),
            network_acl_id: Some(acl.clone()),
            subnet_id: Some(subnet.clone()),
        });
    }
    Ok(Outcome::Applied(vec![Touched::Subnet(subnet)]))
}

/// `AttachInternetGateway` / `DetachInternetGateway`: every interface of the VPC.
pub fn igw_attachment(snap: &mut Snapshot, ev: &ChangeEvent, attach: bool) -> Applied {
    let igw = need(ev, "internetGatewayId")?;
    let vpc = need(ev, "vpcId")?;
    let gw = snap
        .internet_gateways
        .entry(igw.clone())
        .or_insert_with(|| InternetGateway {
            internet_gateway_id: igw.clone(),
            owner_id: ev.account.clone(),
            ..Default::default()
        });
    gw.attachments
        .retain(|a| a.vpc_id.as_deref() != Some(vpc.as_str()));
    if attach {
        gw.attachments.push(GatewayAttachment {
            state: Some("available".into()),
            vpc_id: Some(vpc.clone()),
        });
    }
    Ok(Outcome::Applied(vec![Touched::Vpc(vpc)]))
}
