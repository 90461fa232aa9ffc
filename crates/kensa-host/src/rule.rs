//! A host rule: its metadata (the doc comment is its documentation) and what it returns.
use kensa_model::Severity;
use serde::Serialize;

use crate::facts::HostFacts;

/// A rules package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Package {
    /// Inspector Classic's Security Best Practices (Linux).
    SecurityBestPractices,
    /// Inspector Classic's Runtime Behavior Analysis.
    RuntimeBehaviorAnalysis,
    /// A subset of the CIS operating system benchmarks.
    Cis,
}

impl Package {
    /// Every package, in report order.
    pub const ALL: [Package; 3] = [
        Package::SecurityBestPractices,
        Package::RuntimeBehaviorAnalysis,
        Package::Cis,
    ];

    /// The short name used on the command line (`sbp`, `rba`, `cis`).
    pub fn short(self) -> &'static str {
        match self {
            Package::SecurityBestPractices => "sbp",
            Package::RuntimeBehaviorAnalysis => "rba",
            Package::Cis => "cis",
        }
    }

    /// The package's title in reports.
    pub fn title(self) -> &'static str {
        match self {
            Package::SecurityBestPractices => "Security Best Practices",
            Package::RuntimeBehaviorAnalysis => "Runtime Behavior Analysis",
            Package::Cis => "CIS Operating System subset",
        }
    }

    /// The package of a short name (`sbp`, `rba`, `cis`).
    pub fn from_short(s: &str) -> Option<Package> {
        Package::ALL.into_iter().find(|p| p.short() == s)
    }
}

/// Where a verdict comes from: a file and line, a setting's value, a package, a process.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Evidence(pub String);

impl std::fmt::Display for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A rule's verdict on one host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Outcome {
    /// The host is configured as the rule requires; the evidence says what was read.
    Passed {
        /// What was read.
        evidence: Vec<Evidence>,
    },
    /// The host fails the rule: a finding, with the offending file and line or value.
    Failed {
        /// The offending files, lines or values.
        evidence: Vec<Evidence>,
    },
    /// The rule does not concern this host (sshd not installed, ...).
    NotApplicable {
        /// Why the rule does not concern the host.
        reason: String,
    },
    /// The facts lack what the rule needs (runtime state from `--root`, an unreadable
    /// file): neither a pass nor a finding.
    NotEvaluated {
        /// What the facts lack.
        reason: String,
    },
}

impl Outcome {
    /// The outcome as reports print it (`PASSED`, `FAILED`, ...).
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Passed { .. } => "PASSED",
            Outcome::Failed { .. } => "FAILED",
            Outcome::NotApplicable { .. } => "NOT_APPLICABLE",
            Outcome::NotEvaluated { .. } => "NOT_EVALUATED",
        }
    }

    /// The evidence, or the reason, as one line.
    pub fn detail(&self) -> String {
        match self {
            Outcome::Passed { evidence } | Outcome::Failed { evidence } => evidence
                .iter()
                .map(|e| e.0.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            Outcome::NotApplicable { reason } | Outcome::NotEvaluated { reason } => reason.clone(),
        }
    }

    /// PASSED with one piece of evidence.
    pub fn passed(evidence: impl Into<String>) -> Outcome {
        Outcome::Passed {
            evidence: vec![Evidence(evidence.into())],
        }
    }

    /// FAILED with one piece of evidence.
    pub fn failed(evidence: impl Into<String>) -> Outcome {
        Outcome::Failed {
            evidence: vec![Evidence(evidence.into())],
        }
    }

    /// NOT_APPLICABLE with the reason.
    pub fn not_applicable(reason: impl Into<String>) -> Outcome {
        Outcome::NotApplicable {
            reason: reason.into(),
        }
    }

    /// NOT_EVALUATED with the reason.
    pub fn not_evaluated(reason: impl Into<String>) -> Outcome {
        Outcome::NotEvaluated {
            reason: reason.into(),
        }
    }

    /// FAILED with every item of `bad` when there is one, else PASSED with `good`.
    pub fn from_lists(bad: Vec<String>, good: Vec<String>) -> Outcome {
        if bad.is_empty() {
            Outcome::Passed {
                evidence: good.into_iter().map(Evidence).collect(),
            }
        } else {
            Outcome::Failed {
                evidence: bad.into_iter().map(Evidence).collect(),
            }
        }
    }
}

/// One registered host rule. Declare it with [`host_rule!`](crate::host_rule!) so that the
/// doc comment above it becomes its documentation (`## Description`, `## Recommendation`),
/// and list its module in `src/rules/mod.rs`.
#[derive(Debug, Clone, Copy)]
pub struct HostRule {
    /// Stable id, never reused, kebab-case, prefixed by the package (`sbp-ssh-root-login`).
    pub id: &'static str,
    /// The package the rule belongs to.
    pub package: Package,
    /// The control in its source: the CIS section (`5.1.20`), or Inspector's rule title.
    pub control: &'static str,
    /// One line saying what passing means.
    pub title: &'static str,
    /// Inspector's severity for its packages; kensa's own for the CIS subset (CIS rates
    /// none).
    pub severity: kensa_model::Severity,
    /// Markdown with `## Description` and `## Recommendation`.
    pub doc: &'static str,
    /// Where the control is documented.
    pub references: &'static [&'static str],
    /// The check itself: facts in, outcome out.
    pub evaluate: fn(&HostFacts) -> Outcome,
}

impl HostRule {
    /// A `## Heading` section of the documentation, its lines joined by spaces.
    pub fn section(&self, heading: &str) -> Option<String> {
        let doc: Vec<&str> = self
            .doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect();
        let doc = doc.join("\n");
        let start = doc.find(&format!("## {heading}\n"))?;
        let body = &doc[start + heading.len() + 4..];
        let end = body.find("\n## ").unwrap_or(body.len());
        let text: Vec<&str> = body[..end]
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        Some(text.join(" "))
    }

    /// The documentation's `## Description`, as one paragraph.
    pub fn description(&self) -> String {
        self.section("Description").unwrap_or_default()
    }

    /// The documentation's `## Recommendation`, as one paragraph.
    pub fn recommendation(&self) -> String {
        self.section("Recommendation").unwrap_or_default()
    }

    /// The severity as reports print it.
    pub fn severity_str(&self) -> &'static str {
        Severity::as_str(self.severity)
    }
}

/// Declares a host rule constant; the doc comment above it becomes `HostRule::doc`.
#[macro_export]
macro_rules! host_rule {
    ($(#[doc = $doc:literal])* pub const $name:ident: HostRule = HostRule { $($field:ident: $value:expr),* $(,)? };) => {
        $(#[doc = $doc])*
        pub const $name: $crate::HostRule = $crate::HostRule {
            doc: concat!($($doc, "\n"),*),
            $($field: $value),*
        };
    };
}
