//! `fsbp:EC2.16`: Unused Network Access Control Lists should be removed.
use kensa_model::Severity;

use crate::checks::network;
use crate::framework_ids::*;

crate::rule! {
    /// ## What it checks
    /// Non-default network ACLs associated with no subnet.
    ///
    /// ## Why it matters
    /// Unused ACLs are clutter that hides the ones that matter, and get attached later with
    /// rules nobody re-read.
    ///
    /// ## Remediation
    /// Delete it: `aws ec2 delete-network-acl --network-acl-id <id>`.
    pub const FSBP_EC2_16: Rule = Rule {
        id: "fsbp:EC2.16",
        name: "network-acl-unused",
        framework: FSBP,
        control: "EC2.16",
        title: "Unused Network Access Control Lists should be removed",
        severity: Severity::Low,
        resource_type: "AwsEc2NetworkAcl",
        references: &["https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-16", "https://docs.aws.amazon.com/config/latest/developerguide/vpc-network-acl-unused-check.html"],
        related: &[],
        params: &[],
        check: |ctx, _| network::unused_nacl(ctx),
        restricted_ports: None,
        fixture_fail: include_str!("../../fixtures/nacl-unused.json"),
        fixture_pass: include_str!("../../fixtures/nacl-used.json"),
    };
}
