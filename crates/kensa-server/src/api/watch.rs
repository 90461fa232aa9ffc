//! Continuous protection: the watchers writing to this store (`kensa serve --watch`, or
//! `kensa watch --store` anywhere) — their state, last event, last resync and drift —
//! and the remediations their policies planned. An operator approves a pending one
//! here; the watcher, which alone reaches AWS, applies and verifies it on its next poll
//! and alerts the outcome (the alerts feed, `GET /alerts`).
use axum::extract::State;
use axum::Json;
use kensa_store::{StoredRemediation, WatchSession};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::json::{Path, Query};
use super::remediation::page_limit;
use crate::auth::{audit, AsOperator, AsViewer, Authorized, Caller};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// The states a remediation can be in (kensa-watch's names).
pub const STATES: [&str; 9] = [
    "pending",
    "approved",
    "applying",
    "applied",
    "failed",
    "dry-run",
    "rate-limited",
    "exempt",
    "nothing-to-do",
];

#[derive(Debug, Serialize)]
pub struct Sessions {
    pub sessions: Vec<WatchSession>,
}

/// Every watcher session in the store: state (`running`, `stopped`, `failed` with
/// `message`), `last_event_at`, `last_resync_at`, `drift_count`, the model it started
/// from, the hash of its policies and its counts.
#[utoipa::path(get, path = "/watch", tag = "watch",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn sessions(
    State(s): State<AppState>,
    _caller: AsViewer,
) -> Result<Json<Sessions>, ApiError> {
    Ok(Json(Sessions {
        sessions: s.store.watch_sessions().await?,
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RemediationQuery {
    /// Only remediations in this state (`pending`, `approved`, `applying`, `applied`,
    /// `failed`, `dry-run`, `rate-limited`, `exempt`, `nothing-to-do`).
    pub state: Option<String>,
    /// At most this many, 1-500 (default 100).
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct Remediations {
    pub remediations: Vec<StoredRemediation>,
}

/// The `state` filter checked against the known states.
pub fn check_state(state: Option<&str>) -> Result<Option<&str>, ApiError> {
    match state.filter(|s| !s.is_empty()) {
        Some(st) if !STATES.contains(&st) => Err(ApiError::bad_request(format!(
            "state `{st}`: expected one of {}",
            STATES.join(", ")
        ))),
        other => Ok(other),
    }
}

/// Remediations the watchers' policies planned, newest first; `body` is the whole
/// remediation (event, exposed interface and ports, groups, plan, journal id, report).
#[utoipa::path(get, path = "/watch/remediations", tag = "watch", params(RemediationQuery),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn remediations(
    State(s): State<AppState>,
    _caller: AsViewer,
    Query(q): Query<RemediationQuery>,
) -> Result<Json<Remediations>, ApiError> {
    let state = check_state(q.state.as_deref())?;
    let limit = page_limit(q.limit, 100)?;
    Ok(Json(Remediations {
        remediations: s.store.watch_remediations(None, state, limit).await?,
    }))
}

/// Approve a pending remediation (operator, audit-logged): it becomes `approved`, and
/// the watcher applies its plan (journaled, verified; `kensa remediate rollback`
/// undoes it). 404 for an unknown id, 409 unless it is `pending` (one approval only).
#[utoipa::path(post, path = "/watch/remediations/{id}/approve", tag = "watch", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn approve(
    State(s): State<AppState>,
    Authorized(caller): AsOperator,
    Path(id): Path<String>,
) -> Result<Json<StoredRemediation>, ApiError> {
    Ok(Json(approve_remediation(&s, &caller, &id).await?))
}

/// Whether `id` is a remediation id: `R` and 12 lowercase hex digits.
fn check_id(id: &str) -> Result<(), ApiError> {
    let ok = id.len() == 13
        && id.starts_with('R')
        && id[1..]
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if ok {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "`{id}` is not a remediation id (R and 12 hex digits)"
        )))
    }
}

/// Approves remediation `id` for `caller`, audit-logged (API and dashboard).
pub async fn approve_remediation(
    s: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<StoredRemediation, ApiError> {
    check_id(id)?;
    let mut rem = s
        .store
        .watch_remediation(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no remediation {id}")))?;
    if rem.state != "pending" {
        return Err(ApiError::conflict(format!(
            "remediation {id} is {}, not awaiting approval",
            rem.state
        )));
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let by = format!("approved by {}", caller.name);
    rem.state = "approved".into();
    rem.at = now;
    rem.alerted = false;
    if let Some(body) = rem.body.as_object_mut() {
        body.insert("state".into(), json!("approved"));
        body.insert("at".into(), json!(now));
        body.insert("by".into(), json!(by));
        body.insert("alerted".into(), json!(false));
        body.insert(
            "message".into(),
            json!(format!("{by}; the watcher applies it next")),
        );
    }
    if !s
        .store
        .transition_watch_remediation("pending", &rem)
        .await?
    {
        return Err(ApiError::conflict(format!(
            "remediation {id} was approved or changed meanwhile"
        )));
    }
    audit::record(
        &s.store,
        caller,
        "watch.approve",
        &format!("remediation:{id}"),
        json!({"policy": rem.policy, "source": rem.source}),
    )
    .await?;
    Ok(s.store.watch_remediation(id).await?.unwrap_or(rem))
}
