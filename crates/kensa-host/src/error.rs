//! Errors building a host's facts.
use std::path::PathBuf;

/// Why a host's facts could not be built at all (a single unreadable file is not an
/// error: it becomes a warning and the rules that needed it are not evaluated).
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    /// `--root` names something that is not a directory.
    #[error("{}: not a directory", .0.display())]
    NotADirectory(PathBuf),
    /// A file or directory that had to be read could not be.
    #[error("{}: {source}", path.display())]
    Io {
        /// What was being read.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A telemetry document was refused.
    #[error("{path}: {source}")]
    Telemetry {
        /// The document's file (or label).
        path: String,
        /// Why it was refused.
        #[source]
        source: kensa_telemetry::SchemaError,
    },
}
