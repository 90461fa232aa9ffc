//! Apply a plan: for each action, capture the original state into the journal, change,
//! describe again and verify. One failed action is reported and the others go on.
use std::path::PathBuf;
use std::time::SystemTime;

use aws_sdk_ec2::Client;
use serde::{Deserialize, Serialize};

use super::journal::{new_run_id, BeforeRecord, Captured, Journal, RunRecord};
use super::live::{self, GroupState};
use super::plan::{Action, Change, Plan};
use super::policy::RestrictedPorts;
use super::ports::PortSet;
use super::rule::{Proto, RuleSpec};
use crate::error::{ApiError, AwsError};
use crate::session::{in_region, AccountSession, Target};

#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// Without it nothing changes: each action reports what it would do.
    pub apply: bool,
    pub journal_root: PathBuf,
    /// Names the journal run (the caller's clock; analysers never read one).
    pub now: SystemTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Dry run: the change is needed.
    WouldApply,
    /// The desired state already holds; nothing was (or would be) changed.
    AlreadyApplied,
    Applied,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionReport {
    pub action_id: String,
    pub resource_id: String,
    pub summary: String,
    pub status: Status,
    /// After applying: the exposure is gone (and for narrow the kept ports are open).
    pub verified: Option<bool>,
    pub messages: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplyReport {
    pub journal_id: Option<String>,
    pub actions: Vec<ActionReport>,
}

impl ApplyReport {
    pub fn failed(&self) -> usize {
        self.actions
            .iter()
            .filter(|a| a.status == Status::Failed || a.verified == Some(false))
            .count()
    }

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
    for action in &plan.actions {
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
                if let Err(e) = apply_action(&ctx, action, &mut report).await {
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

struct Ctx<'a> {
    ec2: &'a Client,
    journal: Option<&'a Journal>,
    account_id: &'a str,
}

impl Ctx<'_> {
    fn journal(&self, action: &Action, captured: Captured) -> Result<(), AwsError> {
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

/// An error from one call, named so the report says which.
fn call(op: &str) -> impl Fn(ApiError) -> AwsError + '_ {
    move |e| AwsError::api(op, e)
}

async fn apply_action(
    ctx: &Ctx<'_>,
    action: &Action,
    report: &mut ActionReport,
) -> Result<(), AwsError> {
    let apply = ctx.journal.is_some();
    match &action.change {
        Change::SecurityGroupRules {
            group_id,
            remove,
            add,
            restricted,
        } => apply_group(ctx, action, group_id, remove, add, restricted, report).await,
        Change::EnableEbsEncryptionByDefault => {
            let on = live::ebs_encryption_by_default(ctx.ec2)
                .await
                .map_err(call("ec2:GetEbsEncryptionByDefault"))?;
            if on {
                report.status = Status::AlreadyApplied;
                return Ok(());
            }
            if !apply {
                report.status = Status::WouldApply;
                return Ok(());
            }
            ctx.journal(action, Captured::EbsEncryptionByDefault { enabled: on })?;
            live::set_ebs_encryption_by_default(ctx.ec2, true)
                .await
                .map_err(call("ec2:EnableEbsEncryptionByDefault"))?;
            report.status = Status::Applied;
            report.verified = Some(
                live::ebs_encryption_by_default(ctx.ec2)
                    .await
                    .map_err(call("ec2:GetEbsEncryptionByDefault"))?,
            );
            Ok(())
        }
        Change::MakeSnapshotPrivate { snapshot_id } => {
            let groups = live::snapshot_groups(ctx.ec2, snapshot_id)
                .await
                .map_err(call("ec2:DescribeSnapshotAttribute"))?;
            if !groups.iter().any(|g| g == "all") {
                report.status = Status::AlreadyApplied;
                return Ok(());
            }
            if !apply {
                report.status = Status::WouldApply;
                return Ok(());
            }
            ctx.journal(action, Captured::SnapshotPermissions { groups })?;
            live::set_snapshot_public(ctx.ec2, snapshot_id, false)
                .await
                .map_err(call("ec2:ModifySnapshotAttribute"))?;
            report.status = Status::Applied;
            let after = live::snapshot_groups(ctx.ec2, snapshot_id)
                .await
                .map_err(call("ec2:DescribeSnapshotAttribute"))?;
            report.verified = Some(!after.iter().any(|g| g == "all"));
            Ok(())
        }
        Change::MakeImagePrivate { image_id } => {
            let groups = live::image_groups(ctx.ec2, image_id)
                .await
                .map_err(call("ec2:DescribeImageAttribute"))?;
            if !groups.iter().any(|g| g == "all") {
                report.status = Status::AlreadyApplied;
                return Ok(());
            }
            if !apply {
                report.status = Status::WouldApply;
                return Ok(());
            }
            ctx.journal(action, Captured::ImagePermissions { groups })?;
            live::set_image_public(ctx.ec2, image_id, false)
                .await
                .map_err(call("ec2:ModifyImageAttribute"))?;
            report.status = Status::Applied;
            let after = live::image_groups(ctx.ec2, image_id)
                .await
                .map_err(call("ec2:DescribeImageAttribute"))?;
            report.verified = Some(!after.iter().any(|g| g == "all"));
            Ok(())
        }
        Change::RequireImdsV2 { instance_id } => {
            let tokens = live::http_tokens(ctx.ec2, instance_id)
                .await
                .map_err(call("ec2:DescribeInstances"))?;
            if tokens == "required" {
                report.status = Status::AlreadyApplied;
                return Ok(());
            }
            if !apply {
                report.status = Status::WouldApply;
                return Ok(());
            }
            ctx.journal(
                action,
                Captured::InstanceMetadata {
                    http_tokens: tokens,
                },
            )?;
            live::set_http_tokens(ctx.ec2, instance_id, "required")
                .await
                .map_err(call("ec2:ModifyInstanceMetadataOptions"))?;
            report.status = Status::Applied;
            let after = live::http_tokens(ctx.ec2, instance_id)
                .await
                .map_err(call("ec2:DescribeInstances"))?;
            report.verified = Some(after == "required");
            Ok(())
        }
    }
}

/// The live rules the plan's `remove` list names: by rule id when it still exists with
/// the same content, else by content.
fn find_live<'a>(live: &'a [RuleSpec], wanted: &RuleSpec) -> Option<&'a RuleSpec> {
    live.iter()
        .find(|l| l.rule_id.is_some() && l.rule_id == wanted.rule_id && l.same_rule(wanted))
        .or_else(|| live.iter().find(|l| l.same_rule(wanted)))
}

/// The tcp and udp ports a rule covers (`-1`: all of both; other protocols: none).
fn coverage(r: &RuleSpec) -> (PortSet, PortSet) {
    match r.proto() {
        Proto::Tcp => (r.ports(), PortSet::empty()),
        Proto::Udp => (PortSet::empty(), r.ports()),
        Proto::All => (PortSet::all(), PortSet::all()),
        Proto::Other => (PortSet::empty(), PortSet::empty()),
    }
}

/// Live rules of the same source as a removed one that still open a restricted port the
/// removed rule opened. (Other restricted ports of that source belong to other actions.)
fn still_exposed(
    live: &[RuleSpec],
    removed: &[RuleSpec],
    restricted: &RestrictedPorts,
) -> Vec<String> {
    let mut out = Vec::new();
    for r in removed {
        let (cov_tcp, cov_udp) = coverage(r);
        for l in live
            .iter()
            .filter(|l| l.egress == r.egress && l.source == r.source)
        {
            let v6 = matches!(l.source, super::rule::Source::CidrIpv6(_));
            let fam = restricted.family(v6);
            let flagged = if restricted.is_empty() {
                // Closing a default group: none of its old rules may remain.
                l.same_rule(r)
            } else {
                let (tcp, udp) = coverage(l);
                let other = fam.other_protocols
                    && l.proto() == Proto::Other
                    && matches!(r.proto(), Proto::All | Proto::Other);
                tcp.intersection(&fam.tcp).intersects(&cov_tcp)
                    || udp.intersection(&fam.udp).intersects(&cov_udp)
                    || other
            };
            if flagged {
                out.push(l.describe());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

async fn apply_group(
    ctx: &Ctx<'_>,
    action: &Action,
    group_id: &str,
    remove: &[RuleSpec],
    add: &[RuleSpec],
    restricted: &RestrictedPorts,
    report: &mut ActionReport,
) -> Result<(), AwsError> {
    let before = live::describe_group(ctx.ec2, group_id)
        .await
        .map_err(call("ec2:DescribeSecurityGroups"))?;
    let specs = before.specs();
    let to_add: Vec<&RuleSpec> = add
        .iter()
        .filter(|a| !specs.iter().any(|l| l.same_rule(a)))
        .collect();
    let to_remove: Vec<&RuleSpec> = remove.iter().filter_map(|r| find_live(&specs, r)).collect();
    for r in remove.iter().filter(|r| find_live(&specs, r).is_none()) {
        let id = r.rule_id.as_deref().unwrap_or("(no id)");
        report.messages.push(format!(
            "rule {id} {} no longer exists (changed since the plan)",
            r.describe()
        ));
    }
    if to_add.is_empty() && to_remove.is_empty() {
        report.status = Status::AlreadyApplied;
        verify_group(&before, remove, add, restricted, report);
        return Ok(());
    }
    if ctx.journal.is_none() {
        report.status = Status::WouldApply;
        report.messages.push(format!(
            "would add {} and remove {} rule(s)",
            to_add.len(),
            to_remove.len()
        ));
        return Ok(());
    }
    ctx.journal(action, Captured::SecurityGroup(before))?;
    // Add first, so that the ports that stay allowed are never closed, even briefly.
    for a in &to_add {
        live::authorize(ctx.ec2, group_id, a)
            .await
            .map_err(call(super::plan::authorize_action(a.egress)))?;
    }
    for egress in [false, true] {
        let ids: Vec<String> = to_remove
            .iter()
            .filter(|r| r.egress == egress)
            .filter_map(|r| r.rule_id.clone())
            .collect();
        live::revoke_ids(ctx.ec2, group_id, egress, &ids)
            .await
            .map_err(call(super::plan::revoke_action(egress)))?;
    }
    report.status = Status::Applied;
    let after = live::describe_group(ctx.ec2, group_id)
        .await
        .map_err(call("ec2:DescribeSecurityGroups"))?;
    verify_group(&after, remove, add, restricted, report);
    Ok(())
}

fn verify_group(
    state: &GroupState,
    remove: &[RuleSpec],
    add: &[RuleSpec],
    restricted: &RestrictedPorts,
    report: &mut ActionReport,
) {
    let live = state.specs();
    let exposed = still_exposed(&live, remove, restricted);
    let missing: Vec<String> = add
        .iter()
        .filter(|a| !live.iter().any(|l| l.same_rule(a)))
        .map(RuleSpec::describe)
        .collect();
    for e in &exposed {
        report.messages.push(format!("still open: {e}"));
    }
    for m in &missing {
        report.messages.push(format!("kept rule missing: {m}"));
    }
    report.verified = Some(exposed.is_empty() && missing.is_empty());
}
