//! The model narrowed to the interfaces one event may affect: every shared resource
//! (VPCs, subnets, route tables, ACLs, groups, gateways, peerings, transit gateways, load
//! balancers) and only the selected interfaces, instances and Elastic IPs. The engine
//! indexes that in time proportional to the shared resources, not to the instances, and
//! gives the selected interfaces the result a full analysis would, once the groups they
//! reference get their members from the [`Population`].
use std::collections::BTreeSet;

use kensa_model::Snapshot;
use kensa_net::engine::Engine;

use crate::population::Population;

/// Interfaces and instances to keep, by id.
#[derive(Debug, Default)]
pub struct Selection {
    pub network_interfaces: BTreeSet<String>,
    pub instances: BTreeSet<String>,
}

impl Selection {
    /// The interfaces `enis` (engine ids: `eni-…`, or `i-…#eth0` for an instance the
    /// model lists without one) and `instances`, with whatever the engine joins them with:
    /// an instance's interfaces, an attached interface's instance.
    pub fn new(
        snap: &Snapshot,
        pop: &Population,
        enis: &BTreeSet<String>,
        instances: &BTreeSet<String>,
    ) -> Self {
        let mut s = Selection::default();
        for id in enis {
            if let Some((inst, _)) = id.split_once('#') {
                s.instances.insert(inst.to_string());
                continue;
            }
            if let Some(n) = snap.network_interfaces.get(id) {
                s.network_interfaces.insert(id.clone());
                let att = n.attachment.as_ref().and_then(|a| a.instance_id.clone());
                s.instances.extend(att);
            }
            s.instances.extend(pop.instance_of(id).map(str::to_string));
        }
        s.instances.extend(instances.iter().cloned());
        // An instance's interfaces, wherever the model lists them.
        for inst in &s.instances {
            for id in pop.by_instance.get(inst) {
                if snap.network_interfaces.contains_key(id) {
                    s.network_interfaces.insert(id.clone());
                }
            }
            let nested = snap.instances.get(inst).into_iter();
            for n in nested.flat_map(|i| &i.network_interfaces) {
                if snap
                    .network_interfaces
                    .contains_key(&n.network_interface_id)
                {
                    s.network_interfaces.insert(n.network_interface_id.clone());
                }
            }
        }
        s
    }

    /// The engine ids of the interfaces the selection held before the change.
    pub fn interfaces_before(&self, pop: &Population, enis: &BTreeSet<String>) -> BTreeSet<String> {
        let mut out = enis.clone();
        out.extend(self.network_interfaces.iter().cloned());
        for inst in &self.instances {
            out.extend(pop.by_instance.get(inst).cloned());
        }
        out
    }
}

/// Runs `f` on an engine over the model narrowed to `sel`. The model's interfaces,
/// instances and addresses are moved aside (not copied) and put back afterwards.
pub fn with_engine<R>(
    snap: &mut Snapshot,
    sel: &Selection,
    pop: &mut Population,
    f: impl FnOnce(&mut Engine, &mut Population) -> R,
) -> R {
    let nics = std::mem::take(&mut snap.network_interfaces);
    let instances = std::mem::take(&mut snap.instances);
    let addresses = std::mem::take(&mut snap.addresses);
    snap.network_interfaces = (sel.network_interfaces.iter())
        .filter_map(|id| Some((id.clone(), nics.get(id)?.clone())))
        .collect();
    snap.instances = (sel.instances.iter())
        .filter_map(|id| Some((id.clone(), instances.get(id)?.clone())))
        .collect();
    // An Elastic IP joins its interface, or its instance's primary interface.
    let nested: BTreeSet<&str> = (snap.instances.values())
        .flat_map(|i| &i.network_interfaces)
        .map(|n| n.network_interface_id.as_str())
        .collect();
    let kept = (addresses.iter()).filter(|(_, a)| {
        let eni = a.network_interface_id.as_deref();
        eni.is_some_and(|e| sel.network_interfaces.contains(e) || nested.contains(e))
            || (a.instance_id.as_ref()).is_some_and(|i| sel.instances.contains(i))
    });
    let kept = kept.map(|(k, a)| (k.clone(), a.clone())).collect();
    snap.addresses = kept;
    let result = {
        let mut engine = Engine::new(snap);
        f(&mut engine, pop)
    };
    snap.network_interfaces = nics;
    snap.instances = instances;
    snap.addresses = addresses;
    result
}

/// The groups whose members the rules of `groups` name.
pub fn referenced_groups<'a>(
    snap: &Snapshot,
    groups: impl IntoIterator<Item = &'a str>,
) -> BTreeSet<String> {
    let wanted: BTreeSet<&str> = groups.into_iter().collect();
    let mut out = BTreeSet::new();
    for g in &wanted {
        let Some(sg) = snap.security_groups.get(*g) else {
            continue;
        };
        let pairs = (sg.ip_permissions.iter().chain(&sg.ip_permissions_egress))
            .flat_map(|p| &p.user_id_group_pairs);
        out.extend(pairs.filter_map(|p| p.group_id.clone()));
    }
    for r in snap.security_group_rules.values() {
        if wanted.contains(r.group_id.as_str()) {
            let info = r.referenced_group_info.as_ref();
            out.extend(info.and_then(|i| i.group_id.clone()));
        }
    }
    out
}
