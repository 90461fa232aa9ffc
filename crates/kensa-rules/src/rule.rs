//! A rule: one control of one framework, its metadata beside its logic.
use std::collections::BTreeMap;

use kensa_model::{ResourceRef, Severity};

use crate::context::Context;
use crate::exposure::RestrictedPorts;
use crate::params::{ParamSpec, Params};

/// A framework a rule belongs to or maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Mapping {
    pub framework: &'static str,
    pub control: &'static str,
}

/// One registered control. Build it with [`rule!`](crate::rule!) so that the doc comment
/// above it becomes its documentation.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable id, never reused: `<framework>:<control>` (`fsbp:EC2.19`).
    pub id: &'static str,
    /// The bad pattern, kebab-case (`sg-high-risk-ports-open-to-world`).
    pub name: &'static str,
    /// The framework the control comes from: `fsbp`, `cis-aws-3.0`, `aws-config`.
    pub framework: &'static str,
    /// The control id in that framework (`EC2.19`, `5.2`, `restricted-ssh`).
    pub control: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    /// Security Hub resource type of what the rule evaluates (`AwsEc2SecurityGroup`).
    pub resource_type: &'static str,
    /// Markdown with `## What it checks`, `## Why it matters`, `## Remediation`.
    pub doc: &'static str,
    pub references: &'static [&'static str],
    /// The same or a close control in other frameworks.
    pub related: &'static [Mapping],
    pub params: &'static [ParamSpec],
    pub check: fn(&Context, &Params) -> Vec<Evaluation>,
    /// For "open to the world" controls: the ports the control forbids.
    pub restricted_ports: Option<fn(&Params) -> RestrictedPorts>,
    /// A snapshot fragment (AWS CLI JSON documents) on which the rule must fail.
    pub fixture_fail: &'static str,
    /// One on which it must pass.
    pub fixture_pass: &'static str,
}

impl Rule {
    /// A `## Heading` section of the documentation, trimmed.
    pub fn section(&self, heading: &str) -> Option<String> {
        // Doc comment lines arrive with the space after `///`; drop it.
        let doc: Vec<&str> = self
            .doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect();
        let doc = doc.join("\n");
        let start = doc.find(&format!("## {heading}\n"))?;
        let body = &doc[start..];
        let body = &body[body.find('\n').map_or(body.len(), |i| i + 1)..];
        let end = body.find("\n## ").unwrap_or(body.len());
        // Lines of a paragraph are joined with spaces, paragraphs with a blank line.
        let paragraphs: Vec<String> = body[..end]
            .split("\n\n")
            .map(|p| p.lines().map(str::trim).collect::<Vec<_>>().join(" "))
            .filter(|p| !p.trim().is_empty())
            .collect();
        Some(paragraphs.join("\n\n").trim().to_string())
    }

    pub fn rationale(&self) -> String {
        self.section("Why it matters").unwrap_or_default()
    }

    pub fn remediation(&self) -> String {
        self.section("Remediation").unwrap_or_default()
    }

    pub fn summary(&self) -> String {
        self.section("What it checks").unwrap_or_default()
    }

    /// The rule's own mapping followed by the related ones.
    pub fn mappings(&self) -> Vec<Mapping> {
        let own = Mapping {
            framework: self.framework,
            control: self.control,
        };
        std::iter::once(own)
            .chain(self.related.iter().copied())
            .collect()
    }
}

/// Declares a rule constant; the doc comment above it becomes `Rule::doc`.
#[macro_export]
macro_rules! rule {
    ($(#[doc = $doc:literal])* pub const $name:ident: Rule = Rule { $($field:ident: $value:expr),* $(,)? };) => {
        $(#[doc = $doc])*
        pub const $name: $crate::rule::Rule = $crate::rule::Rule {
            doc: concat!($($doc, "\n"),*),
            $($field: $value),*
        };
    };
}

/// The outcome for one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Compliant,
    NonCompliant,
    NotApplicable,
}

/// One resource evaluated by one rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub resource: ResourceRef,
    pub outcome: Outcome,
    /// Why, in one or two sentences naming the exact configuration.
    pub reason: String,
    /// Tell two failures of one rule on one resource apart (port, rule id…).
    pub discriminators: Vec<String>,
    pub attributes: BTreeMap<String, String>,
    pub evidence: Option<serde_json::Value>,
    /// Reachability-aware ranking, turned into a severity by the engine.
    pub rank: Rank,
}

/// How a failure ranks against the rule's severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rank {
    /// The rule's severity.
    #[default]
    AsDeclared,
    /// Nothing uses the resource (an unattached group): at most Low.
    Unattached,
    /// Attached, but a reachability engine shows it unreachable: one level lower, at most Medium.
    Unreachable,
}

impl Rank {
    pub fn apply(self, base: Severity) -> Severity {
        match self {
            Rank::AsDeclared => base,
            Rank::Unattached => base.min(Severity::Low),
            Rank::Unreachable => crate::checks::lower(base).min(Severity::Medium),
        }
    }
}

impl Evaluation {
    pub fn new(resource: ResourceRef, outcome: Outcome, reason: impl Into<String>) -> Self {
        Evaluation {
            resource,
            outcome,
            reason: reason.into(),
            discriminators: Vec::new(),
            attributes: BTreeMap::new(),
            evidence: None,
            rank: Rank::AsDeclared,
        }
    }

    pub fn pass(resource: ResourceRef, reason: impl Into<String>) -> Self {
        Self::new(resource, Outcome::Compliant, reason)
    }

    pub fn fail(resource: ResourceRef, reason: impl Into<String>) -> Self {
        Self::new(resource, Outcome::NonCompliant, reason)
    }

    pub fn not_applicable(resource: ResourceRef, reason: impl Into<String>) -> Self {
        Self::new(resource, Outcome::NotApplicable, reason)
    }

    pub fn with_evidence(mut self, evidence: serde_json::Value) -> Self {
        self.evidence = Some(evidence);
        self
    }

    pub fn attr(mut self, key: &str, value: impl Into<String>) -> Self {
        self.attributes.insert(key.to_string(), value.into());
        self
    }

    /// Pass when `ok`, fail otherwise.
    pub fn check(resource: ResourceRef, ok: bool, pass: &str, fail: &str) -> Self {
        if ok {
            Self::pass(resource, pass)
        } else {
            Self::fail(resource, fail)
        }
    }
}
