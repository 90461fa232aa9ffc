//! What every rule evaluates against: the snapshot, who uses each security group, and
//! (when an engine is plugged in) whether an exposure is actually reachable.
use std::collections::{BTreeMap, BTreeSet, HashMap};

use kensa_model::ec2::Tag;
use kensa_model::{ResourceRef, ResourceType, Scope, Snapshot};
use serde::Serialize;

use crate::ports::PortSet;

/// Something a security group is attached to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Attachment {
    /// An instance (by id).
    Instance {
        /// The instance id.
        id: String,
    },
    /// An ENI not owned by an instance the snapshot has (Lambda, RDS, endpoints, ...).
    NetworkInterface {
        /// The ENI id.
        id: String,
        /// `InterfaceType` as AWS reports it (`lambda`, `vpc_endpoint`, ...).
        interface_type: String,
    },
    /// An ELBv2 or classic load balancer, with its TCP listener ports.
    LoadBalancer {
        /// The load balancer ARN (ELBv2) or name (classic).
        id: String,
        /// `Scheme` is `internet-facing`.
        internet_facing: bool,
        /// Its TCP listener ports, sorted.
        listener_ports: Vec<u16>,
    },
}

impl Attachment {
    /// The attached resource's id.
    pub fn id(&self) -> &str {
        match self {
            Attachment::Instance { id }
            | Attachment::NetworkInterface { id, .. }
            | Attachment::LoadBalancer { id, .. } => id,
        }
    }
}

/// Whether an exposure is reachable, as a reachability engine answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupReach {
    /// Some resource behind the group is reachable from the Internet on a hit port.
    pub reachable: bool,
    /// The resources reached (instance or ENI ids), sorted.
    pub targets: Vec<String>,
    /// One network path, as component ids from the Internet to the target.
    pub path: Vec<String>,
    /// Why not, when unreachable (no public IP, no route to an IGW, NACL denies...).
    pub reason: String,
}

/// A reachability engine, seen from the rules: is the Internet able to reach, through
/// `group_id`, the given TCP/UDP ports?
pub trait Reachability {
    /// Whether the Internet reaches, through `group_id`, a resource on one of the ports.
    fn internet_exposure(&self, group_id: &str, tcp: &PortSet, udp: &PortSet) -> GroupReach;
}

/// What every check evaluates against.
pub struct Context<'a> {
    /// The snapshot being assessed.
    pub snapshot: &'a Snapshot,
    /// Security group id → what uses it.
    pub attachments: BTreeMap<String, BTreeSet<Attachment>>,
    /// A reachability engine, when one is plugged in.
    pub reachability: Option<&'a dyn Reachability>,
}

impl<'a> Context<'a> {
    /// A context over `snapshot`, with the security group attachments indexed.
    pub fn new(snapshot: &'a Snapshot) -> Self {
        Context {
            snapshot,
            attachments: index_attachments(snapshot),
            reachability: None,
        }
    }

    /// The same, with a reachability engine for security group findings.
    pub fn with_reachability(mut self, reach: &'a dyn Reachability) -> Self {
        self.reachability = Some(reach);
        self
    }

    /// What uses the security group `group_id`, sorted.
    pub fn attachments_of(&self, group_id: &str) -> Vec<&Attachment> {
        self.attachments
            .get(group_id)
            .map(|s| s.iter().collect())
            .unwrap_or_default()
    }
}

fn index_attachments(s: &Snapshot) -> BTreeMap<String, BTreeSet<Attachment>> {
    // Built with borrowed keys and a hash map (hundreds of thousands of inserts), then
    // turned into the ordered map the rules iterate.
    let mut out: HashMap<&str, BTreeSet<Attachment>> = HashMap::new();
    fn add<'s>(out: &mut HashMap<&'s str, BTreeSet<Attachment>>, g: &'s str, a: Attachment) {
        out.entry(g).or_default().insert(a);
    }
    for i in s.instances.values() {
        if i.state_name() == Some("terminated") {
            continue;
        }
        let groups = i
            .security_groups
            .iter()
            .chain(i.network_interfaces.iter().flat_map(|n| &n.groups));
        for g in groups {
            add(
                &mut out,
                &g.group_id,
                Attachment::Instance {
                    id: i.instance_id.clone(),
                },
            );
        }
    }
    for eni in s.network_interfaces.values() {
        let owner = eni.attachment.as_ref().and_then(|a| a.instance_id.as_ref());
        let attachment = match owner {
            Some(id) => Attachment::Instance { id: id.clone() },
            None => Attachment::NetworkInterface {
                id: eni.network_interface_id.clone(),
                interface_type: eni.interface_type.clone().unwrap_or_default(),
            },
        };
        for g in &eni.groups {
            add(&mut out, &g.group_id, attachment.clone());
        }
    }
    let mut listener_ports: BTreeMap<&str, Vec<u16>> = BTreeMap::new();
    for l in s.listeners.values() {
        if let Some(p) = l.port.and_then(|p| u16::try_from(p).ok()) {
            listener_ports
                .entry(l.load_balancer_arn.as_str())
                .or_default()
                .push(p);
        }
    }
    for lb in s.load_balancers.values() {
        let a = Attachment::LoadBalancer {
            id: lb.load_balancer_arn.clone(),
            internet_facing: lb.scheme.as_deref() == Some("internet-facing"),
            listener_ports: sorted(listener_ports.get(lb.load_balancer_arn.as_str())),
        };
        for g in &lb.security_groups {
            add(&mut out, g, a.clone());
        }
    }
    for clb in s.classic_load_balancers.values() {
        let ports: Vec<u16> = clb
            .listener_descriptions
            .iter()
            .filter_map(|d| u16::try_from(d.listener.load_balancer_port).ok())
            .collect();
        let a = Attachment::LoadBalancer {
            id: clb.load_balancer_name.clone(),
            internet_facing: clb.scheme.as_deref() == Some("internet-facing"),
            listener_ports: sorted(Some(&ports)),
        };
        for g in &clb.security_groups {
            add(&mut out, g, a.clone());
        }
    }
    out.into_iter().map(|(g, a)| (g.to_string(), a)).collect()
}

fn sorted(v: Option<&Vec<u16>>) -> Vec<u16> {
    let mut v = v.cloned().unwrap_or_default();
    v.sort_unstable();
    v.dedup();
    v
}

/// A `ResourceRef` for a resource of the snapshot.
pub fn resource(
    kind: ResourceType,
    id: &str,
    arn: Option<String>,
    scope: &Scope,
    tags: &[Tag],
) -> ResourceRef {
    ResourceRef {
        resource_type: kind.asff_name().to_string(),
        id: id.to_string(),
        arn,
        account: scope.account.clone(),
        region: scope.region.clone(),
        tags: tags
            .iter()
            .map(|t| (t.key.clone(), t.value.clone()))
            .collect(),
    }
}

/// A security group as the resource its findings name (its ARN, or one built from its
/// scope and id).
pub fn sg_resource(g: &kensa_model::ec2::SecurityGroup) -> ResourceRef {
    let arn = g
        .security_group_arn
        .clone()
        .or_else(|| ec2_arn(&g.scope, "security-group", &g.group_id));
    resource(
        ResourceType::SecurityGroup,
        &g.group_id,
        arn,
        &g.scope,
        &g.tags,
    )
}
/// `arn:aws:ec2:<region>:<account>:<kind>/<id>` when the scope is known.
pub fn ec2_arn(scope: &Scope, kind: &str, id: &str) -> Option<String> {
    (!scope.account.is_empty() && !scope.region.is_empty())
        .then(|| format!("arn:aws:ec2:{}:{}:{kind}/{id}", scope.region, scope.account))
}
