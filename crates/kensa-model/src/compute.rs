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
    /// Its id (`vol-…`): the key the snapshot stores it under and findings name it by.
    pub volume_id: String,
    /// Whether the data is encrypted at rest (EBS encryption).
    #[serde(default)]
    pub encrypted: bool,
    /// The KMS key that encrypts it, when encrypted.
    #[serde(default)]
    pub kms_key_id: Option<String>,
    /// `creating`, `available`, `in-use`, `deleting`, `deleted`, `error`.
    #[serde(default)]
    pub state: Option<String>,
    /// Its size in GiB.
    #[serde(default)]
    pub size: Option<i64>,
    /// The snapshot it was created from, if any.
    #[serde(default)]
    pub snapshot_id: Option<String>,
    /// The Availability Zone it lives in (a volume attaches only to instances there).
    #[serde(default)]
    pub availability_zone: Option<String>,
    /// Its type (`gp3`, `io2`, `st1`, ...).
    #[serde(default)]
    pub volume_type: Option<String>,
    /// The instances it is attached to.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub attachments: Vec<VolumeAttachment>,
    /// Its tags (`Key`/`Value` pairs; `Name` is what people call it).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
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

/// Where a volume is attached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct VolumeAttachment {
    /// The instance it is attached to.
    #[serde(default)]
    pub instance_id: Option<String>,
    /// The device name on the instance (`/dev/xvda`).
    #[serde(default)]
    pub device: Option<String>,
    /// `attaching`, `attached`, `detaching`, `detached`, `busy`.
    #[serde(default)]
    pub state: Option<String>,
    /// Whether it is deleted with the instance.
    #[serde(default)]
    pub delete_on_termination: Option<bool>,
}

/// `describe-snapshots`: one EBS snapshot, its `createVolumePermission` merged in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct EbsSnapshot {
    /// Its id (`snap-…`): the key the snapshot stores it under and findings name it by.
    pub snapshot_id: String,
    /// The volume it was taken of.
    #[serde(default)]
    pub volume_id: Option<String>,
    /// Whether the data is encrypted at rest (EBS encryption).
    #[serde(default)]
    pub encrypted: bool,
    /// The account that owns it.
    #[serde(default)]
    pub owner_id: Option<String>,
    /// Its state (`pending`, `completed`, `error`).
    #[serde(default)]
    pub state: Option<String>,
    /// The description given when it was taken.
    #[serde(default)]
    pub description: Option<String>,
    /// When it was taken (RFC 3339).
    #[serde(default)]
    pub start_time: Option<String>,
    /// Its tags (`Key`/`Value` pairs; `Name` is what people call it).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// From `describe-snapshot-attribute`; `None` when the attribute was not collected.
    #[serde(default)]
    pub create_volume_permissions: Option<Vec<CreateVolumePermission>>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
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
    /// `all` when the permission is public.
    #[serde(default)]
    pub group: Option<String>,
    /// An account allowed to create volumes from it.
    #[serde(default)]
    pub user_id: Option<String>,
}

/// `describe-snapshot-attribute --attribute createVolumePermission`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct SnapshotAttribute {
    /// The snapshot the permissions are of.
    pub snapshot_id: String,
    /// Who may create volumes from it: `group: all` makes it public; account ids share it.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub create_volume_permissions: Vec<CreateVolumePermission>,
}

/// `describe-images`: one AMI, its launch permissions merged in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Image {
    /// Its id (`ami-…`): the key the snapshot stores it under and findings name it by.
    pub image_id: String,
    /// Its name.
    #[serde(default)]
    pub name: Option<String>,
    /// The account that owns it (AMIs of other accounts appear when shared).
    #[serde(default)]
    pub owner_id: Option<String>,
    /// `describe-images` says whether the image has public launch permissions.
    #[serde(default)]
    pub public: Option<bool>,
    /// Its state (`available`, `pending`, `deregistered`, ...).
    #[serde(default)]
    pub state: Option<String>,
    /// When it was created (RFC 3339).
    #[serde(default)]
    pub creation_date: Option<String>,
    /// The operating system and billing product.
    #[serde(default)]
    pub platform_details: Option<String>,
    /// Its tags (`Key`/`Value` pairs; `Name` is what people call it).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// From `describe-image-attribute`; `None` when the attribute was not collected.
    #[serde(default)]
    pub launch_permissions: Option<Vec<LaunchPermission>>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
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

/// One grant of an AMI's launch permission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct LaunchPermission {
    /// `all` when the permission is public.
    #[serde(default)]
    pub group: Option<String>,
    /// An account allowed to launch it.
    #[serde(default)]
    pub user_id: Option<String>,
    /// An AWS Organization allowed to launch it.
    #[serde(default)]
    pub organization_arn: Option<String>,
    /// An organizational unit allowed to launch it.
    #[serde(default)]
    pub organizational_unit_arn: Option<String>,
}

/// `describe-image-attribute --attribute launchPermission`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ImageAttribute {
    /// The AMI the permissions are of.
    pub image_id: String,
    /// Who may launch it: `group: all` makes it public; account ids and organizations share it.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub launch_permissions: Vec<LaunchPermission>,
}

/// Instance metadata service settings (`MetadataOptions` of an instance, or of a launch
/// template's `LaunchTemplateData`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct MetadataOptions {
    /// Whether the settings are applied yet (`pending`, `applied`).
    #[serde(default)]
    pub state: Option<String>,
    /// `required` (IMDSv2 only) or `optional` (IMDSv1 allowed).
    #[serde(default)]
    pub http_tokens: Option<String>,
    /// How many network hops the token response may travel; above 1, containers on the host can
    /// fetch credentials.
    #[serde(default)]
    pub http_put_response_hop_limit: Option<i32>,
    /// `enabled` or `disabled`.
    #[serde(default)]
    pub http_endpoint: Option<String>,
    /// Whether the IPv6 endpoint (`fd00:ec2::254`) is enabled.
    #[serde(default)]
    pub http_protocol_ipv6: Option<String>,
    /// Whether instance tags are readable through the metadata service.
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
    /// Its id (`lt-…`): the key the snapshot stores it under and findings name it by.
    pub launch_template_id: String,
    /// The launch template's name.
    #[serde(default)]
    pub launch_template_name: Option<String>,
    /// The version launched when none is named.
    #[serde(default)]
    pub default_version_number: Option<i64>,
    /// The newest version.
    #[serde(default)]
    pub latest_version_number: Option<i64>,
    /// Its tags (`Key`/`Value` pairs; `Name` is what people call it).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}

/// `describe-launch-template-versions`: one version; the snapshot keys it by
/// `<LaunchTemplateId>:<VersionNumber>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct LaunchTemplateVersion {
    /// The template it is a version of (`lt-…`); with the version number, its key.
    pub launch_template_id: String,
    /// The template's name.
    #[serde(default)]
    pub launch_template_name: Option<String>,
    /// This version's number.
    pub version_number: i64,
    /// Whether it is the template's default version (the one configuration checks judge).
    #[serde(default)]
    pub default_version: bool,
    /// What instances launched from it get.
    #[serde(default)]
    pub launch_template_data: LaunchTemplateData,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}

impl LaunchTemplateVersion {
    /// The snapshot's map key for this version.
    pub fn key(&self) -> String {
        format!("{}:{}", self.launch_template_id, self.version_number)
    }
}

/// The instance configuration a launch template version holds (the parts the checks read).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct LaunchTemplateData {
    /// The AMI instances launch from.
    #[serde(default)]
    pub image_id: Option<String>,
    /// The instance type.
    #[serde(default)]
    pub instance_type: Option<String>,
    /// The instance metadata service settings (IMDSv2, hop limit).
    #[serde(default)]
    pub metadata_options: Option<MetadataOptions>,
    /// The network interfaces instances get.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub network_interfaces: Vec<LaunchTemplateNetworkInterface>,
    /// The security groups (`sg-…`) instances launched from it get.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub security_group_ids: Vec<String>,
}

/// A network interface a launch template gives its instances.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct LaunchTemplateNetworkInterface {
    /// Whether instances get a public IPv4 address on this interface.
    #[serde(default)]
    pub associate_public_ip_address: Option<bool>,
    /// The device index on the instance (0 is the primary interface).
    #[serde(default)]
    pub device_index: Option<i32>,
    /// The subnet the interface goes in.
    #[serde(default)]
    pub subnet_id: Option<String>,
    /// An existing interface to attach instead of creating one.
    #[serde(default)]
    pub network_interface_id: Option<String>,
    /// The security groups of the interface.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub groups: Vec<String>,
}

/// `describe-flow-logs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct FlowLog {
    /// Its id (`fl-…`): the key the snapshot stores it under and findings name it by.
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
    /// Where logs go (`cloud-watch-logs`, `s3`, `kinesis-data-firehose`).
    #[serde(default)]
    pub log_destination_type: Option<String>,
    /// The destination's ARN.
    #[serde(default)]
    pub log_destination: Option<String>,
    /// Whether delivery works (`SUCCESS`, `FAILED`); a failing flow log records nothing.
    #[serde(default)]
    pub deliver_logs_status: Option<String>,
    /// Its tags (`Key`/`Value` pairs; `Name` is what people call it).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
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
