//! Typed errors of the AWS layer.
use std::path::PathBuf;

use aws_sdk_ec2::error::SdkError;
use aws_sdk_ec2::error::{DisplayErrorContext, ProvideErrorMetadata};

/// One failed AWS API call: the service's error code (`AccessDenied`,
/// `InvalidGroup.NotFound`, ...) when it sent one, and a readable message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", code.as_deref().map(|c| format!("{c}: ")).unwrap_or_default())]
pub struct ApiError {
    pub code: Option<String>,
    pub message: String,
}

impl ApiError {
    /// Turns any SDK error into a code + message, keeping the service's error code.
    pub fn from_sdk<E, R>(err: SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + 'static,
    {
        let code = err.code().map(str::to_owned);
        let message = match err.message() {
            Some(m) => m.to_owned(),
            None => DisplayErrorContext(&err).to_string(),
        };
        ApiError { code, message }
    }

    pub fn other(message: impl Into<String>) -> Self {
        ApiError {
            code: None,
            message: message.into(),
        }
    }

    /// True when the error says the thing asked about does not exist (any `*.NotFound`).
    pub fn is_not_found(&self) -> bool {
        self.code
            .as_deref()
            .is_some_and(|c| c.ends_with("NotFound") || c.ends_with(".NotFound"))
    }
}

/// Errors that stop a whole kensa-aws operation (as opposed to one API call, which is
/// recorded as a warning or a failed action and does not stop the rest).
#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    #[error("AWS call {operation} failed: {source}")]
    Api {
        operation: String,
        #[source]
        source: ApiError,
    },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: invalid JSON: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("{0}")]
    Invalid(String),
}

impl AwsError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        AwsError::Io {
            path: path.into(),
            source,
        }
    }
    pub fn api(operation: &str, source: ApiError) -> Self {
        AwsError::Api {
            operation: operation.to_owned(),
            source,
        }
    }
}
