//! Token secrets: `kensa_<lookup>_<secret>`, 16 hex characters of public lookup id and
//! 43 characters (32 random bytes) of secret. The store keeps the argon2id hash of the
//! whole text; verification results are cached for a minute (argon2 is deliberately
//! slow) keyed by a SHA-256 of the token, and a cached hit still checks revocation.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use kensa_store::{ApiToken, Store, StoreError};
use sha2::{Digest, Sha256};

use super::Role;

/// A new token: the secret (shown once) and what the store keeps.
pub struct NewToken {
    /// The whole token (`kensa_<lookup>_<secret>`), shown once to its owner.
    pub secret: String,
    /// The public part the store finds the token by.
    pub lookup: String,
    /// The argon2id hash of the whole token (PHC string), what the store keeps.
    pub hash: String,
}

/// Random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::getrandom(&mut b).expect("the operating system's random source failed");
    b
}

/// `bytes` as unpadded URL-safe base64.
pub fn url_safe(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The SHA-256 of `text`, in lowercase hex.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Generates a token and its argon2id hash.
pub fn generate() -> NewToken {
    let lookup = hex::encode(random_bytes::<8>());
    let secret = format!("kensa_{lookup}_{}", url_safe(&random_bytes::<32>()));
    let salt = SaltString::encode_b64(&random_bytes::<16>()).expect("16 bytes is a valid salt");
    let hash = Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .expect("argon2 with default parameters hashes any input")
        .to_string();
    NewToken {
        secret,
        lookup,
        hash,
    }
}

/// Creates a token in the store and returns it with its secret (the only time the
/// secret exists outside the caller's hands).
pub async fn create(
    store: &Store,
    name: &str,
    role: Role,
) -> Result<(ApiToken, String), StoreError> {
    let new = generate();
    let token = store
        .create_token(name, role.as_str(), &new.lookup, &new.hash)
        .await?;
    Ok((token, new.secret))
}

/// The lookup id of a well-formed token.
fn lookup_of(secret: &str) -> Option<&str> {
    let rest = secret.strip_prefix("kensa_")?;
    let (lookup, tail) = rest.split_once('_')?;
    (lookup.len() == 16 && lookup.bytes().all(|b| b.is_ascii_hexdigit()) && !tail.is_empty())
        .then_some(lookup)
}

/// Verified tokens: SHA-256 of the secret -> (token, role, verified at).
#[derive(Default)]
pub struct VerifyCache {
    entries: Mutex<HashMap<String, (ApiToken, Instant)>>,
    touched: Mutex<HashMap<i64, Instant>>,
}

const CACHE_FOR: Duration = Duration::from_secs(60);

impl VerifyCache {
    /// The live token `secret` stands for, or None.
    pub async fn verify(
        &self,
        store: &Store,
        secret: &str,
    ) -> Result<Option<ApiToken>, StoreError> {
        let key = sha256_hex(secret);
        let cached = self.lock_entries().get(&key).cloned();
        if let Some((token, at)) = cached {
            if at.elapsed() < CACHE_FOR {
                return Ok(store.token_live(token.id).await?.then_some(token));
            }
        }
        let Some(lookup) = lookup_of(secret) else {
            return Ok(None);
        };
        let Some(stored) = store.token_secret(lookup).await? else {
            return Ok(None);
        };
        let secret_owned = secret.to_string();
        let hash = stored.secret_hash.clone();
        // argon2 takes tens of milliseconds of CPU: off the async threads.
        let ok = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&hash)
                .map(|h| {
                    Argon2::default()
                        .verify_password(secret_owned.as_bytes(), &h)
                        .is_ok()
                })
                .unwrap_or(false)
        })
        .await
        .unwrap_or(false);
        if !ok {
            return Ok(None);
        }
        {
            let mut entries = self.lock_entries();
            if entries.len() > 10_000 {
                entries.retain(|_, (_, at)| at.elapsed() < CACHE_FOR);
            }
            entries.insert(key, (stored.token.clone(), Instant::now()));
        }
        self.touch(store, stored.token.id).await;
        Ok(Some(stored.token))
    }

    fn lock_entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, (ApiToken, Instant)>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records use at most once a minute per token.
    async fn touch(&self, store: &Store, id: i64) {
        let due = {
            let mut t = self.touched.lock().unwrap_or_else(|p| p.into_inner());
            let due = t.get(&id).is_none_or(|at| at.elapsed() >= CACHE_FOR);
            if due {
                t.insert(id, Instant::now());
            }
            due
        };
        if due {
            if let Err(e) = store.touch_token(id).await {
                tracing::warn!(error = %e, "could not record token use");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_parse_and_verify() {
        let t = generate();
        assert_eq!(lookup_of(&t.secret), Some(t.lookup.as_str()));
        let h = PasswordHash::new(&t.hash).unwrap();
        assert!(Argon2::default()
            .verify_password(t.secret.as_bytes(), &h)
            .is_ok());
        assert!(Argon2::default()
            .verify_password(b"kensa_wrong", &h)
            .is_err());
        assert!(!t.hash.contains(&t.secret));
    }

    #[test]
    fn malformed_tokens_have_no_lookup() {
        for bad in [
            "",
            "kensa_",
            "kensa_abc_x",
            "other_0123456789abcdef_x",
            "kensa_0123456789abcdef_",
        ] {
            assert_eq!(lookup_of(bad), None, "{bad}");
        }
    }
}
