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
/// At most this many user attributes (key=value pairs added to every finding) in a
/// template, as in Inspector Classic.
pub const MAX_USER_ATTRIBUTES: usize = 10;

/// A tag pair of a resource group; an instance with any of the group's pairs is in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TagPair {
    /// The tag key, trimmed; never empty.
    pub key: String,
    /// The tag value, trimmed; may be empty (a tag set without a value).
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
    /// The store's id (row id), stable for the target's life.
    pub id: i64,
    /// The unique name commands refer to the target by.
    pub name: String,
    /// 12-digit account ids the run covers; empty: every account of the snapshot.
    pub accounts: Vec<String>,
    /// Regions the run covers; empty: every region of the snapshot.
    pub regions: Vec<String>,
    /// The resource group: an instance with any of these tags is in; empty: all instances.
    pub tags: Vec<TagPair>,
    /// When the target was created (RFC 3339, UTC).
    pub created_at: String,
}

/// What `kensa target create` asks for.
#[derive(Debug, Clone, Default)]
pub struct NewTarget {
    /// The name; must not be used by another target.
    pub name: String,
    /// Account ids to cover (empty: all), validated as 12 digits.
    pub accounts: Vec<String>,
    /// Regions to cover (empty: all), validated as region names.
    pub regions: Vec<String>,
    /// The resource group's tag pairs (at most [`MAX_TAGS`]).
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
    /// A run of the template started (`ASSESSMENT_RUN_STARTED`).
    AssessmentRunStarted,
    /// A run reached a final state (`ASSESSMENT_RUN_COMPLETED`).
    AssessmentRunCompleted,
    /// A run changed state, any state (`ASSESSMENT_RUN_STATE_CHANGED`).
    AssessmentRunStateChanged,
    /// A run reported a finding it had not reported before (`FINDING_REPORTED`).
    FindingReported,
}

impl Event {
    /// Every event, in the order Inspector lists them.
    pub const ALL: [Event; 4] = [
        Event::AssessmentRunStarted,
        Event::AssessmentRunCompleted,
        Event::AssessmentRunStateChanged,
        Event::FindingReported,
    ];
    /// The event's name as Inspector spells it (`ASSESSMENT_RUN_STARTED`), also its
    /// stored form.
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
/// webhook (JSON), `slack+https://...` (a Slack-compatible body posted to the URL), or,
/// for FINDING_REPORTED only, a Security Hub ARN
/// (`arn:aws:securityhub:REGION:ACCOUNT:hub/default`: the run's findings in ASFF).
/// `min_severity` limits FINDING_REPORTED to new findings at or above it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Subscription {
    /// The event that triggers a notification.
    pub event: Event,
    /// Where the notification goes: SNS topic ARN, webhook URL or `slack+https://` URL.
    pub endpoint: String,
    /// For FINDING_REPORTED: only new findings at or above this severity are sent.
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
        let destination = crate::notifications::Destination::parse(endpoint)
            .map_err(|m| err(format!("`{s}`: {m}")))?;
        if destination.takes_findings() && event != Event::FindingReported {
            return Err(err(format!(
                "`{s}`: Security Hub receives findings, not run events: subscribe it to FINDING_REPORTED (FINDING_REPORTED:SEVERITY=... for a threshold)"
            )));
        }
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
    /// The store's id (row id).
    pub id: i64,
    /// The unique name commands refer to the template by.
    pub name: String,
    /// The name of the target it assesses.
    pub target: String,
    /// The id of that target.
    pub target_id: i64,
    /// The rules packages a run executes (reachability, config, cve).
    pub packages: Vec<Package>,
    /// The compliance framework of the `config` package (fsbp, cis-aws-3.0, ...).
    pub framework: Option<String>,
    /// Key/value pairs copied into every finding of its runs (Inspector's user attributes).
    pub user_attributes: BTreeMap<String, String>,
    /// Notifications sent for its runs.
    pub subscriptions: Vec<Subscription>,
    /// When the template was created (RFC 3339, UTC).
    pub created_at: String,
}

/// What `kensa template create` asks for; validated by the store before it is written.
#[derive(Debug, Clone, Default)]
pub struct NewTemplate {
    /// The name; must not be used by another template.
    pub name: String,
    /// The name of an existing target.
    pub target: String,
    /// Package names ([`parse_package`]); empty: every package.
    pub packages: Vec<String>,
    /// A built-in framework id for the config package; `None`: the default (fsbp).
    pub framework: Option<String>,
    /// User attributes (at most [`MAX_USER_ATTRIBUTES`], keys unique).
    pub user_attributes: Vec<(String, String)>,
    /// Event subscriptions.
    pub subscriptions: Vec<Subscription>,
}

/// Inspector Classic's run states (the ones a snapshot-based run passes through).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RunState {
    /// Recorded, nothing done yet.
    Created,
    /// Reading the snapshot (or collecting it from AWS).
    CollectingData,
    /// The snapshot is loaded and stored.
    DataCollected,
    /// The packages' rules are running.
    EvaluatingRules,
    /// Every package ran on complete input.
    Completed,
    /// Finished, but some input was incomplete or a package failed (see the exclusions).
    CompletedWithErrors,
    /// Stopped by an error (or found interrupted after a crash); findings stored so far
    /// are kept.
    Failed,
    /// Stopped on request.
    Canceled,
}

impl RunState {
    /// Every state, in the order a run passes through them.
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
    /// The state as Inspector spells it (`COLLECTING_DATA`), also its stored form.
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
    /// The state entered.
    pub state: RunState,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Why, for failures and partial completions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Finding counts by severity (findings the run saw).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SeverityCounts {
    /// Critical findings.
    pub critical: i64,
    /// High findings.
    pub high: i64,
    /// Medium findings.
    pub medium: i64,
    /// Low findings.
    pub low: i64,
    /// Informational findings.
    pub informational: i64,
}

impl SeverityCounts {
    /// All findings, every severity.
    pub fn total(&self) -> i64 {
        self.critical + self.high + self.medium + self.low + self.informational
    }
    /// The count for severity `s`.
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
    /// The store's id (row id).
    pub id: i64,
    /// `demo`, `directory` or `live`.
    pub source: String,
    /// The directory, when there is one.
    pub location: Option<String>,
    /// SHA-256 of the snapshot's files (relative paths and contents, in path order): two
    /// runs with the same hash assessed the same input.
    pub content_hash: String,
    /// Accounts the snapshot holds.
    pub accounts: Vec<String>,
    /// Regions the snapshot holds.
    pub regions: Vec<String>,
    /// Instances loaded.
    pub instances: i64,
    /// Input warnings raised while loading it.
    pub warnings: i64,
    /// When it was recorded (RFC 3339, UTC).
    pub created_at: String,
}

/// A run: a template applied to a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    /// The store's id (row id); finding history refers to it.
    pub id: i64,
    /// The name of the template run.
    pub template: String,
    /// The id of that template.
    pub template_id: i64,
    /// The current state.
    pub state: RunState,
    /// Why the run is in that state, for failures and partial completions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_reason: Option<String>,
    /// When the run was created (RFC 3339, UTC).
    pub created_at: String,
    /// When it reached a final state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<String>,
    /// Findings the run saw, by severity.
    pub counts: SeverityCounts,
    /// Findings this run resolved (seen before, gone now, in scope).
    pub resolved: i64,
    /// The snapshot assessed, once recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<SnapshotInfo>,
    /// Every state change, oldest first.
    pub states: Vec<StateChange>,
}

/// Why something could not be assessed (Inspector's exclusion types, kensa's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExclusionKind {
    /// The target selects no instance of the snapshot.
    NoInstancesInTarget,
    /// No package inventory for an instance, so the cve package could not assess it.
    HostDataMissing,
    /// The instance's operating system is one the cve package cannot match (Windows).
    UnsupportedOs,
    /// A package failed; its findings are missing from the run.
    EvaluationError,
    /// The snapshot was incomplete (files rejected, items skipped, inputs missing).
    InputIncomplete,
    /// The instance's agent has not sent a heartbeat within the staleness threshold
    /// ([`crate::agents::STALE_AFTER_MINUTES`]): its host data is not current.
    AgentUnhealthy,
}

impl ExclusionKind {
    /// Every kind.
    pub const ALL: [ExclusionKind; 6] = [
        ExclusionKind::NoInstancesInTarget,
        ExclusionKind::HostDataMissing,
        ExclusionKind::UnsupportedOs,
        ExclusionKind::EvaluationError,
        ExclusionKind::InputIncomplete,
        ExclusionKind::AgentUnhealthy,
    ];
    /// The kind as stored and printed (`NO_INSTANCES_IN_TARGET`).
    pub fn as_str(self) -> &'static str {
        match self {
            ExclusionKind::NoInstancesInTarget => "NO_INSTANCES_IN_TARGET",
            ExclusionKind::HostDataMissing => "HOST_DATA_MISSING",
            ExclusionKind::UnsupportedOs => "UNSUPPORTED_OS",
            ExclusionKind::EvaluationError => "EVALUATION_ERROR",
            ExclusionKind::InputIncomplete => "INPUT_INCOMPLETE",
            ExclusionKind::AgentUnhealthy => "AGENT_UNHEALTHY",
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
    /// One instance, by id.
    InstanceId(String),
    /// One rules package, by name.
    Package(String),
    /// The whole target (or snapshot), by name.
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

/// Something a run could not assess, and why (Inspector Classic's exclusions).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Exclusion {
    /// Why it was not assessed.
    pub kind: ExclusionKind,
    /// One line for listings.
    pub title: String,
    /// What exactly was missing or failed.
    pub description: String,
    /// What to do so the next run assesses it.
    pub recommendation: String,
    /// What it covers.
    pub scope: ExclusionScope,
    /// Details as key/value pairs (`INSTANCE_COUNT`, ...).
    pub attributes: BTreeMap<String, String>,
}
