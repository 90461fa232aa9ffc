//! Apply a plan: for each action, read the live state, skip it when the change already
//! holds, capture the original state into the journal, change, read again and verify.
//! One driver ([`drive`]) runs that sequence for every kind of change ([`Remedy`]). One
//! failed action is reported and the others go on.
use std::path::PathBuf;
use std::time::SystemTime;

use aws_sdk_ec2::Client;
use serde::{Deserialize, Serialize};

use super::journal::{new_run_id, BeforeRecord, Captured, Journal, RunRecord};
use super::plan::{Action, Change, Plan};
use super::remedies::{EbsDefault, GroupRules, ImagePrivate, Imdsv2, Remedy, SnapshotPrivate};
use super::rule::RuleSpec;
use crate::error::AwsError;
use crate::session::{in_region, AccountSession, Target};

/// How a plan is applied.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// Without it nothing changes: each action reports what it would do.
    pub apply: bool,
    /// The directory under which each applying run gets its journal.
    pub journal_root: PathBuf,
    /// Names the journal run (the caller's clock; analysers never read one).
    pub now: SystemTime,
}

/// What became of one action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Dry run: the change is needed.
    WouldApply,
    /// The desired state already holds; nothing was (or would be) changed.
    AlreadyApplied,
    /// The change was made.
    Applied,
    /// The change could not be made (the messages say why).
    Failed,
}

/// The outcome of one action of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionReport {
    /// The action's id in the plan.
    pub action_id: String,
    /// The resource it changes.
    pub resource_id: String,
    /// What it does, in one line.
    pub summary: String,
    /// How it ended.
    pub status: Status,
    /// After applying: the exposure is gone (and for narrow the kept ports are open).
    pub verified: Option<bool>,
    /// Errors and notes, each saying what and where.
    pub messages: Vec<String>,
}

/// The outcome of applying (or dry-running) a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplyReport {
    /// The journal written (none in a dry run).
    pub journal_id: Option<String>,
    /// Every action, in plan order.
    pub actions: Vec<ActionReport>,
}

impl ApplyReport {
    /// Actions that failed or whose verification did not hold.
    pub fn failed(&self) -> usize {
        self.actions
            .iter()
            .filter(|a| a.status == Status::Failed || a.verified == Some(false))
            .count()
    }

    /// The report as text, one action a line.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        if let Some(id) = &self.journal_id {
            out.push_str(&format!("journal: {id}\n"));
        }
        for a in &self.actions {
            let verified = match a.verified {
                Some(true) => ", verified",
                Some(false) => ", NOT VERIFIED",
                None => "",
            };
            let status = serde_json::to_value(a.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            out.push_str(&format!(
                "[{}] {status}{verified}: {} {}\n",
                a.action_id, a.resource_id, a.summary
            ));
            for m in &a.messages {
                out.push_str(&format!("    {m}\n"));
            }
        }
        let failed = self.failed();
        out.push_str(&format!(
            "{} action(s), {failed} failed\n",
            self.actions.len()
        ));
        out
    }
}

/// The session for an action's account (the only one for a single-account plan).
pub(crate) fn session_for<'a>(
    sessions: &'a [AccountSession],
    account: &str,
) -> Result<&'a AccountSession, AwsError> {
    if account.is_empty() && sessions.len() == 1 {
        return Ok(&sessions[0]);
    }
    sessions
        .iter()
        .find(|s| s.account_id == account || (account.is_empty() && s.role_arn.is_none()))
        .ok_or_else(|| {
            AwsError::Invalid(format!(
                "the plan acts in account {account:?}, which none of the given credentials/roles reach"
            ))
        })
}

/// Applies `plan` with the credentials of `target` (a dry run unless `opts.apply`):
/// each action captures the resource's state in the journal before changing it, then
/// verifies the change.
pub async fn apply_plan(
    target: &Target,
    plan: &Plan,
    opts: &ApplyOptions,
) -> Result<ApplyReport, AwsError> {
    let sessions = target.accounts().await?;
    let journal = if opts.apply {
        let id = new_run_id(&opts.journal_root, plan, opts.now);
        let started_at = aws_sdk_ec2::primitives::DateTime::from(opts.now)
            .fmt(aws_sdk_ec2::primitives::DateTimeFormat::DateTime)
            .unwrap_or_default();
        let record = RunRecord {
            run_id: id.clone(),
            started_at,
            plan: plan.clone(),
        };
        Some(Journal::create(&opts.journal_root, &id, &record)?)
    } else {
        None
    };
    let mut reports = Vec::new();
    for (i, action) in plan.actions.iter().enumerate() {
        let others = removed_by_others(plan, i);
        let mut report = ActionReport {
            action_id: action.id.clone(),
            resource_id: action.resource_id.clone(),
            summary: action.summary.clone(),
            status: Status::Failed,
            verified: None,
            messages: Vec::new(),
        };
        match session_for(&sessions, &action.account) {
            Ok(session) => {
                let ec2 = Client::new(&in_region(&session.config, &action.region));
                let ctx = Ctx {
                    ec2: &ec2,
                    journal: journal.as_ref(),
                    account_id: &session.account_id,
                };
                if let Err(e) = apply_action(&ctx, action, &others, &mut report).await {
                    report.status = Status::Failed;
                    report.messages.push(e.to_string());
                }
            }
            Err(e) => report.messages.push(e.to_string()),
        }
        if let Some(j) = &journal {
            j.record_result(&action.id, &report)?;
        }
        reports.push(report);
    }
    Ok(ApplyReport {
        journal_id: journal.map(|j| j.id),
        actions: reports,
    })
}

pub(crate) struct Ctx<'a> {
    pub(crate) ec2: &'a Client,
    pub(crate) journal: Option<&'a Journal>,
    pub(crate) account_id: &'a str,
}

impl Ctx<'_> {
    pub(crate) fn journal(&self, action: &Action, captured: Captured) -> Result<(), AwsError> {
        match self.journal {
            Some(j) => j.record_before(&BeforeRecord {
                action: action.clone(),
                account_id: self.account_id.to_owned(),
                captured,
            }),
            None => Ok(()),
        }
    }
}

/// The rules the plan's other actions on the same group remove: still there while this
/// action is verified (or already gone), and not this action's to answer for.
fn removed_by_others(plan: &Plan, index: usize) -> Vec<RuleSpec> {
    let action = &plan.actions[index];
    let Change::SecurityGroupRules { group_id, .. } = &action.change else {
        return Vec::new();
    };
    plan.actions
        .iter()
        .enumerate()
        .filter(|(j, a)| {
            *j != index
                && a.account == action.account
                && a.region == action.region
                && matches!(&a.change, Change::SecurityGroupRules { group_id: g, .. } if g == group_id)
        })
        .flat_map(|(_, a)| match &a.change {
            Change::SecurityGroupRules { remove, .. } => remove.clone(),
            _ => Vec::new(),
        })
        .collect()
}

async fn apply_action(
    ctx: &Ctx<'_>,
    action: &Action,
    removed_by_others: &[RuleSpec],
    report: &mut ActionReport,
) -> Result<(), AwsError> {
    match &action.change {
        Change::SecurityGroupRules {
            group_id,
            remove,
            add,
            restricted,
        } => {
            let remedy = GroupRules {
                group_id,
                remove,
                add,
                restricted,
                removed_by_others,
            };
            drive(ctx, action, &remedy, report).await
        }
        Change::EnableEbsEncryptionByDefault => drive(ctx, action, &EbsDefault, report).await,
        Change::MakeSnapshotPrivate { snapshot_id } => {
            drive(ctx, action, &SnapshotPrivate(snapshot_id), report).await
        }
        Change::MakeImagePrivate { image_id } => {
            drive(ctx, action, &ImagePrivate(image_id), report).await
        }
        Change::RequireImdsV2 { instance_id } => {
            drive(ctx, action, &Imdsv2(instance_id), report).await
        }
    }
}

/// read → already applied? → dry run → journal → write → read again → verify.
async fn drive<R: Remedy>(
    ctx: &Ctx<'_>,
    action: &Action,
    remedy: &R,
    report: &mut ActionReport,
) -> Result<(), AwsError> {
    let before = remedy.read(ctx.ec2).await?;
    let Some(pending) = remedy.pending(&before, &mut report.messages) else {
        report.status = Status::AlreadyApplied;
        report.verified = remedy.verify_unchanged(&before, &mut report.messages);
        return Ok(());
    };
    if ctx.journal.is_none() {
        report.status = Status::WouldApply;
        report.messages.extend(pending);
        return Ok(());
    }
    ctx.journal(action, remedy.captured(&before))?;
    remedy.write(ctx.ec2, &before).await?;
    report.status = Status::Applied;
    let after = remedy.read(ctx.ec2).await?;
    report.verified = Some(remedy.verify(&after, &mut report.messages));
    Ok(())
}
