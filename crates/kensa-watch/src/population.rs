//! Every interface the engine knows, where it is and which groups it is in, kept between
//! events: an event's scope is looked up instead of scanning every interface, and the
//! members of a security group (what a rule naming that group admits) are known without
//! indexing the whole model again.
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;

use kensa_net::index::Index;
use kensa_net::rangeset::AddrSet;

/// One interface as far as scoping and group membership need it.
#[derive(Debug, Clone, PartialEq)]
struct Member {
    instance: Option<String>,
    subnet: Option<String>,
    vpc: Option<String>,
    groups: Vec<String>,
    addrs: Vec<IpAddr>,
}

/// Ids (of interfaces) under a key, kept as sets.
#[derive(Debug, Default)]
pub(crate) struct Multi(HashMap<String, BTreeSet<String>>);

impl Multi {
    pub fn add(&mut self, key: Option<&str>, id: &str) {
        if let Some(k) = key {
            self.0
                .entry(k.to_string())
                .or_default()
                .insert(id.to_string());
        }
    }
    pub fn remove(&mut self, key: Option<&str>, id: &str) {
        let Some(k) = key else { return };
        if let Some(set) = self.0.get_mut(k) {
            set.remove(id);
            if set.is_empty() {
                self.0.remove(k);
            }
        }
    }
    /// Every id under any of `keys`, added to `out`.
    pub fn collect<'a>(
        &self,
        keys: impl IntoIterator<Item = &'a String>,
        out: &mut BTreeSet<String>,
    ) {
        for k in keys {
            if let Some(set) = self.0.get(k) {
                out.extend(set.iter().cloned());
            }
        }
    }
    pub fn get(&self, key: &str) -> impl Iterator<Item = &String> {
        self.0.get(key).into_iter().flatten()
    }
}

/// The interfaces, their reverse maps, and each group's member addresses.
#[derive(Debug, Default)]
pub struct Population {
    members: HashMap<String, Member>,
    pub(crate) by_group: Multi,
    pub(crate) by_subnet: Multi,
    pub(crate) by_vpc: Multi,
    pub(crate) by_instance: Multi,
    /// Per load balancer whose nodes have no interface in the model: its groups and
    /// the addresses its nodes add to them (their subnets' CIDRs).
    lb_nodes: BTreeMap<String, (Vec<String>, AddrSet)>,
    /// Each group's member addresses, computed when first asked for after a change.
    member_sets: HashMap<String, AddrSet>,
}

impl Population {
    /// The interfaces of a full index (of the whole model).
    pub fn from_index(idx: &Index) -> Self {
        let mut p = Population::default();
        for (i, _) in idx.enis.iter().enumerate() {
            p.insert_from(idx, i);
        }
        for lb in kensa_net::lb::LbNode::all(idx) {
            p.set_lb_node(&lb.id, Some(&lb));
        }
        p
    }

    /// Records what load balancer `id`'s nodes add to its groups (`lb` None: it is
    /// gone); the member sets of its groups, before and after, are computed again.
    pub fn set_lb_node(&mut self, id: &str, lb: Option<&kensa_net::lb::LbNode>) {
        if let Some((groups, _)) = self.lb_nodes.remove(id) {
            for g in groups {
                self.member_sets.remove(&g);
            }
        }
        let Some(lb) = lb.filter(|l| !l.enis_known) else {
            return;
        };
        for g in &lb.security_groups {
            self.member_sets.remove(g);
        }
        let entry = (lb.security_groups.clone(), lb.addrs.clone());
        self.lb_nodes.insert(id.to_string(), entry);
    }

    /// The interfaces (engine ids) that have address `ip`.
    pub fn with_addr(&self, ip: IpAddr) -> Vec<String> {
        (self.members.iter())
            .filter(|(_, m)| m.addrs.contains(&ip))
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// The interfaces (engine ids) of an instance.
    pub fn instance_ids_of<'a>(&'a self, instance: &str) -> impl Iterator<Item = &'a String> {
        self.by_instance.get(instance)
    }

    /// The addresses of an interface.
    pub fn addrs_of(&self, id: &str) -> &[IpAddr] {
        self.members.get(id).map_or(&[], |m| m.addrs.as_slice())
    }

    fn insert_from(&mut self, idx: &Index, i: usize) {
        let e = &idx.enis[i];
        let ctx = e.subnet_id.and_then(|s| idx.subnets.get(s));
        let m = Member {
            instance: e.instance_id.map(str::to_string),
            subnet: e.subnet_id.map(str::to_string),
            vpc: ctx
                .map(|c| c.vpc_id.clone())
                .or(e.vpc_id.map(str::to_string)),
            groups: e.groups.iter().map(|g| g.to_string()).collect(),
            addrs: e.own_addrs().copied().collect(),
        };
        self.insert(e.id.to_string(), m);
    }

    fn insert(&mut self, id: String, m: Member) {
        for g in &m.groups {
            self.by_group.add(Some(g), &id);
            self.member_sets.remove(g);
        }
        self.by_subnet.add(m.subnet.as_deref(), &id);
        self.by_vpc.add(m.vpc.as_deref(), &id);
        self.by_instance.add(m.instance.as_deref(), &id);
        self.members.insert(id, m);
    }

    fn remove(&mut self, id: &str) {
        let Some(m) = self.members.remove(id) else {
            return;
        };
        for g in &m.groups {
            self.by_group.remove(Some(g), id);
            self.member_sets.remove(g);
        }
        self.by_subnet.remove(m.subnet.as_deref(), id);
        self.by_vpc.remove(m.vpc.as_deref(), id);
        self.by_instance.remove(m.instance.as_deref(), id);
    }

    /// The instance of an interface.
    pub fn instance_of(&self, id: &str) -> Option<&str> {
        self.members.get(id)?.instance.as_deref()
    }

    /// Replaces the interfaces `stale` (those of the scoped model, as they were) by the
    /// ones a scoped index of the changed model holds.
    pub fn refresh(&mut self, stale: &BTreeSet<String>, idx: &Index) {
        let fresh: BTreeMap<String, usize> = (idx.enis.iter().enumerate())
            .map(|(i, e)| (e.id.to_string(), i))
            .collect();
        for id in stale {
            if !fresh.contains_key(id) {
                self.remove(id);
            }
        }
        for (id, i) in fresh {
            let e = &idx.enis[i];
            let ctx = e.subnet_id.and_then(|s| idx.subnets.get(s));
            let same = self.members.get(&id).is_some_and(|m| {
                m.groups
                    .iter()
                    .map(String::as_str)
                    .eq(e.groups.iter().copied())
                    && m.addrs.iter().eq(e.own_addrs())
                    && m.instance.as_deref() == e.instance_id
                    && m.subnet.as_deref() == e.subnet_id
                    && m.vpc.as_deref() == ctx.map(|c| c.vpc_id.as_str()).or(e.vpc_id)
            });
            if !same {
                self.remove(&id);
                self.insert_from(idx, i);
            }
        }
    }

    /// The private addresses of every member of group `g` (interfaces and load balancer
    /// nodes), as a full index computes them.
    pub fn member_set(&mut self, g: &str) -> AddrSet {
        if let Some(s) = self.member_sets.get(g) {
            return s.clone();
        }
        let hosts: Vec<IpAddr> = (self.by_group.get(g))
            .filter_map(|id| self.members.get(id))
            .flat_map(|m| m.addrs.iter().copied())
            .collect();
        let mut set = AddrSet::from_hosts(&hosts);
        for (groups, extra) in self.lb_nodes.values() {
            if groups.iter().any(|x| x == g) {
                set = set.union(extra);
            }
        }
        self.member_sets.insert(g.to_string(), set.clone());
        set
    }
}
