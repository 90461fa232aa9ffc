//! Fresh stores on every backend the environment offers.
use kensa_store::{Location, Store};

pub struct TestStore {
    pub store: Store,
    pub name: &'static str,
    _dir: Option<tempfile::TempDir>,
}

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
    kensa_store::testing::postgres_database("store").await
}
