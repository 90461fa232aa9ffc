//! `aws-config:ec2-ebs-encryption-by-default`: EBS encryption by default is disabled.
use kensa_model::Severity;

use crate::checks::storage;
use crate::framework_ids::*;
use crate::rule::Mapping;

crate::rule! {
    /// ## What it checks
    /// Regions where `get-ebs-encryption-by-default` answers `false`. Regions the snapshot has
    /// no answer for are not evaluated.
    ///
    /// ## Why it matters
    /// With encryption by default every new volume and snapshot copy is encrypted, whoever
    /// creates it and however; without it, one forgotten flag leaves data unencrypted at rest.
    ///
    /// ## Remediation
    /// `aws ec2 enable-ebs-encryption-by-default --region <region>` in every region in use
    /// (optionally `modify-ebs-default-kms-key-id`).
    pub const EBS_ENCRYPTION_BY_DEFAULT: Rule = Rule {
        id: "aws-config:ec2-ebs-encryption-by-default",
        name: "ebs-encryption-by-default-disabled",
        framework: AWS_CONFIG,
        control: "ec2-ebs-encryption-by-default",
        title: "EBS encryption by default is disabled",
        severity: Severity::Medium,
        resource_type: "AwsAccount",
        references: &["https://docs.aws.amazon.com/config/latest/developerguide/ec2-ebs-encryption-by-default.html"],
        related: &[Mapping { framework: FSBP, control: "EC2.7" }],
        params: &[],
        check: |ctx, _| storage::ebs_encryption_by_default(ctx),
        restricted_ports: None,
        fixture_fail: include_str!("../../fixtures/ebs-encryption-by-default-off.json"),
        fixture_pass: include_str!("../../fixtures/ebs-encryption-by-default-on.json"),
    };
}
