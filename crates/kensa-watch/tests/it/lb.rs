//! Load balancer, listener and target events: each names the one load balancer or target
//! group to describe again; the description applied opens or closes what reaches the
//! targets through the load balancer, with the path, as a fresh analysis of the same
//! model finds it.
use kensa_model::elb::*;
use kensa_watch::apply::lb::{
    described_classic_event, described_lb_event, described_tg_event, CLASSIC_PREFIX,
};
use kensa_watch::{WatchRecord, Watcher};
use serde_json::json;

use crate::events::{authorize, event, revoke};
use crate::{closed, fixture, internet, notices, opened};

const LB: &str =
    "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/front/50dc6c495c0c9188";
const LISTENER: &str = "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/net/front/50dc6c495c0c9188/f2f7dc8efc522ab2";
const TG: &str =
    "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/ssh/73e2d6bc24d8a067";
const T: &str = "2026-12-07T10:42:07Z";

/// An internet-facing NLB (no groups) in the public subnet, without listeners yet.
fn nlb() -> LoadBalancer {
    LoadBalancer {
        load_balancer_arn: LB.into(),
        load_balancer_name: Some("front".into()),
        scheme: Some("internet-facing".into()),
        lb_type: Some("network".into()),
        vpc_id: Some("vpc-1".into()),
        availability_zones: vec![LbAvailabilityZone {
            subnet_id: Some("subnet-pub".into()),
            ..Default::default()
        }],
        ..Default::default()
    }
}

/// Target group `ssh` (TCP 22) with `i-priv` registered.
fn ssh_group() -> TargetGroup {
    TargetGroup {
        target_group_arn: TG.into(),
        protocol: Some("TCP".into()),
        port: Some(22),
        vpc_id: Some("vpc-1".into()),
        target_type: Some("instance".into()),
        load_balancer_arns: vec![LB.into()],
        target_health_descriptions: vec![TargetHealthDescription {
            target: TargetDescription {
                id: "i-priv".into(),
                port: Some(22),
                availability_zone: None,
            },
            ..Default::default()
        }],
        ..Default::default()
    }
}

fn listener_22() -> Listener {
    Listener {
        listener_arn: LISTENER.into(),
        load_balancer_arn: LB.into(),
        port: Some(22),
        protocol: Some("TCP".into()),
        default_actions: vec![ListenerAction {
            action_type: "forward".into(),
            target_group_arn: Some(TG.into()),
            ..Default::default()
        }],
        ..Default::default()
    }
}

/// The fixture with the NLB and its target group; `i-priv` (no route to the Internet
/// itself) admits SSH from anywhere.
fn watcher() -> Watcher {
    let mut s = fixture::snapshot();
    s.load_balancers.insert(LB.into(), nlb());
    s.target_groups.insert(TG.into(), ssh_group());
    let mut w = Watcher::new(s);
    let r = w.process(&authorize("sg-db", "sgr-db22", "tcp", 22, "0.0.0.0/0"));
    assert!(internet(&r).is_empty(), "not reachable directly: {r:?}");
    w
}

fn same_as_fresh(w: &Watcher) {
    let fresh = Watcher::new(w.snapshot().clone());
    assert_eq!(w.lb_exposures(), fresh.lb_exposures());
    assert_eq!(w.exposures(), fresh.exposures());
}

fn via(r: &[WatchRecord]) -> Vec<(String, String)> {
    (r.iter())
        .filter_map(|r| match r {
            WatchRecord::Exposure(a) => Some((a.via.clone()?, a.path.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn a_listener_in_front_of_an_instance_opens_it_and_its_deletion_closes_it() {
    let mut w = watcher();
    let created = event(
        "CreateListener",
        json!({"loadBalancerArn": LB, "protocol": "TCP", "port": 22,
               "defaultActions": [{"type": "forward", "targetGroupArn": TG}]}),
        json!({"listeners": [{"listenerArn": LISTENER}]}),
    );
    let r = w.process(&created);
    assert_eq!(notices(&r).len(), 1);
    assert_eq!(notices(&r)[0].0, LB);
    let (lb, l, g) = (nlb(), [listener_22()], [ssh_group()]);
    let r = w.process(&described_lb_event(
        "d1",
        LB,
        Some((&lb, &l, &g)),
        T,
        "kensa",
    ));
    assert_eq!(internet(&r), [opened("i-priv", &["tcp/22"])]);
    let (listener, path) = via(&r).remove(0);
    assert_eq!(listener, LISTENER);
    assert_eq!(
        path,
        "igw-1 -> front -> listener TCP:22 -> ssh -> eni-priv:22"
    );
    same_as_fresh(&w);

    // The target's own group changes what passes the load balancer (NLB keeps the
    // client's address): revoked, the path closes; authorised again, it opens.
    let r = w.process(&revoke("sg-db", "tcp", 22, "0.0.0.0/0"));
    assert_eq!(internet(&r), [closed("i-priv", &["tcp/22"])]);
    same_as_fresh(&w);
    let r = w.process(&authorize("sg-db", "sgr-db22b", "tcp", 22, "0.0.0.0/0"));
    assert_eq!(internet(&r), [opened("i-priv", &["tcp/22"])]);

    // DeleteListener names the listener: the load balancer is described again.
    let deleted = event(
        "DeleteListener",
        json!({"listenerArn": LISTENER}),
        json!(null),
    );
    assert_eq!(notices(&w.process(&deleted))[0].0, LB);
    let r = w.process(&described_lb_event(
        "d2",
        LB,
        Some((&lb, &[], &g)),
        T,
        "kensa",
    ));
    assert_eq!(internet(&r), [closed("i-priv", &["tcp/22"])]);
    assert!(w.lb_exposures().is_empty());
    same_as_fresh(&w);
}

#[test]
fn deregistered_targets_and_a_deleted_load_balancer_close_the_path() {
    let mut w = watcher();
    let (lb, l, g) = (nlb(), [listener_22()], [ssh_group()]);
    w.process(&described_lb_event(
        "d1",
        LB,
        Some((&lb, &l, &g)),
        T,
        "kensa",
    ));
    let dereg = event(
        "DeregisterTargets",
        json!({"targetGroupArn": TG, "targets": [{"id": "i-priv"}]}),
        json!(null),
    );
    assert_eq!(notices(&w.process(&dereg))[0].0, TG);
    let mut empty = ssh_group();
    empty.target_health_descriptions.clear();
    let r = w.process(&described_tg_event("d2", TG, Some(&empty), T, "kensa"));
    assert_eq!(internet(&r), [closed("i-priv", &["tcp/22"])]);
    let r = w.process(&described_tg_event(
        "d3",
        TG,
        Some(&ssh_group()),
        T,
        "kensa",
    ));
    assert_eq!(internet(&r), [opened("i-priv", &["tcp/22"])]);
    same_as_fresh(&w);
    // Gone (AWS no longer knows it): its listeners go with it.
    let r = w.process(&described_lb_event("d4", LB, None, T, "kensa"));
    assert_eq!(internet(&r), [closed("i-priv", &["tcp/22"])]);
    assert!(w.snapshot().listeners.is_empty());
    same_as_fresh(&w);
}

#[test]
fn a_classic_load_balancer_is_described_by_name() {
    let mut w = watcher();
    // The classic load balancer's nodes (no interface in the model: the subnet) must
    // pass i-priv's group on 3389.
    w.process(&authorize("sg-db", "sgr-rdp", "tcp", 3389, "10.0.1.0/24"));
    let ev = event(
        "RegisterInstancesWithLoadBalancer",
        json!({"loadBalancerName": "rdp", "instances": [{"instanceId": "i-priv"}]}),
        json!(null),
    );
    let r = w.process(&ev);
    assert_eq!(notices(&r)[0].0, format!("{CLASSIC_PREFIX}rdp"));
    let clb = ClassicLoadBalancer {
        load_balancer_name: "rdp".into(),
        scheme: Some("internet-facing".into()),
        vpc_id: Some("vpc-1".into()),
        subnets: vec!["subnet-pub".into()],
        instances: vec![ClassicInstance {
            instance_id: "i-priv".into(),
        }],
        listener_descriptions: vec![ClassicListenerDescription {
            listener: ClassicListener {
                protocol: "TCP".into(),
                load_balancer_port: 3389,
                instance_protocol: Some("TCP".into()),
                instance_port: 3389,
            },
        }],
        ..Default::default()
    };
    let r = w.process(&described_classic_event(
        "d1",
        "rdp",
        Some(&clb),
        T,
        "kensa",
    ));
    assert_eq!(internet(&r), [opened("i-priv", &["tcp/3389"])]);
    same_as_fresh(&w);
    let r = w.process(&described_classic_event("d2", "rdp", None, T, "kensa"));
    assert_eq!(internet(&r), [closed("i-priv", &["tcp/3389"])]);
    same_as_fresh(&w);
}

#[test]
fn a_load_balancer_event_without_a_resource_asks_for_a_resync() {
    let mut w = watcher();
    let ev = event("CreateLoadBalancer", json!({"name": "front"}), json!(null));
    let r = w.process(&ev);
    assert_eq!(notices(&r)[0].0, "CreateLoadBalancer");
    let ev = event(
        "CreateLoadBalancer",
        json!({"name": "front"}),
        json!({"loadBalancers": [{"loadBalancerArn": LB, "scheme": "internet-facing"}]}),
    );
    assert_eq!(notices(&w.process(&ev))[0].0, LB);
}
