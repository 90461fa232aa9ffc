//! Running the rules of some packages over one host's facts.
use serde::Serialize;

use crate::facts::{HostFacts, Origin};
use crate::rule::{HostRule, Outcome, Package};

/// One rule's verdict, with the rule's metadata.
#[derive(Debug, Clone, Serialize)]
pub struct RuleResult {
    /// The rule's id.
    pub rule: &'static str,
    /// Its package.
    pub package: Package,
    /// The control in its source (CIS section or Inspector title).
    pub control: &'static str,
    /// The rule's title.
    pub title: &'static str,
    /// The rule's severity, as text.
    pub severity: &'static str,
    /// The verdict, with its evidence or reason.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// The rule's description.
    pub description: String,
    /// The rule's recommendation.
    pub recommendation: String,
    /// Where the control is documented.
    pub references: &'static [&'static str],
}

/// The verdicts of a scan, in registration order.
#[derive(Debug, Clone, Serialize)]
pub struct ScanReport {
    /// Where the facts came from.
    pub origin: Origin,
    /// `PRETTY_NAME` of os-release, when known.
    pub os: Option<String>,
    /// One verdict per rule evaluated.
    pub results: Vec<RuleResult>,
    /// What could not be read, and why.
    pub warnings: Vec<String>,
}

impl ScanReport {
    /// Counts by outcome label, in the order PASSED, FAILED, NOT_APPLICABLE, NOT_EVALUATED.
    pub fn counts(&self) -> [(&'static str, usize); 4] {
        let n = |l: &str| {
            self.results
                .iter()
                .filter(|r| r.outcome.label() == l)
                .count()
        };
        [
            ("PASSED", n("PASSED")),
            ("FAILED", n("FAILED")),
            ("NOT_APPLICABLE", n("NOT_APPLICABLE")),
            ("NOT_EVALUATED", n("NOT_EVALUATED")),
        ]
    }
}

/// Evaluates every rule of `packages` (all packages when empty).
pub fn scan(facts: &HostFacts, packages: &[Package]) -> ScanReport {
    let results = crate::RULES
        .iter()
        .copied()
        .filter(|r| packages.is_empty() || packages.contains(&r.package))
        .map(|r| result_of(r, (r.evaluate)(facts)))
        .collect();
    ScanReport {
        origin: facts.origin.clone(),
        os: facts.os_release.get("PRETTY_NAME").cloned(),
        results,
        warnings: facts.warnings.clone(),
    }
}

impl RuleResult {
    /// The package's short name (`sbp`, `rba`, `cis`).
    pub fn package_short(&self) -> &'static str {
        self.package.short()
    }
}

fn result_of(rule: &'static HostRule, outcome: Outcome) -> RuleResult {
    RuleResult {
        rule: rule.id,
        package: rule.package,
        control: rule.control,
        title: rule.title,
        severity: rule.severity_str(),
        outcome,
        description: rule.description(),
        recommendation: rule.recommendation(),
        references: rule.references,
    }
}
