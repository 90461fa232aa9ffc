//! Internet, egress-only and NAT gateways, and managed prefix lists.
use serde::{Deserialize, Serialize};

use crate::ec2::Tag;
use crate::snapshot::Scope;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct InternetGateway {
    pub internet_gateway_id: String,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub attachments: Vec<GatewayAttachment>,
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    #[serde(skip)]
    pub scope: Scope,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct EgressOnlyInternetGateway {
    pub egress_only_internet_gateway_id: String,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub attachments: Vec<GatewayAttachment>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    #[serde(skip)]
    pub scope: Scope,
}

/// `{"State": "available"|"attached", "VpcId": ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct GatewayAttachment {
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct NatGateway {
    pub nat_gateway_id: String,
    #[serde(default)]
    pub subnet_id: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    /// `public` or `private`.
    #[serde(default)]
    pub connectivity_type: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub nat_gateway_addresses: Vec<NatGatewayAddress>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
    #[serde(skip)]
    pub scope: Scope,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct NatGatewayAddress {
    #[serde(default)]
    pub allocation_id: Option<String>,
    #[serde(default)]
    pub network_interface_id: Option<String>,
    #[serde(default)]
    pub private_ip: Option<String>,
    #[serde(default)]
    pub public_ip: Option<String>,
}

/// A managed prefix list (`describe-managed-prefix-lists`) or an AWS service prefix list
/// (`describe-prefix-lists`, which carries its `Cidrs` inline). Entries come from
/// `get-managed-prefix-list-entries` and are merged in by the loader.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct PrefixList {
    pub prefix_list_id: String,
    #[serde(default)]
    pub prefix_list_name: Option<String>,
    #[serde(default)]
    pub address_family: Option<String>,
    #[serde(default)]
    pub max_entries: Option<i32>,
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub cidrs: Vec<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub entries: Vec<PrefixListEntry>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub tags: Vec<Tag>,
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct PrefixListEntry {
    pub cidr: String,
    #[serde(default)]
    pub description: Option<String>,
}
