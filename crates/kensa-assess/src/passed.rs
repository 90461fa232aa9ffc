//! The rules a run evaluated that no in-scope resource failed, gathered while findings
//! stream by (the store keeps findings, which only say what failed). A package that
//! stops early records nothing: an unfinished rule has not passed.
use std::collections::BTreeSet;

use kensa_model::{Finding, Package};
use kensa_store::{PassedRule, PassedRules};

#[derive(Default)]
pub(crate) struct Tally {
    rules: PassedRules,
}

impl Tally {
    /// kensa-net's rules, which evaluate every ENI and load balancer: those with no
    /// in-scope finding passed. `failed` holds the rule ids of in-scope findings.
    pub(crate) fn network(&mut self, failed: &BTreeSet<String>, evaluated: usize) {
        if evaluated == 0 {
            return;
        }
        for (id, title, severity) in kensa_net::findings::RULES {
            self.rules.rules_evaluated += 1;
            if !failed.contains(id) {
                self.rules.passed.push(PassedRule {
                    package: Package::NetworkReachability,
                    rule_id: id.into(),
                    title: title.into(),
                    severity,
                    resources_evaluated: evaluated as i64,
                });
            }
        }
    }

    /// One configuration control: passed when it passed some resource and none of
    /// its findings is in scope.
    pub(crate) fn control(&mut self, run: &kensa_rules::RuleRun, in_scope: &[Finding]) {
        self.rules.rules_evaluated += 1;
        if run.passed > 0 && in_scope.is_empty() {
            self.rules.passed.push(PassedRule {
                package: Package::Config,
                rule_id: run.rule.id.clone(),
                title: run.rule.title.clone(),
                severity: run.rule.severity,
                resources_evaluated: run.passed as i64,
            });
        }
    }

    /// Adds what another tally gathered (a package that completed).
    pub(crate) fn merge(&mut self, other: Tally) {
        self.rules.rules_evaluated += other.rules.rules_evaluated;
        self.rules.passed.extend(other.rules.passed);
    }

    pub(crate) fn finish(mut self) -> PassedRules {
        self.rules.passed.sort();
        self.rules.passed.dedup();
        self.rules
    }
}
