//! `aws-config:encrypted-volumes`: Attached EBS volumes are not encrypted.
use kensa_model::Severity;

use crate::checks::storage;
use crate::framework_ids::*;
use crate::params::{ParamKind, ParamSpec};
use crate::rule::Mapping;

crate::rule! {
    /// ## What it checks
    /// Attached EBS volumes that are not encrypted (or, with `kmsId`, not encrypted with that
    /// KMS key). Unattached volumes are not applicable.
    ///
    /// ## Why it matters
    /// Unencrypted volumes expose data at rest and in every snapshot taken from them; snapshots
    /// shared by mistake are readable as is.
    ///
    /// ## Remediation
    /// Snapshot the volume, copy the snapshot with encryption, create a volume from the copy
    /// and swap it in; enable EBS encryption by default so new volumes are encrypted.
    pub const ENCRYPTED_VOLUMES: Rule = Rule {
        id: "aws-config:encrypted-volumes",
        name: "attached-volume-unencrypted",
        framework: AWS_CONFIG,
        control: "encrypted-volumes",
        title: "Attached EBS volumes are not encrypted",
        severity: Severity::Medium,
        resource_type: "AwsEc2Volume",
        references: &["https://docs.aws.amazon.com/config/latest/developerguide/encrypted-volumes.html"],
        related: &[Mapping { framework: FSBP, control: "EC2.3" }],
        params: &[ParamSpec { name: "kmsId", kind: ParamKind::Text, default: None, doc: "KMS key id or ARN the volumes must use." }],
        check: |ctx, p| storage::encrypted_volumes(ctx, p.get("kmsId")),
        restricted_ports: None,
        fixture_fail: include_str!("../../fixtures/volume-unencrypted.json"),
        fixture_pass: include_str!("../../fixtures/volume-encrypted.json"),
    };
}
