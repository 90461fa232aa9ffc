//! Elastic Load Balancing: ELBv2 and classic.
use aws_sdk_elasticloadbalancing::types as clb;
use aws_sdk_elasticloadbalancingv2::types as sdk;
use kensa_model::elb as m;

use super::{own, strings, wire};

/// The SDK's `LoadBalancer` as the model's `LoadBalancer` (the AWS CLI's JSON shape).
pub fn load_balancer(lb: &sdk::LoadBalancer) -> m::LoadBalancer {
    m::LoadBalancer {
        load_balancer_arn: lb.load_balancer_arn().unwrap_or_default().to_owned(),
        load_balancer_name: own(lb.load_balancer_name()),
        dns_name: own(lb.dns_name()),
        scheme: wire(lb.scheme()),
        lb_type: wire(lb.r#type()),
        vpc_id: own(lb.vpc_id()),
        availability_zones: lb
            .availability_zones()
            .iter()
            .map(|z| m::LbAvailabilityZone {
                zone_name: own(z.zone_name()),
                subnet_id: own(z.subnet_id()),
                load_balancer_addresses: z
                    .load_balancer_addresses()
                    .iter()
                    .map(|a| m::LbAddress {
                        ip_address: own(a.ip_address()),
                        allocation_id: own(a.allocation_id()),
                        private_ipv4_address: own(a.private_ipv4_address()),
                        ipv6_address: own(a.ipv6_address()),
                    })
                    .collect(),
            })
            .collect(),
        security_groups: strings(lb.security_groups()),
        ip_address_type: wire(lb.ip_address_type()),
        state: lb.state().map(|s| {
            let mut state = serde_json::Map::new();
            if let Some(code) = s.code() {
                state.insert("Code".into(), code.as_str().into());
            }
            if let Some(reason) = s.reason() {
                state.insert("Reason".into(), reason.into());
            }
            serde_json::Value::Object(state)
        }),
        scope: Default::default(),
    }
}

/// The SDK's `Listener` as the model's `Listener` (the AWS CLI's JSON shape).
pub fn listener(l: &sdk::Listener) -> m::Listener {
    m::Listener {
        listener_arn: l.listener_arn().unwrap_or_default().to_owned(),
        load_balancer_arn: l.load_balancer_arn().unwrap_or_default().to_owned(),
        port: l.port(),
        protocol: wire(l.protocol()),
        default_actions: l
            .default_actions()
            .iter()
            .map(|a| m::ListenerAction {
                action_type: wire(a.r#type()).unwrap_or_default(),
                target_group_arn: own(a.target_group_arn()),
                forward_config: a.forward_config().map(|f| m::ForwardConfig {
                    target_groups: f
                        .target_groups()
                        .iter()
                        .map(|t| m::WeightedTargetGroup {
                            target_group_arn: t.target_group_arn().unwrap_or_default().to_owned(),
                            weight: t.weight(),
                        })
                        .collect(),
                }),
                order: a.order(),
            })
            .collect(),
        scope: Default::default(),
    }
}

/// The SDK's `TargetGroup` as the model's `TargetGroup` (the AWS CLI's JSON shape).
pub fn target_group(t: &sdk::TargetGroup) -> m::TargetGroup {
    m::TargetGroup {
        target_group_arn: t.target_group_arn().unwrap_or_default().to_owned(),
        target_group_name: own(t.target_group_name()),
        protocol: wire(t.protocol()),
        port: t.port(),
        vpc_id: own(t.vpc_id()),
        target_type: wire(t.target_type()),
        load_balancer_arns: strings(t.load_balancer_arns()),
        target_health_descriptions: Vec::new(),
        scope: Default::default(),
    }
}

/// The SDK's `TargetHealthDescription` as the model's `TargetHealthDescription` (the AWS CLI's JSON shape).
pub fn target_health(d: &sdk::TargetHealthDescription) -> m::TargetHealthDescription {
    let target = d.target();
    m::TargetHealthDescription {
        target: m::TargetDescription {
            id: target.and_then(|t| t.id()).unwrap_or_default().to_owned(),
            port: target.and_then(|t| t.port()),
            availability_zone: own(target.and_then(|t| t.availability_zone())),
        },
        health_check_port: own(d.health_check_port()),
        target_health: d.target_health().map(|h| m::TargetHealth {
            state: wire(h.state()),
            reason: wire(h.reason()),
            description: own(h.description()),
        }),
    }
}

/// The SDK's `LoadBalancerDescription` as the model's `ClassicLoadBalancer` (the AWS CLI's JSON shape).
pub fn classic_load_balancer(lb: &clb::LoadBalancerDescription) -> m::ClassicLoadBalancer {
    m::ClassicLoadBalancer {
        load_balancer_name: lb.load_balancer_name().unwrap_or_default().to_owned(),
        dns_name: own(lb.dns_name()),
        scheme: own(lb.scheme()),
        vpc_id: own(lb.vpc_id()),
        subnets: strings(lb.subnets()),
        security_groups: strings(lb.security_groups()),
        instances: lb
            .instances()
            .iter()
            .map(|i| m::ClassicInstance {
                instance_id: i.instance_id().unwrap_or_default().to_owned(),
            })
            .collect(),
        listener_descriptions: lb
            .listener_descriptions()
            .iter()
            .filter_map(|d| d.listener())
            .map(|l| m::ClassicListenerDescription {
                listener: m::ClassicListener {
                    protocol: l.protocol().to_owned(),
                    load_balancer_port: l.load_balancer_port(),
                    instance_protocol: own(l.instance_protocol()),
                    instance_port: l.instance_port(),
                },
            })
            .collect(),
        scope: Default::default(),
    }
}
