//! Findings with filters and paging, one finding, mute rules.
use axum::extract::State;
use axum::Json;
use kensa_model::{FindingStatus, Severity};
use kensa_store::{FindingFilter, MuteRule, StoredFinding};
use serde::{Deserialize, Serialize};

use super::json::{Path, Query};
use crate::auth::AsViewer;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Largest page.
pub const MAX_LIMIT: i64 = 1000;

/// Where `total` stops counting unless `exact_total=true` is asked for.
const TOTAL_CAP: i64 = 10_000;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct FindingQuery {
    /// Only findings seen by this run.
    pub run: Option<i64>,
    /// Comma-separated severities (critical, high, medium, low, informational).
    pub severity: Option<String>,
    /// Comma-separated packages.
    pub package: Option<String>,
    /// Comma-separated rule ids.
    pub rule: Option<String>,
    /// Resource id or glob (`i-0abc*`).
    pub resource: Option<String>,
    /// Comma-separated `KEY=VALUE` tag pairs.
    pub tag: Option<String>,
    /// Comma-separated statuses (active, resolved, suppressed).
    pub status: Option<String>,
    /// Comma-separated `KEY=VALUE` attributes.
    pub attribute: Option<String>,
    /// Page size, 1 to 1000 (default 100).
    pub limit: Option<i64>,
    /// Findings to skip (use `next_offset` of the previous page). Deep pages are
    /// cheaper with `cursor`.
    pub offset: Option<i64>,
    /// Start after this point: `next_cursor` of the previous page (opaque; not with a
    /// non-zero `offset`). Every page costs the same however deep.
    pub cursor: Option<String>,
    /// Count every matching finding for `total` (default false: counting stops at
    /// 10000, which keeps every page cheap on a large store).
    pub exact_total: Option<bool>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FindingPage {
    /// Findings matching the filters (all pages); a lower bound when
    /// `total_is_lower_bound` is true.
    pub total: i64,
    /// True when counting stopped at 10000 (ask with `exact_total=true` for the exact
    /// number).
    pub total_is_lower_bound: bool,
    #[schema(value_type = Vec<Object>)]
    pub findings: Vec<StoredFinding>,
    /// Offset of the next page; absent on the last, and when paging by cursor.
    pub next_offset: Option<i64>,
    /// Cursor of the next page (pass as `cursor`); absent on the last.
    pub next_cursor: Option<String>,
}

fn list_of(v: &Option<String>) -> Vec<String> {
    v.as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn pairs(field: &str, v: &Option<String>) -> Result<Vec<(String, String)>, ApiError> {
    list_of(v)
        .into_iter()
        .map(|p| match p.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
            _ => Err(ApiError::bad_request(format!(
                "{field} `{p}`: expected KEY=VALUE"
            ))),
        })
        .collect()
}

fn status_of(s: &str) -> Result<FindingStatus, ApiError> {
    match s {
        "active" => Ok(FindingStatus::Active),
        "resolved" => Ok(FindingStatus::Resolved),
        "suppressed" => Ok(FindingStatus::Suppressed),
        other => Err(ApiError::bad_request(format!(
            "status `{other}`: expected active, resolved or suppressed"
        ))),
    }
}

impl FindingQuery {
    pub fn to_filter(&self) -> Result<FindingFilter, ApiError> {
        let limit = self.limit.unwrap_or(100);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::bad_request(format!(
                "limit {limit}: expected 1 to {MAX_LIMIT}"
            )));
        }
        let offset = self.offset.unwrap_or(0);
        if offset < 0 {
            return Err(ApiError::bad_request("offset must not be negative"));
        }
        let severities = list_of(&self.severity)
            .iter()
            .map(|s| {
                s.parse::<Severity>()
                    .map_err(|e| ApiError::bad_request(format!("severity: {e}")))
            })
            .collect::<Result<_, _>>()?;
        Ok(FindingFilter {
            run: self.run,
            severities,
            min_severity: None,
            packages: list_of(&self.package),
            rules: list_of(&self.rule),
            resource: self.resource.clone().filter(|r| !r.is_empty()),
            tags: pairs("tag", &self.tag)?
                .into_iter()
                .map(|(key, value)| kensa_store::TagPair { key, value })
                .collect(),
            statuses: list_of(&self.status)
                .iter()
                .map(|s| status_of(s))
                .collect::<Result<_, _>>()?,
            attributes: pairs("attribute", &self.attribute)?,
            limit,
            offset,
        })
    }
}

/// Findings matching the filters, worst first, a page at a time.
#[utoipa::path(get, path = "/findings", tag = "findings", params(FindingQuery),
    responses((status = 200, body = FindingPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    _caller: AsViewer,
    Query(q): Query<FindingQuery>,
) -> Result<Json<FindingPage>, ApiError> {
    let mut filter = q.to_filter()?;
    let (total, total_is_lower_bound) = if q.exact_total.unwrap_or(false) {
        (s.store.count_findings(&filter).await?, false)
    } else {
        // One past the cap tells "exactly 10000" from "more than 10000".
        let n = s
            .store
            .count_findings_capped(&filter, TOTAL_CAP + 1)
            .await?;
        (n.min(TOTAL_CAP), n > TOTAL_CAP)
    };
    let limit = filter.limit as usize;
    // One more than the page: whether a next page exists without counting.
    filter.limit += 1;
    if let Some(text) = q.cursor.as_deref().filter(|c| !c.is_empty()) {
        let cursor = super::cursor::decode(text)?;
        if filter.offset != 0 {
            return Err(ApiError::bad_request("give cursor or offset, not both"));
        }
        let mut findings = s.store.findings_after(&filter, Some(&cursor)).await?;
        let more = findings.len() > limit;
        findings.truncate(limit);
        return Ok(Json(FindingPage {
            total,
            total_is_lower_bound,
            next_offset: None,
            next_cursor: more
                .then(|| findings.last().map(super::cursor::after))
                .flatten(),
            findings,
        }));
    }
    // The first page by keyset: the same order (worst first, then id) from the
    // (severity, id) index, where `ORDER BY … OFFSET 0` sorted every matching row
    // (6.8 s on 1,000,000 findings).
    let mut findings = if filter.offset == 0 {
        s.store.findings_after(&filter, None).await?
    } else {
        s.store.findings(&filter).await?
    };
    let more = findings.len() > limit;
    findings.truncate(limit);
    let next = filter.offset + findings.len() as i64;
    Ok(Json(FindingPage {
        total,
        total_is_lower_bound,
        next_offset: more.then_some(next),
        next_cursor: more
            .then(|| findings.last().map(super::cursor::after))
            .flatten(),
        findings,
    }))
}

/// One finding.
#[utoipa::path(get, path = "/findings/{id}", tag = "findings", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(s): State<AppState>,
    _caller: AsViewer,
    Path(id): Path<String>,
) -> Result<Json<StoredFinding>, ApiError> {
    Ok(Json(s.store.finding(&id).await?))
}

/// Mute rules.
#[utoipa::path(get, path = "/mutes", tag = "findings",
    responses((status = 200, body = [Object]), (status = 401, body = ErrorBody)))]
pub async fn mutes(
    State(s): State<AppState>,
    _caller: AsViewer,
) -> Result<Json<Vec<MuteRule>>, ApiError> {
    Ok(Json(s.store.mutes().await?))
}
