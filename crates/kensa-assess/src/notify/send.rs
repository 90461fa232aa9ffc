//! What a run sends when: ASSESSMENT_RUN_STARTED as it starts, STATE_CHANGED at each
//! state, COMPLETED and FINDING_REPORTED (findings first seen by the run, at or above the
//! subscription's severity) when it ends; a FINDING_REPORTED subscription to Security
//! Hub exports the run's findings instead (see `export`). A delivery that fails never
//! changes the run's outcome; it is recorded on the run with its last error.
use kensa_model::Severity;
use kensa_store::{
    clock, Delivery, DeliveryStatus, Destination, Event, Run, RunState, Store, Subscription,
};

use super::{Message, Notifier, RunContext};

/// FINDING_REPORTED messages one subscription sends per run at most; the rest are
/// counted in one SKIPPED record (a first run of a large account finds thousands).
pub const MAX_FINDING_NOTIFICATIONS: i64 = 1000;

impl Notifier {
    /// Delivers `message` to `endpoint`, retrying transient failures with exponential
    /// backoff, and says how it went.
    pub async fn send(&self, endpoint: &str, message: &Message) -> Delivery {
        let mut delivery = Delivery {
            event: message.event,
            destination: endpoint.to_string(),
            finding_id: message.finding_id.clone(),
            status: DeliveryStatus::Failed,
            attempts: 0,
            message: None,
            at: clock::now(),
        };
        let destination = match Destination::parse(endpoint) {
            Ok(d) => d,
            Err(e) => {
                delivery.message = Some(e);
                return delivery;
            }
        };
        let Some(sink) = self.sinks.iter().find(|s| s.accepts(&destination)) else {
            delivery.message = Some(
                "no sink for this destination in this build (SNS needs the aws feature)".into(),
            );
            return delivery;
        };
        let mut delay = self.retry.first_delay;
        for attempt in 1..=self.retry.attempts.max(1) {
            delivery.attempts = i64::from(attempt);
            match sink.deliver(&destination, message).await {
                Ok(()) => {
                    delivery.status = DeliveryStatus::Success;
                    delivery.message = None;
                    break;
                }
                Err(e) => {
                    delivery.message = Some(e.message);
                    if !e.retryable || attempt == self.retry.attempts {
                        break;
                    }
                }
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(self.retry.max_delay);
        }
        delivery.at = clock::now();
        if delivery.status == DeliveryStatus::Failed {
            tracing::warn!(endpoint, error = ?delivery.message, "notification not delivered");
        }
        delivery
    }

    /// Sends `message` to every subscription of its event and records the outcomes.
    async fn broadcast(&self, store: &Store, ctx: &RunContext, message: &Message) {
        let mut deliveries = Vec::new();
        for s in subscribed(ctx, message.event) {
            deliveries.push(self.send(&s.endpoint, message).await);
        }
        record(store, ctx.run, &deliveries).await;
    }

    pub(crate) async fn run_started(&self, store: &Store, ctx: &RunContext) {
        let message = Message::started(ctx, &clock::now());
        self.broadcast(store, ctx, &message).await;
    }

    pub(crate) async fn state_changed(&self, store: &Store, ctx: &RunContext, state: RunState) {
        let message = Message::state_changed(ctx, state, &clock::now());
        self.broadcast(store, ctx, &message).await;
    }

    /// The final state change, ASSESSMENT_RUN_COMPLETED, then the new findings.
    pub(crate) async fn run_finished(&self, store: &Store, ctx: &RunContext, run: &Run) {
        self.state_changed(store, ctx, run.state).await;
        let message = Message::completed(ctx, run, &clock::now());
        self.broadcast(store, ctx, &message).await;
        for s in subscribed(ctx, Event::FindingReported) {
            let deliveries = match Destination::parse(&s.endpoint) {
                Ok(d) if d.takes_findings() => {
                    self.export_findings(store, ctx, &s.endpoint, s.min_severity, &d)
                        .await
                }
                _ => self.findings_reported(store, ctx, s).await,
            };
            record(store, ctx.run, &deliveries).await;
        }
    }

    async fn findings_reported(
        &self,
        store: &Store,
        ctx: &RunContext,
        sub: &Subscription,
    ) -> Vec<Delivery> {
        let min = sub.min_severity.unwrap_or(Severity::Informational);
        let found = match store
            .new_findings_of_run(ctx.run, min, MAX_FINDING_NOTIFICATIONS)
            .await
        {
            Ok(f) => f,
            Err(e) => {
                tracing::warn!(run = ctx.run, error = %e, "new findings unreadable; FINDING_REPORTED not sent");
                return Vec::new();
            }
        };
        let mut deliveries = Vec::new();
        for f in &found {
            let message = Message::finding_reported(ctx, f, &clock::now());
            deliveries.push(self.send(&sub.endpoint, &message).await);
        }
        let total = store
            .count_new_findings_of_run(ctx.run, min)
            .await
            .unwrap_or(found.len() as i64);
        if total > found.len() as i64 {
            deliveries.push(Delivery {
                event: Event::FindingReported,
                destination: sub.endpoint.clone(),
                finding_id: None,
                status: DeliveryStatus::Skipped,
                attempts: 0,
                message: Some(format!(
                    "{} more new finding(s) at or above {min} not sent: at most {MAX_FINDING_NOTIFICATIONS} per subscription per run, most severe first",
                    total - found.len() as i64
                )),
                at: clock::now(),
            });
        }
        deliveries
    }
}

fn subscribed(ctx: &RunContext, event: Event) -> impl Iterator<Item = &Subscription> {
    ctx.template
        .subscriptions
        .iter()
        .filter(move |s| s.event == event)
}

async fn record(store: &Store, run: i64, deliveries: &[Delivery]) {
    if let Err(e) = store.record_deliveries(run, deliveries).await {
        tracing::warn!(run, error = %e, "notification outcomes could not be recorded");
    }
}
