//! `fsbp:EC2.9`: Amazon EC2 instances should not have a public IPv4 address.
use kensa_model::Severity;

use crate::checks::compute;
use crate::framework_ids::*;

crate::rule! {
    /// ## What it checks
    /// Instances (not terminated) with a public IPv4 address, on the instance or on any of its
    /// network interfaces.
    ///
    /// ## Why it matters
    /// A public address makes an instance addressable from the Internet; its security groups
    /// and NACLs become the only barrier. Instances behind load balancers, NAT gateways or
    /// Session Manager need none.
    ///
    /// ## Remediation
    /// Launch instances in private subnets without `AssociatePublicIpAddress`; disassociate
    /// Elastic IPs; put a load balancer in front of services that must be public.
    pub const FSBP_EC2_9: Rule = Rule {
        id: "fsbp:EC2.9",
        name: "instance-has-public-ipv4",
        framework: FSBP,
        control: "EC2.9",
        title: "Amazon EC2 instances should not have a public IPv4 address",
        severity: Severity::High,
        resource_type: "AwsEc2Instance",
        references: &["https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-9", "https://docs.aws.amazon.com/config/latest/developerguide/ec2-instance-no-public-ip.html"],
        related: &[],
        params: &[],
        check: |ctx, _| compute::instance_no_public_ip(ctx),
        restricted_ports: None,
        fixture_fail: include_str!("../../fixtures/instance-public-imdsv1.json"),
        fixture_pass: include_str!("../../fixtures/instance-private-imdsv2.json"),
    };
}
