//! Typed errors of the AWS layer.
use std::path::PathBuf;

use aws_sdk_ec2::config::http::HttpResponse;
use aws_sdk_ec2::error::SdkError;
use aws_sdk_ec2::error::{DisplayErrorContext, ProvideErrorMetadata};

/// One failed AWS API call: the service's error code (`AccessDenied`,
/// `InvalidGroup.NotFound`, ...) when it sent one, and a readable message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", code.as_deref().map(|c| format!("{c}: ")).unwrap_or_default())]
pub struct ApiError {
    /// The service's error code, when the response carried one.
    pub code: Option<String>,
    /// What went wrong, readable.
    pub message: String,
}

impl ApiError {
    /// Turns any SDK error into a code + message, keeping the service's error code.
    /// A response that carries no AWS error (an endpoint answering HTTP 500 with a page,
    /// as moto does for calls it does not implement) is named by its status, not dumped.
    pub fn from_sdk<E>(err: SdkError<E, HttpResponse>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let code = err.code().map(str::to_owned);
        let message = match (err.message(), &err) {
            (Some(m), _) => m.to_owned(),
            (None, SdkError::ServiceError(e)) if code.is_none() => format!(
                "HTTP {} without an AWS error in the response (the endpoint may not implement this call)",
                e.raw().status().as_u16()
            ),
            (None, _) => DisplayErrorContext(&err).to_string(),
        };
        ApiError { code, message }
    }

    /// An error that did not come from a service (no code).
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
    /// An API call whose failure stops the operation.
    #[error("AWS call {operation} failed: {source}")]
    Api {
        /// The call (`DescribeInstances`, `AuthorizeSecurityGroupIngress`, ...).
        operation: String,
        /// What the service said.
        #[source]
        source: ApiError,
    },
    /// A file kensa reads or writes (snapshot, journal, plan).
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A JSON file that does not parse.
    #[error("{path}: invalid JSON: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// Where and why it does not parse.
        #[source]
        source: serde_json::Error,
    },
    /// Input kensa refuses (an option, a plan or a journal), saying what and where.
    #[error("{0}")]
    Invalid(String),
}

impl AwsError {
    /// [`AwsError::Io`] on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        AwsError::Io {
            path: path.into(),
            source,
        }
    }

    /// [`AwsError::Api`] of `operation`.
    pub fn api(operation: &str, source: ApiError) -> Self {
        AwsError::Api {
            operation: operation.to_owned(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_ec2::error::ErrorMetadata;
    use aws_sdk_ec2::operation::get_serial_console_access_status::GetSerialConsoleAccessStatusError as CallError;

    use super::*;

    fn failed(status: u16, meta: ErrorMetadata) -> ApiError {
        let raw = HttpResponse::new(status.try_into().unwrap(), "<html>500</html>".into());
        ApiError::from_sdk(SdkError::service_error(CallError::generic(meta), raw))
    }

    #[test]
    fn an_aws_error_keeps_its_code_and_message() {
        let meta = ErrorMetadata::builder()
            .code("UnauthorizedOperation")
            .message("not allowed")
            .build();
        let e = failed(403, meta);
        assert_eq!(e.to_string(), "UnauthorizedOperation: not allowed");
    }

    #[test]
    fn a_response_without_an_aws_error_is_named_by_its_status() {
        let e = failed(500, ErrorMetadata::builder().build());
        assert_eq!(e.code, None);
        assert!(
            e.message.starts_with("HTTP 500 without an AWS error"),
            "{e}"
        );
        assert!(!e.message.contains("<html>"));
    }
}
