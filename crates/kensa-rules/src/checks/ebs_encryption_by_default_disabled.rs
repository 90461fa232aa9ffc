//! `ebs-encryption-by-default-disabled`: EBS encryption by default is disabled.
use kensa_model::{Severity, ResourceType};

use crate::check::Fix;
use crate::eval::storage;

crate::check! {
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
    pub const CHECK: Check = Check {
        name: "ebs-encryption-by-default-disabled",
        title: "EBS encryption by default is disabled",
        severity: Severity::Medium,
        resource_type: ResourceType::Account,
        params: &[],
        evaluate: |ctx, _| storage::ebs_encryption_by_default(ctx),
        restricted_ports: None,
        fix: Some(Fix::EnableEbsEncryptionByDefault),
        fixtures_fail: &[include_str!("../../fixtures/ebs-encryption-by-default-off.json")],
        fixtures_pass: &[include_str!("../../fixtures/ebs-encryption-by-default-on.json")],
    };
}
