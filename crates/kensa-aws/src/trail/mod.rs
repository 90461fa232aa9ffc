//! CloudTrail on AWS: the S3 and SQS sources of `kensa trail watch` and the SNS alert
//! output. Sources hand each delivery (a CloudTrail file, or an EventBridge event) to a
//! [`DeliveryHandler`] — the engine, in the binary — and only mark it done (checkpoint
//! entry, SQS delete) after the handler has accepted it.

mod checkpoint;
mod clients;
mod dedup;
pub(crate) mod error;
mod notification;
mod pipeline;
mod s3;
mod sns;
mod sqs;

pub use checkpoint::Checkpoint;
pub use clients::TrailClients;
pub use dedup::SeenWindow;
pub use error::TrailSourceError;
pub use pipeline::{EnginePipeline, PipelineCounters};
pub use s3::{S3Location, S3Watcher};
pub use sns::{SnsAlertSink, SnsPublisher};
pub use sqs::SqsWatcher;

/// The bytes of one delivery and where they came from (`s3://bucket/key` or
/// `sqs:<message id>`), exactly as read: the engine detects gzip and the JSON shape.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// Where it came from: `s3://bucket/key` or `sqs:<message id>`.
    pub origin: String,
    /// The content, as read (possibly gzip).
    pub bytes: Vec<u8>,
}

/// Processes deliveries. `Ok` means the events were evaluated and their alerts emitted
/// (bad records inside are the handler's to report); `Err` is a transient failure, e.g.
/// an alert output that is down: the delivery is not marked done and comes again.
pub trait DeliveryHandler {
    /// Evaluates one delivery; `Err` leaves it to come again.
    fn handle(&mut self, delivery: &Delivery) -> Result<(), String>;
}

impl<F: FnMut(&Delivery) -> Result<(), String>> DeliveryHandler for F {
    fn handle(&mut self, delivery: &Delivery) -> Result<(), String> {
        self(delivery)
    }
}

/// Counters of one pass over a source.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PassStats {
    /// Deliveries handed to the handler and accepted.
    pub delivered: u64,
    /// S3 objects skipped because the checkpoint has them.
    pub already_done: u64,
    /// SQS messages received / deleted.
    pub messages: u64,
    /// SQS messages deleted (handled, or not CloudTrail).
    pub deleted: u64,
    /// Problems of this pass, each saying what and where.
    pub errors: Vec<String>,
}

impl PassStats {
    /// Adds the counters and errors of another pass.
    pub fn add(&mut self, other: PassStats) {
        self.delivered += other.delivered;
        self.already_done += other.already_done;
        self.messages += other.messages;
        self.deleted += other.deleted;
        self.errors.extend(other.errors);
    }
}
