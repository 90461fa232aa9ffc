//! What reaches each interface, per source class, kept between events, and the delta
//! between two states of one interface.
use std::collections::BTreeMap;

use kensa_net::engine::{EniReach, SourceClass};
use kensa_net::flow::{FlowSet, Lattice};
use kensa_net::rangeset::AddrSet;

/// What reaches an interface from one source class.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassExposure {
    /// The flows that reach the interface.
    pub flows: FlowSet,
    /// Gateways the sources come through, with their share of the sources.
    pub gateways: Vec<(String, AddrSet)>,
}

/// One interface's exposure and the components on its path.
#[derive(Debug, Clone, PartialEq)]
pub struct EniExposure {
    /// The interface's engine id.
    pub eni: String,
    /// Its instance, if attached to one.
    pub instance_id: Option<String>,
    /// Its VPC.
    pub vpc_id: String,
    /// Its subnet.
    pub subnet_id: String,
    /// The subnet's route table.
    pub route_table: Option<String>,
    /// The subnet's network ACL.
    pub acl: Option<String>,
    /// Its security groups.
    pub groups: Vec<String>,
    /// Only classes with some flow.
    pub classes: BTreeMap<SourceClass, ClassExposure>,
}

impl EniExposure {
    /// The exposure the engine computed for one interface.
    pub fn from_reach(r: &EniReach) -> Self {
        let classes = (r.exposures.iter())
            .filter(|x| !x.flows.is_empty())
            .map(|x| {
                let c = ClassExposure {
                    flows: (*x.flows).clone(),
                    gateways: x.gateways.clone(),
                };
                (x.class, c)
            })
            .collect();
        EniExposure {
            eni: r.eni.clone(),
            instance_id: r.instance_id.clone(),
            vpc_id: r.vpc_id.clone(),
            subnet_id: r.subnet_id.clone(),
            route_table: r.route_table.clone(),
            acl: r.acl.clone(),
            groups: r.groups.clone(),
            classes,
        }
    }

    /// The instance id, else the interface id: what an alert names.
    pub fn resource(&self) -> &str {
        self.instance_id.as_deref().unwrap_or(&self.eni)
    }

    /// The path from a gateway to the interface, for an alert.
    pub fn path(&self, gateways: &[(String, AddrSet)]) -> String {
        let mut hops: Vec<String> = Vec::new();
        let gws: Vec<&str> = gateways.iter().map(|g| g.0.as_str()).collect();
        if !gws.is_empty() {
            hops.push(gws.join("|"));
        }
        hops.extend(self.route_table.clone());
        hops.extend(self.acl.clone());
        hops.push(self.subnet_id.clone());
        if !self.groups.is_empty() {
            hops.push(self.groups.join(","));
        }
        hops.push(self.eni.clone());
        hops.join(" -> ")
    }
}

/// Every analysed interface's exposure, by interface id.
pub type Exposures = BTreeMap<String, EniExposure>;

/// The exposures of a full analysis.
pub fn from_analysis(a: &kensa_net::Analysis) -> Exposures {
    (a.enis.iter())
        .map(|r| (r.eni.clone(), EniExposure::from_reach(r)))
        .collect()
}

/// One change of one interface's exposure to one source class.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The source class that changed.
    pub class: SourceClass,
    /// Opened (true) or closed.
    pub opened: bool,
    /// The flows that appeared (opened) or disappeared (closed).
    pub flows: FlowSet,
    /// The interface's state on the side that has the flows (after when opened).
    pub side: EniExposure,
    /// Gateways the sources come through, on that side.
    pub gateways: Vec<(String, AddrSet)>,
}

/// What opened and closed between two states of one interface (`None`: not analysed).
pub fn delta(old: Option<&EniExposure>, new: Option<&EniExposure>) -> Vec<Change> {
    let mut out = Vec::new();
    for class in SourceClass::ALL {
        let (b, a) = (class_of(old, class), class_of(new, class));
        let none = FlowSet::default();
        let bf = b.map_or(&none, |x| &x.flows);
        let af = a.map_or(&none, |x| &x.flows);
        if bf == af {
            continue;
        }
        for (opened, gained, side, gws) in [
            (true, af.difference(bf), new, a),
            (false, bf.difference(af), old, b),
        ] {
            if gained.is_empty() {
                continue;
            }
            let (Some(side), Some(gws)) = (side, gws) else {
                continue;
            };
            out.push(Change {
                class,
                opened,
                flows: gained,
                side: side.clone(),
                gateways: gws.gateways.clone(),
            });
        }
    }
    out
}

fn class_of(e: Option<&EniExposure>, class: SourceClass) -> Option<&ClassExposure> {
    e?.classes.get(&class)
}
