//! Instances, network interfaces and Elastic IPs.
use serde::{Deserialize, Serialize};

use crate::ec2::Tag;
use crate::snapshot::Scope;

/// `describe-instances` prints reservations; the loader flattens them into instances.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Reservation {
    /// The reservation (`r-…`): one launch request.
    #[serde(default)]
    pub reservation_id: Option<String>,
    /// The account that owns the instances.
    #[serde(default)]
    pub owner_id: Option<String>,
    /// The instances launched by it.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub instances: Vec<Instance>,
}

/// An EC2 instance (from `describe-instances`, inside its reservation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Instance {
    /// Its id (`i-…`): the key the snapshot stores it under and findings name it by.
    pub instance_id: String,
    /// The AMI (`ami-…`).
    #[serde(default)]
    pub image_id: Option<String>,
    /// The instance type (`t3.micro`).
    #[serde(default)]
    pub instance_type: Option<String>,
    /// `windows` for Windows instances, absent otherwise.
    #[serde(default)]
    pub platform: Option<String>,
    /// The operating system and billing product (`Linux/UNIX`, `Windows`, `Red Hat Enterprise
    /// Linux`).
    #[serde(default)]
    pub platform_details: Option<String>,
    /// The primary private IPv4 address of its primary interface.
    #[serde(default)]
    pub private_ip_address: Option<String>,
    /// Its public IPv4 address, if it has one.
    #[serde(default)]
    pub public_ip_address: Option<String>,
    /// The subnet of its primary interface.
    #[serde(default)]
    pub subnet_id: Option<String>,
    /// The VPC it is in.
    #[serde(default)]
    pub vpc_id: Option<String>,
    /// Its state (`running`, `stopped`, ...); a stopped instance is not reachable.
    #[serde(default)]
    pub state: Option<InstanceState>,
    /// The security groups of its primary interface.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub security_groups: Vec<GroupIdentifier>,
    /// Its network interfaces (the primary one at device index 0).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub network_interfaces: Vec<InstanceNetworkInterface>,
    /// The instance profile (IAM role) it runs with.
    #[serde(default)]
    pub iam_instance_profile: Option<IamInstanceProfile>,
    /// The instance metadata service settings (IMDSv2, hop limit).
    #[serde(default)]
    pub metadata_options: Option<serde_json::Value>,
    /// When it was launched (RFC 3339).
    #[serde(default)]
    pub launch_time: Option<String>,
    /// Its tags (`Key`/`Value` pairs; `Name` is what people call it).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// The reservation's `OwnerId`, copied down by the loader.
    #[serde(default)]
    pub owner_id: Option<String>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}

impl Instance {
    /// `running`, `stopped`, ... ; `None` when the snapshot did not say.
    pub fn state_name(&self) -> Option<&str> {
        self.state.as_ref().map(|s| s.name.as_str())
    }
}

/// An instance's lifecycle state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceState {
    /// The state's numeric code (16 is running).
    #[serde(default)]
    pub code: Option<i32>,
    /// `pending`, `running`, `stopping`, `stopped`, `shutting-down` or `terminated`.
    #[serde(default)]
    pub name: String,
}

/// A security group as instances and interfaces name it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct GroupIdentifier {
    /// The security group (`sg-…`).
    #[serde(default)]
    pub group_id: String,
    /// The group's name.
    #[serde(default)]
    pub group_name: Option<String>,
}

/// The IAM instance profile an instance runs with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct IamInstanceProfile {
    /// The instance profile's ARN.
    #[serde(default)]
    pub arn: Option<String>,
    /// The instance profile's id.
    #[serde(default)]
    pub id: Option<String>,
}

/// The ENI summary embedded in an instance record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceNetworkInterface {
    /// The network interface (`eni-…`) it concerns.
    pub network_interface_id: String,
    /// Its subnet.
    #[serde(default)]
    pub subnet_id: Option<String>,
    /// Its VPC.
    #[serde(default)]
    pub vpc_id: Option<String>,
    /// The primary private IPv4 address.
    #[serde(default)]
    pub private_ip_address: Option<String>,
    /// Every private IPv4 address, the primary one included.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub private_ip_addresses: Vec<PrivateIpAddress>,
    /// The IPv6 addresses.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub ipv6_addresses: Vec<Ipv6Address>,
    /// The public IPv4 address associated with it, if any.
    #[serde(default)]
    pub association: Option<IpAssociation>,
    /// Its security groups.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub groups: Vec<GroupIdentifier>,
    /// Where it is attached (an instance, at a device index).
    #[serde(default)]
    pub attachment: Option<Attachment>,
    /// Whether EC2 drops traffic not addressed to or from the interface (off for NAT instances and
    /// appliances, which route others' traffic).
    #[serde(default)]
    pub source_dest_check: Option<bool>,
    /// `interface`, `efa`, `trunk`, ...
    #[serde(default)]
    pub interface_type: Option<String>,
}

/// `describe-network-interfaces`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkInterface {
    /// Its id (`eni-…`): the key the snapshot stores it under and findings name it by.
    pub network_interface_id: String,
    /// Its subnet.
    #[serde(default)]
    pub subnet_id: Option<String>,
    /// Its VPC.
    #[serde(default)]
    pub vpc_id: Option<String>,
    /// Its Availability Zone.
    #[serde(default)]
    pub availability_zone: Option<String>,
    /// The owner's free-text description; shown in findings, never interpreted.
    #[serde(default)]
    pub description: Option<String>,
    /// `interface`, `nat_gateway`, `network_load_balancer`, `vpc_endpoint`, ...
    #[serde(default)]
    pub interface_type: Option<String>,
    /// Who manages the ENI (`amazon-elb`, `amazon-aws`, ...).
    #[serde(default)]
    pub requester_id: Option<String>,
    /// Whether an AWS service created and manages it (a load balancer's, a NAT gateway's, an
    /// endpoint's).
    #[serde(default)]
    pub requester_managed: bool,
    /// The primary private IPv4 address.
    #[serde(default)]
    pub private_ip_address: Option<String>,
    /// Every private IPv4 address, the primary one included.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub private_ip_addresses: Vec<PrivateIpAddress>,
    /// The IPv6 addresses.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub ipv6_addresses: Vec<Ipv6Address>,
    /// The public IPv4 address associated with it, if any.
    #[serde(default)]
    pub association: Option<IpAssociation>,
    /// Where it is attached (an instance, at a device index).
    #[serde(default)]
    pub attachment: Option<Attachment>,
    /// Its security groups.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub groups: Vec<GroupIdentifier>,
    /// The account that owns it (12 digits): the resource's account when the snapshot layout names
    /// none.
    #[serde(default)]
    pub owner_id: Option<String>,
    /// Whether EC2 drops traffic not addressed to or from the interface (off for NAT instances and
    /// appliances, which route others' traffic).
    #[serde(default)]
    pub source_dest_check: Option<bool>,
    /// `available` (unattached) or `in-use`.
    #[serde(default)]
    pub status: Option<String>,
    /// Its tags (`Key`/`Value` pairs; `Name` is what people call it).
    #[serde(default, alias = "TagSet", deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
    /// True when the loader built this ENI from an instance's `NetworkInterfaces` summary
    /// because `describe-network-interfaces` did not list it.
    #[serde(skip)]
    pub synthesized_from_instance: bool,
}

/// A private IPv4 address of a network interface.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct PrivateIpAddress {
    /// The private IPv4 address.
    #[serde(default)]
    pub private_ip_address: Option<String>,
    /// Whether it is the interface's primary private address.
    #[serde(default)]
    pub primary: bool,
    /// The public address associated with it, if any.
    #[serde(default)]
    pub association: Option<IpAssociation>,
}

/// An IPv6 address of a network interface.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Ipv6Address {
    /// The IPv6 address.
    #[serde(default)]
    pub ipv6_address: Option<String>,
}

/// A public IPv4 address (auto-assigned or Elastic IP) associated with a private address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct IpAssociation {
    /// The public IPv4 address.
    #[serde(default)]
    pub public_ip: Option<String>,
    /// The public DNS name.
    #[serde(default)]
    pub public_dns_name: Option<String>,
    /// Who owns the public address (`amazon` for an auto-assigned one, an account id for an Elastic
    /// IP).
    #[serde(default)]
    pub ip_owner_id: Option<String>,
    /// The Elastic IP allocation, when it is one.
    #[serde(default)]
    pub allocation_id: Option<String>,
    /// The id of this association, which AWS needs to undo it.
    #[serde(default)]
    pub association_id: Option<String>,
}

/// A network interface's attachment to an instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Attachment {
    /// The attachment's id.
    #[serde(default)]
    pub attachment_id: Option<String>,
    /// The instance it is attached to.
    #[serde(default)]
    pub instance_id: Option<String>,
    /// The account of the instance it is attached to.
    #[serde(default)]
    pub instance_owner_id: Option<String>,
    /// The device index on the instance (0 is the primary interface).
    #[serde(default)]
    pub device_index: Option<i32>,
    /// `attaching`, `attached`, `detaching` or `detached`.
    #[serde(default)]
    pub status: Option<String>,
}

/// `describe-addresses`: an Elastic IP.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Address {
    /// The public IPv4 address.
    #[serde(default)]
    pub public_ip: Option<String>,
    /// Its allocation id (`eipalloc-…`): the key the snapshot stores it under (the address itself
    /// for EC2-Classic).
    #[serde(default)]
    pub allocation_id: Option<String>,
    /// The association, when the address is in use.
    #[serde(default)]
    pub association_id: Option<String>,
    /// `vpc` (or `standard` for EC2-Classic).
    #[serde(default)]
    pub domain: Option<String>,
    /// The instance it is associated with.
    #[serde(default)]
    pub instance_id: Option<String>,
    /// The interface it is associated with.
    #[serde(default)]
    pub network_interface_id: Option<String>,
    /// The private address it maps to.
    #[serde(default)]
    pub private_ip_address: Option<String>,
    /// Its tags (`Key`/`Value` pairs; `Name` is what people call it).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}
