//! Errors building a host's facts.
use std::path::PathBuf;

/// Why a host's facts could not be built at all (a single unreadable file is not an
/// error: it becomes a warning and the rules that needed it are not evaluated).
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    #[error("{}: not a directory", .0.display())]
    NotADirectory(PathBuf),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Telemetry {
        path: String,
        #[source]
        source: kensa_telemetry::SchemaError,
    },
}
