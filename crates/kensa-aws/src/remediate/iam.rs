//! The least-privilege IAM policy a plan needs: its write calls on exactly the
//! resources it touches, the inverse calls rollback makes on the same resources, and the
//! read calls apply uses to journal and verify (which IAM only grants on `*`).
use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use super::plan::{Change, Plan};

/// Read calls apply and rollback make per kind of change.
fn reads(change: &Change) -> &'static [&'static str] {
    match change {
        Change::SecurityGroupRules { .. } => &[
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSecurityGroupRules",
            "ec2:DescribeManagedPrefixLists",
            "ec2:GetManagedPrefixListEntries",
        ],
        Change::EnableEbsEncryptionByDefault => &["ec2:GetEbsEncryptionByDefault"],
        Change::MakeSnapshotPrivate { .. } => &["ec2:DescribeSnapshotAttribute"],
        Change::MakeImagePrivate { .. } => &["ec2:DescribeImageAttribute"],
        Change::RequireImdsV2 { .. } => &["ec2:DescribeInstances"],
    }
}

/// Calls rollback may make, besides the plan's own.
fn inverses(action: &str) -> &'static [&'static str] {
    match action {
        "ec2:AuthorizeSecurityGroupIngress" | "ec2:RevokeSecurityGroupIngress" => &[
            "ec2:AuthorizeSecurityGroupIngress",
            "ec2:RevokeSecurityGroupIngress",
        ],
        "ec2:AuthorizeSecurityGroupEgress" | "ec2:RevokeSecurityGroupEgress" => &[
            "ec2:AuthorizeSecurityGroupEgress",
            "ec2:RevokeSecurityGroupEgress",
        ],
        "ec2:EnableEbsEncryptionByDefault" => &[
            "ec2:EnableEbsEncryptionByDefault",
            "ec2:DisableEbsEncryptionByDefault",
        ],
        _ => &[],
    }
}

/// The policy document for `plan` (apply and rollback).
pub fn policy_for(plan: &Plan) -> Value {
    let mut writes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut read: BTreeSet<&str> = BTreeSet::new();
    for a in &plan.actions {
        read.extend(reads(&a.change));
        for call in &a.calls {
            let names = inverses(&call.action);
            let names: Vec<&str> = if names.is_empty() {
                vec![call.action.as_str()]
            } else {
                names.to_vec()
            };
            for n in names {
                writes
                    .entry(n.to_owned())
                    .or_default()
                    .insert(call.resource.clone());
            }
        }
    }
    // Group actions that share the same resources into one statement.
    let mut by_resources: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
    for (action, resources) in writes {
        let resources: Vec<String> = if resources.contains("*") {
            vec!["*".into()]
        } else {
            resources.into_iter().collect()
        };
        by_resources.entry(resources).or_default().push(action);
    }
    let mut statements = Vec::new();
    if !read.is_empty() {
        statements.push(json!({
            "Sid": "KensaReadForJournalAndVerify",
            "Effect": "Allow",
            "Action": read.into_iter().collect::<Vec<_>>(),
            "Resource": "*",
        }));
    }
    for (i, (resources, actions)) in by_resources.into_iter().enumerate() {
        statements.push(json!({
            "Sid": format!("KensaRemediate{}", i + 1),
            "Effect": "Allow",
            "Action": actions,
            "Resource": resources,
        }));
    }
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// A policy for every kind of remediation kensa makes, on any resource (for people who
/// want one role for all future plans).
pub fn policy_for_everything() -> Value {
    use super::plan::{Action, Mode, PLAN_VERSION};
    use super::rule::{RuleSpec, Source};
    use kensa_model::ports::RestrictedPorts;
    let any_rule = |egress| RuleSpec {
        egress,
        ip_protocol: "-1".into(),
        from_port: None,
        to_port: None,
        source: Source::CidrIpv4("0.0.0.0/0".into()),
        description: None,
        rule_id: None,
    };
    let changes = [
        Change::SecurityGroupRules {
            group_id: "*".into(),
            remove: vec![any_rule(false), any_rule(true)],
            add: vec![any_rule(false), any_rule(true)],
            restricted: RestrictedPorts::default(),
        },
        Change::EnableEbsEncryptionByDefault,
        Change::MakeSnapshotPrivate {
            snapshot_id: "*".into(),
        },
        Change::MakeImagePrivate {
            image_id: "*".into(),
        },
        Change::RequireImdsV2 {
            instance_id: "*".into(),
        },
    ];
    let actions = changes
        .into_iter()
        .map(|change| Action {
            id: String::new(),
            controls: Vec::new(),
            account: String::new(),
            region: "*".into(),
            resource_type: String::new(),
            resource_id: "*".into(),
            summary: String::new(),
            calls: change.calls("", "*"),
            change,
            notes: Vec::new(),
        })
        .collect();
    policy_for(&Plan {
        version: PLAN_VERSION,
        source: String::new(),
        mode: Mode::Revoke,
        controls: Vec::new(),
        actions,
    })
}
