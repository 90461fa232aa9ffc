//! `fsbp:EC2.12`: Unused Amazon EC2 EIPs should be removed.
use kensa_model::Severity;

use crate::checks::network;
use crate::framework_ids::*;

crate::rule! {
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
    pub const FSBP_EC2_12: Rule = Rule {
        id: "fsbp:EC2.12",
        name: "elastic-ip-unused",
        framework: FSBP,
        control: "EC2.12",
        title: "Unused Amazon EC2 EIPs should be removed",
        severity: Severity::Low,
        resource_type: "AwsEc2Eip",
        references: &["https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-12", "https://docs.aws.amazon.com/config/latest/developerguide/eip-attached.html"],
        related: &[],
        params: &[],
        check: |ctx, _| network::unused_eip(ctx),
        restricted_ports: None,
        fixture_fail: include_str!("../../fixtures/eip-unused.json"),
        fixture_pass: include_str!("../../fixtures/eip-used.json"),
    };
}
