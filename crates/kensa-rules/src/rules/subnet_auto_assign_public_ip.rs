//! `aws-config:subnet-auto-assign-public-ip-disabled`: Subnets assign public IP addresses automatically.
use kensa_model::Severity;

use crate::checks::network;
use crate::framework_ids::*;
use crate::rule::Mapping;

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
    pub const SUBNET_AUTO_ASSIGN_PUBLIC_IP: Rule = Rule {
        id: "aws-config:subnet-auto-assign-public-ip-disabled",
        name: "subnet-auto-assigns-public-ip",
        framework: AWS_CONFIG,
        control: "subnet-auto-assign-public-ip-disabled",
        title: "Subnets assign public IP addresses automatically",
        severity: Severity::Medium,
        resource_type: "AwsEc2Subnet",
        references: &["https://docs.aws.amazon.com/config/latest/developerguide/subnet-auto-assign-public-ip-disabled.html"],
        related: &[Mapping { framework: FSBP, control: "EC2.15" }],
        params: &[],
        check: |ctx, _| network::subnet_auto_public_ip(ctx),
        restricted_ports: None,
        fixture_fail: include_str!("../../fixtures/subnet-auto-public-ip.json"),
        fixture_pass: include_str!("../../fixtures/subnet-no-public-ip.json"),
    };
}
