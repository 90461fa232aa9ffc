//! The store's errors: each says what went wrong and where (file, URL, object name).
use std::path::PathBuf;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store could not be opened or created.
    #[error("store {location}: {message}")]
    Open {
        /// The file or URL (password elided).
        location: String,
        /// The underlying error.
        message: String,
    },
    /// The SQLite file is not a kensa database, or is damaged.
    #[error("store file {}: not a kensa database or corrupt ({message}); move it away or pass another --store", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        message: String,
    },
    /// The PostgreSQL server did not answer.
    #[error("PostgreSQL store {url}: unreachable ({message})")]
    Unreachable {
        /// The URL (password elided).
        url: String,
        /// The connection error.
        message: String,
    },
    /// The store was written by a newer kensa: refusing to touch it.
    #[error("store {location}: schema version {found} is newer than this kensa knows ({known}); upgrade kensa")]
    TooNew {
        /// The file or URL.
        location: String,
        /// The schema version the store has.
        found: i64,
        /// The newest version this kensa knows.
        known: i64,
    },
    /// No object of that kind has that name or id.
    #[error("{what} `{name}` not found")]
    NotFound {
        /// The kind (`target`, `run`, ...).
        what: &'static str,
        /// The name or id asked for.
        name: String,
    },
    /// An object of that kind already has that name.
    #[error("{what} `{name}` already exists")]
    Exists {
        /// The kind (`target`, `template`, ...).
        what: &'static str,
        /// The name.
        name: String,
    },
    /// A value given to the store is invalid; nothing was written.
    #[error("invalid {field}: {message}")]
    Invalid {
        /// What was given (`tag`, `subscription`, ...).
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// The operation conflicts with the object's state (deleting a target a template
    /// uses, starting a run of a finished one, ...).
    #[error("{0}")]
    Conflict(String),
    /// The run was canceled while the operation ran.
    #[error("run {0} was canceled")]
    Canceled(i64),
    /// A fenced write found that the run's lease is no longer this claim's: the lease
    /// expired and another worker claimed the run (this process stalled past it).
    #[error(
        "run {run}: lease of claim {generation} lost (now {now}); this process stops working on it"
    )]
    LeaseLost {
        /// The run whose lease was lost.
        run: i64,
        /// The claim (its attempt number) that no longer holds the lease.
        generation: i64,
        /// Who holds the run now (`nobody` when it left the queue).
        now: String,
    },
    /// A database query failed.
    #[error("store query failed ({context}): {source}")]
    Query {
        /// What the store was doing.
        context: &'static str,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// A stored record could not be decoded (damaged or written by another version).
    #[error("stored {what} is unreadable: {message}")]
    Decode {
        /// The kind of record.
        what: &'static str,
        /// What could not be decoded.
        message: String,
    },
}

impl StoreError {
    /// An [`StoreError::Invalid`] for `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        StoreError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The store's result type.
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
