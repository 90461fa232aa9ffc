//! Load balancers (ALB/NLB and classic), listeners, target groups and their ENIs.
use std::io;

use rand::Rng;
use serde_json::json;

use super::plan::{Plan, Role};
use super::Sink;
use crate::elb::{
    ClassicInstance, ClassicListener, ClassicListenerDescription, ClassicLoadBalancer,
    LbAvailabilityZone, Listener, ListenerAction, LoadBalancer, TargetDescription, TargetGroup,
    TargetHealth, TargetHealthDescription,
};
use crate::instance::{
    Attachment, GroupIdentifier, IpAssociation, NetworkInterface, PrivateIpAddress,
};

pub(crate) fn internet_facing(l: usize) -> bool {
    l % 10 < 7
}

pub(crate) fn is_alb(l: usize) -> bool {
    l % 3 != 2
}

fn vpc_of(p: &Plan, l: usize) -> usize {
    l % p.vpcs
}

/// Two subnets in different zones: public ones for an internet-facing balancer.
fn lb_subnets(p: &Plan, l: usize) -> Vec<usize> {
    let role = if internet_facing(l) {
        Role::Public
    } else {
        Role::Private
    };
    p.subnets_with(vpc_of(p, l), role)
        .into_iter()
        .take(2)
        .collect()
}

fn kind(l: usize) -> &'static str {
    if is_alb(l) {
        "app"
    } else {
        "net"
    }
}

fn lb_name(l: usize) -> String {
    format!("lb-{l:04}")
}

pub(crate) fn lb_arn(p: &Plan, l: usize) -> String {
    let (region, account) = (&p.region, &p.account);
    let hex = p.ids.hex16("lb", l as u64);
    format!(
        "arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/{}/{}/{hex}",
        kind(l),
        lb_name(l)
    )
}

fn tg_arn(p: &Plan, l: usize) -> String {
    let (region, account) = (&p.region, &p.account);
    let hex = p.ids.hex16("tg", l as u64);
    format!(
        "arn:aws:elasticloadbalancing:{region}:{account}:targetgroup/{}-tg/{hex}",
        lb_name(l)
    )
}

fn listener_arn(p: &Plan, l: usize, port: i32) -> String {
    let lb = lb_arn(p, l).replacen(":loadbalancer/", ":listener/", 1);
    format!(
        "{lb}/{}",
        p.ids
            .hex16("listener", (l * 100_000 + port as usize) as u64)
    )
}

fn lb_ip(p: &Plan, l: usize, k: usize) -> String {
    let (a, b) = p.vpc_octets(vpc_of(p, l));
    format!("{a}.{b}.{k}.{}", 240 + (l / p.vpcs) % 11)
}

pub(crate) fn load_balancers(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for l in 0..p.load_balancers {
        let v = vpc_of(p, l);
        let zones = lb_subnets(p, l)
            .into_iter()
            .map(|k| LbAvailabilityZone {
                zone_name: Some(p.az(k)),
                subnet_id: Some(p.subnet_id(v, k)),
                load_balancer_addresses: Vec::new(),
            })
            .collect();
        s.item(&LoadBalancer {
            load_balancer_arn: lb_arn(p, l),
            load_balancer_name: Some(lb_name(l)),
            dns_name: Some(format!(
                "{}-{}.{}.elb.amazonaws.com",
                lb_name(l),
                &p.ids.hex16("dns", l as u64)[..10],
                p.region
            )),
            scheme: Some(
                if internet_facing(l) {
                    "internet-facing"
                } else {
                    "internal"
                }
                .to_string(),
            ),
            lb_type: Some(if is_alb(l) { "application" } else { "network" }.to_string()),
            vpc_id: Some(p.vpc_id(v)),
            availability_zones: zones,
            security_groups: vec![p.lb_group_id(l)],
            ip_address_type: Some("ipv4".to_string()),
            state: Some(json!({"Code": "active"})),
            ..LoadBalancer::default()
        })?;
    }
    Ok(())
}

fn forward(p: &Plan, l: usize) -> ListenerAction {
    ListenerAction {
        action_type: "forward".to_string(),
        target_group_arn: Some(tg_arn(p, l)),
        order: Some(1),
        ..ListenerAction::default()
    }
}

pub(crate) fn listeners(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for l in 0..p.load_balancers {
        let mut listeners = vec![(443, if is_alb(l) { "HTTPS" } else { "TCP" }, forward(p, l))];
        if is_alb(l) {
            let redirect = ListenerAction {
                action_type: "redirect".to_string(),
                order: Some(1),
                ..ListenerAction::default()
            };
            listeners.push((
                80,
                "HTTP",
                if l % 2 == 0 { redirect } else { forward(p, l) },
            ));
        }
        for (port, protocol, action) in listeners {
            s.item(&Listener {
                listener_arn: listener_arn(p, l, port),
                load_balancer_arn: lb_arn(p, l),
                port: Some(port),
                protocol: Some(protocol.to_string()),
                default_actions: vec![action],
                ..Listener::default()
            })?;
        }
    }
    Ok(())
}

/// Between two and eight instances of the balancer's VPC.
fn targets(p: &Plan, l: usize) -> Vec<usize> {
    targets_in(p, vpc_of(p, l), l)
}

fn targets_in(p: &Plan, v: usize, salt: usize) -> Vec<usize> {
    let mut rng = p.ids.rng("targets", salt as u64);
    let per_subnet = p.instances.div_ceil(p.subnets());
    let mut out = Vec::new();
    for _ in 0..rng.gen_range(2..=8) {
        let k = rng.gen_range(0..p.subnets_per_vpc);
        if let Some(i) = p.instance_at(v, k, rng.gen_range(0..per_subnet.max(1))) {
            out.push(i);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn target_port(l: usize) -> i32 {
    if is_alb(l) {
        8080
    } else {
        443
    }
}

pub(crate) fn target_groups(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for l in 0..p.load_balancers {
        s.item(&TargetGroup {
            target_group_arn: tg_arn(p, l),
            target_group_name: Some(format!("{}-tg", lb_name(l))),
            protocol: Some(if is_alb(l) { "HTTP" } else { "TCP" }.to_string()),
            port: Some(target_port(l)),
            vpc_id: Some(p.vpc_id(vpc_of(p, l))),
            target_type: Some("instance".to_string()),
            load_balancer_arns: vec![lb_arn(p, l)],
            ..TargetGroup::default()
        })?;
    }
    Ok(())
}

/// Batfish's grouped `describe-target-health` output: one group per target group.
pub(crate) fn target_health(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for l in 0..p.load_balancers {
        let descriptions: Vec<TargetHealthDescription> = targets(p, l)
            .into_iter()
            .map(|i| TargetHealthDescription {
                target: TargetDescription {
                    id: p.instance_id(i),
                    port: Some(target_port(l)),
                    availability_zone: None,
                },
                health_check_port: Some(target_port(l).to_string()),
                target_health: Some(TargetHealth {
                    state: Some("healthy".to_string()),
                    ..TargetHealth::default()
                }),
            })
            .collect();
        s.item(&json!({"TargetGroupArn": tg_arn(p, l), "TargetHealthDescriptions": descriptions}))?;
    }
    Ok(())
}

/// The balancers' own ENIs, one per subnet, managed by ELB.
pub(crate) fn load_balancer_enis(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for l in 0..p.load_balancers {
        let v = vpc_of(p, l);
        for (n, k) in lb_subnets(p, l).into_iter().enumerate() {
            let ip = lb_ip(p, l, k);
            let association = internet_facing(l).then(|| IpAssociation {
                public_ip: Some(p.ids.public_ip("lb", (l * 2 + n) as u64)),
                ip_owner_id: Some("amazon".to_string()),
                ..IpAssociation::default()
            });
            let desc = format!(
                "ELB {}/{}/{}",
                kind(l),
                lb_name(l),
                p.ids.hex16("lb", l as u64)
            );
            let groups = if is_alb(l) {
                vec![GroupIdentifier {
                    group_id: p.lb_group_id(l),
                    group_name: Some(format!("{}-sg", lb_name(l))),
                }]
            } else {
                Vec::new()
            };
            s.item(&NetworkInterface {
                network_interface_id: p
                    .ids
                    .id("eni-lb", (l * 2 + n) as u64)
                    .replacen("eni-lb", "eni", 1),
                subnet_id: Some(p.subnet_id(v, k)),
                vpc_id: Some(p.vpc_id(v)),
                availability_zone: Some(p.az(k)),
                description: Some(desc),
                interface_type: Some(
                    if is_alb(l) {
                        "interface"
                    } else {
                        "network_load_balancer"
                    }
                    .to_string(),
                ),
                requester_id: Some("amazon-elb".to_string()),
                requester_managed: true,
                private_ip_address: Some(ip.clone()),
                private_ip_addresses: vec![PrivateIpAddress {
                    private_ip_address: Some(ip),
                    primary: true,
                    association: association.clone(),
                }],
                association,
                attachment: Some(Attachment {
                    attachment_id: Some(p.ids.id("ela-attach", (l * 2 + n) as u64)),
                    instance_owner_id: Some("amazon-elb".to_string()),
                    device_index: Some(1),
                    status: Some("attached".to_string()),
                    ..Attachment::default()
                }),
                groups,
                owner_id: Some(p.account.clone()),
                source_dest_check: Some(false),
                status: Some("in-use".to_string()),
                ..NetworkInterface::default()
            })?;
        }
    }
    Ok(())
}

/// `elb describe-load-balancers`: a few classic balancers in public subnets.
pub(crate) fn classic_load_balancers(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for c in 0..p.classic_load_balancers {
        let v = c % p.vpcs;
        let subnets = p
            .subnets_with(v, Role::Public)
            .into_iter()
            .take(2)
            .map(|k| p.subnet_id(v, k))
            .collect();
        let instances = targets_in(p, v, p.load_balancers + c)
            .into_iter()
            .map(|i| ClassicInstance {
                instance_id: p.instance_id(i),
            })
            .collect();
        s.item(&ClassicLoadBalancer {
            load_balancer_name: format!("classic-{c:03}"),
            dns_name: Some(format!(
                "classic-{c:03}-{}.{}.elb.amazonaws.com",
                &p.ids.hex16("clb", c as u64)[..9],
                p.region
            )),
            scheme: Some("internet-facing".to_string()),
            vpc_id: Some(p.vpc_id(v)),
            subnets,
            security_groups: vec![p.group_id(v, 0)],
            instances,
            listener_descriptions: vec![ClassicListenerDescription {
                listener: ClassicListener {
                    protocol: "HTTP".to_string(),
                    load_balancer_port: 80,
                    instance_protocol: Some("HTTP".to_string()),
                    instance_port: 80,
                },
            }],
            ..ClassicLoadBalancer::default()
        })?;
    }
    Ok(())
}
