//! `subnet-auto-assigns-public-ip`: Subnets assign public IP addresses automatically.
use kensa_model::{Severity, ResourceType};

use crate::eval::network;

crate::check! {
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
    pub const CHECK: Check = Check {
        name: "subnet-auto-assigns-public-ip",
        title: "Subnets assign public IP addresses automatically",
        severity: Severity::Medium,
        resource_type: ResourceType::Subnet,
        params: &[],
        evaluate: |ctx, _| network::subnet_auto_public_ip(ctx),
        restricted_ports: None,
        fix: None,
        fixtures_fail: &[include_str!("../../fixtures/subnet-auto-public-ip.json")],
        fixtures_pass: &[include_str!("../../fixtures/subnet-no-public-ip.json")],
    };
}
