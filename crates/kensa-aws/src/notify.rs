//! Publishing a run's notifications to SNS. The retry policy lives with the caller
//! (kensa-assess's notifier); this says whether another attempt may help.
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::SdkConfig;
use aws_sdk_sns::error::ProvideErrorMetadata;

/// Why a publish failed, and whether retrying may succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("SNS topic {topic}: {message}")]
pub struct PublishError {
    /// The topic's ARN.
    pub topic: String,
    /// SNS's code and message, or what the transport said.
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

/// Attempts the SDK makes per publish (the first included). The notifier retries with
/// its own backoff around each publish, so the SDK only absorbs a single hiccup: the
/// collector's adaptive policy (10 attempts, backoff up to 20 s) beneath the notifier's
/// 4 attempts made a run wait minutes on an endpoint that was down.
pub const SNS_SDK_ATTEMPTS: u32 = 2;

/// The SDK's standard retry (exponential backoff with jitter, no client-side rate
/// limiting), [`SNS_SDK_ATTEMPTS`] attempts.
pub fn sns_retry_config() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(SNS_SDK_ATTEMPTS)
}

/// A silent endpoint (packets dropped) fails an attempt after this long instead of
/// holding the run.
const SNS_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
const SNS_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// An SNS client for `region` with the default credential chain (`AWS_ENDPOINT_URL` is
/// honoured, as everywhere in kensa) and SNS's own retry policy.
pub async fn sns_client(region: &str) -> SnsClient {
    let config = crate::session::Target::default()
        .base_config(Some(region))
        .await;
    sns_client_from(&config)
}

/// An SNS client from `config` (its endpoint, region and credentials) whatever retry and
/// timeout policy `config` carries: [`sns_retry_config`], and bounded attempts.
pub fn sns_client_from(config: &SdkConfig) -> SnsClient {
    let sns = aws_sdk_sns::config::Builder::from(config)
        .retry_config(sns_retry_config())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(SNS_CONNECT_TIMEOUT)
                .operation_attempt_timeout(SNS_ATTEMPT_TIMEOUT)
                .build(),
        )
        .build();
    SnsClient::from_conf(sns)
}
