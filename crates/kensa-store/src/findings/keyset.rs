//! Keyset (cursor) paging over findings in their list order (worst first, then by id):
//! a page starts after the last finding of the previous one instead of skipping
//! `offset` rows, so page 10,000 costs what page 1 costs.
//!
//! The order is `severity DESC, id ASC`, which no single index direction serves; but
//! there are only five severities, so a page is read one severity at a time (at most
//! five queries), each `severity = S AND id > LAST ORDER BY id` — exactly the existing
//! `(severity, id)` and `(package, severity, id)` indexes. No new index is needed.
use super::query::{bind, where_clause, Value};
use super::{finding_of_row, severity_rank, FindingFilter, StoredFinding, FINDING_COLUMNS};
use crate::db::Store;
use crate::error::{QueryContext, Result, StoreError};
use kensa_model::Severity;

/// Where a page of findings starts: after the finding with this severity and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingCursor {
    /// Severity of the previous page's last finding (pages go from worst to least severe).
    pub severity: Severity,
    /// Id of the previous page's last finding; the page starts after it within its
    /// severity.
    pub id: String,
}

impl FindingCursor {
    /// The cursor just after `f`.
    pub fn after(f: &StoredFinding) -> FindingCursor {
        FindingCursor {
            severity: f.finding.severity,
            id: f.finding.id.clone(),
        }
    }
}

/// Which way a slice of one severity is read.
#[derive(Debug, Clone, Copy)]
enum Direction {
    Forward,
    Backward,
}

impl Store {
    /// Up to `filter.limit` findings matching `filter` that come after `cursor` in the
    /// list order (from the start when `None`). `filter.offset` must be 0.
    pub async fn findings_after(
        &self,
        filter: &FindingFilter,
        cursor: Option<&FindingCursor>,
    ) -> Result<Vec<StoredFinding>> {
        if filter.offset != 0 {
            return Err(StoreError::invalid(
                "paging",
                "a cursor and an offset cannot be combined",
            ));
        }
        let limit = if filter.limit == 0 { 100 } else { filter.limit };
        let start = cursor.map_or(i64::MAX, |c| severity_rank(c.severity));
        let mut ranks: Vec<i64> = Severity::ALL
            .iter()
            .map(|s| severity_rank(*s))
            .filter(|r| *r <= start)
            .collect();
        ranks.sort_unstable_by(|a, b| b.cmp(a));
        let mut page = Vec::new();
        for rank in ranks {
            let want = limit - page.len() as i64;
            if want <= 0 {
                break;
            }
            let after = cursor
                .filter(|c| severity_rank(c.severity) == rank)
                .map(|c| c.id.as_str());
            page.extend(
                self.severity_slice(filter, rank, after, want, Direction::Forward)
                    .await?,
            );
        }
        Ok(page)
    }

    /// Up to `filter.limit` findings matching `filter` that come just before `cursor` in
    /// the list order (the page before the one that starts at `cursor`'s finding), in
    /// list order. `filter.offset` must be 0.
    pub async fn findings_before(
        &self,
        filter: &FindingFilter,
        cursor: &FindingCursor,
    ) -> Result<Vec<StoredFinding>> {
        if filter.offset != 0 {
            return Err(StoreError::invalid(
                "paging",
                "a cursor and an offset cannot be combined",
            ));
        }
        let limit = if filter.limit == 0 { 100 } else { filter.limit };
        let start = severity_rank(cursor.severity);
        let mut ranks: Vec<i64> = Severity::ALL
            .iter()
            .map(|s| severity_rank(*s))
            .filter(|r| *r >= start)
            .collect();
        ranks.sort_unstable();
        // Walked backwards: the cursor's severity below its id, then each worse one
        // from its largest id down; reversed at the end into list order.
        let mut page = Vec::new();
        for rank in ranks {
            let want = limit - page.len() as i64;
            if want <= 0 {
                break;
            }
            let before = (rank == start).then_some(cursor.id.as_str());
            page.extend(
                self.severity_slice(filter, rank, before, want, Direction::Backward)
                    .await?,
            );
        }
        page.reverse();
        Ok(page)
    }

    /// Findings of one severity rank matching `filter`: by id after `from` (forward), or
    /// by id descending before `from` (backward).
    async fn severity_slice(
        &self,
        filter: &FindingFilter,
        rank: i64,
        from: Option<&str>,
        limit: i64,
        direction: Direction,
    ) -> Result<Vec<StoredFinding>> {
        if !filter.severities.is_empty()
            && !filter.severities.iter().any(|s| severity_rank(*s) == rank)
        {
            return Ok(Vec::new());
        }
        let mut s = filter.to_sql(self.backend)?;
        let r = s.param(Value::Int(rank));
        s.clauses.push(format!("f.severity = {r}"));
        let (compare, order) = match direction {
            Direction::Forward => (">", "ASC"),
            Direction::Backward => ("<", "DESC"),
        };
        if let Some(id) = from {
            let p = s.param(Value::Text(id.to_string()));
            s.clauses.push(format!("f.id {compare} {p}"));
        }
        let l = s.param(Value::Int(limit));
        let sql = format!(
            "SELECT {FINDING_COLUMNS} FROM findings f {} ORDER BY f.id {order} LIMIT {l}",
            where_clause(&s.clauses)
        );
        bind(sqlx::query(&sql), s.values)
            .fetch_all(&self.pool)
            .await
            .ctx("listing findings after a cursor")?
            .iter()
            .map(finding_of_row)
            .collect()
    }
}
