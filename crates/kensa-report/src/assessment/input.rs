//! What an assessment report is made of: one run of a template over a target, with its
//! findings, exclusions and (for the `full` type) the rules that passed everywhere.
//!
//! Plain data so that whatever holds runs (the store, or a one-shot scan of a snapshot,
//! see [`super::scan`]) can fill it in; the renderers never look anything up elsewhere.
use std::collections::BTreeMap;

use kensa_model::{Finding, Package, Severity};
use serde::{Deserialize, Serialize};

/// Everything one assessment report shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AssessmentReport {
    pub run: RunInfo,
    pub template: TemplateInfo,
    pub target: TargetInfo,
    /// Every finding of the run, suppressed ones included (they are shown as such and not
    /// counted in the summary).
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// What could not be assessed, and why.
    #[serde(default)]
    pub exclusions: Vec<Exclusion>,
    /// Rules evaluated on at least one resource that no resource failed (`full` reports).
    #[serde(default)]
    pub passed_rules: Vec<PassedRule>,
    /// Why `passed_rules` is empty when the producer cannot tell which rules passed (a
    /// stored run keeps findings, not every rule evaluated); shown instead of the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passed_rules_note: Option<String>,
    /// The instances the run evaluated. When empty, the instances named by findings are
    /// used for the per-instance sections.
    #[serde(default)]
    pub instances: Vec<InstanceInfo>,
    /// When the report was produced (RFC 3339); given by the caller, renderers never read
    /// the clock.
    #[serde(default)]
    pub generated_at: String,
}

/// The run: a template applied to a snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RunInfo {
    pub id: String,
    pub name: String,
    /// The final state (`COMPLETED`, `COMPLETED_WITH_ERRORS`, ...).
    #[serde(default)]
    pub state: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<String>,
    /// Every state change in order.
    #[serde(default)]
    pub state_history: Vec<StateChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateChange {
    pub state: String,
    /// RFC 3339 timestamp.
    pub at: String,
}

/// The template: which packages, with which user attributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TemplateInfo {
    pub name: String,
    #[serde(default)]
    pub packages: Vec<Package>,
    /// The compliance framework the `config` package ran (`fsbp`, `cis-aws-3.0`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework: Option<String>,
    /// Added to every finding of the run (at most 10, as Inspector allowed).
    #[serde(default)]
    pub user_attributes: BTreeMap<String, String>,
}

/// The target: which accounts, regions and instances.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TargetInfo {
    pub name: String,
    /// What the target selects, for people (`all instances`, `tag env=prod or team=web`).
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub scopes: Vec<AccountRegion>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AccountRegion {
    pub account: String,
    pub region: String,
}

/// Something the run could not assess (Inspector Classic's exclusions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    /// `NO_INSTANCES_IN_TARGET`, `COLLECTION_FAILED`, `HOST_DATA_MISSING`,
    /// `UNSUPPORTED_OS`, `EVALUATION_ERROR`, ...
    #[serde(rename = "type")]
    pub exclusion_type: String,
    pub title: String,
    pub description: String,
    pub recommendation: String,
    #[serde(default)]
    pub scope: Vec<ExclusionScope>,
}

/// What an exclusion covers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum ExclusionScope {
    Instance(String),
    Package(Package),
    /// `ACCOUNT/REGION`, for a collection that failed for a whole region.
    AccountRegion(String),
}

impl ExclusionScope {
    pub fn describe(&self) -> String {
        match self {
            ExclusionScope::Instance(id) => format!("instance {id}"),
            ExclusionScope::Package(p) => format!("package {}", p.as_str()),
            ExclusionScope::AccountRegion(s) => format!("account/region {s}"),
        }
    }
}

/// A rule that was evaluated and that every resource passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassedRule {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub package: Package,
    /// How many resources it evaluated (0 when the producer does not know).
    #[serde(default)]
    pub resources_evaluated: usize,
}

/// An instance the run evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct InstanceInfo {
    pub id: String,
    /// The `Name` tag, or empty.
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub account: String,
    #[serde(default)]
    pub region: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<String>,
    /// `Linux/UNIX`, `Windows`, ...
    #[serde(default)]
    pub platform: String,
    #[serde(default)]
    pub state: String,
}
