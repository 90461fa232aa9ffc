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

pub(super) async fn storage_and_compute(col: &Collector<'_>, ec2: &Client) {
    tokio::join!(
        async {
            let r = paged!(col, ec2.describe_volumes())
                .map(|v: Vec<_>| v.iter().map(c::volume).collect());
            col.put::<m::Volume>(CALLS[0], "Volumes", "Volumes", r);
        },
        async {
            let r = snapshots(col, ec2).await;
            col.put(CALLS[1], "Snapshots", "Snapshots", r);
        },
        async {
            let r = images(col, ec2).await;
            col.put(CALLS[2], "Images", "Images", r);
        },
        async {
            let r = paged!(col, ec2.describe_launch_templates())
                .map(|v: Vec<_>| v.iter().map(c::launch_template).collect());
            col.put::<m::LaunchTemplate>(CALLS[3], "LaunchTemplates", "LaunchTemplates", r);
        },
        async {
            // `$Default` without a template id: the default version of every template.
            let r = paged!(
                col,
                ec2.describe_launch_template_versions().versions("$Default")
            )
            .map(|v: Vec<_>| {
                let mut out: Vec<_> = v.iter().map(c::launch_template_version).collect();
                out.sort_by_key(m::LaunchTemplateVersion::key);
                out.dedup_by_key(|v| v.key());
                out
            });
            let (f, k) = ("LaunchTemplateVersions", "LaunchTemplateVersions");
            col.put(CALLS[4], f, k, r);
        },
        async {
            let r = paged!(col, ec2.describe_flow_logs())
                .map(|v: Vec<_>| v.iter().map(c::flow_log).collect());
            col.put::<m::FlowLog>(CALLS[5], "FlowLogs", "FlowLogs", r);
        },
    );
}

/// The account's own snapshots, each with its `createVolumePermission` (a failed
/// attribute call leaves it out, so the controls say "not collected" for that snapshot).
async fn snapshots(col: &Collector<'_>, ec2: &Client) -> Result<Vec<m::EbsSnapshot>, ApiError> {
    let all: Vec<_> = paged!(col, ec2.describe_snapshots().owner_ids("self"))?;
    // Some endpoints ignore `--owner-ids self`: only the account's own count.
    let own: Vec<_> = all
        .into_iter()
        .filter(|s| s.owner_id() == Some(col.account) && s.snapshot_id().is_some())
        .collect();
    let ids = own
        .iter()
        .map(|s| s.snapshot_id().unwrap_or_default().to_owned());
    let perms = col
        .limit
        .per_resource(ids.collect(), col.bar, |id| {
            let call = ec2
                .describe_snapshot_attribute()
                .snapshot_id(id)
                .attribute(SnapshotAttributeName::CreateVolumePermission);
            async move {
                let o = call.send().await.map_err(ApiError::from_sdk)?;
                let p = o.create_volume_permissions().iter();
                Ok(Some(p.map(c::create_volume_permission).collect()))
            }
        })
        .await;
    let mut out = Vec::new();
    for (s, p) in own.iter().zip(perms) {
        let p = col.sub("ec2:DescribeSnapshotAttribute", p);
        out.push(c::ebs_snapshot(s, p));
    }
    Ok(out)
}

/// The account's own AMIs, each with its launch permissions.
async fn images(col: &Collector<'_>, ec2: &Client) -> Result<Vec<m::Image>, ApiError> {
    let all: Vec<_> = paged!(col, ec2.describe_images().owners("self"))?;
    let own: Vec<_> = all
        .into_iter()
        .filter(|i| i.owner_id() == Some(col.account) && i.image_id().is_some())
        .collect();
    let ids = own
        .iter()
        .map(|i| i.image_id().unwrap_or_default().to_owned());
    let perms = col
        .limit
        .per_resource(ids.collect(), col.bar, |id| {
            let call = ec2
                .describe_image_attribute()
                .image_id(id)
                .attribute(ImageAttributeName::LaunchPermission);
            async move {
                let o = call.send().await.map_err(ApiError::from_sdk)?;
                let p = o.launch_permissions().iter();
                Ok(Some(p.map(c::launch_permission).collect()))
            }
        })
        .await;
    let mut out = Vec::new();
    for (i, p) in own.iter().zip(perms) {
        let p = col.sub("ec2:DescribeImageAttribute", p);
        out.push(c::image(i, p));
    }
    Ok(out)
}

/// The per-region `get-*` settings, each `{"<Key>": value}` as the CLI prints it.
pub(super) async fn account_settings(col: &Collector<'_>, ec2: &Client) {
    tokio::join!(
        async {
            let r = once!(col, ec2.get_ebs_encryption_by_default());
            let r = r.map(|o| c::ebs_encryption_doc(&o));
            col.put_object(CALLS[6], "EbsEncryptionByDefault", r);
        },
        async {
            let r = once!(col, ec2.get_ebs_default_kms_key_id());
            col.put_object(
                CALLS[7],
                "EbsDefaultKmsKeyId",
                r.map(|o| c::ebs_kms_key_doc(&o)),
            );
        },
        async {
            let r = once!(col, ec2.get_serial_console_access_status());
            let r = r.map(|o| c::serial_console_doc(&o));
            col.put_object(CALLS[8], "SerialConsoleAccessStatus", r);
        },
        async {
            let r = once!(col, ec2.get_snapshot_block_public_access_state());
            let r = r.map(|o| c::snapshot_bpa_doc(&o));
            col.put_object(CALLS[9], "SnapshotBlockPublicAccessState", r);
        },
        async {
            let r = once!(col, ec2.get_image_block_public_access_state());
            let r = r.map(|o| c::image_bpa_doc(&o));
            col.put_object(CALLS[10], "ImageBlockPublicAccessState", r);
        },
        async {
            let r = once!(col, ec2.describe_vpc_block_public_access_options());
            let r = r.map(|o| c::vpc_bpa_doc(&o));
            col.put_object(CALLS[11], "VpcBlockPublicAccessOptions", r);
        },
    );
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn per_resource_calls_keep_the_order_of_their_ids() {
        let ids: Vec<String> = (0..20).map(|i| format!("snap-{i}")).collect();
        let limit = crate::collect::limit::Limiter::new(3);
        let bar = indicatif::ProgressBar::hidden();
        let got = limit
            .per_resource(ids.clone(), &bar, |id| async move {
                // Later ids finish first within a batch.
                let n: u64 = id[5..].parse().unwrap();
                for _ in 0..(20 - n) {
                    tokio::task::yield_now().await;
                }
                match n {
                    7 => Err(ApiError::other("gone")),
                    _ => Ok(id),
                }
            })
            .await;
        assert_eq!(got.len(), 20);
        assert_eq!(bar.position(), 20);
        for (i, (r, id)) in got.iter().zip(&ids).enumerate() {
            match r {
                Ok(v) => assert_eq!(v, id),
                Err(e) => assert!(i == 7 && e.message == "gone"),
            }
        }
    }

    #[test]
    fn empty_settings_documents_are_dropped() {
        use serde_json::json;
        assert!(!has_value(&json!({"KmsKeyId": null})));
        assert!(has_value(&json!({"EbsEncryptionByDefault": false})));
    }
}
