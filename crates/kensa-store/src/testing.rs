//! Test support for every crate whose tests need a store (cargo feature `testing`): a
//! throw-away database on the PostgreSQL server `scripts/test` starts and names in
//! `KENSA_TEST_POSTGRES`, so the SQLite and PostgreSQL halves of a test run alike.
use std::sync::atomic::{AtomicUsize, Ordering};

use sqlx::Executor;

static SEQ: AtomicUsize = AtomicUsize::new(0);

/// The URL of a new, empty database on the test server (`kensa_test_<what>_<pid>_<n>`),
/// or `None` with a notice on stderr when `KENSA_TEST_POSTGRES` is not set. In CI
/// (`CI` set) the variable must be set: a PostgreSQL half silently skipped there would
/// pass without testing anything.
///
/// # Panics
///
/// When the server cannot be reached or the database cannot be created: the test
/// environment is broken, and the test must say so.
pub async fn postgres_database(what: &str) -> Option<String> {
    let Ok(admin) = std::env::var("KENSA_TEST_POSTGRES") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "KENSA_TEST_POSTGRES is not set in CI: scripts/test starts PostgreSQL and sets it"
        );
        eprintln!("notice: KENSA_TEST_POSTGRES not set; the PostgreSQL part of {what} is skipped");
        return None;
    };
    sqlx::any::install_default_drivers();
    let name = format!(
        "kensa_test_{what}_{}_{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    );
    let pool = sqlx::AnyPool::connect(&admin)
        .await
        .expect("connect to KENSA_TEST_POSTGRES");
    for statement in [
        format!("DROP DATABASE IF EXISTS {name}"),
        format!("CREATE DATABASE {name}"),
    ] {
        pool.execute(statement.as_str())
            .await
            .unwrap_or_else(|e| panic!("{statement} on KENSA_TEST_POSTGRES: {e}"));
    }
    pool.close().await;
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
    Some(format!("{base}/{name}"))
}
