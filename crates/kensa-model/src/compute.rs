//! Storage and compute configuration that the configuration controls read: EBS volumes,
//! snapshots (with their `createVolumePermission`), AMIs (with their launch permissions),
//! launch templates and their versions, VPC flow logs, and instance metadata options.
//!
//! Shapes follow the AWS CLI output of `describe-volumes`, `describe-snapshots`,
//! `describe-snapshot-attribute --attribute createVolumePermission`, `describe-images`,
//! `describe-image-attribute --attribute launchPermission`, `describe-launch-templates`,
//! `describe-launch-template-versions` and `describe-flow-logs`.
use serde::{Deserialize, Serialize};

use crate::ec2::Tag;
use crate::instance::Instance;
use crate::snapshot::Scope;

/// `describe-volumes`: one EBS volume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Volume {
    pub volume_id: String,
    #[serde(default)]
    pub encrypted: bool,
    #[serde(default)]
    pub kms_key_id: Option<String>,
    /// `creating`, `available`, `in-use`, `deleting`, `deleted`, `error`.
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub size: Option<i64>,
    #[serde(default)]
    pub snapshot_id: Option<String>,
    #[serde(default)]
    pub availability_zone: Option<String>,
    #[serde(default)]
    pub volume_type: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub attachments: Vec<VolumeAttachment>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    #[serde(skip)]
    pub scope: Scope,
}

impl Volume {
    /// Attached to an instance (any attachment not `detached`).
    pub fn is_attached(&self) -> bool {
        self.attachments
            .iter()
            .any(|a| a.state.as_deref() != Some("detached"))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct VolumeAttachment {
    #[serde(default)]
    pub instance_id: Option<String>,
    #[serde(default)]
    pub device: Option<String>,
    /// `attaching`, `attached`, `detaching`, `detached`, `busy`.
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub delete_on_termination: Option<bool>,
}

/// `describe-snapshots`: one EBS snapshot, its `createVolumePermission` merged in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct EbsSnapshot {
    pub snapshot_id: String,
    #[serde(default)]
    pub volume_id: Option<String>,
    #[serde(default)]
    pub encrypted: bool,
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub start_time: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// From `describe-snapshot-attribute`; `None` when the attribute was not collected.
    #[serde(default)]
    pub create_volume_permissions: Option<Vec<CreateVolumePermission>>,
    #[serde(skip)]
    pub scope: Scope,
}

impl EbsSnapshot {
    /// Restorable by every AWS account (`{"Group": "all"}`); `None` when not collected.
    pub fn is_public(&self) -> Option<bool> {
        self.create_volume_permissions
            .as_ref()
            .map(|p| p.iter().any(|p| p.group.as_deref() == Some("all")))
    }
}

/// One `CreateVolumePermissions` entry: `{"Group": "all"}` or `{"UserId": "…"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct CreateVolumePermission {
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub user_id: Option<String>,
}

/// `describe-snapshot-attribute --attribute createVolumePermission`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct SnapshotAttribute {
    pub snapshot_id: String,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub create_volume_permissions: Vec<CreateVolumePermission>,
}

/// `describe-images`: one AMI, its launch permissions merged in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Image {
    pub image_id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub owner_id: Option<String>,
    /// `describe-images` says whether the image has public launch permissions.
    #[serde(default)]
    pub public: Option<bool>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub creation_date: Option<String>,
    #[serde(default)]
    pub platform_details: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// From `describe-image-attribute`; `None` when the attribute was not collected.
    #[serde(default)]
    pub launch_permissions: Option<Vec<LaunchPermission>>,
    #[serde(skip)]
    pub scope: Scope,
}

impl Image {
    /// Public by either the image's own flag or a `{"Group": "all"}` launch permission.
    pub fn is_public(&self) -> bool {
        self.public == Some(true)
            || self
                .launch_permissions
                .iter()
                .flatten()
                .any(|p| p.group.as_deref() == Some("all"))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct LaunchPermission {
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub organization_arn: Option<String>,
    #[serde(default)]
    pub organizational_unit_arn: Option<String>,
}

/// `describe-image-attribute --attribute launchPermission`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ImageAttribute {
    pub image_id: String,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub launch_permissions: Vec<LaunchPermission>,
}

/// Instance metadata service settings (`MetadataOptions` of an instance, or of a launch
/// template's `LaunchTemplateData`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct MetadataOptions {
    #[serde(default)]
    pub state: Option<String>,
    /// `required` (IMDSv2 only) or `optional` (IMDSv1 allowed).
    #[serde(default)]
    pub http_tokens: Option<String>,
    #[serde(default)]
    pub http_put_response_hop_limit: Option<i32>,
    /// `enabled` or `disabled`.
    #[serde(default)]
    pub http_endpoint: Option<String>,
    #[serde(default)]
    pub http_protocol_ipv6: Option<String>,
    #[serde(default)]
    pub instance_metadata_tags: Option<String>,
}

impl MetadataOptions {
    /// IMDSv1 is refused: tokens required, or the endpoint is off altogether.
    pub fn requires_imdsv2(&self) -> bool {
        self.http_tokens.as_deref() == Some("required")
            || self.http_endpoint.as_deref() == Some("disabled")
    }
}

impl Instance {
    /// The instance's `MetadataOptions`, typed; `None` when absent or malformed.
    pub fn metadata(&self) -> Option<MetadataOptions> {
        self.metadata_options
            .as_ref()
            .and_then(|v| MetadataOptions::deserialize(v).ok())
    }
}

/// `describe-launch-templates`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct LaunchTemplate {
    pub launch_template_id: String,
    #[serde(default)]
    pub launch_template_name: Option<String>,
    #[serde(default)]
    pub default_version_number: Option<i64>,
    #[serde(default)]
    pub latest_version_number: Option<i64>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    #[serde(skip)]
    pub scope: Scope,
}

/// `describe-launch-template-versions`: one version; the snapshot keys it by
/// `<LaunchTemplateId>:<VersionNumber>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct LaunchTemplateVersion {
    pub launch_template_id: String,
    #[serde(default)]
    pub launch_template_name: Option<String>,
    pub version_number: i64,
    #[serde(default)]
    pub default_version: bool,
    #[serde(default)]
    pub launch_template_data: LaunchTemplateData,
    #[serde(skip)]
    pub scope: Scope,
}

impl LaunchTemplateVersion {
    /// The snapshot's map key for this version.
    pub fn key(&self) -> String {
        format!("{}:{}", self.launch_template_id, self.version_number)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct LaunchTemplateData {
    #[serde(default)]
    pub image_id: Option<String>,
    #[serde(default)]
    pub instance_type: Option<String>,
    #[serde(default)]
    pub metadata_options: Option<MetadataOptions>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub network_interfaces: Vec<LaunchTemplateNetworkInterface>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub security_group_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct LaunchTemplateNetworkInterface {
    #[serde(default)]
    pub associate_public_ip_address: Option<bool>,
    #[serde(default)]
    pub device_index: Option<i32>,
    #[serde(default)]
    pub subnet_id: Option<String>,
    #[serde(default)]
    pub network_interface_id: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub groups: Vec<String>,
}

/// `describe-flow-logs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct FlowLog {
    pub flow_log_id: String,
    /// The VPC, subnet or ENI the flow log watches.
    #[serde(default)]
    pub resource_id: Option<String>,
    /// `ACTIVE` when it delivers.
    #[serde(default)]
    pub flow_log_status: Option<String>,
    /// `ACCEPT`, `REJECT` or `ALL`.
    #[serde(default)]
    pub traffic_type: Option<String>,
    #[serde(default)]
    pub log_destination_type: Option<String>,
    #[serde(default)]
    pub log_destination: Option<String>,
    #[serde(default)]
    pub deliver_logs_status: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    #[serde(skip)]
    pub scope: Scope,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_publicity_needs_the_attribute() {
        let mut s = EbsSnapshot {
            snapshot_id: "snap-1".into(),
            ..Default::default()
        };
        assert_eq!(s.is_public(), None);
        s.create_volume_permissions = Some(vec![CreateVolumePermission {
            group: Some("all".into()),
            user_id: None,
        }]);
        assert_eq!(s.is_public(), Some(true));
    }

    #[test]
    fn instance_metadata_options_are_typed() {
        let i: Instance = serde_json::from_value(serde_json::json!({
            "InstanceId": "i-1",
            "MetadataOptions": {"State": "applied", "HttpTokens": "optional",
                                "HttpPutResponseHopLimit": 1, "HttpEndpoint": "enabled"}
        }))
        .unwrap();
        let m = i.metadata().unwrap();
        assert_eq!(m.http_tokens.as_deref(), Some("optional"));
        assert!(!m.requires_imdsv2());
    }
}
