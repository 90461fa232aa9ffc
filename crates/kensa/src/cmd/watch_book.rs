//! Where a watcher keeps its remediations: the state file beside its journal (without a
//! store), or the store's `watch_remediations` (with `--store`), where `kensa serve`
//! lists them and an operator approves. Both key a remediation by its deterministic id,
//! so a redelivered event finds the remediation it started and never starts another.
use std::sync::Arc;

use anyhow::Context;
use kensa_store::StoredRemediation;
use kensa_watch::remediation::{Remediation, RemediationLog, RemediationState};

use super::watch_store::WatchDb;

/// Most remediations read back at once (per state); far above any rate limit.
const PAGE: i64 = 1000;

pub enum Book {
    File(RemediationLog),
    Store { db: Arc<WatchDb>, source: String },
}

/// The store's row of a remediation.
pub fn stored(r: &Remediation, source: &str) -> StoredRemediation {
    StoredRemediation {
        id: r.id.clone(),
        source: source.to_string(),
        policy: r.policy.clone(),
        state: r.state.as_str().to_string(),
        at: r.at as i64,
        alerted: r.alerted,
        body: serde_json::to_value(r).unwrap_or_default(),
        updated_at: String::new(),
    }
}

/// A stored row read back as the remediation it holds.
pub fn from_stored(s: &StoredRemediation) -> anyhow::Result<Remediation> {
    serde_json::from_value(s.body.clone())
        .with_context(|| format!("stored remediation {} cannot be read", s.id))
}

impl Book {
    pub fn get(&mut self, id: &str) -> anyhow::Result<Option<Remediation>> {
        match self {
            Book::File(log) => Ok(log.get(id).cloned()),
            Book::Store { db, .. } => {
                let id = id.to_string();
                let row =
                    db.call(move |s| Box::pin(async move { s.watch_remediation(&id).await }))?;
                row.as_ref().map(from_stored).transpose()
            }
        }
    }

    /// Records a state of a remediation before the watcher acts on it.
    pub fn put(&mut self, r: &Remediation) -> anyhow::Result<()> {
        match self {
            Book::File(log) => Ok(log.put(r)?),
            Book::Store { db, source } => {
                let row = stored(r, source);
                let source = source.clone();
                db.call(move |s| {
                    Box::pin(async move { s.put_watch_remediation(&source, &row).await })
                })
            }
        }
    }

    /// Moves `r` to its state only if it is still in `from`: false when someone else
    /// moved it first.
    pub fn transition(&mut self, from: RemediationState, r: &Remediation) -> anyhow::Result<bool> {
        match self {
            Book::File(log) => {
                log.reload()?;
                if log.get(&r.id).map(|x| x.state) != Some(from) {
                    return Ok(false);
                }
                log.put(r)?;
                Ok(true)
            }
            Book::Store { db, source } => {
                let row = stored(r, source);
                db.call(move |s| {
                    Box::pin(
                        async move { s.transition_watch_remediation(from.as_str(), &row).await },
                    )
                })
            }
        }
    }

    fn list(&mut self, state: Option<RemediationState>) -> anyhow::Result<Vec<Remediation>> {
        match self {
            Book::File(log) => {
                log.reload()?;
                Ok(log
                    .all()
                    .filter(|r| state.is_none_or(|s| r.state == s))
                    .cloned()
                    .collect())
            }
            Book::Store { db, source } => {
                let source = source.clone();
                let rows = db.call(move |s| {
                    Box::pin(async move {
                        (s.watch_remediations(Some(&source), state.map(|s| s.as_str()), PAGE)).await
                    })
                })?;
                rows.iter().map(from_stored).collect()
            }
        }
    }

    /// Remediations of `policy` started (applying, applied or failed) in the hour
    /// before `now`: what the rate limit counts.
    pub fn started_in_last_hour(&mut self, policy: &str, now: u64) -> anyhow::Result<usize> {
        Ok(self
            .list(None)?
            .iter()
            .filter(|r| r.policy == policy && r.by.starts_with("policy"))
            .filter(|r| {
                matches!(
                    r.state,
                    RemediationState::Applying
                        | RemediationState::Applied
                        | RemediationState::Failed
                )
            })
            .filter(|r| now.saturating_sub(r.at) < 3600)
            .count())
    }

    /// What the watcher has to do for others: approvals given in the server (to apply),
    /// and outcomes of approvals applied elsewhere it has not alerted yet.
    pub fn due(&mut self) -> anyhow::Result<Vec<Remediation>> {
        let mut out = self.list(Some(RemediationState::Approved))?;
        for state in [RemediationState::Applied, RemediationState::Failed] {
            out.extend(self.list(Some(state))?.into_iter().filter(|r| !r.alerted));
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }
}
