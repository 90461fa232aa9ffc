//! Streaming findings into the store: a run hands findings over one at a time; every
//! `batch` of them is written in one transaction (upsert, tags, the run's sighting), so
//! a killed process loses nothing already flushed and nothing is held in memory.
use std::collections::{BTreeMap, HashSet};

use kensa_model::{Finding, FindingStatus};
use kensa_rules::mute::Mute;

use super::{param_list, placeholders, severity_rank, status_str};
use crate::clock;
use crate::db::Store;
use crate::error::{QueryContext, Result, StoreError};
use crate::fence::FencePoint;
use crate::json::to_json;

/// Findings per transaction: each transaction is one commit (one sync of the journal),
/// and a killed run loses at most the batch it was writing. 4,000 findings hold a few
/// megabytes while queued.
pub const DEFAULT_BATCH: usize = 4000;

const FINDING_COLS: usize = 18;

/// Findings per INSERT statement: 1,000 × 18 columns stays under SQLite's 32,766 bound
/// variables and PostgreSQL's 65,535.
const FINDINGS_PER_STATEMENT: usize = 1000;

/// Rows per statement of the three-column tables (tags, run sightings).
const ROWS_PER_STATEMENT: usize = 5000;

/// Streams one run's findings into the store in batches: each batch is one transaction,
/// so a killed run keeps what was flushed and memory holds one batch at most.
pub struct FindingWriter<'s> {
    store: &'s Store,
    run: i64,
    user_attributes: String,
    mutes: Vec<(usize, Mute)>,
    batch: Vec<Finding>,
    batch_size: usize,
    written: u64,
}

impl<'s> FindingWriter<'s> {
    /// A writer for `run`, adding the template's user attributes and applying the
    /// store's live mute rules (as of `today`, `YYYY-MM-DD`) to every finding.
    pub async fn new(
        store: &'s Store,
        run: i64,
        user_attributes: &BTreeMap<String, String>,
        today: &str,
    ) -> Result<FindingWriter<'s>> {
        let mutes = store.live_mutes(today).await?;
        Ok(FindingWriter {
            store,
            run,
            user_attributes: to_json(user_attributes),
            mutes,
            batch: Vec::with_capacity(DEFAULT_BATCH),
            batch_size: DEFAULT_BATCH,
            written: 0,
        })
    }

    /// The same writer, writing `n` findings per transaction (1 to [`DEFAULT_BATCH`]).
    pub fn with_batch_size(mut self, n: usize) -> Self {
        self.batch_size = n.clamp(1, DEFAULT_BATCH);
        self
    }

    /// Queues one finding; writes the batch when it is full. Fails with
    /// [`StoreError::Canceled`] when someone canceled the run.
    pub async fn push(&mut self, finding: Finding) -> Result<()> {
        self.batch.push(finding);
        if self.batch.len() >= self.batch_size {
            self.flush().await?;
        }
        Ok(())
    }

    /// Writes what is queued and returns how many findings were written in all.
    pub async fn finish(mut self) -> Result<u64> {
        self.flush().await?;
        Ok(self.written)
    }

    /// Writes the queued findings now, in one transaction.
    pub async fn flush(&mut self) -> Result<()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let mut batch = std::mem::take(&mut self.batch);
        // One id once per statement (PostgreSQL refuses to upsert a row twice).
        let mut ids = HashSet::with_capacity(batch.len());
        batch.retain(|f| ids.insert(f.id.clone()));
        self.write(&batch).await?;
        self.written += batch.len() as u64;
        batch.clear();
        self.batch = batch;
        if self.store.cancel_requested(self.run).await? {
            return Err(StoreError::Canceled(self.run));
        }
        Ok(())
    }

    async fn write(&self, batch: &[Finding]) -> Result<()> {
        let now = clock::now();
        let mut tx = self.store.pool.begin().await.ctx("storing findings")?;
        self.store
            .check_fence(&mut tx, self.run, FencePoint::BeforeWrites)
            .await?;
        for chunk in batch.chunks(FINDINGS_PER_STATEMENT) {
            self.upsert(&mut tx, chunk, &now).await?;
        }
        self.write_tags(&mut tx, batch).await?;
        for chunk in batch.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO run_findings (run_id, finding_id, severity) VALUES {} ON CONFLICT DO NOTHING",
                placeholders(self.store.backend, chunk.len(), 3, 0)
            );
            let mut q = sqlx::query(&sql).persistent(chunk.len() == ROWS_PER_STATEMENT);
            for f in chunk {
                q = q
                    .bind(self.run)
                    .bind(f.id.as_str())
                    .bind(severity_rank(f.severity));
            }
            q.execute(&mut *tx)
                .await
                .ctx("recording the run's findings")?;
        }
        // A worker that stalled past its lease stops here: the batch is rolled back.
        self.store
            .check_fence(&mut tx, self.run, FencePoint::BeforeCommit)
            .await?;
        tx.commit().await.ctx("storing findings")
    }

    /// One multi-row upsert of `chunk` (at most [`FINDINGS_PER_STATEMENT`] findings).
    async fn upsert(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        chunk: &[Finding],
        now: &str,
    ) -> Result<()> {
        let rows: Vec<Row> = chunk.iter().map(|f| self.row(f)).collect();
        let sql = format!(
            "INSERT INTO findings (id, package, rule_id, title, severity, resource_type, resource_id, account, region, attributes, user_attributes, body, status, status_reason, first_seen, last_seen, first_run, last_run) VALUES {} \
             ON CONFLICT (id) DO UPDATE SET package = excluded.package, rule_id = excluded.rule_id, title = excluded.title, severity = excluded.severity, resource_type = excluded.resource_type, resource_id = excluded.resource_id, account = excluded.account, region = excluded.region, attributes = excluded.attributes, user_attributes = excluded.user_attributes, body = excluded.body, status = excluded.status, status_reason = excluded.status_reason, last_seen = excluded.last_seen, last_run = excluded.last_run, resolved_at = NULL, resolved_by_run = NULL",
            placeholders(self.store.backend, chunk.len(), FINDING_COLS, 0)
        );
        // Only full-size statements are worth keeping prepared: each odd size would stay
        // in the connection's statement cache (a prepared statement of thousands of
        // parameters holds megabytes).
        let mut q = sqlx::query(&sql).persistent(chunk.len() == FINDINGS_PER_STATEMENT);
        for (f, r) in chunk.iter().zip(&rows) {
            q = q
                .bind(f.id.as_str())
                .bind(f.package.as_str())
                .bind(f.rule_id.as_str())
                .bind(f.title.as_str())
                .bind(severity_rank(f.severity))
                .bind(f.resource.resource_type.as_str())
                .bind(f.resource.id.as_str())
                .bind(f.resource.account.as_str())
                .bind(f.resource.region.as_str())
                .bind(r.attributes.as_str())
                .bind(self.user_attributes.as_str())
                .bind(r.body.as_str())
                .bind(status_str(r.status))
                .bind(r.reason.as_deref())
                .bind(now)
                .bind(now)
                .bind(self.run)
                .bind(self.run);
        }
        q.execute(&mut **tx).await.ctx("storing findings")?;
        Ok(())
    }

    async fn write_tags(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        batch: &[Finding],
    ) -> Result<()> {
        let backend = self.store.backend;
        for chunk in batch.chunks(FINDINGS_PER_STATEMENT) {
            let sql = format!(
                "DELETE FROM finding_tags WHERE finding_id IN ({})",
                param_list(backend, 1, chunk.len())
            );
            let mut q = sqlx::query(&sql).persistent(chunk.len() == FINDINGS_PER_STATEMENT);
            for f in chunk {
                q = q.bind(f.id.as_str());
            }
            q.execute(&mut **tx).await.ctx("storing finding tags")?;
        }
        let tags: Vec<(&str, &str, &str)> = batch
            .iter()
            .flat_map(|f| {
                f.resource
                    .tags
                    .iter()
                    .map(|(k, v)| (f.id.as_str(), k.as_str(), v.as_str()))
            })
            .collect();
        for chunk in tags.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO finding_tags (finding_id, tag_key, tag_value) VALUES {}",
                placeholders(backend, chunk.len(), 3, 0)
            );
            let mut q = sqlx::query(&sql).persistent(chunk.len() == ROWS_PER_STATEMENT);
            for (id, k, v) in chunk {
                q = q.bind(*id).bind(*k).bind(*v);
            }
            q.execute(&mut **tx).await.ctx("storing finding tags")?;
        }
        Ok(())
    }

    /// What a finding's row holds besides its plain columns.
    fn row(&self, f: &Finding) -> Row {
        let (status, reason) = match self.mutes.iter().find(|(_, m)| m.matches(f)) {
            Some((i, m)) => (
                FindingStatus::Suppressed,
                Some(super::super::mutes::reason(*i, m)),
            ),
            None => (FindingStatus::Active, None),
        };
        // The columns are the truth for these; keep the body free of stale copies.
        // Analysers leave them unset, so the copy is rarely needed.
        let body =
            if f.first_seen.is_none() && f.last_seen.is_none() && f.status == FindingStatus::Active
            {
                to_json(f)
            } else {
                let mut body = f.clone();
                body.first_seen = None;
                body.last_seen = None;
                body.status = FindingStatus::Active;
                to_json(&body)
            };
        Row {
            attributes: to_json(&f.attributes),
            body,
            status,
            reason,
        }
    }
}

struct Row {
    attributes: String,
    body: String,
    status: FindingStatus,
    reason: Option<String>,
}
