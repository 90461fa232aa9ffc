//! The snapshot: every resource of one or more accounts and regions, keyed by id.
//!
//! Maps are `BTreeMap`s so iteration, and with it every analyser's output, is
//! deterministic.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::account::RegionalSettings;
use crate::compute::{EbsSnapshot, FlowLog, Image, LaunchTemplate, LaunchTemplateVersion, Volume};
use crate::ec2::{NetworkAcl, RouteTable, SecurityGroup, SecurityGroupRule, Subnet, Vpc};
use crate::elb::{ClassicLoadBalancer, Listener, LoadBalancer, TargetGroup};
use crate::gateway::{EgressOnlyInternetGateway, InternetGateway, NatGateway, PrefixList};
use crate::instance::{Address, Instance, NetworkInterface};
use crate::transit::{
    CustomerGateway, TransitGateway, TransitGatewayAttachment, TransitGatewayRouteTable,
    VpcEndpoint, VpcPeeringConnection, VpnConnection, VpnGateway,
};

/// Where a resource was found: its account and region (empty when the layout did not say).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
pub struct Scope {
    /// The account id (12 digits); empty when nothing says it.
    pub account: String,
    /// The region; empty when the layout does not say it (`aws_configs/*.json`).
    pub region: String,
}

/// How bad a [`Warning`] is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum WarningLevel {
    /// Expected and harmless: a file kensa does not need was skipped.
    Info,
    /// Suspicious input that was still used (a dangling reference, a duplicate id).
    #[default]
    Warning,
    /// Input that could not be read and was dropped (bad JSON, an item of the wrong shape).
    Error,
}

impl std::fmt::Display for WarningLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            WarningLevel::Info => "info",
            WarningLevel::Warning => "warning",
            WarningLevel::Error => "error",
        })
    }
}

/// Something in the input that was skipped or could not be understood. Loading goes on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
pub struct Warning {
    /// The file, relative to the snapshot root where possible.
    pub file: String,
    /// A JSON path inside the file (`$.SecurityGroups[3].IpPermissions`), or empty.
    pub path: String,
    /// What is wrong and what was done about it (`item skipped`).
    pub message: String,
    /// Severity of the problem; `warning` when an older producer did not say.
    #[serde(default)]
    pub level: WarningLevel,
}

impl Warning {
    /// A warning at `level` about `file` at JSON `path`.
    pub fn new(
        level: WarningLevel,
        file: impl Into<String>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Warning {
            file: file.into(),
            path: path.into(),
            message: message.into(),
            level,
        }
    }

    /// An `info` warning: something noted, nothing lost.
    pub fn info(file: impl Into<String>, path: impl Into<String>, msg: impl Into<String>) -> Self {
        Self::new(WarningLevel::Info, file, path, msg)
    }

    /// A `warning`: something dubious was kept.
    #[allow(clippy::self_named_constructors)] // reads as the level, like `info` and `error`
    pub fn warning(
        file: impl Into<String>,
        path: impl Into<String>,
        msg: impl Into<String>,
    ) -> Self {
        Self::new(WarningLevel::Warning, file, path, msg)
    }

    /// An `error`: something was skipped, so the input is incomplete.
    pub fn error(file: impl Into<String>, path: impl Into<String>, msg: impl Into<String>) -> Self {
        Self::new(WarningLevel::Error, file, path, msg)
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}: {}: {}", self.level, self.file, self.message)
        } else {
            write!(
                f,
                "{}: {} at {}: {}",
                self.level, self.file, self.path, self.message
            )
        }
    }
}

/// Every resource of a snapshot, by id (ARN for ELBv2 resources, name for classic ELBs).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Snapshot {
    /// The VPCs the snapshot holds, by id.
    pub vpcs: BTreeMap<String, Vpc>,
    /// The subnets the snapshot holds, by id.
    pub subnets: BTreeMap<String, Subnet>,
    /// The route tables the snapshot holds, by id.
    pub route_tables: BTreeMap<String, RouteTable>,
    /// The network ACLs the snapshot holds, by id.
    pub network_acls: BTreeMap<String, NetworkAcl>,
    /// The security groups the snapshot holds, by id.
    pub security_groups: BTreeMap<String, SecurityGroup>,
    /// `describe-security-group-rules`, by `SecurityGroupRuleId`.
    pub security_group_rules: BTreeMap<String, SecurityGroupRule>,
    /// The network interfaces the snapshot holds, by id.
    pub network_interfaces: BTreeMap<String, NetworkInterface>,
    /// Instances flattened out of their reservations.
    pub instances: BTreeMap<String, Instance>,
    /// Elastic IPs, by allocation id (or public IP when there is none).
    pub addresses: BTreeMap<String, Address>,
    /// The internet gateways the snapshot holds, by id.
    pub internet_gateways: BTreeMap<String, InternetGateway>,
    /// The egress-only internet gateways the snapshot holds, by id.
    pub egress_only_internet_gateways: BTreeMap<String, EgressOnlyInternetGateway>,
    /// The NAT gateways the snapshot holds, by id.
    pub nat_gateways: BTreeMap<String, NatGateway>,
    /// Managed and AWS-service prefix lists, entries merged in.
    pub prefix_lists: BTreeMap<String, PrefixList>,
    /// The VPC peering connections the snapshot holds, by id.
    pub vpc_peering_connections: BTreeMap<String, VpcPeeringConnection>,
    /// The VPN gateways the snapshot holds, by id.
    pub vpn_gateways: BTreeMap<String, VpnGateway>,
    /// The VPN connections the snapshot holds, by id.
    pub vpn_connections: BTreeMap<String, VpnConnection>,
    /// The customer gateways the snapshot holds, by id.
    pub customer_gateways: BTreeMap<String, CustomerGateway>,
    /// The transit gateways the snapshot holds, by id.
    pub transit_gateways: BTreeMap<String, TransitGateway>,
    /// The transit gateway attachments the snapshot holds, by id.
    pub transit_gateway_attachments: BTreeMap<String, TransitGatewayAttachment>,
    /// TGW route tables with their routes, associations and propagations merged in.
    pub transit_gateway_route_tables: BTreeMap<String, TransitGatewayRouteTable>,
    /// The VPC endpoints the snapshot holds, by id.
    pub vpc_endpoints: BTreeMap<String, VpcEndpoint>,
    /// Direct Connect gateways, by id.
    #[serde(default)]
    pub direct_connect_gateways: BTreeMap<String, crate::direct_connect::DirectConnectGateway>,
    /// Direct Connect gateway associations (with VGWs and TGWs), by association id.
    #[serde(default)]
    pub direct_connect_gateway_associations:
        BTreeMap<String, crate::direct_connect::DirectConnectGatewayAssociation>,
    /// Direct Connect virtual interfaces, by id.
    #[serde(default)]
    pub virtual_interfaces: BTreeMap<String, crate::direct_connect::VirtualInterface>,
    /// ELBv2 load balancers, by ARN.
    pub load_balancers: BTreeMap<String, LoadBalancer>,
    /// ELBv2 listeners, by ARN.
    pub listeners: BTreeMap<String, Listener>,
    /// ELBv2 target groups, by ARN, target health merged in.
    pub target_groups: BTreeMap<String, TargetGroup>,
    /// Classic load balancers, by name.
    pub classic_load_balancers: BTreeMap<String, ClassicLoadBalancer>,
    /// EBS volumes, by volume id.
    #[serde(default)]
    pub volumes: BTreeMap<String, Volume>,
    /// EBS snapshots, by snapshot id, `createVolumePermission` merged in.
    #[serde(default)]
    pub ebs_snapshots: BTreeMap<String, EbsSnapshot>,
    /// AMIs, by image id, launch permissions merged in.
    #[serde(default)]
    pub images: BTreeMap<String, Image>,
    /// The launch templates the snapshot holds, by id.
    #[serde(default)]
    pub launch_templates: BTreeMap<String, LaunchTemplate>,
    /// Launch template versions, by `<LaunchTemplateId>:<VersionNumber>`.
    #[serde(default)]
    pub launch_template_versions: BTreeMap<String, LaunchTemplateVersion>,
    /// The flow logs the snapshot holds, by id.
    #[serde(default)]
    pub flow_logs: BTreeMap<String, FlowLog>,
    /// Account/region settings, by `<account>/<region>` ([`RegionalSettings::key`]).
    #[serde(default)]
    pub regional_settings: BTreeMap<String, RegionalSettings>,
    /// What was skipped while loading, and why.
    pub warnings: Vec<Warning>,
    /// What the loaded snapshot lacks: kinds with no output, rejected files and items.
    #[serde(default)]
    pub completeness: crate::completeness::Completeness,
}
