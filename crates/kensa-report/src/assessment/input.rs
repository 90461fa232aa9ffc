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
    /// The run the report is about.
    pub run: RunInfo,
    /// The template the run applied.
    pub template: TemplateInfo,
    /// What the run assessed.
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
    /// The run id as the store numbers it (`demo` for a one-shot scan).
    pub id: String,
    /// The run's name.
    pub name: String,
    /// The final state (`COMPLETED`, `COMPLETED_WITH_ERRORS`, ...).
    #[serde(default)]
    pub state: String,
    /// When the run started (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    /// When the run ended (RFC 3339); absent while it runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<String>,
    /// Every state change in order.
    #[serde(default)]
    pub state_history: Vec<StateChange>,
}

/// One state a run went through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateChange {
    /// The state entered (`CREATED`, `COLLECTING_DATA`, `COMPLETED`, ...).
    pub state: String,
    /// RFC 3339 timestamp.
    pub at: String,
}

/// The template: which packages, with which user attributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TemplateInfo {
    /// The template's name.
    pub name: String,
    /// The rules packages the run evaluated.
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
    /// The target's name.
    pub name: String,
    /// What the target selects, for people (`all instances`, `tag env=prod or team=web`).
    #[serde(default)]
    pub description: String,
    /// The account/region pairs it covers.
    #[serde(default)]
    pub scopes: Vec<AccountRegion>,
}

/// One account in one region.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AccountRegion {
    /// The account id.
    pub account: String,
    /// The region (`us-east-1`).
    pub region: String,
}

/// Something the run could not assess (Inspector Classic's exclusions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    /// `NO_INSTANCES_IN_TARGET`, `COLLECTION_FAILED`, `HOST_DATA_MISSING`,
    /// `UNSUPPORTED_OS`, `EVALUATION_ERROR`, ...
    #[serde(rename = "type")]
    pub exclusion_type: String,
    /// One line for people.
    pub title: String,
    /// What was not assessed and why.
    pub description: String,
    /// How to make it assessable.
    pub recommendation: String,
    /// What it covers.
    #[serde(default)]
    pub scope: Vec<ExclusionScope>,
}

/// What an exclusion covers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum ExclusionScope {
    /// One instance, by id.
    Instance(String),
    /// A whole rules package.
    Package(Package),
    /// `ACCOUNT/REGION`, for a collection that failed for a whole region.
    AccountRegion(String),
}

impl ExclusionScope {
    /// The scope for people (`instance i-0abc`).
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
    /// The rule id.
    pub id: String,
    /// The rule's title.
    pub title: String,
    /// The severity a failure would have had.
    pub severity: Severity,
    /// The rules package it belongs to.
    pub package: Package,
    /// How many resources it evaluated (0 when the producer does not know).
    #[serde(default)]
    pub resources_evaluated: usize,
}

/// An instance the run evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct InstanceInfo {
    /// The instance id.
    pub id: String,
    /// The `Name` tag, or empty.
    #[serde(default)]
    pub name: String,
    /// The account it runs in.
    #[serde(default)]
    pub account: String,
    /// Its region.
    #[serde(default)]
    pub region: String,
    /// Its primary private IPv4 address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ip: Option<String>,
    /// Its public IPv4 address, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<String>,
    /// `Linux/UNIX`, `Windows`, ...
    #[serde(default)]
    pub platform: String,
    /// Its state when collected (`running`, `stopped`).
    #[serde(default)]
    pub state: String,
}
