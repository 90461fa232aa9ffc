//! The snapshot a stored run assessed, read again for questions about it (path queries,
//! compliance, the instances of a report): the bundled demo, or the run's directory
//! when it still holds exactly what the run saw (same content hash) and lies inside the
//! server's `--allow-input` directories. Never another directory.
use std::path::PathBuf;

use kensa_model::Snapshot;
use kensa_store::Run;

use crate::error::ApiError;
use crate::state::AppState;

/// Run `run`'s snapshot, or a 409 saying why it cannot be read again.
pub async fn snapshot_of(state: &AppState, run: &Run) -> Result<Snapshot, ApiError> {
    let Some(info) = &run.snapshot else {
        return Err(ApiError::conflict(format!(
            "run {} has no snapshot (it never loaded one)",
            run.id
        )));
    };
    if info.source == "demo" {
        return blocking(kensa_model::demo::snapshot).await;
    }
    let Some(dir) = info.location.as_ref().map(PathBuf::from) else {
        return Err(ApiError::conflict(format!(
            "run {}'s snapshot has no directory to read",
            run.id
        )));
    };
    if !state.config.input_allowed(&dir) {
        return Err(ApiError::conflict(format!(
            "run {}'s snapshot {} is not inside the server's --allow-input directories",
            run.id,
            dir.display()
        )));
    }
    let expected = info.content_hash.clone();
    let id = run.id;
    blocking(move || {
        let now =
            kensa_store::hash_directory(&dir).map_err(|e| ApiError::conflict(e.to_string()))?;
        if now != expected {
            return Err(ApiError::conflict(format!(
                "{} changed since run {id} read it; ask about a newer run",
                dir.display()
            )));
        }
        Snapshot::load(&dir)
            .map_err(|e| ApiError::conflict(format!("cannot load snapshot {}: {e}", dir.display())))
    })
    .await?
}

/// Runs CPU- or disk-bound work off the request threads.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::internal(format!("background task failed: {e}")))
}
