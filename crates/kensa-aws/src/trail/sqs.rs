//! `kensa trail watch --sqs URL`: long-polls a queue fed by S3 event notifications,
//! CloudTrail's SNS topic, or an EventBridge rule; fetches the files a message names (or
//! takes the event it carries), and deletes the message only after the handler accepted
//! every delivery in it. A message that fails stays in the queue and comes back after
//! its visibility timeout (and, with a redrive policy, ends in the dead-letter queue).

use crate::trail::error::{sdk_message, TrailSourceError};
use crate::trail::notification::{classify, Notification, ObjectRef};
use crate::trail::{Delivery, DeliveryHandler, PassStats};

/// Long-polls a queue fed by S3 notifications, CloudTrail's SNS topic or EventBridge;
/// a message is deleted only once its deliveries were handled.
pub struct SqsWatcher {
    sqs: aws_sdk_sqs::Client,
    s3: aws_sdk_s3::Client,
    queue_url: String,
    /// Long-polling wait, 0..=20 seconds.
    pub wait_seconds: i32,
    /// Messages per receive, 1..=10.
    pub batch: i32,
}

impl SqsWatcher {
    /// A watcher of `queue_url`, reading named objects with `s3`.
    pub fn new(sqs: aws_sdk_sqs::Client, s3: aws_sdk_s3::Client, queue_url: String) -> SqsWatcher {
        SqsWatcher {
            sqs,
            s3,
            queue_url,
            wait_seconds: 20,
            batch: 10,
        }
    }

    fn sqs_error(&self, op: &'static str, err: impl std::error::Error) -> TrailSourceError {
        TrailSourceError::Sqs {
            op,
            queue: self.queue_url.clone(),
            message: sdk_message(&err),
        }
    }

    async fn fetch(&self, object: &ObjectRef) -> Result<Vec<u8>, TrailSourceError> {
        let s3_error = |e: &dyn std::error::Error| TrailSourceError::S3 {
            op: "GetObject",
            bucket: object.bucket.clone(),
            key: object.key.clone(),
            message: sdk_message(&e),
        };
        let output = self
            .s3
            .get_object()
            .bucket(&object.bucket)
            .key(&object.key)
            .send()
            .await
            .map_err(|e| s3_error(&e))?;
        let body = output.body.collect().await.map_err(|e| s3_error(&e))?;
        Ok(body.into_bytes().to_vec())
    }

    /// Handles one message; `Ok(true)` when it may be deleted.
    async fn handle_message(
        &self,
        id: &str,
        body: &str,
        handler: &mut dyn DeliveryHandler,
        stats: &mut PassStats,
    ) -> bool {
        match classify(body) {
            Notification::Test => true,
            Notification::Unrecognized(why) => {
                // It can never be processed: report it and let it go rather than loop.
                stats
                    .errors
                    .push(format!("SQS message {id}: {why}; deleted"));
                true
            }
            Notification::Events => {
                let delivery = Delivery {
                    origin: format!("sqs:{id}"),
                    bytes: body.as_bytes().to_vec(),
                };
                self.deliver(&delivery, handler, stats)
            }
            Notification::Objects(objects) => {
                let mut all_ok = true;
                for object in objects {
                    match self.fetch(&object).await {
                        Ok(bytes) => {
                            let origin = format!("s3://{}/{}", object.bucket, object.key);
                            all_ok &= self.deliver(&Delivery { origin, bytes }, handler, stats);
                        }
                        Err(e) => {
                            stats.errors.push(format!("SQS message {id}: {e}"));
                            all_ok = false;
                        }
                    }
                }
                all_ok
            }
        }
    }

    fn deliver(
        &self,
        delivery: &Delivery,
        handler: &mut dyn DeliveryHandler,
        stats: &mut PassStats,
    ) -> bool {
        match handler.handle(delivery) {
            Ok(()) => {
                stats.delivered += 1;
                true
            }
            Err(e) => {
                stats.errors.push(format!("{}: {e}", delivery.origin));
                false
            }
        }
    }

    /// One receive (long poll) and the handling of what it returned.
    pub async fn poll_once(
        &mut self,
        handler: &mut dyn DeliveryHandler,
    ) -> Result<PassStats, TrailSourceError> {
        let received = self
            .sqs
            .receive_message()
            .queue_url(&self.queue_url)
            .max_number_of_messages(self.batch.clamp(1, 10))
            .wait_time_seconds(self.wait_seconds.clamp(0, 20))
            .send()
            .await
            .map_err(|e| self.sqs_error("ReceiveMessage", e))?;
        let mut stats = PassStats::default();
        for message in received.messages() {
            stats.messages += 1;
            let id = message.message_id().unwrap_or("<no id>");
            let body = message.body().unwrap_or("");
            if !self.handle_message(id, body, handler, &mut stats).await {
                continue;
            }
            let Some(receipt) = message.receipt_handle() else {
                stats.errors.push(format!(
                    "SQS message {id}: no receipt handle, cannot delete"
                ));
                continue;
            };
            match self
                .sqs
                .delete_message()
                .queue_url(&self.queue_url)
                .receipt_handle(receipt)
                .send()
                .await
            {
                Ok(_) => stats.deleted += 1,
                Err(e) => stats
                    .errors
                    .push(self.sqs_error("DeleteMessage", e).to_string()),
            }
        }
        Ok(stats)
    }
}
