//! `fsbp:EC2.182`: Amazon EBS Snapshots should not be publicly accessible.
use kensa_model::Severity;

use crate::checks::storage;
use crate::framework_ids::*;

crate::rule! {
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
    pub const FSBP_EC2_182: Rule = Rule {
        id: "fsbp:EC2.182",
        name: "snapshot-block-public-access-off",
        framework: FSBP,
        control: "EC2.182",
        title: "Amazon EBS Snapshots should not be publicly accessible",
        severity: Severity::High,
        resource_type: "AwsAccount",
        references: &["https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-182"],
        related: &[],
        params: &[],
        check: |ctx, _| storage::snapshot_block_public_access(ctx),
        restricted_ports: None,
        fixture_fail: include_str!("../../fixtures/snapshot-block-public-access-unblocked.json"),
        fixture_pass: include_str!("../../fixtures/snapshot-block-public-access-all.json"),
    };
}
