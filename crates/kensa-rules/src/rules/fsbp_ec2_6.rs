//! `fsbp:EC2.6`: VPC flow logging should be enabled in all VPCs.
use kensa_model::Severity;

use crate::checks::network;
use crate::framework_ids::*;
use crate::params::{ParamKind, ParamSpec};

crate::rule! {
    /// ## What it checks
    /// VPCs without an active flow log capturing rejected traffic (`trafficType`, default
    /// `REJECT`; a flow log of `ALL` also satisfies it).
    ///
    /// ## Why it matters
    /// Flow logs are the record of who talked to what; without them an incident cannot be
    /// scoped and rejected probing goes unseen.
    ///
    /// ## Remediation
    /// `aws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc> --traffic-type ALL
    /// --log-destination-type s3 --log-destination <bucket-arn>`.
    pub const FSBP_EC2_6: Rule = Rule {
        id: "fsbp:EC2.6",
        name: "vpc-without-flow-log",
        framework: FSBP,
        control: "EC2.6",
        title: "VPC flow logging should be enabled in all VPCs",
        severity: Severity::Medium,
        resource_type: "AwsEc2Vpc",
        references: &["https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-6", "https://docs.aws.amazon.com/config/latest/developerguide/vpc-flow-logs-enabled.html"],
        related: &[],
        params: &[ParamSpec { name: "trafficType", kind: ParamKind::Choice(&["ACCEPT", "REJECT", "ALL"]), default: Some("REJECT"), doc: "The traffic the flow log must capture." }],
        check: |ctx, p| network::flow_logs(ctx, p.get("trafficType")),
        restricted_ports: None,
        fixture_fail: include_str!("../../fixtures/vpc-accept-only-flow-log.json"),
        fixture_pass: include_str!("../../fixtures/vpc-flow-log-all.json"),
    };
}
