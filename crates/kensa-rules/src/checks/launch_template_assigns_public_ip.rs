//! `launch-template-assigns-public-ip`: Amazon EC2 launch templates should not assign public IPs to network interfaces.
use kensa_model::{Severity, ResourceType};

use crate::eval::compute;

crate::check! {
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
    pub const CHECK: Check = Check {
        name: "launch-template-assigns-public-ip",
        title: "Amazon EC2 launch templates should not assign public IPs to network interfaces",
        severity: Severity::High,
        resource_type: ResourceType::LaunchTemplate,
        params: &[],
        evaluate: |ctx, _| compute::template_no_public_ip(ctx),
        restricted_ports: None,
        fix: None,
        fixtures_fail: &[include_str!("../../fixtures/launch-template-public-imdsv1.json")],
        fixtures_pass: &[include_str!("../../fixtures/launch-template-private-imdsv2.json")],
    };
}
