//! Two `kensa serve --worker` processes on one PostgreSQL: a queued run of a
//! three-region account is taken by one; `kill -9` of that worker mid-run, and the
//! other finishes the run once the lease expires.
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kensa_model::synth::{write_account, SynthParams};
use kensa_server::ServerConfig;
use kensa_store::{Location, RunState, Store};

use crate::jobs_support::{postgres_url, template};

const CHILD_STORE: &str = "KENSA_JOBS_TEST_WORKER_STORE";
const CHILD_INPUT: &str = "KENSA_JOBS_TEST_WORKER_INPUT";

/// Not a test of its own: the worker process the test below starts (twice).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn child_worker_process() {
    let (Ok(store), Ok(input)) = (std::env::var(CHILD_STORE), std::env::var(CHILD_INPUT)) else {
        return;
    };
    let mut config = ServerConfig::new(Location::parse(&store));
    config.worker = true;
    config.input_roots = vec![input.into()];
    config.jobs.lease = Duration::from_secs(6);
    config.jobs.poll = Duration::from_millis(200);
    kensa_server::serve(config).await.unwrap();
}

struct Worker(Child);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_worker(store: &str, input: &std::path::Path) -> Worker {
    Worker(
        Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "jobs_workers::child_worker_process",
                "--nocapture",
            ])
            .env(CHILD_STORE, store)
            .env(CHILD_INPUT, input)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    )
}

/// The pid in a lease owner `worker:HOST:PID:STARTED`.
fn pid_of(owner: &str) -> u32 {
    owner.rsplit(':').nth(1).unwrap().parse().unwrap()
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_workers_run_is_finished_by_the_other_worker() {
    let Some(url) = postgres_url().await else {
        return;
    };
    let store = Store::open(&Location::Postgres(url.clone())).await.unwrap();
    let tpl = template(&store, "org").await;
    let dir = tempfile::tempdir().unwrap();
    let params = SynthParams {
        instances: 6000,
        regions: 3,
        ..Default::default()
    };
    write_account(&params, dir.path(), |_| {}).unwrap();
    let input = dir.path().canonicalize().unwrap();
    let mut workers = [start_worker(&url, &input), start_worker(&url, &input)];
    wait_until("two live workers", || async {
        let now = kensa_store::schedules::millis_of(&kensa_store::clock::now()).unwrap();
        let live = store.live_workers(now, 6_000).await.unwrap();
        (live.len() == 2).then_some(())
    })
    .await;

    let run = store
        .create_queued_run(&tpl, &input.display().to_string())
        .await
        .unwrap();
    let first = wait_until("a worker to start the run", || async {
        let lease = store.lease_of(run).await.unwrap()?;
        let state = store.run(run).await.unwrap().state;
        (state != RunState::Created).then_some(lease.owner?)
    })
    .await;
    let victim = workers
        .iter()
        .position(|w| w.0.id() == pid_of(&first))
        .expect("the lease owner is one of our workers");
    assert!(
        !store.run(run).await.unwrap().state.is_final(),
        "the run ended before the kill; make the account bigger"
    );
    workers[victim].0.kill().unwrap(); // SIGKILL: no goodbye, the lease just expires.
    workers[victim].0.wait().unwrap();

    let done = wait_until("the run to end", || async {
        let r = store.run(run).await.unwrap();
        r.state.is_final().then_some(r)
    })
    .await;
    assert_eq!(done.state, RunState::Completed, "{done:?}");
    let retried: Vec<_> = done
        .states
        .iter()
        .filter_map(|s| s.message.as_deref())
        .filter(|m| m.contains("retried by"))
        .collect();
    assert_eq!(retried.len(), 1, "{:?}", done.states);
    assert!(
        retried[0].contains(&format!("{first} stopped renewing")),
        "{}",
        retried[0]
    );
    let survivor = workers[1 - victim].0.id();
    assert!(
        retried[0].contains(&format!(":{survivor}:")),
        "{}",
        retried[0]
    );
    let snapshot = done.snapshot.as_ref().expect("the run's snapshot");
    assert_eq!(snapshot.regions.len(), 3, "{snapshot:?}");
    let c = &done.counts;
    assert!(
        c.critical + c.high + c.medium + c.low + c.informational > 0,
        "{:?}",
        done.counts
    );
    // The worker takes the run off the queue just after it ends.
    wait_until("the queue entry to go", || async {
        store.lease_of(run).await.unwrap().is_none().then_some(())
    })
    .await;
}
