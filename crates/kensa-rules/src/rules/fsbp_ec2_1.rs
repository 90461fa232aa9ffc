//! `fsbp:EC2.1`: Amazon EBS snapshots should not be publicly restorable.
use kensa_model::Severity;

use crate::checks::storage;
use crate::framework_ids::*;

crate::rule! {
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
    pub const FSBP_EC2_1: Rule = Rule {
        id: "fsbp:EC2.1",
        name: "snapshot-publicly-restorable",
        framework: FSBP,
        control: "EC2.1",
        title: "Amazon EBS snapshots should not be publicly restorable",
        severity: Severity::Critical,
        resource_type: "AwsEc2Snapshot",
        references: &["https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-1", "https://docs.aws.amazon.com/config/latest/developerguide/ebs-snapshot-public-restorable-check.html"],
        related: &[],
        params: &[],
        check: |ctx, _| storage::public_snapshots(ctx),
        restricted_ports: None,
        fixture_fail: include_str!("../../fixtures/snapshot-public.json"),
        fixture_pass: include_str!("../../fixtures/snapshot-shared-with-one-account.json"),
    };
}
