//! Account settings the remediation planner needs beyond the network model: EBS
//! encryption by default, public snapshots and owned AMIs. Written in the AWS CLI's
//! shape (`get-ebs-encryption-by-default`, `describe-snapshots --owner-ids self
//! --restorable-by-user-ids all`, `describe-images --owners self`) under
//! `<snapshot>/settings/` (same region/account layout as `aws_configs/`), so the
//! network snapshot stays exactly what the model loads, and read back by
//! [`Extras::load`] (which also accepts them inside `aws_configs/`).
use std::collections::BTreeMap;
use std::path::Path;

use aws_sdk_ec2::types as sdk;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::error::AwsError;

/// The folder beside `aws_configs` that holds the settings files.
pub const SETTINGS_DIR: &str = "settings";
pub const EBS_KEY: &str = "EbsEncryptionByDefault";
pub const SNAPSHOTS_KEY: &str = "Snapshots";
pub const IMAGES_KEY: &str = "Images";

pub fn snapshot(s: &sdk::Snapshot) -> Value {
    json!({
        "SnapshotId": s.snapshot_id(),
        "VolumeId": s.volume_id(),
        "OwnerId": s.owner_id(),
        "State": s.state().map(|v| v.as_str()),
        "Encrypted": s.encrypted(),
        "Description": s.description(),
        "VolumeSize": s.volume_size(),
    })
}

pub fn image(i: &sdk::Image) -> Value {
    json!({
        "ImageId": i.image_id(),
        "Name": i.name(),
        "OwnerId": i.owner_id(),
        "Public": i.public(),
        "State": i.state().map(|v| v.as_str()),
    })
}

/// What the planner reads from those files, per region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegionExtras {
    pub ebs_encryption_by_default: Option<bool>,
    /// Snapshots owned by the account that anyone can restore.
    pub public_snapshots: Vec<String>,
    /// AMIs owned by the account with `Public: true`.
    pub public_images: Vec<String>,
}

/// Extras of a snapshot directory, keyed by (account, region); account is empty for the
/// single-account layout.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Extras {
    pub regions: BTreeMap<(String, String), RegionExtras>,
}

#[derive(Deserialize)]
struct IdRecord {
    #[serde(rename = "SnapshotId", default)]
    snapshot_id: Option<String>,
    #[serde(rename = "ImageId", default)]
    image_id: Option<String>,
    #[serde(rename = "Public", default)]
    public: Option<bool>,
}

impl Extras {
    /// Reads `EbsEncryptionByDefault`, `Snapshots` and `Images` files under
    /// `<root>/settings/` and `<root>/aws_configs/` (both layouts). Files with other keys
    /// are ignored here.
    pub fn load(root: &Path) -> Result<Extras, AwsError> {
        let mut extras = Extras::default();
        let mut dirs = region_dirs(&root.join(SETTINGS_DIR))?;
        dirs.extend(region_dirs(&root.join("aws_configs"))?);
        for (account, region, dir) in dirs {
            let mut found = RegionExtras::default();
            let mut any = false;
            for entry in std::fs::read_dir(&dir).map_err(|e| AwsError::io(&dir, e))? {
                let path = entry.map_err(|e| AwsError::io(&dir, e))?.path();
                if path.extension().and_then(|e| e.to_str()) != Some("json") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).map_err(|e| AwsError::io(&path, e))?;
                let Ok(value) = serde_json::from_str::<Value>(&text) else {
                    continue; // the snapshot loader reports broken files
                };
                any |= absorb(&value, &mut found, &path)?;
            }
            if any {
                let slot = extras.regions.entry((account, region)).or_default();
                slot.ebs_encryption_by_default = slot
                    .ebs_encryption_by_default
                    .or(found.ebs_encryption_by_default);
                slot.public_snapshots.extend(found.public_snapshots);
                slot.public_snapshots.sort();
                slot.public_snapshots.dedup();
                slot.public_images.extend(found.public_images);
                slot.public_images.sort();
                slot.public_images.dedup();
            }
        }
        Ok(extras)
    }
}

fn absorb(value: &Value, found: &mut RegionExtras, path: &Path) -> Result<bool, AwsError> {
    let parse = |v: &Value| -> Result<Vec<IdRecord>, AwsError> {
        serde_json::from_value(v.clone()).map_err(|e| AwsError::Json {
            path: path.to_owned(),
            source: e,
        })
    };
    if let Some(b) = value.get(EBS_KEY).and_then(Value::as_bool) {
        found.ebs_encryption_by_default = Some(b);
        return Ok(true);
    }
    if let Some(list) = value.get(SNAPSHOTS_KEY) {
        found
            .public_snapshots
            .extend(parse(list)?.into_iter().filter_map(|r| r.snapshot_id));
        found.public_snapshots.sort();
        return Ok(true);
    }
    if let Some(list) = value.get(IMAGES_KEY) {
        let public = parse(list)?
            .into_iter()
            .filter(|r| r.public == Some(true))
            .filter_map(|r| r.image_id);
        found.public_images.extend(public);
        found.public_images.sort();
        return Ok(true);
    }
    Ok(false)
}

/// `(account, region, dir)` for `aws_configs/<region>/` and
/// `aws_configs/accounts/<account>/<region>/`.
pub(crate) fn region_dirs(
    aws_configs: &Path,
) -> Result<Vec<(String, String, std::path::PathBuf)>, AwsError> {
    let mut out = Vec::new();
    if !aws_configs.is_dir() {
        return Ok(out);
    }
    for entry in sorted_dirs(aws_configs)? {
        let name = file_name(&entry);
        if name == "accounts" {
            for account in sorted_dirs(&entry)? {
                for region in sorted_dirs(&account)? {
                    out.push((file_name(&account), file_name(&region), region));
                }
            }
        } else {
            out.push((String::new(), name, entry));
        }
    }
    Ok(out)
}

fn sorted_dirs(dir: &Path) -> Result<Vec<std::path::PathBuf>, AwsError> {
    let mut dirs: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| AwsError::io(dir, e))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    Ok(dirs)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
