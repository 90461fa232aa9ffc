//! The audit log: who started or canceled a run, applied or rolled back remediation,
//! created or revoked a token, changed a setting. Append-only from the API's side.
use sqlx::Row;

use crate::clock;
use crate::db::Store;
use crate::error::{QueryContext, Result};

/// One entry to record.
#[derive(Debug, Clone)]
pub struct NewAuditEntry<'a> {
    /// The token name (or `cli` for offline commands).
    pub actor: &'a str,
    /// The API token used, when the action came through the server.
    pub token_id: Option<i64>,
    /// e.g. `run.start`, `token.revoke`.
    pub action: &'a str,
    /// What it acted on, e.g. `run:12`, `token:ci`.
    pub object: &'a str,
    /// JSON text with the request's parameters (never a secret).
    pub detail: &'a str,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    /// The store's id; entries are numbered in the order they were recorded.
    pub id: i64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// The token name, or `cli`.
    pub actor: String,
    /// The API token used, if any.
    pub token_id: Option<i64>,
    /// What was done (`run.start`, `token.revoke`, ...).
    pub action: String,
    /// What it was done to (`run:12`).
    pub object: String,
    /// The request's parameters as JSON text.
    pub detail: String,
}

impl Store {
    /// Appends an entry to the audit log; returns its id.
    pub async fn record_audit(&self, e: &NewAuditEntry<'_>) -> Result<i64> {
        let row = sqlx::query(
            "INSERT INTO audit_log (at, actor, token_id, action, object, detail) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(clock::now())
        .bind(e.actor)
        .bind(e.token_id)
        .bind(e.action)
        .bind(e.object)
        .bind(e.detail)
        .fetch_one(&self.pool)
        .await
        .ctx("recording an audit entry")?;
        row.try_get("id").ctx("recording an audit entry")
    }

    /// Entries with id below `before` (all when None), newest first, at most `limit`.
    pub async fn audit_log(&self, before: Option<i64>, limit: i64) -> Result<Vec<AuditEntry>> {
        let ctx = "reading the audit log";
        sqlx::query(
            "SELECT id, at, actor, token_id, action, object, detail FROM audit_log \
             WHERE id < $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .ctx(ctx)?
        .iter()
        .map(|r| {
            Ok(AuditEntry {
                id: r.try_get("id").ctx(ctx)?,
                at: r.try_get("at").ctx(ctx)?,
                actor: r.try_get("actor").ctx(ctx)?,
                token_id: r.try_get("token_id").ctx(ctx)?,
                action: r.try_get("action").ctx(ctx)?,
                object: r.try_get("object").ctx(ctx)?,
                detail: r.try_get("detail").ctx(ctx)?,
            })
        })
        .collect()
    }
}
