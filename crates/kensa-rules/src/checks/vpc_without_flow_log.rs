//! `vpc-without-flow-log`: VPC flow logging is not enabled.
use kensa_model::{Severity, ResourceType};

use crate::eval::network;
use crate::params::{ParamKind, ParamSpec};

crate::check! {
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
    pub const CHECK: Check = Check {
        name: "vpc-without-flow-log",
        title: "VPC flow logging is not enabled",
        severity: Severity::Medium,
        resource_type: ResourceType::Vpc,
        params: &[ParamSpec { name: "trafficType", kind: ParamKind::Choice(&["ACCEPT", "REJECT", "ALL"]), default: None, doc: "The traffic the flow log must capture." }],
        evaluate: |ctx, p| network::flow_logs(ctx, p.get("trafficType")),
        restricted_ports: None,
        fix: None,
        fixtures_fail: &[include_str!("../../fixtures/vpc-no-flow-log.json")],
        fixtures_pass: &[include_str!("../../fixtures/vpc-flow-log-all.json")],
    };
}
