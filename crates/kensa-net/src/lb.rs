//! Load balancers as the engine sees them: nodes (addresses, subnets, groups), listeners
//! and the targets each listener forwards to.
use std::net::IpAddr;

use kensa_model::ResourceType;

use crate::flow::{TCP, UDP};
use crate::index::Index;
use crate::rangeset::AddrSet;

/// The load balancer families, which differ in what the engine may assume: ALB and CLB
/// terminate connections, NLB may keep the client's address, GWLB is never a destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LbKind {
    /// Application Load Balancer (ELBv2, HTTP/HTTPS).
    Application,
    /// Network Load Balancer (ELBv2, TCP/UDP/TLS).
    Network,
    /// Gateway Load Balancer (ELBv2, GENEVE to appliances): not analysed as a destination.
    Gateway,
    /// Classic Load Balancer (ELB).
    Classic,
}

impl LbKind {
    /// Security Hub's resource type for the load balancer.
    pub fn resource_type(self) -> &'static str {
        match self {
            LbKind::Classic => ResourceType::ElbLoadBalancer,
            _ => ResourceType::Elbv2LoadBalancer,
        }
        .asff_name()
    }
}

/// One registered target of a listener.
#[derive(Debug, Clone)]
pub struct LbTarget {
    /// The target group ARN; `None` for a Classic Load Balancer's instances.
    pub target_group: Option<String>,
    /// Instance id or IP address, as registered.
    pub id: String,
    /// The port traffic is sent to on the target.
    pub port: u16,
    /// Index into [`Index::enis`] of the ENI that receives the traffic.
    pub eni: Option<usize>,
    /// The load balancer keeps the client's address (NLB instance targets): the target's
    /// security group must then admit the clients, not the load balancer.
    pub preserves_client_ip: bool,
}

/// One listener and where it forwards.
#[derive(Debug, Clone)]
pub struct LbListener {
    /// Listener ARN, or `<name>:<port>` for a classic listener.
    pub id: String,
    /// Its protocol as AWS names it (`HTTP`, `HTTPS`, `TCP`, `UDP`, `TLS`, `TCP_UDP`, …).
    pub protocol: String,
    /// The port it listens on.
    pub port: u16,
    /// The IP protocols that protocol means on the wire (TCP 6 and/or UDP 17).
    pub ip_protocols: Vec<u8>,
    /// Targets of its default action's target groups (or the CLB's instances).
    pub targets: Vec<LbTarget>,
}

/// A load balancer: where its nodes are, which groups guard them, and its listeners.
#[derive(Debug, Clone)]
pub struct LbNode {
    /// ARN for ELBv2, name for classic.
    pub id: String,
    /// The load balancer name.
    pub name: String,
    /// Which family it is.
    pub kind: LbKind,
    /// Scheme `internet-facing` (else internal: never reachable from the Internet).
    pub internet_facing: bool,
    /// IP address type `dualstack`: its nodes also take IPv6 clients.
    pub dualstack: bool,
    /// Its VPC, when the snapshot says.
    pub vpc_id: Option<String>,
    /// The subnets its nodes live in.
    pub subnets: Vec<String>,
    /// Its security groups; empty means none apply (an NLB without groups admits all).
    pub security_groups: Vec<String>,
    /// The private addresses of the nodes (their ENIs), or their subnets' CIDRs when the
    /// snapshot has no ENI for them (`enis_known` false).
    pub addrs: AddrSet,
    /// Whether the snapshot holds the nodes' ENIs (else `addrs` is the subnets' CIDRs).
    pub enis_known: bool,
    /// Its listeners, in snapshot order.
    pub listeners: Vec<LbListener>,
}

fn ip_protocols(listener_protocol: &str) -> Vec<u8> {
    match listener_protocol.to_ascii_uppercase().as_str() {
        "UDP" => vec![UDP],
        "TCP_UDP" => vec![TCP, UDP],
        "GENEVE" => vec![],
        _ => vec![TCP],
    }
}

fn port(p: Option<i32>) -> Option<u16> {
    p.and_then(|p| u16::try_from(p).ok())
}

impl LbNode {
    /// Every ELBv2 (application and network) and classic load balancer of the snapshot.
    pub fn all(idx: &Index) -> Vec<LbNode> {
        let mut out: Vec<LbNode> = idx
            .snap
            .load_balancers
            .values()
            .map(|lb| Self::v2(idx, lb))
            .collect();
        out.extend(
            idx.snap
                .classic_load_balancers
                .values()
                .map(|lb| Self::classic(idx, lb)),
        );
        out
    }

    fn node_addrs(
        idx: &Index,
        description: &str,
        subnets: &[String],
        extra: &[IpAddr],
    ) -> (AddrSet, bool) {
        let mut ips: Vec<IpAddr> = extra.to_vec();
        for &i in idx
            .eni_by_description
            .get(description)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            ips.extend(idx.enis[i].own_addrs().copied());
        }
        if !ips.is_empty() {
            return (AddrSet::from_hosts(&ips), true);
        }
        let set = subnets
            .iter()
            .filter_map(|s| idx.subnets.get(s.as_str()))
            .fold(AddrSet::empty(), |a, s| a.union(&s.cidrs));
        (set, false)
    }

    /// The primary ENI of an instance.
    fn instance_eni(idx: &Index, instance: &str) -> Option<usize> {
        idx.primary_eni.get(instance).copied()
    }

    fn v2(idx: &Index, lb: &kensa_model::elb::LoadBalancer) -> LbNode {
        let kind = match lb.lb_type.as_deref() {
            Some("network") => LbKind::Network,
            Some("gateway") => LbKind::Gateway,
            _ => LbKind::Application,
        };
        let subnets: Vec<String> = lb
            .availability_zones
            .iter()
            .filter_map(|z| z.subnet_id.clone())
            .collect();
        let extra: Vec<IpAddr> = lb
            .availability_zones
            .iter()
            .flat_map(|z| z.load_balancer_addresses.iter())
            .filter_map(|a| a.private_ipv4_address.as_deref()?.parse().ok())
            .collect();
        let tail = lb
            .load_balancer_arn
            .split_once("loadbalancer/")
            .map(|x| x.1)
            .unwrap_or("");
        let (addrs, enis_known) = Self::node_addrs(idx, &format!("ELB {tail}"), &subnets, &extra);
        let mut listeners: Vec<LbListener> = idx
            .snap
            .listeners
            .values()
            .filter(|l| l.load_balancer_arn == lb.load_balancer_arn)
            .filter_map(|l| {
                let protocol = l.protocol.clone().unwrap_or_else(|| "TCP".into());
                let mut targets = Vec::new();
                for action in l
                    .default_actions
                    .iter()
                    .filter(|a| a.action_type == "forward")
                {
                    for tg_arn in action.target_group_arns() {
                        let Some(tg) = idx.snap.target_groups.get(tg_arn) else {
                            continue;
                        };
                        let by_ip = tg.target_type.as_deref() == Some("ip");
                        for d in &tg.target_health_descriptions {
                            let Some(p) = port(d.target.port.or(tg.port)) else {
                                continue;
                            };
                            let eni = if by_ip {
                                d.target
                                    .id
                                    .parse()
                                    .ok()
                                    .and_then(|ip| idx.eni_by_ip.get(&ip).copied())
                            } else {
                                Self::instance_eni(idx, &d.target.id)
                            };
                            targets.push(LbTarget {
                                target_group: Some(tg_arn.to_string()),
                                id: d.target.id.clone(),
                                port: p,
                                eni,
                                preserves_client_ip: kind == LbKind::Network && !by_ip,
                            });
                        }
                    }
                }
                Some(LbListener {
                    id: l.listener_arn.clone(),
                    ip_protocols: ip_protocols(&protocol),
                    protocol,
                    port: port(l.port)?,
                    targets,
                })
            })
            .collect();
        listeners.sort_by(|a, b| (a.port, &a.id).cmp(&(b.port, &b.id)));
        LbNode {
            id: lb.load_balancer_arn.clone(),
            name: lb
                .load_balancer_name
                .clone()
                .unwrap_or_else(|| tail.to_string()),
            kind,
            internet_facing: lb.is_internet_facing(),
            dualstack: lb
                .ip_address_type
                .as_deref()
                .is_some_and(|t| t.starts_with("dualstack")),
            vpc_id: lb.vpc_id.clone(),
            subnets,
            security_groups: lb.security_groups.clone(),
            addrs,
            enis_known,
            listeners,
        }
    }

    fn classic(idx: &Index, lb: &kensa_model::elb::ClassicLoadBalancer) -> LbNode {
        let name = lb.load_balancer_name.clone();
        let (addrs, enis_known) = Self::node_addrs(idx, &format!("ELB {name}"), &lb.subnets, &[]);
        let mut listeners: Vec<LbListener> = lb
            .listener_descriptions
            .iter()
            .filter_map(|d| {
                let l = &d.listener;
                let p = port(Some(l.load_balancer_port))?;
                let target_port = port(Some(l.instance_port))?;
                let targets = lb
                    .instances
                    .iter()
                    .map(|i| LbTarget {
                        target_group: None,
                        id: i.instance_id.clone(),
                        port: target_port,
                        eni: Self::instance_eni(idx, &i.instance_id),
                        preserves_client_ip: false,
                    })
                    .collect();
                Some(LbListener {
                    id: format!("{name}:{p}"),
                    protocol: l.protocol.clone(),
                    port: p,
                    ip_protocols: ip_protocols(&l.protocol),
                    targets,
                })
            })
            .collect();
        listeners.sort_by(|a, b| (a.port, &a.id).cmp(&(b.port, &b.id)));
        LbNode {
            id: name.clone(),
            name,
            kind: LbKind::Classic,
            internet_facing: lb.scheme.as_deref() != Some("internal"),
            dualstack: false,
            vpc_id: lb.vpc_id.clone(),
            subnets: lb.subnets.clone(),
            security_groups: lb.security_groups.clone(),
            addrs,
            enis_known,
            listeners,
        }
    }
}
