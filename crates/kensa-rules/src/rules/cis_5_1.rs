//! `cis-aws-3.0:5.1`: Ensure no Network ACLs allow ingress from 0.0.0.0/0 to remote server administration ports.
use kensa_model::Severity;

use crate::checks::network;
use crate::framework_ids::*;
use crate::ports::PortSet;
use crate::rule::Mapping;
use crate::rules::REMOTE_ADMIN_PORTS;

crate::rule! {
    /// ## What it checks
    /// Network ACLs whose inbound entries, in rule-number order, allow TCP or UDP port 22 or
    /// 3389 (remote server administration) from `0.0.0.0/0`.
    ///
    /// ## Why it matters
    /// A network ACL that admits SSH or RDP from anywhere removes the subnet-level backstop:
    /// one permissive security group is then enough to expose the host.
    ///
    /// ## Remediation
    /// Add a lower-numbered deny entry for ports 22 and 3389 from 0.0.0.0/0, or narrow the
    /// allow entry's port range or source.
    pub const CIS_5_1: Rule = Rule {
        id: "cis-aws-3.0:5.1",
        name: "nacl-admin-ports-open-to-world",
        framework: CIS,
        control: "5.1",
        title: "Ensure no Network ACLs allow ingress from 0.0.0.0/0 to remote server administration ports",
        severity: Severity::Medium,
        resource_type: "AwsEc2NetworkAcl",
        references: &["https://www.cisecurity.org/benchmark/amazon_web_services"],
        related: &[Mapping { framework: FSBP, control: "EC2.21" }],
        params: &[],
        check: |ctx, _| network::nacl_world_ingress(ctx, &PortSet::from_ports(REMOTE_ADMIN_PORTS), false),
        restricted_ports: None,
        fixture_fail: include_str!("../../fixtures/nacl-world-ssh.json"),
        fixture_pass: include_str!("../../fixtures/nacl-ssh-denied-first.json"),
    };
}
