//! `snapshot-publicly-restorable`: EBS snapshots are publicly restorable.
use kensa_model::{Severity, ResourceType};

use crate::check::Fix;
use crate::eval::storage;

crate::check! {
    /// ## What it checks
    /// EBS snapshots whose `createVolumePermission` includes the group `all`. Snapshots whose
    /// attribute was not collected are not applicable; a region whose snapshot block public
    /// access is `block-all-sharing` passes.
    ///
    /// ## Why it matters
    /// A public snapshot can be copied and mounted by any AWS account: every file of the
    /// volume, keys and databases included, is disclosed.
    ///
    /// ## Remediation
    /// `aws ec2 modify-snapshot-attribute --snapshot-id <id> --attribute createVolumePermission
    /// --operation-type remove --group-names all`; enable snapshot block public access.
    pub const CHECK: Check = Check {
        name: "snapshot-publicly-restorable",
        title: "EBS snapshots are publicly restorable",
        severity: Severity::Critical,
        resource_type: ResourceType::EbsSnapshot,
        params: &[],
        evaluate: |ctx, _| storage::public_snapshots(ctx),
        restricted_ports: None,
        fix: Some(Fix::UnshareSnapshot),
        fixtures_fail: &[include_str!("../../fixtures/snapshot-public.json")],
        fixtures_pass: &[include_str!("../../fixtures/snapshot-shared-with-one-account.json")],
    };
}
