//! Publishing a run's notifications to SNS. The retry policy lives with the caller
//! (kensa-assess's notifier); this says whether another attempt may help.
use aws_sdk_sns::error::ProvideErrorMetadata;

/// Why a publish failed, and whether retrying may succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("SNS topic {topic}: {message}")]
pub struct PublishError {
    pub topic: String,
    pub message: String,
    /// Throttling, timeouts, 5xx: try again. Missing topic, access denied: do not.
    pub retryable: bool,
}

/// SNS error codes another attempt would only repeat.
const PERMANENT: [&str; 6] = [
    "NotFound",
    "AuthorizationError",
    "InvalidParameter",
    "InvalidParameterValue",
    "KMSAccessDenied",
    "InvalidSecurity",
];

/// Publishes one message (`subject` at most 100 printable ASCII characters).
pub async fn publish(
    client: &aws_sdk_sns::Client,
    topic_arn: &str,
    subject: &str,
    message: &str,
) -> Result<(), PublishError> {
    match client
        .publish()
        .topic_arn(topic_arn)
        .subject(subject)
        .message(message)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e) => {
            let code = e.code().map(str::to_string);
            let retryable = !code.as_deref().is_some_and(|c| PERMANENT.contains(&c));
            let detail = match (&code, e.message()) {
                (Some(c), Some(m)) => format!("{c}: {m}"),
                _ => crate::trail::error::sdk_message(&e),
            };
            Err(PublishError {
                topic: topic_arn.to_string(),
                message: detail,
                retryable,
            })
        }
    }
}

pub use aws_sdk_sns::Client as SnsClient;

/// An SNS client for `region` with the default credential chain (`AWS_ENDPOINT_URL` is
/// honoured, as everywhere in kensa).
pub async fn sns_client(region: &str) -> SnsClient {
    let config = crate::session::Target::default()
        .base_config(Some(region))
        .await;
    SnsClient::new(&config)
}
