//! `fsbp:EC2.25`: Amazon EC2 launch templates should not assign public IPs to network interfaces.
use kensa_model::Severity;

use crate::checks::compute;
use crate::framework_ids::*;

crate::rule! {
    /// ## What it checks
    /// Launch templates whose default version sets `AssociatePublicIpAddress = true` on a
    /// network interface.
    ///
    /// ## Why it matters
    /// Every instance launched from the template, by hand or by an Auto Scaling group, gets a
    /// public address.
    ///
    /// ## Remediation
    /// Create a new template version without `AssociatePublicIpAddress` (or with `false`) and
    /// make it the default.
    pub const FSBP_EC2_25: Rule = Rule {
        id: "fsbp:EC2.25",
        name: "launch-template-assigns-public-ip",
        framework: FSBP,
        control: "EC2.25",
        title: "Amazon EC2 launch templates should not assign public IPs to network interfaces",
        severity: Severity::High,
        resource_type: "AwsEc2LaunchTemplate",
        references: &["https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-25", "https://docs.aws.amazon.com/config/latest/developerguide/ec2-launch-template-public-ip-disabled.html"],
        related: &[],
        params: &[],
        check: |ctx, _| compute::template_no_public_ip(ctx),
        restricted_ports: None,
        fixture_fail: include_str!("../../fixtures/launch-template-public-imdsv1.json"),
        fixture_pass: include_str!("../../fixtures/launch-template-private-imdsv2.json"),
    };
}
