//! Schema migrations for both backends. Each migration is one shared SQL file written
//! with `{ID}`/`{INT}` placeholders plus a file of dialect-only statements (triggers),
//! applied in one transaction and recorded in `kensa_schema`.
use sqlx::Row;

use crate::db::{Backend, Store};
use crate::error::{QueryContext, Result, StoreError};

struct Migration {
    version: i64,
    shared: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        shared: include_str!("../migrations/0001_init.sql"),
        sqlite: include_str!("../migrations/0001_sqlite.sql"),
        postgres: include_str!("../migrations/0001_postgres.sql"),
    },
    Migration {
        version: 2,
        shared: include_str!("../migrations/0002_auth.sql"),
        sqlite: include_str!("../migrations/0002_sqlite.sql"),
        postgres: include_str!("../migrations/0002_postgres.sql"),
    },
    Migration {
        version: 3,
        shared: include_str!("../migrations/0003_notifications.sql"),
        sqlite: include_str!("../migrations/0003_sqlite.sql"),
        postgres: include_str!("../migrations/0003_postgres.sql"),
    },
    Migration {
        version: 4,
        shared: include_str!("../migrations/0004_jobs.sql"),
        sqlite: include_str!("../migrations/0004_sqlite.sql"),
        postgres: include_str!("../migrations/0004_postgres.sql"),
    },
    Migration {
        version: 5,
        shared: include_str!("../migrations/0005_journals_alerts.sql"),
        sqlite: include_str!("../migrations/0005_sqlite.sql"),
        postgres: include_str!("../migrations/0005_postgres.sql"),
    },
    Migration {
        version: 6,
        shared: include_str!("../migrations/0006_agents.sql"),
        sqlite: include_str!("../migrations/0006_sqlite.sql"),
        postgres: include_str!("../migrations/0006_postgres.sql"),
    },
    Migration {
        version: 7,
        shared: include_str!("../migrations/0007_rules_resolution.sql"),
        sqlite: include_str!("../migrations/0007_sqlite.sql"),
        postgres: include_str!("../migrations/0007_postgres.sql"),
    },
    Migration {
        version: 8,
        shared: include_str!("../migrations/0008_export.sql"),
        sqlite: include_str!("../migrations/0008_sqlite.sql"),
        postgres: include_str!("../migrations/0008_postgres.sql"),
    },
    Migration {
        version: 9,
        shared: include_str!("../migrations/0009_serve.sql"),
        sqlite: include_str!("../migrations/0009_sqlite.sql"),
        postgres: include_str!("../migrations/0009_postgres.sql"),
    },
    Migration {
        version: 10,
        shared: include_str!("../migrations/0010_write_path.sql"),
        sqlite: include_str!("../migrations/0010_sqlite.sql"),
        postgres: include_str!("../migrations/0010_postgres.sql"),
    },
    Migration {
        version: 11,
        shared: include_str!("../migrations/0011_watch.sql"),
        sqlite: include_str!("../migrations/0011_sqlite.sql"),
        postgres: include_str!("../migrations/0011_postgres.sql"),
    },
];

/// The newest schema version this build knows: the last migration's.
pub const SCHEMA_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].version;

pub(crate) async fn run(store: &Store) -> Result<()> {
    let (create, lock) = match store.backend {
        Backend::Sqlite => (
            "CREATE TABLE IF NOT EXISTS kensa_schema (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
            None,
        ),
        Backend::Postgres => (
            "CREATE TABLE IF NOT EXISTS kensa_schema (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)",
            // Two kensa processes starting on an empty database must not both migrate.
            Some("SELECT pg_advisory_xact_lock(7411001)"),
        ),
    };
    let mut tx = store.pool.begin().await.ctx("starting the migration")?;
    if let Some(lock) = lock {
        sqlx::query(lock)
            .execute(&mut *tx)
            .await
            .ctx("locking for migration")?;
    }
    sqlx::query(create)
        .execute(&mut *tx)
        .await
        .ctx("creating the schema table")?;
    let row = sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM kensa_schema")
        .fetch_one(&mut *tx)
        .await
        .ctx("reading the schema version")?;
    let current: i64 = row.try_get("v").ctx("reading the schema version")?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            location: store.location().display(),
            found: current,
            known: SCHEMA_VERSION,
        });
    }
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        let (id, int, extra) = match store.backend {
            Backend::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", "INTEGER", m.sqlite),
            Backend::Postgres => ("BIGSERIAL PRIMARY KEY", "BIGINT", m.postgres),
        };
        let sql = m.shared.replace("{ID}", id).replace("{INT}", int);
        sqlx::raw_sql(&sql)
            .execute(&mut *tx)
            .await
            .ctx("applying a schema migration")?;
        sqlx::raw_sql(extra)
            .execute(&mut *tx)
            .await
            .ctx("applying a schema migration")?;
        sqlx::query("INSERT INTO kensa_schema (version, applied_at) VALUES ($1, $2)")
            .bind(m.version)
            .bind(crate::clock::now())
            .execute(&mut *tx)
            .await
            .ctx("recording a schema migration")?;
    }
    tx.commit().await.ctx("committing the migration")
}
