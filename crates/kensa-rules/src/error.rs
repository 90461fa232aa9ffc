//! Errors of the rules crate: every one says what and where.
use std::path::PathBuf;

/// A problem in a YAML file (framework, mute list, parameters): file, line and key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: `{key}`: {message}")]
pub struct YamlError {
    /// The file, as given.
    pub file: String,
    /// 1-based; 0 when the position is unknown.
    pub line: usize,
    /// The key (or dotted path) the problem is at.
    pub key: String,
    /// What is wrong.
    pub message: String,
}

/// A parameter that a rule refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rule {rule}: parameter `{key}`: {message}")]
pub struct ParamError {
    /// The rule id.
    pub rule: String,
    /// The parameter name.
    pub key: String,
    /// What is wrong with it.
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
/// Any error of the rules crate.
pub enum RulesError {
    #[error(transparent)]
    /// A framework or mute list file.
    Yaml(#[from] YamlError),
    #[error(transparent)]
    /// A parameter value.
    Param(#[from] ParamError),
    #[error("unknown rule or control `{0}` (see `kensa rules list`)")]
    /// No rule or control with that id.
    UnknownRule(String),
    #[error("unknown framework `{name}` (built in: {known}; or a YAML file)")]
    /// No built-in framework of that name and no such file.
    UnknownFramework {
        /// The name given.
        name: String,
        /// The built-in frameworks, comma-separated.
        known: String,
    },
    #[error("{}: {source}", path.display())]
    /// A file that could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    #[error("fixture {name}: {message}")]
    /// A fixture that does not load.
    Fixture {
        /// The fixture's name.
        name: String,
        /// What is wrong.
        message: String,
    },
}
