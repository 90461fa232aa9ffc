//! `fsbp:EC2.170`: EC2 launch templates should use Instance Metadata Service Version 2 (IMDSv2).
use kensa_model::Severity;

use crate::checks::compute;
use crate::framework_ids::*;

crate::rule! {
    /// ## What it checks
    /// Launch templates whose default version does not set `MetadataOptions.HttpTokens =
    /// required`.
    ///
    /// ## Why it matters
    /// IMDSv1 answers any GET, so a server-side request forgery in an application hands out the
    /// instance role's credentials. IMDSv2's session token blocks that path.
    ///
    /// ## Remediation
    /// Create a template version with `MetadataOptions: {HttpTokens: required, HttpEndpoint:
    /// enabled}` and make it the default.
    pub const FSBP_EC2_170: Rule = Rule {
        id: "fsbp:EC2.170",
        name: "launch-template-allows-imdsv1",
        framework: FSBP,
        control: "EC2.170",
        title: "EC2 launch templates should use Instance Metadata Service Version 2 (IMDSv2)",
        severity: Severity::Low,
        resource_type: "AwsEc2LaunchTemplate",
        references: &["https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-170", "https://docs.aws.amazon.com/config/latest/developerguide/ec2-launch-template-imdsv2-check.html"],
        related: &[],
        params: &[],
        check: |ctx, _| compute::template_imdsv2(ctx),
        restricted_ports: None,
        fixture_fail: include_str!("../../fixtures/launch-template-public-imdsv1.json"),
        fixture_pass: include_str!("../../fixtures/launch-template-private-imdsv2.json"),
    };
}
