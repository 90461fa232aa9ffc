//! `aws-config:ec2-instance-no-public-ip`: EC2 instances have a public IPv4 address.
use kensa_model::Severity;

use crate::checks::compute;
use crate::framework_ids::*;
use crate::rule::Mapping;

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
    pub const INSTANCE_NO_PUBLIC_IP: Rule = Rule {
        id: "aws-config:ec2-instance-no-public-ip",
        name: "instance-has-public-ipv4",
        framework: AWS_CONFIG,
        control: "ec2-instance-no-public-ip",
        title: "EC2 instances have a public IPv4 address",
        severity: Severity::High,
        resource_type: "AwsEc2Instance",
        references: &["https://docs.aws.amazon.com/config/latest/developerguide/ec2-instance-no-public-ip.html"],
        related: &[Mapping { framework: FSBP, control: "EC2.9" }],
        params: &[],
        check: |ctx, _| compute::instance_no_public_ip(ctx),
        restricted_ports: None,
        fixture_fail: include_str!("../../fixtures/instance-public-imdsv1.json"),
        fixture_pass: include_str!("../../fixtures/instance-private-imdsv2.json"),
    };
}
