//! API tokens and browser sessions. The store never holds a secret: a token is kept as
//! its argon2 hash (found by a public lookup id), a session as the SHA-256 of its cookie
//! value. Roles are plain text here; the server gives them meaning.
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::clock;
use crate::db::Store;
use crate::error::{QueryContext, Result, StoreError};

/// A token as listed: everything but its hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApiToken {
    /// The store's id.
    pub id: i64,
    /// The unique name it was created with; the audit log's actor.
    pub name: String,
    /// What it may do (`viewer`, `operator`, `admin`), as the server checks it.
    pub role: String,
    /// When it was created (RFC 3339, UTC).
    pub created_at: String,
    /// When it last authenticated a request.
    pub last_used_at: Option<String>,
    /// When it was revoked; a revoked token authenticates nothing.
    pub revoked_at: Option<String>,
}

/// A token with the hash its secret is checked against.
#[derive(Debug, Clone)]
pub struct StoredSecret {
    /// The token.
    pub token: ApiToken,
    /// The hash of its secret (the secret itself is never stored).
    pub secret_hash: String,
}

/// A browser session: which token it stands for, its CSRF token and expiry.
#[derive(Debug, Clone)]
pub struct BrowserSession {
    /// The token the session acts as.
    pub token: ApiToken,
    /// The CSRF token state-changing requests of the session must echo.
    pub csrf: String,
    /// When the session ends (RFC 3339, UTC).
    pub expires_at: String,
}

const TOKEN_COLUMNS: &str =
    "t.id, t.name, t.role, t.created_at, t.last_used_at, t.revoked_at, t.secret_hash";

fn token_of_row(row: &AnyRow) -> Result<ApiToken> {
    let ctx = "reading a token";
    Ok(ApiToken {
        id: row.try_get("id").ctx(ctx)?,
        name: row.try_get("name").ctx(ctx)?,
        role: row.try_get("role").ctx(ctx)?,
        created_at: row.try_get("created_at").ctx(ctx)?,
        last_used_at: row.try_get("last_used_at").ctx(ctx)?,
        revoked_at: row.try_get("revoked_at").ctx(ctx)?,
    })
}

impl Store {
    /// Stores a new token; `lookup` is the public part of the secret, `secret_hash`
    /// the argon2 PHC string of the whole secret.
    pub async fn create_token(
        &self,
        name: &str,
        role: &str,
        lookup: &str,
        secret_hash: &str,
    ) -> Result<ApiToken> {
        let name = name.trim();
        if name.is_empty() || name.len() > 100 || name.chars().any(char::is_control) {
            return Err(StoreError::invalid(
                "token name",
                "1 to 100 characters, no control characters",
            ));
        }
        let exists = sqlx::query("SELECT id FROM api_tokens WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await
            .ctx("creating a token")?;
        if exists.is_some() {
            return Err(StoreError::Exists {
                what: "token",
                name: name.to_string(),
            });
        }
        sqlx::query(
            "INSERT INTO api_tokens (name, role, lookup, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(name)
        .bind(role)
        .bind(lookup)
        .bind(secret_hash)
        .bind(clock::now())
        .execute(&self.pool)
        .await
        .ctx("creating a token")?;
        self.token(name).await
    }

    /// One token by name (revoked ones included).
    pub async fn token(&self, name: &str) -> Result<ApiToken> {
        let row = sqlx::query(&format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens t WHERE t.name = $1"
        ))
        .bind(name)
        .fetch_optional(&self.pool)
        .await
        .ctx("reading a token")?
        .ok_or_else(|| StoreError::NotFound {
            what: "token",
            name: name.to_string(),
        })?;
        token_of_row(&row)
    }

    /// Every token, oldest first.
    pub async fn tokens(&self) -> Result<Vec<ApiToken>> {
        sqlx::query(&format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens t ORDER BY t.id"
        ))
        .fetch_all(&self.pool)
        .await
        .ctx("listing tokens")?
        .iter()
        .map(token_of_row)
        .collect()
    }

    /// The live (not revoked) token with this lookup id, with its hash.
    pub async fn token_secret(&self, lookup: &str) -> Result<Option<StoredSecret>> {
        let row = sqlx::query(&format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens t WHERE t.lookup = $1 AND t.revoked_at IS NULL"
        ))
        .bind(lookup)
        .fetch_optional(&self.pool)
        .await
        .ctx("reading a token")?;
        row.map(|row| {
            Ok(StoredSecret {
                token: token_of_row(&row)?,
                secret_hash: row.try_get("secret_hash").ctx("reading a token")?,
            })
        })
        .transpose()
    }

    /// Whether token `id` is still live (checked on every request a cached
    /// verification serves, so a revocation takes effect at once).
    pub async fn token_live(&self, id: i64) -> Result<bool> {
        let row = sqlx::query("SELECT id FROM api_tokens WHERE id = $1 AND revoked_at IS NULL")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .ctx("checking a token")?;
        Ok(row.is_some())
    }

    /// Records that a token was used (called at most once a minute per token).
    pub async fn touch_token(&self, id: i64) -> Result<()> {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(clock::now())
            .bind(id)
            .execute(&self.pool)
            .await
            .ctx("recording token use")?;
        Ok(())
    }

    /// Revokes a token and ends its browser sessions. Revoking twice is a conflict.
    pub async fn revoke_token(&self, name: &str) -> Result<ApiToken> {
        let token = self.token(name).await?;
        if token.revoked_at.is_some() {
            return Err(StoreError::Conflict(format!(
                "token `{name}` is already revoked"
            )));
        }
        let mut tx = self.pool.begin().await.ctx("revoking a token")?;
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2")
            .bind(clock::now())
            .bind(token.id)
            .execute(&mut *tx)
            .await
            .ctx("revoking a token")?;
        sqlx::query("DELETE FROM browser_sessions WHERE token_id = $1")
            .bind(token.id)
            .execute(&mut *tx)
            .await
            .ctx("ending a token's sessions")?;
        tx.commit().await.ctx("revoking a token")?;
        self.token(name).await
    }

    /// Stores a browser session (by the SHA-256 of its cookie secret).
    pub async fn create_session(
        &self,
        secret_sha256: &str,
        token_id: i64,
        csrf: &str,
        expires_at: &str,
    ) -> Result<()> {
        sqlx::query("DELETE FROM browser_sessions WHERE expires_at < $1")
            .bind(clock::now())
            .execute(&self.pool)
            .await
            .ctx("removing expired sessions")?;
        sqlx::query(
            "INSERT INTO browser_sessions (secret_sha256, token_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(secret_sha256)
        .bind(token_id)
        .bind(csrf)
        .bind(clock::now())
        .bind(expires_at)
        .execute(&self.pool)
        .await
        .ctx("creating a session")?;
        Ok(())
    }

    /// The unexpired session of a live token with this cookie hash.
    pub async fn session(&self, secret_sha256: &str) -> Result<Option<BrowserSession>> {
        let row = sqlx::query(&format!(
            "SELECT {TOKEN_COLUMNS}, s.csrf, s.expires_at FROM browser_sessions s \
             JOIN api_tokens t ON t.id = s.token_id \
             WHERE s.secret_sha256 = $1 AND s.expires_at > $2 AND t.revoked_at IS NULL"
        ))
        .bind(secret_sha256)
        .bind(clock::now())
        .fetch_optional(&self.pool)
        .await
        .ctx("reading a session")?;
        row.map(|row| {
            Ok(BrowserSession {
                token: token_of_row(&row)?,
                csrf: row.try_get("csrf").ctx("reading a session")?,
                expires_at: row.try_get("expires_at").ctx("reading a session")?,
            })
        })
        .transpose()
    }

    /// Ends a session (logout). Ending an unknown session is not an error.
    pub async fn delete_session(&self, secret_sha256: &str) -> Result<()> {
        sqlx::query("DELETE FROM browser_sessions WHERE secret_sha256 = $1")
            .bind(secret_sha256)
            .execute(&self.pool)
            .await
            .ctx("ending a session")?;
        Ok(())
    }

    /// A trivial query: is the store answering? (`/healthz`)
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1")
            .fetch_one(&self.pool)
            .await
            .ctx("checking the store")?;
        Ok(())
    }
}
