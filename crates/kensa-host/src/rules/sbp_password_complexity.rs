//! `sbp-password-complexity`: passwords need not mix character classes.
use kensa_model::Severity;

use super::common::pwquality_int;
use crate::{HostFacts, Outcome, Package};

crate::host_rule! {
    /// ## Description
    /// pam_pwquality (or pam_cracklib) must require every character class: `lcredit`,
    /// `ucredit`, `dcredit` and `ocredit` all negative (at least one lower-case, upper-case,
    /// digit and other character), or `minclass` of 4. Unset, the credits are 0 (no class
    /// required), and fail.
    ///
    /// ## Recommendation
    /// In /etc/security/pwquality.conf set `minclass = 4`, or `lcredit = -1`,
    /// `ucredit = -1`, `dcredit = -1` and `ocredit = -1`.
    pub const RULE: HostRule = HostRule {
        id: "sbp-password-complexity",
        package: Package::SecurityBestPractices,
        control: "Configure password complexity",
        title: "Password complexity is not required",
        severity: Severity::Medium,
        references: &["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_security-best-practices.html"],
        evaluate: evaluate,
    };
}

fn evaluate(facts: &HostFacts) -> Outcome {
    let minclass = match pwquality_int(facts, "minclass", 0) {
        Err(o) => return o,
        Ok(v) => v,
    };
    if minclass.0 >= 4 {
        return Outcome::passed(minclass.1);
    }
    let mut bad = Vec::new();
    let mut good = Vec::new();
    for key in ["lcredit", "ucredit", "dcredit", "ocredit"] {
        match pwquality_int(facts, key, 0) {
            Err(o) => return o,
            Ok((n, ev)) if n < 0 => good.push(ev),
            Ok((_, ev)) => bad.push(format!("{ev} (want -1 or less)")),
        }
    }
    if !bad.is_empty() {
        bad.push(format!("{} (4 would require every class)", minclass.1));
    }
    Outcome::from_lists(bad, good)
}
