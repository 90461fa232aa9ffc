//! Elastic Load Balancing: ELBv2 (ALB/NLB/GWLB) and classic load balancers.
use serde::{Deserialize, Serialize};

use crate::snapshot::Scope;

/// `elbv2 describe-load-balancers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct LoadBalancer {
    pub load_balancer_arn: String,
    #[serde(default)]
    pub load_balancer_name: Option<String>,
    #[serde(default, rename = "DNSName")]
    pub dns_name: Option<String>,
    /// `internet-facing` or `internal`.
    #[serde(default)]
    pub scheme: Option<String>,
    /// `application`, `network` or `gateway`.
    #[serde(default, rename = "Type")]
    pub lb_type: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub availability_zones: Vec<LbAvailabilityZone>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub security_groups: Vec<String>,
    /// `ipv4` or `dualstack`.
    #[serde(default)]
    pub ip_address_type: Option<String>,
    #[serde(default)]
    pub state: Option<serde_json::Value>,
    #[serde(skip)]
    pub scope: Scope,
}

impl LoadBalancer {
    pub fn is_internet_facing(&self) -> bool {
        self.scheme.as_deref() == Some("internet-facing")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct LbAvailabilityZone {
    #[serde(default)]
    pub zone_name: Option<String>,
    #[serde(default)]
    pub subnet_id: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub load_balancer_addresses: Vec<LbAddress>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct LbAddress {
    #[serde(default)]
    pub ip_address: Option<String>,
    #[serde(default)]
    pub allocation_id: Option<String>,
    #[serde(default, rename = "PrivateIPv4Address")]
    pub private_ipv4_address: Option<String>,
    #[serde(default, rename = "IPv6Address")]
    pub ipv6_address: Option<String>,
}

/// `elbv2 describe-listeners`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Listener {
    pub listener_arn: String,
    #[serde(default)]
    pub load_balancer_arn: String,
    #[serde(default)]
    pub port: Option<i32>,
    /// `HTTP`, `HTTPS`, `TCP`, `TLS`, `UDP`, `TCP_UDP`, `GENEVE`.
    #[serde(default)]
    pub protocol: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub default_actions: Vec<ListenerAction>,
    #[serde(skip)]
    pub scope: Scope,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ListenerAction {
    /// `forward`, `redirect`, `fixed-response`, `authenticate-*`.
    #[serde(default, rename = "Type")]
    pub action_type: String,
    #[serde(default)]
    pub target_group_arn: Option<String>,
    #[serde(default)]
    pub forward_config: Option<ForwardConfig>,
    #[serde(default)]
    pub order: Option<i32>,
}

impl ListenerAction {
    /// Every target group this action forwards to.
    pub fn target_group_arns(&self) -> Vec<&str> {
        let mut arns: Vec<&str> = self.target_group_arn.iter().map(String::as_str).collect();
        if let Some(fc) = &self.forward_config {
            for tg in &fc.target_groups {
                if !arns.contains(&tg.target_group_arn.as_str()) {
                    arns.push(&tg.target_group_arn);
                }
            }
        }
        arns
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ForwardConfig {
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub target_groups: Vec<WeightedTargetGroup>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct WeightedTargetGroup {
    pub target_group_arn: String,
    #[serde(default)]
    pub weight: Option<i32>,
}

/// `elbv2 describe-target-groups`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TargetGroup {
    pub target_group_arn: String,
    #[serde(default)]
    pub target_group_name: Option<String>,
    #[serde(default)]
    pub protocol: Option<String>,
    #[serde(default)]
    pub port: Option<i32>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    /// `instance`, `ip`, `lambda`, `alb`.
    #[serde(default)]
    pub target_type: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub load_balancer_arns: Vec<String>,
    /// From `describe-target-health`, merged in by the loader.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub target_health_descriptions: Vec<TargetHealthDescription>,
    #[serde(skip)]
    pub scope: Scope,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TargetHealthDescription {
    pub target: TargetDescription,
    #[serde(default)]
    pub health_check_port: Option<String>,
    #[serde(default)]
    pub target_health: Option<TargetHealth>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TargetDescription {
    /// An instance id or an IP address, depending on the group's target type.
    pub id: String,
    #[serde(default)]
    pub port: Option<i32>,
    #[serde(default)]
    pub availability_zone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TargetHealth {
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// `elb describe-load-balancers` (classic), under the `LoadBalancerDescriptions` key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ClassicLoadBalancer {
    pub load_balancer_name: String,
    #[serde(default, rename = "DNSName")]
    pub dns_name: Option<String>,
    #[serde(default)]
    pub scheme: Option<String>,
    #[serde(default, rename = "VPCId", alias = "VpcId")]
    pub vpc_id: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub subnets: Vec<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub security_groups: Vec<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub instances: Vec<ClassicInstance>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub listener_descriptions: Vec<ClassicListenerDescription>,
    #[serde(skip)]
    pub scope: Scope,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ClassicInstance {
    pub instance_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ClassicListenerDescription {
    pub listener: ClassicListener,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ClassicListener {
    pub protocol: String,
    pub load_balancer_port: i32,
    #[serde(default)]
    pub instance_protocol: Option<String>,
    pub instance_port: i32,
}
