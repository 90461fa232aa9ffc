//! `rba-software-without-dep`: a listening program was built without a non-executable stack.
use kensa_model::Severity;

use super::common::listeners;
use crate::{HostFacts, Outcome, Package};

crate::host_rule! {
    /// ## Description
    /// The executable of every process with a listening socket must have a non-executable
    /// stack (a `PT_GNU_STACK` header without the execute flag), as read from the ELF file
    /// by the agent. An executable that could not be read leaves the rule NOT_EVALUATED
    /// unless another already fails. Needs the listeners of live telemetry.
    ///
    /// ## Recommendation
    /// Rebuild the program with `-z noexecstack` (the default of current toolchains), or
    /// replace it with a distribution build.
    pub const RULE: HostRule = HostRule {
        id: "rba-software-without-dep",
        package: Package::RuntimeBehaviorAnalysis,
        control: "Software without DEP",
        title: "A listening program runs without a non-executable stack",
        severity: Severity::Medium,
        references: &["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_runtime-behavior-analysis.html"],
        evaluate: evaluate,
    };
}

fn evaluate(facts: &HostFacts) -> Outcome {
    let ls = match listeners(facts) {
        Ok(l) => l,
        Err(o) => return o,
    };
    let mut bad = Vec::new();
    let mut good = Vec::new();
    let mut unknown = Vec::new();
    for l in ls {
        match l.nx {
            Some(true) => good.push(format!("NX stack: {}", l.describe())),
            Some(false) => bad.push(format!("executable stack: {}", l.describe())),
            None => unknown.push(l.describe()),
        }
    }
    if bad.is_empty() && !unknown.is_empty() {
        return Outcome::not_evaluated(format!("ELF hardening unknown for {}", unknown.join("; ")));
    }
    if good.is_empty() && bad.is_empty() {
        return Outcome::not_applicable("no listening process");
    }
    Outcome::from_lists(bad, good)
}
