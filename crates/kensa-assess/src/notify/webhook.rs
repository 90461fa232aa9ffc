//! HTTP webhooks: kensa's JSON message, or a Slack-compatible `{"text": ...}` body.
//! ureq is blocking, so each attempt runs on tokio's blocking pool.
use std::time::Duration;

use kensa_store::Destination;

use super::{BoxFuture, DeliveryError, Message, Sink};

/// Posts messages to `http(s)://` and `slack+https://` destinations.
pub struct WebhookSink {
    agent: ureq::Agent,
}

impl WebhookSink {
    /// A sink whose every request gives up after `timeout`.
    pub fn new(timeout: Duration) -> WebhookSink {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .build();
        WebhookSink {
            agent: config.into(),
        }
    }
}

impl Sink for WebhookSink {
    fn accepts(&self, destination: &Destination) -> bool {
        matches!(
            destination,
            Destination::Webhook { .. } | Destination::Slack { .. }
        )
    }

    fn deliver<'a>(
        &'a self,
        destination: &'a Destination,
        message: &'a Message,
    ) -> BoxFuture<'a, Result<(), DeliveryError>> {
        let (url, body) = match destination {
            Destination::Webhook { url } => (url.clone(), message.body.to_string()),
            Destination::Slack { url } => (
                url.clone(),
                serde_json::json!({ "text": message.text }).to_string(),
            ),
            other => {
                let e = DeliveryError::permanent(format!("not a webhook: {other:?}"));
                return Box::pin(async move { Err(e) });
            }
        };
        let agent = self.agent.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || post(&agent, &url, &body))
                .await
                .map_err(|e| DeliveryError::transient(format!("delivery thread stopped: {e}")))?
        })
    }
}

fn post(agent: &ureq::Agent, url: &str, body: &str) -> Result<(), DeliveryError> {
    let mut response = agent
        .post(url)
        .header("content-type", "application/json")
        .send(body)
        .map_err(|e| DeliveryError::transient(format!("POST {url}: {e}")))?;
    let status = response.status().as_u16();
    if (200..300).contains(&status) {
        return Ok(());
    }
    let text = response.body_mut().read_to_string().unwrap_or_default();
    let text: String = text.chars().take(200).collect();
    let message = format!("POST {url}: HTTP {status} {}", text.trim());
    if status == 408 || status == 429 || status >= 500 {
        Err(DeliveryError::transient(message))
    } else {
        Err(DeliveryError::permanent(message))
    }
}
