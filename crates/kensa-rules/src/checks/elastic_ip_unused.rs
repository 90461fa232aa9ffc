//! `elastic-ip-unused`: Unused Amazon EC2 EIPs should be removed.
use kensa_model::{Severity, ResourceType};

use crate::eval::network;

crate::check! {
    /// ## What it checks
    /// Elastic IP addresses associated with no instance and no network interface.
    ///
    /// ## Why it matters
    /// An idle Elastic IP costs money and, when a forgotten DNS record still points at it, can
    /// be re-associated to something unintended.
    ///
    /// ## Remediation
    /// Release it: `aws ec2 release-address --allocation-id <id>` (after checking DNS records
    /// that point at it).
    pub const CHECK: Check = Check {
        name: "elastic-ip-unused",
        title: "Unused Amazon EC2 EIPs should be removed",
        severity: Severity::Low,
        resource_type: ResourceType::Eip,
        params: &[],
        evaluate: |ctx, _| network::unused_eip(ctx),
        restricted_ports: None,
        fix: None,
        fixtures_fail: &[include_str!("../../fixtures/eip-unused.json")],
        fixtures_pass: &[include_str!("../../fixtures/eip-used.json")],
    };
}
