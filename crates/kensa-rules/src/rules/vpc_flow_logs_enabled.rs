//! `aws-config:vpc-flow-logs-enabled`: VPC flow logging is not enabled.
use kensa_model::Severity;

use crate::checks::network;
use crate::framework_ids::*;
use crate::params::{ParamKind, ParamSpec};
use crate::rule::Mapping;

crate::rule! {
    /// ## What it checks
    /// VPCs without an active flow log (of `trafficType` `ACCEPT`, `REJECT` or `ALL` when the
    /// parameter is set; a flow log of `ALL` satisfies any).
    ///
    /// ## Why it matters
    /// Flow logs are the record of who talked to what; without them an incident cannot be
    /// scoped and rejected probing goes unseen.
    ///
    /// ## Remediation
    /// `aws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc> --traffic-type ALL
    /// --log-destination-type s3 --log-destination <bucket-arn>`.
    pub const VPC_FLOW_LOGS_ENABLED: Rule = Rule {
        id: "aws-config:vpc-flow-logs-enabled",
        name: "vpc-without-flow-log",
        framework: AWS_CONFIG,
        control: "vpc-flow-logs-enabled",
        title: "VPC flow logging is not enabled",
        severity: Severity::Medium,
        resource_type: "AwsEc2Vpc",
        references: &["https://docs.aws.amazon.com/config/latest/developerguide/vpc-flow-logs-enabled.html"],
        related: &[Mapping { framework: FSBP, control: "EC2.6" }],
        params: &[ParamSpec { name: "trafficType", kind: ParamKind::Choice(&["ACCEPT", "REJECT", "ALL"]), default: None, doc: "The traffic the flow log must capture." }],
        check: |ctx, p| network::flow_logs(ctx, p.get("trafficType")),
        restricted_ports: None,
        fixture_fail: include_str!("../../fixtures/vpc-no-flow-log.json"),
        fixture_pass: include_str!("../../fixtures/vpc-flow-log-all.json"),
    };
}
