//! `peering-route-too-broad`: Ensure routing tables for VPC peering are "least access".
use kensa_model::{Severity, ResourceType};

use crate::eval::network;

crate::check! {
    /// ## What it checks
    /// Route tables with a route to a VPC peering connection whose destination is broader than
    /// the peer VPC's CIDR blocks (or is a default route). CIS marks this control manual: kensa
    /// checks the part that can be decided from configuration; routes exactly as wide as the
    /// peer VPC pass and may still deserve review.
    ///
    /// ## Why it matters
    /// A peering route wider than needed lets every subnet reach every subnet of the peer; a
    /// too-broad destination can also capture traffic meant for other networks.
    ///
    /// ## Remediation
    /// Replace the route with routes to the specific peer subnets that need to be reached: `aws
    /// ec2 delete-route` / `create-route --vpc-peering-connection-id`.
    pub const CHECK: Check = Check {
        name: "peering-route-too-broad",
        title: "Ensure routing tables for VPC peering are \"least access\"",
        severity: Severity::Low,
        resource_type: ResourceType::RouteTable,
        params: &[],
        evaluate: |ctx, _| network::peering_least_access(ctx),
        restricted_ports: None,
        fix: None,
        fixtures_fail: &[include_str!("../../fixtures/peering-route-broad.json")],
        fixtures_pass: &[include_str!("../../fixtures/peering-route-narrow.json")],
    };
}
