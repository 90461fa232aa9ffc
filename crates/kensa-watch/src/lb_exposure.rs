//! What reaches each target through an internet-facing load balancer, kept between
//! events per load balancer, and the delta between two states of one load balancer: a
//! listener created on port 22 in front of an instance opens that instance to the
//! Internet as surely as a security group rule does, through a different path.
use std::collections::{BTreeMap, BTreeSet};

use kensa_net::engine::LbReach;
use kensa_net::flow::{cube, FlowSet, Lattice};
use kensa_net::index::Index;

/// What reaches one target behind one listener of a load balancer.
#[derive(Debug, Clone, PartialEq)]
pub struct LbTargetExposure {
    /// The load balancer (ELBv2 ARN or classic name).
    pub lb: String,
    /// Its name.
    pub lb_name: String,
    /// Its security groups.
    pub lb_groups: Vec<String>,
    /// Internet gateways its subnets route the clients back through.
    pub igws: Vec<String>,
    /// The listener (ARN, or `<name>:<port>` for a classic listener).
    pub listener: String,
    /// The listener's protocol as AWS names it.
    pub protocol: String,
    /// The port it listens on.
    pub listener_port: u16,
    /// The target group (None: a classic load balancer's instance).
    pub target_group: Option<String>,
    /// The target as registered: instance id or IP address.
    pub target: String,
    /// The target's interface, when the model has it.
    pub eni: Option<String>,
    /// The target's instance, when it is one.
    pub instance_id: Option<String>,
    /// The port traffic reaches on the target.
    pub port: u16,
    /// Internet flows that reach the target through the load balancer (target port).
    pub flows: FlowSet,
}

impl LbTargetExposure {
    /// The instance, else the interface, else the registered target: what an alert names.
    pub fn resource(&self) -> &str {
        (self.instance_id.as_deref())
            .or(self.eni.as_deref())
            .unwrap_or(&self.target)
    }

    /// Gateway -> load balancer [groups] -> listener -> target group -> target:port.
    pub fn path(&self) -> String {
        let mut hops: Vec<String> = Vec::new();
        if !self.igws.is_empty() {
            hops.push(self.igws.join("|"));
        }
        hops.push(match self.lb_groups.is_empty() {
            true => self.lb_name.clone(),
            false => format!("{} [{}]", self.lb_name, self.lb_groups.join(",")),
        });
        hops.push(format!(
            "listener {}:{}",
            self.protocol.to_ascii_uppercase(),
            self.listener_port
        ));
        if let Some(tg) = &self.target_group {
            let name = tg.split_once("targetgroup/").map_or(tg.as_str(), |x| x.1);
            hops.push(name.split('/').next().unwrap_or(name).to_string());
        }
        let target = self.eni.as_deref().unwrap_or(&self.target);
        hops.push(format!("{target}:{}", self.port));
        hops.join(" -> ")
    }
}

/// One load balancer's targets, by (listener, target, port).
pub type LbTargets = BTreeMap<(String, String, u16), LbTargetExposure>;

/// Every load balancer's targets that some Internet flow reaches, by load balancer id.
pub type LbExposures = BTreeMap<String, LbTargets>;

/// The targets of one analysed load balancer that the Internet reaches through it.
pub fn of_lb(idx: &Index, r: &LbReach) -> LbTargets {
    let mut out = LbTargets::new();
    for l in &r.listeners {
        for t in l.targets.iter().filter(|t| !t.sources.is_empty()) {
            let flows = t.protocols.iter().fold(FlowSet::default(), |a, p| {
                a.union(&cube(*p, *p, t.port, t.port, t.sources.clone()))
            });
            let eni = t.eni_index.map(|i| &idx.enis[i]);
            let e = LbTargetExposure {
                lb: r.lb.id.clone(),
                lb_name: r.lb.name.clone(),
                lb_groups: r.lb.security_groups.clone(),
                igws: r.igws.clone(),
                listener: l.listener_id.clone(),
                protocol: l.protocol.clone(),
                listener_port: l.port,
                target_group: t.target_group.clone(),
                target: t.target_id.clone(),
                eni: eni.map(|e| e.id.to_string()),
                instance_id: eni.and_then(|e| e.instance_id.map(str::to_string)),
                port: t.port,
                flows,
            };
            let key = (l.listener_id.clone(), t.target_id.clone(), t.port);
            out.insert(key, e);
        }
    }
    out
}

/// Every load balancer's reachable targets, from a full analysis.
pub fn from_analysis(a: &kensa_net::Analysis) -> LbExposures {
    let idx = &a.engine.idx;
    (a.load_balancers.iter())
        .map(|r| (r.lb.id.clone(), of_lb(idx, r)))
        .filter(|(_, t)| !t.is_empty())
        .collect()
}

/// One change of what reaches one target through one listener.
#[derive(Debug, Clone, PartialEq)]
pub struct LbChange {
    /// Opened (true) or closed.
    pub opened: bool,
    /// The flows that appeared or disappeared.
    pub flows: FlowSet,
    /// The target's state on the side that has the flows.
    pub side: LbTargetExposure,
}

/// What opened and closed between two states of one load balancer's targets.
pub fn lb_delta(old: Option<&LbTargets>, new: Option<&LbTargets>) -> Vec<LbChange> {
    let keys: BTreeSet<&(String, String, u16)> = (old.iter().flat_map(|m| m.keys()))
        .chain(new.iter().flat_map(|m| m.keys()))
        .collect();
    let none = FlowSet::default();
    let mut out = Vec::new();
    for k in keys {
        let (o, n) = (old.and_then(|m| m.get(k)), new.and_then(|m| m.get(k)));
        let of = o.map_or(&none, |x| &x.flows);
        let nf = n.map_or(&none, |x| &x.flows);
        if of == nf {
            continue;
        }
        for (opened, flows, side) in [(true, nf.difference(of), n), (false, of.difference(nf), o)] {
            if let (false, Some(side)) = (flows.is_empty(), side) {
                out.push(LbChange {
                    opened,
                    flows,
                    side: side.clone(),
                });
            }
        }
    }
    out
}
