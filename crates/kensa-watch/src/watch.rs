//! The watcher: the model, every interface's exposure, and for each event the model
//! change, the interfaces it affects recomputed, and the delta alerted.

use kensa_model::Snapshot;
use kensa_net::lb::LbNode;

use crate::alert::{DriftNotice, EventRef, ExposureAlert, RedescribeNotice, WatchRecord};
use crate::apply::{apply, Outcome, Touched};
use crate::event::ChangeEvent;
use crate::exposure::{delta, from_analysis, Change, EniExposure, Exposures};
use crate::lb_exposure::{lb_delta, of_lb, LbChange, LbExposures};
use crate::population::Population;
use crate::scope::{ExposureIndex, Scope};
use crate::scoped::{referenced_groups, with_engine, Selection};

/// `eventName` of the marker a resync leaves in the journal.
pub const RESYNC: &str = "KensaResync";

/// Counts of what the events did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct WatchStats {
    /// Events processed.
    pub events: u64,
    /// Events applied to the model.
    pub applied: u64,
    /// Events the model could not follow exactly.
    pub redescribe: u64,
    /// Failed calls (nothing changed).
    pub failed_calls: u64,
    /// Events that do not change the network.
    pub not_network: u64,
    /// Interfaces analysed again, summed over events.
    pub interfaces_recomputed: u64,
    /// Exposure alerts.
    pub alerts: u64,
}

/// The in-memory model and its exposures.
pub struct Watcher {
    snap: Snapshot,
    exposures: Exposures,
    /// Reverse maps of `exposures`.
    by: ExposureIndex,
    /// What reaches targets through each load balancer.
    lbs: LbExposures,
    /// Load balancer node interfaces, by description.
    lb_enis: std::collections::BTreeMap<String, Vec<String>>,
    pop: Population,
    stats: WatchStats,
}

impl Watcher {
    /// Analyses the whole snapshot once.
    pub fn new(snap: Snapshot) -> Self {
        let analysis = kensa_net::analyze(&snap);
        let exposures = from_analysis(&analysis);
        let lbs = crate::lb_exposure::from_analysis(&analysis);
        let pop = Population::from_index(&analysis.engine.idx);
        drop(analysis);
        Watcher {
            by: ExposureIndex::new(exposures.values()),
            lbs,
            lb_enis: crate::lb_scope::node_enis(&snap),
            pop,
            snap,
            exposures,
            stats: WatchStats::default(),
        }
    }

    /// The model as the events left it.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snap
    }

    /// Every analysed interface's exposure.
    pub fn exposures(&self) -> &Exposures {
        &self.exposures
    }

    /// What reaches targets through each load balancer (only targets some Internet
    /// flow reaches), by load balancer.
    pub fn lb_exposures(&self) -> &LbExposures {
        &self.lbs
    }

    /// The addresses a rule naming group `g` admits (its members'), as kept between
    /// events.
    pub fn group_members(&mut self, g: &str) -> kensa_net::rangeset::AddrSet {
        self.pop.member_set(g)
    }

    /// Starts the counts again (after a journal is applied again, so that the counts
    /// are those of new deliveries).
    pub fn reset_stats(&mut self) {
        self.stats = WatchStats::default();
    }

    /// What the events did so far.
    pub fn stats(&self) -> &WatchStats {
        &self.stats
    }

    /// Replaces the model with a full description of the same scope (a periodic
    /// resync) and alerts every exposure the events had not followed, as changes by the
    /// resync at `time`, followed by a [`DriftNotice`] when anything differed. The counts
    /// carry over.
    pub fn resync(&mut self, snap: Snapshot, time: &str) -> Vec<WatchRecord> {
        let fresh = Watcher::new(snap);
        let ev = ChangeEvent {
            event_id: String::new(),
            event_name: RESYNC.to_string(),
            event_source: crate::apply::described::KENSA_SOURCE.to_string(),
            time: time.to_string(),
            actor: "kensa watch (full resync)".to_string(),
            region: None,
            account: None,
            error_code: None,
            request: serde_json::Value::Null,
            response: serde_json::Value::Null,
        };
        let ids: std::collections::BTreeSet<&String> = self
            .exposures
            .keys()
            .chain(fresh.exposures.keys())
            .collect();
        let mut out = Vec::new();
        let mut resources = std::collections::BTreeSet::new();
        for id in ids {
            for c in delta(self.exposures.get(id), fresh.exposures.get(id)) {
                resources.insert(c.side.resource().to_string());
                out.push(WatchRecord::Exposure(ExposureAlert::new(&ev, &c)));
            }
        }
        let lb_ids: std::collections::BTreeSet<&String> =
            self.lbs.keys().chain(fresh.lbs.keys()).collect();
        for id in lb_ids {
            for c in lb_delta(self.lbs.get(id), fresh.lbs.get(id)) {
                resources.insert(c.side.lb.clone());
                out.push(WatchRecord::Exposure(ExposureAlert::through_lb(&ev, &c)));
            }
        }
        let corrected = out.len();
        if corrected > 0 {
            out.push(WatchRecord::Drift(DriftNotice {
                time: time.to_string(),
                corrected,
                resources: resources.into_iter().collect(),
            }));
        }
        let stats = std::mem::take(&mut self.stats);
        *self = fresh;
        self.stats = stats;
        self.stats.alerts += corrected as u64;
        out
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
        let (changes, lb_changes) = self.recompute(&touched);
        let direct = changes.iter().map(|c| ExposureAlert::new(ev, c));
        let through = lb_changes.iter().map(|c| ExposureAlert::through_lb(ev, c));
        let mut alerts: Vec<WatchRecord> =
            direct.chain(through).map(WatchRecord::Exposure).collect();
        self.stats.alerts += alerts.len() as u64;
        alerts.append(&mut out);
        alerts
    }

    /// Recomputes the interfaces `touched` affects (before or after the change) and
    /// returns what changed. Only those interfaces are indexed and analysed: the cost
    /// follows the shared resources and the affected interfaces, not the model's size.
    fn recompute(&mut self, touched: &[Touched]) -> (Vec<Change>, Vec<LbChange>) {
        if touched.is_empty() {
            return (Vec::new(), Vec::new());
        }
        let scope = Scope::new(&self.snap, touched);
        let mut ids = self.by.matching(&scope);
        let before = ids.clone();
        self.pop.by_group.collect(&scope.groups, &mut ids);
        self.pop.by_subnet.collect(&scope.subnets, &mut ids);
        self.pop.by_vpc.collect(&scope.vpcs, &mut ids);
        self.pop.by_instance.collect(&scope.instances, &mut ids);
        ids.extend(scope.enis.iter().cloned());
        let lbs = crate::lb_scope::affected(&self.snap, &self.pop, &scope, &ids);
        let (mut enis, mut instances) =
            crate::lb_scope::members(&self.snap, &self.pop, &self.lb_enis, &lbs);
        enis.extend(ids.iter().cloned());
        instances.extend(scope.instances.iter().cloned());
        let sel = Selection::new(&self.snap, &self.pop, &enis, &instances);
        let stale = sel.interfaces_before(&self.pop, &ids);
        let (fresh, mut lb_fresh) =
            with_engine(&mut self.snap, &sel, &mut self.pop, |engine, pop| {
                pop.refresh(&stale, &engine.idx);
                let nodes: Vec<LbNode> = match lbs.is_empty() {
                    true => Vec::new(),
                    false => LbNode::all(&engine.idx)
                        .into_iter()
                        .filter(|n| lbs.contains(&n.id))
                        .collect(),
                };
                for id in &lbs {
                    pop.set_lb_node(id, nodes.iter().find(|n| &n.id == id));
                }
                let groups = (engine.idx.enis.iter())
                    .flat_map(|e| e.groups.iter().copied())
                    .chain(
                        nodes
                            .iter()
                            .flat_map(|n| n.security_groups.iter().map(String::as_str)),
                    );
                for g in referenced_groups(engine.idx.snap, groups) {
                    let members = pop.member_set(&g);
                    engine.idx.group_members.insert(g, members);
                }
                let mut fresh = Vec::new();
                for i in 0..engine.idx.enis.len() {
                    let was = before.contains(&*engine.idx.enis[i].id);
                    if was || scope.matches_new(&engine.idx, i) {
                        fresh.extend(engine.analyze_eni(i));
                    }
                }
                let lb_fresh: LbExposures = (nodes.into_iter())
                    .map(|n| engine.analyze_lb_pub(n))
                    .map(|r| (r.lb.id.clone(), of_lb(&engine.idx, &r)))
                    .collect();
                (fresh, lb_fresh)
            });
        let mut ids = before;
        ids.extend(fresh.iter().map(|r| r.eni.clone()));
        self.stats.interfaces_recomputed += ids.len() as u64;
        let mut fresh: Exposures = (fresh.iter())
            .map(|r| (r.eni.clone(), EniExposure::from_reach(r)))
            .collect();
        let mut changes = Vec::new();
        for id in ids {
            let new = fresh.remove(&id);
            let old = self.exposures.remove(&id);
            changes.extend(delta(old.as_ref(), new.as_ref()));
            if let Some(old) = &old {
                self.by.remove(old);
            }
            if let Some(new) = new {
                self.by.add(&new);
                self.exposures.insert(id, new);
            }
        }
        let mut lb_changes = Vec::new();
        for id in &lbs {
            let new = lb_fresh.remove(id).filter(|t| !t.is_empty());
            let old = self.lbs.remove(id);
            lb_changes.extend(lb_delta(old.as_ref(), new.as_ref()));
            if let Some(new) = new {
                self.lbs.insert(id.clone(), new);
            }
        }
        (changes, lb_changes)
    }
}

fn notice(ev: &ChangeEvent, resource: String, reason: String) -> WatchRecord {
    WatchRecord::Redescribe(RedescribeNotice {
        event: EventRef::of(ev),
        resource,
        reason,
    })
}
