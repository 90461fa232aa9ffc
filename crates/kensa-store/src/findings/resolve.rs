//! Resolution: after a COMPLETED run, findings of the run's packages that it did not
//! see on resources its scope covered are resolved. Nothing else resolves anything.
use kensa_model::Package;
use sqlx::Row;

use crate::clock;
use crate::db::{Backend, Store};
use crate::error::{QueryContext, Result};

/// What scope decisions look at: the resource of a stored finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceKey {
    /// The Security Hub resource type (`AwsEc2Instance`, `AwsAccount`, ...).
    pub resource_type: String,
    /// The resource id.
    pub resource_id: String,
    /// Its account.
    pub account: String,
    /// Its region.
    pub region: String,
}

const PAGE: i64 = 2000;

impl Store {
    /// Resolves the findings of `packages` that `run` did not see and whose resource
    /// `covered` accepts. Walks the candidates page by page (keyset on id) and writes
    /// each page in its own transaction. Returns how many were resolved.
    ///
    /// Candidates were last seen by an earlier run (storing a finding sets its
    /// `last_run`): one seen by this run, or by a later run that finished first, is open
    /// and stays so.
    pub async fn resolve_unseen(
        &self,
        run: i64,
        packages: &[Package],
        covered: impl Fn(&ResourceKey) -> bool,
    ) -> Result<i64> {
        let now = clock::now();
        let reason = format!("not seen by run {run}, which covered the resource");
        let mut resolved = 0;
        for package in packages {
            let mut after = String::new();
            loop {
                let rows = sqlx::query(
                    "SELECT f.id, f.resource_type, f.resource_id, f.account, f.region FROM findings f \
                     WHERE f.package = $1 AND f.status IN ('active', 'suppressed') AND f.last_run < $3 AND f.id > $2 \
                     AND NOT EXISTS (SELECT 1 FROM run_findings rf WHERE rf.run_id = $3 AND rf.finding_id = f.id) \
                     ORDER BY f.id LIMIT $4",
                )
                .bind(package.as_str())
                .bind(&after)
                .bind(run)
                .bind(PAGE)
                .fetch_all(&self.pool)
                .await
                .ctx("finding what a run resolved")?;
                let Some(last) = rows.last() else { break };
                after = last.try_get("id").ctx("finding what a run resolved")?;
                let mut ids = Vec::new();
                for row in &rows {
                    let text = |c: &str| {
                        row.try_get::<String, _>(c)
                            .ctx("finding what a run resolved")
                    };
                    let key = ResourceKey {
                        resource_type: text("resource_type")?,
                        resource_id: text("resource_id")?,
                        account: text("account")?,
                        region: text("region")?,
                    };
                    if covered(&key) {
                        ids.push(text("id")?);
                    }
                }
                resolved += self.mark_resolved(run, &ids, &now, &reason).await?;
                if (rows.len() as i64) < PAGE {
                    break;
                }
            }
        }
        Ok(resolved)
    }

    async fn mark_resolved(
        &self,
        run: i64,
        ids: &[String],
        now: &str,
        reason: &str,
    ) -> Result<i64> {
        if ids.is_empty() {
            return Ok(0);
        }
        let mut tx = self.pool.begin().await.ctx("resolving findings")?;
        for chunk in ids.chunks(500) {
            // Positional on SQLite (see `placeholders`): the values are bound in order.
            let (a, b, c) = match self.backend {
                Backend::Sqlite => ("?", "?", "?"),
                Backend::Postgres => ("$1", "$2", "$3"),
            };
            let sql = format!(
                "UPDATE findings SET status = 'resolved', resolved_at = {a}, resolved_by_run = {b}, status_reason = {c} WHERE id IN ({})",
                super::param_list(self.backend, 4, chunk.len())
            );
            let mut q = sqlx::query(&sql).bind(now).bind(run).bind(reason);
            for id in chunk {
                q = q.bind(id.as_str());
            }
            q.execute(&mut *tx).await.ctx("resolving findings")?;
        }
        tx.commit().await.ctx("resolving findings")?;
        Ok(ids.len() as i64)
    }
}
