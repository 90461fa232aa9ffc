//! Schedules and the run queue through the server's executor, with a clock the test
//! moves: a missed schedule runs once; a dead worker's run is retried when its lease
//! expires; a run that keeps killing workers is given up; `--worker` refuses SQLite;
//! a run started over the API waits for a live worker.
use std::time::Duration;

use kensa_server::auth::Role;
use kensa_server::jobs::{self, Clock};
use kensa_server::ServerConfig;
use kensa_store::schedules::millis_of;
use kensa_store::{Location, RunState, Store};
use serde_json::json;

use crate::common::{call, TestServer};
use crate::jobs_support::{executor, locations, template, ManualClock, T0};

const HOUR: i64 = 3_600_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schedule_missed_during_downtime_runs_once_and_completes() {
    let dir = tempfile::tempdir().unwrap();
    for location in locations(&dir).await {
        let store = Store::open(&location).await.unwrap();
        template(&store, "hourly").await;
        let s = store
            .set_schedule("hourly", "0 * * * *", "demo", Some("test"))
            .await
            .unwrap();
        let due = millis_of(s.next_due_at.as_deref().unwrap()).unwrap();
        // The server was down for five hours and a bit.
        let clock = ManualClock::at(due + 5 * HOUR + 1_000);
        let fired = jobs::fire_schedules(&store, clock.as_ref()).await.unwrap();
        assert_eq!(fired.len(), 1, "{location:?}: {fired:?}");
        assert!(jobs::fire_schedules(&store, clock.as_ref())
            .await
            .unwrap()
            .is_empty());
        let ex = executor(&store, clock.clone(), "server:test");
        assert!(ex.claim_and_run_next().await);
        assert!(!ex.claim_and_run_next().await, "one run, not six");
        let runs = store.runs(Some("hourly")).await.unwrap();
        assert_eq!(runs.len(), 1, "{location:?}");
        assert_eq!(runs[0].state, RunState::Completed, "{:?}", runs[0]);
        assert!(store.lease_of(runs[0].id).await.unwrap().is_none());
        clock.set(due + 6 * HOUR);
        assert_eq!(
            jobs::fire_schedules(&store, clock.as_ref())
                .await
                .unwrap()
                .len(),
            1
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_workers_run_is_retried_when_its_lease_expires() {
    let dir = tempfile::tempdir().unwrap();
    for location in locations(&dir).await {
        let store = Store::open(&location).await.unwrap();
        let tpl = template(&store, "t").await;
        let run = store.create_queued_run(&tpl, "demo").await.unwrap();
        let lease = 60_000;
        // A worker claims the run, starts collecting, and dies (no more heartbeats).
        let dead = store
            .claim_next_run("worker:dead", T0, lease)
            .await
            .unwrap();
        assert_eq!(dead.map(|c| c.run_id), Some(run));
        store
            .set_run_state(run, RunState::CollectingData, None)
            .await
            .unwrap();
        let clock = ManualClock::at(T0 + 1_000);
        let ex = executor(&store, clock.clone(), "worker:b");
        assert!(!ex.claim_and_run_next().await, "the lease still holds");
        clock.set(T0 + lease + 1);
        assert!(ex.claim_and_run_next().await);
        let r = store.run(run).await.unwrap();
        assert_eq!(r.state, RunState::Completed, "{location:?}: {r:?}");
        let retry = r
            .states
            .iter()
            .find(|s| s.state == RunState::Created && s.message.is_some())
            .expect("the retry is in the run's history");
        let message = retry.message.as_deref().unwrap();
        assert!(
            message.contains("retried by worker:b (attempt 2)")
                && message.contains("worker:dead stopped renewing its lease"),
            "{message}"
        );
        assert!(store.lease_of(run).await.unwrap().is_none());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_that_outlives_every_worker_is_given_up() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&locations(&dir).await[0]).await.unwrap();
    let tpl = template(&store, "t").await;
    let run = store.create_queued_run(&tpl, "demo").await.unwrap();
    let lease = 60_000;
    for attempt in 0..3 {
        let now = T0 + attempt * (lease + 1);
        let owner = format!("worker:{attempt}");
        let claimed = store.claim_next_run(&owner, now, lease).await.unwrap();
        assert!(claimed.is_some());
    }
    let clock = ManualClock::at(T0 + 3 * (lease + 1));
    assert!(
        executor(&store, clock, "worker:last")
            .claim_and_run_next()
            .await
    );
    let r = store.run(run).await.unwrap();
    assert_eq!(r.state, RunState::Failed);
    let reason = r.state_reason.unwrap();
    assert!(
        reason.contains("abandoned: claimed 3 times") && reason.contains("worker:2"),
        "{reason}"
    );
}

#[tokio::test]
async fn worker_mode_refuses_a_sqlite_store() {
    let mut config = ServerConfig::new(Location::File("/tmp/kensa-jobs-refused.db".into()));
    config.worker = true;
    let err = kensa_server::serve(config).await.unwrap_err().to_string();
    assert!(
        err.contains("--worker needs a PostgreSQL store") && err.contains("kensa-jobs-refused.db"),
        "{err}"
    );
    assert!(!std::path::Path::new("/tmp/kensa-jobs-refused.db").exists());
}

/// With a live worker, a run started over the API stays queued for it; the worker runs
/// it; schedules and account roles are managed over the API with clear errors.
#[test]
fn api_runs_wait_for_live_workers_and_schedules_are_managed_over_the_api() {
    let mut location = None;
    let server = TestServer::start(|c| location = Some(c.store.clone()));
    let admin = server.token(Role::Admin).to_string();
    let operator = server.token(Role::Operator).to_string();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let store = rt.block_on(Store::open(&location.unwrap())).unwrap();
    rt.block_on(template(&store, "nightly"));
    let now = jobs::SystemClock.now_ms();
    rt.block_on(store.worker_heartbeat("worker:elsewhere", now))
        .unwrap();
    let workers = call(
        "GET",
        &server.url("/api/v1/workers"),
        Some(&operator),
        &[],
        None,
    );
    assert_eq!(
        workers.json()[0]["id"],
        "worker:elsewhere",
        "{}",
        workers.body
    );

    let started = call(
        "POST",
        &server.url("/api/v1/runs"),
        Some(&operator),
        &[],
        Some(&json!({"template": "nightly"})),
    );
    assert_eq!(started.status, 202, "{}", started.body);
    let run = started.json()["id"].as_i64().unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let state = |run: i64| {
        call(
            "GET",
            &server.url(&format!("/api/v1/runs/{run}")),
            Some(&operator),
            &[],
            None,
        )
        .json()["state"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(state(run), "CREATED", "left queued for the live worker");
    let lease = rt.block_on(store.lease_of(run)).unwrap().unwrap();
    assert_eq!(lease.owner, None);

    let clock = ManualClock::at(now);
    let worker = executor(&store, clock, "worker:elsewhere");
    assert!(rt.block_on(worker.claim_and_run_next()));
    assert_eq!(state(run), "COMPLETED");

    let put = |path: &str, body: serde_json::Value| {
        call("PUT", &server.url(path), Some(&admin), &[], Some(&body))
    };
    let bad = put("/api/v1/schedules/nightly", json!({"cron": "0 3 * *"}));
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("expected five fields"), "{}", bad.body);
    let missing = put("/api/v1/schedules/absent", json!({"cron": "0 3 * * *"}));
    assert_eq!(missing.status, 404, "{}", missing.body);
    let set = put("/api/v1/schedules/nightly", json!({"cron": "0 3 * * *"}));
    assert_eq!(set.status, 200, "{}", set.body);
    let next = set.json()["next_due_at"].as_str().unwrap().to_string();
    assert!(next.ends_with("T03:00:00.000Z"), "{next}");
    let listed = call(
        "GET",
        &server.url("/api/v1/schedules"),
        Some(&operator),
        &[],
        None,
    );
    assert_eq!(listed.json()[0]["cron"], "0 3 * * *");

    let arn = "arn:aws:iam::111122223333:role/kensa-audit";
    let bad = put(
        "/api/v1/account-roles/111122223333",
        json!({"role_arn": "arn:aws:iam::999999999999:role/x"}),
    );
    assert_eq!(bad.status, 400, "{}", bad.body);
    let ok = put(
        "/api/v1/account-roles/111122223333",
        json!({"role_arn": arn, "external_id": "kensa-ext-1"}),
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    let roles = call(
        "GET",
        &server.url("/api/v1/account-roles"),
        Some(&admin),
        &[],
        None,
    );
    assert_eq!(roles.json()[0]["role_arn"], arn);
    let audit = call("GET", &server.url("/api/v1/audit"), Some(&admin), &[], None);
    assert!(audit.body.contains("account.set_role") && !audit.body.contains("kensa-ext-1"));
}
