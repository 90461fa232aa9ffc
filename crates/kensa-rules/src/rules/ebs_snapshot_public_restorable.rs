//! `aws-config:ebs-snapshot-public-restorable-check`: EBS snapshots are publicly restorable.
use kensa_model::Severity;

use crate::checks::storage;
use crate::framework_ids::*;
use crate::rule::Mapping;

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
    pub const EBS_SNAPSHOT_PUBLIC_RESTORABLE: Rule = Rule {
        id: "aws-config:ebs-snapshot-public-restorable-check",
        name: "snapshot-publicly-restorable",
        framework: AWS_CONFIG,
        control: "ebs-snapshot-public-restorable-check",
        title: "EBS snapshots are publicly restorable",
        severity: Severity::Critical,
        resource_type: "AwsEc2Snapshot",
        references: &["https://docs.aws.amazon.com/config/latest/developerguide/ebs-snapshot-public-restorable-check.html"],
        related: &[Mapping { framework: FSBP, control: "EC2.1" }],
        params: &[],
        check: |ctx, _| storage::public_snapshots(ctx),
        restricted_ports: None,
        fixture_fail: include_str!("../../fixtures/snapshot-public.json"),
        fixture_pass: include_str!("../../fixtures/snapshot-shared-with-one-account.json"),
    };
}
