//! Storage, compute and account settings: the describe/get calls the configuration
//! controls read (volumes, the account's snapshots and AMIs with their permissions,
//! launch templates with their default versions, flow logs, and the per-region `get-*`
//! settings), written into `aws_configs/` with the top-level keys the loader knows.
use aws_sdk_ec2::types::{ImageAttributeName, SnapshotAttributeName};
use aws_sdk_ec2::Client;
use kensa_model::compute as m;
use serde_json::Value;

use super::Collector;
use crate::collect::convert as c;
use crate::error::ApiError;

/// The calls of this module, in order (the tail of [`super::api_calls`]).
pub(super) const CALLS: &[&str] = &[
    "ec2:DescribeVolumes",
    "ec2:DescribeSnapshots",
    "ec2:DescribeImages",
    "ec2:DescribeLaunchTemplates",
    "ec2:DescribeLaunchTemplateVersions",
    "ec2:DescribeFlowLogs",
    "ec2:GetEbsEncryptionByDefault",
    "ec2:GetEbsDefaultKmsKeyId",
    "ec2:GetSerialConsoleAccessStatus",
    "ec2:GetSnapshotBlockPublicAccessState",
    "ec2:GetImageBlockPublicAccessState",
    "ec2:DescribeVpcBlockPublicAccessOptions",
];

pub(super) async fn storage_and_compute(col: &mut Collector<'_>, ec2: &Client) {
    let r = paged!(ec2.describe_volumes()).map(|v: Vec<_>| v.iter().map(c::volume).collect());
    col.put::<m::Volume>(CALLS[0], "Volumes", "Volumes", r);
    let r = snapshots(col, ec2).await;
    col.put(CALLS[1], "Snapshots", "Snapshots", r);
    let r = images(col, ec2).await;
    col.put(CALLS[2], "Images", "Images", r);
    let r = paged!(ec2.describe_launch_templates())
        .map(|v: Vec<_>| v.iter().map(c::launch_template).collect());
    col.put::<m::LaunchTemplate>(CALLS[3], "LaunchTemplates", "LaunchTemplates", r);
    // `$Default` without a template id: the default version of every template at once.
    let r =
        paged!(ec2.describe_launch_template_versions().versions("$Default")).map(|v: Vec<_>| {
            let mut out: Vec<_> = v.iter().map(c::launch_template_version).collect();
            out.sort_by_key(m::LaunchTemplateVersion::key);
            out.dedup_by_key(|v| v.key());
            out
        });
    col.put(
        CALLS[4],
        "LaunchTemplateVersions",
        "LaunchTemplateVersions",
        r,
    );
    let r = paged!(ec2.describe_flow_logs()).map(|v: Vec<_>| v.iter().map(c::flow_log).collect());
    col.put::<m::FlowLog>(CALLS[5], "FlowLogs", "FlowLogs", r);
}

/// The account's own snapshots, each with its `createVolumePermission` (a failed
/// attribute call leaves it out, so the controls say "not collected" for that snapshot).
async fn snapshots(col: &mut Collector<'_>, ec2: &Client) -> Result<Vec<m::EbsSnapshot>, ApiError> {
    let all: Vec<_> = paged!(ec2.describe_snapshots().owner_ids("self"))?;
    let mut out = Vec::new();
    // Some endpoints ignore `--owner-ids self`: only the account's own count.
    for s in all.iter().filter(|s| s.owner_id() == Some(col.account)) {
        let Some(id) = s.snapshot_id() else { continue };
        let perms = ec2
            .describe_snapshot_attribute()
            .snapshot_id(id)
            .attribute(SnapshotAttributeName::CreateVolumePermission)
            .send()
            .await
            .map_err(ApiError::from_sdk)
            .map(|o| {
                let p = o.create_volume_permissions().iter();
                Some(p.map(c::create_volume_permission).collect())
            });
        let perms = col.sub("ec2:DescribeSnapshotAttribute", perms);
        out.push(c::ebs_snapshot(s, perms));
    }
    Ok(out)
}

/// The account's own AMIs, each with its launch permissions.
async fn images(col: &mut Collector<'_>, ec2: &Client) -> Result<Vec<m::Image>, ApiError> {
    let all: Vec<_> = paged!(ec2.describe_images().owners("self"))?;
    let mut out = Vec::new();
    for i in all.iter().filter(|i| i.owner_id() == Some(col.account)) {
        let Some(id) = i.image_id() else { continue };
        let perms = ec2
            .describe_image_attribute()
            .image_id(id)
            .attribute(ImageAttributeName::LaunchPermission)
            .send()
            .await
            .map_err(ApiError::from_sdk)
            .map(|o| {
                Some(
                    o.launch_permissions()
                        .iter()
                        .map(c::launch_permission)
                        .collect(),
                )
            });
        let perms = col.sub("ec2:DescribeImageAttribute", perms);
        out.push(c::image(i, perms));
    }
    Ok(out)
}

/// The per-region `get-*` settings, each `{"<Key>": value}` as the CLI prints it.
pub(super) async fn account_settings(col: &mut Collector<'_>, ec2: &Client) {
    let r = ec2.get_ebs_encryption_by_default().send().await;
    let r = r
        .map_err(ApiError::from_sdk)
        .map(|o| c::ebs_encryption_doc(&o));
    col.put_object(CALLS[6], "EbsEncryptionByDefault", r);
    let r = ec2.get_ebs_default_kms_key_id().send().await;
    let r = r
        .map_err(ApiError::from_sdk)
        .map(|o| c::ebs_kms_key_doc(&o));
    col.put_object(CALLS[7], "EbsDefaultKmsKeyId", r);
    let r = ec2.get_serial_console_access_status().send().await;
    let r = r
        .map_err(ApiError::from_sdk)
        .map(|o| c::serial_console_doc(&o));
    col.put_object(CALLS[8], "SerialConsoleAccessStatus", r);
    let r = ec2.get_snapshot_block_public_access_state().send().await;
    let r = r
        .map_err(ApiError::from_sdk)
        .map(|o| c::snapshot_bpa_doc(&o));
    col.put_object(CALLS[9], "SnapshotBlockPublicAccessState", r);
    let r = ec2.get_image_block_public_access_state().send().await;
    let r = r.map_err(ApiError::from_sdk).map(|o| c::image_bpa_doc(&o));
    col.put_object(CALLS[10], "ImageBlockPublicAccessState", r);
    let r = ec2.describe_vpc_block_public_access_options().send().await;
    let r = r.map_err(ApiError::from_sdk).map(|o| c::vpc_bpa_doc(&o));
    col.put_object(CALLS[11], "VpcBlockPublicAccessOptions", r);
}

/// A settings document with its value missing says nothing: keep it out of the snapshot.
pub(super) fn has_value(doc: &Value) -> bool {
    doc.as_object()
        .is_some_and(|o| o.values().any(|v| !v.is_null()))
}

#[cfg(test)]
mod tests {
    use super::super::api_calls;
    use super::*;

    #[test]
    fn every_call_is_listed_once() {
        let mut calls = api_calls();
        assert!(calls.ends_with(CALLS));
        let n = calls.len();
        calls.sort();
        calls.dedup();
        assert_eq!(calls.len(), n);
    }

    #[test]
    fn empty_settings_documents_are_dropped() {
        use serde_json::json;
        assert!(!has_value(&json!({"KmsKeyId": null})));
        assert!(has_value(&json!({"EbsEncryptionByDefault": false})));
    }
}
