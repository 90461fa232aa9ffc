//! The kinds of resource a snapshot holds, with the names other tools give them.
//!
//! One enum for the whole workspace: Security Hub (ASFF) names go into findings, the
//! CloudFormation names into remediation templates, the human names into messages. A new
//! kind is one variant here and one row in each `match` below (they are exhaustive, so the
//! compiler lists what to fill in).
use std::fmt;

use serde::{Deserialize, Serialize};

/// A kind of AWS resource kensa reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ResourceType {
    /// A VPC (`Vpcs`, Security Hub `AwsEc2Vpc`, CloudFormation `AWS::EC2::VPC`).
    Vpc,
    /// A subnet (`Subnets`, Security Hub `AwsEc2Subnet`, CloudFormation `AWS::EC2::Subnet`).
    Subnet,
    /// A route table (`RouteTables`, Security Hub `AwsEc2RouteTable`, CloudFormation
    /// `AWS::EC2::RouteTable`).
    RouteTable,
    /// A network ACL (`NetworkAcls`, Security Hub `AwsEc2NetworkAcl`, CloudFormation
    /// `AWS::EC2::NetworkAcl`).
    NetworkAcl,
    /// A security group (`SecurityGroups`, Security Hub `AwsEc2SecurityGroup`, CloudFormation
    /// `AWS::EC2::SecurityGroup`).
    SecurityGroup,
    /// A security group rule (`SecurityGroupRules`, Security Hub `AwsEc2SecurityGroupRule`,
    /// CloudFormation `AWS::EC2::SecurityGroupIngress`).
    SecurityGroupRule,
    /// A network interface (`NetworkInterfaces`, Security Hub `AwsEc2NetworkInterface`,
    /// CloudFormation `AWS::EC2::NetworkInterface`).
    NetworkInterface,
    /// An instance (`Reservations`, Security Hub `AwsEc2Instance`, CloudFormation
    /// `AWS::EC2::Instance`).
    Instance,
    /// An Elastic IP (`Addresses`, Security Hub `AwsEc2Eip`, CloudFormation `AWS::EC2::EIP`).
    Eip,
    /// An internet gateway (`InternetGateways`, Security Hub `AwsEc2InternetGateway`,
    /// CloudFormation `AWS::EC2::InternetGateway`).
    InternetGateway,
    /// An egress-only internet gateway (`EgressOnlyInternetGateways`, Security Hub
    /// `AwsEc2EgressOnlyInternetGateway`, CloudFormation `AWS::EC2::EgressOnlyInternetGateway`).
    EgressOnlyInternetGateway,
    /// A NAT gateway (`NatGateways`, Security Hub `AwsEc2NatGateway`, CloudFormation
    /// `AWS::EC2::NatGateway`).
    NatGateway,
    /// A prefix list (`PrefixLists`, Security Hub `AwsEc2PrefixList`, CloudFormation
    /// `AWS::EC2::PrefixList`).
    PrefixList,
    /// A VPC peering connection (`VpcPeeringConnections`, Security Hub
    /// `AwsEc2VpcPeeringConnection`, CloudFormation `AWS::EC2::VPCPeeringConnection`).
    VpcPeeringConnection,
    /// A VPN gateway (`VpnGateways`, Security Hub `AwsEc2VpnGateway`, CloudFormation
    /// `AWS::EC2::VPNGateway`).
    VpnGateway,
    /// A VPN connection (`VpnConnections`, Security Hub `AwsEc2VpnConnection`, CloudFormation
    /// `AWS::EC2::VPNConnection`).
    VpnConnection,
    /// A customer gateway (`CustomerGateways`, Security Hub `AwsEc2CustomerGateway`, CloudFormation
    /// `AWS::EC2::CustomerGateway`).
    CustomerGateway,
    /// A transit gateway (`TransitGateways`, Security Hub `AwsEc2TransitGateway`, CloudFormation
    /// `AWS::EC2::TransitGateway`).
    TransitGateway,
    /// A transit gateway attachment (`TransitGatewayAttachments`, Security Hub
    /// `AwsEc2TransitGatewayAttachment`, CloudFormation `AWS::EC2::TransitGatewayAttachment`).
    TransitGatewayAttachment,
    /// A transit gateway route table (`TransitGatewayRouteTables`, Security Hub
    /// `AwsEc2TransitGatewayRouteTable`, CloudFormation `AWS::EC2::TransitGatewayRouteTable`).
    TransitGatewayRouteTable,
    /// A VPC endpoint (`VpcEndpoints`, Security Hub `AwsEc2VpcEndpoint`, CloudFormation
    /// `AWS::EC2::VPCEndpoint`).
    VpcEndpoint,
    /// A Direct Connect gateway (`directConnectGateways`, Security Hub `AwsDirectConnectGateway`,
    /// CloudFormation `AWS::DirectConnect::DirectConnectGateway`).
    DirectConnectGateway,
    /// A Direct Connect gateway association (`directConnectGatewayAssociations`, Security Hub
    /// `AwsDirectConnectGatewayAssociation`).
    DirectConnectGatewayAssociation,
    /// A Direct Connect virtual interface (`virtualInterfaces`, Security Hub
    /// `AwsDirectConnectVirtualInterface`, CloudFormation
    /// `AWS::DirectConnect::PrivateVirtualInterface`).
    DirectConnectVirtualInterface,
    /// A load balancer (`LoadBalancers`, Security Hub `AwsElbv2LoadBalancer`, CloudFormation
    /// `AWS::ElasticLoadBalancingV2::LoadBalancer`).
    Elbv2LoadBalancer,
    /// A listener (`Listeners`, Security Hub `AwsElbv2Listener`, CloudFormation
    /// `AWS::ElasticLoadBalancingV2::Listener`).
    Elbv2Listener,
    /// A target group (`TargetGroups`, Security Hub `AwsElbv2TargetGroup`, CloudFormation
    /// `AWS::ElasticLoadBalancingV2::TargetGroup`).
    Elbv2TargetGroup,
    /// A classic load balancer (`LoadBalancerDescriptions`, Security Hub `AwsElbLoadBalancer`,
    /// CloudFormation `AWS::ElasticLoadBalancing::LoadBalancer`).
    ElbLoadBalancer,
    /// An EBS volume (`Volumes`, Security Hub `AwsEc2Volume`, CloudFormation `AWS::EC2::Volume`).
    Volume,
    /// An EBS snapshot (`Snapshots`, Security Hub `AwsEc2Snapshot`).
    EbsSnapshot,
    /// An AMI (`Images`, Security Hub `AwsEc2Image`).
    Image,
    /// A launch template (`LaunchTemplates`, Security Hub `AwsEc2LaunchTemplate`, CloudFormation
    /// `AWS::EC2::LaunchTemplate`).
    LaunchTemplate,
    /// A launch template version (`LaunchTemplateVersions`, Security Hub
    /// `AwsEc2LaunchTemplateVersion`).
    LaunchTemplateVersion,
    /// A flow log (`FlowLogs`, Security Hub `AwsEc2FlowLog`, CloudFormation `AWS::EC2::FlowLog`).
    FlowLog,
    /// An account setting (`EbsEncryptionByDefault`, Security Hub `AwsAccount`).
    Account,
}

impl ResourceType {
    /// Every kind, in declaration order.
    pub const ALL: &'static [ResourceType] = &[
        ResourceType::Vpc,
        ResourceType::Subnet,
        ResourceType::RouteTable,
        ResourceType::NetworkAcl,
        ResourceType::SecurityGroup,
        ResourceType::SecurityGroupRule,
        ResourceType::NetworkInterface,
        ResourceType::Instance,
        ResourceType::Eip,
        ResourceType::InternetGateway,
        ResourceType::EgressOnlyInternetGateway,
        ResourceType::NatGateway,
        ResourceType::PrefixList,
        ResourceType::VpcPeeringConnection,
        ResourceType::VpnGateway,
        ResourceType::VpnConnection,
        ResourceType::CustomerGateway,
        ResourceType::TransitGateway,
        ResourceType::TransitGatewayAttachment,
        ResourceType::TransitGatewayRouteTable,
        ResourceType::VpcEndpoint,
        ResourceType::DirectConnectGateway,
        ResourceType::DirectConnectGatewayAssociation,
        ResourceType::DirectConnectVirtualInterface,
        ResourceType::Elbv2LoadBalancer,
        ResourceType::Elbv2Listener,
        ResourceType::Elbv2TargetGroup,
        ResourceType::ElbLoadBalancer,
        ResourceType::Volume,
        ResourceType::EbsSnapshot,
        ResourceType::Image,
        ResourceType::LaunchTemplate,
        ResourceType::LaunchTemplateVersion,
        ResourceType::FlowLog,
        ResourceType::Account,
    ];

    /// The Security Hub (ASFF) `Resources[].Type`; kensa's findings use it. Kinds ASFF
    /// has no name for get an `AwsEc2…`-style name of the same pattern.
    pub fn asff_name(self) -> &'static str {
        use ResourceType::*;
        match self {
            Vpc => "AwsEc2Vpc",
            Subnet => "AwsEc2Subnet",
            RouteTable => "AwsEc2RouteTable",
            NetworkAcl => "AwsEc2NetworkAcl",
            SecurityGroup => "AwsEc2SecurityGroup",
            SecurityGroupRule => "AwsEc2SecurityGroupRule",
            NetworkInterface => "AwsEc2NetworkInterface",
            Instance => "AwsEc2Instance",
            Eip => "AwsEc2Eip",
            InternetGateway => "AwsEc2InternetGateway",
            EgressOnlyInternetGateway => "AwsEc2EgressOnlyInternetGateway",
            NatGateway => "AwsEc2NatGateway",
            PrefixList => "AwsEc2PrefixList",
            VpcPeeringConnection => "AwsEc2VpcPeeringConnection",
            VpnGateway => "AwsEc2VpnGateway",
            VpnConnection => "AwsEc2VpnConnection",
            CustomerGateway => "AwsEc2CustomerGateway",
            TransitGateway => "AwsEc2TransitGateway",
            TransitGatewayAttachment => "AwsEc2TransitGatewayAttachment",
            TransitGatewayRouteTable => "AwsEc2TransitGatewayRouteTable",
            VpcEndpoint => "AwsEc2VpcEndpoint",
            DirectConnectGateway => "AwsDirectConnectGateway",
            DirectConnectGatewayAssociation => "AwsDirectConnectGatewayAssociation",
            DirectConnectVirtualInterface => "AwsDirectConnectVirtualInterface",
            Elbv2LoadBalancer => "AwsElbv2LoadBalancer",
            Elbv2Listener => "AwsElbv2Listener",
            Elbv2TargetGroup => "AwsElbv2TargetGroup",
            ElbLoadBalancer => "AwsElbLoadBalancer",
            Volume => "AwsEc2Volume",
            EbsSnapshot => "AwsEc2Snapshot",
            Image => "AwsEc2Image",
            LaunchTemplate => "AwsEc2LaunchTemplate",
            LaunchTemplateVersion => "AwsEc2LaunchTemplateVersion",
            FlowLog => "AwsEc2FlowLog",
            Account => "AwsAccount",
        }
    }

    /// The CloudFormation resource type, where CloudFormation has one.
    pub fn cloudformation_name(self) -> Option<&'static str> {
        use ResourceType::*;
        Some(match self {
            Vpc => "AWS::EC2::VPC",
            Subnet => "AWS::EC2::Subnet",
            RouteTable => "AWS::EC2::RouteTable",
            NetworkAcl => "AWS::EC2::NetworkAcl",
            SecurityGroup => "AWS::EC2::SecurityGroup",
            SecurityGroupRule => "AWS::EC2::SecurityGroupIngress",
            NetworkInterface => "AWS::EC2::NetworkInterface",
            Instance => "AWS::EC2::Instance",
            Eip => "AWS::EC2::EIP",
            InternetGateway => "AWS::EC2::InternetGateway",
            EgressOnlyInternetGateway => "AWS::EC2::EgressOnlyInternetGateway",
            NatGateway => "AWS::EC2::NatGateway",
            PrefixList => "AWS::EC2::PrefixList",
            VpcPeeringConnection => "AWS::EC2::VPCPeeringConnection",
            VpnGateway => "AWS::EC2::VPNGateway",
            VpnConnection => "AWS::EC2::VPNConnection",
            CustomerGateway => "AWS::EC2::CustomerGateway",
            TransitGateway => "AWS::EC2::TransitGateway",
            TransitGatewayAttachment => "AWS::EC2::TransitGatewayAttachment",
            TransitGatewayRouteTable => "AWS::EC2::TransitGatewayRouteTable",
            VpcEndpoint => "AWS::EC2::VPCEndpoint",
            Elbv2LoadBalancer => "AWS::ElasticLoadBalancingV2::LoadBalancer",
            Elbv2Listener => "AWS::ElasticLoadBalancingV2::Listener",
            Elbv2TargetGroup => "AWS::ElasticLoadBalancingV2::TargetGroup",
            ElbLoadBalancer => "AWS::ElasticLoadBalancing::LoadBalancer",
            Volume => "AWS::EC2::Volume",
            LaunchTemplate => "AWS::EC2::LaunchTemplate",
            FlowLog => "AWS::EC2::FlowLog",
            DirectConnectGateway => "AWS::DirectConnect::DirectConnectGateway",
            DirectConnectGatewayAssociation => {
                "AWS::DirectConnect::DirectConnectGatewayAssociation"
            }
            DirectConnectVirtualInterface => "AWS::DirectConnect::PrivateVirtualInterface",
            EbsSnapshot | Image | LaunchTemplateVersion | Account => return None,
        })
    }

    /// What messages call it ("security group").
    pub const fn human_name(self) -> &'static str {
        use ResourceType::*;
        match self {
            Vpc => "VPC",
            Subnet => "subnet",
            RouteTable => "route table",
            NetworkAcl => "network ACL",
            SecurityGroup => "security group",
            SecurityGroupRule => "security group rule",
            NetworkInterface => "network interface",
            Instance => "instance",
            Eip => "Elastic IP",
            InternetGateway => "internet gateway",
            EgressOnlyInternetGateway => "egress-only internet gateway",
            NatGateway => "NAT gateway",
            PrefixList => "prefix list",
            VpcPeeringConnection => "VPC peering connection",
            VpnGateway => "VPN gateway",
            VpnConnection => "VPN connection",
            CustomerGateway => "customer gateway",
            TransitGateway => "transit gateway",
            TransitGatewayAttachment => "transit gateway attachment",
            TransitGatewayRouteTable => "transit gateway route table",
            VpcEndpoint => "VPC endpoint",
            DirectConnectGateway => "Direct Connect gateway",
            DirectConnectGatewayAssociation => "Direct Connect gateway association",
            DirectConnectVirtualInterface => "Direct Connect virtual interface",
            Elbv2LoadBalancer => "load balancer",
            Elbv2Listener => "listener",
            Elbv2TargetGroup => "target group",
            ElbLoadBalancer => "classic load balancer",
            Volume => "EBS volume",
            EbsSnapshot => "EBS snapshot",
            Image => "image",
            LaunchTemplate => "launch template",
            LaunchTemplateVersion => "launch template version",
            FlowLog => "flow log",
            Account => "account setting",
        }
    }

    /// The top-level key of the `describe-*` output that lists it (the first, when several).
    pub fn describe_key(self) -> &'static str {
        use ResourceType::*;
        match self {
            Vpc => "Vpcs",
            Subnet => "Subnets",
            RouteTable => "RouteTables",
            NetworkAcl => "NetworkAcls",
            SecurityGroup => "SecurityGroups",
            SecurityGroupRule => "SecurityGroupRules",
            NetworkInterface => "NetworkInterfaces",
            Instance => "Reservations",
            Eip => "Addresses",
            InternetGateway => "InternetGateways",
            EgressOnlyInternetGateway => "EgressOnlyInternetGateways",
            NatGateway => "NatGateways",
            PrefixList => "PrefixLists",
            VpcPeeringConnection => "VpcPeeringConnections",
            VpnGateway => "VpnGateways",
            VpnConnection => "VpnConnections",
            CustomerGateway => "CustomerGateways",
            TransitGateway => "TransitGateways",
            TransitGatewayAttachment => "TransitGatewayAttachments",
            TransitGatewayRouteTable => "TransitGatewayRouteTables",
            VpcEndpoint => "VpcEndpoints",
            DirectConnectGateway => "directConnectGateways",
            DirectConnectGatewayAssociation => "directConnectGatewayAssociations",
            DirectConnectVirtualInterface => "virtualInterfaces",
            Elbv2LoadBalancer => "LoadBalancers",
            Elbv2Listener => "Listeners",
            Elbv2TargetGroup => "TargetGroups",
            ElbLoadBalancer => "LoadBalancerDescriptions",
            Volume => "Volumes",
            EbsSnapshot => "Snapshots",
            Image => "Images",
            LaunchTemplate => "LaunchTemplates",
            LaunchTemplateVersion => "LaunchTemplateVersions",
            FlowLog => "FlowLogs",
            Account => "EbsEncryptionByDefault",
        }
    }

    /// The kind with this ASFF name (see [`ResourceType::asff_name`]).
    pub fn from_asff(name: &str) -> Option<ResourceType> {
        Self::ALL.iter().copied().find(|t| t.asff_name() == name)
    }
}

impl fmt::Display for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.asff_name())
    }
}

impl Serialize for ResourceType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.asff_name())
    }
}

impl<'de> Deserialize<'de> for ResourceType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        ResourceType::from_asff(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown resource type {name}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ALL` is the list the exhaustive matches are iterated by (account attribution,
    /// for one): it must hold every variant, in declaration order.
    #[test]
    fn all_lists_every_variant_in_order() {
        for (i, &t) in ResourceType::ALL.iter().enumerate() {
            assert_eq!(t as usize, i, "{t:?}");
        }
        let last = *ResourceType::ALL.last().unwrap();
        assert_eq!(
            last,
            ResourceType::Account,
            "a new variant goes before Account"
        );
        assert_eq!(ResourceType::Account as usize + 1, ResourceType::ALL.len());
    }

    #[test]
    fn names_are_unique_and_round_trip() {
        let mut seen = std::collections::BTreeSet::new();
        for &t in ResourceType::ALL {
            assert!(seen.insert(t.asff_name()), "{t:?}");
            assert_eq!(ResourceType::from_asff(t.asff_name()), Some(t));
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(serde_json::from_str::<ResourceType>(&json).unwrap(), t);
        }
        assert_eq!(
            ResourceType::SecurityGroup.cloudformation_name(),
            Some("AWS::EC2::SecurityGroup")
        );
    }
}
