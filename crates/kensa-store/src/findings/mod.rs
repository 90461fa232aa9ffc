//! Findings: stable ids across runs, first/last seen, status, which runs saw them.
mod diff;
mod diff_summary;
mod keyset;
mod query;
mod resolve;
mod write;

use std::collections::BTreeMap;

use kensa_model::{Finding, FindingStatus, Severity};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::db::Backend;
use crate::error::{QueryContext, Result, StoreError};
use crate::json::from_json;

pub use diff::{DiffEntry, DiffKind, RunDiff};
pub use diff_summary::RunDiffSummary;
pub use keyset::FindingCursor;
pub use query::FindingFilter;
pub use resolve::ResourceKey;
pub use write::FindingWriter;

/// Severities are stored as a rank so `ORDER BY severity DESC` puts the worst first.
pub(crate) fn severity_rank(s: Severity) -> i64 {
    match s {
        Severity::Informational => 0,
        Severity::Low => 1,
        Severity::Medium => 2,
        Severity::High => 3,
        Severity::Critical => 4,
    }
}

pub(crate) fn severity_of_rank(rank: i64) -> Result<Severity> {
    Ok(match rank {
        0 => Severity::Informational,
        1 => Severity::Low,
        2 => Severity::Medium,
        3 => Severity::High,
        4 => Severity::Critical,
        other => {
            return Err(StoreError::Decode {
                what: "finding",
                message: format!("severity rank {other}"),
            })
        }
    })
}

pub(crate) fn status_str(s: FindingStatus) -> &'static str {
    match s {
        FindingStatus::Active => "active",
        FindingStatus::Resolved => "resolved",
        FindingStatus::Suppressed => "suppressed",
    }
}

pub(crate) fn parse_status(s: &str) -> Result<FindingStatus> {
    match s {
        "active" => Ok(FindingStatus::Active),
        "resolved" => Ok(FindingStatus::Resolved),
        "suppressed" => Ok(FindingStatus::Suppressed),
        other => Err(StoreError::invalid(
            "status",
            format!("`{other}` (expected active, resolved or suppressed)"),
        )),
    }
}

/// A finding as stored: the analyser's finding (with `first_seen`, `last_seen` and
/// `status` filled in) plus the store's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredFinding {
    /// The finding as the analyser reported it last.
    #[serde(flatten)]
    pub finding: Finding,
    /// The template's user attributes, as of the last run that saw the finding.
    pub user_attributes: BTreeMap<String, String>,
    /// Why the status is what it is (the mute that suppressed it, the run that resolved it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
    /// The first run that reported it.
    pub first_run: i64,
    /// The last run that reported it.
    pub last_run: i64,
    /// When it was resolved (a covering run no longer saw it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<String>,
    /// The run that resolved it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved_by_run: Option<i64>,
    /// Every run that saw it (filled by `finding()`, empty in lists).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub runs: Vec<i64>,
}

pub(crate) const FINDING_COLUMNS: &str = "f.id, f.body, f.status, f.status_reason, f.severity, f.user_attributes, f.first_seen, f.last_seen, f.first_run, f.last_run, f.resolved_at, f.resolved_by_run";

pub(crate) fn finding_of_row(row: &AnyRow) -> Result<StoredFinding> {
    let text = |c: &str| row.try_get::<String, _>(c).ctx("reading a finding");
    let mut finding: Finding = from_json("finding", &text("body")?)?;
    finding.id = text("id")?;
    finding.status = parse_status(&text("status")?)?;
    finding.severity = severity_of_rank(row.try_get("severity").ctx("reading a finding")?)?;
    finding.first_seen = Some(text("first_seen")?);
    finding.last_seen = Some(text("last_seen")?);
    Ok(StoredFinding {
        finding,
        user_attributes: from_json("finding user attributes", &text("user_attributes")?)?,
        status_reason: row.try_get("status_reason").ctx("reading a finding")?,
        first_run: row.try_get("first_run").ctx("reading a finding")?,
        last_run: row.try_get("last_run").ctx("reading a finding")?,
        resolved_at: row.try_get("resolved_at").ctx("reading a finding")?,
        resolved_by_run: row.try_get("resolved_by_run").ctx("reading a finding")?,
        runs: Vec::new(),
    })
}

/// `($1, $2, ...), (...)`: placeholders for `rows` rows of `cols` values, numbered from
/// `start + 1` (PostgreSQL); plain `?`s on SQLite, whose values are then bound in the
/// order they appear. SQLite looks a numbered parameter up by walking every parameter
/// name before it, so a statement of thousands of `$N`s costs quadratic time to bind
/// (most of a stored run's time, measured); anonymous `?`s are bound by position.
pub(crate) fn placeholders(backend: Backend, rows: usize, cols: usize, start: usize) -> String {
    let mut s = String::with_capacity(rows * cols * 6);
    for r in 0..rows {
        if r > 0 {
            s.push_str(", ");
        }
        s.push('(');
        for c in 0..cols {
            if c > 0 {
                s.push_str(", ");
            }
            push_param(&mut s, backend, start + r * cols + c + 1);
        }
        s.push(')');
    }
    s
}

/// `$a, $b, ...` for parameters `first..first + n` (`?, ?, ...` on SQLite), for `IN (...)`.
pub(crate) fn param_list(backend: Backend, first: usize, n: usize) -> String {
    let mut s = String::with_capacity(n * 6);
    for i in 0..n {
        if i > 0 {
            s.push_str(", ");
        }
        push_param(&mut s, backend, first + i);
    }
    s
}

fn push_param(s: &mut String, backend: Backend, number: usize) {
    match backend {
        Backend::Sqlite => s.push('?'),
        Backend::Postgres => {
            s.push('$');
            s.push_str(&number.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{param_list, placeholders};
    use crate::db::Backend;

    #[test]
    fn placeholders_number_rows_in_order() {
        assert_eq!(
            placeholders(Backend::Postgres, 2, 2, 1),
            "($2, $3), ($4, $5)"
        );
        assert_eq!(placeholders(Backend::Sqlite, 2, 2, 1), "(?, ?), (?, ?)");
        assert_eq!(param_list(Backend::Postgres, 4, 2), "$4, $5");
        assert_eq!(param_list(Backend::Sqlite, 4, 2), "?, ?");
    }
}
