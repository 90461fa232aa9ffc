//! Why a path stops, or why kensa cannot tell: explanation codes in the spirit of VPC
//! Reachability Analyzer's (the same names where Reachability Analyzer has the code),
//! plus the codes it lacks.
//!
//! A [`BlockCode`] is either *blocking* (the packet is dropped there: the verdict is
//! `blocked`) or *indeterminate* (the packet reaches a component kensa does not
//! evaluate, or one the snapshot does not describe: the verdict is `indeterminate`,
//! never `blocked`, never "safe").
use serde::{Deserialize, Serialize};

/// Why a path stops at a component (blocking), or why kensa cannot tell (indeterminate);
/// serialised in Reachability Analyzer's SCREAMING_SNAKE_CASE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BlockCode {
    /// No security group rule of the ENI (or load balancer) admits the packet.
    EniSgRulesMismatch,
    /// The subnet's network ACL denies the request or its reply.
    SubnetAclRestriction,
    /// The route back to the source does not lead to an internet gateway.
    NoRouteToIgw,
    /// No route matches the address in this route table.
    NoRouteToDestination,
    /// The route matches, but in state `blackhole`.
    BlackholeRoute,
    /// The destination has no public IPv4 (or global IPv6) address for the Internet.
    IgwPrivateIpAssociationForIngress,
    /// The internet gateway is not attached to the destination's VPC.
    IgwNotAttachedToVpc,
    /// The source address is one the Internet never delivers (private, shared,
    /// loopback, link-local, multicast, reserved, or owned by the account).
    SourceNotPublic,
    /// The destination sent to an internet gateway is not a public address.
    DestinationNotPublic,
    /// The peering connection is not `active`.
    BadStateVpcPeering,
    /// The transit gateway attachment is not `available`.
    BadStateAttachment,
    /// The transit gateway attachment is associated with no route table.
    TgwAttachStableRouteTableNotFound,
    /// The VPC attachment has no subnet in the Availability Zone of the sending subnet,
    /// so it carries none of that zone's traffic.
    TgwAttachNoSubnetInAz,
    /// The destination VPC's route table has no route back to the transit gateway (or
    /// peering) the packet came through.
    NoReturnRoute,
    /// The load balancer has no listener on the port.
    ElbListenerPortRestriction,
    /// The listener forwards to no target.
    NoTargets,
    /// A registered target is not in the snapshot.
    TargetNotFound,
    /// The VPC address is outside the allowed prefixes of the Direct Connect gateway
    /// association, so it is never announced on-premises (kensa's own).
    DxAllowedPrefixesMismatch,
    /// The address is routed into a subnet but owned by no interface (kensa's own).
    AddressNotOwned,
    /// The address is inside a VPC's CIDR but in none of its subnets (kensa's own).
    AddressInNoSubnet,
    /// Indeterminate: a route sends the packet to an appliance whose rules kensa does
    /// not evaluate (Gateway Load Balancer endpoint, Network Firewall endpoint).
    UnevaluatedAppliance,
    /// Indeterminate: a route target kensa does not know.
    UnknownRouteTarget,
    /// Indeterminate: the route on-premises depends on BGP routes announced by the
    /// customer gateway or router, which the snapshot does not hold (kensa's own).
    BgpRoutesUnknown,
    /// Indeterminate: a component on the path is referenced but not in the snapshot
    /// (security group, route table, network ACL, gateway, attachment).
    ComponentNotInSnapshot,
}

impl BlockCode {
    /// Whether the code leaves the verdict open instead of blocking the packet.
    pub fn is_indeterminate(self) -> bool {
        matches!(
            self,
            BlockCode::UnevaluatedAppliance
                | BlockCode::UnknownRouteTarget
                | BlockCode::ComponentNotInSnapshot
                | BlockCode::BgpRoutesUnknown
        )
    }

    /// The code as printed (`ENI_SG_RULES_MISMATCH`, ...).
    pub fn as_str(self) -> &'static str {
        use BlockCode::*;
        match self {
            EniSgRulesMismatch => "ENI_SG_RULES_MISMATCH",
            SubnetAclRestriction => "SUBNET_ACL_RESTRICTION",
            NoRouteToIgw => "NO_ROUTE_TO_IGW",
            NoRouteToDestination => "NO_ROUTE_TO_DESTINATION",
            BlackholeRoute => "BLACKHOLE_ROUTE",
            IgwPrivateIpAssociationForIngress => "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
            IgwNotAttachedToVpc => "IGW_NOT_ATTACHED_TO_VPC",
            SourceNotPublic => "SOURCE_NOT_PUBLIC",
            DestinationNotPublic => "DESTINATION_NOT_PUBLIC",
            BadStateVpcPeering => "BAD_STATE_VPC_PEERING",
            BadStateAttachment => "BAD_STATE_ATTACHMENT",
            TgwAttachStableRouteTableNotFound => "TGW_ATTACH_STABLE_ROUTE_TABLE_NOT_FOUND",
            TgwAttachNoSubnetInAz => "TGW_ATTACH_NO_SUBNET_IN_AZ",
            NoReturnRoute => "NO_RETURN_ROUTE",
            ElbListenerPortRestriction => "ELB_LISTENER_PORT_RESTRICTION",
            NoTargets => "NO_TARGETS",
            TargetNotFound => "TARGET_NOT_FOUND",
            DxAllowedPrefixesMismatch => "DX_ALLOWED_PREFIXES_MISMATCH",
            AddressNotOwned => "ADDRESS_NOT_OWNED",
            AddressInNoSubnet => "ADDRESS_IN_NO_SUBNET",
            UnevaluatedAppliance => "UNEVALUATED_APPLIANCE",
            UnknownRouteTarget => "UNKNOWN_ROUTE_TARGET",
            ComponentNotInSnapshot => "COMPONENT_NOT_IN_SNAPSHOT",
            BgpRoutesUnknown => "BGP_ROUTES_UNKNOWN",
        }
    }
}

impl std::fmt::Display for BlockCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for BlockCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_name_is_the_printed_code() {
        for c in [
            BlockCode::EniSgRulesMismatch,
            BlockCode::TgwAttachStableRouteTableNotFound,
            BlockCode::IgwPrivateIpAssociationForIngress,
            BlockCode::ComponentNotInSnapshot,
        ] {
            assert_eq!(
                serde_json::to_string(&c).unwrap(),
                format!("\"{}\"", c.as_str())
            );
        }
        assert!(BlockCode::UnevaluatedAppliance.is_indeterminate());
        assert!(!BlockCode::BlackholeRoute.is_indeterminate());
    }
}
