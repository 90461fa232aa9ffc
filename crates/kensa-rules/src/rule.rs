//! A rule: one control of one framework bound to its check, and what a check returns.
use std::collections::BTreeMap;

use kensa_model::{ResourceRef, ResourceType, Severity};

use crate::check::Check;
use crate::context::Context;
use crate::exposure::RestrictedPorts;
use crate::params::{ParamSpec, Params};

/// A control of a framework, as a reference (`fsbp` / `EC2.19`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Mapping {
    /// The framework id (`fsbp`, `cis-aws-3.0`, `pci-dss-4.0`, ...).
    pub framework: String,
    /// The control id in that framework.
    pub control: String,
}

/// One control of one framework, bound to the check that decides it: a row of a framework
/// table (`src/frameworks/*.yaml`, or a custom framework file) with its check.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Stable id, never reused: `<framework>:<control>` (`fsbp:EC2.19`). Finding ids are
    /// derived from it.
    pub id: String,
    /// The framework the control comes from: `fsbp`, `cis-aws-3.0`, `aws-config`, ...
    pub framework: String,
    /// The control id in that framework (`EC2.19`, `5.2`, `restricted-ssh`).
    pub control: String,
    /// The control's title, as the framework words it.
    pub title: String,
    /// The control's severity, as the framework rates it.
    pub severity: Severity,
    /// Where the framework documents the control.
    pub references: Vec<String>,
    /// The check that decides the control.
    pub check: &'static Check,
    /// The check's parameters as the framework sets them (check defaults, then the
    /// table's `parameters`).
    pub defaults: Params,
    /// Controls of the other built-in frameworks decided by the same check.
    pub related: Vec<Mapping>,
}

impl Rule {
    /// The check's name, the bad pattern (`sg-ssh-open-to-world`).
    pub fn name(&self) -> &'static str {
        self.check.name
    }

    /// What the rule evaluates (`.asff_name()` is its Security Hub name).
    pub fn resource_type(&self) -> ResourceType {
        self.check.resource_type
    }

    /// The parameters the rule accepts (its check's).
    pub fn param_specs(&self) -> &'static [ParamSpec] {
        self.check.params
    }

    /// Evaluates the rule's check with `params`.
    pub fn evaluate(&self, ctx: &Context, params: &Params) -> Vec<Evaluation> {
        (self.check.evaluate)(ctx, params)
    }

    /// The ports the rule forbids to open to the world, with `params`; `None` for a rule
    /// that is not about open ports.
    pub fn restricted_ports(&self, params: &Params) -> Option<RestrictedPorts> {
        self.check.restricted_ports.map(|f| f(params))
    }

    /// `given` parameters validated on top of the rule's defaults.
    pub fn params_with(
        &self,
        given: &std::collections::BTreeMap<String, String>,
    ) -> Result<Params, crate::error::ParamError> {
        Params::validate_over(&self.defaults, &self.id, self.check.params, given)
    }

    /// A `## Heading` section of the check's documentation, trimmed.
    pub fn section(&self, heading: &str) -> Option<String> {
        self.check.section(heading)
    }

    /// The `## Why it matters` section.
    pub fn rationale(&self) -> String {
        self.section("Why it matters").unwrap_or_default()
    }

    /// The `## Remediation` section.
    pub fn remediation(&self) -> String {
        self.section("Remediation").unwrap_or_default()
    }

    /// The `## What it checks` section.
    pub fn summary(&self) -> String {
        self.section("What it checks").unwrap_or_default()
    }

    /// The rule's own mapping followed by the related ones.
    pub fn mappings(&self) -> Vec<Mapping> {
        let own = Mapping {
            framework: self.framework.clone(),
            control: self.control.clone(),
        };
        std::iter::once(own)
            .chain(self.related.iter().cloned())
            .collect()
    }
}

/// The outcome for one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// The resource is configured as the check requires.
    Compliant,
    /// The resource fails the check: a finding.
    NonCompliant,
    /// The check does not apply, or the snapshot lacks what it needs.
    NotApplicable,
}

/// One resource evaluated by one rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// The resource evaluated.
    pub resource: ResourceRef,
    /// Pass, fail or not applicable.
    pub outcome: Outcome,
    /// Why, in one or two sentences naming the exact configuration.
    pub reason: String,
    /// Tell two failures of one rule on one resource apart (port, rule id…).
    pub discriminators: Vec<String>,
    /// Attributes the finding carries (`SECURITY_GROUP`, `OPEN_PORTS`, ...).
    pub attributes: BTreeMap<String, String>,
    /// Structured evidence (the offending rules, a path, ...).
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
    /// The severity of a failure of a rule rated `base`.
    pub fn apply(self, base: Severity) -> Severity {
        match self {
            Rank::AsDeclared => base,
            Rank::Unattached => base.min(Severity::Low),
            Rank::Unreachable => crate::eval::lower(base).min(Severity::Medium),
        }
    }
}

impl Evaluation {
    /// An evaluation with `outcome`.
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

    /// A passing evaluation.
    pub fn pass(resource: ResourceRef, reason: impl Into<String>) -> Self {
        Self::new(resource, Outcome::Compliant, reason)
    }

    /// A failing evaluation.
    pub fn fail(resource: ResourceRef, reason: impl Into<String>) -> Self {
        Self::new(resource, Outcome::NonCompliant, reason)
    }

    /// A not-applicable evaluation.
    pub fn not_applicable(resource: ResourceRef, reason: impl Into<String>) -> Self {
        Self::new(resource, Outcome::NotApplicable, reason)
    }

    /// With structured evidence.
    pub fn with_evidence(mut self, evidence: serde_json::Value) -> Self {
        self.evidence = Some(evidence);
        self
    }

    /// With one more attribute.
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
