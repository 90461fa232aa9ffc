//! `snapshot-block-public-access-off`: Amazon EBS Snapshots should not be publicly accessible.
use kensa_model::{Severity, ResourceType};

use crate::eval::storage;

crate::check! {
    /// ## What it checks
    /// Regions whose EBS snapshot block public access state is not `block-all-sharing`
    /// (`unblocked`, or `block-new-sharing` which leaves already public snapshots public).
    ///
    /// ## Why it matters
    /// A public snapshot can be copied and mounted by any AWS account: every file of the
    /// volume, keys and databases included, is disclosed.
    ///
    /// ## Remediation
    /// `aws ec2 enable-snapshot-block-public-access --state block-all-sharing` in every region
    /// in use.
    pub const CHECK: Check = Check {
        name: "snapshot-block-public-access-off",
        title: "Amazon EBS Snapshots should not be publicly accessible",
        severity: Severity::High,
        resource_type: ResourceType::Account,
        params: &[],
        evaluate: |ctx, _| storage::snapshot_block_public_access(ctx),
        restricted_ports: None,
        fix: None,
        fixtures_fail: &[
            include_str!("../../fixtures/snapshot-block-public-access-unblocked.json"),
        ],
        fixtures_pass: &[include_str!("../../fixtures/snapshot-block-public-access-all.json")],
    };
}
