//! What the store holds, as plain data (serde for JSON output and for the report
//! renderer): targets, templates, runs and their states, exclusions.
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use kensa_model::{Package, Severity};
use serde::{Deserialize, Serialize};

use crate::error::StoreError;

/// At most this many tag pairs in a resource group, user attributes in a template.
pub const MAX_TAGS: usize = 10;
pub const MAX_USER_ATTRIBUTES: usize = 10;

/// A tag pair of a resource group; an instance with any of the group's pairs is in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TagPair {
    pub key: String,
    pub value: String,
}

impl FromStr for TagPair {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok(TagPair {
                key: k.trim().to_string(),
                value: v.trim().to_string(),
            }),
            _ => Err(StoreError::invalid(
                "tag",
                format!("`{s}`: expected KEY=VALUE"),
            )),
        }
    }
}

/// Where a run looks: instances of these accounts and regions (empty = all the
/// snapshot holds), narrowed to a resource group when `tags` is not empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub id: i64,
    pub name: String,
    pub accounts: Vec<String>,
    pub regions: Vec<String>,
    pub tags: Vec<TagPair>,
    pub created_at: String,
}

/// What `kensa target create` asks for.
#[derive(Debug, Clone, Default)]
pub struct NewTarget {
    pub name: String,
    pub accounts: Vec<String>,
    pub regions: Vec<String>,
    pub tags: Vec<TagPair>,
}

/// The packages a template may run (the host packages join once they exist).
pub const TEMPLATE_PACKAGES: [Package; 3] =
    [Package::NetworkReachability, Package::Config, Package::Cve];

/// Parses a package name a template may use.
pub fn parse_package(s: &str) -> Result<Package, StoreError> {
    TEMPLATE_PACKAGES
        .into_iter()
        .find(|p| p.as_str() == s.trim())
        .ok_or_else(|| {
            StoreError::invalid(
                "package",
                format!("unknown package `{s}` (expected network-reachability, config or cve)"),
            )
        })
}

/// Inspector's events a template can subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Event {
    AssessmentRunStarted,
    AssessmentRunCompleted,
    AssessmentRunStateChanged,
    FindingReported,
}

impl Event {
    pub const ALL: [Event; 4] = [
        Event::AssessmentRunStarted,
        Event::AssessmentRunCompleted,
        Event::AssessmentRunStateChanged,
        Event::FindingReported,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Event::AssessmentRunStarted => "ASSESSMENT_RUN_STARTED",
            Event::AssessmentRunCompleted => "ASSESSMENT_RUN_COMPLETED",
            Event::AssessmentRunStateChanged => "ASSESSMENT_RUN_STATE_CHANGED",
            Event::FindingReported => "FINDING_REPORTED",
        }
    }
}

/// An event subscription: where a notification for `event` goes. The endpoint says how
/// it is delivered: an SNS topic ARN (`arn:aws:sns:...`), an `https://` or `http://`
/// webhook (JSON), or `slack+https://...` (a Slack-compatible body posted to the URL).
/// `min_severity` limits FINDING_REPORTED to new findings at or above it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Subscription {
    pub event: Event,
    pub endpoint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_severity: Option<kensa_model::Severity>,
}

impl FromStr for Subscription {
    type Err = StoreError;
    /// `EVENT=ENDPOINT`, e.g. `ASSESSMENT_RUN_COMPLETED=arn:aws:sns:...:topic`, or
    /// `FINDING_REPORTED:SEVERITY=ENDPOINT` for new findings at or above SEVERITY.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |m: String| StoreError::invalid("subscription", m);
        let (event, endpoint) = s
            .split_once('=')
            .ok_or_else(|| err(format!("`{s}`: expected EVENT=ENDPOINT")))?;
        let (event, min_severity) = match event.split_once(':') {
            Some((e, sev)) => {
                let sev: kensa_model::Severity =
                    sev.trim().parse().map_err(|e| err(format!("`{s}`: {e}")))?;
                (e, Some(sev))
            }
            None => (event, None),
        };
        let event = Event::ALL
            .into_iter()
            .find(|e| e.as_str().eq_ignore_ascii_case(event.trim()))
            .ok_or_else(|| {
                err(format!(
                    "unknown event `{event}` (expected one of {})",
                    Event::ALL.map(Event::as_str).join(", ")
                ))
            })?;
        if min_severity.is_some() && event != Event::FindingReported {
            return Err(err(format!(
                "`{s}`: a severity applies to FINDING_REPORTED only"
            )));
        }
        let endpoint = endpoint.trim();
        crate::notifications::Destination::parse(endpoint)
            .map_err(|m| err(format!("`{s}`: {m}")))?;
        Ok(Subscription {
            event,
            endpoint: endpoint.to_string(),
            min_severity,
        })
    }
}

/// A template: a target, the packages to run, user attributes added to every finding,
/// event subscriptions. Immutable once created (the database refuses updates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub id: i64,
    pub name: String,
    pub target: String,
    pub target_id: i64,
    pub packages: Vec<Package>,
    /// The compliance framework of the `config` package (fsbp, cis-aws-3.0, ...).
    pub framework: Option<String>,
    pub user_attributes: BTreeMap<String, String>,
    pub subscriptions: Vec<Subscription>,
    pub created_at: String,
}

#[derive(Debug, Clone, Default)]
pub struct NewTemplate {
    pub name: String,
    pub target: String,
    pub packages: Vec<String>,
    pub framework: Option<String>,
    pub user_attributes: Vec<(String, String)>,
    pub subscriptions: Vec<Subscription>,
}

/// Inspector Classic's run states (the ones a snapshot-based run passes through).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RunState {
    Created,
    CollectingData,
    DataCollected,
    EvaluatingRules,
    Completed,
    CompletedWithErrors,
    Failed,
    Canceled,
}

impl RunState {
    pub const ALL: [RunState; 8] = [
        RunState::Created,
        RunState::CollectingData,
        RunState::DataCollected,
        RunState::EvaluatingRules,
        RunState::Completed,
        RunState::CompletedWithErrors,
        RunState::Failed,
        RunState::Canceled,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            RunState::Created => "CREATED",
            RunState::CollectingData => "COLLECTING_DATA",
            RunState::DataCollected => "DATA_COLLECTED",
            RunState::EvaluatingRules => "EVALUATING_RULES",
            RunState::Completed => "COMPLETED",
            RunState::CompletedWithErrors => "COMPLETED_WITH_ERRORS",
            RunState::Failed => "FAILED",
            RunState::Canceled => "CANCELED",
        }
    }
    /// A final state never changes again.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            RunState::Completed
                | RunState::CompletedWithErrors
                | RunState::Failed
                | RunState::Canceled
        )
    }
}

impl fmt::Display for RunState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RunState {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RunState::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| StoreError::invalid("run state", format!("unknown state `{s}`")))
    }
}

/// One state change of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateChange {
    pub state: RunState,
    pub at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Finding counts by severity (findings the run saw).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SeverityCounts {
    pub critical: i64,
    pub high: i64,
    pub medium: i64,
    pub low: i64,
    pub informational: i64,
}

impl SeverityCounts {
    pub fn total(&self) -> i64 {
        self.critical + self.high + self.medium + self.low + self.informational
    }
    pub fn get(&self, s: Severity) -> i64 {
        match s {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Informational => self.informational,
        }
    }
}

/// The snapshot a run assessed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotInfo {
    pub id: i64,
    /// `demo`, `directory` or `live`.
    pub source: String,
    /// The directory, when there is one.
    pub location: Option<String>,
    pub content_hash: String,
    pub accounts: Vec<String>,
    pub regions: Vec<String>,
    pub instances: i64,
    pub warnings: i64,
    pub created_at: String,
}

/// A run: a template applied to a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    pub id: i64,
    pub template: String,
    pub template_id: i64,
    pub state: RunState,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_reason: Option<String>,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<String>,
    pub counts: SeverityCounts,
    /// Findings this run resolved (seen before, gone now, in scope).
    pub resolved: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<SnapshotInfo>,
    pub states: Vec<StateChange>,
}

/// Why something could not be assessed (Inspector's exclusion types, kensa's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExclusionKind {
    NoInstancesInTarget,
    HostDataMissing,
    UnsupportedOs,
    EvaluationError,
    InputIncomplete,
}

impl ExclusionKind {
    pub const ALL: [ExclusionKind; 5] = [
        ExclusionKind::NoInstancesInTarget,
        ExclusionKind::HostDataMissing,
        ExclusionKind::UnsupportedOs,
        ExclusionKind::EvaluationError,
        ExclusionKind::InputIncomplete,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ExclusionKind::NoInstancesInTarget => "NO_INSTANCES_IN_TARGET",
            ExclusionKind::HostDataMissing => "HOST_DATA_MISSING",
            ExclusionKind::UnsupportedOs => "UNSUPPORTED_OS",
            ExclusionKind::EvaluationError => "EVALUATION_ERROR",
            ExclusionKind::InputIncomplete => "INPUT_INCOMPLETE",
        }
    }
    /// Does this exclusion make the run partial (COMPLETED_WITH_ERRORS)?
    pub fn is_error(self) -> bool {
        matches!(
            self,
            ExclusionKind::EvaluationError | ExclusionKind::InputIncomplete
        )
    }
}

impl FromStr for ExclusionKind {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ExclusionKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| StoreError::Decode {
                what: "exclusion",
                message: format!("unknown type `{s}`"),
            })
    }
}

/// What an exclusion covers: one instance, one package, or the whole target/snapshot.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExclusionScope {
    InstanceId(String),
    Package(String),
    Target(String),
}

impl ExclusionScope {
    pub(crate) fn parts(&self) -> (&'static str, &str) {
        match self {
            ExclusionScope::InstanceId(v) => ("INSTANCE_ID", v),
            ExclusionScope::Package(v) => ("PACKAGE", v),
            ExclusionScope::Target(v) => ("TARGET", v),
        }
    }
    pub(crate) fn from_parts(kind: &str, value: String) -> Result<Self, StoreError> {
        match kind {
            "INSTANCE_ID" => Ok(ExclusionScope::InstanceId(value)),
            "PACKAGE" => Ok(ExclusionScope::Package(value)),
            "TARGET" => Ok(ExclusionScope::Target(value)),
            other => Err(StoreError::Decode {
                what: "exclusion",
                message: format!("unknown scope `{other}`"),
            }),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Exclusion {
    pub kind: ExclusionKind,
    pub title: String,
    pub description: String,
    pub recommendation: String,
    pub scope: ExclusionScope,
    pub attributes: BTreeMap<String, String>,
}
