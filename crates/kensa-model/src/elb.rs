//! Elastic Load Balancing: ELBv2 (ALB/NLB/GWLB) and classic load balancers.
use serde::{Deserialize, Serialize};

use crate::snapshot::Scope;

/// `elbv2 describe-load-balancers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct LoadBalancer {
    /// Its id: the key the snapshot stores it under and findings name it by.
    pub load_balancer_arn: String,
    /// The load balancer's name.
    #[serde(default)]
    pub load_balancer_name: Option<String>,
    /// The DNS name clients resolve.
    #[serde(default, rename = "DNSName")]
    pub dns_name: Option<String>,
    /// `internet-facing` or `internal`.
    #[serde(default)]
    pub scheme: Option<String>,
    /// `application`, `network` or `gateway`.
    #[serde(default, rename = "Type")]
    pub lb_type: Option<String>,
    /// The VPC it is in.
    #[serde(default)]
    pub vpc_id: Option<String>,
    /// The subnets it has nodes in, and their addresses.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub availability_zones: Vec<LbAvailabilityZone>,
    /// The security groups of an ALB (or of an NLB that has them).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub security_groups: Vec<String>,
    /// `ipv4` or `dualstack`.
    #[serde(default)]
    pub ip_address_type: Option<String>,
    /// Its state as AWS prints it (`{"Code": "active"}`).
    #[serde(default)]
    pub state: Option<serde_json::Value>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}

impl LoadBalancer {
    /// Whether its scheme is `internet-facing` (reachable from the internet, given its listeners
    /// and security groups).
    pub fn is_internet_facing(&self) -> bool {
        self.scheme.as_deref() == Some("internet-facing")
    }
}

/// A load balancer's node in one Availability Zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct LbAvailabilityZone {
    /// The Availability Zone.
    #[serde(default)]
    pub zone_name: Option<String>,
    /// The subnet the node is in.
    #[serde(default)]
    pub subnet_id: Option<String>,
    /// The node's addresses (an NLB's static or Elastic IPs).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub load_balancer_addresses: Vec<LbAddress>,
}

/// An address of a load balancer node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct LbAddress {
    /// The node's public IPv4 address.
    #[serde(default)]
    pub ip_address: Option<String>,
    /// The Elastic IP allocation of the node.
    #[serde(default)]
    pub allocation_id: Option<String>,
    /// The node's private IPv4 address.
    #[serde(default, rename = "PrivateIPv4Address")]
    pub private_ipv4_address: Option<String>,
    /// The node's IPv6 address.
    #[serde(default, rename = "IPv6Address")]
    pub ipv6_address: Option<String>,
}

/// `elbv2 describe-listeners`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Listener {
    /// Its ARN: the key the snapshot stores it under.
    pub listener_arn: String,
    /// The load balancer it listens on.
    #[serde(default)]
    pub load_balancer_arn: String,
    /// The port it listens on.
    #[serde(default)]
    pub port: Option<i32>,
    /// `HTTP`, `HTTPS`, `TCP`, `TLS`, `UDP`, `TCP_UDP`, `GENEVE`.
    #[serde(default)]
    pub protocol: Option<String>,
    /// What it does with a request no rule matches: forward to target groups, redirect, fixed
    /// response.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub default_actions: Vec<ListenerAction>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}

/// What a listener does with a request; kensa follows forward actions to their target groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ListenerAction {
    /// `forward`, `redirect`, `fixed-response`, `authenticate-*`.
    #[serde(default, rename = "Type")]
    pub action_type: String,
    /// The single target group a forward action names.
    #[serde(default)]
    pub target_group_arn: Option<String>,
    /// Weighted target groups of a forward action.
    #[serde(default)]
    pub forward_config: Option<ForwardConfig>,
    /// The action's order among the listener's actions; lowest first.
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

/// A forward action's weighted target groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ForwardConfig {
    /// The target groups traffic is split over.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub target_groups: Vec<WeightedTargetGroup>,
}

/// A target group a forward action sends a share of traffic to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct WeightedTargetGroup {
    /// The target group.
    pub target_group_arn: String,
    /// Its share of the traffic; 0 sends it none.
    #[serde(default)]
    pub weight: Option<i32>,
}

/// `elbv2 describe-target-groups`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TargetGroup {
    /// Its id: the key the snapshot stores it under and findings name it by.
    pub target_group_arn: String,
    /// Its name.
    #[serde(default)]
    pub target_group_name: Option<String>,
    /// The protocol to its targets.
    #[serde(default)]
    pub protocol: Option<String>,
    /// The default port of its targets.
    #[serde(default)]
    pub port: Option<i32>,
    /// The VPC its targets are in.
    #[serde(default)]
    pub vpc_id: Option<String>,
    /// `instance`, `ip`, `lambda`, `alb`.
    #[serde(default)]
    pub target_type: Option<String>,
    /// The load balancers that forward to it.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub load_balancer_arns: Vec<String>,
    /// From `describe-target-health`, merged in by the loader.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub target_health_descriptions: Vec<TargetHealthDescription>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}

/// A target registered with a target group, and its health (`describe-target-health`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TargetHealthDescription {
    /// The registered target.
    pub target: TargetDescription,
    /// The port health checks use.
    #[serde(default)]
    pub health_check_port: Option<String>,
    /// Whether the target is healthy, and why not.
    #[serde(default)]
    pub target_health: Option<TargetHealth>,
}

/// A registered target: an instance id, an IP address or a Lambda ARN, and a port.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TargetDescription {
    /// An instance id or an IP address, depending on the group's target type.
    pub id: String,
    /// The port traffic goes to on the target (the group's when absent).
    #[serde(default)]
    pub port: Option<i32>,
    /// `all` for an IP target outside the VPC; else the target's zone.
    #[serde(default)]
    pub availability_zone: Option<String>,
}

/// A target's health; an unhealthy target still receives traffic when all are unhealthy, so kensa
/// does not drop it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TargetHealth {
    /// `healthy`, `unhealthy`, `initial`, `unused`, `draining` or `unavailable`.
    #[serde(default)]
    pub state: Option<String>,
    /// A code for a state other than healthy.
    #[serde(default)]
    pub reason: Option<String>,
    /// AWS's explanation of the state.
    #[serde(default)]
    pub description: Option<String>,
}

/// `elb describe-load-balancers` (classic), under the `LoadBalancerDescriptions` key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ClassicLoadBalancer {
    /// Its name: the key the snapshot stores it under.
    pub load_balancer_name: String,
    /// The DNS name clients resolve.
    #[serde(default, rename = "DNSName")]
    pub dns_name: Option<String>,
    /// `internet-facing` or `internal`.
    #[serde(default)]
    pub scheme: Option<String>,
    /// The VPC it is in.
    #[serde(default, rename = "VPCId", alias = "VpcId")]
    pub vpc_id: Option<String>,
    /// The subnets it has nodes in.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub subnets: Vec<String>,
    /// The security groups of its nodes.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub security_groups: Vec<String>,
    /// The instances registered with it.
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub instances: Vec<ClassicInstance>,
    /// Its listeners (front-end port to instance port).
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub listener_descriptions: Vec<ClassicListenerDescription>,
    /// Where the record belongs (account and region): the snapshot layout's, else the account the
    /// record itself names.
    #[serde(skip)]
    pub scope: Scope,
}

/// An instance registered with a classic load balancer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ClassicInstance {
    /// A registered instance.
    pub instance_id: String,
}

/// A classic load balancer listener, as AWS wraps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ClassicListenerDescription {
    /// The listener.
    pub listener: ClassicListener,
}

/// A classic load balancer listener: a front-end port mapped to an instance port.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ClassicListener {
    /// The protocol clients use (`HTTP`, `HTTPS`, `TCP`, `SSL`).
    pub protocol: String,
    /// The port clients connect to.
    pub load_balancer_port: i32,
    /// The protocol to the instances.
    #[serde(default)]
    pub instance_protocol: Option<String>,
    /// The instance port traffic is sent to.
    pub instance_port: i32,
}
