//! `cis-aws-3.0:5.4`: Ensure the default security group of every VPC restricts all traffic.
use kensa_model::Severity;

use crate::checks::network;
use crate::framework_ids::*;
use crate::rule::Mapping;

crate::rule! {
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
    pub const CIS_5_4: Rule = Rule {
        id: "cis-aws-3.0:5.4",
        name: "default-sg-allows-traffic",
        framework: CIS,
        control: "5.4",
        title: "Ensure the default security group of every VPC restricts all traffic",
        severity: Severity::High,
        resource_type: "AwsEc2SecurityGroup",
        references: &["https://www.cisecurity.org/benchmark/amazon_web_services"],
        related: &[Mapping { framework: FSBP, control: "EC2.2" }],
        params: &[],
        check: |ctx, _| network::default_sg_closed(ctx),
        restricted_ports: None,
        fixture_fail: include_str!("../../fixtures/default-sg-open.json"),
        fixture_pass: include_str!("../../fixtures/default-sg-closed.json"),
    };
}
