//! `kensa findings diff RUN_A RUN_B`: what changed between two runs' sightings.
use kensa_model::Severity;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::severity_of_rank;
use crate::db::Store;
use crate::error::{QueryContext, Result};

/// How a finding differs between run A and run B.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffKind {
    /// Seen by B, not by A.
    New,
    /// Seen by A, not by B.
    Resolved,
    /// Seen by both with another severity.
    ChangedSeverity,
    /// Seen by both, same severity.
    Unchanged,
}

impl DiffKind {
    /// The kind as printed and in JSON (`changed_severity`).
    pub fn as_str(self) -> &'static str {
        match self {
            DiffKind::New => "new",
            DiffKind::Resolved => "resolved",
            DiffKind::ChangedSeverity => "changed_severity",
            DiffKind::Unchanged => "unchanged",
        }
    }
}

/// One finding of either run, and how it differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffEntry {
    /// New, resolved, changed severity or unchanged.
    pub kind: DiffKind,
    /// The finding id (stable across runs).
    pub id: String,
    /// Its package.
    pub package: String,
    /// Its rule.
    pub rule_id: String,
    /// Its title.
    pub title: String,
    /// The resource it is about.
    pub resource_id: String,
    /// Its severity in run A; `None` when A did not see it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity_a: Option<Severity>,
    /// Its severity in run B; `None` when B did not see it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity_b: Option<Severity>,
}

/// The findings of two runs compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunDiff {
    /// The older run (A).
    pub run_a: i64,
    /// The newer run (B).
    pub run_b: i64,
    /// Sorted by kind (new, resolved, changed, unchanged), then id.
    pub entries: Vec<DiffEntry>,
}

impl RunDiff {
    /// How many entries are of `kind`.
    pub fn count(&self, kind: DiffKind) -> usize {
        self.entries.iter().filter(|e| e.kind == kind).count()
    }
}

impl Store {
    /// Compares the findings runs `a` and `b` reported (`NotFound` when either does not
    /// exist).
    pub async fn diff_runs(&self, a: i64, b: i64) -> Result<RunDiff> {
        // Both runs must exist: a typo must not read as "everything is new".
        self.run(a).await?;
        self.run(b).await?;
        let both = "SELECT x.finding_id AS id, x.severity AS sev_x, y.severity AS sev_y, f.package, f.rule_id, f.title, f.resource_id \
                    FROM run_findings x JOIN findings f ON f.id = x.finding_id \
                    LEFT JOIN run_findings y ON y.finding_id = x.finding_id AND y.run_id = $2 \
                    WHERE x.run_id = $1";
        let mut entries = Vec::new();
        for row in self.diff_rows(both, a, b).await? {
            let sa = severity_of_rank(row.try_get("sev_x").ctx("diffing runs")?)?;
            let sb: Option<i64> = row.try_get("sev_y").ctx("diffing runs")?;
            let sb = sb.map(severity_of_rank).transpose()?;
            let kind = match sb {
                None => DiffKind::Resolved,
                Some(s) if s != sa => DiffKind::ChangedSeverity,
                Some(_) => DiffKind::Unchanged,
            };
            entries.push(entry(&row, kind, Some(sa), sb)?);
        }
        let only_b = "SELECT x.finding_id AS id, x.severity AS sev_x, f.package, f.rule_id, f.title, f.resource_id \
                      FROM run_findings x JOIN findings f ON f.id = x.finding_id \
                      WHERE x.run_id = $1 AND NOT EXISTS (SELECT 1 FROM run_findings y WHERE y.run_id = $2 AND y.finding_id = x.finding_id)";
        for row in self.diff_rows(only_b, b, a).await? {
            let sb = severity_of_rank(row.try_get("sev_x").ctx("diffing runs")?)?;
            entries.push(entry(&row, DiffKind::New, None, Some(sb))?);
        }
        entries.sort_by(|x, y| (x.kind, &x.id).cmp(&(y.kind, &y.id)));
        Ok(RunDiff {
            run_a: a,
            run_b: b,
            entries,
        })
    }

    async fn diff_rows(&self, sql: &str, x: i64, y: i64) -> Result<Vec<AnyRow>> {
        sqlx::query(sql)
            .bind(x)
            .bind(y)
            .fetch_all(&self.pool)
            .await
            .ctx("diffing runs")
    }
}

pub(super) fn entry(
    row: &AnyRow,
    kind: DiffKind,
    a: Option<Severity>,
    b: Option<Severity>,
) -> Result<DiffEntry> {
    let text = |c: &str| row.try_get::<String, _>(c).ctx("diffing runs");
    Ok(DiffEntry {
        kind,
        id: text("id")?,
        package: text("package")?,
        rule_id: text("rule_id")?,
        title: text("title")?,
        resource_id: text("resource_id")?,
        severity_a: a,
        severity_b: b,
    })
}
