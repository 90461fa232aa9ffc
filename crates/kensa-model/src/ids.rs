//! EC2 resource ids classified by their prefix, in one place.
//!
//! AWS ids say what they name (`sg-…`, `vpce-…`, `tgw-attach-…`). Code that needs to
//! know what a route target or a reference is asks [`IdKind::detect`] rather than
//! splitting strings itself, and the loader rejects a record whose own id has the wrong
//! prefix (a `GroupId` that is not `sg-…` is damaged input, not a security group).
use crate::resource_type::ResourceType;

/// What an id names, by its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdKind {
    /// `vpc-…`: a VPC.
    Vpc,
    /// `subnet-…`: a subnet.
    Subnet,
    /// `rtb-…`: a route table.
    RouteTable,
    /// `acl-…`: a network ACL.
    NetworkAcl,
    /// `sg-…`: a security group.
    SecurityGroup,
    /// `sgr-…`: a security group rule.
    SecurityGroupRule,
    /// `eni-…`: a network interface.
    NetworkInterface,
    /// `i-…`: an instance.
    Instance,
    /// `eipalloc-…`: an Elastic IP allocation.
    EipAllocation,
    /// `igw-…`: an internet gateway.
    InternetGateway,
    /// `eigw-…`: an egress-only internet gateway.
    EgressOnlyInternetGateway,
    /// `nat-…`: a NAT gateway.
    NatGateway,
    /// `pl-…`: a prefix list.
    PrefixList,
    /// `pcx-…`: a VPC peering connection.
    VpcPeeringConnection,
    /// `vgw-…`: a VPN gateway.
    VpnGateway,
    /// `vpn-…`: a VPN connection.
    VpnConnection,
    /// `cgw-…`: a customer gateway.
    CustomerGateway,
    /// `tgw-…`: a transit gateway.
    TransitGateway,
    /// `tgw-attach-…`: a transit gateway attachment.
    TransitGatewayAttachment,
    /// `tgw-rtb-…`: a transit gateway route table.
    TransitGatewayRouteTable,
    /// `vpce-…`: a VPC endpoint.
    VpcEndpoint,
    /// `vol-…`: an EBS volume.
    Volume,
    /// `snap-…`: an EBS snapshot.
    EbsSnapshot,
    /// `ami-…`: an AMI.
    Image,
    /// `lt-…`: a launch template.
    LaunchTemplate,
    /// `fl-…`: a flow log.
    FlowLog,
    /// `cagw-…`: a carrier gateway.
    CarrierGateway,
    /// `lgw-…`: a local gateway.
    LocalGateway,
    /// `local`: the VPC's own route.
    Local,
}

/// Longest prefixes first, so `tgw-attach-` wins over `tgw-`.
const PREFIXES: &[(&str, IdKind)] = &[
    ("tgw-attach-", IdKind::TransitGatewayAttachment),
    ("tgw-rtb-", IdKind::TransitGatewayRouteTable),
    ("eipalloc-", IdKind::EipAllocation),
    ("subnet-", IdKind::Subnet),
    ("eigw-", IdKind::EgressOnlyInternetGateway),
    ("vpce-", IdKind::VpcEndpoint),
    ("snap-", IdKind::EbsSnapshot),
    ("cagw-", IdKind::CarrierGateway),
    ("lgw-", IdKind::LocalGateway),
    ("vpc-", IdKind::Vpc),
    ("rtb-", IdKind::RouteTable),
    ("acl-", IdKind::NetworkAcl),
    ("sgr-", IdKind::SecurityGroupRule),
    ("eni-", IdKind::NetworkInterface),
    ("igw-", IdKind::InternetGateway),
    ("nat-", IdKind::NatGateway),
    ("pcx-", IdKind::VpcPeeringConnection),
    ("vgw-", IdKind::VpnGateway),
    ("vpn-", IdKind::VpnConnection),
    ("cgw-", IdKind::CustomerGateway),
    ("tgw-", IdKind::TransitGateway),
    ("vol-", IdKind::Volume),
    ("ami-", IdKind::Image),
    ("lt-", IdKind::LaunchTemplate),
    ("fl-", IdKind::FlowLog),
    ("sg-", IdKind::SecurityGroup),
    ("pl-", IdKind::PrefixList),
    ("i-", IdKind::Instance),
];

impl IdKind {
    /// The kind an id's prefix says, or `None` for an id of no known kind.
    pub fn detect(id: &str) -> Option<IdKind> {
        if id == "local" {
            return Some(IdKind::Local);
        }
        // The first byte rules out most prefixes without a string compare (every record's
        // id is checked on load).
        let first = *id.as_bytes().first()?;
        PREFIXES
            .iter()
            .find(|(prefix, _)| {
                prefix.as_bytes()[0] == first && id.len() > prefix.len() && id.starts_with(prefix)
            })
            .map(|&(_, kind)| kind)
    }

    /// Whether `id` is an id of this kind: `IdKind::Vpc.matches("vpc-1")`, and
    /// `IdKind::TransitGateway.matches("tgw-attach-1")` is false.
    pub fn matches(self, id: &str) -> bool {
        IdKind::detect(id) == Some(self)
    }

    /// The prefix ids of this kind start with (`"sg-"`); `local` for [`IdKind::Local`].
    pub fn prefix(self) -> &'static str {
        if self == IdKind::Local {
            return "local";
        }
        PREFIXES
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("", |&(p, _)| p)
    }

    /// The id kind of a resource type's primary id, where the id has a fixed prefix.
    pub fn of(resource: ResourceType) -> Option<IdKind> {
        use ResourceType as R;
        Some(match resource {
            R::Vpc => IdKind::Vpc,
            R::Subnet => IdKind::Subnet,
            R::RouteTable => IdKind::RouteTable,
            R::NetworkAcl => IdKind::NetworkAcl,
            R::SecurityGroup => IdKind::SecurityGroup,
            R::SecurityGroupRule => IdKind::SecurityGroupRule,
            R::NetworkInterface => IdKind::NetworkInterface,
            R::Instance => IdKind::Instance,
            R::InternetGateway => IdKind::InternetGateway,
            R::EgressOnlyInternetGateway => IdKind::EgressOnlyInternetGateway,
            R::NatGateway => IdKind::NatGateway,
            R::VpcPeeringConnection => IdKind::VpcPeeringConnection,
            R::VpnGateway => IdKind::VpnGateway,
            R::VpnConnection => IdKind::VpnConnection,
            R::CustomerGateway => IdKind::CustomerGateway,
            R::TransitGateway => IdKind::TransitGateway,
            R::TransitGatewayAttachment => IdKind::TransitGatewayAttachment,
            R::TransitGatewayRouteTable => IdKind::TransitGatewayRouteTable,
            R::VpcEndpoint => IdKind::VpcEndpoint,
            R::Volume => IdKind::Volume,
            R::EbsSnapshot => IdKind::EbsSnapshot,
            R::Image => IdKind::Image,
            R::LaunchTemplate => IdKind::LaunchTemplate,
            R::FlowLog => IdKind::FlowLog,
            // Prefix lists are `pl-` but AWS-managed ones are named too; ELB resources are
            // ARNs and names; EIPs are keyed by allocation id or address.
            R::PrefixList
            | R::Eip
            | R::Elbv2LoadBalancer
            | R::Elbv2Listener
            | R::Elbv2TargetGroup
            | R::ElbLoadBalancer
            | R::LaunchTemplateVersion
            | R::DirectConnectGateway
            | R::DirectConnectGatewayAssociation
            | R::DirectConnectVirtualInterface
            | R::Account => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_classify_ids() {
        assert_eq!(
            IdKind::detect("tgw-attach-0a1"),
            Some(IdKind::TransitGatewayAttachment)
        );
        assert_eq!(IdKind::detect("tgw-0a1"), Some(IdKind::TransitGateway));
        assert_eq!(IdKind::detect("vpce-1"), Some(IdKind::VpcEndpoint));
        assert_eq!(IdKind::detect("vpc-1"), Some(IdKind::Vpc));
        assert_eq!(IdKind::detect("sgr-1"), Some(IdKind::SecurityGroupRule));
        assert_eq!(IdKind::detect("sg-1"), Some(IdKind::SecurityGroup));
        assert_eq!(IdKind::detect("local"), Some(IdKind::Local));
        assert_eq!(IdKind::detect("sg-"), None);
        assert_eq!(IdKind::detect("web"), None);
        assert!(IdKind::Vpc.matches("vpc-1"));
        assert!(!IdKind::Vpc.matches("vpce-1"));
        assert!(!IdKind::TransitGateway.matches("tgw-attach-1"));
        for &(prefix, kind) in PREFIXES {
            assert_eq!(kind.prefix(), prefix);
            assert_eq!(
                IdKind::detect(&format!("{prefix}0")),
                Some(kind),
                "{prefix}"
            );
        }
    }
}
