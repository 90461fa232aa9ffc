//! What the loader needs to know about each top-level resource type: its id, the account
//! its record names, where its scope lives and which snapshot table it goes into.
use std::collections::BTreeMap;

use serde::de::DeserializeOwned;

use crate::compute::{EbsSnapshot, FlowLog, Image, LaunchTemplate, Volume};
use crate::direct_connect::{
    DirectConnectGateway, DirectConnectGatewayAssociation, VirtualInterface,
};
use crate::ec2::{NetworkAcl, RouteTable, SecurityGroup, SecurityGroupRule, Subnet, Vpc};
use crate::elb::{ClassicLoadBalancer, Listener, LoadBalancer, TargetGroup};
use crate::gateway::{EgressOnlyInternetGateway, InternetGateway, NatGateway, PrefixList};
use crate::instance::{Address, Instance, NetworkInterface};
use crate::resource_type::ResourceType;
use crate::snapshot::{Scope, Snapshot};
use crate::transit::{
    CustomerGateway, TransitGateway, TransitGatewayAttachment, TransitGatewayRouteTable,
    VpcEndpoint, VpcPeeringConnection, VpnConnection, VpnGateway,
};

/// Something done with the items of a top-level list, generic over their resource type.
pub(crate) trait ListVisitor {
    type Out;
    fn visit<T: Resource>(self) -> Self::Out;
}

/// The one table of top-level keys whose array holds one resource per element. Both
/// readers (the one-pass [`super::fast`] and the item-by-item [`super::parse`]) dispatch
/// through it, so a new resource type is added here only. `Reservations` (instances
/// nested in reservations) and `Listeners` (which may take their load balancer from a
/// wrapper) have readers of their own.
pub(crate) fn visit_list<V: ListVisitor>(key: &str, v: V) -> Option<V::Out> {
    Some(match key {
        "Vpcs" => v.visit::<Vpc>(),
        "Subnets" => v.visit::<Subnet>(),
        "RouteTables" => v.visit::<RouteTable>(),
        "NetworkAcls" => v.visit::<NetworkAcl>(),
        "SecurityGroups" => v.visit::<SecurityGroup>(),
        "SecurityGroupRules" => v.visit::<SecurityGroupRule>(),
        "NetworkInterfaces" => v.visit::<NetworkInterface>(),
        "Addresses" => v.visit::<Address>(),
        "InternetGateways" => v.visit::<InternetGateway>(),
        "EgressOnlyInternetGateways" => v.visit::<EgressOnlyInternetGateway>(),
        "NatGateways" => v.visit::<NatGateway>(),
        "PrefixLists" | "ManagedPrefixLists" => v.visit::<PrefixList>(),
        "VpcPeeringConnections" => v.visit::<VpcPeeringConnection>(),
        "VpnGateways" => v.visit::<VpnGateway>(),
        "VpnConnections" => v.visit::<VpnConnection>(),
        "CustomerGateways" => v.visit::<CustomerGateway>(),
        "TransitGateways" => v.visit::<TransitGateway>(),
        "TransitGatewayAttachments" => v.visit::<TransitGatewayAttachment>(),
        "TransitGatewayRouteTables" => v.visit::<TransitGatewayRouteTable>(),
        "VpcEndpoints" => v.visit::<VpcEndpoint>(),
        "directConnectGateways" => v.visit::<DirectConnectGateway>(),
        "directConnectGatewayAssociations" => v.visit::<DirectConnectGatewayAssociation>(),
        "virtualInterfaces" => v.visit::<VirtualInterface>(),
        "LoadBalancers" => v.visit::<LoadBalancer>(),
        "LoadBalancerDescriptions" => v.visit::<ClassicLoadBalancer>(),
        "TargetGroups" => v.visit::<TargetGroup>(),
        "Volumes" => v.visit::<Volume>(),
        "Snapshots" => v.visit::<EbsSnapshot>(),
        "Images" => v.visit::<Image>(),
        "LaunchTemplates" => v.visit::<LaunchTemplate>(),
        "FlowLogs" => v.visit::<FlowLog>(),
        _ => return None,
    })
}

pub(crate) trait Resource: DeserializeOwned + super::check::Validate + 'static {
    /// The kind of resource (its human name goes into warnings).
    const TYPE: ResourceType;
    /// The key the resource is stored under.
    fn id(&self) -> &str;
    /// The account id the record itself names (`OwnerId`, an ARN's account), if any.
    fn owner_account(&self) -> Option<&str> {
        None
    }
    fn scope_mut(&mut self) -> &mut Scope;
    /// Folds a second record with the same id into `self`; false means "a real duplicate"
    /// (the loader then keeps the first and warns).
    fn absorb_duplicate(&mut self, _other: Self) -> bool {
        false
    }
    fn table(snapshot: &mut Snapshot) -> &mut BTreeMap<String, Self>;
}

/// The account field of an ARN (`arn:partition:service:region:account:resource`).
pub(crate) fn arn_account(arn: &str) -> Option<&str> {
    let account = arn.split(':').nth(4)?;
    (!account.is_empty()).then_some(account)
}

macro_rules! resource {
    ($ty:ty, $rt:ident, $table:ident, |$s:ident| $id:expr, |$o:ident| $owner:expr) => {
        impl Resource for $ty {
            const TYPE: $crate::resource_type::ResourceType =
                $crate::resource_type::ResourceType::$rt;
            fn id(&self) -> &str {
                let $s = self;
                $id
            }
            fn owner_account(&self) -> Option<&str> {
                let $o = self;
                $owner
            }
            fn scope_mut(&mut self) -> &mut Scope {
                &mut self.scope
            }
            fn table(snapshot: &mut Snapshot) -> &mut BTreeMap<String, Self> {
                &mut snapshot.$table
            }
        }
    };
}
// The compute tables (`load/compute.rs`) register with the same macro.
pub(crate) use resource;

resource!(Vpc, Vpc, vpcs, |s| &s.vpc_id, |o| o.owner_id.as_deref());
resource!(Subnet, Subnet, subnets, |s| &s.subnet_id, |o| o
    .owner_id
    .as_deref());
resource!(
    RouteTable,
    RouteTable,
    route_tables,
    |s| &s.route_table_id,
    |o| o.owner_id.as_deref()
);
resource!(
    NetworkAcl,
    NetworkAcl,
    network_acls,
    |s| &s.network_acl_id,
    |o| o.owner_id.as_deref()
);
resource!(
    SecurityGroup,
    SecurityGroup,
    security_groups,
    |s| &s.group_id,
    |o| o.owner_id.as_deref()
);
resource!(
    SecurityGroupRule,
    SecurityGroupRule,
    security_group_rules,
    |s| &s.security_group_rule_id,
    |o| o.group_owner_id.as_deref()
);
resource!(
    NetworkInterface,
    NetworkInterface,
    network_interfaces,
    |s| &s.network_interface_id,
    |o| o.owner_id.as_deref()
);
resource!(Instance, Instance, instances, |s| &s.instance_id, |o| o
    .owner_id
    .as_deref());
resource!(
    Address,
    Eip,
    addresses,
    |s| s
        .allocation_id
        .as_deref()
        .or(s.public_ip.as_deref())
        .unwrap_or(""),
    |_o| None
);
resource!(
    InternetGateway,
    InternetGateway,
    internet_gateways,
    |s| &s.internet_gateway_id,
    |o| o.owner_id.as_deref()
);
resource!(
    EgressOnlyInternetGateway,
    EgressOnlyInternetGateway,
    egress_only_internet_gateways,
    |s| &s.egress_only_internet_gateway_id,
    |_o| None
);
resource!(
    NatGateway,
    NatGateway,
    nat_gateways,
    |s| &s.nat_gateway_id,
    |_o| None
);
impl Resource for PrefixList {
    const TYPE: ResourceType = ResourceType::PrefixList;
    fn id(&self) -> &str {
        &self.prefix_list_id
    }
    fn owner_account(&self) -> Option<&str> {
        self.owner_id.as_deref()
    }
    fn scope_mut(&mut self) -> &mut Scope {
        &mut self.scope
    }
    /// `describe-prefix-lists` (with `Cidrs`) and `describe-managed-prefix-lists` (with the
    /// metadata) both list the AWS-service prefix lists: one record completes the other.
    fn absorb_duplicate(&mut self, other: Self) -> bool {
        self.prefix_list_name = self.prefix_list_name.take().or(other.prefix_list_name);
        self.address_family = self.address_family.take().or(other.address_family);
        self.max_entries = self.max_entries.or(other.max_entries);
        self.owner_id = self.owner_id.take().or(other.owner_id);
        self.state = self.state.take().or(other.state);
        let known: std::collections::HashSet<String> = self.cidrs.iter().cloned().collect();
        self.cidrs
            .extend(other.cidrs.into_iter().filter(|c| !known.contains(c)));
        self.merge_entries(other.entries);
        if self.tags.is_empty() {
            self.tags = other.tags;
        }
        true
    }
    fn table(snapshot: &mut Snapshot) -> &mut BTreeMap<String, Self> {
        &mut snapshot.prefix_lists
    }
}
resource!(
    VpcPeeringConnection,
    VpcPeeringConnection,
    vpc_peering_connections,
    |s| &s.vpc_peering_connection_id,
    |_o| None
);
resource!(
    VpnGateway,
    VpnGateway,
    vpn_gateways,
    |s| &s.vpn_gateway_id,
    |_o| None
);
resource!(
    VpnConnection,
    VpnConnection,
    vpn_connections,
    |s| &s.vpn_connection_id,
    |_o| None
);
resource!(
    CustomerGateway,
    CustomerGateway,
    customer_gateways,
    |s| &s.customer_gateway_id,
    |_o| None
);
resource!(
    TransitGateway,
    TransitGateway,
    transit_gateways,
    |s| &s.transit_gateway_id,
    |o| o.owner_id.as_deref()
);
resource!(
    TransitGatewayAttachment,
    TransitGatewayAttachment,
    transit_gateway_attachments,
    |s| &s.transit_gateway_attachment_id,
    // `ResourceOwnerId` names the owner of the attached VPC, and both the transit
    // gateway's account and the VPC's account list the attachment: the record does not
    // say whose snapshot it is in, so it takes the snapshot's account.
    |_o| None
);
resource!(
    TransitGatewayRouteTable,
    TransitGatewayRouteTable,
    transit_gateway_route_tables,
    |s| &s.transit_gateway_route_table_id,
    |_o| None
);
resource!(
    VpcEndpoint,
    VpcEndpoint,
    vpc_endpoints,
    |s| &s.vpc_endpoint_id,
    |_o| None
);
/// Direct Connect gateways and their associations are global: `kensa collect` (like
/// the AWS CLI) sees the same ones from every region, so a record equal to the first
/// but for its region is the same resource, not a duplicate.
macro_rules! global_resource {
    ($ty:ty, $rt:ident, $table:ident, |$s:ident| $id:expr, |$o:ident| $owner:expr) => {
        impl Resource for $ty {
            const TYPE: ResourceType = ResourceType::$rt;
            fn id(&self) -> &str {
                let $s = self;
                $id
            }
            fn owner_account(&self) -> Option<&str> {
                let $o = self;
                $owner
            }
            fn scope_mut(&mut self) -> &mut Scope {
                &mut self.scope
            }
            fn absorb_duplicate(&mut self, other: Self) -> bool {
                let other = Self {
                    scope: self.scope.clone(),
                    ..other
                };
                *self == other
            }
            fn table(snapshot: &mut Snapshot) -> &mut BTreeMap<String, Self> {
                &mut snapshot.$table
            }
        }
    };
}
global_resource!(
    DirectConnectGateway,
    DirectConnectGateway,
    direct_connect_gateways,
    |s| &s.direct_connect_gateway_id,
    |o| o.owner_account.as_deref()
);
global_resource!(
    DirectConnectGatewayAssociation,
    DirectConnectGatewayAssociation,
    direct_connect_gateway_associations,
    |s| &s.association_id,
    |_o| None
);
resource!(
    VirtualInterface,
    DirectConnectVirtualInterface,
    virtual_interfaces,
    |s| &s.virtual_interface_id,
    |o| o.owner_account.as_deref()
);
resource!(
    LoadBalancer,
    Elbv2LoadBalancer,
    load_balancers,
    |s| &s.load_balancer_arn,
    |o| arn_account(&o.load_balancer_arn)
);
resource!(
    Listener,
    Elbv2Listener,
    listeners,
    |s| &s.listener_arn,
    |o| arn_account(&o.listener_arn)
);
resource!(
    TargetGroup,
    Elbv2TargetGroup,
    target_groups,
    |s| &s.target_group_arn,
    |o| arn_account(&o.target_group_arn)
);
resource!(
    ClassicLoadBalancer,
    ElbLoadBalancer,
    classic_load_balancers,
    |s| &s.load_balancer_name,
    |_o| None
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arn_account_is_the_fifth_field() {
        assert_eq!(
            arn_account("arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/x/1"),
            Some("111122223333")
        );
        assert_eq!(arn_account("arn:aws:s3:::bucket"), None);
        assert_eq!(arn_account("not-an-arn"), None);
    }
}
