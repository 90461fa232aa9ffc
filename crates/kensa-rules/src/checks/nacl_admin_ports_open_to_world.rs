//! `nacl-admin-ports-open-to-world`: Network ACLs should not allow ingress from 0.0.0.0/0 to port 22 or port 3389.
use kensa_model::{Severity, ResourceType};

use crate::eval::network;
use crate::ports::PortSet;

crate::check! {
    /// ## What it checks
    /// Network ACLs whose inbound entries, evaluated in rule-number order, allow TCP or UDP
    /// port 22 or 3389 from `0.0.0.0/0` (a lower-numbered deny from `0.0.0.0/0` for the port
    /// takes precedence).
    ///
    /// ## Why it matters
    /// A network ACL that admits SSH or RDP from anywhere removes the subnet-level backstop:
    /// one permissive security group is then enough to expose the host.
    ///
    /// ## Remediation
    /// Add a lower-numbered deny entry for ports 22 and 3389 from 0.0.0.0/0, or narrow the
    /// allow entry's port range or source.
    pub const CHECK: Check = Check {
        name: "nacl-admin-ports-open-to-world",
        title: "Network ACLs should not allow ingress from 0.0.0.0/0 to port 22 or port 3389",
        severity: Severity::Medium,
        resource_type: ResourceType::NetworkAcl,
        params: &[],
        evaluate: |ctx, _| network::nacl_world_ingress(ctx, &PortSet::from_ports([22, 3389]), false),
        restricted_ports: None,
        fix: None,
        fixtures_fail: &[include_str!("../../fixtures/nacl-world-ssh.json")],
        fixtures_pass: &[include_str!("../../fixtures/nacl-ssh-denied-first.json")],
    };
}
