//! CloudTrail events applied to the network model.
//!
//! Each applier changes every copy of a fact the snapshot holds (a rule is both in its
//! group's `IpPermissions` and in `SecurityGroupRules`; an interface both in
//! `NetworkInterfaces` and inside its instance) so the engine sees one state. What an
//! event leaves unknown is never guessed: the outcome says which resource to re-describe.
use kensa_model::Snapshot;

use crate::event::ChangeEvent;

mod addr;
/// Resources kensa described again, applied as events of their own.
pub mod described;
/// Peering connections and transit gateway attachments described again.
pub mod described_transit;
/// Load balancer, listener and target events, re-described per resource.
pub mod lb;
mod net;
mod sg;
mod sg_rule;

pub use sg_rule::{Proto, RuleSource, SgRule};

/// A resource whose change may change what reaches some interfaces.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Touched {
    /// A security group's rules: interfaces in the group.
    Group(String),
    /// A security group's members: interfaces whose groups name it as a source.
    GroupMembers(String),
    /// A route table's routes: interfaces of the subnets it serves.
    RouteTable(String),
    /// A network ACL's entries: interfaces of its subnets.
    NetworkAcl(String),
    /// A subnet's associations: its interfaces.
    Subnet(String),
    /// A VPC's gateways or main associations: every interface of the VPC.
    Vpc(String),
    /// One interface (its groups or addresses).
    Eni(String),
    /// One instance's interfaces.
    Instance(String),
    /// A load balancer (ELBv2 ARN or classic name): what reaches its targets through it.
    LoadBalancer(String),
}

/// What applying one event did.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The model changed exactly as AWS did; these resources were touched.
    Applied(Vec<Touched>),
    /// Applied, but part of the new state is not in the event: re-describe `resource`.
    Partial {
        /// What was applied.
        touched: Vec<Touched>,
        /// The resource to describe again.
        resource: String,
        /// What the event leaves unknown.
        reason: String,
    },
    /// The event changes the network in a way the model cannot follow exactly.
    NeedsRedescribe {
        /// The resource to describe again.
        resource: String,
        /// Why the event cannot be applied exactly.
        reason: String,
    },
    /// A failed call (`errorCode`): nothing changed.
    Failed(String),
    /// Not an event that changes the network.
    NotNetwork,
}

/// Why an applier could not apply an event, turned into [`Outcome::NeedsRedescribe`].
pub(crate) struct Unappliable {
    pub resource: String,
    pub reason: String,
}

pub(crate) fn unappliable(resource: impl Into<String>, reason: impl Into<String>) -> Unappliable {
    Unappliable {
        resource: resource.into(),
        reason: reason.into(),
    }
}

pub(crate) type Applied = Result<Outcome, Unappliable>;

/// Events that change what reaches an interface but are not applied (yet): each triggers
/// a re-describe of the resource it names.
const REDESCRIBE_ONLY: &[(&str, &str)] = &[
    ("TerminateInstances", "instancesSet"),
    ("StopInstances", "instancesSet"),
    ("StartInstances", "instancesSet"),
    ("CreateNetworkInterface", "subnetId"),
    ("DeleteNetworkInterface", "networkInterfaceId"),
    ("AttachNetworkInterface", "networkInterfaceId"),
    ("DetachNetworkInterface", "attachmentId"),
    ("AssignPrivateIpAddresses", "networkInterfaceId"),
    ("AssignIpv6Addresses", "networkInterfaceId"),
    ("UnassignIpv6Addresses", "networkInterfaceId"),
    ("CreateSubnet", "vpcId"),
    ("DeleteSubnet", "subnetId"),
    ("AssociateVpcCidrBlock", "vpcId"),
    ("DisassociateVpcCidrBlock", "associationId"),
    ("CreateVpcPeeringConnection", "vpcId"),
    ("AcceptVpcPeeringConnection", "vpcPeeringConnectionId"),
    ("DeleteVpcPeeringConnection", "vpcPeeringConnectionId"),
    ("RejectVpcPeeringConnection", "vpcPeeringConnectionId"),
    ("CreateTransitGatewayVpcAttachment", "transitGatewayId"),
    (
        "DeleteTransitGatewayVpcAttachment",
        "transitGatewayAttachmentId",
    ),
    (
        "AcceptTransitGatewayVpcAttachment",
        "transitGatewayAttachmentId",
    ),
    ("CreateTransitGatewayRoute", "transitGatewayRouteTableId"),
    ("DeleteTransitGatewayRoute", "transitGatewayRouteTableId"),
    ("ModifyManagedPrefixList", "prefixListId"),
    ("AttachVpnGateway", "vpcId"),
    ("DetachVpnGateway", "vpcId"),
    ("EnableVgwRoutePropagation", "routeTableId"),
    ("DisableVgwRoutePropagation", "routeTableId"),
];

/// The events [`apply`] applies to the model.
pub const APPLIED: &[&str] = &[
    "AuthorizeSecurityGroupIngress",
    "AuthorizeSecurityGroupEgress",
    "RevokeSecurityGroupIngress",
    "RevokeSecurityGroupEgress",
    "ModifySecurityGroupRules",
    "CreateSecurityGroup",
    "DeleteSecurityGroup",
    "CreateRoute",
    "ReplaceRoute",
    "DeleteRoute",
    "AssociateRouteTable",
    "DisassociateRouteTable",
    "ReplaceRouteTableAssociation",
    "CreateNetworkAclEntry",
    "ReplaceNetworkAclEntry",
    "DeleteNetworkAclEntry",
    "ReplaceNetworkAclAssociation",
    "AttachInternetGateway",
    "DetachInternetGateway",
    "AllocateAddress",
    "AssociateAddress",
    "DisassociateAddress",
    "ReleaseAddress",
    "RunInstances",
    "ModifyNetworkInterfaceAttribute",
    "ModifyInstanceAttribute",
    described::DESCRIBED_GROUP,
    described_transit::DESCRIBED_PEERING,
    described_transit::DESCRIBED_TGW_ATTACHMENT,
    lb::DESCRIBED_LOAD_BALANCER,
    lb::DESCRIBED_TARGET_GROUP,
    lb::DESCRIBED_CLASSIC_LB,
];

/// Whether a successful event of this name changes the network (applied, or reported
/// for a re-describe): the events a live watcher must remember to rebuild its model.
pub fn changes_network(ev: &ChangeEvent) -> bool {
    ev.error_code.is_none()
        && (APPLIED.contains(&ev.event_name.as_str())
            || REDESCRIBE_ONLY.iter().any(|(n, _)| *n == ev.event_name)
            || lb::is_lb_event(&ev.event_name))
}

/// Applies one event to the model.
pub fn apply(snap: &mut Snapshot, ev: &ChangeEvent) -> Outcome {
    if let Some(code) = &ev.error_code {
        return Outcome::Failed(code.clone());
    }
    let result = match ev.event_name.as_str() {
        "AuthorizeSecurityGroupIngress" => sg::authorize(snap, ev, false),
        "AuthorizeSecurityGroupEgress" => sg::authorize(snap, ev, true),
        "RevokeSecurityGroupIngress" => sg::revoke(snap, ev, false),
        "RevokeSecurityGroupEgress" => sg::revoke(snap, ev, true),
        "ModifySecurityGroupRules" => sg::modify_rules(snap, ev),
        "CreateSecurityGroup" => sg::create_group(snap, ev),
        "DeleteSecurityGroup" => sg::delete_group(snap, ev),
        "CreateRoute" | "ReplaceRoute" => net::put_route(snap, ev),
        "DeleteRoute" => net::delete_route(snap, ev),
        "AssociateRouteTable" => net::associate_route_table(snap, ev),
        "DisassociateRouteTable" => net::disassociate_route_table(snap, ev),
        "ReplaceRouteTableAssociation" => net::replace_route_table_association(snap, ev),
        "CreateNetworkAclEntry" | "ReplaceNetworkAclEntry" => net::put_nacl_entry(snap, ev),
        "DeleteNetworkAclEntry" => net::delete_nacl_entry(snap, ev),
        "ReplaceNetworkAclAssociation" => net::replace_nacl_association(snap, ev),
        "AttachInternetGateway" => net::igw_attachment(snap, ev, true),
        "DetachInternetGateway" => net::igw_attachment(snap, ev, false),
        "AllocateAddress" => addr::allocate(snap, ev),
        "AssociateAddress" => addr::associate(snap, ev),
        "DisassociateAddress" => addr::disassociate(snap, ev),
        "ReleaseAddress" => addr::release(snap, ev),
        "RunInstances" => addr::run_instances(snap, ev),
        "ModifyNetworkInterfaceAttribute" => addr::modify_eni_groups(snap, ev),
        "ModifyInstanceAttribute" => addr::modify_instance_groups(snap, ev),
        described::DESCRIBED_GROUP => described::replace_group(snap, ev),
        described_transit::DESCRIBED_PEERING => described_transit::replace_peering(snap, ev),
        described_transit::DESCRIBED_TGW_ATTACHMENT => {
            described_transit::replace_tgw_attachment(snap, ev)
        }
        lb::DESCRIBED_LOAD_BALANCER => lb::replace_load_balancer(snap, ev),
        lb::DESCRIBED_TARGET_GROUP => lb::replace_target_group(snap, ev),
        lb::DESCRIBED_CLASSIC_LB => lb::replace_classic(snap, ev),
        name if lb::is_lb_event(name) => Err(lb::redescribe(ev)),
        name => match REDESCRIBE_ONLY.iter().find(|(n, _)| *n == name) {
            Some((_, key)) => Err(unappliable(
                redescribe_target(ev, key),
                format!("`{name}` is not applied to the model"),
            )),
            None => Ok(Outcome::NotNetwork),
        },
    };
    result.unwrap_or_else(|u| Outcome::NeedsRedescribe {
        resource: u.resource,
        reason: u.reason,
    })
}

/// The resource an unapplied event names (its request's `key`, or the first instance).
fn redescribe_target(ev: &ChangeEvent, key: &str) -> String {
    if key == "instancesSet" {
        let ids: Vec<String> = crate::json::items(&ev.request, key)
            .into_iter()
            .filter_map(|i| crate::json::text(i, "instanceId"))
            .collect();
        if !ids.is_empty() {
            return ids.join(",");
        }
    }
    let named = ev.req_text(key);
    // A create call's request names the VPC or gateway; the new resource's id is in
    // the response.
    let name = &ev.event_name;
    let wanted = if name.contains("PeeringConnection") {
        "pcx-"
    } else if name.contains("TransitGateway") && name.contains("Attachment") {
        "tgw-attach-"
    } else {
        return named.unwrap_or_else(|| name.clone());
    };
    match named {
        Some(n) if n.starts_with(wanted) => n,
        named => id_in(&ev.response, wanted)
            .or(named)
            .unwrap_or_else(|| name.clone()),
    }
}

/// The first string value starting with `prefix` in a JSON tree.
fn id_in(v: &serde_json::Value, prefix: &str) -> Option<String> {
    match v {
        serde_json::Value::String(s) if s.starts_with(prefix) => Some(s.clone()),
        serde_json::Value::Array(a) => a.iter().find_map(|x| id_in(x, prefix)),
        serde_json::Value::Object(o) => o.values().find_map(|x| id_in(x, prefix)),
        _ => None,
    }
}
