//! EBS evaluators: volume encryption, encryption by default, public snapshots and
//! snapshot block public access.
use kensa_model::account::RegionalSettings;
use kensa_model::compute::EbsSnapshot;
use kensa_model::ResourceType;

use crate::context::{ec2_arn, resource, Context};
use crate::rule::Evaluation;

/// Attached volumes are encrypted (with `kms_key`, when given: id or ARN suffix).
pub fn encrypted_volumes(ctx: &Context, kms_key: Option<&str>) -> Vec<Evaluation> {
    ctx.snapshot
        .volumes
        .values()
        .map(|v| {
            let arn = ec2_arn(&v.scope, "volume", &v.volume_id);
            let res = resource(ResourceType::Volume, &v.volume_id, arn, &v.scope, &v.tags);
            if !v.is_attached() {
                return Evaluation::not_applicable(res, "not attached to an instance");
            }
            let key_ok = match (kms_key, v.kms_key_id.as_deref()) {
                (None, _) => true,
                (Some(want), Some(have)) => have == want || have.ends_with(&format!("/{want}")),
                (Some(_), None) => false,
            };
            let why = if !v.encrypted {
                format!("{} is attached and not encrypted", v.volume_id)
            } else {
                format!(
                    "{} is encrypted with {} instead of {}",
                    v.volume_id,
                    v.kms_key_id.as_deref().unwrap_or("an unknown key"),
                    kms_key.unwrap_or("")
                )
            };
            Evaluation::check(res, v.encrypted && key_ok, "encrypted", &why)
        })
        .collect()
}

fn account_resource(s: &RegionalSettings) -> kensa_model::ResourceRef {
    let id = format!("{}/{}", s.scope.account, s.scope.region);
    resource(ResourceType::Account, &id, None, &s.scope, &[])
}

/// New EBS volumes are encrypted by default in every region with an answer.
pub fn ebs_encryption_by_default(ctx: &Context) -> Vec<Evaluation> {
    ctx.snapshot
        .regional_settings
        .values()
        .filter_map(|s| Some((s, s.ebs_encryption_by_default?)))
        .map(|(s, on)| {
            Evaluation::check(
                account_resource(s),
                on,
                "EBS encryption by default is enabled",
                &format!(
                    "EBS encryption by default is disabled in {}",
                    s.scope.region
                ),
            )
        })
        .collect()
}

fn regional<'a>(ctx: &'a Context, snap: &EbsSnapshot) -> Option<&'a RegionalSettings> {
    ctx.snapshot
        .regional_settings
        .get(&RegionalSettings::key(&snap.scope))
}

/// No snapshot is restorable by every AWS account.
pub fn public_snapshots(ctx: &Context) -> Vec<Evaluation> {
    ctx.snapshot
        .ebs_snapshots
        .values()
        .map(|s| {
            let arn = ec2_arn(&s.scope, "snapshot", &s.snapshot_id);
            let res = resource(
                ResourceType::EbsSnapshot,
                &s.snapshot_id,
                arn,
                &s.scope,
                &s.tags,
            );
            let blocked = regional(ctx, s).and_then(|r| r.snapshot_block_public_access.as_deref())
                == Some("block-all-sharing");
            match s.is_public() {
                _ if blocked => Evaluation::pass(res, "block public access blocks all sharing"),
                None => Evaluation::not_applicable(
                    res,
                    "createVolumePermission was not collected for this snapshot",
                ),
                Some(public) => Evaluation::check(
                    res,
                    !public,
                    "not shared with all accounts",
                    &format!(
                        "{} has createVolumePermission group `all`: anyone can restore it",
                        s.snapshot_id
                    ),
                ),
            }
        })
        .collect()
}

/// Block public access for EBS snapshots blocks all sharing.
pub fn snapshot_block_public_access(ctx: &Context) -> Vec<Evaluation> {
    ctx.snapshot
        .regional_settings
        .values()
        .filter_map(|s| Some((s, s.snapshot_block_public_access.as_deref()?)))
        .map(|(s, state)| {
            Evaluation::check(
                account_resource(s),
                state == "block-all-sharing",
                "snapshot block public access is block-all-sharing",
                &format!(
                    "snapshot block public access in {} is {state}, not block-all-sharing",
                    s.scope.region
                ),
            )
        })
        .collect()
}
