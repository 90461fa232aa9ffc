//! Reachability from `kensa-net` for security group findings: is the Internet able to
//! reach, through a group, the ports it opens to the world?
//!
//! The engine's per-ENI Internet exposure already accounts for public addresses, the
//! route back to an internet gateway, network ACLs and the union of the ENI's groups;
//! a group's world-open ports are reachable when some ENI using the group is exposed to the
//! Internet on one of them, or when an internet-facing load balancer using the group
//! receives Internet traffic on one of them.
use std::collections::BTreeMap;
use std::rc::Rc;

use kensa_net::engine::{Analysis, Exposure, SourceClass};
use kensa_net::flow::{FlowSet, Lattice};

use crate::context::{GroupReach, Reachability};
use crate::ports::PortSet;

const TCP: u8 = 6;
const UDP: u8 = 17;

/// One resource using a group, with what reaches it from the Internet.
struct Exposed {
    target: String,
    path: Vec<String>,
    flows: Rc<FlowSet>,
}

/// [`Reachability`] answered from a `kensa-net` analysis.
pub struct NetReachability {
    by_group: BTreeMap<String, Vec<Exposed>>,
}

impl NetReachability {
    /// Indexes an analysis of the reachability engine by security group.
    pub fn new(analysis: &Analysis<'_>) -> Self {
        let mut by_group: BTreeMap<String, Vec<Exposed>> = BTreeMap::new();
        for eni in &analysis.enis {
            let Some(internet) = internet(&eni.exposures) else {
                continue;
            };
            let mut path = vec!["internet".to_string()];
            path.extend(internet.gateways.iter().map(|(g, _)| g.clone()).take(1));
            path.extend(eni.acl.iter().cloned());
            path.push(eni.eni.clone());
            path.extend(eni.instance_id.iter().cloned());
            let target = eni.instance_id.clone().unwrap_or_else(|| eni.eni.clone());
            for g in &eni.groups {
                by_group.entry(g.clone()).or_default().push(Exposed {
                    target: target.clone(),
                    path: path.clone(),
                    flows: internet.flows.clone(),
                });
            }
        }
        for lb in &analysis.load_balancers {
            let mut flows = FlowSet::default();
            for l in &lb.listeners {
                flows = flows.union(&l.flows);
            }
            let path: Vec<String> = std::iter::once("internet".to_string())
                .chain(lb.igws.iter().take(1).cloned())
                .chain(std::iter::once(lb.lb.id.clone()))
                .collect();
            let flows = Rc::new(flows);
            for g in &lb.lb.security_groups {
                by_group.entry(g.clone()).or_default().push(Exposed {
                    target: lb.lb.id.clone(),
                    path: path.clone(),
                    flows: flows.clone(),
                });
            }
        }
        NetReachability { by_group }
    }
}

fn internet(exposures: &[Exposure]) -> Option<&Exposure> {
    exposures.iter().find(|e| e.class == SourceClass::Internet)
}

/// Some port of `ports` is open for `proto` in `flows` (to at least one source).
fn hits(flows: &FlowSet, proto: u8, ports: &PortSet) -> bool {
    let Some(pm) = flows.get(proto) else {
        return false;
    };
    pm.segments()
        .iter()
        .any(|(lo, hi, _)| ports.ranges().iter().any(|r| *lo <= r.to && r.from <= *hi))
}

impl Reachability for NetReachability {
    fn internet_exposure(&self, group_id: &str, tcp: &PortSet, udp: &PortSet) -> GroupReach {
        let exposed = self
            .by_group
            .get(group_id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let reached: Vec<&Exposed> = exposed
            .iter()
            .filter(|e| hits(&e.flows, TCP, tcp) || hits(&e.flows, UDP, udp))
            .collect();
        let mut targets: Vec<String> = reached.iter().map(|e| e.target.clone()).collect();
        targets.sort();
        targets.dedup();
        match reached.first() {
            Some(first) => GroupReach {
                reachable: true,
                targets,
                path: first.path.clone(),
                reason: String::new(),
            },
            None => GroupReach {
                reachable: false,
                targets,
                path: Vec::new(),
                reason: if exposed.is_empty() {
                    "no resource using the group is exposed to the Internet (no public address, no route to an internet gateway, or a network ACL denies it)".into()
                } else {
                    "the Internet reaches resources using the group, but not on these ports (a network ACL or the route denies them)".into()
                },
            },
        }
    }
}
