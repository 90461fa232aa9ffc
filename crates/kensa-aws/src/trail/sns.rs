//! The SNS alert output: each alert is published to a topic as its JSON, with a short
//! subject. Publishing is synchronous for the caller (alert sinks are), on a worker
//! thread that owns its own runtime, so it works from inside or outside async code.

use crate::trail::error::{sdk_message, TrailSourceError};
use std::sync::mpsc;
use std::thread::JoinHandle;

type Job = (String, String, mpsc::Sender<Result<(), TrailSourceError>>);

/// Publishes to one SNS topic from a worker thread of its own, so a synchronous alert
/// sink can publish without a runtime.
pub struct SnsPublisher {
    topic_arn: String,
    jobs: Option<mpsc::Sender<Job>>,
    worker: Option<JoinHandle<()>>,
}

/// SNS subjects: at most 100 printable ASCII characters, no line breaks.
pub fn sns_subject(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let trimmed = clean.trim();
    let subject = if trimmed.is_empty() {
        "kensa alert"
    } else {
        trimmed
    };
    subject.chars().take(100).collect()
}

impl SnsPublisher {
    /// Starts the publishing worker for `topic_arn`.
    pub fn new(
        client: aws_sdk_sns::Client,
        topic_arn: String,
    ) -> Result<SnsPublisher, TrailSourceError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| TrailSourceError::Sns {
                topic: topic_arn.clone(),
                message: format!("cannot start the publishing runtime: {e}"),
            })?;
        let (jobs, queue) = mpsc::channel::<Job>();
        let topic = topic_arn.clone();
        let worker = std::thread::spawn(move || {
            for (subject, message, reply) in queue {
                let sent = runtime.block_on(
                    client
                        .publish()
                        .topic_arn(&topic)
                        .subject(subject)
                        .message(message)
                        .send(),
                );
                let result = sent.map(|_| ()).map_err(|e| TrailSourceError::Sns {
                    topic: topic.clone(),
                    message: sdk_message(&e),
                });
                let _ = reply.send(result);
            }
        });
        Ok(SnsPublisher {
            topic_arn,
            jobs: Some(jobs),
            worker: Some(worker),
        })
    }

    /// Publishes one message and waits for SNS to accept it.
    pub fn publish(&self, subject: &str, message: &str) -> Result<(), TrailSourceError> {
        let gone = || TrailSourceError::Sns {
            topic: self.topic_arn.clone(),
            message: "publishing worker stopped".into(),
        };
        let (reply, answer) = mpsc::channel();
        let jobs = self.jobs.as_ref().ok_or_else(gone)?;
        jobs.send((sns_subject(subject), message.to_owned(), reply))
            .map_err(|_| gone())?;
        answer.recv().map_err(|_| gone())?
    }
}

impl Drop for SnsPublisher {
    fn drop(&mut self) {
        drop(self.jobs.take());
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

/// Records (alerts, findings) to an SNS topic: the record's JSON as message, its
/// [`Record::subject`](kensa_trail::Record::subject) (`<PRIORITY> <rule>` for an alert) as
/// subject.
pub struct SnsAlertSink {
    publisher: SnsPublisher,
}

impl SnsAlertSink {
    /// An alert sink publishing through `publisher`.
    pub fn new(publisher: SnsPublisher) -> SnsAlertSink {
        SnsAlertSink { publisher }
    }
}

impl<R: kensa_trail::Record + ?Sized> kensa_trail::Sink<R> for SnsAlertSink {
    fn emit(&mut self, record: &R) -> Result<(), kensa_trail::SinkError> {
        let message = serde_json::to_string(record)?;
        self.publisher
            .publish(&record.subject(), &message)
            .map_err(|e| kensa_trail::SinkError::Other(e.to_string()))
    }

    fn flush(&mut self) -> Result<(), kensa_trail::SinkError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::sns_subject;

    #[test]
    fn subjects_are_sanitised() {
        assert_eq!(
            sns_subject("CRITICAL\nEC2 Snapshot Made Public"),
            "CRITICAL EC2 Snapshot Made Public"
        );
        assert_eq!(sns_subject("  \t "), "kensa alert");
        assert_eq!(sns_subject(&"x".repeat(300)).len(), 100);
        assert_eq!(sns_subject("é"), "kensa alert");
    }
}
