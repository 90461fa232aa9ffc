//! Storage, compute and account-setting documents the configuration controls read:
//! volumes, snapshots (and their `createVolumePermission`), images (and their launch
//! permissions), launch templates and versions, flow logs, and the per-region `get-*`
//! settings (EBS encryption by default, serial console, snapshot/AMI/VPC block public access).
//!
//! Attribute documents (`{"SnapshotId": ..., "CreateVolumePermissions": [...]}`) are kept
//! until every document is read and merged into their parent then, so file order does not
//! matter.
use std::collections::BTreeMap;

use serde::de::DeserializeOwned;

use super::parse::{Cx, Top, Val};
use super::resource::{resource, Resource};
use super::Builder;
use crate::account::{
    RegionalSettings, VpcBlockPublicAccessOptions, SNAPSHOT_BLOCK_PUBLIC_ACCESS_STATES,
};
use crate::compute::{
    CreateVolumePermission, EbsSnapshot, FlowLog, Image, LaunchPermission, LaunchTemplate,
    LaunchTemplateVersion, Volume,
};
use crate::snapshot::{Scope, Snapshot, Warning};

/// Attribute documents waiting for their snapshot or image.
#[derive(Default)]
pub(crate) struct PendingAttributes {
    /// (file label, path, snapshot id, permissions)
    snapshots: Vec<(String, String, String, Vec<CreateVolumePermission>)>,
    images: Vec<(String, String, String, Vec<LaunchPermission>)>,
}

impl Builder {
    /// Handles `key` when it is one of this module's; false otherwise.
    pub(super) fn compute_data(
        &mut self,
        cx: &Cx<'_>,
        top: &Top<'_>,
        key: &str,
        path: &str,
        raw: &Val<'_>,
    ) -> bool {
        match key {
            "LaunchTemplateVersions" => self.template_versions(cx, path, raw),
            "EbsEncryptionByDefault" => {
                if let Some(v) = self.value::<bool>(cx, path, raw) {
                    self.settings(cx.scope).ebs_encryption_by_default = Some(v);
                }
            }
            "SerialConsoleAccessEnabled" => {
                if let Some(v) = self.value::<bool>(cx, path, raw) {
                    self.settings(cx.scope).serial_console_access_enabled = Some(v);
                }
            }
            "KmsKeyId" if top.len() == 1 => {
                if let Some(v) = self.value::<String>(cx, path, raw) {
                    self.settings(cx.scope).ebs_default_kms_key_id = Some(v);
                }
            }
            "State" if top.len() == 1 => {
                let state = raw.as_string();
                match state.filter(|s| SNAPSHOT_BLOCK_PUBLIC_ACCESS_STATES.contains(&s.as_str())) {
                    Some(s) => self.settings(cx.scope).snapshot_block_public_access = Some(s),
                    None => return false,
                }
            }
            "ImageBlockPublicAccessState" => {
                if let Some(v) = self.value::<String>(cx, path, raw) {
                    self.settings(cx.scope).image_block_public_access = Some(v);
                }
            }
            "VpcBlockPublicAccessOptions" => {
                if let Some(v) = self.value::<VpcBlockPublicAccessOptions>(cx, path, raw) {
                    self.settings(cx.scope).vpc_block_public_access = Some(v);
                }
            }
            "CreateVolumePermissions" => {
                let (label, p) = (cx.label.to_string(), path.to_string());
                match (self.sibling(top, "SnapshotId"), self.value(cx, path, raw)) {
                    (Some(id), Some(perms)) => self.compute.snapshots.push((label, p, id, perms)),
                    (None, _) => self.warn(Warning::error(
                        cx.label,
                        path,
                        "CreateVolumePermissions without a SnapshotId beside it; skipped",
                    )),
                    _ => {}
                }
            }
            "LaunchPermissions" => {
                let (label, p) = (cx.label.to_string(), path.to_string());
                match (self.sibling(top, "ImageId"), self.value(cx, path, raw)) {
                    (Some(id), Some(perms)) => self.compute.images.push((label, p, id, perms)),
                    (None, _) => self.warn(Warning::error(
                        cx.label,
                        path,
                        "LaunchPermissions without an ImageId beside it; skipped",
                    )),
                    _ => {}
                }
            }
            "SnapshotId" if top.contains_key("CreateVolumePermissions") => {}
            "ImageId" if top.contains_key("LaunchPermissions") => {}
            _ => return false,
        }
        true
    }

    fn sibling(&self, top: &Top<'_>, key: &str) -> Option<String> {
        top.get(key).and_then(Val::as_string)
    }

    /// One JSON value of type `T`, or a warning naming the path.
    fn value<T: DeserializeOwned>(&mut self, cx: &Cx<'_>, path: &str, raw: &Val<'_>) -> Option<T> {
        match serde_json::from_str(&raw.json()) {
            Ok(v) => Some(v),
            Err(e) => {
                let msg = format!("{}; skipped", super::parse::strip_position(&e));
                self.warn(Warning::error(cx.label, path, msg));
                None
            }
        }
    }

    fn settings(&mut self, scope: &Scope) -> &mut RegionalSettings {
        self.saw(crate::resource_type::ResourceType::Account, 1);
        self.snapshot
            .regional_settings
            .entry(RegionalSettings::key(scope))
            .or_insert_with(|| RegionalSettings {
                scope: scope.clone(),
                ..RegionalSettings::default()
            })
    }

    /// Versions are keyed `<LaunchTemplateId>:<VersionNumber>`.
    fn template_versions(&mut self, cx: &Cx<'_>, path: &str, raw: &Val<'_>) {
        use crate::resource_type::ResourceType::LaunchTemplateVersion as Kind;
        let Some(list) = self.array(cx, path, raw) else {
            return self.lost(Kind);
        };
        self.saw(Kind, list.len());
        for (i, item) in list.into_iter().enumerate() {
            let item_path = format!("{path}[{i}]");
            if let Some(mut v) = self.parse_item::<LaunchTemplateVersion>(cx, &item_path, item) {
                v.scope = cx.scope.clone();
                self.snapshot.launch_template_versions.insert(v.key(), v);
            }
        }
    }

    /// Merges attribute documents into their snapshots and images.
    pub(super) fn merge_compute_attributes(&mut self) {
        let pending = std::mem::take(&mut self.compute);
        for (file, path, id, perms) in pending.snapshots {
            match self.snapshot.ebs_snapshots.get_mut(&id) {
                Some(s) => s.create_volume_permissions = Some(perms),
                None => self.warn(Warning::warning(file, path, format!("createVolumePermission of snapshot {id}, which is not in the snapshot; ignored"))),
            }
        }
        for (file, path, id, perms) in pending.images {
            match self.snapshot.images.get_mut(&id) {
                Some(i) => i.launch_permissions = Some(perms),
                None => self.warn(Warning::warning(
                    file,
                    path,
                    format!(
                        "launch permissions of image {id}, which is not in the snapshot; ignored"
                    ),
                )),
            }
        }
    }
}

resource!(Volume, Volume, volumes, |s| &s.volume_id, |_o| None);
resource!(
    EbsSnapshot,
    EbsSnapshot,
    ebs_snapshots,
    |s| &s.snapshot_id,
    |o| o.owner_id.as_deref()
);
resource!(Image, Image, images, |s| &s.image_id, |o| o
    .owner_id
    .as_deref());
resource!(
    LaunchTemplate,
    LaunchTemplate,
    launch_templates,
    |s| &s.launch_template_id,
    |_o| None
);
resource!(FlowLog, FlowLog, flow_logs, |s| &s.flow_log_id, |_o| {
    None
});

#[cfg(test)]
mod tests {
    use crate::load::Document;
    use crate::snapshot::{Scope, Snapshot, WarningLevel};

    fn load(docs: &[&str]) -> Snapshot {
        let scope = Scope {
            account: "123456789012".into(),
            region: "eu-west-1".into(),
        };
        Snapshot::from_documents(
            docs.iter()
                .enumerate()
                .map(|(i, d)| Document::new(format!("doc{i}.json"), scope.clone(), *d)),
        )
    }

    #[test]
    fn compute_documents_load_in_any_order() {
        let s = load(&[
            r#"{"SnapshotId": "snap-1", "CreateVolumePermissions": [{"Group": "all"}]}"#,
            r#"{"Snapshots": [{"SnapshotId": "snap-1", "OwnerId": "123456789012", "Encrypted": false}]}"#,
            r#"{"ImageId": "ami-1", "LaunchPermissions": [{"UserId": "210987654321"}]}"#,
            r#"{"Images": [{"ImageId": "ami-1", "Public": false}]}"#,
            r#"{"Volumes": [{"VolumeId": "vol-1", "Encrypted": true, "Attachments": [{"InstanceId": "i-1", "State": "attached"}]}]}"#,
            r#"{"LaunchTemplateVersions": [{"LaunchTemplateId": "lt-1", "VersionNumber": 2, "DefaultVersion": true, "LaunchTemplateData": {"MetadataOptions": {"HttpTokens": "required"}}}]}"#,
            r#"{"FlowLogs": [{"FlowLogId": "fl-1", "ResourceId": "vpc-1", "TrafficType": "ALL"}]}"#,
            r#"{"EbsEncryptionByDefault": true}"#,
            r#"{"SerialConsoleAccessEnabled": false}"#,
            r#"{"State": "block-all-sharing"}"#,
            r#"{"ImageBlockPublicAccessState": "block-new-sharing"}"#,
            r#"{"VpcBlockPublicAccessOptions": {"InternetGatewayBlockMode": "block-ingress"}}"#,
        ]);
        let errors: Vec<_> = s
            .warnings
            .iter()
            .filter(|w| w.level != WarningLevel::Info)
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        assert_eq!(s.ebs_snapshots["snap-1"].is_public(), Some(true));
        assert!(!s.images["ami-1"].is_public());
        assert!(s.volumes["vol-1"].is_attached());
        assert!(s.launch_template_versions["lt-1:2"].default_version);
        assert_eq!(s.flow_logs.len(), 1);
        let r = &s.regional_settings["123456789012/eu-west-1"];
        assert_eq!(r.ebs_encryption_by_default, Some(true));
        assert_eq!(r.serial_console_access_enabled, Some(false));
        assert_eq!(
            r.snapshot_block_public_access.as_deref(),
            Some("block-all-sharing")
        );
        assert_eq!(
            r.image_block_public_access.as_deref(),
            Some("block-new-sharing")
        );
        assert!(r
            .vpc_block_public_access
            .as_ref()
            .unwrap()
            .blocks_internet_gateway());
    }

    #[test]
    fn bad_compute_documents_are_warnings_with_paths() {
        let s = load(&[
            r#"{"Volumes": [{"Encrypted": true}]}"#,
            r#"{"EbsEncryptionByDefault": "yes"}"#,
            r#"{"CreateVolumePermissions": []}"#,
            r#"{"SnapshotId": "snap-9", "CreateVolumePermissions": []}"#,
            r#"{"State": "pending"}"#,
        ]);
        let at = |file: &str| {
            s.warnings
                .iter()
                .find(|w| w.file == file)
                .map(|w| (w.path.as_str(), w.message.as_str()))
        };
        assert_eq!(at("doc0.json").unwrap().0, "$.Volumes[0]");
        assert_eq!(at("doc1.json").unwrap().0, "$.EbsEncryptionByDefault");
        assert!(at("doc2.json").unwrap().1.contains("SnapshotId"));
        assert!(at("doc3.json").unwrap().1.contains("not in the snapshot"));
        assert!(at("doc4.json").unwrap().1.contains("skipped"));
    }
}
