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
