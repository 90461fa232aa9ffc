//! The store's errors: each says what went wrong and where (file, URL, object name).
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store {location}: {message}")]
    Open { location: String, message: String },
    #[error("store file {}: not a kensa database or corrupt ({message}); move it away or pass another --store", path.display())]
    Corrupt { path: PathBuf, message: String },
    #[error("PostgreSQL store {url}: unreachable ({message})")]
    Unreachable { url: String, message: String },
    #[error("store {location}: schema version {found} is newer than this kensa knows ({known}); upgrade kensa")]
    TooNew {
        location: String,
        found: i64,
        known: i64,
    },
    #[error("{what} `{name}` not found")]
    NotFound { what: &'static str, name: String },
    #[error("{what} `{name}` already exists")]
    Exists { what: &'static str, name: String },
    #[error("invalid {field}: {message}")]
    Invalid { field: String, message: String },
    #[error("{0}")]
    Conflict(String),
    #[error("run {0} was canceled")]
    Canceled(i64),
    /// A fenced write found that the run's lease is no longer this claim's: the lease
    /// expired and another worker claimed the run (this process stalled past it).
    #[error(
        "run {run}: lease of claim {generation} lost (now {now}); this process stops working on it"
    )]
    LeaseLost {
        run: i64,
        generation: i64,
        /// Who holds the run now (`nobody` when it left the queue).
        now: String,
    },
    #[error("store query failed ({context}): {source}")]
    Query {
        context: &'static str,
        #[source]
        source: sqlx::Error,
    },
    #[error("stored {what} is unreadable: {message}")]
    Decode { what: &'static str, message: String },
}

impl StoreError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        StoreError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Adds what the store was doing to a sqlx error.
pub(crate) trait QueryContext<T> {
    fn ctx(self, context: &'static str) -> Result<T>;
}

impl<T> QueryContext<T> for std::result::Result<T, sqlx::Error> {
    fn ctx(self, context: &'static str) -> Result<T> {
        self.map_err(|source| StoreError::Query { context, source })
    }
}
