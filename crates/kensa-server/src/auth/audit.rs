//! Audit log writes from handlers, and the entry's shape in the API.
use kensa_store::{NewAuditEntry, Store, StoreError};

use super::Caller;

/// Records that `caller` did `action` to `object` (`detail`: the request's parameters,
/// never a secret). Also logged at info level.
pub async fn record(
    store: &Store,
    caller: &Caller,
    action: &str,
    object: &str,
    detail: serde_json::Value,
) -> Result<i64, StoreError> {
    tracing::info!(actor = %caller.name, action, object, "audit");
    store
        .record_audit(&NewAuditEntry {
            actor: &caller.name,
            token_id: Some(caller.token_id),
            action,
            object,
            detail: &detail.to_string(),
        })
        .await
}

/// Records an offline (command line) action by the local operator.
pub async fn record_cli(
    store: &Store,
    action: &str,
    object: &str,
    detail: serde_json::Value,
) -> Result<i64, StoreError> {
    store
        .record_audit(&NewAuditEntry {
            actor: "cli",
            token_id: None,
            action,
            object,
            detail: &detail.to_string(),
        })
        .await
}
