//! A compliance report: per control of a framework, PASSED / FAILED / NOT_APPLICABLE with
//! resource counts. Produced by `kensa-rules`, rendered by `kensa-report`.
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::completeness::Completeness;
use crate::finding::Severity;
use crate::resource_type::ResourceType;

/// A control's outcome in a compliance report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ControlStatus {
    /// Every resource the control evaluated passed.
    Passed,
    /// At least one resource failed.
    Failed,
    /// No resource to evaluate (never said of input that is missing: that is `NOT_EVALUATED`).
    NotApplicable,
    /// The control's input is missing or was rejected: nothing can be said
    /// ([`ControlResult::reason`] says why). Never counted as a pass.
    NotEvaluated,
}

impl ControlStatus {
    /// The status as reports print it (`PASSED`, `FAILED`, `NOT_APPLICABLE`).
    pub fn as_str(self) -> &'static str {
        match self {
            ControlStatus::Passed => "PASSED",
            ControlStatus::Failed => "FAILED",
            ControlStatus::NotApplicable => "NOT_APPLICABLE",
            ControlStatus::NotEvaluated => "NOT_EVALUATED",
        }
    }
}

impl fmt::Display for ControlStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One control's outcome over the snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlResult {
    /// The control id in its framework (`EC2.19`, `5.2`, `restricted-ssh`).
    pub control: String,
    /// The kensa rule that evaluated it.
    pub rule_id: String,
    /// The control's title, as the framework words it.
    pub title: String,
    /// The control's severity in this framework.
    pub severity: Severity,
    /// The control's outcome over all resources.
    pub status: ControlStatus,
    /// Resources evaluated and compliant.
    pub passed: usize,
    /// Resources evaluated and not compliant (suppressed ones excluded).
    pub failed: usize,
    /// Non-compliant resources muted by the mute list.
    pub suppressed: usize,
    /// Resources the control does not apply to (e.g. a stopped instance).
    pub not_applicable: usize,
    /// The failing resource ids, sorted.
    #[serde(default)]
    pub failed_resources: Vec<String>,
    /// Every non-compliant resource with why (suppressed ones included, marked).
    #[serde(default)]
    pub failures: Vec<ResourceFailure>,
    /// Why the control is `NOT_EVALUATED` (which input is missing or was rejected).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One non-compliant resource of a control.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceFailure {
    /// The resource that failed.
    pub resource_id: String,
    /// Its type, in Security Hub's names (`AwsEc2SecurityGroup`).
    pub resource_type: String,
    /// The control's severity for it.
    pub severity: Severity,
    /// What exactly fails, as the check says it.
    pub reason: String,
    /// Whether a mute rule suppressed the finding: it still counts as failed, but is shown as
    /// muted.
    pub suppressed: bool,
}

/// Counts of a report's controls by status, and of suppressed failures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ComplianceSummary {
    /// Controls that passed on every resource they evaluated.
    pub passed: usize,
    /// Controls with at least one failing resource.
    pub failed: usize,
    /// Controls with no resource to evaluate.
    pub not_applicable: usize,
    /// Controls whose input is missing or was rejected (left out of JSON when 0, so
    /// reports of complete input read as before).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub not_evaluated: usize,
    /// Failures a mute rule suppressed.
    pub suppressed_findings: usize,
    /// How complete the assessed snapshot was (absent in reports of older versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completeness: Option<Completeness>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The report for one framework.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplianceReport {
    /// Framework id (`fsbp`, `cis-aws-3.0`, `aws-config`, or a custom one).
    pub framework: String,
    /// The framework's full title (`AWS Foundational Security Best Practices`).
    pub framework_title: String,
    /// What was assessed (snapshot path, `demo`).
    pub source: String,
    /// The date the report is about (given by the caller, `YYYY-MM-DD`), or empty.
    #[serde(default)]
    pub date: String,
    /// Counts of controls by status.
    pub summary: ComplianceSummary,
    /// Every control of the framework, in the framework's order.
    pub controls: Vec<ControlResult>,
}

impl ComplianceReport {
    /// Marks `NOT_EVALUATED` every control that did not fail and whose input kind
    /// (`kind_of(rule_id)`) the snapshot lacks or loaded only in part, with the reason, and
    /// records the completeness in the summary. A failure stays a failure: what was read
    /// is non-compliant whatever else is missing.
    pub fn apply_completeness(
        &mut self,
        completeness: &Completeness,
        kind_of: impl Fn(&str) -> Option<ResourceType>,
    ) {
        for c in &mut self.controls {
            if c.status == ControlStatus::Failed {
                continue;
            }
            let Some(kind) = kind_of(&c.rule_id) else {
                continue;
            };
            if let Some(reason) = completeness.lacking(kind) {
                c.status = ControlStatus::NotEvaluated;
                c.reason = Some(reason);
            }
        }
        let suppressed_findings = self.summary.suppressed_findings;
        self.summary = ComplianceSummary {
            suppressed_findings,
            completeness: Some(completeness.clone()),
            ..ComplianceSummary::default()
        };
        for c in &self.controls {
            match c.status {
                ControlStatus::Passed => self.summary.passed += 1,
                ControlStatus::Failed => self.summary.failed += 1,
                ControlStatus::NotApplicable => self.summary.not_applicable += 1,
                ControlStatus::NotEvaluated => self.summary.not_evaluated += 1,
            }
        }
    }
}
