//! CloudTrail alerts from `kensa trail`: stored exactly once each (a unique dedup key,
//! `eventID` + rule, so a redelivered event or a replayed file adds nothing), listed
//! newest first with filters by rule, priority and event time.
use serde::Serialize;
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::clock;
use crate::db::Store;
use crate::error::{QueryContext, Result, StoreError};
use crate::json::{from_json, to_json};

/// Falco's priorities, most severe first; the index is the stored rank.
pub const PRIORITIES: [&str; 8] = [
    "Emergency",
    "Alert",
    "Critical",
    "Error",
    "Warning",
    "Notice",
    "Informational",
    "Debug",
];

/// The rank of a priority name (any case; `info` too), 0 = Emergency.
pub fn priority_rank(name: &str) -> Option<i64> {
    let name = name.trim();
    if name.eq_ignore_ascii_case("info") {
        return Some(6);
    }
    PRIORITIES
        .iter()
        .position(|p| p.eq_ignore_ascii_case(name))
        .map(|i| i as i64)
}

/// The key that makes an alert unique: its event's `eventID` and the rule (the same
/// pair `kensa trail watch` deduplicates on); an event without an id is keyed by a hash
/// of the rule, its time and its output.
pub fn dedup_key(rule: &str, event_id: Option<&str>, time: Option<&str>, output: &str) -> String {
    match event_id.filter(|id| !id.is_empty()) {
        Some(id) => format!("{id}\u{1f}{rule}"),
        None => {
            use sha2::{Digest, Sha256};
            let mut h = Sha256::new();
            for part in [rule, time.unwrap_or(""), output] {
                h.update(part.as_bytes());
                h.update([0x1f]);
            }
            format!("noid:{}", hex::encode(h.finalize()))
        }
    }
}

/// An alert to store.
#[derive(Debug, Clone)]
pub struct NewAlert {
    /// Unique per alert: the same event matched by the same rule has the same key.
    pub dedup_key: String,
    /// Name of the rule that matched the event.
    pub rule: String,
    /// The rule's priority, one of [`PRIORITIES`] in any case (or `info`); stored in its
    /// canonical spelling.
    pub priority: String,
    /// The CloudTrail `eventID`; None when the event has none.
    pub event_id: Option<String>,
    /// The CloudTrail `eventName` (the API call, e.g. `AuthorizeSecurityGroupIngress`), if
    /// present.
    pub event_name: Option<String>,
    /// The CloudTrail `eventTime` (RFC 3339 UTC), if present; [`AlertFilter::since`]
    /// compares with it.
    pub event_time: Option<String>,
    /// The AWS account id the event happened in, if known.
    pub account: Option<String>,
    /// The AWS region the event happened in, if known.
    pub region: Option<String>,
    /// Who made the call (the caller's ARN or identity), if known.
    pub principal: Option<String>,
    /// The first resource the event names (ARN), if any.
    pub resource: Option<String>,
    /// The rule's human-readable message for this event.
    pub output: String,
    /// Where the event was read (file, S3 object, queue).
    pub origin: String,
    /// The whole alert as JSON.
    pub body: Value,
}

/// A stored alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredAlert {
    /// Row id: higher is stored later; pages go by it ([`AlertFilter::before`]).
    pub id: i64,
    /// Name of the rule that matched the event.
    pub rule: String,
    /// The rule's priority in its canonical spelling (one of [`PRIORITIES`]).
    pub priority: String,
    /// The CloudTrail `eventID`; None when the event had none.
    pub event_id: Option<String>,
    /// The CloudTrail `eventName` (the API call), if the event had one.
    pub event_name: Option<String>,
    /// The CloudTrail `eventTime` (RFC 3339 UTC), if the event had one.
    pub event_time: Option<String>,
    /// The AWS account id the event happened in, if known.
    pub account: Option<String>,
    /// The AWS region the event happened in, if known.
    pub region: Option<String>,
    /// Who made the call (the caller's ARN or identity), if known.
    pub principal: Option<String>,
    /// The first resource the event names (ARN), if any.
    pub resource: Option<String>,
    /// The rule's human-readable message for this event.
    pub output: String,
    /// Where the event was read (file, S3 object, queue).
    pub origin: String,
    /// The key that made the alert unique (see [`dedup_key`]).
    pub dedup_key: String,
    /// When the alert was stored, as RFC 3339 UTC text with milliseconds.
    pub stored_at: String,
    /// The whole alert as JSON, as it was recorded.
    pub body: Value,
}

/// Which alerts to list.
#[derive(Debug, Clone, Default)]
pub struct AlertFilter {
    /// Exactly this rule name.
    pub rule: Option<String>,
    /// This priority or a more severe one (a rank from [`priority_rank`]).
    pub max_rank: Option<i64>,
    /// Events at or after this time (RFC 3339, compared as text like CloudTrail's).
    pub since: Option<String>,
    /// Alerts with a row id below this one (the previous page's last id).
    pub before: Option<i64>,
    /// The most alerts to return.
    pub limit: i64,
}

fn stored(r: &AnyRow) -> Result<StoredAlert> {
    let ctx = "reading an alert";
    Ok(StoredAlert {
        id: r.try_get("id").ctx(ctx)?,
        rule: r.try_get("rule").ctx(ctx)?,
        priority: r.try_get("priority").ctx(ctx)?,
        event_id: r.try_get("event_id").ctx(ctx)?,
        event_name: r.try_get("event_name").ctx(ctx)?,
        event_time: r.try_get("event_time").ctx(ctx)?,
        account: r.try_get("account").ctx(ctx)?,
        region: r.try_get("region").ctx(ctx)?,
        principal: r.try_get("principal").ctx(ctx)?,
        resource: r.try_get("resource").ctx(ctx)?,
        output: r.try_get("output").ctx(ctx)?,
        origin: r.try_get("origin").ctx(ctx)?,
        dedup_key: r.try_get("dedup_key").ctx(ctx)?,
        stored_at: r.try_get("stored_at").ctx(ctx)?,
        body: from_json("alert", &r.try_get::<String, _>("body").ctx(ctx)?)?,
    })
}

impl Store {
    /// Stores `alert` unless one with its dedup key is there; true when it was added.
    pub async fn record_alert(&self, alert: &NewAlert) -> Result<bool> {
        let rank = priority_rank(&alert.priority).ok_or_else(|| {
            StoreError::invalid(
                "priority",
                format!(
                    "`{}` is not one of {}",
                    alert.priority,
                    PRIORITIES.join(", ")
                ),
            )
        })?;
        let done = sqlx::query(
            "INSERT INTO trail_alerts (dedup_key, rule, priority, priority_rank, event_id, event_name, \
             event_time, account, region, principal, resource, output, origin, body, stored_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
             ON CONFLICT (dedup_key) DO NOTHING",
        )
        .bind(&alert.dedup_key)
        .bind(&alert.rule)
        .bind(PRIORITIES[rank as usize])
        .bind(rank)
        .bind(&alert.event_id)
        .bind(&alert.event_name)
        .bind(&alert.event_time)
        .bind(&alert.account)
        .bind(&alert.region)
        .bind(&alert.principal)
        .bind(&alert.resource)
        .bind(&alert.output)
        .bind(&alert.origin)
        .bind(to_json(&alert.body))
        .bind(clock::now())
        .execute(&self.pool)
        .await
        .ctx("storing an alert")?;
        Ok(done.rows_affected() > 0)
    }

    /// Alerts matching `f`, newest first, at most `f.limit`.
    pub async fn alerts(&self, f: &AlertFilter) -> Result<Vec<StoredAlert>> {
        sqlx::query(
            "SELECT * FROM trail_alerts WHERE id < $1 AND ($2 = '' OR rule = $2) \
             AND priority_rank <= $3 AND ($4 = '' OR event_time >= $4) \
             ORDER BY id DESC LIMIT $5",
        )
        .bind(f.before.unwrap_or(i64::MAX))
        .bind(f.rule.clone().unwrap_or_default())
        .bind(f.max_rank.unwrap_or(PRIORITIES.len() as i64))
        .bind(f.since.clone().unwrap_or_default())
        .bind(f.limit)
        .fetch_all(&self.pool)
        .await
        .ctx("listing alerts")?
        .iter()
        .map(stored)
        .collect()
    }

    /// Rule names with stored alerts, for filter forms.
    pub async fn alert_rules(&self) -> Result<Vec<String>> {
        sqlx::query("SELECT DISTINCT rule FROM trail_alerts ORDER BY rule")
            .fetch_all(&self.pool)
            .await
            .ctx("listing alert rules")?
            .iter()
            .map(|r| r.try_get("rule").ctx("listing alert rules"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::priority_rank;

    #[test]
    fn dedup_keys_follow_event_and_rule() {
        use super::dedup_key;
        assert_eq!(dedup_key("r", Some("e1"), None, "o"), "e1\u{1f}r");
        let a = dedup_key("r", None, Some("t"), "o");
        assert!(a.starts_with("noid:") && a.len() == 69);
        assert_ne!(a, dedup_key("r", None, Some("t"), "o2"));
        assert_eq!(a, dedup_key("r", Some(""), Some("t"), "o"));
    }

    #[test]
    fn priorities_rank_most_severe_first() {
        assert_eq!(priority_rank("emergency"), Some(0));
        assert_eq!(priority_rank("WARNING"), Some(4));
        assert_eq!(priority_rank("info"), Some(6));
        assert_eq!(priority_rank("Informational"), Some(6));
        assert_eq!(priority_rank("loud"), None);
    }
}
