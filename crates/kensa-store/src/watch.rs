//! Continuous protection's state: the watcher sessions (one per CloudTrail source), the
//! remediation policies they ran with, and the remediations they planned and applied,
//! by the deterministic id kensa-watch derives from event, policy and interface. The
//! exposure alerts themselves go to the CloudTrail alerts table ([`crate::alerts`]).
use serde::Serialize;
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::clock;
use crate::db::Store;
use crate::error::{QueryContext, Result};
use crate::json::{from_json, to_json};

/// A watcher session: what it follows, where its model came from, how it is doing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WatchSession {
    /// The CloudTrail source (queue URL or `s3://bucket/prefix`): the session's key.
    pub source: String,
    /// The regions it describes and remediates in.
    pub regions: Vec<String>,
    /// The snapshot directory the model started from (the last resync's, after one).
    pub model_ref: String,
    /// SHA-256 of that snapshot's files, when known.
    pub model_hash: Option<String>,
    /// SHA-256 of the policy file in force ([`Store::record_watch_policies`]), if any.
    pub policies_hash: Option<String>,
    /// `running`, `stopped` or `failed`.
    pub state: String,
    /// Why it stopped or failed; empty while it runs.
    pub message: String,
    /// When it started (RFC 3339 UTC).
    pub started_at: String,
    /// When the watcher last wrote this row.
    pub updated_at: String,
    /// CloudTrail `eventTime` of the last event applied.
    pub last_event_at: Option<String>,
    /// When the last full resync finished.
    pub last_resync_at: Option<String>,
    /// Exposure changes the resyncs found that the events had not shown, summed.
    pub drift_count: i64,
    /// The watcher's counts (events, applied, alerts, ...), as JSON.
    pub stats: Value,
}

/// A stored remediation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredRemediation {
    /// `R` and 12 hex digits (see kensa-watch's `remediation_id`).
    pub id: String,
    /// The session's source.
    pub source: String,
    /// The policy's name.
    pub policy: String,
    /// The state (`pending`, `approved`, `applying`, `applied`, ...).
    pub state: String,
    /// When this state was reached (seconds since the Unix epoch).
    pub at: i64,
    /// Whether the watcher alerted this state.
    pub alerted: bool,
    /// The whole remediation as kensa-watch serializes it.
    pub body: Value,
    /// When the row was last written (RFC 3339 UTC).
    pub updated_at: String,
}

fn session(r: &AnyRow) -> Result<WatchSession> {
    let ctx = "reading a watch session";
    let regions: String = r.try_get("regions").ctx(ctx)?;
    Ok(WatchSession {
        source: r.try_get("source").ctx(ctx)?,
        regions: from_json("regions", &regions)?,
        model_ref: r.try_get("model_ref").ctx(ctx)?,
        model_hash: r.try_get("model_hash").ctx(ctx)?,
        policies_hash: r.try_get("policies_hash").ctx(ctx)?,
        state: r.try_get("state").ctx(ctx)?,
        message: r.try_get("message").ctx(ctx)?,
        started_at: r.try_get("started_at").ctx(ctx)?,
        updated_at: r.try_get("updated_at").ctx(ctx)?,
        last_event_at: r.try_get("last_event_at").ctx(ctx)?,
        last_resync_at: r.try_get("last_resync_at").ctx(ctx)?,
        drift_count: r.try_get("drift_count").ctx(ctx)?,
        stats: from_json("stats", &r.try_get::<String, _>("stats").ctx(ctx)?)?,
    })
}

fn remediation(r: &AnyRow) -> Result<StoredRemediation> {
    let ctx = "reading a watch remediation";
    Ok(StoredRemediation {
        id: r.try_get("id").ctx(ctx)?,
        source: r.try_get("source").ctx(ctx)?,
        policy: r.try_get("policy").ctx(ctx)?,
        state: r.try_get("state").ctx(ctx)?,
        at: r.try_get("at_secs").ctx(ctx)?,
        alerted: r.try_get::<i64, _>("alerted").ctx(ctx)? != 0,
        body: from_json("remediation", &r.try_get::<String, _>("body").ctx(ctx)?)?,
        updated_at: r.try_get("updated_at").ctx(ctx)?,
    })
}

/// The SHA-256 of a policy file's text, as [`Store::record_watch_policies`] keys it.
pub fn policies_hash(yaml: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(yaml.as_bytes()))
}

impl Store {
    /// Writes the session's row (inserted, or replacing the source's previous one).
    pub async fn record_watch_session(&self, s: &WatchSession) -> Result<()> {
        sqlx::query(
            "INSERT INTO watch_sessions (source, regions, model_ref, model_hash, policies_hash, \
             state, message, started_at, updated_at, last_event_at, last_resync_at, drift_count, \
             stats) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             ON CONFLICT (source) DO UPDATE SET regions = excluded.regions, \
             model_ref = excluded.model_ref, model_hash = excluded.model_hash, \
             policies_hash = excluded.policies_hash, state = excluded.state, \
             message = excluded.message, started_at = excluded.started_at, \
             updated_at = excluded.updated_at, last_event_at = excluded.last_event_at, \
             last_resync_at = excluded.last_resync_at, drift_count = excluded.drift_count, \
             stats = excluded.stats",
        )
        .bind(&s.source)
        .bind(to_json(&s.regions))
        .bind(&s.model_ref)
        .bind(&s.model_hash)
        .bind(&s.policies_hash)
        .bind(&s.state)
        .bind(&s.message)
        .bind(&s.started_at)
        .bind(&s.updated_at)
        .bind(&s.last_event_at)
        .bind(&s.last_resync_at)
        .bind(s.drift_count)
        .bind(to_json(&s.stats))
        .execute(&self.pool)
        .await
        .ctx("recording a watch session")?;
        Ok(())
    }

    /// Every watcher session, by source.
    pub async fn watch_sessions(&self) -> Result<Vec<WatchSession>> {
        sqlx::query("SELECT * FROM watch_sessions ORDER BY source")
            .fetch_all(&self.pool)
            .await
            .ctx("listing watch sessions")?
            .iter()
            .map(session)
            .collect()
    }

    /// Keeps a policy file's text by its hash (once); returns the hash.
    pub async fn record_watch_policies(&self, yaml: &str) -> Result<String> {
        let hash = policies_hash(yaml);
        sqlx::query(
            "INSERT INTO watch_policies (hash, yaml, first_used_at) VALUES ($1, $2, $3) \
             ON CONFLICT (hash) DO NOTHING",
        )
        .bind(&hash)
        .bind(yaml)
        .bind(clock::now())
        .execute(&self.pool)
        .await
        .ctx("recording watch policies")?;
        Ok(hash)
    }

    /// A policy file's text by its hash.
    pub async fn watch_policies(&self, hash: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT yaml FROM watch_policies WHERE hash = $1")
            .bind(hash)
            .fetch_optional(&self.pool)
            .await
            .ctx("reading watch policies")?;
        row.map(|r| r.try_get("yaml").ctx("reading watch policies"))
            .transpose()
    }

    /// Writes a remediation's current state (inserted, or replacing its row).
    pub async fn put_watch_remediation(&self, source: &str, r: &StoredRemediation) -> Result<()> {
        sqlx::query(
            "INSERT INTO watch_remediations (id, source, policy, state, at_secs, alerted, body, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (id) DO UPDATE SET state = excluded.state, at_secs = excluded.at_secs, \
             alerted = excluded.alerted, body = excluded.body, updated_at = excluded.updated_at",
        )
        .bind(&r.id)
        .bind(source)
        .bind(&r.policy)
        .bind(&r.state)
        .bind(r.at)
        .bind(i64::from(r.alerted))
        .bind(to_json(&r.body))
        .bind(clock::now())
        .execute(&self.pool)
        .await
        .ctx("recording a watch remediation")?;
        Ok(())
    }

    /// Moves a remediation from state `from` to `r`'s state, only if it is still in
    /// `from`: true when this call moved it (two approvers, or an approver and a
    /// watcher, never both act on one remediation).
    pub async fn transition_watch_remediation(
        &self,
        from: &str,
        r: &StoredRemediation,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE watch_remediations SET state = $1, at_secs = $2, alerted = $3, body = $4, \
             updated_at = $5 WHERE id = $6 AND state = $7",
        )
        .bind(&r.state)
        .bind(r.at)
        .bind(i64::from(r.alerted))
        .bind(to_json(&r.body))
        .bind(clock::now())
        .bind(&r.id)
        .bind(from)
        .execute(&self.pool)
        .await
        .ctx("changing a watch remediation's state")?;
        Ok(done.rows_affected() > 0)
    }

    /// A remediation by id.
    pub async fn watch_remediation(&self, id: &str) -> Result<Option<StoredRemediation>> {
        sqlx::query("SELECT * FROM watch_remediations WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .ctx("reading a watch remediation")?
            .as_ref()
            .map(remediation)
            .transpose()
    }

    /// Remediations, newest state change first; only those in `state` when given, only
    /// those of `source` when given, at most `limit`.
    pub async fn watch_remediations(
        &self,
        source: Option<&str>,
        state: Option<&str>,
        limit: i64,
    ) -> Result<Vec<StoredRemediation>> {
        sqlx::query(
            "SELECT * FROM watch_remediations WHERE ($1 = '' OR source = $1) \
             AND ($2 = '' OR state = $2) ORDER BY at_secs DESC, id LIMIT $3",
        )
        .bind(source.unwrap_or(""))
        .bind(state.unwrap_or(""))
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .ctx("listing watch remediations")?
        .iter()
        .map(remediation)
        .collect()
    }
}
