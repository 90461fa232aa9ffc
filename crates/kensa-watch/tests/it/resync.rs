//! A group described again (after a remediation) applied as an event, and a full resync
//! that reports what the events had missed.
use kensa_watch::apply::described::described_group_event;
use kensa_watch::{WatchRecord, Watcher};

use crate::events::authorize;
use crate::{closed, fixture, internet, opened};

#[test]
fn a_described_group_replaces_the_model_and_alerts_the_closure() {
    let mut w = Watcher::new(fixture::snapshot());
    let r = w.process(&authorize("sg-web", "sgr-ssh", "tcp", 22, "0.0.0.0/0"));
    assert_eq!(internet(&r), [opened("i-pub", &["tcp/22"])]);
    // The group as AWS describes it after the SSH rule was revoked: the fixture's.
    let base = fixture::snapshot();
    let rules: Vec<_> = (base.security_group_rules.values())
        .filter(|r| r.group_id == "sg-web")
        .cloned()
        .collect();
    let ev = described_group_event(
        "R1-sg-web",
        "sg-web",
        base.security_groups.get("sg-web"),
        &rules,
        "2026-12-07T10:42:09Z",
        "kensa watch remediation R1",
    );
    let r = w.process(&ev);
    assert_eq!(internet(&r), [closed("i-pub", &["tcp/22"])]);
    assert_eq!(w.snapshot().security_groups, base.security_groups);
    assert_eq!(w.snapshot().security_group_rules, base.security_group_rules);
    // Journaled and read back, it applies the same way.
    let again = kensa_watch::ChangeEvent::from_record(&ev.to_record()).unwrap();
    assert_eq!(again, ev);
}

#[test]
fn a_resync_alerts_the_drift_and_continues_from_the_description() {
    let mut w = Watcher::new(fixture::snapshot());
    // AWS changed without an event reaching the watcher: SSH open on sg-web.
    let mut described = Watcher::new(fixture::snapshot());
    described.process(&authorize("sg-web", "sgr-ssh", "tcp", 22, "0.0.0.0/0"));
    let truth = described.snapshot().clone();
    let r = w.resync(truth.clone(), "2026-12-07T11:00:00Z");
    assert_eq!(internet(&r), [opened("i-pub", &["tcp/22"])]);
    let Some(WatchRecord::Drift(d)) = r.last() else {
        panic!("expected a drift notice: {r:?}");
    };
    assert_eq!(
        (d.corrected, d.resources.clone()),
        (1, vec!["i-pub".to_string()])
    );
    assert_eq!(w.snapshot().security_groups, truth.security_groups);
    // Nothing more to correct.
    assert!(w.resync(truth, "2026-12-07T12:00:00Z").is_empty());
}

/// The fixture with a route from the public subnet to 10.9.0.0/16 over `pcx-1` and
/// PostgreSQL open to that range on sg-web; `pcx-1` in state `status`.
fn peered(status: &str) -> kensa_model::Snapshot {
    use kensa_model::transit::{PeeringStatus, PeeringVpcInfo, VpcPeeringConnection};
    let mut s = fixture::snapshot();
    let rtb = s.route_tables.get_mut("rtb-pub").unwrap();
    rtb.routes.push(kensa_model::ec2::Route {
        destination_cidr_block: Some("10.9.0.0/16".into()),
        vpc_peering_connection_id: Some("pcx-1".into()),
        state: Some("active".into()),
        ..Default::default()
    });
    let info = |vpc: &str, cidr: &str| PeeringVpcInfo {
        vpc_id: Some(vpc.into()),
        cidr_block: Some(cidr.into()),
        ..Default::default()
    };
    s.vpc_peering_connections.insert(
        "pcx-1".into(),
        VpcPeeringConnection {
            vpc_peering_connection_id: "pcx-1".into(),
            requester_vpc_info: Some(info("vpc-1", "10.0.0.0/16")),
            accepter_vpc_info: Some(info("vpc-9", "10.9.0.0/16")),
            status: Some(PeeringStatus {
                code: status.into(),
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    s
}

#[test]
fn a_described_peering_connection_opens_and_closes_the_peered_exposure() {
    use kensa_net::engine::SourceClass;
    use kensa_watch::apply::described_transit::{described_event, DESCRIBED_PEERING};
    let peered_alerts = |r: &[WatchRecord]| -> Vec<(String, String)> {
        r.iter()
            .filter_map(|r| match r {
                WatchRecord::Exposure(a) if a.source_class == SourceClass::PeeredVPC => {
                    Some((a.change.to_string(), a.ports.join(",")))
                }
                _ => None,
            })
            .collect()
    };
    let mut w = Watcher::new(peered("pending-acceptance"));
    let r = w.process(&authorize("sg-web", "sgr-pg", "tcp", 5432, "10.9.0.0/16"));
    assert!(peered_alerts(&r).is_empty(), "not active yet: {r:?}");
    let active = serde_json::to_value(&peered("active").vpc_peering_connections["pcx-1"]).unwrap();
    let ev = |state| {
        described_event(
            DESCRIBED_PEERING,
            "d1",
            "pcx-1",
            state,
            "2026-12-07T10:43:00Z",
            "kensa",
        )
    };
    let r = w.process(&ev(Some(active)));
    // The world-open 443 is reachable through the peering too.
    let ports = "tcp/443,tcp/5432".to_string();
    assert_eq!(peered_alerts(&r), [("opened".to_string(), ports.clone())]);
    // Deleted: AWS describes it as such for a while.
    let deleted =
        serde_json::to_value(&peered("deleted").vpc_peering_connections["pcx-1"]).unwrap();
    let r = w.process(&ev(Some(deleted)));
    assert_eq!(peered_alerts(&r), [("closed".to_string(), ports.clone())]);
    // Gone from AWS while a route still names it: unknown is not safe, the route is
    // assumed to work, as a full analysis of the same state assumes.
    let r = w.process(&ev(None));
    assert_eq!(peered_alerts(&r), [("opened".to_string(), ports.clone())]);
    assert!(w.snapshot().vpc_peering_connections.is_empty());
    let full = Watcher::new(w.snapshot().clone());
    assert_eq!(full.exposures(), w.exposures());
}
