//! What the loader needs to know about each top-level resource type: its id, the account
//! its record names, where its scope lives and which snapshot table it goes into.
use std::collections::BTreeMap;

use serde::de::DeserializeOwned;

use crate::ec2::{NetworkAcl, RouteTable, SecurityGroup, SecurityGroupRule, Subnet, Vpc};
use crate::elb::{ClassicLoadBalancer, Listener, LoadBalancer, TargetGroup};
use crate::gateway::{EgressOnlyInternetGateway, InternetGateway, NatGateway, PrefixList};
use crate::instance::{Address, Instance, NetworkInterface};
use crate::snapshot::{Scope, Snapshot};
use crate::transit::{
    CustomerGateway, TransitGateway, TransitGatewayAttachment, TransitGatewayRouteTable,
    VpcEndpoint, VpcPeeringConnection, VpnConnection, VpnGateway,
};

pub(crate) trait Resource: DeserializeOwned + 'static {
    /// Human name of the kind, for warnings ("security group").
    const KIND: &'static str;
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
    ($ty:ty, $kind:literal, $table:ident, |$s:ident| $id:expr, |$o:ident| $owner:expr) => {
        impl Resource for $ty {
            const KIND: &'static str = $kind;
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

resource!(Vpc, "VPC", vpcs, |s| &s.vpc_id, |o| o.owner_id.as_deref());
resource!(Subnet, "subnet", subnets, |s| &s.subnet_id, |o| o
    .owner_id
    .as_deref());
resource!(
    RouteTable,
    "route table",
    route_tables,
    |s| &s.route_table_id,
    |o| o.owner_id.as_deref()
);
resource!(
    NetworkAcl,
    "network ACL",
    network_acls,
    |s| &s.network_acl_id,
    |o| o.owner_id.as_deref()
);
resource!(
    SecurityGroup,
    "security group",
    security_groups,
    |s| &s.group_id,
    |o| o.owner_id.as_deref()
);
resource!(
    SecurityGroupRule,
    "security group rule",
    security_group_rules,
    |s| &s.security_group_rule_id,
    |o| o.group_owner_id.as_deref()
);
resource!(
    NetworkInterface,
    "network interface",
    network_interfaces,
    |s| &s.network_interface_id,
    |o| o.owner_id.as_deref()
);
resource!(Instance, "instance", instances, |s| &s.instance_id, |o| o
    .owner_id
    .as_deref());
resource!(
    Address,
    "Elastic IP",
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
    "internet gateway",
    internet_gateways,
    |s| &s.internet_gateway_id,
    |o| o.owner_id.as_deref()
);
resource!(
    EgressOnlyInternetGateway,
    "egress-only internet gateway",
    egress_only_internet_gateways,
    |s| &s.egress_only_internet_gateway_id,
    |_o| None
);
resource!(
    NatGateway,
    "NAT gateway",
    nat_gateways,
    |s| &s.nat_gateway_id,
    |_o| None
);
impl Resource for PrefixList {
    const KIND: &'static str = "prefix list";
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
        for cidr in other.cidrs {
            if !self.cidrs.contains(&cidr) {
                self.cidrs.push(cidr);
            }
        }
        for entry in other.entries {
            if !self.entries.iter().any(|e| e.cidr == entry.cidr) {
                self.entries.push(entry);
            }
        }
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
    "VPC peering connection",
    vpc_peering_connections,
    |s| &s.vpc_peering_connection_id,
    |_o| None
);
resource!(
    VpnGateway,
    "VPN gateway",
    vpn_gateways,
    |s| &s.vpn_gateway_id,
    |_o| None
);
resource!(
    VpnConnection,
    "VPN connection",
    vpn_connections,
    |s| &s.vpn_connection_id,
    |_o| None
);
resource!(
    CustomerGateway,
    "customer gateway",
    customer_gateways,
    |s| &s.customer_gateway_id,
    |_o| None
);
resource!(
    TransitGateway,
    "transit gateway",
    transit_gateways,
    |s| &s.transit_gateway_id,
    |o| o.owner_id.as_deref()
);
resource!(
    TransitGatewayAttachment,
    "transit gateway attachment",
    transit_gateway_attachments,
    |s| &s.transit_gateway_attachment_id,
    |o| o.resource_owner_id.as_deref()
);
resource!(
    TransitGatewayRouteTable,
    "transit gateway route table",
    transit_gateway_route_tables,
    |s| &s.transit_gateway_route_table_id,
    |_o| None
);
resource!(
    VpcEndpoint,
    "VPC endpoint",
    vpc_endpoints,
    |s| &s.vpc_endpoint_id,
    |_o| None
);
resource!(
    LoadBalancer,
    "load balancer",
    load_balancers,
    |s| &s.load_balancer_arn,
    |o| arn_account(&o.load_balancer_arn)
);
resource!(Listener, "listener", listeners, |s| &s.listener_arn, |o| {
    arn_account(&o.listener_arn)
});
resource!(
    TargetGroup,
    "target group",
    target_groups,
    |s| &s.target_group_arn,
    |o| arn_account(&o.target_group_arn)
);
resource!(
    ClassicLoadBalancer,
    "classic load balancer",
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
