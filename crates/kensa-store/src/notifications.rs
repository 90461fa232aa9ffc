//! Notification deliveries, each recorded on its run with its outcome, as Inspector
//! Classic kept every run's notifications (event, time, topic, status). Delivery itself
//! happens in kensa-assess and the binary; the store knows where things go and what
//! happened.
use std::fmt;

use kensa_model::Severity;
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::db::Store;
use crate::error::{QueryContext, Result};
use crate::findings::{finding_of_row, severity_rank, StoredFinding, FINDING_COLUMNS};
use crate::model::Event;

/// Where a subscription's notifications go, parsed from its endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// An SNS topic (`arn:aws:sns:REGION:ACCOUNT:NAME`).
    Sns {
        /// The topic's ARN, as given.
        topic_arn: String,
        /// The topic's region (from the ARN): where to publish.
        region: String,
    },
    /// A Security Hub hub (`arn:aws:securityhub:REGION:ACCOUNT:hub/default`): receives
    /// a run's findings in ASFF through `BatchImportFindings` (new and seen-again ones
    /// imported or updated, resolved ones archived), not event messages.
    SecurityHub {
        /// The hub's ARN, as given.
        hub_arn: String,
        /// The hub's region: where findings are imported.
        region: String,
        /// The hub's account: the account of the findings' product ARN.
        account: String,
    },
    /// A webhook receiving kensa's JSON message.
    Webhook {
        /// The `http(s)://` URL posted to.
        url: String,
    },
    /// A webhook receiving a Slack-compatible `{"text": ...}` body.
    Slack {
        /// The URL posted to (without the `slack+` prefix).
        url: String,
    },
}

impl Destination {
    /// Parses an endpoint; the error says what forms are accepted.
    pub fn parse(endpoint: &str) -> std::result::Result<Destination, String> {
        if let Some(rest) = endpoint.strip_prefix("arn:aws:sns:") {
            let parts: Vec<&str> = rest.split(':').collect();
            return match parts.as_slice() {
                [region, account, name]
                    if !region.is_empty() && !account.is_empty() && !name.is_empty() =>
                {
                    Ok(Destination::Sns {
                        topic_arn: endpoint.to_string(),
                        region: region.to_string(),
                    })
                }
                _ => Err("an SNS topic ARN is arn:aws:sns:REGION:ACCOUNT:TOPIC".into()),
            };
        }
        if let Some(rest) = endpoint.strip_prefix("arn:aws:securityhub:") {
            return security_hub(endpoint, rest);
        }
        if let Some(url) = endpoint.strip_prefix("slack+") {
            return http_url(url).map(|url| Destination::Slack { url });
        }
        if endpoint.starts_with("http://") || endpoint.starts_with("https://") {
            return http_url(endpoint).map(|url| Destination::Webhook { url });
        }
        Err(format!(
            "unknown endpoint `{endpoint}` (expected an SNS topic ARN, a Security Hub ARN, an http(s):// webhook, or slack+https://...)"
        ))
    }

    /// Whether the destination takes findings (in batches) rather than event messages.
    pub fn takes_findings(&self) -> bool {
        matches!(self, Destination::SecurityHub { .. })
    }
}

/// `REGION:ACCOUNT:hub/default` after `arn:aws:securityhub:`.
fn security_hub(endpoint: &str, rest: &str) -> std::result::Result<Destination, String> {
    let parts: Vec<&str> = rest.split(':').collect();
    match parts.as_slice() {
        [region, account, "hub/default"]
            if !region.is_empty()
                && account.len() == 12
                && account.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Ok(Destination::SecurityHub {
                hub_arn: endpoint.to_string(),
                region: region.to_string(),
                account: account.to_string(),
            })
        }
        _ => Err(
            "a Security Hub endpoint is the hub's ARN, arn:aws:securityhub:REGION:ACCOUNT:hub/default (a 12-digit account)"
                .into(),
        ),
    }
}

fn http_url(url: &str) -> std::result::Result<String, String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("`{url}` is not an http(s):// URL"))?;
    if rest.is_empty() || rest.starts_with('/') || rest.contains(char::is_whitespace) {
        return Err(format!("`{url}` has no host or contains spaces"));
    }
    Ok(url.to_string())
}

/// How a delivery ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeliveryStatus {
    /// The destination accepted the message.
    Success,
    /// Every attempt failed (the message says the last error).
    Failed,
    /// Not sent on purpose (a limit; the message says why).
    Skipped,
}

impl DeliveryStatus {
    /// The status as stored and printed (`SUCCESS`, `FAILED`, `SKIPPED`).
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Success => "SUCCESS",
            DeliveryStatus::Failed => "FAILED",
            DeliveryStatus::Skipped => "SKIPPED",
        }
    }

    fn parse(s: &str) -> Result<DeliveryStatus> {
        [
            DeliveryStatus::Success,
            DeliveryStatus::Failed,
            DeliveryStatus::Skipped,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
        .ok_or_else(|| crate::StoreError::Decode {
            what: "notification",
            message: format!("delivery status `{s}`"),
        })
    }
}

impl fmt::Display for DeliveryStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One notification a run sent (or tried to).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// The event notified.
    pub event: Event,
    /// The subscription's endpoint.
    pub destination: String,
    /// For FINDING_REPORTED, the finding's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding_id: Option<String>,
    /// How it ended.
    pub status: DeliveryStatus,
    /// Attempts made (retries included).
    pub attempts: i64,
    /// The last error, or why it was skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// When it ended (RFC 3339, UTC).
    pub at: String,
}

impl Store {
    /// Records deliveries on `run`, in one transaction.
    pub async fn record_deliveries(&self, run: i64, deliveries: &[Delivery]) -> Result<()> {
        if deliveries.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await.ctx("recording notifications")?;
        for d in deliveries {
            sqlx::query("INSERT INTO run_notifications (run_id, event, destination, finding_id, status, attempts, message, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(run)
                .bind(d.event.as_str())
                .bind(&d.destination)
                .bind(d.finding_id.as_deref())
                .bind(d.status.as_str())
                .bind(d.attempts)
                .bind(d.message.as_deref())
                .bind(&d.at)
                .execute(&mut *tx)
                .await
                .ctx("recording notifications")?;
        }
        tx.commit().await.ctx("recording notifications")
    }

    /// The notifications `run` sent, in order.
    pub async fn run_deliveries(&self, run: i64) -> Result<Vec<Delivery>> {
        let rows = sqlx::query("SELECT event, destination, finding_id, status, attempts, message, at FROM run_notifications WHERE run_id = $1 ORDER BY id")
            .bind(run)
            .fetch_all(&self.pool)
            .await
            .ctx("reading a run's notifications")?;
        rows.iter()
            .map(|r| {
                let text = |c: &str| {
                    r.try_get::<String, _>(c)
                        .ctx("reading a run's notifications")
                };
                let event = text("event")?;
                Ok(Delivery {
                    event: Event::ALL
                        .into_iter()
                        .find(|e| e.as_str() == event)
                        .ok_or_else(|| crate::StoreError::Decode {
                            what: "notification",
                            message: format!("event `{event}`"),
                        })?,
                    destination: text("destination")?,
                    finding_id: r
                        .try_get("finding_id")
                        .ctx("reading a run's notifications")?,
                    status: DeliveryStatus::parse(&text("status")?)?,
                    attempts: r.try_get("attempts").ctx("reading a run's notifications")?,
                    message: r.try_get("message").ctx("reading a run's notifications")?,
                    at: text("at")?,
                })
            })
            .collect()
    }

    /// Findings `run` saw first, at or above `min`, most severe first (at most `limit`).
    pub async fn new_findings_of_run(
        &self,
        run: i64,
        min: Severity,
        limit: i64,
    ) -> Result<Vec<StoredFinding>> {
        sqlx::query(&format!(
            "SELECT {FINDING_COLUMNS} FROM findings f WHERE f.first_run = $1 AND f.severity >= $2 ORDER BY f.severity DESC, f.id LIMIT $3"
        ))
        .bind(run)
        .bind(severity_rank(min))
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .ctx("reading a run's new findings")?
        .iter()
        .map(finding_of_row)
        .collect()
    }

    /// How many findings `run` saw first at or above `min`.
    pub async fn count_new_findings_of_run(&self, run: i64, min: Severity) -> Result<i64> {
        sqlx::query("SELECT COUNT(*) AS n FROM findings WHERE first_run = $1 AND severity >= $2")
            .bind(run)
            .bind(severity_rank(min))
            .fetch_one(&self.pool)
            .await
            .ctx("counting a run's new findings")?
            .try_get("n")
            .ctx("counting a run's new findings")
    }

    /// One page of what a run exports to Security Hub: the findings `run` saw (new or
    /// seen again) and those it resolved, at or above `min`, in id order after `after`
    /// (keyset paging; `None` for the first page), at most `limit`.
    pub async fn run_export_page(
        &self,
        run: i64,
        min: Severity,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<StoredFinding>> {
        let after = after.unwrap_or("");
        // Two index walks (run_findings' key, findings_resolved_by_run), merged in id order.
        sqlx::query(&format!(
            "SELECT {FINDING_COLUMNS} FROM findings f WHERE f.id IN (\
             SELECT id FROM (SELECT rf.finding_id AS id FROM run_findings rf WHERE rf.run_id = $1 AND rf.finding_id > $2 AND rf.severity >= $3 ORDER BY rf.finding_id LIMIT $4) seen \
             UNION SELECT id FROM (SELECT r.id FROM findings r WHERE r.resolved_by_run = $1 AND r.id > $2 AND r.severity >= $3 ORDER BY r.id LIMIT $4) resolved) \
             ORDER BY f.id LIMIT $4"
        ))
        .bind(run)
        .bind(after)
        .bind(severity_rank(min))
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .ctx("reading a run's findings for export")?
        .iter()
        .map(finding_of_row)
        .collect()
    }

    /// Findings `run` resolved (for Security Hub: archived there), at most `limit`.
    pub async fn findings_resolved_by_run(
        &self,
        run: i64,
        limit: i64,
    ) -> Result<Vec<StoredFinding>> {
        sqlx::query(&format!(
            "SELECT {FINDING_COLUMNS} FROM findings f WHERE f.resolved_by_run = $1 ORDER BY f.id LIMIT $2"
        ))
        .bind(run)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .ctx("reading a run's resolved findings")?
        .iter()
        .map(finding_of_row)
        .collect()
    }
}
