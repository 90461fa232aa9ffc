//! Load balancer, listener and target events. None carries the state the model needs (a
//! `CreateListener` request names the load balancer, not what the listener forwards to
//! once AWS filled in its defaults; `RegisterTargets` says nothing of the target group's
//! port or health), so each names the one load balancer or target group to describe
//! again; the description comes back as an event of its own that replaces the resource,
//! and every load balancer it changes is analysed again.
use std::collections::BTreeSet;

use kensa_model::elb::{ClassicLoadBalancer, Listener, LoadBalancer, TargetGroup};
use kensa_model::Snapshot;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use super::described::KENSA_SOURCE;
use super::{unappliable, Applied, Outcome, Touched, Unappliable};
use crate::event::ChangeEvent;

/// `eventName` of an ELBv2 load balancer described again (with its listeners and the
/// target groups they forward to).
pub const DESCRIBED_LOAD_BALANCER: &str = "KensaDescribedLoadBalancer";
/// `eventName` of an ELBv2 target group described again (with its targets' health).
pub const DESCRIBED_TARGET_GROUP: &str = "KensaDescribedTargetGroup";
/// `eventName` of a classic load balancer described again.
pub const DESCRIBED_CLASSIC_LB: &str = "KensaDescribedClassicLoadBalancer";
/// How a re-describe notice names a classic load balancer (its name alone could be
/// anything).
pub const CLASSIC_PREFIX: &str = "classic-load-balancer/";

/// ELBv2 events that change what a load balancer forwards, or where.
const V2_EVENTS: &[&str] = &[
    "CreateLoadBalancer",
    "DeleteLoadBalancer",
    "ModifyLoadBalancerAttributes",
    "SetSecurityGroups",
    "SetSubnets",
    "SetIpAddressType",
    "CreateListener",
    "ModifyListener",
    "DeleteListener",
    "RegisterTargets",
    "DeregisterTargets",
    "CreateTargetGroup",
    "DeleteTargetGroup",
    "ModifyTargetGroup",
];

/// Classic load balancer events (`CreateLoadBalancer` and `DeleteLoadBalancer` too,
/// told apart from ELBv2's by their `loadBalancerName`).
const CLASSIC_EVENTS: &[&str] = &[
    "RegisterInstancesWithLoadBalancer",
    "DeregisterInstancesFromLoadBalancer",
    "CreateLoadBalancerListeners",
    "DeleteLoadBalancerListeners",
    "ApplySecurityGroupsToLoadBalancer",
    "AttachLoadBalancerToSubnets",
    "DetachLoadBalancerFromSubnets",
];

/// What a load balancer event names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LbResource {
    /// An ELBv2 load balancer, by ARN.
    LoadBalancer(String),
    /// An ELBv2 target group, by ARN.
    TargetGroup(String),
    /// A classic load balancer, by name.
    Classic(String),
}

impl LbResource {
    /// The resource a re-describe notice names (see [`LbResource::parse`]).
    pub fn notice_name(&self) -> String {
        match self {
            LbResource::LoadBalancer(a) | LbResource::TargetGroup(a) => a.clone(),
            LbResource::Classic(n) => format!("{CLASSIC_PREFIX}{n}"),
        }
    }

    /// The resource a re-describe notice names, if it is a load balancer's.
    pub fn parse(resource: &str) -> Option<Self> {
        if let Some(n) = resource.strip_prefix(CLASSIC_PREFIX) {
            return Some(LbResource::Classic(n.to_string()));
        }
        if !resource.starts_with("arn:") {
            return None;
        }
        let kind = resource.split(':').nth(5).unwrap_or("");
        if kind.starts_with("loadbalancer/") {
            Some(LbResource::LoadBalancer(resource.to_string()))
        } else if kind.starts_with("targetgroup/") {
            Some(LbResource::TargetGroup(resource.to_string()))
        } else {
            None
        }
    }
}

/// Whether the event is one of the load balancer events handled here.
pub fn is_lb_event(name: &str) -> bool {
    V2_EVENTS.contains(&name) || CLASSIC_EVENTS.contains(&name)
}

/// The load balancer of a listener ARN (`…:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2`).
fn listener_lb(arn: &str) -> Option<String> {
    let (head, tail) = arn.split_once(":listener/")?;
    let (lb, _) = tail.rsplit_once('/')?;
    Some(format!("{head}:loadbalancer/{lb}"))
}

/// The first string in a JSON tree that is an ARN of `kind` (`loadbalancer`, `targetgroup`).
fn arn_in(v: &Value, kind: &str) -> Option<String> {
    let marker = format!(":{kind}/");
    match v {
        Value::String(s) if s.starts_with("arn:") && s.contains(&marker) => Some(s.clone()),
        Value::Array(a) => a.iter().find_map(|x| arn_in(x, kind)),
        Value::Object(o) => o.values().find_map(|x| arn_in(x, kind)),
        _ => None,
    }
}

/// The resource a load balancer event names: the re-describe it needs.
pub(crate) fn redescribe(ev: &ChangeEvent) -> Unappliable {
    let name = ev.event_name.as_str();
    let found = if let Some(n) = ev.req_text("loadBalancerName") {
        Some(LbResource::Classic(n))
    } else if let Some(a) = ev.req_text("loadBalancerArn") {
        Some(LbResource::LoadBalancer(a))
    } else if let Some(a) = ev.req_text("listenerArn") {
        listener_lb(&a).map(LbResource::LoadBalancer)
    } else if let Some(a) = ev.req_text("targetGroupArn") {
        Some(LbResource::TargetGroup(a))
    } else if name == "CreateLoadBalancer" {
        arn_in(&ev.response, "loadbalancer").map(LbResource::LoadBalancer)
    } else if name == "CreateTargetGroup" {
        arn_in(&ev.response, "targetgroup").map(LbResource::TargetGroup)
    } else {
        None
    };
    match found {
        Some(r) => unappliable(
            r.notice_name(),
            format!("`{name}` does not carry the state the model needs"),
        ),
        // No resource to describe: only a full resync can correct the model.
        None => unappliable(
            name,
            format!("`{name}` names no load balancer or target group kensa can describe"),
        ),
    }
}

/// The event of an ELBv2 load balancer described again (`state` None: it is gone).
pub fn described_lb_event(
    event_id: &str,
    arn: &str,
    state: Option<(&LoadBalancer, &[Listener], &[TargetGroup])>,
    time: &str,
    actor: &str,
) -> ChangeEvent {
    let request = match state {
        Some((lb, listeners, groups)) => json!({
            "id": arn, "loadBalancer": lb, "listeners": listeners, "targetGroups": groups,
        }),
        None => json!({ "id": arn, "loadBalancer": null }),
    };
    kensa_event(DESCRIBED_LOAD_BALANCER, event_id, request, time, actor)
}

/// The event of a target group described again (`group` None: it is gone).
pub fn described_tg_event(
    event_id: &str,
    arn: &str,
    group: Option<&TargetGroup>,
    time: &str,
    actor: &str,
) -> ChangeEvent {
    let request = json!({ "id": arn, "targetGroup": group });
    kensa_event(DESCRIBED_TARGET_GROUP, event_id, request, time, actor)
}

/// The event of a classic load balancer described again (`lb` None: it is gone).
pub fn described_classic_event(
    event_id: &str,
    name: &str,
    lb: Option<&ClassicLoadBalancer>,
    time: &str,
    actor: &str,
) -> ChangeEvent {
    let request = json!({ "id": name, "loadBalancer": lb });
    kensa_event(DESCRIBED_CLASSIC_LB, event_id, request, time, actor)
}

fn kensa_event(name: &str, id: &str, request: Value, time: &str, actor: &str) -> ChangeEvent {
    ChangeEvent {
        event_id: id.to_string(),
        event_name: name.to_string(),
        event_source: KENSA_SOURCE.to_string(),
        time: time.to_string(),
        actor: actor.to_string(),
        region: None,
        account: None,
        error_code: None,
        request,
        response: Value::Null,
    }
}

fn field<T: DeserializeOwned>(ev: &ChangeEvent, key: &str) -> Result<Option<T>, Unappliable> {
    match ev.request.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v.clone())
            .map(Some)
            .map_err(|e| unappliable(ev.event_name.clone(), format!("{key}: {e}"))),
    }
}

fn id_of(ev: &ChangeEvent) -> Result<String, Unappliable> {
    (ev.req_text("id")).ok_or_else(|| unappliable(ev.event_name.clone(), "no id"))
}

/// The load balancer and its groups' members (its nodes are members of its groups).
fn lb_touched(id: &str, groups: BTreeSet<String>) -> Vec<Touched> {
    let mut t = vec![Touched::LoadBalancer(id.to_string())];
    t.extend(groups.into_iter().map(Touched::GroupMembers));
    t
}

/// Replaces the load balancer, all its listeners, and the target groups described with it.
pub(crate) fn replace_load_balancer(snap: &mut Snapshot, ev: &ChangeEvent) -> Applied {
    let id = id_of(ev)?;
    let new: Option<LoadBalancer> = field(ev, "loadBalancer")?;
    let listeners: Vec<Listener> = field(ev, "listeners")?.unwrap_or_default();
    let groups: Vec<TargetGroup> = field(ev, "targetGroups")?.unwrap_or_default();
    let old = snap.load_balancers.remove(&id);
    let mut sgs: BTreeSet<String> = old.iter().flat_map(|l| l.security_groups.clone()).collect();
    snap.listeners.retain(|_, l| l.load_balancer_arn != id);
    if let Some(mut lb) = new {
        lb.load_balancer_arn = id.clone();
        lb.scope = match &old {
            Some(o) => o.scope.clone(),
            None => vpc_scope(snap, lb.vpc_id.as_deref()),
        };
        sgs.extend(lb.security_groups.iter().cloned());
        for mut l in listeners {
            l.load_balancer_arn = id.clone();
            l.scope = lb.scope.clone();
            snap.listeners.insert(l.listener_arn.clone(), l);
        }
        for mut g in groups {
            g.scope = (snap.target_groups.get(&g.target_group_arn))
                .map_or_else(|| lb.scope.clone(), |o| o.scope.clone());
            snap.target_groups.insert(g.target_group_arn.clone(), g);
        }
        snap.load_balancers.insert(id.clone(), lb);
    }
    Ok(Outcome::Applied(lb_touched(&id, sgs)))
}

/// The load balancers whose listeners forward to target group `arn`, or that it names.
fn forwarding_to(snap: &Snapshot, arn: &str) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = (snap.listeners.values())
        .filter(|l| (l.default_actions.iter()).any(|a| a.target_group_arns().contains(&arn)))
        .map(|l| l.load_balancer_arn.clone())
        .collect();
    if let Some(g) = snap.target_groups.get(arn) {
        out.extend(g.load_balancer_arns.iter().cloned());
    }
    out
}

/// Replaces (or removes) a target group; every load balancer forwarding to it is touched.
pub(crate) fn replace_target_group(snap: &mut Snapshot, ev: &ChangeEvent) -> Applied {
    let id = id_of(ev)?;
    let new: Option<TargetGroup> = field(ev, "targetGroup")?;
    let mut lbs = forwarding_to(snap, &id);
    let old = snap.target_groups.remove(&id);
    if let Some(mut g) = new {
        g.target_group_arn = id.clone();
        g.scope = match &old {
            Some(o) => o.scope.clone(),
            None => vpc_scope(snap, g.vpc_id.as_deref()),
        };
        snap.target_groups.insert(id.clone(), g);
        lbs.extend(forwarding_to(snap, &id));
    }
    Ok(Outcome::Applied(
        lbs.into_iter().map(Touched::LoadBalancer).collect(),
    ))
}

/// Replaces (or removes) a classic load balancer.
pub(crate) fn replace_classic(snap: &mut Snapshot, ev: &ChangeEvent) -> Applied {
    let id = id_of(ev)?;
    let new: Option<ClassicLoadBalancer> = field(ev, "loadBalancer")?;
    let old = snap.classic_load_balancers.remove(&id);
    let mut sgs: BTreeSet<String> = old.iter().flat_map(|l| l.security_groups.clone()).collect();
    if let Some(mut lb) = new {
        lb.load_balancer_name = id.clone();
        lb.scope = match &old {
            Some(o) => o.scope.clone(),
            None => vpc_scope(snap, lb.vpc_id.as_deref()),
        };
        sgs.extend(lb.security_groups.iter().cloned());
        snap.classic_load_balancers.insert(id.clone(), lb);
    }
    Ok(Outcome::Applied(lb_touched(&id, sgs)))
}

/// Where a new resource belongs: its VPC's scope (default when the model lacks the VPC).
fn vpc_scope(snap: &Snapshot, vpc: Option<&str>) -> kensa_model::Scope {
    (vpc.and_then(|v| snap.vpcs.get(v)))
        .map(|v| v.scope.clone())
        .unwrap_or_default()
}
