//! Account settings and public resources the remediation planner acts on: EBS
//! encryption by default, the account's public snapshots and public AMIs, per account
//! and region.
//!
//! The collector writes them into `aws_configs/` (`EbsEncryptionByDefault`, `Snapshots`
//! with their `CreateVolumePermissions`, `Images` with `Public` and `LaunchPermissions`),
//! where the snapshot loader reads them; [`Extras::from_snapshot`] takes them from the
//! loaded model. Snapshots collected before that kept them in `<snapshot>/settings/`
//! (same region/account layout, holding only the public snapshots); [`Extras::load`]
//! still reads those.
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use kensa_model::Snapshot;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::AwsError;

/// The folder beside `aws_configs` that held the settings files of older snapshots.
pub const SETTINGS_DIR: &str = "settings";
/// The key (and file name) of `GetEbsEncryptionByDefault`'s answer.
pub const EBS_KEY: &str = "EbsEncryptionByDefault";
/// The key (and file name) of the account's EBS snapshots.
pub const SNAPSHOTS_KEY: &str = "Snapshots";
/// The key (and file name) of the account's AMIs.
pub const IMAGES_KEY: &str = "Images";

/// What the planner reads, per region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegionExtras {
    /// Whether new EBS volumes are encrypted by default (`None`: not collected).
    pub ebs_encryption_by_default: Option<bool>,
    /// Snapshots owned by the account that anyone can restore.
    pub public_snapshots: Vec<String>,
    /// AMIs owned by the account with `Public: true`.
    pub public_images: Vec<String>,
}

impl RegionExtras {
    /// Adds `other`'s answers; an EBS answer already here wins.
    fn absorb(&mut self, other: RegionExtras) {
        self.ebs_encryption_by_default = self
            .ebs_encryption_by_default
            .or(other.ebs_encryption_by_default);
        self.public_snapshots.extend(other.public_snapshots);
        self.public_snapshots.sort();
        self.public_snapshots.dedup();
        self.public_images.extend(other.public_images);
        self.public_images.sort();
        self.public_images.dedup();
    }
}

/// Extras of a snapshot, keyed by (account, region); account is empty for the
/// single-account layout.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Extras {
    /// Per (account, region).
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
    /// Reads the `EbsEncryptionByDefault`, `Snapshots` and `Images` files of an older
    /// snapshot's `<root>/settings/` (both layouts); every snapshot listed there is a
    /// public one. Files with other keys are ignored; no `settings/` gives no extras.
    pub fn load(root: &Path) -> Result<Extras, AwsError> {
        let mut extras = Extras::default();
        for (account, region, dir) in region_dirs(&root.join(SETTINGS_DIR))? {
            let mut found = RegionExtras::default();
            let mut any = false;
            for entry in std::fs::read_dir(&dir).map_err(|e| AwsError::io(&dir, e))? {
                let path = entry.map_err(|e| AwsError::io(&dir, e))?.path();
                if path.extension().and_then(|e| e.to_str()) != Some("json") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).map_err(|e| AwsError::io(&path, e))?;
                let value = serde_json::from_str::<Value>(&text).map_err(|e| AwsError::Json {
                    path: path.clone(),
                    source: e,
                })?;
                any |= absorb(&value, &mut found, &path)?;
            }
            if any {
                extras.add(account, region, found);
            }
        }
        Ok(extras)
    }

    /// The same facts from a loaded snapshot: EBS encryption by default per region,
    /// snapshots whose `createVolumePermission` has the group `all`, and public images.
    /// Only resources of the snapshot's own accounts count (the owners of its VPCs), so
    /// a `describe-images` listing of other owners' public AMIs plans nothing.
    pub fn from_snapshot(snapshot: &Snapshot) -> Extras {
        let own: BTreeSet<&str> = snapshot
            .vpcs
            .values()
            .filter_map(|v| v.owner_id.as_deref())
            .collect();
        let owned = |owner: Option<&str>| own.is_empty() || owner.is_some_and(|o| own.contains(o));
        // A single-account layout names no account; its settings belong to the one
        // account the resources name.
        let sole = match (own.len(), own.first()) {
            (1, Some(a)) => a.to_string(),
            _ => String::new(),
        };
        let mut extras = Extras::default();
        for s in snapshot.regional_settings.values() {
            let found = RegionExtras {
                ebs_encryption_by_default: s.ebs_encryption_by_default,
                ..RegionExtras::default()
            };
            let account = match s.scope.account.as_str() {
                "" => sole.clone(),
                a => a.to_owned(),
            };
            extras.add(account, s.scope.region.clone(), found);
        }
        for s in snapshot.ebs_snapshots.values() {
            if s.is_public() == Some(true) && owned(s.owner_id.as_deref()) {
                let found = RegionExtras {
                    public_snapshots: vec![s.snapshot_id.clone()],
                    ..RegionExtras::default()
                };
                extras.add(s.scope.account.clone(), s.scope.region.clone(), found);
            }
        }
        for i in snapshot.images.values() {
            if i.is_public() && owned(i.owner_id.as_deref()) {
                let found = RegionExtras {
                    public_images: vec![i.image_id.clone()],
                    ..RegionExtras::default()
                };
                extras.add(i.scope.account.clone(), i.scope.region.clone(), found);
            }
        }
        extras
    }

    /// `self` with `other`'s answers added (a region's EBS answer in `self` wins).
    pub fn merged(mut self, other: Extras) -> Extras {
        for ((account, region), found) in other.regions {
            self.add(account, region, found);
        }
        self
    }

    fn add(&mut self, account: String, region: String, found: RegionExtras) {
        self.regions
            .entry((account, region))
            .or_default()
            .absorb(found);
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
        return Ok(true);
    }
    if let Some(list) = value.get(IMAGES_KEY) {
        let public = parse(list)?
            .into_iter()
            .filter(|r| r.public == Some(true))
            .filter_map(|r| r.image_id);
        found.public_images.extend(public);
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

#[cfg(test)]
mod tests {
    use kensa_model::account::RegionalSettings;
    use kensa_model::compute::{CreateVolumePermission, EbsSnapshot, Image};
    use kensa_model::ec2::Vpc;
    use kensa_model::Scope;

    use super::*;

    fn scope(account: &str) -> Scope {
        Scope {
            account: account.into(),
            region: "eu-west-1".into(),
        }
    }

    #[test]
    fn older_snapshots_settings_folder_is_still_read() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("settings/eu-west-1");
        std::fs::create_dir_all(&dir).unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
        write(
            "EbsEncryptionByDefault.json",
            r#"{"EbsEncryptionByDefault": false}"#,
        );
        write(
            "Snapshots.json",
            r#"{"Snapshots": [{"SnapshotId": "snap-1"}]}"#,
        );
        write(
            "Images.json",
            r#"{"Images": [{"ImageId": "ami-1", "Public": true}, {"ImageId": "ami-2", "Public": false}]}"#,
        );
        let x = Extras::load(root.path()).unwrap();
        let r = &x.regions[&(String::new(), "eu-west-1".to_owned())];
        assert_eq!(r.ebs_encryption_by_default, Some(false));
        assert_eq!(r.public_snapshots, ["snap-1"]);
        assert_eq!(r.public_images, ["ami-1"]);

        write("Broken.json", "{");
        let err = Extras::load(root.path()).unwrap_err().to_string();
        assert!(err.contains("Broken.json"), "{err}");
    }

    #[test]
    fn from_snapshot_takes_public_resources_of_the_accounts_own() {
        let mut s = Snapshot::default();
        let vpc = Vpc {
            vpc_id: "vpc-1".into(),
            owner_id: Some("111122223333".into()),
            scope: scope("111122223333"),
            ..Vpc::default()
        };
        s.vpcs.insert(vpc.vpc_id.clone(), vpc);
        let settings = RegionalSettings {
            ebs_encryption_by_default: Some(false),
            scope: scope(""),
            ..RegionalSettings::default()
        };
        s.regional_settings.insert("/eu-west-1".into(), settings);
        let all = |g: &str| {
            Some(vec![CreateVolumePermission {
                group: Some(g.into()),
                user_id: None,
            }])
        };
        let snap = |id: &str, perms| EbsSnapshot {
            snapshot_id: id.into(),
            owner_id: Some("111122223333".into()),
            create_volume_permissions: perms,
            scope: scope("111122223333"),
            ..EbsSnapshot::default()
        };
        for (id, perms) in [
            ("snap-pub", all("all")),
            ("snap-priv", Some(vec![])),
            ("snap-unknown", None),
        ] {
            s.ebs_snapshots.insert(id.into(), snap(id, perms));
        }
        let image = |id: &str, owner: &str| Image {
            image_id: id.into(),
            owner_id: Some(owner.into()),
            public: Some(true),
            scope: scope(owner),
            ..Image::default()
        };
        s.images
            .insert("ami-own".into(), image("ami-own", "111122223333"));
        s.images
            .insert("ami-amazon".into(), image("ami-amazon", "137112412989"));

        let x = Extras::from_snapshot(&s);
        assert_eq!(x.regions.len(), 1, "{x:?}");
        let r = &x.regions[&("111122223333".to_owned(), "eu-west-1".to_owned())];
        assert_eq!(r.ebs_encryption_by_default, Some(false));
        assert_eq!(r.public_snapshots, ["snap-pub"]);
        assert_eq!(r.public_images, ["ami-own"]);

        let legacy = Extras {
            regions: [(
                ("111122223333".to_owned(), "eu-west-1".to_owned()),
                RegionExtras {
                    ebs_encryption_by_default: Some(true),
                    public_snapshots: vec!["snap-old".into(), "snap-pub".into()],
                    public_images: vec![],
                },
            )]
            .into(),
        };
        let m = legacy.merged(x);
        let r = &m.regions[&("111122223333".to_owned(), "eu-west-1".to_owned())];
        assert_eq!(r.ebs_encryption_by_default, Some(true));
        assert_eq!(r.public_snapshots, ["snap-old", "snap-pub"]);
    }
}
