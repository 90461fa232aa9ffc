//! `instance-has-public-ipv4`: EC2 instances have a public IPv4 address.
use kensa_model::{Severity, ResourceType};

use crate::eval::compute;

crate::check! {
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
    pub const CHECK: Check = Check {
        name: "instance-has-public-ipv4",
        title: "EC2 instances have a public IPv4 address",
        severity: Severity::High,
        resource_type: ResourceType::Instance,
        params: &[],
        evaluate: |ctx, _| compute::instance_no_public_ip(ctx),
        restricted_ports: None,
        fix: None,
        fixtures_fail: &[include_str!("../../fixtures/instance-public-imdsv1.json")],
        fixtures_pass: &[include_str!("../../fixtures/instance-private-imdsv2.json")],
    };
}
