//! Direct Connect, as the AWS CLI prints it (`aws directconnect describe-*`: camelCase
//! keys, unlike EC2's PascalCase): gateways, their associations with virtual private or
//! transit gateways (with the allowed prefixes AWS announces on-premises), and virtual
//! interfaces (with their state and the gateway they attach to).
use serde::{Deserialize, Serialize};

use crate::snapshot::Scope;

/// `describe-direct-connect-gateways`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct DirectConnectGateway {
    pub direct_connect_gateway_id: String,
    #[serde(default)]
    pub direct_connect_gateway_name: Option<String>,
    #[serde(default)]
    pub owner_account: Option<String>,
    /// `pending`, `available`, `deleting`, `deleted`.
    #[serde(default)]
    pub direct_connect_gateway_state: Option<String>,
    #[serde(skip)]
    pub scope: Scope,
}

/// One prefix of an association's allowed prefixes (or a virtual interface's filter).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct DxPrefix {
    #[serde(default)]
    pub cidr: Option<String>,
}

/// The virtual private or transit gateway of an association.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct DxAssociatedGateway {
    #[serde(default)]
    pub id: Option<String>,
    /// `virtualPrivateGateway` or `transitGateway`.
    #[serde(default, rename = "type")]
    pub gateway_type: Option<String>,
    #[serde(default)]
    pub owner_account: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
}

/// `describe-direct-connect-gateway-associations`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct DirectConnectGatewayAssociation {
    pub association_id: String,
    #[serde(default)]
    pub direct_connect_gateway_id: Option<String>,
    /// `associating`, `associated`, `disassociating`, `disassociated`, `updating`.
    #[serde(default)]
    pub association_state: Option<String>,
    #[serde(default)]
    pub associated_gateway: Option<DxAssociatedGateway>,
    /// The prefixes AWS announces to the on-premises network over the gateway.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub allowed_prefixes_to_direct_connect_gateway: Vec<DxPrefix>,
    /// The older form of `associatedGateway` for a virtual private gateway.
    #[serde(default)]
    pub virtual_gateway_id: Option<String>,
    #[serde(skip)]
    pub scope: Scope,
}

impl DirectConnectGatewayAssociation {
    /// The VGW or TGW id the association joins to its Direct Connect gateway.
    pub fn gateway_id(&self) -> Option<&str> {
        self.associated_gateway
            .as_ref()
            .and_then(|g| g.id.as_deref())
            .or(self.virtual_gateway_id.as_deref())
    }

    /// Only an `associated` association carries traffic.
    pub fn is_associated(&self) -> bool {
        self.association_state.as_deref() == Some("associated")
    }
}

/// `describe-virtual-interfaces`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct VirtualInterface {
    pub virtual_interface_id: String,
    #[serde(default)]
    pub owner_account: Option<String>,
    /// `private`, `public` or `transit`.
    #[serde(default)]
    pub virtual_interface_type: Option<String>,
    /// `confirming`, `verifying`, `pending`, `available`, `down`, `deleting`, ...
    #[serde(default)]
    pub virtual_interface_state: Option<String>,
    #[serde(default)]
    pub direct_connect_gateway_id: Option<String>,
    #[serde(default)]
    pub virtual_gateway_id: Option<String>,
    #[serde(default)]
    pub connection_id: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    /// A public virtual interface's customer prefixes.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub route_filter_prefixes: Vec<DxPrefix>,
    #[serde(skip)]
    pub scope: Scope,
}

impl VirtualInterface {
    /// Only an `available` interface carries traffic.
    pub fn is_available(&self) -> bool {
        self.virtual_interface_state.as_deref() == Some("available")
    }
}
