use std::path::PathBuf;

/// Failures of the CloudTrail sources and the SNS output, saying what and where.
#[derive(Debug, thiserror::Error)]
pub enum TrailSourceError {
    #[error("invalid S3 location {0:?}: expected s3://bucket[/prefix]")]
    BadS3Url(String),
    #[error("S3 {op} s3://{bucket}/{key}: {message}")]
    S3 {
        op: &'static str,
        bucket: String,
        key: String,
        message: String,
    },
    #[error("SQS {op} {queue}: {message}")]
    Sqs {
        op: &'static str,
        queue: String,
        message: String,
    },
    #[error("SNS publish to {topic}: {message}")]
    Sns { topic: String, message: String },
    #[error("state file {path}: {message}")]
    State { path: PathBuf, message: String },
}

/// The SDK's error with its full chain of causes, on one line.
pub(crate) fn sdk_message<E: std::error::Error>(err: &E) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}
