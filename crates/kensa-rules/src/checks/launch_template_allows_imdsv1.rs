//! `launch-template-allows-imdsv1`: EC2 launch templates should use Instance Metadata Service Version 2 (IMDSv2).
use kensa_model::{Severity, ResourceType};

use crate::eval::compute;

crate::check! {
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
    pub const CHECK: Check = Check {
        name: "launch-template-allows-imdsv1",
        title: "EC2 launch templates should use Instance Metadata Service Version 2 (IMDSv2)",
        severity: Severity::Low,
        resource_type: ResourceType::LaunchTemplate,
        params: &[],
        evaluate: |ctx, _| compute::template_imdsv2(ctx),
        restricted_ports: None,
        fix: None,
        fixtures_fail: &[include_str!("../../fixtures/launch-template-public-imdsv1.json")],
        fixtures_pass: &[include_str!("../../fixtures/launch-template-private-imdsv2.json")],
    };
}
