//! Roll back a journal run: for every action that recorded its original state, restore
//! exactly that state, newest action first (so that two actions on one group end at the
//! first one's original).
use std::path::Path;

use aws_sdk_ec2::Client;
use serde::{Deserialize, Serialize};

use super::apply::session_for;
use super::journal::{BeforeRecord, Captured, Journal};
use super::live::{self, GroupState};
use super::rule::RuleSpec;
use crate::error::{ApiError, AwsError};
use crate::session::{in_region, Target};

/// The outcome of restoring one action's resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RollbackAction {
    /// The action's id in the journal.
    pub action_id: String,
    /// The resource restored.
    pub resource_id: String,
    /// The resource now matches the journal (security groups: compared as
    /// `DescribeSecurityGroups` output, order-insensitive).
    pub restored: bool,
    /// Errors and notes, each saying what and where.
    pub messages: Vec<String>,
}

/// The outcome of rolling back one journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RollbackReport {
    /// The journal rolled back.
    pub journal_id: String,
    /// Every action of the journal, in order.
    pub actions: Vec<RollbackAction>,
}

impl RollbackReport {
    /// Actions whose resource was not restored.
    pub fn failed(&self) -> usize {
        self.actions.iter().filter(|a| !a.restored).count()
    }

    /// The report as text, one action a line.
    pub fn render_text(&self) -> String {
        let mut out = format!("rollback of journal {}\n", self.journal_id);
        for a in &self.actions {
            let state = if a.restored {
                "restored"
            } else {
                "NOT RESTORED"
            };
            out.push_str(&format!("[{}] {state}: {}\n", a.action_id, a.resource_id));
            for m in &a.messages {
                out.push_str(&format!("    {m}\n"));
            }
        }
        out.push_str(&format!(
            "{} action(s), {} not restored\n",
            self.actions.len(),
            self.failed()
        ));
        out
    }
}

/// Restores every resource of the journal `journal_id` under `journal_root` to its
/// recorded `before` state.
pub async fn rollback(
    target: &Target,
    journal_root: &Path,
    journal_id: &str,
) -> Result<RollbackReport, AwsError> {
    let journal = Journal::open(journal_root, journal_id)?;
    rollback_records(target, &journal.id, journal.befores()?).await
}

/// Rolls back from `before` records held elsewhere (the server's store keeps the same
/// records the journal files hold), newest action first.
pub async fn rollback_records(
    target: &Target,
    journal_id: &str,
    mut befores: Vec<BeforeRecord>,
) -> Result<RollbackReport, AwsError> {
    befores.sort_by(|a, b| a.action.id.cmp(&b.action.id));
    befores.reverse();
    let sessions = target.accounts().await?;
    let mut actions = Vec::new();
    for before in &befores {
        let mut report = RollbackAction {
            action_id: before.action.id.clone(),
            resource_id: before.action.resource_id.clone(),
            restored: false,
            messages: Vec::new(),
        };
        let session = session_for(&sessions, &before.account_id)
            .or_else(|_| session_for(&sessions, &before.action.account));
        match session {
            Ok(session) => {
                let ec2 = Client::new(&in_region(&session.config, &before.action.region));
                match restore(&ec2, before, &mut report).await {
                    Ok(restored) => report.restored = restored,
                    Err(e) => report.messages.push(e.to_string()),
                }
            }
            Err(e) => report.messages.push(e.to_string()),
        }
        actions.push(report);
    }
    Ok(RollbackReport {
        journal_id: journal_id.to_owned(),
        actions,
    })
}

fn call(op: &str) -> impl Fn(ApiError) -> AwsError + '_ {
    move |e| AwsError::api(op, e)
}

async fn restore(
    ec2: &Client,
    before: &BeforeRecord,
    report: &mut RollbackAction,
) -> Result<bool, AwsError> {
    match &before.captured {
        Captured::SecurityGroup(original) => restore_group(ec2, original, report).await,
        Captured::EbsEncryptionByDefault { enabled } => {
            live::set_ebs_encryption_by_default(ec2, *enabled)
                .await
                .map_err(call("ec2:DisableEbsEncryptionByDefault"))?;
            Ok(live::ebs_encryption_by_default(ec2)
                .await
                .map_err(call("ec2:GetEbsEncryptionByDefault"))?
                == *enabled)
        }
        Captured::SnapshotPermissions { groups } => {
            let id = &before.action.resource_id;
            let public = groups.iter().any(|g| g == "all");
            live::set_snapshot_public(ec2, id, public)
                .await
                .map_err(call("ec2:ModifySnapshotAttribute"))?;
            let now = live::snapshot_groups(ec2, id)
                .await
                .map_err(call("ec2:DescribeSnapshotAttribute"))?;
            Ok(now.iter().any(|g| g == "all") == public)
        }
        Captured::ImagePermissions { groups } => {
            let id = &before.action.resource_id;
            let public = groups.iter().any(|g| g == "all");
            live::set_image_public(ec2, id, public)
                .await
                .map_err(call("ec2:ModifyImageAttribute"))?;
            let now = live::image_groups(ec2, id)
                .await
                .map_err(call("ec2:DescribeImageAttribute"))?;
            Ok(now.iter().any(|g| g == "all") == public)
        }
        Captured::InstanceMetadata { http_tokens } => {
            let id = &before.action.resource_id;
            live::set_http_tokens(ec2, id, http_tokens)
                .await
                .map_err(call("ec2:ModifyInstanceMetadataOptions"))?;
            Ok(&live::http_tokens(ec2, id)
                .await
                .map_err(call("ec2:DescribeInstances"))?
                == http_tokens)
        }
    }
}

/// Puts back every original rule that is missing and removes every rule that was not
/// there, then compares the group with the journal.
async fn restore_group(
    ec2: &Client,
    original: &GroupState,
    report: &mut RollbackAction,
) -> Result<bool, AwsError> {
    let Some(group) = original.security_groups.first() else {
        return Err(AwsError::Invalid("journal holds no security group".into()));
    };
    let group_id = &group.group_id;
    let now = live::describe_group(ec2, group_id)
        .await
        .map_err(call("ec2:DescribeSecurityGroups"))?;
    let was = original.specs();
    let is = now.specs();
    let missing: Vec<&RuleSpec> = was
        .iter()
        .filter(|w| !is.iter().any(|i| i.same_rule(w)))
        .collect();
    let extra: Vec<&RuleSpec> = is
        .iter()
        .filter(|i| !was.iter().any(|w| w.same_rule(i)))
        .collect();
    for r in &missing {
        live::authorize(ec2, group_id, r)
            .await
            .map_err(call(super::plan::authorize_action(r.egress)))?;
        report.messages.push(format!("re-added {}", r.describe()));
    }
    for egress in [false, true] {
        let ids: Vec<String> = extra
            .iter()
            .filter(|r| r.egress == egress)
            .filter_map(|r| r.rule_id.clone())
            .collect();
        live::revoke_ids(ec2, group_id, egress, &ids)
            .await
            .map_err(call(super::plan::revoke_action(egress)))?;
    }
    for r in &extra {
        report.messages.push(format!("removed {}", r.describe()));
    }
    let after = live::describe_group(ec2, group_id)
        .await
        .map_err(call("ec2:DescribeSecurityGroups"))?;
    let same = canonical_groups(&after) == canonical_groups(original);
    if !same {
        report
            .messages
            .push("the group differs from the journal after rollback".into());
    }
    Ok(same)
}

/// `DescribeSecurityGroups` output with permissions and their sources sorted: AWS does
/// not promise an order, and a re-added source comes back last.
pub fn canonical_groups(state: &GroupState) -> serde_json::Value {
    let mut groups = state.security_groups.clone();
    for g in &mut groups {
        for perms in [&mut g.ip_permissions, &mut g.ip_permissions_egress] {
            for p in perms.iter_mut() {
                p.ip_ranges.sort_by(|a, b| a.cidr_ip.cmp(&b.cidr_ip));
                p.ipv6_ranges.sort_by(|a, b| a.cidr_ipv6.cmp(&b.cidr_ipv6));
                p.prefix_list_ids
                    .sort_by(|a, b| a.prefix_list_id.cmp(&b.prefix_list_id));
                p.user_id_group_pairs
                    .sort_by(|a, b| a.group_id.cmp(&b.group_id));
            }
            perms.sort_by_key(|p| serde_json::to_string(p).unwrap_or_default());
        }
    }
    groups.sort_by(|a, b| a.group_id.cmp(&b.group_id));
    serde_json::to_value(groups).unwrap_or_default()
}
