//! Which load balancers an event affects, and what of the model their analysis needs:
//! a load balancer is analysed again when it changed itself, when its groups, subnets or
//! VPC's routing did, or when one of its targets' interfaces is analysed again.
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use kensa_model::Snapshot;

use crate::population::Population;
use crate::scope::Scope;

/// Interfaces of load balancer nodes, by description (`ELB app/web/50dc6c495c0c9188`,
/// `ELB web` for a classic one): what the engine finds a load balancer's nodes by.
pub(crate) fn node_enis(snap: &Snapshot) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (id, n) in &snap.network_interfaces {
        if let Some(d) = n.description.as_deref().filter(|d| d.starts_with("ELB ")) {
            out.entry(d.to_string()).or_default().push(id.clone());
        }
    }
    out
}

/// The description of an ELBv2 load balancer's node interfaces.
fn v2_description(arn: &str) -> String {
    let tail = arn.split_once("loadbalancer/").map_or("", |x| x.1);
    format!("ELB {tail}")
}

/// Target groups each ELBv2 load balancer's listeners forward to.
fn forwarded(snap: &Snapshot) -> BTreeMap<&str, BTreeSet<&str>> {
    let mut out: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for l in snap.listeners.values() {
        let tgs = (l.default_actions.iter())
            .filter(|a| a.action_type == "forward")
            .flat_map(|a| a.target_group_arns());
        out.entry(l.load_balancer_arn.as_str())
            .or_default()
            .extend(tgs);
    }
    out
}

/// The targets (instance ids or IP addresses) of each ELBv2 and classic load balancer.
fn targets(snap: &Snapshot) -> BTreeMap<&str, BTreeSet<&str>> {
    let mut out: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (lb, tgs) in forwarded(snap) {
        let set = out.entry(lb).or_default();
        for tg in tgs.iter().filter_map(|a| snap.target_groups.get(*a)) {
            set.extend(
                tg.target_health_descriptions
                    .iter()
                    .map(|d| d.target.id.as_str()),
            );
        }
    }
    for (name, lb) in &snap.classic_load_balancers {
        let ids = lb.instances.iter().map(|i| i.instance_id.as_str());
        out.entry(name.as_str()).or_default().extend(ids);
    }
    out
}

/// The load balancers to analyse again after a change of `scope`, whose interfaces
/// `ids` (engine ids) are analysed again.
pub(crate) fn affected(
    snap: &Snapshot,
    pop: &Population,
    scope: &Scope,
    ids: &BTreeSet<String>,
) -> BTreeSet<String> {
    let mut out = scope.lbs.clone();
    if snap.load_balancers.is_empty() && snap.classic_load_balancers.is_empty() {
        return out;
    }
    let mut vpcs: BTreeSet<&str> = scope.vpcs.iter().map(String::as_str).collect();
    let rtb_vpcs = (scope.route_tables.iter()).filter_map(|r| snap.route_tables.get(r));
    vpcs.extend(rtb_vpcs.map(|t| t.vpc_id.as_str()));
    let acl_vpcs = (scope.acls.iter()).filter_map(|a| snap.network_acls.get(a));
    vpcs.extend(acl_vpcs.map(|a| a.vpc_id.as_str()));
    let hit = |groups: &[String], subnets: Vec<&str>, vpc: Option<&str>| {
        groups.iter().any(|g| scope.groups.contains(g))
            || subnets.iter().any(|s| scope.subnets.contains(*s))
            || vpc.is_some_and(|v| vpcs.contains(v))
    };
    for (id, lb) in &snap.load_balancers {
        let subnets = lb
            .availability_zones
            .iter()
            .filter_map(|z| z.subnet_id.as_deref());
        if hit(&lb.security_groups, subnets.collect(), lb.vpc_id.as_deref()) {
            out.insert(id.clone());
        }
    }
    for (id, lb) in &snap.classic_load_balancers {
        let subnets = lb.subnets.iter().map(String::as_str);
        if hit(&lb.security_groups, subnets.collect(), lb.vpc_id.as_deref()) {
            out.insert(id.clone());
        }
    }
    if ids.is_empty() {
        return out;
    }
    // A target whose interface is analysed again: by instance, or by address (the
    // addresses of `ids` gathered only when some target is registered by address).
    let mut addrs: Option<BTreeSet<IpAddr>> = None;
    for (lb, t) in targets(snap) {
        if out.contains(lb) {
            continue;
        }
        let hit = t.iter().any(|x| match x.parse::<IpAddr>() {
            Ok(ip) => addrs
                .get_or_insert_with(|| {
                    (ids.iter())
                        .flat_map(|id| pop.addrs_of(id).iter().copied())
                        .collect()
                })
                .contains(&ip),
            Err(_) => {
                scope.instances.contains(*x)
                    || pop.instance_ids_of(x).any(|e| ids.contains(e))
                    || ids.contains(&format!("{x}#eth0"))
            }
        });
        if hit {
            out.insert(lb.to_string());
        }
    }
    out
}

/// The interfaces and instances the analysis of load balancers `lbs` needs besides the
/// shared resources: their nodes' interfaces and their targets.
pub(crate) fn members(
    snap: &Snapshot,
    pop: &Population,
    node_enis: &BTreeMap<String, Vec<String>>,
    lbs: &BTreeSet<String>,
) -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut enis, mut instances) = (BTreeSet::new(), BTreeSet::new());
    if lbs.is_empty() {
        return (enis, instances);
    }
    let all = targets(snap);
    for lb in lbs {
        let desc = match snap.load_balancers.contains_key(lb) {
            true => v2_description(lb),
            false => format!("ELB {lb}"),
        };
        enis.extend(node_enis.get(&desc).into_iter().flatten().cloned());
        for t in all.get(lb.as_str()).into_iter().flatten() {
            match t.parse::<IpAddr>() {
                Ok(ip) => enis.extend(pop.with_addr(ip)),
                Err(_) => {
                    instances.insert(t.to_string());
                }
            }
        }
    }
    (enis, instances)
}
