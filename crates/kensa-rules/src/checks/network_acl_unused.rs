//! `network-acl-unused`: Unused Network Access Control Lists should be removed.
use kensa_model::{Severity, ResourceType};

use crate::eval::network;

crate::check! {
    /// ## What it checks
    /// Non-default network ACLs associated with no subnet.
    ///
    /// ## Why it matters
    /// Unused ACLs are clutter that hides the ones that matter, and get attached later with
    /// rules nobody re-read.
    ///
    /// ## Remediation
    /// Delete it: `aws ec2 delete-network-acl --network-acl-id <id>`.
    pub const CHECK: Check = Check {
        name: "network-acl-unused",
        title: "Unused Network Access Control Lists should be removed",
        severity: Severity::Low,
        resource_type: ResourceType::NetworkAcl,
        params: &[],
        evaluate: |ctx, _| network::unused_nacl(ctx),
        restricted_ports: None,
        fix: None,
        fixtures_fail: &[include_str!("../../fixtures/nacl-unused.json")],
        fixtures_pass: &[include_str!("../../fixtures/nacl-used.json")],
    };
}
