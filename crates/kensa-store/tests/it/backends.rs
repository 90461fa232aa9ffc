//! Fresh stores on every backend the environment offers.
use std::sync::atomic::{AtomicUsize, Ordering};

use kensa_store::{Location, Store};
use sqlx::Executor;

pub struct TestStore {
    pub store: Store,
    pub name: &'static str,
    _dir: Option<tempfile::TempDir>,
}

static SEQ: AtomicUsize = AtomicUsize::new(0);

/// A new, empty SQLite store and, when `KENSA_TEST_POSTGRES` is set, a new database on
/// that server.
pub async fn stores() -> Vec<TestStore> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let mut out = vec![TestStore {
        store: Store::open(&Location::File(path)).await.unwrap(),
        name: "sqlite",
        _dir: Some(dir),
    }];
    if let Some(url) = postgres_url().await {
        out.push(TestStore {
            store: Store::open(&Location::Postgres(url)).await.unwrap(),
            name: "postgres",
            _dir: None,
        });
    }
    out
}

/// A URL to a new database on the test server, or None (with a notice) without one.
pub async fn postgres_url() -> Option<String> {
    let Ok(admin) = std::env::var("KENSA_TEST_POSTGRES") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "KENSA_TEST_POSTGRES is not set in CI: scripts/test starts PostgreSQL and sets it"
        );
        eprintln!("notice: KENSA_TEST_POSTGRES not set; PostgreSQL half of this test skipped");
        return None;
    };
    sqlx::any::install_default_drivers();
    let name = format!(
        "kensa_test_{}_{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    );
    let pool = sqlx::AnyPool::connect(&admin)
        .await
        .expect("connect to KENSA_TEST_POSTGRES");
    pool.execute(format!("DROP DATABASE IF EXISTS {name}").as_str())
        .await
        .unwrap();
    pool.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    pool.close().await;
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
    Some(format!("{base}/{name}"))
}
