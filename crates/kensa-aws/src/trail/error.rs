use std::path::PathBuf;

/// Failures of the CloudTrail sources and the SNS output, saying what and where.
#[derive(Debug, thiserror::Error)]
pub enum TrailSourceError {
    /// A bucket location that is not `s3://bucket[/prefix]` (as given).
    #[error("invalid S3 location {0:?}: expected s3://bucket[/prefix]")]
    BadS3Url(String),
    /// An S3 call that failed.
    #[error("S3 {op} s3://{bucket}/{key}: {message}")]
    S3 {
        /// The call (`ListObjectsV2`, `GetObject`).
        op: &'static str,
        /// The bucket.
        bucket: String,
        /// The key or prefix.
        key: String,
        /// What S3 or the transport said.
        message: String,
    },
    /// An SQS call that failed.
    #[error("SQS {op} {queue}: {message}")]
    Sqs {
        /// The call (`ReceiveMessage`, `DeleteMessage`).
        op: &'static str,
        /// The queue's URL.
        queue: String,
        /// What SQS or the transport said.
        message: String,
    },
    /// An alert that could not be published.
    #[error("SNS publish to {topic}: {message}")]
    Sns {
        /// The topic's ARN.
        topic: String,
        /// What SNS or the transport said.
        message: String,
    },
    /// A checkpoint or dedup state file that cannot be read or written.
    #[error("state file {path}: {message}")]
    State {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
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
