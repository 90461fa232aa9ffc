//! Remediation journals: the plan an apply run carried out, each action's original
//! state (`before`, what a rollback restores), its outcome (`after`), and the states
//! applied → verified → rolled back with when and by whom. The journal files written
//! by `kensa remediate apply` stay the first record (they exist before AWS changes);
//! the store holds the same facts so the server can show and roll them back.
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::clock;
use crate::db::Store;
use crate::error::{QueryContext, Result, StoreError};
use crate::json::{from_json, to_json};

/// Where one action stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionState {
    /// The desired state already held; nothing was changed.
    AlreadyApplied,
    /// The change was made; verification was not possible.
    Applied,
    /// The change was made and re-reading the resource confirmed it.
    Verified,
    /// The change was made but re-reading the resource did not confirm it.
    NotVerified,
    /// The change failed (the resource may be unchanged).
    Failed,
    /// A rollback restored the original state.
    RolledBack,
    /// A rollback was tried and did not restore the original state.
    RollbackFailed,
}

/// Where a whole journal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum JournalState {
    /// Every action applied (or already held) and none failed or went unverified.
    Applied,
    /// Some action failed or was not verified.
    AppliedWithErrors,
    /// A rollback was started and has not finished (or its process died).
    RollingBack,
    /// A rollback restored every action's original state.
    RolledBack,
    /// A rollback ended with an error or left some action not restored; it may be rolled
    /// back again.
    RollbackFailed,
}

macro_rules! text_enum {
    ($t:ty, $what:literal) => {
        impl $t {
            /// The state as stored and serialized: its kebab-case name (`rolled-back`).
            pub fn as_str(self) -> String {
                serde_json::to_value(self)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            }
            fn parse(text: &str) -> Result<Self> {
                from_json($what, &format!("\"{text}\""))
            }
        }
    };
}
text_enum!(ActionState, "remediation action state");
text_enum!(JournalState, "remediation journal state");

impl ActionState {
    fn changed(self) -> bool {
        matches!(
            self,
            ActionState::Applied | ActionState::Verified | ActionState::NotVerified
        )
    }
}

/// One action of a journal to record.
#[derive(Debug, Clone)]
pub struct NewAction {
    /// The plan's id for the action (`A001`, ... in plan order); unique within the journal.
    pub action_id: String,
    /// The AWS account of the resource; empty for a single-account snapshot.
    pub account: String,
    /// The AWS region of the resource.
    pub region: String,
    /// The kind of resource changed (e.g. a security group).
    pub resource_type: String,
    /// The id of the resource changed.
    pub resource_id: String,
    /// One line saying what the action changes, for people.
    pub summary: String,
    /// The plan's action (JSON).
    pub action: Value,
    /// The original state captured before the change (absent when nothing changed).
    pub before: Option<Value>,
    /// What the apply reported for it.
    pub after: Option<Value>,
    /// What the apply did; decides the action's applied and verified times.
    pub state: ActionState,
    /// What the apply said about the action, in order.
    pub messages: Vec<String>,
}

/// A journal to record after an apply run.
#[derive(Debug, Clone)]
pub struct NewJournal {
    /// The journal's id, as `kensa remediate apply` names its directory (e.g.
    /// `20261207T180000Z-0a1b2c3d`); unique.
    pub journal_id: String,
    /// Where the plan's facts came from: a snapshot directory or `live`.
    pub source: String,
    /// The plan's mode: `revoke` or `narrow`.
    pub mode: String,
    /// The whole plan that was applied (JSON).
    pub plan: Value,
    /// Where the journal files are, on the machine that applied it; None when unknown.
    pub journal_dir: Option<String>,
    /// When the journal was made (RFC 3339 UTC), as the apply states it.
    pub created_at: String,
    /// Who applied the plan.
    pub created_by: String,
    /// The plan's actions with their outcomes; stored with the journal in one transaction.
    pub actions: Vec<NewAction>,
}

/// A stored action.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JournalAction {
    /// The plan's id for the action (`A001`, ...); unique within the journal.
    pub action_id: String,
    /// The AWS account of the resource; empty for a single-account snapshot.
    pub account: String,
    /// The AWS region of the resource.
    pub region: String,
    /// The kind of resource changed (e.g. a security group).
    pub resource_type: String,
    /// The id of the resource changed.
    pub resource_id: String,
    /// One line saying what the action changes, for people.
    pub summary: String,
    /// Where the action stands now (applied, verified, rolled back, ...).
    pub state: ActionState,
    /// What the apply said about the action, replaced by the rollback's messages once
    /// rolled back (or tried).
    pub messages: Vec<String>,
    /// The plan's action (JSON).
    pub action: Value,
    /// The original state captured before the change, which a rollback restores; None when
    /// nothing changed.
    pub before: Option<Value>,
    /// What the apply reported for the action; None when it reported nothing.
    pub after: Option<Value>,
    /// The rollback's report for this action, once rolled back (or tried).
    pub rollback: Option<Value>,
    /// When the store recorded the change (RFC 3339 UTC); None when the action changed
    /// nothing.
    pub applied_at: Option<String>,
    /// When the store recorded the change as verified; None unless the apply verified it.
    pub verified_at: Option<String>,
    /// When a rollback restored the action's original state; None until one did.
    pub rolled_back_at: Option<String>,
}

/// A journal as listed (no actions).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JournalSummary {
    /// Row id, for paging (`before`).
    pub seq: i64,
    /// The journal's id, as `kensa remediate apply` names its directory.
    pub id: String,
    /// Where the plan's facts came from: a snapshot directory or `live`.
    pub source: String,
    /// The plan's mode: `revoke` or `narrow`.
    pub mode: String,
    /// Where the journal stands.
    pub state: JournalState,
    /// What the latest rollback said (who started it, how many actions it restored, or its
    /// error); None before any rollback.
    pub state_message: Option<String>,
    /// When the journal was made (RFC 3339 UTC).
    pub created_at: String,
    /// Who applied the plan.
    pub created_by: String,
    /// When a rollback restored every action; None unless the journal is rolled back.
    pub rolled_back_at: Option<String>,
    /// Who ran the latest finished rollback (also when it failed); None before any.
    pub rolled_back_by: Option<String>,
    /// Where the journal files are, on the machine that applied it; None when unknown.
    pub journal_dir: Option<String>,
    /// Actions in the journal, and how many of them changed something.
    pub actions: i64,
    /// Of those, how many changed a resource (have an applied time).
    pub changed: i64,
}

/// A journal with its plan and actions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Journal {
    #[serde(flatten)]
    /// The journal as listed; its fields appear at the top level in JSON.
    pub summary: JournalSummary,
    /// The whole plan that was applied (JSON).
    pub plan: Value,
    /// The journal's actions with their states.
    pub actions: Vec<JournalAction>,
}

/// What a rollback did to one action.
#[derive(Debug, Clone)]
pub struct RollbackOutcome {
    /// The plan's id of the action (`A001`, ...) in the journal being rolled back.
    pub action_id: String,
    /// True when the rollback restored the action's original state; the action becomes
    /// rolled back, otherwise rollback-failed.
    pub restored: bool,
    /// What the rollback said about the action; they replace the action's messages.
    pub messages: Vec<String>,
    /// The rollback's full report for the action (JSON), kept as the action's `rollback`.
    pub report: Value,
}

const SUMMARY_COLUMNS: &str = "j.id, j.journal_id, j.source, j.mode, j.state, j.state_message, \
    j.created_at, j.created_by, j.rolled_back_at, j.rolled_back_by, j.journal_dir, \
    (SELECT COUNT(*) FROM remediation_actions a WHERE a.journal = j.id) AS n_actions, \
    (SELECT COUNT(*) FROM remediation_actions a WHERE a.journal = j.id \
       AND a.applied_at IS NOT NULL) AS n_changed";

fn summary(r: &AnyRow) -> Result<JournalSummary> {
    let ctx = "reading a remediation journal";
    Ok(JournalSummary {
        seq: r.try_get("id").ctx(ctx)?,
        id: r.try_get("journal_id").ctx(ctx)?,
        source: r.try_get("source").ctx(ctx)?,
        mode: r.try_get("mode").ctx(ctx)?,
        state: JournalState::parse(&r.try_get::<String, _>("state").ctx(ctx)?)?,
        state_message: r.try_get("state_message").ctx(ctx)?,
        created_at: r.try_get("created_at").ctx(ctx)?,
        created_by: r.try_get("created_by").ctx(ctx)?,
        rolled_back_at: r.try_get("rolled_back_at").ctx(ctx)?,
        rolled_back_by: r.try_get("rolled_back_by").ctx(ctx)?,
        journal_dir: r.try_get("journal_dir").ctx(ctx)?,
        actions: r.try_get("n_actions").ctx(ctx)?,
        changed: r.try_get("n_changed").ctx(ctx)?,
    })
}

fn opt_json(what: &'static str, text: Option<String>) -> Result<Option<Value>> {
    text.map(|t| from_json(what, &t)).transpose()
}

fn action(r: &AnyRow) -> Result<JournalAction> {
    let ctx = "reading a remediation action";
    let text = |k: &str| r.try_get::<String, _>(k).ctx(ctx);
    let opt = |k: &str| r.try_get::<Option<String>, _>(k).ctx(ctx);
    Ok(JournalAction {
        action_id: text("action_id")?,
        account: text("account")?,
        region: text("region")?,
        resource_type: text("resource_type")?,
        resource_id: text("resource_id")?,
        summary: text("summary")?,
        state: ActionState::parse(&text("state")?)?,
        messages: from_json("remediation messages", &text("messages")?)?,
        action: from_json("remediation action", &text("action")?)?,
        before: opt_json("remediation before state", opt("before_state")?)?,
        after: opt_json("remediation result", opt("after_state")?)?,
        rollback: opt_json("rollback report", opt("rollback_report")?)?,
        applied_at: opt("applied_at")?,
        verified_at: opt("verified_at")?,
        rolled_back_at: opt("rolled_back_at")?,
    })
}

/// The journal's state from its actions' states.
fn applied_state(actions: &[NewAction]) -> JournalState {
    let bad = actions
        .iter()
        .any(|a| matches!(a.state, ActionState::Failed | ActionState::NotVerified));
    if bad {
        JournalState::AppliedWithErrors
    } else {
        JournalState::Applied
    }
}

impl Store {
    /// Records an applied journal with its actions, in one transaction. A journal id
    /// already stored is refused (`Exists`).
    pub async fn record_journal(&self, j: &NewJournal) -> Result<()> {
        let ctx = "recording a remediation journal";
        if self.journal_exists(&j.journal_id).await? {
            return Err(StoreError::Exists {
                what: "remediation journal",
                name: j.journal_id.clone(),
            });
        }
        let now = clock::now();
        let mut tx = self.pool.begin().await.ctx(ctx)?;
        let row = sqlx::query(
            "INSERT INTO remediation_journals (journal_id, source, mode, plan, journal_dir, state, \
             created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(&j.journal_id)
        .bind(&j.source)
        .bind(&j.mode)
        .bind(to_json(&j.plan))
        .bind(&j.journal_dir)
        .bind(applied_state(&j.actions).as_str())
        .bind(&j.created_at)
        .bind(&j.created_by)
        .fetch_one(&mut *tx)
        .await
        .ctx(ctx)?;
        let id: i64 = row.try_get("id").ctx(ctx)?;
        for a in &j.actions {
            let applied = a.state.changed().then(|| now.clone());
            let verified = (a.state == ActionState::Verified).then(|| now.clone());
            sqlx::query(
                "INSERT INTO remediation_actions (journal, action_id, account, region, resource_type, \
                 resource_id, summary, action, before_state, after_state, state, messages, applied_at, \
                 verified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            )
            .bind(id)
            .bind(&a.action_id)
            .bind(&a.account)
            .bind(&a.region)
            .bind(&a.resource_type)
            .bind(&a.resource_id)
            .bind(&a.summary)
            .bind(to_json(&a.action))
            .bind(a.before.as_ref().map(to_json))
            .bind(a.after.as_ref().map(to_json))
            .bind(a.state.as_str())
            .bind(to_json(&a.messages))
            .bind(applied)
            .bind(verified)
            .execute(&mut *tx)
            .await
            .ctx(ctx)?;
        }
        tx.commit().await.ctx(ctx)
    }

    /// Whether a journal with this id is stored.
    pub async fn journal_exists(&self, journal_id: &str) -> Result<bool> {
        let row =
            sqlx::query("SELECT COUNT(*) AS n FROM remediation_journals WHERE journal_id = $1")
                .bind(journal_id)
                .fetch_one(&self.pool)
                .await
                .ctx("looking up a remediation journal")?;
        Ok(row
            .try_get::<i64, _>("n")
            .ctx("looking up a remediation journal")?
            > 0)
    }

    /// Journals with row id below `before` (all when None), newest first.
    pub async fn journals(&self, before: Option<i64>, limit: i64) -> Result<Vec<JournalSummary>> {
        sqlx::query(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM remediation_journals j WHERE j.id < $1 \
             ORDER BY j.id DESC LIMIT $2"
        ))
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .ctx("listing remediation journals")?
        .iter()
        .map(summary)
        .collect()
    }

    /// One journal with its plan and actions (in action order).
    pub async fn journal(&self, journal_id: &str) -> Result<Journal> {
        let ctx = "reading a remediation journal";
        let row = sqlx::query(&format!(
            "SELECT {SUMMARY_COLUMNS}, j.plan FROM remediation_journals j WHERE j.journal_id = $1"
        ))
        .bind(journal_id)
        .fetch_optional(&self.pool)
        .await
        .ctx(ctx)?
        .ok_or_else(|| StoreError::NotFound {
            what: "remediation journal",
            name: journal_id.to_string(),
        })?;
        let head = summary(&row)?;
        let plan = from_json(
            "remediation plan",
            &row.try_get::<String, _>("plan").ctx(ctx)?,
        )?;
        let actions =
            sqlx::query("SELECT * FROM remediation_actions WHERE journal = $1 ORDER BY action_id")
                .bind(head.seq)
                .fetch_all(&self.pool)
                .await
                .ctx(ctx)?
                .iter()
                .map(action)
                .collect::<Result<_>>()?;
        Ok(Journal {
            summary: head,
            plan,
            actions,
        })
    }

    /// Claims the journal for a rollback: only one rollback runs at a time, and a
    /// journal already rolled back is not rolled back again (`Conflict`).
    pub async fn begin_rollback(&self, journal_id: &str, by: &str) -> Result<Journal> {
        let journal = self.journal(journal_id).await?;
        let done = sqlx::query(
            "UPDATE remediation_journals SET state = $1, state_message = $2, rollback_started_at = $7 \
             WHERE journal_id = $3 AND state IN ($4, $5, $6)",
        )
        .bind(JournalState::RollingBack.as_str())
        .bind(format!("rollback started by {by} at {}", clock::now()))
        .bind(journal_id)
        .bind(JournalState::Applied.as_str())
        .bind(JournalState::AppliedWithErrors.as_str())
        .bind(JournalState::RollbackFailed.as_str())
        .bind(clock::now())
        .execute(&self.pool)
        .await
        .ctx("claiming a remediation journal for rollback")?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "remediation journal `{journal_id}` is {}; only an applied journal (or one whose rollback failed) can be rolled back",
                journal.summary.state.as_str()
            )));
        }
        self.journal(journal_id).await
    }

    /// Records what a rollback did, action by action, and the journal's new state
    /// (`RolledBack` when every outcome restored its resource), in one transaction.
    pub async fn finish_rollback(
        &self,
        journal_id: &str,
        by: &str,
        outcomes: &[RollbackOutcome],
        error: Option<&str>,
    ) -> Result<Journal> {
        let ctx = "recording a rollback";
        let journal = self.journal(journal_id).await?;
        let now = clock::now();
        let mut tx = self.pool.begin().await.ctx(ctx)?;
        for o in outcomes {
            let state = if o.restored {
                ActionState::RolledBack
            } else {
                ActionState::RollbackFailed
            };
            sqlx::query(
                "UPDATE remediation_actions SET state = $1, rollback_report = $2, messages = $3, \
                 rolled_back_at = $4 WHERE journal = $5 AND action_id = $6",
            )
            .bind(state.as_str())
            .bind(to_json(&o.report))
            .bind(to_json(&o.messages))
            .bind(o.restored.then(|| now.clone()))
            .bind(journal.summary.seq)
            .bind(&o.action_id)
            .execute(&mut *tx)
            .await
            .ctx(ctx)?;
        }
        let failed = outcomes.iter().filter(|o| !o.restored).count();
        let (state, message) = match error {
            Some(e) => (JournalState::RollbackFailed, e.to_string()),
            None if failed > 0 => (
                JournalState::RollbackFailed,
                format!("{failed} of {} action(s) not restored", outcomes.len()),
            ),
            None => (
                JournalState::RolledBack,
                format!("{} action(s) restored", outcomes.len()),
            ),
        };
        let rolled_back = (state == JournalState::RolledBack).then(|| now.clone());
        sqlx::query(
            "UPDATE remediation_journals SET state = $1, state_message = $2, rolled_back_at = $3, \
             rolled_back_by = $4 WHERE id = $5",
        )
        .bind(state.as_str())
        .bind(message)
        .bind(rolled_back)
        .bind(by)
        .bind(journal.summary.seq)
        .execute(&mut *tx)
        .await
        .ctx(ctx)?;
        tx.commit().await.ctx(ctx)?;
        self.journal(journal_id).await
    }

    /// Releases a journal left `rolling-back` by a rollback whose process died: it
    /// becomes `rollback-failed` (its resources may be partly restored; rolling back
    /// again restores the rest, each action's original state being known), saying who
    /// reset it. Refused (`Conflict`) unless the journal is `rolling-back` and its
    /// rollback started before `started_before` (RFC 3339 UTC): a rollback that may
    /// still be at work is not taken from under it.
    pub async fn reset_rollback(
        &self,
        journal_id: &str,
        by: &str,
        started_before: &str,
    ) -> Result<Journal> {
        let journal = self.journal(journal_id).await?;
        let started: Option<String> =
            sqlx::query("SELECT rollback_started_at FROM remediation_journals WHERE id = $1")
                .bind(journal.summary.seq)
                .fetch_one(&self.pool)
                .await
                .ctx("reading a rollback's start")?
                .try_get("rollback_started_at")
                .ctx("reading a rollback's start")?;
        let since = started.as_deref().unwrap_or("an unknown time");
        let message = format!(
            "rollback interrupted (started {since}, never finished): reset by {by} at {}; some actions may be restored, roll back again to restore the rest",
            clock::now()
        );
        // A journal that entered `rolling-back` before schema 9 has no start time: it
        // can only be a leftover.
        let done = sqlx::query(
            "UPDATE remediation_journals SET state = $1, state_message = $2, rollback_started_at = NULL \
             WHERE id = $3 AND state = $4 AND (rollback_started_at IS NULL OR rollback_started_at < $5)",
        )
        .bind(JournalState::RollbackFailed.as_str())
        .bind(&message)
        .bind(journal.summary.seq)
        .bind(JournalState::RollingBack.as_str())
        .bind(started_before)
        .execute(&self.pool)
        .await
        .ctx("resetting a remediation journal")?;
        if done.rows_affected() == 0 {
            let why = if journal.summary.state == JournalState::RollingBack {
                format!("its rollback started at {since} and may still be running; try again later")
            } else {
                format!(
                    "it is {}; only a journal left rolling-back can be reset",
                    journal.summary.state.as_str()
                )
            };
            return Err(StoreError::Conflict(format!(
                "remediation journal `{journal_id}` not reset: {why}"
            )));
        }
        self.journal(journal_id).await
    }
}
