//! Typed errors; per-item problems are the inventory crate's `Problem`.
use std::path::PathBuf;

/// A fatal error: the input as a whole could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{location}: {message}")]
    Parse { location: Location, message: String },
    #[error("{path}: not a kensa advisory database: {message}")]
    Database { path: PathBuf, message: String },
    #[error("{path}: rpm database: {message}")]
    RpmDb { path: PathBuf, message: String },
    #[error("download {url}: {message}")]
    Download { url: String, message: String },
    #[error("{0}")]
    Usage(String),
    /// An inventory could not be read (its readers' own error).
    #[error(transparent)]
    Inventory(#[from] kensa_inventory::Error),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn parse(location: Location, message: impl Into<String>) -> Self {
        Error::Parse {
            location,
            message: message.into(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

pub use kensa_inventory::error::{Location, Problem};
