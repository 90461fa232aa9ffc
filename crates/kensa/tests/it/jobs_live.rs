//! Live runs split between two `kensa serve --worker` processes on one PostgreSQL,
//! collecting a moto account of four regions: each region is one unit, collected once
//! and assembled into one snapshot; then `kill -9` of a worker in the middle of a unit,
//! and the other worker collects what it left and finishes the run.
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kensa_aws::testing::MotoServer;
use kensa_store::{Location, NewTarget, NewTemplate, RunState, Store, Template};

const REGIONS: [&str; 4] = ["ap-southeast-2", "eu-west-1", "us-east-1", "us-west-2"];

struct Worker(Child);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_worker(moto: &MotoServer, store: &str, log: &std::path::Path) -> Worker {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kensa"));
    cmd.args(["serve", "--worker", "--store", store])
        .args(["--lease-seconds", "10", "--poll-seconds", "1"])
        .env_remove("AWS_PROFILE")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap());
    for r in REGIONS {
        cmd.args(["--region", r]);
    }
    for (k, v) in moto.env() {
        cmd.env(k, v);
    }
    Worker(cmd.spawn().expect("start kensa serve --worker"))
}

async fn live_template(store: &Store) -> Template {
    store
        .create_target(&NewTarget {
            name: "all".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    store
        .create_template(&NewTemplate {
            name: "live".into(),
            target: "all".into(),
            packages: vec!["network-reachability".into(), "config".into()],
            ..Default::default()
        })
        .await
        .unwrap()
}

async fn wait_until<T, F: std::future::Future<Output = Option<T>>>(
    what: &str,
    mut probe: impl FnMut() -> F,
) -> T {
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn finished(store: &Store, run: i64) -> kensa_store::Run {
    wait_until("the run to finish", || async {
        let r = store.run(run).await.unwrap();
        r.state.is_final().then_some(r)
    })
    .await
}

/// The pid in a lease owner `worker:HOST:PID:STARTED`.
fn pid_of(owner: &str) -> u32 {
    owner.rsplit(':').nth(1).unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_split_a_live_run_by_region_and_survive_a_kill() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let Some(url) = kensa_store::testing::postgres_database("live").await else {
        return;
    };
    let store = Store::open(&Location::Postgres(url.clone())).await.unwrap();
    let template = live_template(&store).await;
    let logs = tempfile::tempdir().unwrap();
    let log = |n: &str| logs.path().join(n);
    let mut workers = [
        start_worker(&moto, &url, &log("a.log")),
        start_worker(&moto, &url, &log("b.log")),
    ];
    wait_until("two live workers", || async {
        let now = kensa_store::schedules::millis_of(&kensa_store::clock::now()).unwrap();
        let live = store.live_workers(now, 10_000).await.unwrap();
        (live.len() == 2).then_some(())
    })
    .await;

    // 1. Each region collected once, into one snapshot.
    let run = store.create_queued_run(&template, "live").await.unwrap();
    let done = finished(&store, run).await;
    assert_eq!(done.state, RunState::Completed, "{done:?}");
    let units = store.units(run).await.unwrap();
    let regions: Vec<&str> = units.iter().map(|u| u.region.as_str()).collect();
    assert_eq!(regions, REGIONS);
    for u in &units {
        assert_eq!((u.state.as_str(), u.attempts), ("DONE", 1), "{u:?}");
    }
    let snapshot = done.snapshot.expect("a live run records its snapshot");
    assert_eq!(snapshot.source, "live");
    assert_eq!(snapshot.regions, REGIONS);

    // 2. kill -9 of the worker collecting a unit; the other finishes the run.
    let run = store.create_queued_run(&template, "live").await.unwrap();
    let (victim, held) = wait_until("a worker to hold a unit", || async {
        let units = store.units(run).await.unwrap();
        units
            .into_iter()
            .find(|u| u.state == "PENDING" && u.lease_owner.is_some())
            .map(|u| (u.lease_owner.clone().unwrap(), u))
    })
    .await;
    let dead = workers
        .iter()
        .position(|w| w.0.id() == pid_of(&victim))
        .expect("the unit's holder is one of our workers");
    // SIGKILL: no clean shutdown, the leases just stop being renewed.
    workers[dead].0.kill().unwrap();
    workers[dead].0.wait().unwrap();
    let done = finished(&store, run).await;
    assert_eq!(done.state, RunState::Completed, "{done:?}");
    let units = store.units(run).await.unwrap();
    assert_eq!(units.len(), REGIONS.len());
    assert!(units.iter().all(|u| u.state == "DONE"), "{units:?}");
    // The unit in the dead worker's hands was collected again by the other worker
    // (unless the kill came just after it stored its result).
    let held_now = units.iter().find(|u| u.region == held.region).unwrap();
    let redone =
        held_now.attempts == 2 && held_now.collected_by.as_deref() != Some(victim.as_str());
    let raced = held_now.attempts == 1 && held_now.collected_by.as_deref() == Some(victim.as_str());
    assert!(redone || raced, "{held_now:?}");
    assert_eq!(done.snapshot.unwrap().regions, REGIONS);
}
