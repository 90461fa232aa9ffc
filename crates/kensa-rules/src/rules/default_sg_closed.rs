//! `aws-config:vpc-default-security-group-closed`: The VPC default security group allows traffic.
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
    pub const DEFAULT_SG_CLOSED: Rule = Rule {
        id: "aws-config:vpc-default-security-group-closed",
        name: "default-sg-allows-traffic",
        framework: AWS_CONFIG,
        control: "vpc-default-security-group-closed",
        title: "The VPC default security group allows traffic",
        severity: Severity::High,
        resource_type: "AwsEc2SecurityGroup",
        references: &["https://docs.aws.amazon.com/config/latest/developerguide/vpc-default-security-group-closed.html"],
        related: &[Mapping { framework: FSBP, control: "EC2.2" }, Mapping { framework: CIS, control: "5.4" }],
        params: &[],
        check: |ctx, _| network::default_sg_closed(ctx),
        restricted_ports: None,
        fixture_fail: include_str!("../../fixtures/default-sg-open.json"),
        fixture_pass: include_str!("../../fixtures/default-sg-closed.json"),
    };
}
