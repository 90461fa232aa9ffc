//! Opening a store: where it lives, which backend, migrations, and the checks that turn
//! a corrupt file or an unreachable server into an error that says so.
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Connection, Executor};

use crate::error::{QueryContext, Result, StoreError};
use crate::migrate;

/// Which database a store uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file (the default).
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// Where a store is: a SQLite file or a PostgreSQL URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A SQLite database file.
    File(PathBuf),
    /// A `postgres://` URL.
    Postgres(String),
}

impl Location {
    /// `postgres://...` / `postgresql://...` is a server, anything else a file path.
    pub fn parse(text: &str) -> Location {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Location::Postgres(text.to_string())
        } else {
            Location::File(PathBuf::from(
                text.strip_prefix("sqlite://").unwrap_or(text),
            ))
        }
    }

    /// The default: `$XDG_DATA_HOME/kensa/store.db`, else `~/.local/share/kensa/store.db`.
    pub fn default_file() -> Result<Location> {
        let base = std::env::var_os("XDG_DATA_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
            .ok_or_else(|| StoreError::Open {
                location: "(default)".into(),
                message: "neither XDG_DATA_HOME nor HOME is set; pass --store PATH".into(),
            })?;
        Ok(Location::File(base.join("kensa").join("store.db")))
    }

    /// For messages: the path, or the URL without its password.
    pub fn display(&self) -> String {
        match self {
            Location::File(p) => p.display().to_string(),
            Location::Postgres(url) => redact(url),
        }
    }
}

/// `postgres://user:secret@host/db` -> `postgres://user:***@host/db`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((auth, host)) => match auth.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// An open store. Cheap to clone (a connection pool).
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
    location: Location,
    /// Set on the copy a worker executes a claimed run with: every write to that run
    /// first checks that the lease is still this claim's.
    pub(crate) fence: Option<crate::fence::Fence>,
}

impl Store {
    /// Opens (creating when missing) and migrates the store at `location`.
    pub async fn open(location: &Location) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let store = match location {
            Location::File(path) => open_sqlite(path).await?,
            Location::Postgres(url) => open_postgres(url).await?,
        };
        let store = Store {
            location: location.clone(),
            ..store
        };
        migrate::run(&store).await?;
        Ok(store)
    }

    /// SQLite or PostgreSQL.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Where the store is (file path or URL).
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// Closes every pooled connection (SQLite checkpoints its journal).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

async fn open_sqlite(path: &Path) -> Result<Store> {
    let corrupt = |message: String| StoreError::Corrupt {
        path: path.to_path_buf(),
        message,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
            location: path.display().to_string(),
            message: format!("cannot create directory {}: {e}", dir.display()),
        })?;
    }
    if path.is_dir() {
        return Err(StoreError::Open {
            location: path.display().to_string(),
            message: "is a directory; --store takes a file".into(),
        });
    }
    let url = format!("sqlite://{}?mode=rwc", encode_path(path));
    let options = AnyConnectOptions::from_str(&url).map_err(|e| StoreError::Open {
        location: path.display().to_string(),
        message: e.to_string(),
    })?;
    // One connection first: a file that is not SQLite fails here, at once (the pool
    // would retry until its timeout), and before anything writes to it. A full
    // `PRAGMA quick_check` would read the whole file on every command.
    let mut probe = options
        .connect()
        .await
        .map_err(|e| corrupt(e.to_string()))?;
    probe
        .execute("SELECT COUNT(*) FROM sqlite_master")
        .await
        .map_err(|e| corrupt(e.to_string()))?;
    probe.close().await.map_err(|e| corrupt(e.to_string()))?;
    // WAL lets readers (findings list) run beside a writing run; NORMAL sync is safe
    // under WAL (a process killed loses no committed transaction; only a power cut may
    // lose the last ones). Findings ids are hashes, so every batch lands on pages all
    // over the findings' indexes: with SQLite's default 2 MiB page cache a store of a
    // few hundred thousand findings re-reads index pages for every row, hence a larger
    // cache (allocated as used, per connection).
    let pool = AnyPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute(
                    "PRAGMA busy_timeout = 30000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                     PRAGMA cache_size = -65536;",
                )
                .await?;
                Ok(())
            })
        })
        .connect_with(options)
        .await
        .map_err(|e| corrupt(e.to_string()))?;
    Ok(Store {
        fence: None,
        pool,
        backend: Backend::Sqlite,
        location: Location::File(path.to_path_buf()),
    })
}

async fn open_postgres(url: &str) -> Result<Store> {
    let unreachable = |e: sqlx::Error| StoreError::Unreachable {
        url: redact(url),
        message: e.to_string(),
    };
    let options = AnyConnectOptions::from_str(url).map_err(|e| StoreError::Open {
        location: redact(url),
        message: e.to_string(),
    })?;
    // One attempt first: a refused connection is reported at once (the pool would
    // retry until its timeout).
    let probe = options.connect().await.map_err(unreachable)?;
    probe.close().await.map_err(unreachable)?;
    let pool = AnyPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
        .map_err(unreachable)?;
    sqlx::query("SELECT 1")
        .execute(&pool)
        .await
        .ctx("checking the PostgreSQL connection")?;
    Ok(Store {
        fence: None,
        pool,
        backend: Backend::Postgres,
        location: Location::Postgres(url.to_string()),
    })
}

/// Percent-encodes the characters a sqlite URL path cannot hold as they are.
fn encode_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' | '?' | '#' | ' ' => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse_and_hide_passwords() {
        assert_eq!(
            Location::parse("/tmp/a.db"),
            Location::File("/tmp/a.db".into())
        );
        let pg = Location::parse("postgres://u:secret@127.0.0.1/db");
        assert_eq!(pg.display(), "postgres://u:***@127.0.0.1/db");
        assert_eq!(encode_path(Path::new("/a b/c?.db")), "/a%20b/c%3F.db");
    }
}
