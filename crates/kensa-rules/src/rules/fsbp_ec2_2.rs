//! `fsbp:EC2.2`: VPC default security groups should not allow inbound or outbound traffic.
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
    pub const FSBP_EC2_2: Rule = Rule {
        id: "fsbp:EC2.2",
        name: "default-sg-allows-traffic",
        framework: FSBP,
        control: "EC2.2",
        title: "VPC default security groups should not allow inbound or outbound traffic",
        severity: Severity::High,
        resource_type: "AwsEc2SecurityGroup",
        references: &["https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-2", "https://docs.aws.amazon.com/config/latest/developerguide/vpc-default-security-group-closed.html"],
        related: &[Mapping { framework: CIS, control: "5.4" }],
        params: &[],
        check: |ctx, _| network::default_sg_closed(ctx),
        restricted_ports: None,
        fixture_fail: include_str!("../../fixtures/default-sg-open.json"),
        fixture_pass: include_str!("../../fixtures/default-sg-closed.json"),
    };
}
