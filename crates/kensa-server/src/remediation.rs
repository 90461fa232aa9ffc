//! Remediation through kensa-aws (cargo feature `aws`): a journal that `kensa remediate
//! apply` wrote to disk, turned into the store's record; a stored journal rolled back
//! with the same code `kensa remediate rollback` runs; plans computed for a snapshot.
//! The API, the dashboard and the command line share these functions.
use std::path::Path;

use kensa_aws::remediate::apply::{ActionReport, Status};
use kensa_aws::remediate::journal::{BeforeRecord, Journal};
use kensa_aws::remediate::{rollback_records, RollbackReport};
use kensa_aws::session::Target;
use kensa_store::{ActionState, NewAction, NewJournal, RollbackOutcome, Store, StoreError};
use serde_json::Value;

/// Why a journal could not be read or rolled back.
#[derive(Debug, thiserror::Error)]
pub enum RemediationError {
    /// The store refused a read or write.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// AWS (or the journal's rollback through it) failed.
    #[error("{0}")]
    Aws(#[from] kensa_aws::AwsError),
    /// The journal on disk is missing or unreadable.
    #[error("remediation journal `{journal}`: {message}")]
    Journal {
        /// The journal's id.
        journal: String,
        /// What is wrong with it.
        message: String,
    },
}

fn state_of(report: Option<&ActionReport>) -> ActionState {
    match report {
        None => ActionState::Failed,
        Some(r) => match (r.status, r.verified) {
            (Status::AlreadyApplied, _) => ActionState::AlreadyApplied,
            (Status::Failed, _) | (Status::WouldApply, _) => ActionState::Failed,
            (Status::Applied, Some(true)) => ActionState::Verified,
            (Status::Applied, Some(false)) => ActionState::NotVerified,
            (Status::Applied, None) => ActionState::Applied,
        },
    }
}

fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// The store's record of the journal `<root>/<id>/` (its plan, each action's `before`
/// and result), made by `actor`.
pub fn journal_from_files(
    root: &Path,
    id: &str,
    actor: &str,
) -> Result<NewJournal, RemediationError> {
    let journal = Journal::open(root, id)?;
    let run = journal.run()?;
    let befores = journal.befores()?;
    let mut actions = Vec::new();
    for a in &run.plan.actions {
        let report: Option<ActionReport> = journal.result(&a.id)?;
        let before = befores.iter().find(|b| b.action.id == a.id);
        let mut state = state_of(report.as_ref());
        if before.is_some() && state == ActionState::Failed {
            // The original state was captured, so the change may have been made.
            state = ActionState::NotVerified;
        }
        actions.push(NewAction {
            action_id: a.id.clone(),
            account: before.map_or_else(|| a.account.clone(), |b| b.account_id.clone()),
            region: a.region.clone(),
            resource_type: a.resource_type.clone(),
            resource_id: a.resource_id.clone(),
            summary: a.summary.clone(),
            action: to_value(a),
            before: before.map(to_value),
            after: report.as_ref().map(to_value),
            state,
            messages: report.map(|r| r.messages).unwrap_or_else(|| {
                vec!["no result recorded: the apply run stopped before this action finished".into()]
            }),
        });
    }
    Ok(NewJournal {
        journal_id: journal.id.clone(),
        source: run.plan.source.clone(),
        mode: to_value(&run.plan.mode)
            .as_str()
            .unwrap_or("revoke")
            .to_owned(),
        plan: to_value(&run.plan),
        journal_dir: Some(
            root.canonicalize()
                .unwrap_or_else(|_| root.to_path_buf())
                .display()
                .to_string(),
        ),
        created_at: run.started_at,
        created_by: actor.to_owned(),
        actions,
    })
}

/// Records the journal `<root>/<id>/` in the store unless it is there already.
pub async fn import_journal(
    store: &Store,
    root: &Path,
    id: &str,
    actor: &str,
) -> Result<(), RemediationError> {
    if store.journal_exists(id).await? {
        return Ok(());
    }
    let new = journal_from_files(root, id, actor)?;
    match store.record_journal(&new).await {
        Ok(()) | Err(StoreError::Exists { .. }) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// What a rollback report says, per action, for the store.
pub fn outcomes(report: &RollbackReport) -> Vec<RollbackOutcome> {
    report
        .actions
        .iter()
        .map(|a| RollbackOutcome {
            action_id: a.action_id.clone(),
            restored: a.restored,
            messages: a.messages.clone(),
            report: to_value(a),
        })
        .collect()
}

/// Rolls back the stored journal `id` against AWS (`target`) and records the outcome:
/// claims it first (one rollback at a time), restores every captured state newest
/// first, then stores each action's result and the journal's new state.
pub async fn rollback_stored(
    store: &Store,
    target: &Target,
    id: &str,
    actor: &str,
) -> Result<kensa_store::Journal, RemediationError> {
    let journal = store.begin_rollback(id, actor).await?;
    let mut befores = Vec::new();
    for a in &journal.actions {
        let Some(before) = &a.before else { continue };
        match serde_json::from_value::<BeforeRecord>(before.clone()) {
            Ok(b) => befores.push(b),
            Err(e) => {
                let message = format!(
                    "action {}: stored original state unreadable: {e}",
                    a.action_id
                );
                store
                    .finish_rollback(id, actor, &[], Some(&message))
                    .await?;
                return Err(RemediationError::Journal {
                    journal: id.into(),
                    message,
                });
            }
        }
    }
    match rollback_records(target, id, befores).await {
        Ok(report) => Ok(store
            .finish_rollback(id, actor, &outcomes(&report), None)
            .await?),
        Err(e) => {
            let message = format!("rollback did not run: {e}");
            Ok(store
                .finish_rollback(id, actor, &[], Some(&message))
                .await?)
        }
    }
}
