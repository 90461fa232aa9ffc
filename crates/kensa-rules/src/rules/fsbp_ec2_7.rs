//! `fsbp:EC2.7`: EBS default encryption should be enabled.
use kensa_model::Severity;

use crate::checks::storage;
use crate::framework_ids::*;

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
    pub const FSBP_EC2_7: Rule = Rule {
        id: "fsbp:EC2.7",
        name: "ebs-encryption-by-default-disabled",
        framework: FSBP,
        control: "EC2.7",
        title: "EBS default encryption should be enabled",
        severity: Severity::Medium,
        resource_type: "AwsAccount",
        references: &["https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-7", "https://docs.aws.amazon.com/config/latest/developerguide/ec2-ebs-encryption-by-default.html"],
        related: &[],
        params: &[],
        check: |ctx, _| storage::ebs_encryption_by_default(ctx),
        restricted_ports: None,
        fixture_fail: include_str!("../../fixtures/ebs-encryption-by-default-off.json"),
        fixture_pass: include_str!("../../fixtures/ebs-encryption-by-default-on.json"),
    };
}
