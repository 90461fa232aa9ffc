use std::collections::BTreeMap;

use kensa_model::{Completeness, Finding, FindingStatus, Severity, Warning};
use serde::Serialize;

/// What one run produced: findings plus the input problems it skipped over.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// The findings, in the order the analysers produced them.
    pub findings: Vec<Finding>,
    /// Input problems: skipped items, unreadable files.
    pub warnings: Vec<Warning>,
    /// How complete the input was (for reports about a snapshot).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completeness: Option<Completeness>,
}

/// Counts over a report, as JSON consumers and the table footer show them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// All findings, suppressed ones included.
    pub findings: usize,
    /// Active findings per severity (suppressed ones are counted apart).
    pub by_severity: BTreeMap<String, usize>,
    /// Active findings per rules package.
    pub by_package: BTreeMap<String, usize>,
    /// Active findings per rule id.
    pub by_rule: BTreeMap<String, usize>,
    /// Findings muted by a mute rule.
    pub suppressed: usize,
    /// Input warnings.
    pub warnings: usize,
    /// What the input lacked; absent for reports that are not about a snapshot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completeness: Option<Completeness>,
}

impl Summary {
    /// Counts one more finding.
    pub fn count(&mut self, f: &Finding) {
        self.findings += 1;
        if f.status == FindingStatus::Suppressed {
            self.suppressed += 1;
            return;
        }
        *self
            .by_severity
            .entry(f.severity.as_str().to_string())
            .or_default() += 1;
        *self
            .by_package
            .entry(f.package.as_str().to_string())
            .or_default() += 1;
        *self.by_rule.entry(f.rule_id.clone()).or_default() += 1;
    }
}

impl Report {
    /// A report of `findings` with the input `warnings`.
    pub fn new(findings: Vec<Finding>, warnings: Vec<Warning>) -> Self {
        Report {
            findings,
            warnings,
            completeness: None,
        }
    }

    /// The report with the completeness of its input recorded.
    pub fn with_completeness(mut self, completeness: Completeness) -> Self {
        self.completeness = Some(completeness);
        self
    }

    /// Counts over the report.
    pub fn summary(&self) -> Summary {
        let mut s = self.summary_without_findings();
        for f in &self.findings {
            s.count(f);
        }
        s
    }

    /// The summary with every count at zero but the warnings': what a streamed report
    /// starts from ([`Summary::count`] adds each finding).
    pub fn summary_without_findings(&self) -> Summary {
        let mut s = Summary {
            warnings: self.warnings.len(),
            completeness: self.completeness.clone(),
            ..Summary::default()
        };
        for sev in Severity::ALL {
            s.by_severity.insert(sev.as_str().to_string(), 0);
        }
        s
    }

    /// Drops findings below `min` (a reporting filter; exit codes use [`Report::worst_active`]).
    pub fn retain_min_severity(&mut self, min: Severity) {
        self.findings.retain(|f| f.severity >= min);
    }

    /// The most severe finding that is not suppressed or resolved.
    pub fn worst_active(&self) -> Option<Severity> {
        self.findings
            .iter()
            .filter(|f| f.status == FindingStatus::Active)
            .map(|f| f.severity)
            .max()
    }
}
