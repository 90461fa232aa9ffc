//! Which interfaces an event affects: the resources it touched, widened to what depends
//! on them, and looked up in reverse maps of the exposures (the state before) and of the
//! [`crate::population::Population`] (the state after).
use std::collections::BTreeSet;

use kensa_model::Snapshot;
use kensa_net::index::Index;

use crate::apply::Touched;
use crate::exposure::EniExposure;
use crate::population::Multi;

/// Which interfaces a set of touched resources affects.
pub(crate) struct Scope {
    /// Groups whose rules changed, and groups whose rules name a group whose members
    /// changed: interfaces in any of them.
    pub groups: BTreeSet<String>,
    pub route_tables: BTreeSet<String>,
    pub acls: BTreeSet<String>,
    pub subnets: BTreeSet<String>,
    pub vpcs: BTreeSet<String>,
    pub enis: BTreeSet<String>,
    pub instances: BTreeSet<String>,
    /// Load balancers changed themselves (listeners, targets, groups, subnets).
    pub lbs: BTreeSet<String>,
}

impl Scope {
    pub fn new(snap: &Snapshot, touched: &[Touched]) -> Self {
        let mut s = Scope {
            groups: BTreeSet::new(),
            route_tables: BTreeSet::new(),
            acls: BTreeSet::new(),
            subnets: BTreeSet::new(),
            vpcs: BTreeSet::new(),
            enis: BTreeSet::new(),
            instances: BTreeSet::new(),
            lbs: BTreeSet::new(),
        };
        for t in touched {
            match t {
                Touched::Group(g) => {
                    s.groups.insert(g.clone());
                }
                Touched::GroupMembers(g) => s.groups.extend(referencing_groups(snap, g)),
                Touched::RouteTable(r) => match edge_table_vpc(snap, r) {
                    Some(vpc) => {
                        s.vpcs.insert(vpc);
                    }
                    None => {
                        s.route_tables.insert(r.clone());
                    }
                },
                Touched::NetworkAcl(a) => {
                    s.acls.insert(a.clone());
                }
                Touched::Subnet(x) => {
                    s.subnets.insert(x.clone());
                }
                Touched::Vpc(v) => {
                    s.vpcs.insert(v.clone());
                }
                Touched::Eni(e) => {
                    s.enis.insert(e.clone());
                }
                Touched::Instance(i) => {
                    s.instances.insert(i.clone());
                }
                Touched::LoadBalancer(l) => {
                    s.lbs.insert(l.clone());
                }
            }
        }
        s
    }

    fn hit(&self, set: &BTreeSet<String>, v: Option<&str>) -> bool {
        v.is_some_and(|v| set.contains(v))
    }

    pub fn matches_new(&self, idx: &Index, i: usize) -> bool {
        let e = &idx.enis[i];
        let ctx = e.subnet_id.and_then(|s| idx.subnets.get(s));
        e.groups.iter().any(|g| self.groups.contains(*g))
            || self.hit(
                &self.route_tables,
                ctx.and_then(|c| c.route_table.as_deref()),
            )
            || self.hit(&self.acls, ctx.and_then(|c| c.nacl.as_deref()))
            || self.hit(&self.subnets, e.subnet_id)
            || self.hit(&self.vpcs, ctx.map(|c| c.vpc_id.as_str()).or(e.vpc_id))
            || self.enis.contains(&*e.id)
            || self.hit(&self.instances, e.instance_id)
    }
}

/// Groups with a rule that names `g` as its source or destination.
fn referencing_groups(snap: &Snapshot, g: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for sg in snap.security_groups.values() {
        let names = (sg.ip_permissions.iter().chain(&sg.ip_permissions_egress))
            .flat_map(|p| &p.user_id_group_pairs)
            .any(|p| p.group_id.as_deref() == Some(g));
        if names {
            out.insert(sg.group_id.clone());
        }
    }
    for r in snap.security_group_rules.values() {
        let info = r.referenced_group_info.as_ref();
        if info.and_then(|i| i.group_id.as_deref()) == Some(g) {
            out.insert(r.group_id.clone());
        }
    }
    out
}

/// The VPC of a route table with a gateway (edge) association: ingress routing through
/// it concerns every interface of the VPC.
fn edge_table_vpc(snap: &Snapshot, rtb: &str) -> Option<String> {
    let t = snap.route_tables.get(rtb)?;
    (t.associations.iter().any(|a| a.gateway_id.is_some())).then(|| t.vpc_id.clone())
}

/// Reverse maps of the exposures: which interfaces each component was on the path of.
#[derive(Debug, Default)]
pub(crate) struct ExposureIndex {
    groups: Multi,
    route_tables: Multi,
    acls: Multi,
    subnets: Multi,
    vpcs: Multi,
    instances: Multi,
}

impl ExposureIndex {
    pub fn new<'a>(exposures: impl IntoIterator<Item = &'a EniExposure>) -> Self {
        let mut x = ExposureIndex::default();
        for e in exposures {
            x.add(e);
        }
        x
    }

    fn each(&mut self, e: &EniExposure, add: bool) {
        let id = e.eni.as_str();
        let put = |m: &mut Multi, k: Option<&str>| {
            if add {
                m.add(k, id)
            } else {
                m.remove(k, id)
            }
        };
        for g in &e.groups {
            put(&mut self.groups, Some(g));
        }
        put(&mut self.route_tables, e.route_table.as_deref());
        put(&mut self.acls, e.acl.as_deref());
        put(&mut self.subnets, Some(&e.subnet_id));
        put(&mut self.vpcs, Some(&e.vpc_id));
        put(&mut self.instances, e.instance_id.as_deref());
    }

    pub fn add(&mut self, e: &EniExposure) {
        self.each(e, true);
    }

    pub fn remove(&mut self, e: &EniExposure) {
        self.each(e, false);
    }

    /// The interfaces whose exposure (the state before the change) `scope` concerns.
    pub fn matching(&self, scope: &Scope) -> BTreeSet<String> {
        let mut out = scope.enis.clone();
        self.groups.collect(&scope.groups, &mut out);
        self.route_tables.collect(&scope.route_tables, &mut out);
        self.acls.collect(&scope.acls, &mut out);
        self.subnets.collect(&scope.subnets, &mut out);
        self.vpcs.collect(&scope.vpcs, &mut out);
        self.instances.collect(&scope.instances, &mut out);
        out
    }
}
