//! Exporting a run's findings to a findings store (Security Hub) instead of sending event
//! messages: at the end of a run, every finding it saw (new or seen again) and every
//! finding it resolved, at or above the subscription's severity, goes out in ASFF in
//! batches of [`EXPORT_BATCH`]. Security Hub keys findings by `Id`, so a finding seen
//! again is an update (a later `UpdatedAt`) and a resolved one is sent once more with
//! `RecordState: ARCHIVED` and `Workflow.Status: RESOLVED`.
//!
//! Each batch is retried with the notifier's backoff: a failed call is retried whole, a
//! partial failure only for the findings refused with a transient reason. Every batch
//! is recorded on the run, and every finding refused for good with its reason. When a
//! batch cannot be delivered at all (endpoint down, hub not enabled, access denied), the
//! rest of the run's findings are not tried: they are counted in one SKIPPED record.
use std::collections::HashMap;

use kensa_model::{FindingStatus, Severity};
use kensa_store::{clock, Delivery, DeliveryStatus, Destination, Event, Store, StoredFinding};
use serde_json::{json, Value};

use super::{BoxFuture, DeliveryError, Notifier, RunContext};

/// Findings per `BatchImportFindings` call: the API's limit.
pub const EXPORT_BATCH: usize = 100;

/// Per-finding FAILED records one export writes at most; the rest are counted in the
/// batches' records.
const MAX_REFUSED_RECORDS: usize = 1000;

/// A finding the destination refused, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedFinding {
    /// The finding's ASFF `Id`, as sent.
    pub id: String,
    /// The destination's error code and message.
    pub reason: String,
    /// Whether sending it again may succeed (throttling, an internal error).
    pub retryable: bool,
}

/// Imports findings (ASFF documents) into one kind of destination.
pub trait FindingsSink: Send + Sync {
    /// Whether this sink imports into `destination`.
    fn accepts(&self, destination: &Destination) -> bool;
    /// One import call of at most [`EXPORT_BATCH`] findings; answers the findings the
    /// destination refused (empty: all imported). [`Notifier`] retries.
    fn import<'a>(
        &'a self,
        destination: &'a Destination,
        findings: &'a [Value],
    ) -> BoxFuture<'a, Result<Vec<RefusedFinding>, DeliveryError>>;
}

/// One finding of a batch, as sent.
struct Item {
    finding_id: String,
    asff_id: String,
    doc: Value,
    kind: Kind,
    /// Why the destination refused it last (it is still pending while retryable).
    refused: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    New,
    Updated,
    Archived,
}

/// How one batch ended.
struct BatchOutcome {
    attempts: u32,
    sent: Vec<Item>,
    refused: Vec<Item>,
    /// The call itself failed after every attempt (nothing of the batch imported).
    call_error: Option<String>,
}

impl Notifier {
    /// Exports the findings of `ctx.run` to `destination` and records the outcomes.
    pub(crate) async fn export_findings(
        &self,
        store: &Store,
        ctx: &RunContext,
        endpoint: &str,
        min: Option<Severity>,
        destination: &Destination,
    ) -> Vec<Delivery> {
        let record = |status, attempts, finding_id, message| Delivery {
            event: Event::FindingReported,
            destination: endpoint.to_string(),
            finding_id,
            status,
            attempts,
            message: Some(message),
            at: clock::now(),
        };
        let Some(sink) = self.exporters.iter().find(|s| s.accepts(destination)) else {
            let why = "no sink for Security Hub in this build (it needs the aws feature)";
            return vec![record(DeliveryStatus::Failed, 0, None, why.to_string())];
        };
        let min = min.unwrap_or(Severity::Informational);
        let mut deliveries = Vec::new();
        let mut refused_records = 0;
        let mut after: Option<String> = None;
        for batch in 1.. {
            let page = match page(store, ctx.run, min, after.as_deref()).await {
                Ok(p) if p.is_empty() => break,
                Ok(p) => p,
                Err(e) => {
                    deliveries.push(record(DeliveryStatus::Failed, 0, None, e));
                    break;
                }
            };
            after = page.last().map(|f| f.finding.id.clone());
            let items = page.iter().map(|f| item(f, ctx.run, destination)).collect();
            let outcome = self.import_batch(sink.as_ref(), destination, items).await;
            let (status, message) = summary(batch, &outcome);
            deliveries.push(record(status, i64::from(outcome.attempts), None, message));
            // After a failed call the batch's one record says why; a finding refused
            // in an accepted call gets a record of its own, with Security Hub's reason.
            let refused_alone = if outcome.call_error.is_none() {
                outcome.refused.as_slice()
            } else {
                &[]
            };
            for refused in refused_alone {
                if refused_records < MAX_REFUSED_RECORDS {
                    refused_records += 1;
                    let reason = refused.refused.clone().unwrap_or_default();
                    let attempts = i64::from(outcome.attempts);
                    let id = Some(refused.finding_id.clone());
                    deliveries.push(record(DeliveryStatus::Failed, attempts, id, reason));
                }
            }
            if let Some(error) = outcome.call_error {
                let rest = count_rest(store, ctx.run, min, after.as_deref()).await;
                if rest > 0 {
                    let message = format!("{rest} more finding(s) of the run not sent: batch {batch} could not be delivered ({error})");
                    deliveries.push(record(DeliveryStatus::Skipped, 0, None, message));
                }
                break;
            }
        }
        deliveries
    }

    /// Sends one batch, retrying the whole call on a transient error and the refused
    /// findings on a transient refusal, with the notifier's backoff.
    async fn import_batch(
        &self,
        sink: &dyn FindingsSink,
        destination: &Destination,
        mut pending: Vec<Item>,
    ) -> BatchOutcome {
        let mut out = BatchOutcome {
            attempts: 0,
            sent: Vec::new(),
            refused: Vec::new(),
            call_error: None,
        };
        let mut delay = self.retry.first_delay;
        let attempts = self.retry.attempts.max(1);
        for attempt in 1..=attempts {
            out.attempts = attempt;
            let docs: Vec<Value> = pending.iter().map(|i| i.doc.clone()).collect();
            match sink.import(destination, &docs).await {
                Ok(refused) => {
                    out.call_error = None;
                    pending = settle(pending, refused, &mut out);
                    if pending.is_empty() {
                        break;
                    }
                }
                Err(e) => {
                    out.call_error = Some(e.message);
                    if !e.retryable {
                        break;
                    }
                }
            }
            if attempt < attempts {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(self.retry.max_delay);
            }
        }
        if out.call_error.is_some() {
            // Nothing of the last call was imported: whatever was pending is not sent.
            out.refused.extend(pending.into_iter().map(|mut i| {
                i.refused = out.call_error.clone();
                i
            }));
        } else {
            out.refused.extend(pending);
        }
        if out.call_error.is_some() || !out.refused.is_empty() {
            tracing::warn!(refused = out.refused.len(), error = ?out.call_error, "findings not imported");
        }
        out
    }
}

/// Moves the imported findings of `pending` to `out.sent` and those refused for good to
/// `out.refused`; answers those refused for a transient reason (to send again).
fn settle(pending: Vec<Item>, refused: Vec<RefusedFinding>, out: &mut BatchOutcome) -> Vec<Item> {
    let mut by_id: HashMap<String, RefusedFinding> =
        refused.into_iter().map(|r| (r.id.clone(), r)).collect();
    let mut again = Vec::new();
    for mut item in pending {
        match by_id.remove(&item.asff_id) {
            None => out.sent.push(item),
            Some(r) => {
                item.refused = Some(r.reason);
                if r.retryable {
                    again.push(item);
                } else {
                    out.refused.push(item);
                }
            }
        }
    }
    again
}

fn summary(batch: usize, o: &BatchOutcome) -> (DeliveryStatus, String) {
    let count = |k: Kind| o.sent.iter().filter(|i| i.kind == k).count();
    let mut message = format!(
        "batch {batch}: {} finding(s) imported ({} new, {} updated, {} archived)",
        o.sent.len(),
        count(Kind::New),
        count(Kind::Updated),
        count(Kind::Archived),
    );
    if !o.refused.is_empty() {
        message.push_str(&format!(", {} not imported", o.refused.len()));
    }
    if let Some(e) = &o.call_error {
        message.push_str(&format!(": {e}"));
    } else if let Some(first) = o.refused.first() {
        let reason = first.refused.as_deref().unwrap_or("refused");
        message.push_str(&format!(" (first: {} {reason})", first.finding_id));
    }
    let status = if o.refused.is_empty() && o.call_error.is_none() {
        DeliveryStatus::Success
    } else {
        DeliveryStatus::Failed
    };
    (status, message)
}

async fn page(
    store: &Store,
    run: i64,
    min: Severity,
    after: Option<&str>,
) -> Result<Vec<StoredFinding>, String> {
    store
        .run_export_page(run, min, after, EXPORT_BATCH as i64)
        .await
        .map_err(|e| format!("the run's findings could not be read for export: {e}"))
}

/// How many findings of the run come after `after` (those an export gave up on).
async fn count_rest(store: &Store, run: i64, min: Severity, after: Option<&str>) -> usize {
    let mut n = 0;
    let mut after = after.map(str::to_string);
    while let Ok(p) = page(store, run, min, after.as_deref()).await {
        let Some(last) = p.last() else { break };
        after = Some(last.finding.id.clone());
        n += p.len();
    }
    n
}

/// The finding in ASFF (kensa-report's encoding) addressed to the hub: the product ARN
/// of the hub's account and region (Security Hub accepts a custom product's findings
/// only under the caller's `product/ACCOUNT/default`), the template's user attributes as
/// `UserDefinedFields`, and for a resolved finding the time it was resolved as
/// `UpdatedAt` (Security Hub ignores an update that is not newer than what it holds).
fn item(f: &StoredFinding, run: i64, destination: &Destination) -> Item {
    let mut doc = kensa_report::formats::asff_finding(&f.finding);
    if let Destination::SecurityHub {
        region, account, ..
    } = destination
    {
        doc["ProductArn"] = json!(format!(
            "arn:aws:securityhub:{region}:{account}:product/{account}/default"
        ));
        if doc["AwsAccountId"] == UNKNOWN_ACCOUNT {
            doc["AwsAccountId"] = json!(account);
        }
    }
    if !f.user_attributes.is_empty() {
        doc["UserDefinedFields"] = json!(f.user_attributes);
    }
    let kind = if f.finding.status == FindingStatus::Resolved {
        if let Some(at) = &f.resolved_at {
            doc["UpdatedAt"] = json!(at);
        }
        Kind::Archived
    } else if f.first_run == run {
        Kind::New
    } else {
        Kind::Updated
    };
    Item {
        finding_id: f.finding.id.clone(),
        asff_id: doc["Id"].as_str().unwrap_or_default().to_string(),
        doc,
        kind,
        refused: None,
    }
}

/// kensa-report's account when a finding's resource names none.
const UNKNOWN_ACCOUNT: &str = "000000000000";
