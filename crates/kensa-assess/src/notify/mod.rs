//! Notifications: a template's event subscriptions delivered through sinks, retried with
//! exponential backoff, each outcome recorded on the run. kensa-assess knows webhooks
//! (JSON and Slack-compatible); the binary adds the AWS sinks (SNS, and Security Hub as
//! a [`FindingsSink`]) so this crate stays free of the AWS SDK.
mod export;
mod message;
mod send;
mod webhook;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use kensa_store::Destination;

pub use export::{FindingsSink, RefusedFinding, EXPORT_BATCH};
pub use message::{Message, RunContext};
pub use webhook::WebhookSink;

/// A boxed future a [`Sink`] returns (so sinks can be held as trait objects).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why one delivery attempt failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryError {
    /// What the destination or the network said.
    pub message: String,
    /// Whether another attempt may succeed (timeouts, 5xx, throttling).
    pub retryable: bool,
}

impl DeliveryError {
    /// A failure worth retrying.
    pub fn transient(message: impl Into<String>) -> Self {
        DeliveryError {
            message: message.into(),
            retryable: true,
        }
    }

    /// A failure another attempt would repeat (bad URL, 4xx, missing topic, denied).
    pub fn permanent(message: impl Into<String>) -> Self {
        DeliveryError {
            message: message.into(),
            retryable: false,
        }
    }
}

/// Delivers messages to one kind of destination.
pub trait Sink: Send + Sync {
    /// Whether this sink delivers to `destination`.
    fn accepts(&self, destination: &Destination) -> bool;
    /// One attempt; [`Notifier`] retries.
    fn deliver<'a>(
        &'a self,
        destination: &'a Destination,
        message: &'a Message,
    ) -> BoxFuture<'a, Result<(), DeliveryError>>;
}

/// How often and how patiently a delivery is retried: `attempts` in all, waiting
/// `first_delay`, then twice as long each time, at most `max_delay`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// Attempts in all (at least 1).
    pub attempts: u32,
    /// The wait after the first failure.
    pub first_delay: Duration,
    /// The longest wait between two attempts.
    pub max_delay: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 4,
            first_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
        }
    }
}

/// The sinks a run delivers through, and the retry policy.
#[derive(Clone)]
pub struct Notifier {
    sinks: Vec<Arc<dyn Sink>>,
    exporters: Vec<Arc<dyn FindingsSink>>,
    retry: Retry,
}

impl Default for Notifier {
    /// Webhooks (JSON and Slack) with the default retry policy.
    fn default() -> Self {
        Notifier {
            sinks: vec![Arc::new(WebhookSink::new(Duration::from_secs(10)))],
            exporters: Vec::new(),
            retry: Retry::default(),
        }
    }
}

impl Notifier {
    /// Adds a sink (checked before the ones already there).
    pub fn with_sink(mut self, sink: Arc<dyn Sink>) -> Self {
        self.sinks.insert(0, sink);
        self
    }

    /// Adds a findings sink (Security Hub), for FINDING_REPORTED subscriptions whose
    /// destination takes findings.
    pub fn with_exporter(mut self, sink: Arc<dyn FindingsSink>) -> Self {
        self.exporters.insert(0, sink);
        self
    }

    /// Replaces the retry policy.
    pub fn with_retry(mut self, retry: Retry) -> Self {
        self.retry = retry;
        self
    }
}
