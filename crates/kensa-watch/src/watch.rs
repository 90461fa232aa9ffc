//! The watcher: the model, every interface's exposure, and for each event the model
//! change, the interfaces it affects recomputed, and the delta alerted.
use std::collections::BTreeSet;

use kensa_model::Snapshot;
use kensa_net::engine::Engine;
use kensa_net::index::Index;

use crate::alert::{EventRef, ExposureAlert, RedescribeNotice, WatchRecord};
use crate::apply::{apply, Outcome, Touched};
use crate::event::ChangeEvent;
use crate::exposure::{delta, from_analysis, EniExposure, Exposures};

/// Counts of what the events did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct WatchStats {
    pub events: u64,
    pub applied: u64,
    pub redescribe: u64,
    pub failed_calls: u64,
    pub not_network: u64,
    pub interfaces_recomputed: u64,
    pub alerts: u64,
}

/// The in-memory model and its exposures.
pub struct Watcher {
    snap: Snapshot,
    exposures: Exposures,
    stats: WatchStats,
}

impl Watcher {
    /// Analyses the whole snapshot once.
    pub fn new(snap: Snapshot) -> Self {
        let exposures = from_analysis(&kensa_net::analyze(&snap));
        Watcher {
            snap,
            exposures,
            stats: WatchStats::default(),
        }
    }

    pub fn snapshot(&self) -> &Snapshot {
        &self.snap
    }

    pub fn exposures(&self) -> &Exposures {
        &self.exposures
    }

    pub fn stats(&self) -> &WatchStats {
        &self.stats
    }

    /// Applies one event and returns its alerts (exposure deltas, or a re-describe
    /// notice), in a deterministic order.
    pub fn process(&mut self, ev: &ChangeEvent) -> Vec<WatchRecord> {
        self.stats.events += 1;
        let mut out = Vec::new();
        let touched = match apply(&mut self.snap, ev) {
            Outcome::Applied(t) => t,
            Outcome::Partial {
                touched,
                resource,
                reason,
            } => {
                out.push(notice(ev, resource, reason));
                touched
            }
            Outcome::NeedsRedescribe { resource, reason } => {
                self.stats.redescribe += 1;
                return vec![notice(ev, resource, reason)];
            }
            Outcome::Failed(_) => {
                self.stats.failed_calls += 1;
                return out;
            }
            Outcome::NotNetwork => {
                self.stats.not_network += 1;
                return out;
            }
        };
        self.stats.applied += 1;
        self.stats.redescribe += out.len() as u64;
        let mut alerts: Vec<WatchRecord> = self
            .recompute(&touched)
            .iter()
            .map(|c| WatchRecord::Exposure(ExposureAlert::new(ev, c)))
            .collect();
        self.stats.alerts += alerts.len() as u64;
        alerts.append(&mut out);
        alerts
    }

    /// Recomputes the interfaces `touched` affects (before or after the change) and
    /// returns what changed.
    fn recompute(&mut self, touched: &[Touched]) -> Vec<crate::exposure::Change> {
        if touched.is_empty() {
            return Vec::new();
        }
        let engine = Engine::new(&self.snap);
        let scope = Scope::new(&self.snap, touched);
        let mut ids: BTreeSet<String> = (self.exposures.values())
            .filter(|e| scope.matches_old(e))
            .map(|e| e.eni.clone())
            .collect();
        let mut fresh = Vec::new();
        for i in 0..engine.idx.enis.len() {
            if scope.matches_new(&engine.idx, i) {
                ids.insert(engine.idx.enis[i].id.to_string());
                fresh.extend(engine.analyze_eni(i));
            }
        }
        self.stats.interfaces_recomputed += ids.len() as u64;
        let mut fresh: Exposures = (fresh.iter())
            .map(|r| (r.eni.clone(), EniExposure::from_reach(r)))
            .collect();
        let mut changes = Vec::new();
        for id in ids {
            let new = fresh.remove(&id);
            let old = self.exposures.remove(&id);
            changes.extend(delta(old.as_ref(), new.as_ref()));
            if let Some(new) = new {
                self.exposures.insert(id, new);
            }
        }
        changes
    }
}

fn notice(ev: &ChangeEvent, resource: String, reason: String) -> WatchRecord {
    WatchRecord::Redescribe(RedescribeNotice {
        event: EventRef::of(ev),
        resource,
        reason,
    })
}

/// Which interfaces a set of touched resources affects.
struct Scope {
    /// Groups whose rules changed, and groups whose rules name a group whose members
    /// changed: interfaces in any of them.
    groups: BTreeSet<String>,
    route_tables: BTreeSet<String>,
    acls: BTreeSet<String>,
    subnets: BTreeSet<String>,
    vpcs: BTreeSet<String>,
    enis: BTreeSet<String>,
    instances: BTreeSet<String>,
}

impl Scope {
    fn new(snap: &Snapshot, touched: &[Touched]) -> Self {
        let mut s = Scope {
            groups: BTreeSet::new(),
            route_tables: BTreeSet::new(),
            acls: BTreeSet::new(),
            subnets: BTreeSet::new(),
            vpcs: BTreeSet::new(),
            enis: BTreeSet::new(),
            instances: BTreeSet::new(),
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
            }
        }
        s
    }

    fn hit(&self, set: &BTreeSet<String>, v: Option<&str>) -> bool {
        v.is_some_and(|v| set.contains(v))
    }

    fn matches_old(&self, e: &EniExposure) -> bool {
        e.groups.iter().any(|g| self.groups.contains(g))
            || self.hit(&self.route_tables, e.route_table.as_deref())
            || self.hit(&self.acls, e.acl.as_deref())
            || self.subnets.contains(&e.subnet_id)
            || self.vpcs.contains(&e.vpc_id)
            || self.enis.contains(&e.eni)
            || self.hit(&self.instances, e.instance_id.as_deref())
    }

    fn matches_new(&self, idx: &Index, i: usize) -> bool {
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
