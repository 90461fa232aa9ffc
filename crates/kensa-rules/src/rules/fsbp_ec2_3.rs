//! `fsbp:EC2.3`: Attached Amazon EBS volumes should be encrypted at-rest.
use kensa_model::Severity;

use crate::checks::storage;
use crate::framework_ids::*;

crate::rule! {
    /// ## What it checks
    /// Attached EBS volumes that are not encrypted. Unattached volumes are not applicable.
    ///
    /// ## Why it matters
    /// Unencrypted volumes expose data at rest and in every snapshot taken from them; snapshots
    /// shared by mistake are readable as is.
    ///
    /// ## Remediation
    /// Snapshot the volume, copy the snapshot with encryption, create a volume from the copy
    /// and swap it in; enable EBS encryption by default so new volumes are encrypted.
    pub const FSBP_EC2_3: Rule = Rule {
        id: "fsbp:EC2.3",
        name: "attached-volume-unencrypted",
        framework: FSBP,
        control: "EC2.3",
        title: "Attached Amazon EBS volumes should be encrypted at-rest",
        severity: Severity::Medium,
        resource_type: "AwsEc2Volume",
        references: &["https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-3", "https://docs.aws.amazon.com/config/latest/developerguide/encrypted-volumes.html"],
        related: &[],
        params: &[],
        check: |ctx, _| storage::encrypted_volumes(ctx, None),
        restricted_ports: None,
        fixture_fail: include_str!("../../fixtures/volume-unencrypted.json"),
        fixture_pass: include_str!("../../fixtures/volume-encrypted.json"),
    };
}
