//! Automatic remediation policies: which exposures a policy acts on (source classes,
//! severity, accounts, regions, tags), which controls it fixes and how (`revoke` or
//! `narrow`), and the brakes a team needs before switching it on — dry run, approval,
//! a rate limit, and allow-list tags that exempt a resource.
//!
//! A policy decides; it does not plan or apply. The binary plans with kensa-aws's
//! remediation planner for the policy's controls and applies through its journaled,
//! verified driver.
use std::collections::BTreeMap;

use kensa_model::{Severity, Snapshot};
use kensa_net::engine::SourceClass;

use crate::alert::ExposureAlert;

mod load;

pub use load::{load_policies, parse_policies, PolicyError};

/// How a policy fixes a failing group rule (the planner's modes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicyMode {
    /// Remove the offending rule.
    Revoke,
    /// Replace it with the same source on the same ports minus the restricted ones.
    Narrow,
}

/// Where a policy applies; an empty list means everywhere.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyScope {
    /// Account ids.
    pub accounts: Vec<String>,
    /// Region names.
    pub regions: Vec<String>,
    /// Tags the instance must carry: key to value (`*` for any value).
    pub tags: BTreeMap<String, String>,
}

/// Approval before a plan is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    /// Receives each pending plan as JSON (POST); without it the plan is only in the
    /// watch's output.
    pub webhook: Option<String>,
}

/// One remediation policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// Unique within the file; names the policy in alerts and the state.
    pub name: String,
    /// Controls to fix (as `kensa remediate plan --controls` takes them).
    pub controls: Vec<String>,
    /// Exposures the policy acts on (default: the Internet).
    pub exposures: Vec<SourceClass>,
    /// Only exposures at or above this severity.
    pub min_severity: Option<Severity>,
    /// How group rules are fixed.
    pub mode: PolicyMode,
    /// Accounts, regions and tags the policy is limited to.
    pub scope: PolicyScope,
    /// Tags (`key` or `key=value`) that exempt an instance or group.
    pub allow_tags: Vec<String>,
    /// Plan and report, never change anything.
    pub dry_run: bool,
    /// Wait for `kensa remediate approve ID` before applying.
    pub approval: Option<Approval>,
    /// At most this many remediations started per hour (over the last 60 minutes).
    pub rate_limit_per_hour: u32,
    /// Line of the policy in its file.
    pub line: usize,
}

/// The tag that exempts a resource when a policy does not name its own.
pub const DEFAULT_ALLOW_TAG: &str = "kensa:allow-public";

/// What a policy makes of one opened exposure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Not this policy's exposure (class, severity, account, region or tags).
    OutOfScope,
    /// In scope, but a resource carries an allow-list tag: `resource` has `tag`.
    Exempt {
        /// The instance or group carrying the tag.
        resource: String,
        /// The tag as written in the policy.
        tag: String,
    },
    /// Fix these groups of the exposed interface.
    Remediate {
        /// The interface's security groups, sorted.
        groups: Vec<String>,
    },
}

impl Policy {
    /// What this policy does about `alert` (an opened exposure) of an interface in
    /// `groups`, with the tags of the model's instance and groups.
    pub fn decide(&self, alert: &ExposureAlert, groups: &[String], snap: &Snapshot) -> Decision {
        let in_list = |list: &[String], v: &Option<String>| {
            list.is_empty() || v.as_ref().is_some_and(|v| list.contains(v))
        };
        let instance = snap.instances.get(&alert.resource);
        let instance_tags = instance.map(|i| i.tags.as_slice()).unwrap_or(&[]);
        // Through a load balancer, the exposure is the listener's and the load balancer's
        // groups', not the target's: a policy on the target's groups would not close it.
        let in_scope = alert.change == "opened"
            && alert.via.is_none()
            && self.exposures.contains(&alert.source_class)
            && self.min_severity.is_none_or(|m| alert.severity >= m)
            && in_list(&self.scope.accounts, &alert.event.account)
            && in_list(&self.scope.regions, &alert.event.region)
            && (self.scope.tags.iter()).all(|(k, v)| has_tag(instance_tags, k, Some(v)));
        if !in_scope {
            return Decision::OutOfScope;
        }
        let mut carriers = vec![(alert.resource.as_str(), instance_tags)];
        let mut groups = groups.to_vec();
        groups.sort();
        groups.dedup();
        for g in &groups {
            if let Some(sg) = snap.security_groups.get(g) {
                carriers.push((g.as_str(), sg.tags.as_slice()));
            }
        }
        for tag in &self.allow_tags {
            let (k, v) = match tag.split_once('=') {
                Some((k, v)) => (k, Some(v.to_string())),
                None => (tag.as_str(), None),
            };
            if let Some((r, _)) = carriers.iter().find(|(_, t)| has_tag(t, k, v.as_ref())) {
                return Decision::Exempt {
                    resource: r.to_string(),
                    tag: tag.clone(),
                };
            }
        }
        Decision::Remediate { groups }
    }
}

/// Whether `tags` has `key` (with `value`, unless None or `*`).
fn has_tag(tags: &[kensa_model::ec2::Tag], key: &str, value: Option<&String>) -> bool {
    tags.iter()
        .any(|t| t.key == key && value.is_none_or(|v| v == "*" || *v == t.value))
}
