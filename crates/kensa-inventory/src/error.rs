//! Typed errors and per-item problems (an unreadable package entry, a bad file).
use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// A fatal error: the input as a whole could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory could not be read (missing, permissions, an I/O error).
    #[error("{path}: {source}")]
    Io {
        /// The file that could not be read.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A file was read but is not in the format expected (an inventory JSON that does
    /// not parse, a feed that is not JSON, ...).
    #[error("{location}: {message}")]
    Parse {
        /// Where the input stops making sense.
        location: Location,
        /// What was expected there.
        message: String,
    },
    /// An rpm database (SQLite or Berkeley DB) that cannot be read as one; the caller
    /// reports it as a problem and suggests `rpm -qa` output instead.
    #[error("{path}: rpm database: {message}")]
    RpmDb {
        /// The database file.
        path: PathBuf,
        /// Why it could not be read.
        message: String,
    },
    /// The caller asked for something impossible (a root that is not a directory).
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// An [`Error::Io`] for `path`: the shape every `map_err` on a file read takes.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// An [`Error::Parse`] at `location`.
    pub fn parse(location: Location, message: impl Into<String>) -> Self {
        Error::Parse {
            location,
            message: message.into(),
        }
    }
}

/// The inventory readers' result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where in an input something is: file, and line or JSON path or byte offset.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
pub struct Location {
    /// The file, as given or found (relative to the scanned root when walking one).
    pub file: String,
    /// The 1-based line, for line-oriented formats (dpkg status, `rpm -qa`, apk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The JSON path (`$.packages[3].version`), for JSON inputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json_path: Option<String>,
    /// The byte offset, for binary formats (rpm headers, Berkeley DB pages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub byte: Option<u64>,
}

impl Location {
    /// The whole file, no position inside it.
    pub fn file(file: impl Into<String>) -> Self {
        Location {
            file: file.into(),
            ..Default::default()
        }
    }

    /// A line of a text file.
    pub fn line(file: impl Into<String>, line: usize) -> Self {
        Location {
            line: Some(line),
            ..Location::file(file)
        }
    }

    /// A JSON path inside a JSON file.
    pub fn json(file: impl Into<String>, path: impl Into<String>) -> Self {
        Location {
            json_path: Some(path.into()),
            ..Location::file(file)
        }
    }

    /// A byte offset inside a binary file.
    pub fn byte(file: impl Into<String>, byte: u64) -> Self {
        Location {
            byte: Some(byte),
            ..Location::file(file)
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(p) = &self.json_path {
            write!(f, " at {p}")?;
        }
        if let Some(b) = self.byte {
            write!(f, " at byte {b}")?;
        }
        Ok(())
    }
}

/// A problem with one item of an input: the item was skipped, the rest was used.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Problem {
    /// The item that was skipped.
    pub location: Location,
    /// Why, in words that tell the user what to fix.
    pub message: String,
}

impl Problem {
    /// A problem at `location`.
    pub fn new(location: Location, message: impl Into<String>) -> Self {
        Problem {
            location,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl Problem {
    /// The problem as a report warning (the item was dropped: level error).
    pub fn to_warning(&self) -> kensa_model::Warning {
        let l = &self.location;
        let path = match (&l.json_path, l.line, l.byte) {
            (Some(p), _, _) => p.clone(),
            (None, Some(line), _) => format!("line {line}"),
            (None, None, Some(b)) => format!("byte {b}"),
            _ => String::new(),
        };
        kensa_model::Warning::error(l.file.clone(), path, self.message.clone())
    }
}
