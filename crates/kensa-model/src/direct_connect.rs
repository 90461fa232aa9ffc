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
    /// Its id: the key the snapshot stores it under.
    pub direct_connect_gateway_id: String,
    /// Its name.
    #[serde(default)]
    pub direct_connect_gateway_name: Option<String>,
    /// The account that owns it (12 digits).
    #[serde(default)]
    pub owner_account: Option<String>,
    /// `pending`, `available`, `deleting`, `deleted`.
    #[serde(default)]
    pub direct_connect_gateway_state: Option<String>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}

/// One prefix of an association's allowed prefixes (or a virtual interface's filter).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct DxPrefix {
    /// An on-premises CIDR allowed over the association.
    #[serde(default)]
    pub cidr: Option<String>,
}

/// The virtual private or transit gateway of an association.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct DxAssociatedGateway {
    /// The gateway's id (`vgw-…` or `tgw-…`).
    #[serde(default)]
    pub id: Option<String>,
    /// `virtualPrivateGateway` or `transitGateway`.
    #[serde(default, rename = "type")]
    pub gateway_type: Option<String>,
    /// The gateway's account.
    #[serde(default)]
    pub owner_account: Option<String>,
    /// The gateway's region.
    #[serde(default)]
    pub region: Option<String>,
}

/// `describe-direct-connect-gateway-associations`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct DirectConnectGatewayAssociation {
    /// Its id: the key the snapshot stores it under.
    pub association_id: String,
    /// The Direct Connect gateway.
    #[serde(default)]
    pub direct_connect_gateway_id: Option<String>,
    /// `associating`, `associated`, `disassociating`, `disassociated`, `updating`.
    #[serde(default)]
    pub association_state: Option<String>,
    /// The virtual private gateway or transit gateway associated, with its account and region.
    #[serde(default)]
    pub associated_gateway: Option<DxAssociatedGateway>,
    /// The prefixes AWS announces to the on-premises network over the gateway.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub allowed_prefixes_to_direct_connect_gateway: Vec<DxPrefix>,
    /// The older form of `associatedGateway` for a virtual private gateway.
    #[serde(default)]
    pub virtual_gateway_id: Option<String>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
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
    /// Its id (`dxvif-…`): the key the snapshot stores it under.
    pub virtual_interface_id: String,
    /// The account that owns it.
    #[serde(default)]
    pub owner_account: Option<String>,
    /// `private`, `public` or `transit`.
    #[serde(default)]
    pub virtual_interface_type: Option<String>,
    /// `confirming`, `verifying`, `pending`, `available`, `down`, `deleting`, ...
    #[serde(default)]
    pub virtual_interface_state: Option<String>,
    /// The Direct Connect gateway it attaches to.
    #[serde(default)]
    pub direct_connect_gateway_id: Option<String>,
    /// The virtual private gateway of a private interface attached directly, without a Direct
    /// Connect gateway.
    #[serde(default)]
    pub virtual_gateway_id: Option<String>,
    /// The Direct Connect connection it runs on.
    #[serde(default)]
    pub connection_id: Option<String>,
    /// The region it terminates in.
    #[serde(default)]
    pub region: Option<String>,
    /// A public virtual interface's customer prefixes.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub route_filter_prefixes: Vec<DxPrefix>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}

impl VirtualInterface {
    /// Only an `available` interface carries traffic.
    pub fn is_available(&self) -> bool {
        self.virtual_interface_state.as_deref() == Some("available")
    }
}
