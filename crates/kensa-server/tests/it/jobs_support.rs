//! What the jobs tests share: stores on every backend, a clock the test moves, a demo
//! template, an executor.
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use kensa_server::jobs::{Clock, Executor};
use kensa_server::ServerConfig;
use kensa_store::{Location, NewTarget, NewTemplate, Store, Template};

/// 2027-01-15T08:00:00Z: a clock far from today, so nothing depends on the wall clock.
pub const T0: i64 = 1_800_000_000_000;

/// A clock that moves only when the test says.
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn at(ms: i64) -> Arc<ManualClock> {
        Arc::new(ManualClock(AtomicI64::new(ms)))
    }
    pub fn set(&self, ms: i64) {
        self.0.store(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// A fresh SQLite store and, with `KENSA_TEST_POSTGRES`, a fresh PostgreSQL database.
pub async fn locations(dir: &tempfile::TempDir) -> Vec<Location> {
    let mut out = vec![Location::File(dir.path().join("jobs.db"))];
    out.extend(postgres_url().await.map(Location::Postgres));
    out
}

/// A URL to a new database on the test server, or None (with a notice) without one.
pub async fn postgres_url() -> Option<String> {
    kensa_store::testing::postgres_database("jobs").await
}

/// Target `all` (whatever the snapshot holds) and template `name` over it.
pub async fn template(store: &Store, name: &str) -> Template {
    if store.target("all").await.is_err() {
        store
            .create_target(&NewTarget {
                name: "all".into(),
                ..Default::default()
            })
            .await
            .unwrap();
    }
    store
        .create_template(&NewTemplate {
            name: name.into(),
            target: "all".into(),
            packages: vec!["network-reachability".into(), "config".into()],
            ..Default::default()
        })
        .await
        .unwrap()
}

/// An executor named `owner` on `store` with `clock` and default job settings.
pub fn executor(store: &Store, clock: Arc<ManualClock>, owner: &str) -> Executor {
    let config = ServerConfig::new(store.location().clone());
    Executor::new(store.clone(), Arc::new(config), clock, owner.to_string())
}
