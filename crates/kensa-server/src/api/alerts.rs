//! `GET /alerts`: CloudTrail alerts that `kensa trail` stored, newest first, filtered by
//! rule, priority (that one or more severe) and event time, paged by `before`.
use axum::extract::State;
use axum::Json;
use kensa_store::{AlertFilter, StoredAlert};
use serde::{Deserialize, Serialize};

use super::json::Query;
use super::remediation::page_limit;
use crate::auth::AsViewer;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Alerts on a page unless `limit` says otherwise.
pub const DEFAULT_LIMIT: i64 = 100;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct AlertQuery {
    /// Exactly this rule name.
    pub rule: Option<String>,
    /// This priority or a more severe one: emergency, alert, critical, error, warning,
    /// notice, informational (or info), debug.
    pub priority: Option<String>,
    /// Events at or after this time (RFC 3339, e.g. `2026-12-07T00:00:00Z`).
    pub since: Option<String>,
    /// Alerts older than this id (the previous page's `next_before`).
    pub before: Option<i64>,
    /// Alerts per page, 1-500 (default 100).
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct AlertPage {
    pub alerts: Vec<StoredAlert>,
    /// Pass as `before` for the next page; absent on the last page.
    pub next_before: Option<i64>,
}

/// `since` must look like an RFC 3339 time (or a date): it is compared as text.
fn check_since(since: &str) -> Result<(), ApiError> {
    let b = since.as_bytes();
    let date_ok = b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    let rest_ok =
        date_ok && (b.len() == 10 || (b[10] == b'T' && since.is_ascii() && since.len() <= 40));
    if date_ok && rest_ok {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "since `{}`: expected an RFC 3339 time such as 2026-12-07T00:00:00Z",
            since.escape_debug()
        )))
    }
}

/// The store filter for a query (API and dashboard).
pub fn filter(q: &AlertQuery, default_limit: i64) -> Result<AlertFilter, ApiError> {
    let nonempty = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let max_rank = match nonempty(&q.priority) {
        None => None,
        Some(p) => Some(kensa_store::priority_rank(&p).ok_or_else(|| {
            ApiError::bad_request(format!(
                "priority `{}`: expected one of {}",
                p.escape_debug(),
                kensa_store::alerts::PRIORITIES.join(", ")
            ))
        })?),
    };
    let since = nonempty(&q.since);
    if let Some(s) = &since {
        check_since(s)?;
    }
    Ok(AlertFilter {
        rule: nonempty(&q.rule),
        max_rank,
        since,
        before: q.before,
        limit: page_limit(q.limit, default_limit)?,
    })
}

/// CloudTrail alerts, newest first.
#[utoipa::path(get, path = "/alerts", tag = "alerts", params(AlertQuery),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    _caller: AsViewer,
    Query(q): Query<AlertQuery>,
) -> Result<Json<AlertPage>, ApiError> {
    let f = filter(&q, DEFAULT_LIMIT)?;
    let alerts = s.store.alerts(&f).await?;
    let next_before = (alerts.len() as i64 == f.limit)
        .then(|| alerts.last().map(|a| a.id))
        .flatten();
    Ok(Json(AlertPage {
        alerts,
        next_before,
    }))
}
