//! Remediation: journals of apply runs (list, show), rolling one back (operator; the
//! same code `kensa remediate rollback` runs, against the AWS the server is configured
//! for), and plans computed for a run's snapshot or a snapshot directory (a dry run:
//! applying stays with `kensa remediate apply`, which journals on disk before it
//! changes anything).
use axum::extract::State;
use axum::Json;
use kensa_store::{Journal, JournalSummary};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::json::{Path, Query};
use crate::auth::{audit, AsAdmin, AsOperator, AsViewer, Authorized, Caller};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Journals on one page unless `limit` says otherwise; the most a page holds.
pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// Entries older than this `seq` (the previous page's `next_before`).
    pub before: Option<i64>,
    /// Entries per page, 1-500 (default 50).
    pub limit: Option<i64>,
}

/// `limit` checked: 1..=500, `default` when absent.
pub fn page_limit(limit: Option<i64>, default: i64) -> Result<i64, ApiError> {
    match limit {
        None => Ok(default),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(n) => Err(ApiError::bad_request(format!(
            "limit {n}: expected 1 to {MAX_LIMIT}"
        ))),
    }
}

#[derive(Debug, Serialize)]
pub struct JournalPage {
    pub journals: Vec<JournalSummary>,
    /// Pass as `before` for the next page; absent on the last page.
    pub next_before: Option<i64>,
}

/// Journal ids are what `kensa remediate apply` names its directories
/// (`20261207T180000Z-1a2b3c4d`); anything else cannot exist.
pub fn check_journal_id(id: &str) -> Result<(), ApiError> {
    let ok = !id.is_empty()
        && id.len() <= 100
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    if ok {
        Ok(())
    } else {
        Err(ApiError::not_found(format!(
            "remediation journal `{}` not found",
            id.escape_debug()
        )))
    }
}

/// Remediation journals, newest first.
#[utoipa::path(get, path = "/remediation/journals", tag = "remediation", params(PageQuery),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    _caller: AsViewer,
    Query(q): Query<PageQuery>,
) -> Result<Json<JournalPage>, ApiError> {
    let limit = page_limit(q.limit, DEFAULT_LIMIT)?;
    let journals = s.store.journals(q.before, limit).await?;
    let next_before = (journals.len() as i64 == limit)
        .then(|| journals.last().map(|j| j.seq))
        .flatten();
    Ok(Json(JournalPage {
        journals,
        next_before,
    }))
}

/// One journal: its plan, and each action with its original state (`before`), its
/// result (`after`), its state and when it was applied, verified and rolled back.
#[utoipa::path(get, path = "/remediation/journals/{id}", tag = "remediation", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(s): State<AppState>,
    _caller: AsViewer,
    Path(id): Path<String>,
) -> Result<Json<Journal>, ApiError> {
    check_journal_id(&id)?;
    Ok(Json(s.store.journal(&id).await?))
}

/// Roll a journal back (operator): restores every action's original state, newest
/// first, and verifies it. Answers with the journal; its `state` is `rolled-back`, or
/// `rollback-failed` with `state_message` and each action's messages saying why.
/// 409 when the journal was already rolled back or a rollback is running; 501 when
/// the server was built without AWS support.
#[utoipa::path(post, path = "/remediation/journals/{id}/rollback", tag = "remediation", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 501, body = ErrorBody)))]
pub async fn rollback(
    State(s): State<AppState>,
    Authorized(caller): AsOperator,
    Path(id): Path<String>,
) -> Result<Json<Journal>, ApiError> {
    Ok(Json(rollback_journal(&s, &caller, &id).await?))
}

/// Reset a journal left `rolling-back` by a rollback whose process died (admin): it
/// becomes `rollback-failed`, saying who reset it, and can be rolled back again (each
/// action's original state is known, so a second rollback restores what the first did
/// not). 409 unless the journal is `rolling-back` and its rollback started longer ago
/// than the server's reset delay (15 minutes by default), so a rollback still at work
/// is never taken from under it. Audit-logged.
#[utoipa::path(post, path = "/remediation/journals/{id}/reset", tag = "remediation", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn reset(
    State(s): State<AppState>,
    Authorized(caller): AsAdmin,
    Path(id): Path<String>,
) -> Result<Json<Journal>, ApiError> {
    Ok(Json(reset_journal(&s, &caller, &id).await?))
}

/// Resets journal `id` for `caller` (admin), audit-logged (API and dashboard).
pub async fn reset_journal(s: &AppState, caller: &Caller, id: &str) -> Result<Journal, ApiError> {
    check_journal_id(id)?;
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let cutoff = kensa_store::clock::format_millis(
        now_ms - s.config.rollback_reset_after.as_millis() as i64,
    );
    let journal = s.store.reset_rollback(id, &caller.name, &cutoff).await?;
    audit::record(
        &s.store,
        caller,
        "remediation.reset",
        &format!("journal:{id}"),
        json!({"state": journal.summary.state, "message": journal.summary.state_message}),
    )
    .await?;
    Ok(journal)
}

/// Rolls back journal `id` for `caller`, audit-logged (API and dashboard).
pub async fn rollback_journal(
    s: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<Journal, ApiError> {
    check_journal_id(id)?;
    let journal = s.store.journal(id).await?;
    audit::record(
        &s.store,
        caller,
        "remediation.rollback",
        &format!("journal:{id}"),
        json!({"state": journal.summary.state}),
    )
    .await?;
    run_rollback(s, caller, id).await
}

#[cfg(feature = "aws")]
async fn run_rollback(s: &AppState, caller: &Caller, id: &str) -> Result<Journal, ApiError> {
    use crate::remediation::{rollback_stored, RemediationError};
    match rollback_stored(&s.store, &s.config.aws, id, &caller.name).await {
        Ok(j) => Ok(j),
        Err(RemediationError::Store(e)) => Err(e.into()),
        Err(e) => Err(ApiError::conflict(e.to_string())),
    }
}

#[cfg(not(feature = "aws"))]
async fn run_rollback(_s: &AppState, _caller: &Caller, _id: &str) -> Result<Journal, ApiError> {
    Err(ApiError::new(
        axum::http::StatusCode::NOT_IMPLEMENTED,
        "not_implemented",
        "this kensa was built without AWS support; roll back with `kensa remediate rollback`",
    ))
}
