//! `eni-source-dest-check-disabled`: EC2 network interfaces should have source/destination checking enabled.
use kensa_model::{Severity, ResourceType};

use crate::eval::network;

crate::check! {
    /// ## What it checks
    /// User-managed network interfaces (type `interface`, not requester-managed) with
    /// `SourceDestCheck = false`.
    ///
    /// ## Why it matters
    /// Without the check an instance can send and receive traffic not addressed to it: it can
    /// act as a router or spoof addresses, which only NAT and appliance instances need.
    ///
    /// ## Remediation
    /// `aws ec2 modify-network-interface-attribute --network-interface-id <id>
    /// --source-dest-check`, unless the instance is a NAT or network appliance (then mute the
    /// finding with a reason).
    pub const CHECK: Check = Check {
        name: "eni-source-dest-check-disabled",
        title: "EC2 network interfaces should have source/destination checking enabled",
        severity: Severity::Medium,
        resource_type: ResourceType::NetworkInterface,
        params: &[],
        evaluate: |ctx, _| network::eni_source_dest_check(ctx),
        restricted_ports: None,
        fix: None,
        fixtures_fail: &[include_str!("../../fixtures/eni-source-dest-check-off.json")],
        fixtures_pass: &[include_str!("../../fixtures/eni-source-dest-check-on.json")],
    };
}
