//! Runs rules over a snapshot: evaluations, findings, per-control results.
use kensa_model::{
    finding_id, Compliance, ComplianceReport, ComplianceSummary, ControlResult, ControlStatus,
    Evidence, Finding, FindingStatus, Package, ResourceFailure,
};

use crate::context::Context;
use crate::framework::Framework;
use crate::params::Params;
use crate::rule::{Evaluation, Outcome, Rule};

/// One rule run: how many resources passed or did not apply, and the findings of the
/// failing ones. Passing evaluations are counted, not kept, so the memory of a run follows
/// the findings it reports (40,000 compliant groups are two numbers, not 40,000 records);
/// [`Rule::evaluate`] gives every evaluation when a caller needs them.
#[derive(Debug, Clone)]
pub struct RuleRun {
    /// The rule that ran.
    pub rule: Rule,
    /// The control id shown in reports (the framework's, or a custom framework's own).
    pub control: String,
    /// Resources the rule passed.
    pub passed: usize,
    /// Resources the rule does not apply to.
    pub not_applicable: usize,
    /// One per non-compliant evaluation, sorted by resource and discriminators.
    pub findings: Vec<Finding>,
}

/// Everything a run of a framework produced.
#[derive(Debug, Clone, Default)]
pub struct Assessment {
    /// One run per control, in framework order.
    pub runs: Vec<RuleRun>,
}

impl Assessment {
    /// All findings, sorted by severity (worst first), rule and resource.
    pub fn findings(&self) -> Vec<Finding> {
        let mut out: Vec<Finding> = self.runs.iter().flat_map(|r| r.findings.clone()).collect();
        out.sort_by(|a, b| {
            (b.severity, &a.rule_id, &a.resource.id, &a.id).cmp(&(
                a.severity,
                &b.rule_id,
                &b.resource.id,
                &b.id,
            ))
        });
        out
    }

    /// Mutable access to every finding (for the mute list).
    pub fn findings_mut(&mut self) -> impl Iterator<Item = &mut Finding> {
        self.runs.iter_mut().flat_map(|r| r.findings.iter_mut())
    }

    /// The compliance report: per control, PASSED / FAILED / NOT_APPLICABLE with counts.
    pub fn report(&self, framework: &Framework, source: &str, date: &str) -> ComplianceReport {
        let controls: Vec<ControlResult> = self.runs.iter().map(control_result).collect();
        let mut summary = ComplianceSummary::default();
        for c in &controls {
            match c.status {
                ControlStatus::Passed => summary.passed += 1,
                ControlStatus::Failed => summary.failed += 1,
                ControlStatus::NotApplicable => summary.not_applicable += 1,
                ControlStatus::NotEvaluated => summary.not_evaluated += 1,
            }
            summary.suppressed_findings += c.suppressed;
        }
        ComplianceReport {
            framework: framework.id.clone(),
            framework_title: framework.title.clone(),
            source: source.to_string(),
            date: date.to_string(),
            summary,
            controls,
        }
    }
}

fn control_result(run: &RuleRun) -> ControlResult {
    let suppressed = run
        .findings
        .iter()
        .filter(|f| f.status == FindingStatus::Suppressed)
        .count();
    let mut failed_resources: Vec<String> = run
        .findings
        .iter()
        .filter(|f| f.status != FindingStatus::Suppressed)
        .map(|f| f.resource.id.clone())
        .collect();
    failed_resources.sort();
    failed_resources.dedup();
    let failed = run.findings.len() - suppressed;
    let passed = run.passed;
    let status = if failed > 0 {
        ControlStatus::Failed
    } else if passed + suppressed > 0 {
        ControlStatus::Passed
    } else {
        ControlStatus::NotApplicable
    };
    ControlResult {
        control: run.control.clone(),
        rule_id: run.rule.id.clone(),
        title: run.rule.title.clone(),
        severity: run.rule.severity,
        status,
        passed,
        failed,
        suppressed,
        not_applicable: run.not_applicable,
        failed_resources,
        failures: run
            .findings
            .iter()
            .map(|f| ResourceFailure {
                resource_id: f.resource.id.clone(),
                resource_type: f.resource.resource_type.clone(),
                severity: f.severity,
                reason: f.description.clone(),
                suppressed: f.status == FindingStatus::Suppressed,
            })
            .collect(),
        reason: None,
    }
}

/// Runs one rule with its parameters.
pub fn run_rule(ctx: &Context, rule: &Rule, control: &str, params: &Params) -> RuleRun {
    let evaluations = rule.evaluate(ctx, params);
    let count = |o: Outcome| evaluations.iter().filter(|e| e.outcome == o).count();
    let (passed, not_applicable) = (count(Outcome::Compliant), count(Outcome::NotApplicable));
    let mut failing: Vec<Evaluation> = evaluations
        .into_iter()
        .filter(|e| e.outcome == Outcome::NonCompliant)
        .collect();
    failing.sort_by(|a, b| {
        (&a.resource.id, &a.discriminators).cmp(&(&b.resource.id, &b.discriminators))
    });
    let remediation = rule.remediation();
    let findings = failing
        .iter()
        .map(|e| finding(rule, control, &remediation, e))
        .collect();
    RuleRun {
        rule: rule.clone(),
        control: control.to_string(),
        passed,
        not_applicable,
        findings,
    }
}

/// Runs every control of a framework.
pub fn assess(ctx: &Context, framework: &Framework) -> Assessment {
    let runs = framework
        .controls
        .iter()
        .map(|c| run_rule(ctx, &c.rule, &c.control, &c.params))
        .collect();
    Assessment { runs }
}

fn finding(rule: &Rule, control: &str, remediation: &str, e: &Evaluation) -> Finding {
    let discriminators: Vec<&str> = e.discriminators.iter().map(String::as_str).collect();
    let mut attributes = e.attributes.clone();
    attributes.insert("CONTROL".into(), control.to_string());
    attributes.insert("RULE_NAME".into(), rule.name().to_string());
    Finding {
        id: finding_id(&rule.id, &e.resource.id, &discriminators),
        package: Package::Config,
        rule_id: rule.id.clone(),
        title: rule.title.clone(),
        severity: e.rank.apply(rule.severity),
        description: e.reason.clone(),
        recommendation: remediation.to_string(),
        resource: e.resource.clone(),
        attributes,
        evidence: e.evidence.clone().map(Evidence::Config),
        compliance: rule
            .mappings()
            .into_iter()
            .map(|m| Compliance {
                framework: m.framework,
                control: m.control,
            })
            .collect(),
        references: rule.references.clone(),
        first_seen: None,
        last_seen: None,
        status: FindingStatus::Active,
    }
}
