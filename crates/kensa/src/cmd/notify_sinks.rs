//! The notifier `kensa run start` uses: kensa-assess's webhooks, plus SNS through
//! kensa-aws when the binary is built with AWS support.
use kensa_assess::notify::Notifier;

pub fn notifier() -> Notifier {
    let notifier = Notifier::default();
    #[cfg(feature = "aws")]
    let notifier = notifier.with_sink(std::sync::Arc::new(sns::SnsSink::default()));
    notifier
}

#[cfg(feature = "aws")]
mod sns {
    use std::collections::HashMap;

    use kensa_assess::notify::{BoxFuture, DeliveryError, Message, Sink};
    use kensa_aws::notify::{publish, sns_client, SnsClient};
    use kensa_store::Destination;
    use tokio::sync::Mutex;

    /// Publishes to SNS topics, one client per region (made on first use).
    #[derive(Default)]
    pub struct SnsSink {
        clients: Mutex<HashMap<String, SnsClient>>,
    }

    impl Sink for SnsSink {
        fn accepts(&self, destination: &Destination) -> bool {
            matches!(destination, Destination::Sns { .. })
        }

        fn deliver<'a>(
            &'a self,
            destination: &'a Destination,
            message: &'a Message,
        ) -> BoxFuture<'a, Result<(), DeliveryError>> {
            Box::pin(async move {
                let Destination::Sns { topic_arn, region } = destination else {
                    return Err(DeliveryError::permanent("not an SNS topic"));
                };
                let client = {
                    let mut clients = self.clients.lock().await;
                    match clients.get(region) {
                        Some(c) => c.clone(),
                        None => {
                            let c = sns_client(region).await;
                            clients.insert(region.clone(), c.clone());
                            c
                        }
                    }
                };
                let body = message.body.to_string();
                publish(&client, topic_arn, &message.subject, &body)
                    .await
                    .map_err(|e| DeliveryError {
                        message: e.to_string(),
                        retryable: e.retryable,
                    })
            })
        }
    }
}
