//! `default-sg-allows-traffic`: The VPC default security group allows traffic.
use kensa_model::{Severity, ResourceType};

use crate::check::Fix;
use crate::eval::network;

crate::check! {
    /// ## What it checks
    /// The `default` security group of each VPC, which must have no inbound and no outbound
    /// rules.
    ///
    /// ## Why it matters
    /// Resources launched without an explicit group land in the default group. If it allows
    /// traffic, they silently get connectivity nobody reviewed.
    ///
    /// ## Remediation
    /// Remove every inbound and outbound rule of the default security groups; give resources
    /// purpose-made groups.
    pub const CHECK: Check = Check {
        name: "default-sg-allows-traffic",
        title: "The VPC default security group allows traffic",
        severity: Severity::High,
        resource_type: ResourceType::SecurityGroup,
        params: &[],
        evaluate: |ctx, _| network::default_sg_closed(ctx),
        restricted_ports: None,
        fix: Some(Fix::CloseDefaultGroup),
        fixtures_fail: &[include_str!("../../fixtures/default-sg-open.json")],
        fixtures_pass: &[include_str!("../../fixtures/default-sg-closed.json")],
    };
}
