//! Errors of the rules crate: every one says what and where.
use std::path::PathBuf;

/// A problem in a YAML file (framework, mute list, parameters): file, line and key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: `{key}`: {message}")]
pub struct YamlError {
    pub file: String,
    /// 1-based; 0 when the position is unknown.
    pub line: usize,
    /// The key (or dotted path) the problem is at.
    pub key: String,
    pub message: String,
}

/// A parameter that a rule refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rule {rule}: parameter `{key}`: {message}")]
pub struct ParamError {
    pub rule: String,
    pub key: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error(transparent)]
    Yaml(#[from] YamlError),
    #[error(transparent)]
    Param(#[from] ParamError),
    #[error("unknown rule or control `{0}` (see `kensa rules list`)")]
    UnknownRule(String),
    #[error("unknown framework `{name}` (built in: {known}; or a YAML file)")]
    UnknownFramework { name: String, known: String },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("fixture {name}: {message}")]
    Fixture { name: String, message: String },
}
