//! Typed errors. Reading a file that is not there or not in its format is the same
//! failure whether the file is an inventory or a feed, so those are the inventory crate's
//! errors, wrapped; per-item problems are its `Problem`.
use std::path::PathBuf;

pub use kensa_inventory::{Location, Problem};

/// A fatal error: the input as a whole could not be read, or the database written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or is not in its format: an inventory (kensa-inventory's
    /// readers) or a feed, archive or downloaded document read here.
    #[error(transparent)]
    Input(#[from] kensa_inventory::Error),
    /// The advisory database file exists but is not one kensa wrote (or is damaged).
    #[error("{path}: not a kensa advisory database: {message}")]
    Database {
        /// The database file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A feed could not be downloaded (network error, HTTP status, size limit).
    #[error("download {url}: {message}")]
    Download {
        /// The URL asked for.
        url: String,
        /// What went wrong.
        message: String,
    },
}

impl Error {
    /// A file that could not be read or written at `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Input(kensa_inventory::Error::io(path, source))
    }

    /// Input that is not in the format expected, at `location`.
    pub fn parse(location: Location, message: impl Into<String>) -> Self {
        Error::Input(kensa_inventory::Error::parse(location, message))
    }
}

/// The result type of kensa-vuln.
pub type Result<T, E = Error> = std::result::Result<T, E>;
