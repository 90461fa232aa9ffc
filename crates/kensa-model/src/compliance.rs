//! A compliance report: per control of a framework, PASSED / FAILED / NOT_APPLICABLE with
//! resource counts. Produced by `kensa-rules`, rendered by `kensa-report`.
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::finding::Severity;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ControlStatus {
    Passed,
    Failed,
    NotApplicable,
}

impl ControlStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ControlStatus::Passed => "PASSED",
            ControlStatus::Failed => "FAILED",
            ControlStatus::NotApplicable => "NOT_APPLICABLE",
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
    pub title: String,
    pub severity: Severity,
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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ComplianceSummary {
    pub passed: usize,
    pub failed: usize,
    pub not_applicable: usize,
    pub suppressed_findings: usize,
}

/// The report for one framework.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplianceReport {
    /// Framework id (`fsbp`, `cis-aws-3.0`, `aws-config`, or a custom one).
    pub framework: String,
    pub framework_title: String,
    /// What was assessed (snapshot path, `demo`).
    pub source: String,
    /// The date the report is about (given by the caller, `YYYY-MM-DD`), or empty.
    #[serde(default)]
    pub date: String,
    pub summary: ComplianceSummary,
    pub controls: Vec<ControlResult>,
}
