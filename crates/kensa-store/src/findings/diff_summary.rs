//! The dashboard's view of a diff: counts per kind from SQL aggregates and at most a
//! page of entries per kind, so comparing two 900,000-finding runs never loads them.
use serde::Serialize;
use sqlx::Row;

use super::diff::{entry, DiffEntry, DiffKind};
use super::severity_of_rank;
use crate::db::Store;
use crate::error::{QueryContext, Result};

/// Two runs compared: how many findings of each kind, and the worst few of each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunDiffSummary {
    /// The older run (A).
    pub run_a: i64,
    /// The newer run (B).
    pub run_b: i64,
    /// New findings (seen by B, not by A).
    pub new: i64,
    /// Resolved findings (seen by A, not by B).
    pub resolved: i64,
    /// Seen by both, rated differently.
    pub changed_severity: i64,
    /// Seen by both, same severity.
    pub unchanged: i64,
    /// Up to the asked number of new, resolved and re-rated entries each, worst first
    /// (by the severity in B, else in A), then by id.
    pub entries: Vec<DiffEntry>,
}

impl RunDiffSummary {
    /// How many findings are of `kind`.
    pub fn count(&self, kind: DiffKind) -> i64 {
        match kind {
            DiffKind::New => self.new,
            DiffKind::Resolved => self.resolved,
            DiffKind::ChangedSeverity => self.changed_severity,
            DiffKind::Unchanged => self.unchanged,
        }
    }
}

const COLUMNS: &str =
    "x.finding_id AS id, x.severity AS sev_x, f.package, f.rule_id, f.title, f.resource_id";

impl Store {
    /// Compares runs `a` and `b` as [`Store::diff_runs`] does, keeping only the counts
    /// and `rows_per_kind` entries of each changed kind (`NotFound` when either run
    /// does not exist).
    pub async fn diff_summary(&self, a: i64, b: i64, rows_per_kind: i64) -> Result<RunDiffSummary> {
        self.run(a).await?;
        self.run(b).await?;
        let counts = sqlx::query(
            "SELECT COALESCE(SUM(CASE WHEN y.finding_id IS NULL THEN 1 ELSE 0 END), 0) AS resolved, \
                    COALESCE(SUM(CASE WHEN y.severity <> x.severity THEN 1 ELSE 0 END), 0) AS changed, \
                    COALESCE(SUM(CASE WHEN y.severity = x.severity THEN 1 ELSE 0 END), 0) AS unchanged \
             FROM run_findings x LEFT JOIN run_findings y ON y.run_id = $2 AND y.finding_id = x.finding_id \
             WHERE x.run_id = $1",
        )
        .bind(a)
        .bind(b)
        .fetch_one(&self.pool)
        .await
        .ctx("diffing runs")?;
        let count = |c: &str| counts.try_get::<i64, _>(c).ctx("diffing runs");
        let new = sqlx::query(
            "SELECT COUNT(*) AS n FROM run_findings x WHERE x.run_id = $1 \
             AND NOT EXISTS (SELECT 1 FROM run_findings y WHERE y.run_id = $2 AND y.finding_id = x.finding_id)",
        )
        .bind(b)
        .bind(a)
        .fetch_one(&self.pool)
        .await
        .ctx("diffing runs")?
        .try_get::<i64, _>("n")
        .ctx("diffing runs")?;
        let mut entries = self.new_entries(a, b, rows_per_kind).await?;
        entries.extend(self.older_entries(a, b, rows_per_kind).await?);
        Ok(RunDiffSummary {
            run_a: a,
            run_b: b,
            new,
            resolved: count("resolved")?,
            changed_severity: count("changed")?,
            unchanged: count("unchanged")?,
            entries,
        })
    }

    async fn new_entries(&self, a: i64, b: i64, limit: i64) -> Result<Vec<DiffEntry>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM run_findings x JOIN findings f ON f.id = x.finding_id \
             WHERE x.run_id = $1 AND NOT EXISTS \
             (SELECT 1 FROM run_findings y WHERE y.run_id = $2 AND y.finding_id = x.finding_id) \
             ORDER BY x.severity DESC, x.finding_id LIMIT $3"
        );
        let rows = sqlx::query(&sql)
            .bind(b)
            .bind(a)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .ctx("diffing runs")?;
        rows.iter()
            .map(|row| {
                let sb = severity_of_rank(row.try_get("sev_x").ctx("diffing runs")?)?;
                entry(row, DiffKind::New, None, Some(sb))
            })
            .collect()
    }

    /// Resolved and re-rated entries: both start from run A's sightings.
    async fn older_entries(&self, a: i64, b: i64, limit: i64) -> Result<Vec<DiffEntry>> {
        let mut entries = Vec::new();
        for (kind, condition, order) in [
            (DiffKind::Resolved, "y.finding_id IS NULL", "x.severity"),
            (
                DiffKind::ChangedSeverity,
                "y.severity <> x.severity",
                "y.severity",
            ),
        ] {
            let sql = format!(
                "SELECT {COLUMNS}, y.severity AS sev_y FROM run_findings x \
                 JOIN findings f ON f.id = x.finding_id \
                 LEFT JOIN run_findings y ON y.run_id = $2 AND y.finding_id = x.finding_id \
                 WHERE x.run_id = $1 AND {condition} ORDER BY {order} DESC, x.finding_id LIMIT $3"
            );
            let rows = sqlx::query(&sql)
                .bind(a)
                .bind(b)
                .bind(limit)
                .fetch_all(&self.pool)
                .await
                .ctx("diffing runs")?;
            for row in &rows {
                let sa = severity_of_rank(row.try_get("sev_x").ctx("diffing runs")?)?;
                let sb: Option<i64> = row.try_get("sev_y").ctx("diffing runs")?;
                entries.push(entry(
                    row,
                    kind,
                    Some(sa),
                    sb.map(severity_of_rank).transpose()?,
                )?);
            }
        }
        Ok(entries)
    }
}
