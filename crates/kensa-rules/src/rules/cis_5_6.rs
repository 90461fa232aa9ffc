//! `cis-aws-3.0:5.6`: Ensure that EC2 Metadata Service only allows IMDSv2.
use kensa_model::Severity;

use crate::checks::compute;
use crate::framework_ids::*;
use crate::rule::Mapping;

crate::rule! {
    /// ## What it checks
    /// Instances (not terminated) whose `MetadataOptions.HttpTokens` is `optional`, i.e. that
    /// still answer IMDSv1. Instances without metadata options in the snapshot are not
    /// applicable.
    ///
    /// ## Why it matters
    /// IMDSv1 answers any GET, so a server-side request forgery in an application hands out the
    /// instance role's credentials. IMDSv2's session token blocks that path.
    ///
    /// ## Remediation
    /// `aws ec2 modify-instance-metadata-options --instance-id <id> --http-tokens required
    /// --http-endpoint enabled`; set the same in launch templates and the account default.
    pub const CIS_5_6: Rule = Rule {
        id: "cis-aws-3.0:5.6",
        name: "instance-allows-imdsv1",
        framework: CIS,
        control: "5.6",
        title: "Ensure that EC2 Metadata Service only allows IMDSv2",
        severity: Severity::High,
        resource_type: "AwsEc2Instance",
        references: &["https://www.cisecurity.org/benchmark/amazon_web_services"],
        related: &[Mapping { framework: FSBP, control: "EC2.8" }],
        params: &[],
        check: |ctx, _| compute::instance_imdsv2(ctx),
        restricted_ports: None,
        fixture_fail: include_str!("../../fixtures/instance-public-imdsv1.json"),
        fixture_pass: include_str!("../../fixtures/instance-private-imdsv2.json"),
    };
}
