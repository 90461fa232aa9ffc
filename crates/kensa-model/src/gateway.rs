//! Internet, egress-only and NAT gateways, and managed prefix lists.
use serde::{Deserialize, Serialize};

use crate::ec2::Tag;
use crate::snapshot::Scope;

/// An internet gateway (`describe-internet-gateways`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct InternetGateway {
    /// Its id (`igw-…`): the key the snapshot stores it under and findings name it by.
    pub internet_gateway_id: String,
    /// The VPC it is attached to (at most one), with the attachment's state.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub attachments: Vec<GatewayAttachment>,
    /// The account that owns it (12 digits): the resource's account when the snapshot layout names
    /// none.
    #[serde(default)]
    pub owner_id: Option<String>,
    /// Its tags (`Key`/`Value` pairs; `Name` is what people call it).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}

/// An egress-only internet gateway (`describe-egress-only-internet-gateways`): IPv6 out, nothing
/// in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct EgressOnlyInternetGateway {
    /// Its id (`eigw-…`): the key the snapshot stores it under and findings name it by.
    pub egress_only_internet_gateway_id: String,
    /// The VPC it is attached to, with the attachment's state.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub attachments: Vec<GatewayAttachment>,
    /// Its tags (`Key`/`Value` pairs; `Name` is what people call it).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}

/// `{"State": "available"|"attached", "VpcId": ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct GatewayAttachment {
    /// `attaching`, `attached` (`available` for internet gateways), `detaching` or `detached`; only
    /// an attached gateway carries traffic.
    #[serde(default)]
    pub state: Option<String>,
    /// The VPC.
    #[serde(default)]
    pub vpc_id: Option<String>,
}

/// A NAT gateway (`describe-nat-gateways`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct NatGateway {
    /// Its id (`nat-…`): the key the snapshot stores it under and findings name it by.
    pub nat_gateway_id: String,
    /// The subnet it is in.
    #[serde(default)]
    pub subnet_id: Option<String>,
    /// The VPC it belongs to.
    #[serde(default)]
    pub vpc_id: Option<String>,
    /// `pending`, `available`, `deleting`, `deleted` or `failed`.
    #[serde(default)]
    pub state: Option<String>,
    /// `public` or `private`.
    #[serde(default)]
    pub connectivity_type: Option<String>,
    /// Its addresses (the Elastic IP a public NAT gateway sends from).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub nat_gateway_addresses: Vec<NatGatewayAddress>,
    /// Its tags (`Key`/`Value` pairs; `Name` is what people call it).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}

/// An address of a NAT gateway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct NatGatewayAddress {
    /// The Elastic IP allocation (`eipalloc-…`).
    #[serde(default)]
    pub allocation_id: Option<String>,
    /// Its network interface.
    #[serde(default)]
    pub network_interface_id: Option<String>,
    /// Its private IPv4 address.
    #[serde(default)]
    pub private_ip: Option<String>,
    /// Its public IPv4 address (the Elastic IP).
    #[serde(default)]
    pub public_ip: Option<String>,
}

/// A managed prefix list (`describe-managed-prefix-lists`) or an AWS service prefix list
/// (`describe-prefix-lists`, which carries its `Cidrs` inline). Entries come from
/// `get-managed-prefix-list-entries` and are merged in by the loader.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct PrefixList {
    /// Its id (`pl-…`): the key the snapshot stores it under and findings name it by.
    pub prefix_list_id: String,
    /// Its name (AWS-managed lists are named `com.amazonaws.<region>.<service>`).
    #[serde(default)]
    pub prefix_list_name: Option<String>,
    /// `IPv4` or `IPv6`.
    #[serde(default)]
    pub address_family: Option<String>,
    /// How many entries it may hold (a rule that references it counts that many against quotas).
    #[serde(default)]
    pub max_entries: Option<i32>,
    /// The account that owns it (12 digits): the resource's account when the snapshot layout names
    /// none.
    #[serde(default)]
    pub owner_id: Option<String>,
    /// Its state as AWS reports it (`create-complete`, `modify-in-progress`, ...).
    #[serde(default)]
    pub state: Option<String>,
    /// The CIDRs of an AWS-managed list (`describe-prefix-lists`).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub cidrs: Vec<String>,
    /// The entries of a customer-managed list (`get-managed-prefix-list-entries`).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub entries: Vec<PrefixListEntry>,
    /// Its tags (`Key`/`Value` pairs; `Name` is what people call it).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}

impl PrefixList {
    /// Adds `entries` whose CIDR the list does not have yet (in linear time: a list can
    /// have hundreds of thousands of entries).
    pub fn merge_entries(&mut self, entries: Vec<PrefixListEntry>) {
        let mut known: std::collections::HashSet<String> =
            self.entries.iter().map(|e| e.cidr.clone()).collect();
        for entry in entries {
            if known.insert(entry.cidr.clone()) {
                self.entries.push(entry);
            }
        }
    }

    /// Every CIDR of the list, inline `Cidrs` and `Entries` together.
    pub fn all_cidrs(&self) -> impl Iterator<Item = &str> {
        self.cidrs
            .iter()
            .map(String::as_str)
            .chain(self.entries.iter().map(|e| e.cidr.as_str()))
    }
}

/// One CIDR of a customer-managed prefix list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct PrefixListEntry {
    /// The CIDR.
    pub cidr: String,
    /// The entry's description.
    #[serde(default)]
    pub description: Option<String>,
}
