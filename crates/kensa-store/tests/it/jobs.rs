//! Schedules (a missed run runs once, with a moved clock), the run queue's leases
//! (claim, renew, expiry, retry; concurrent claimers never share a run), account roles.
use std::collections::BTreeSet;

use kensa_store::schedules::{millis_of, parse_cron};
use kensa_store::{Store, StoreError};

use crate::backends::stores;
use crate::model::{target, template};

const HOUR: i64 = 3_600_000;

async fn hourly_template(s: &Store) {
    s.create_target(&target("prod", &[])).await.unwrap();
    s.create_template(&template("hourly", "prod", &["config"]))
        .await
        .unwrap();
}

#[test]
fn cron_expressions_are_checked_with_a_clear_error() {
    assert!(parse_cron("0 3 * * *").is_ok());
    assert!(parse_cron("@daily").is_ok());
    let err = parse_cron("0 3 * *").unwrap_err().to_string();
    assert!(
        err.contains("4 fields") && err.contains("minute hour"),
        "{err}"
    );
    let err = parse_cron("61 * * * *").unwrap_err().to_string();
    assert!(err.contains("`61 * * * *`"), "{err}");
}

#[tokio::test]
async fn a_schedule_missed_during_downtime_fires_once() {
    for t in stores().await {
        let s = &t.store;
        hourly_template(s).await;
        let err = s.set_schedule("hourly", "every hour", "demo", None).await;
        assert!(matches!(err, Err(StoreError::Invalid { .. })), "{}", t.name);
        let sched = s
            .set_schedule("hourly", "0 * * * *", "demo", Some("admin"))
            .await
            .unwrap();
        let due = millis_of(sched.next_due_at.as_deref().unwrap()).unwrap();
        assert_eq!(due % HOUR, 0, "{}", t.name);
        assert!(s.fire_due_schedules(due - 1).await.unwrap().is_empty());

        // Down for five hours: one run, for the latest hour that passed.
        let fired = s.fire_due_schedules(due + 5 * HOUR + 60_000).await.unwrap();
        assert_eq!(fired.len(), 1, "{}: {fired:?}", t.name);
        assert_eq!(millis_of(&fired[0].fire_at).unwrap(), due + 5 * HOUR);
        assert!(s
            .fire_due_schedules(due + 5 * HOUR + 120_000)
            .await
            .unwrap()
            .is_empty());
        let again = s.fire_due_schedules(due + 6 * HOUR).await.unwrap();
        assert_eq!(again.len(), 1, "{}", t.name);

        let runs = s.runs(Some("hourly")).await.unwrap();
        assert_eq!(runs.len(), 2, "{}", t.name);
        let sched = s.schedule("hourly").await.unwrap();
        assert_eq!(sched.last_run_id, Some(again[0].run_id));
        assert_eq!(
            millis_of(sched.next_due_at.as_deref().unwrap()).unwrap(),
            due + 7 * HOUR
        );
        s.delete_schedule("hourly").await.unwrap();
        assert!(s.schedules().await.unwrap().is_empty());
    }
}

/// Two servers on one store at the same instant: the schedule fires once.
#[tokio::test]
async fn two_servers_fire_a_schedule_once() {
    for t in stores().await {
        let s = &t.store;
        hourly_template(s).await;
        let sched = s
            .set_schedule("hourly", "0 * * * *", "demo", None)
            .await
            .unwrap();
        let due = millis_of(sched.next_due_at.as_deref().unwrap()).unwrap();
        let other = Store::open(s.location()).await.unwrap();
        let (a, b) = tokio::join!(s.fire_due_schedules(due), other.fire_due_schedules(due));
        assert_eq!(a.unwrap().len() + b.unwrap().len(), 1, "{}", t.name);
    }
}

#[tokio::test]
async fn leases_are_claimed_renewed_and_retried_after_expiry() {
    for t in stores().await {
        let s = &t.store;
        hourly_template(s).await;
        let tpl = s.template("hourly").await.unwrap();
        let r1 = s.create_queued_run(&tpl, "demo").await.unwrap();
        let r2 = s.create_queued_run(&tpl, "demo").await.unwrap();
        let t0 = 1_800_000_000_000;
        let lease = 30_000;
        let c1 = s.claim_next_run("w1", t0, lease).await.unwrap().unwrap();
        assert_eq!((c1.run_id, c1.attempts, c1.input.as_str()), (r1, 1, "demo"));
        let c2 = s.claim_next_run("w2", t0, lease).await.unwrap().unwrap();
        assert_eq!(c2.run_id, r2, "{}", t.name);
        assert!(s
            .claim_next_run("w3", t0 + 1, lease)
            .await
            .unwrap()
            .is_none());
        assert!(s
            .claim_run(r1, "w3", t0 + 1, lease)
            .await
            .unwrap()
            .is_none());

        // w1 heartbeats, w2 dies: only r2's lease expires.
        assert!(s
            .renew_lease(r1, "w1", 1, t0 + 20_000, lease)
            .await
            .unwrap());
        assert!(!s
            .renew_lease(r1, "w2", 1, t0 + 20_000, lease)
            .await
            .unwrap());
        let retry = s
            .claim_next_run("w3", t0 + 40_000, lease)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(retry.run_id, r2, "{}", t.name);
        assert_eq!(retry.attempts, 2);
        assert_eq!(retry.previous_owner.as_deref(), Some("w2"));
        assert!(!s
            .renew_lease(r2, "w2", 1, t0 + 41_000, lease)
            .await
            .unwrap());
        assert!(!s.complete_queued_run(r2, "w2", 1).await.unwrap());
        assert!(s.complete_queued_run(r2, "w3", 2).await.unwrap());
        assert!(s.complete_queued_run(r1, "w1", 1).await.unwrap());
        assert!(s
            .claim_next_run("w3", t0 + 999_999, lease)
            .await
            .unwrap()
            .is_none());

        // A run canceled while queued is never claimed, and its entry is pruned.
        let r3 = s.create_queued_run(&tpl, "demo").await.unwrap();
        assert!(
            s.cancel_run(r3).await.unwrap(),
            "no live owner: canceled at once"
        );
        assert!(s.claim_next_run("w3", t0, lease).await.unwrap().is_none());
        assert_eq!(s.prune_queue().await.unwrap(), 1);
        assert!(s.lease_of(r3).await.unwrap().is_none());

        s.worker_heartbeat("w1", t0).await.unwrap();
        s.worker_heartbeat("w3", t0 + 50_000).await.unwrap();
        let live = s.live_workers(t0 + 60_000, 30_000).await.unwrap();
        assert_eq!(
            live.iter().map(|w| w.id.as_str()).collect::<Vec<_>>(),
            ["w3"]
        );
        s.remove_worker("w3").await.unwrap();
        assert!(s
            .live_workers(t0 + 60_000, 30_000)
            .await
            .unwrap()
            .is_empty());
    }
}

/// Eight claimers on separate connections pools, five queued runs: each run is claimed
/// by exactly one of them (PostgreSQL's SKIP LOCKED; SQLite serialises writers).
#[tokio::test]
async fn concurrent_claimers_never_share_a_run() {
    for t in stores().await {
        let s = &t.store;
        hourly_template(s).await;
        let tpl = s.template("hourly").await.unwrap();
        let mut queued = BTreeSet::new();
        for _ in 0..5 {
            queued.insert(s.create_queued_run(&tpl, "demo").await.unwrap());
        }
        let mut tasks = Vec::new();
        for w in 0..8 {
            let store = Store::open(s.location()).await.unwrap();
            tasks.push(tokio::spawn(async move {
                let mut mine = Vec::new();
                while let Some(c) = store
                    .claim_next_run(&format!("w{w}"), 1_800_000_000_000, 60_000)
                    .await
                    .unwrap()
                {
                    mine.push(c.run_id);
                }
                mine
            }));
        }
        let mut claimed = Vec::new();
        for task in tasks {
            claimed.extend(task.await.unwrap());
        }
        claimed.sort();
        assert_eq!(
            claimed,
            queued.into_iter().collect::<Vec<_>>(),
            "{}",
            t.name
        );
    }
}

#[tokio::test]
async fn account_roles_are_validated_and_stored() {
    for t in stores().await {
        let s = &t.store;
        let arn = "arn:aws:iam::111122223333:role/kensa-audit";
        let bad = s
            .set_account_role("1111", arn, None, None)
            .await
            .unwrap_err();
        assert!(bad.to_string().contains("12-digit"), "{bad}");
        let bad = s
            .set_account_role("444455556666", arn, None, None)
            .await
            .unwrap_err();
        assert!(
            bad.to_string()
                .contains("not an IAM role of account 444455556666"),
            "{bad}"
        );
        let bad = s
            .set_account_role("111122223333", arn, Some("x y"), None)
            .await
            .unwrap_err();
        assert!(bad.to_string().contains("ExternalId"), "{bad}");
        s.set_account_role("111122223333", arn, Some("ext-1"), Some("admin"))
            .await
            .unwrap();
        let r = s
            .set_account_role("111122223333", arn, Some("ext-2"), Some("admin"))
            .await
            .unwrap();
        assert_eq!(r.external_id.as_deref(), Some("ext-2"), "{}", t.name);
        assert_eq!(s.account_roles().await.unwrap(), vec![r]);
        s.delete_account_role("111122223333").await.unwrap();
        assert!(matches!(
            s.account_role("111122223333").await,
            Err(StoreError::NotFound { .. })
        ));
    }
}
