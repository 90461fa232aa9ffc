//! Instances, network interfaces and Elastic IPs.
use serde::{Deserialize, Serialize};

use crate::ec2::Tag;
use crate::snapshot::Scope;

/// `describe-instances` prints reservations; the loader flattens them into instances.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Reservation {
    #[serde(default)]
    pub reservation_id: Option<String>,
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub instances: Vec<Instance>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Instance {
    pub instance_id: String,
    #[serde(default)]
    pub image_id: Option<String>,
    #[serde(default)]
    pub instance_type: Option<String>,
    #[serde(default)]
    pub platform: Option<String>,
    #[serde(default)]
    pub platform_details: Option<String>,
    #[serde(default)]
    pub private_ip_address: Option<String>,
    #[serde(default)]
    pub public_ip_address: Option<String>,
    #[serde(default)]
    pub subnet_id: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub state: Option<InstanceState>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub security_groups: Vec<GroupIdentifier>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub network_interfaces: Vec<InstanceNetworkInterface>,
    #[serde(default)]
    pub iam_instance_profile: Option<IamInstanceProfile>,
    #[serde(default)]
    pub metadata_options: Option<serde_json::Value>,
    #[serde(default)]
    pub launch_time: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// The reservation's `OwnerId`, copied down by the loader.
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(skip)]
    pub scope: Scope,
}

impl Instance {
    /// `running`, `stopped`, ... ; `None` when the snapshot did not say.
    pub fn state_name(&self) -> Option<&str> {
        self.state.as_ref().map(|s| s.name.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceState {
    #[serde(default)]
    pub code: Option<i32>,
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct GroupIdentifier {
    #[serde(default)]
    pub group_id: String,
    #[serde(default)]
    pub group_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct IamInstanceProfile {
    #[serde(default)]
    pub arn: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
}

/// The ENI summary embedded in an instance record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceNetworkInterface {
    pub network_interface_id: String,
    #[serde(default)]
    pub subnet_id: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub private_ip_address: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub private_ip_addresses: Vec<PrivateIpAddress>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub ipv6_addresses: Vec<Ipv6Address>,
    #[serde(default)]
    pub association: Option<IpAssociation>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub groups: Vec<GroupIdentifier>,
    #[serde(default)]
    pub attachment: Option<Attachment>,
    #[serde(default)]
    pub source_dest_check: Option<bool>,
    #[serde(default)]
    pub interface_type: Option<String>,
}

/// `describe-network-interfaces`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkInterface {
    pub network_interface_id: String,
    #[serde(default)]
    pub subnet_id: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub availability_zone: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// `interface`, `nat_gateway`, `network_load_balancer`, `vpc_endpoint`, ...
    #[serde(default)]
    pub interface_type: Option<String>,
    /// Who manages the ENI (`amazon-elb`, `amazon-aws`, ...).
    #[serde(default)]
    pub requester_id: Option<String>,
    #[serde(default)]
    pub requester_managed: bool,
    #[serde(default)]
    pub private_ip_address: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub private_ip_addresses: Vec<PrivateIpAddress>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub ipv6_addresses: Vec<Ipv6Address>,
    #[serde(default)]
    pub association: Option<IpAssociation>,
    #[serde(default)]
    pub attachment: Option<Attachment>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub groups: Vec<GroupIdentifier>,
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub source_dest_check: Option<bool>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default, alias = "TagSet", deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    #[serde(skip)]
    pub scope: Scope,
    /// True when the loader built this ENI from an instance's `NetworkInterfaces` summary
    /// because `describe-network-interfaces` did not list it.
    #[serde(skip)]
    pub synthesized_from_instance: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct PrivateIpAddress {
    #[serde(default)]
    pub private_ip_address: Option<String>,
    #[serde(default)]
    pub primary: bool,
    #[serde(default)]
    pub association: Option<IpAssociation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Ipv6Address {
    #[serde(default)]
    pub ipv6_address: Option<String>,
}

/// A public IPv4 address (auto-assigned or Elastic IP) associated with a private address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct IpAssociation {
    #[serde(default)]
    pub public_ip: Option<String>,
    #[serde(default)]
    pub public_dns_name: Option<String>,
    #[serde(default)]
    pub ip_owner_id: Option<String>,
    #[serde(default)]
    pub allocation_id: Option<String>,
    #[serde(default)]
    pub association_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Attachment {
    #[serde(default)]
    pub attachment_id: Option<String>,
    #[serde(default)]
    pub instance_id: Option<String>,
    #[serde(default)]
    pub instance_owner_id: Option<String>,
    #[serde(default)]
    pub device_index: Option<i32>,
    #[serde(default)]
    pub status: Option<String>,
}

/// `describe-addresses`: an Elastic IP.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Address {
    #[serde(default)]
    pub public_ip: Option<String>,
    #[serde(default)]
    pub allocation_id: Option<String>,
    #[serde(default)]
    pub association_id: Option<String>,
    #[serde(default)]
    pub domain: Option<String>,
    #[serde(default)]
    pub instance_id: Option<String>,
    #[serde(default)]
    pub network_interface_id: Option<String>,
    #[serde(default)]
    pub private_ip_address: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    #[serde(skip)]
    pub scope: Scope,
}
