//! Importing findings into AWS Security Hub with `BatchImportFindings`. The findings are
//! kensa-report's ASFF documents; the retry policy around each call lives with the
//! caller (kensa-assess's notifier), as for SNS: the client itself makes at most
//! [`SECURITYHUB_SDK_ATTEMPTS`] attempts, each bounded in time.
mod asff;

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::SdkConfig;
use aws_sdk_securityhub::error::ProvideErrorMetadata;
use serde_json::Value;

pub use asff::{to_sdk, AsffError};
pub use aws_sdk_securityhub::types::AwsSecurityFinding;
pub use aws_sdk_securityhub::Client as SecurityHubClient;

/// Findings one `BatchImportFindings` call takes at most (the API's limit).
pub const MAX_BATCH: usize = 100;

/// Attempts the SDK makes per call (the first included); the notifier retries around it.
pub const SECURITYHUB_SDK_ATTEMPTS: u32 = 2;

const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(15);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// Error codes (of the call or of one refused finding) another attempt would repeat.
const PERMANENT: [&str; 8] = [
    "InvalidInput",
    "InvalidInputException",
    "AccessDenied",
    "AccessDeniedException",
    "InvalidAccessException",
    "ResourceNotFoundException",
    "UnrecognizedClientException",
    "ValidationException",
];

/// Why a `BatchImportFindings` call failed as a whole, and whether retrying may help.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Security Hub ({region}): {message}")]
pub struct ImportError {
    /// The region called.
    pub region: String,
    /// The service's code and message, or what the transport said.
    pub message: String,
    /// Throttling, timeouts, 5xx, a refused connection: try again. Invalid input, a hub
    /// that is not enabled, access denied: do not.
    pub retryable: bool,
}

/// One finding Security Hub refused in a call that otherwise succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedFinding {
    /// The finding's ASFF `Id`.
    pub id: String,
    /// Security Hub's `ErrorCode`.
    pub code: String,
    /// Security Hub's `ErrorMessage`.
    pub message: String,
    /// Whether sending it again may succeed (not an input or access error).
    pub retryable: bool,
}

/// Imports at most [`MAX_BATCH`] ASFF documents in one call; answers the findings
/// Security Hub refused (empty: all imported). A document the SDK types cannot carry is
/// refused here, with its reason, and the others are still sent.
pub async fn batch_import(
    client: &SecurityHubClient,
    findings: &[Value],
) -> Result<Vec<FailedFinding>, ImportError> {
    let region = client
        .config()
        .region()
        .map(|r| r.to_string())
        .unwrap_or_default();
    if findings.len() > MAX_BATCH {
        return Err(ImportError {
            region,
            message: format!(
                "{} findings in one call; at most {MAX_BATCH}",
                findings.len()
            ),
            retryable: false,
        });
    }
    let mut failed = Vec::new();
    let mut sdk = Vec::with_capacity(findings.len());
    for doc in findings {
        match to_sdk(doc) {
            Ok(f) => sdk.push(f),
            Err(e) => failed.push(FailedFinding {
                id: e.id.clone(),
                code: "InvalidInput".into(),
                message: e.to_string(),
                retryable: false,
            }),
        }
    }
    if sdk.is_empty() {
        return Ok(failed);
    }
    let out = client
        .batch_import_findings()
        .set_findings(Some(sdk))
        .send()
        .await
        .map_err(|e| {
            let code = e.code().map(str::to_string);
            let retryable = !code.as_deref().is_some_and(|c| PERMANENT.contains(&c));
            let message = match (&code, e.message()) {
                (Some(c), Some(m)) => format!("{c}: {m}"),
                _ => crate::trail::error::sdk_message(&e),
            };
            ImportError {
                region: region.clone(),
                message,
                retryable,
            }
        })?;
    failed.extend(out.failed_findings().iter().map(|f| {
        let code = f.error_code().unwrap_or("Unknown").to_string();
        FailedFinding {
            id: f.id().unwrap_or_default().to_string(),
            retryable: !PERMANENT.contains(&code.as_str()),
            message: f.error_message().unwrap_or_default().to_string(),
            code,
        }
    }));
    Ok(failed)
}

/// The SDK's standard retry (backoff with jitter), [`SECURITYHUB_SDK_ATTEMPTS`] attempts.
pub fn securityhub_retry_config() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(SECURITYHUB_SDK_ATTEMPTS)
}

/// A Security Hub client for `region` with the default credential chain
/// (`AWS_ENDPOINT_URL` is honoured, as everywhere in kensa) and its own retry policy.
pub async fn securityhub_client(region: &str) -> SecurityHubClient {
    let config = crate::session::Target::default()
        .base_config(Some(region))
        .await;
    securityhub_client_from(&config)
}

/// A Security Hub client from `config` (endpoint, region, credentials) with
/// [`securityhub_retry_config`] and bounded attempts, whatever `config` carries.
pub fn securityhub_client_from(config: &SdkConfig) -> SecurityHubClient {
    let conf = aws_sdk_securityhub::config::Builder::from(config)
        .retry_config(securityhub_retry_config())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                .build(),
        )
        .build();
    SecurityHubClient::from_conf(conf)
}
