//! Fencing: a worker that stalled past its lease, after another worker claimed the run,
//! writes nothing more to it (states, findings, exclusions, the final state), while the
//! claim that holds the lease writes normally.
use std::collections::BTreeMap;

use kensa_model::{Package, Severity};
use kensa_store::{FindingWriter, RunState, StoreError};

use crate::backends::stores;
use crate::finding;
use crate::model::{target, template};

fn is_lease_lost<T: std::fmt::Debug>(r: Result<T, StoreError>, generation: i64) -> bool {
    matches!(r, Err(StoreError::LeaseLost { generation: g, .. }) if g == generation)
}

#[tokio::test]
async fn a_stalled_claim_writes_nothing_once_another_holds_the_run() {
    for t in stores().await {
        let s = &t.store;
        s.create_target(&target("prod", &[])).await.unwrap();
        s.create_template(&template("t", "prod", &["config"]))
            .await
            .unwrap();
        let tpl = s.template("t").await.unwrap();
        let run = s.create_queued_run(&tpl, "demo").await.unwrap();
        let (t0, lease) = (1_800_000_000_000, 30_000);
        let first = s.claim_next_run("w1", t0, lease).await.unwrap().unwrap();
        let stalled = s.fenced(run, first.attempts);
        stalled
            .set_run_state(run, RunState::CollectingData, None)
            .await
            .unwrap();

        // w1 stalls past its lease; w2 takes the run over.
        let second = s
            .claim_next_run("w2", t0 + lease + 1, lease)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(second.attempts, first.attempts + 1, "{}", t.name);
        let holder = s.fenced(run, second.attempts);

        let err = stalled
            .set_run_state(run, RunState::EvaluatingRules, None)
            .await;
        assert!(is_lease_lost(err, first.attempts), "{}", t.name);
        let mut writer = FindingWriter::new(&stalled, run, &BTreeMap::new(), "2026-12-07")
            .await
            .unwrap()
            .with_batch_size(1);
        let f = finding(Package::Config, "r1", "i-stalled", Severity::High);
        assert!(
            is_lease_lost(writer.push(f).await, first.attempts),
            "{}",
            t.name
        );
        assert!(
            is_lease_lost(stalled.add_exclusions(run, &[]).await, 1),
            "{}",
            t.name
        );
        let err = stalled
            .finish_run(run, RunState::Failed, Some("x"), None)
            .await;
        assert!(is_lease_lost(err, first.attempts), "{}", t.name);
        assert!(!s
            .renew_lease(run, "w1", first.attempts, t0 + lease + 2, lease)
            .await
            .unwrap());

        // The holder's writes go through; the stalled claim's finding never landed.
        let mut writer = FindingWriter::new(&holder, run, &BTreeMap::new(), "2026-12-07")
            .await
            .unwrap();
        let f = finding(Package::Config, "r1", "i-holder", Severity::High);
        writer.push(f).await.unwrap();
        assert_eq!(writer.finish().await.unwrap(), 1, "{}", t.name);
        let done = holder
            .finish_run(run, RunState::Completed, None, None)
            .await
            .unwrap();
        assert_eq!(done.state, RunState::Completed, "{}", t.name);
        assert_eq!(done.counts.get(Severity::High), 1, "{}", t.name);
        assert!(s
            .complete_queued_run(run, "w2", second.attempts)
            .await
            .unwrap());
    }
}

#[tokio::test]
async fn units_are_claimed_once_retried_after_expiry_and_fenced() {
    for t in stores().await {
        let s = &t.store;
        s.create_target(&target("prod", &[])).await.unwrap();
        s.create_template(&template("t", "prod", &["config"]))
            .await
            .unwrap();
        let tpl = s.template("t").await.unwrap();
        let run = s.create_queued_run(&tpl, "live").await.unwrap();
        let plan: Vec<(String, String)> = ["eu-west-1", "us-east-1"]
            .iter()
            .map(|r| ("111122223333".to_string(), r.to_string()))
            .collect();
        s.plan_units(run, &plan).await.unwrap();
        s.plan_units(run, &plan).await.unwrap();
        let (t0, lease) = (1_800_000_000_000, 30_000);
        let a = s
            .claim_next_unit(None, "w1", t0, lease, 3)
            .await
            .unwrap()
            .unwrap();
        let b = s
            .claim_next_unit(Some(run), "w2", t0, lease, 3)
            .await
            .unwrap()
            .unwrap();
        assert_ne!(a.region, b.region, "{}", t.name);
        assert!(s
            .claim_next_unit(None, "w3", t0 + 1, lease, 3)
            .await
            .unwrap()
            .is_none());

        // w1 renews and finishes; w2 stalls, w3 takes its unit over after expiry.
        assert!(s.renew_unit(&a, "w1", t0 + 20_000, lease).await.unwrap());
        assert!(s.finish_unit(&a, "w1", "{\"a\":1}").await.unwrap());
        let c = s
            .claim_next_unit(None, "w3", t0 + 40_000, lease, 3)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((c.region.as_str(), c.attempts), (b.region.as_str(), 2));
        assert!(!s.renew_unit(&b, "w2", t0 + 41_000, lease).await.unwrap());
        assert!(!s.finish_unit(&b, "w2", "{\"stale\":1}").await.unwrap());
        assert!(s.finish_unit(&c, "w3", "{\"c\":1}").await.unwrap());

        let units = s.units(run).await.unwrap();
        let done: Vec<(&str, i64, Option<&str>)> = units
            .iter()
            .map(|u| (u.state.as_str(), u.attempts, u.collected_by.as_deref()))
            .collect();
        let by_b = if a.region == "eu-west-1" {
            [("DONE", 1, Some("w1")), ("DONE", 2, Some("w3"))]
        } else {
            [("DONE", 2, Some("w3")), ("DONE", 1, Some("w1"))]
        };
        assert_eq!(done, by_b, "{}", t.name);
        let results = s.unit_results(run).await.unwrap();
        assert!(!results.iter().any(|r| r.contains("stale")), "{}", t.name);
        assert_eq!(results.len(), 2, "{}", t.name);
    }
}

#[tokio::test]
async fn a_unit_that_outlives_every_claim_is_given_up_with_the_reason() {
    for t in stores().await {
        let s = &t.store;
        s.create_target(&target("prod", &[])).await.unwrap();
        s.create_template(&template("t", "prod", &["config"]))
            .await
            .unwrap();
        let tpl = s.template("t").await.unwrap();
        let run = s.create_queued_run(&tpl, "live").await.unwrap();
        let plan = vec![
            ("111122223333".to_string(), "eu-west-1".to_string()),
            ("111122223333".to_string(), "us-east-1".to_string()),
        ];
        s.plan_units(run, &plan).await.unwrap();
        let (t0, lease, max) = (1_800_000_000_000, 30_000, 3);
        // eu-west-1 kills each of three workers; us-east-1 is collected.
        for attempt in 0..max {
            let now = t0 + attempt * (lease + 1);
            let unit = s
                .claim_next_unit(Some(run), &format!("w{attempt}"), now, lease, max)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(
                (unit.region.as_str(), unit.attempts),
                ("eu-west-1", attempt + 1),
                "{}",
                t.name
            );
            if attempt == 0 {
                let other = s
                    .claim_next_unit(Some(run), "ok", now, lease, max)
                    .await
                    .unwrap()
                    .unwrap();
                assert!(s.finish_unit(&other, "ok", "{}").await.unwrap());
            }
        }
        let after_last = t0 + max * (lease + 1);
        assert!(
            s.claim_next_unit(Some(run), "w9", after_last, lease, max)
                .await
                .unwrap()
                .is_none(),
            "an exhausted unit is not claimed again ({})",
            t.name
        );
        // Not while the last claim's lease still runs: that worker may yet finish.
        let during = t0 + (max - 1) * (lease + 1) + 1;
        assert_eq!(
            s.fail_exhausted_units(run, max, during).await.unwrap(),
            0,
            "{}",
            t.name
        );
        assert_eq!(
            s.fail_exhausted_units(run, max, after_last).await.unwrap(),
            1,
            "{}",
            t.name
        );
        let units = s.units(run).await.unwrap();
        let failed = units.iter().find(|u| u.region == "eu-west-1").unwrap();
        assert_eq!(failed.state, "FAILED", "{}", t.name);
        let why = failed.failure.as_deref().unwrap();
        assert!(
            why.contains("given up after 3 claims") && why.contains("w2"),
            "{why}"
        );
        assert_eq!(units.iter().filter(|u| u.state == "DONE").count(), 1);
        assert_eq!(s.unit_results(run).await.unwrap().len(), 1, "{}", t.name);
    }
}
