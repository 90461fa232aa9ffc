//! `attached-volume-unencrypted`: Attached EBS volumes are not encrypted.
use kensa_model::{Severity, ResourceType};

use crate::eval::storage;
use crate::params::{ParamKind, ParamSpec};

crate::check! {
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
    pub const CHECK: Check = Check {
        name: "attached-volume-unencrypted",
        title: "Attached EBS volumes are not encrypted",
        severity: Severity::Medium,
        resource_type: ResourceType::Volume,
        params: &[ParamSpec { name: "kmsId", kind: ParamKind::Text, default: None, doc: "KMS key id or ARN the volumes must use." }],
        evaluate: |ctx, p| storage::encrypted_volumes(ctx, p.get("kmsId")),
        restricted_ports: None,
        fix: None,
        fixtures_fail: &[include_str!("../../fixtures/volume-unencrypted.json")],
        fixtures_pass: &[include_str!("../../fixtures/volume-encrypted.json")],
    };
}
