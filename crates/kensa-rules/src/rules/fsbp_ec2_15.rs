//! `fsbp:EC2.15`: Amazon EC2 subnets should not automatically assign public IP addresses.
use kensa_model::Severity;

use crate::checks::network;
use crate::framework_ids::*;

crate::rule! {
    /// ## What it checks
    /// Subnets with `MapPublicIpOnLaunch = true`, which give every instance launched in them a
    /// public IPv4 address.
    ///
    /// ## Why it matters
    /// Auto-assigned public addresses put instances on the Internet by default, whether or not
    /// they are meant to be.
    ///
    /// ## Remediation
    /// `aws ec2 modify-subnet-attribute --subnet-id <id> --no-map-public-ip-on-launch`; assign
    /// public addresses explicitly where needed.
    pub const FSBP_EC2_15: Rule = Rule {
        id: "fsbp:EC2.15",
        name: "subnet-auto-assigns-public-ip",
        framework: FSBP,
        control: "EC2.15",
        title: "Amazon EC2 subnets should not automatically assign public IP addresses",
        severity: Severity::Medium,
        resource_type: "AwsEc2Subnet",
        references: &["https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-15", "https://docs.aws.amazon.com/config/latest/developerguide/subnet-auto-assign-public-ip-disabled.html"],
        related: &[],
        params: &[],
        check: |ctx, _| network::subnet_auto_public_ip(ctx),
        restricted_ports: None,
        fixture_fail: include_str!("../../fixtures/subnet-auto-public-ip.json"),
        fixture_pass: include_str!("../../fixtures/subnet-no-public-ip.json"),
    };
}
