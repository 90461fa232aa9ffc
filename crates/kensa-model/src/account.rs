//! Per account and region settings: EBS encryption by default, EC2 serial console access,
//! snapshot and AMI block public access, VPC block public access.
//!
//! Each comes from a `get-*` call that prints one small object per region
//! (`{"EbsEncryptionByDefault": true}`, `{"SerialConsoleAccessEnabled": false}`,
//! `{"State": "block-all-sharing"}`, `{"ImageBlockPublicAccessState": "unblocked"}`,
//! `{"VpcBlockPublicAccessOptions": {...}}`); the snapshot gathers them in one
//! [`RegionalSettings`] per account and region.
use serde::{Deserialize, Serialize};

use crate::snapshot::Scope;

/// The settings of one account in one region; `None` where the snapshot holds no answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RegionalSettings {
    /// `get-ebs-encryption-by-default` → `EbsEncryptionByDefault`.
    #[serde(default)]
    pub ebs_encryption_by_default: Option<bool>,
    /// `get-ebs-default-kms-key-id` → `KmsKeyId`.
    #[serde(default)]
    pub ebs_default_kms_key_id: Option<String>,
    /// `get-serial-console-access-status` → `SerialConsoleAccessEnabled`.
    #[serde(default)]
    pub serial_console_access_enabled: Option<bool>,
    /// `get-snapshot-block-public-access-state` → `State`
    /// (`block-all-sharing`, `block-new-sharing`, `unblocked`).
    #[serde(default)]
    pub snapshot_block_public_access: Option<String>,
    /// `get-image-block-public-access-state` → `ImageBlockPublicAccessState`
    /// (`block-new-sharing`, `unblocked`).
    #[serde(default)]
    pub image_block_public_access: Option<String>,
    /// `describe-vpc-block-public-access-options` → `VpcBlockPublicAccessOptions`.
    #[serde(default)]
    pub vpc_block_public_access: Option<VpcBlockPublicAccessOptions>,
    /// The account and region the settings are of.
    #[serde(skip)]
    pub scope: Scope,
}

impl RegionalSettings {
    /// The snapshot's map key for a scope: `<account>/<region>`.
    pub fn key(scope: &Scope) -> String {
        format!("{}/{}", scope.account, scope.region)
    }

    /// Takes from `other` every answer this one lacks (two files of the same account and
    /// region, one of which named the account and one which did not).
    pub fn merge_missing(&mut self, other: &mut RegionalSettings) {
        fn fill<T>(mine: &mut Option<T>, theirs: &mut Option<T>) {
            if mine.is_none() {
                *mine = theirs.take();
            }
        }
        fill(
            &mut self.ebs_encryption_by_default,
            &mut other.ebs_encryption_by_default,
        );
        fill(
            &mut self.ebs_default_kms_key_id,
            &mut other.ebs_default_kms_key_id,
        );
        fill(
            &mut self.serial_console_access_enabled,
            &mut other.serial_console_access_enabled,
        );
        fill(
            &mut self.snapshot_block_public_access,
            &mut other.snapshot_block_public_access,
        );
        fill(
            &mut self.image_block_public_access,
            &mut other.image_block_public_access,
        );
        fill(
            &mut self.vpc_block_public_access,
            &mut other.vpc_block_public_access,
        );
    }
}

/// The snapshot block public access states AWS documents, so that a bare
/// `{"State": ...}` document is recognised only when it is one of them.
pub const SNAPSHOT_BLOCK_PUBLIC_ACCESS_STATES: [&str; 3] =
    ["block-all-sharing", "block-new-sharing", "unblocked"];

/// The account's VPC Block Public Access settings (`describe-vpc-block-public-access-options`):
/// when on, internet gateways stop carrying traffic except for excluded VPCs and subnets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct VpcBlockPublicAccessOptions {
    /// The account the settings are for.
    #[serde(default)]
    pub aws_account_id: Option<String>,
    /// The region the settings are for.
    #[serde(default)]
    pub aws_region: Option<String>,
    /// The block's state (`default-state`, `update-complete`, ...); with `InternetGatewayBlockMode`
    /// it decides whether internet gateways carry traffic.
    #[serde(default)]
    pub state: Option<String>,
    /// `off`, `block-bidirectional` or `block-ingress`.
    #[serde(default)]
    pub internet_gateway_block_mode: Option<String>,
    /// Whether VPCs or subnets may be excluded from the block (`allowed`, `not-allowed`).
    #[serde(default)]
    pub exclusions_allowed: Option<String>,
}

impl VpcBlockPublicAccessOptions {
    /// Internet gateway traffic is blocked (both ways, or inbound).
    pub fn blocks_internet_gateway(&self) -> bool {
        matches!(
            self.internet_gateway_block_mode.as_deref(),
            Some("block-bidirectional") | Some("block-ingress")
        )
    }
}
