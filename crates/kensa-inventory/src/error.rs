//! Typed errors and per-item problems (an unreadable package entry, a bad file).
use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

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
    #[error("{path}: rpm database: {message}")]
    RpmDb { path: PathBuf, message: String },
    #[error("{0}")]
    Usage(String),
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

/// Where in an input something is: file, and line or JSON path or byte offset.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
pub struct Location {
    pub file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub byte: Option<u64>,
}

impl Location {
    pub fn file(file: impl Into<String>) -> Self {
        Location {
            file: file.into(),
            ..Default::default()
        }
    }

    pub fn line(file: impl Into<String>, line: usize) -> Self {
        Location {
            line: Some(line),
            ..Location::file(file)
        }
    }

    pub fn json(file: impl Into<String>, path: impl Into<String>) -> Self {
        Location {
            json_path: Some(path.into()),
            ..Location::file(file)
        }
    }

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
    pub location: Location,
    pub message: String,
}

impl Problem {
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
