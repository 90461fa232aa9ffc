//! Host agents: enrollment tokens, enrolled agents with their heartbeat, telemetry
//! uploads (deduplicated by upload id, ordered by sequence) and refused uploads.
//! Secrets are stored as SHA-256 hex only; the server makes and checks them.
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::clock;
use crate::db::Store;
use crate::error::{QueryContext, Result, StoreError};

/// An enrollment token as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EnrollmentToken {
    /// Row id, assigned by the database.
    pub id: i64,
    /// A unique label chosen at creation (1 to 100 characters, trimmed); agents record it
    /// as `enrolled_with`.
    pub name: String,
    /// Who created the token.
    pub created_by: String,
    /// When the token was created, as RFC 3339 UTC text with milliseconds.
    pub created_at: String,
    /// When the token was revoked (it enrolls no more agents); None while it is live.
    pub revoked_at: Option<String>,
}

/// Minutes without a heartbeat after which an agent is "agent unhealthy": shown so in
/// the agent list and an exclusion in runs that need its host's data.
pub const STALE_AFTER_MINUTES: i64 = 15;

/// An enrolled agent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Agent {
    /// The identifier the server gave the agent at enrollment (a UUID v4).
    pub id: String,
    /// The host name the agent reported when it enrolled.
    pub hostname: String,
    /// The enrollment token's name.
    pub enrolled_with: String,
    /// When the agent enrolled, as RFC 3339 UTC text with milliseconds.
    pub enrolled_at: String,
    /// The version the agent reported in its latest heartbeat; None until its first
    /// heartbeat.
    pub agent_version: Option<String>,
    /// When the latest heartbeat arrived; None if the agent never sent one.
    pub last_heartbeat_at: Option<String>,
    /// When the latest stored upload arrived; None before the first one.
    pub last_upload_at: Option<String>,
    /// The sequence number of the latest stored upload (0 before the first): a new upload
    /// must be above it.
    pub last_sequence: i64,
}

impl Agent {
    /// Has a heartbeat arrived at or after `cutoff` (RFC 3339 UTC text, as
    /// [`crate::clock::format_millis`] writes it)? Never having sent one is stale.
    pub fn is_fresh(&self, cutoff: &str) -> bool {
        // Timestamps are fixed-width RFC 3339 UTC text: they compare as text.
        self.last_heartbeat_at
            .as_deref()
            .is_some_and(|t| t >= cutoff)
    }
}

/// One upload to record.
#[derive(Debug, Clone)]
pub struct NewUpload<'a> {
    /// The uploading agent's id.
    pub agent_id: &'a str,
    /// The agent's id for this upload; a second upload with the same id is a duplicate.
    pub upload_id: &'a str,
    /// The agent's counter for this upload; must be above the agent's `last_sequence` to be
    /// stored.
    pub sequence: i64,
    /// When the agent collected the telemetry, as the document states it.
    pub collected_at: &'a str,
    /// Size of the upload body as received, gzipped, in bytes.
    pub compressed_bytes: i64,
    /// The decompressed telemetry document, as JSON text.
    pub telemetry: &'a str,
}

/// What became of an upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadOutcome {
    /// The upload was new and is stored; the agent's last sequence moved to it.
    Stored,
    /// This (agent, upload id) was stored before: nothing changed.
    Duplicate,
    /// The sequence is not above the last one stored: a replay or an older upload.
    Stale {
        /// The agent's last stored sequence, which this upload's does not exceed.
        last_sequence: i64,
    },
}

const AGENT_COLUMNS: &str = "id, hostname, enrolled_with, enrolled_at, agent_version, \
     last_heartbeat_at, last_upload_at, last_sequence";

fn agent_of_row(row: &AnyRow) -> Result<Agent> {
    let ctx = "reading an agent";
    Ok(Agent {
        id: row.try_get("id").ctx(ctx)?,
        hostname: row.try_get("hostname").ctx(ctx)?,
        enrolled_with: row.try_get("enrolled_with").ctx(ctx)?,
        enrolled_at: row.try_get("enrolled_at").ctx(ctx)?,
        agent_version: row.try_get("agent_version").ctx(ctx)?,
        last_heartbeat_at: row.try_get("last_heartbeat_at").ctx(ctx)?,
        last_upload_at: row.try_get("last_upload_at").ctx(ctx)?,
        last_sequence: row.try_get("last_sequence").ctx(ctx)?,
    })
}

fn enrollment_of_row(row: &AnyRow) -> Result<EnrollmentToken> {
    let ctx = "reading an enrollment token";
    Ok(EnrollmentToken {
        id: row.try_get("id").ctx(ctx)?,
        name: row.try_get("name").ctx(ctx)?,
        created_by: row.try_get("created_by").ctx(ctx)?,
        created_at: row.try_get("created_at").ctx(ctx)?,
        revoked_at: row.try_get("revoked_at").ctx(ctx)?,
    })
}

impl Store {
    /// Stores an enrollment token (`secret_sha256`: hex SHA-256 of its secret).
    pub async fn create_enrollment_token(
        &self,
        name: &str,
        secret_sha256: &str,
        created_by: &str,
    ) -> Result<EnrollmentToken> {
        let name = name.trim();
        if name.is_empty() || name.len() > 100 || name.chars().any(char::is_control) {
            return Err(StoreError::invalid(
                "enrollment token name",
                "1 to 100 characters, no control characters",
            ));
        }
        let exists = sqlx::query("SELECT id FROM agent_enrollment_tokens WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await
            .ctx("creating an enrollment token")?;
        if exists.is_some() {
            return Err(StoreError::Exists {
                what: "enrollment token",
                name: name.to_string(),
            });
        }
        sqlx::query(
            "INSERT INTO agent_enrollment_tokens (name, secret_sha256, created_by, created_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(name)
        .bind(secret_sha256)
        .bind(created_by)
        .bind(clock::now())
        .execute(&self.pool)
        .await
        .ctx("creating an enrollment token")?;
        let row = sqlx::query("SELECT * FROM agent_enrollment_tokens WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .ctx("reading an enrollment token")?;
        enrollment_of_row(&row)
    }

    /// The live enrollment token with this secret hash.
    pub async fn enrollment_token(&self, secret_sha256: &str) -> Result<Option<EnrollmentToken>> {
        sqlx::query(
            "SELECT * FROM agent_enrollment_tokens WHERE secret_sha256 = $1 AND revoked_at IS NULL",
        )
        .bind(secret_sha256)
        .fetch_optional(&self.pool)
        .await
        .ctx("reading an enrollment token")?
        .as_ref()
        .map(enrollment_of_row)
        .transpose()
    }

    /// Records a newly enrolled agent.
    pub async fn create_agent(
        &self,
        id: &str,
        hostname: &str,
        credential_sha256: &str,
        enrolled_with: &str,
    ) -> Result<Agent> {
        sqlx::query(
            "INSERT INTO agents (id, hostname, credential_sha256, enrolled_with, enrolled_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(hostname)
        .bind(credential_sha256)
        .bind(enrolled_with)
        .bind(clock::now())
        .execute(&self.pool)
        .await
        .ctx("enrolling an agent")?;
        self.agent(id).await?.ok_or_else(|| StoreError::NotFound {
            what: "agent",
            name: id.to_string(),
        })
    }

    /// The agent with this id; None when there is none.
    pub async fn agent(&self, id: &str) -> Result<Option<Agent>> {
        sqlx::query(&format!("SELECT {AGENT_COLUMNS} FROM agents WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .ctx("reading an agent")?
            .as_ref()
            .map(agent_of_row)
            .transpose()
    }

    /// The agent whose credential has this hash.
    pub async fn agent_by_credential(&self, credential_sha256: &str) -> Result<Option<Agent>> {
        sqlx::query(&format!(
            "SELECT {AGENT_COLUMNS} FROM agents WHERE credential_sha256 = $1"
        ))
        .bind(credential_sha256)
        .fetch_optional(&self.pool)
        .await
        .ctx("authenticating an agent")?
        .as_ref()
        .map(agent_of_row)
        .transpose()
    }

    /// Every agent, by host name then id.
    pub async fn agents(&self) -> Result<Vec<Agent>> {
        sqlx::query(&format!(
            "SELECT {AGENT_COLUMNS} FROM agents ORDER BY hostname, id"
        ))
        .fetch_all(&self.pool)
        .await
        .ctx("listing agents")?
        .iter()
        .map(agent_of_row)
        .collect()
    }

    /// Records a heartbeat from agent `id`: sets its last heartbeat to now and its version
    /// to `agent_version`.
    pub async fn agent_heartbeat(&self, id: &str, agent_version: &str) -> Result<()> {
        sqlx::query("UPDATE agents SET last_heartbeat_at = $1, agent_version = $2 WHERE id = $3")
            .bind(clock::now())
            .bind(agent_version)
            .bind(id)
            .execute(&self.pool)
            .await
            .ctx("recording a heartbeat")?;
        Ok(())
    }

    /// Stores an upload unless it was stored before or its sequence is not above the
    /// agent's last one; one transaction, so two copies racing store once.
    pub async fn record_upload(&self, up: &NewUpload<'_>) -> Result<UploadOutcome> {
        let ctx = "storing an agent upload";
        let mut tx = self.pool.begin().await.ctx(ctx)?;
        let seen = sqlx::query(
            "SELECT sequence FROM agent_uploads WHERE agent_id = $1 AND upload_id = $2",
        )
        .bind(up.agent_id)
        .bind(up.upload_id)
        .fetch_optional(&mut *tx)
        .await
        .ctx(ctx)?;
        if seen.is_some() {
            return Ok(UploadOutcome::Duplicate);
        }
        let last: i64 = sqlx::query("SELECT last_sequence FROM agents WHERE id = $1")
            .bind(up.agent_id)
            .fetch_one(&mut *tx)
            .await
            .ctx(ctx)?
            .try_get("last_sequence")
            .ctx(ctx)?;
        if up.sequence <= last {
            return Ok(UploadOutcome::Stale {
                last_sequence: last,
            });
        }
        let now = clock::now();
        sqlx::query(
            "INSERT INTO agent_uploads (agent_id, upload_id, sequence, received_at, collected_at, \
             compressed_bytes, telemetry) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(up.agent_id)
        .bind(up.upload_id)
        .bind(up.sequence)
        .bind(&now)
        .bind(up.collected_at)
        .bind(up.compressed_bytes)
        .bind(up.telemetry)
        .execute(&mut *tx)
        .await
        .ctx(ctx)?;
        // Guarded by the old value: a concurrent upload that moved it first wins.
        let moved = sqlx::query(
            "UPDATE agents SET last_sequence = $1, last_upload_at = $2 WHERE id = $3 AND last_sequence = $4",
        )
        .bind(up.sequence)
        .bind(&now)
        .bind(up.agent_id)
        .bind(last)
        .execute(&mut *tx)
        .await
        .ctx(ctx)?;
        if moved.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!(
                "agent {} uploaded concurrently; retry",
                up.agent_id
            )));
        }
        tx.commit().await.ctx(ctx)?;
        Ok(UploadOutcome::Stored)
    }

    /// Upload ids and sequences of an agent, in sequence order.
    pub async fn agent_uploads(&self, agent_id: &str) -> Result<Vec<(String, i64)>> {
        let rows = sqlx::query(
            "SELECT upload_id, sequence FROM agent_uploads WHERE agent_id = $1 ORDER BY sequence",
        )
        .bind(agent_id)
        .fetch_all(&self.pool)
        .await
        .ctx("listing agent uploads")?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("upload_id").ctx("reading an upload")?,
                    r.try_get("sequence").ctx("reading an upload")?,
                ))
            })
            .collect()
    }

    /// The newest telemetry document of an agent (JSON text).
    pub async fn latest_telemetry(&self, agent_id: &str) -> Result<Option<String>> {
        let row = sqlx::query(
            "SELECT telemetry FROM agent_uploads WHERE agent_id = $1 ORDER BY sequence DESC LIMIT 1",
        )
        .bind(agent_id)
        .fetch_optional(&self.pool)
        .await
        .ctx("reading telemetry")?;
        row.map(|r| r.try_get("telemetry").ctx("reading telemetry"))
            .transpose()
    }

    /// Records a refused request (who, when, why) for the operator.
    pub async fn record_agent_rejection(
        &self,
        agent_id: Option<&str>,
        remote: Option<&str>,
        status: i64,
        reason: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO agent_rejections (agent_id, remote, status, reason, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(agent_id)
        .bind(remote)
        .bind(status)
        .bind(reason)
        .bind(clock::now())
        .execute(&self.pool)
        .await
        .ctx("recording a refused agent request")?;
        Ok(())
    }

    /// Refused requests, newest first: (agent id, status, reason, at).
    pub async fn agent_rejections(
        &self,
        limit: i64,
    ) -> Result<Vec<(Option<String>, i64, String, String)>> {
        let rows = sqlx::query(
            "SELECT agent_id, status, reason, at FROM agent_rejections ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .ctx("listing refused agent requests")?;
        let ctx = "reading a refused agent request";
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("agent_id").ctx(ctx)?,
                    r.try_get("status").ctx(ctx)?,
                    r.try_get("reason").ctx(ctx)?,
                    r.try_get("at").ctx(ctx)?,
                ))
            })
            .collect()
    }
}
