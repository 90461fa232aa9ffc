//! `instance-allows-imdsv1`: EC2 instances allow IMDSv1.
use kensa_model::{Severity, ResourceType};

use crate::check::Fix;
use crate::eval::compute;

crate::check! {
    /// ## What it checks
    /// Instances (not terminated) whose `MetadataOptions.HttpTokens` is `optional`, i.e. that
    /// still answer IMDSv1. An instance whose metadata endpoint is disabled
    /// (`HttpEndpoint = disabled`) answers nothing and passes. Instances without metadata
    /// options in the snapshot are not applicable.
    ///
    /// ## Why it matters
    /// IMDSv1 answers any GET, so a server-side request forgery in an application hands out the
    /// instance role's credentials. IMDSv2's session token blocks that path.
    ///
    /// ## Remediation
    /// `aws ec2 modify-instance-metadata-options --instance-id <id> --http-tokens required`
    /// (leave `--http-endpoint` as it is: an endpoint turned off stays off); set the same in
    /// launch templates and the account default. `kensa remediate` makes exactly that call.
    pub const CHECK: Check = Check {
        name: "instance-allows-imdsv1",
        title: "EC2 instances allow IMDSv1",
        severity: Severity::High,
        resource_type: ResourceType::Instance,
        params: &[],
        evaluate: |ctx, _| compute::instance_imdsv2(ctx),
        restricted_ports: None,
        fix: Some(Fix::RequireImdsV2),
        fixtures_fail: &[include_str!("../../fixtures/instance-public-imdsv1.json")],
        fixtures_pass: &[include_str!("../../fixtures/instance-private-imdsv2.json")],
    };
}
