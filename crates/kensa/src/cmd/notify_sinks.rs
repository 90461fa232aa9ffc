//! The notifier `kensa run start` uses: kensa-assess's webhooks, plus SNS and Security
//! Hub through kensa-aws when the binary is built with AWS support.
use kensa_assess::notify::Notifier;

pub fn notifier() -> Notifier {
    let notifier = Notifier::default();
    #[cfg(feature = "aws")]
    let notifier = notifier
        .with_sink(std::sync::Arc::new(aws::SnsSink::default()))
        .with_exporter(std::sync::Arc::new(aws::SecurityHubSink::default()));
    notifier
}

#[cfg(feature = "aws")]
mod aws {
    use std::collections::HashMap;
    use std::future::Future;

    use kensa_assess::notify::{
        BoxFuture, DeliveryError, FindingsSink, Message, RefusedFinding, Sink,
    };
    use kensa_aws::notify::{publish, sns_client, SnsClient};
    use kensa_aws::securityhub::{batch_import, securityhub_client, SecurityHubClient};
    use kensa_store::Destination;
    use serde_json::Value;
    use tokio::sync::Mutex;

    /// One client per region, made on first use.
    struct Clients<C>(Mutex<HashMap<String, C>>);

    impl<C> Default for Clients<C> {
        fn default() -> Self {
            Clients(Mutex::new(HashMap::new()))
        }
    }

    impl<C: Clone> Clients<C> {
        async fn get<F: Future<Output = C>>(&self, region: &str, make: impl FnOnce() -> F) -> C {
            let mut clients = self.0.lock().await;
            if let Some(c) = clients.get(region) {
                return c.clone();
            }
            let c = make().await;
            clients.insert(region.to_string(), c.clone());
            c
        }
    }

    /// Publishes to SNS topics.
    #[derive(Default)]
    pub struct SnsSink {
        clients: Clients<SnsClient>,
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
                let client = self.clients.get(region, || sns_client(region)).await;
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

    /// Imports findings into Security Hub hubs (`BatchImportFindings`).
    #[derive(Default)]
    pub struct SecurityHubSink {
        clients: Clients<SecurityHubClient>,
    }

    impl FindingsSink for SecurityHubSink {
        fn accepts(&self, destination: &Destination) -> bool {
            matches!(destination, Destination::SecurityHub { .. })
        }

        fn import<'a>(
            &'a self,
            destination: &'a Destination,
            findings: &'a [Value],
        ) -> BoxFuture<'a, Result<Vec<RefusedFinding>, DeliveryError>> {
            Box::pin(async move {
                let Destination::SecurityHub { region, .. } = destination else {
                    return Err(DeliveryError::permanent("not a Security Hub hub"));
                };
                let client = self
                    .clients
                    .get(region, || securityhub_client(region))
                    .await;
                let failed = batch_import(&client, findings)
                    .await
                    .map_err(|e| DeliveryError {
                        message: e.to_string(),
                        retryable: e.retryable,
                    })?;
                Ok(failed
                    .into_iter()
                    .map(|f| RefusedFinding {
                        id: f.id,
                        reason: format!("{}: {}", f.code, f.message),
                        retryable: f.retryable,
                    })
                    .collect())
            })
        }
    }
}
