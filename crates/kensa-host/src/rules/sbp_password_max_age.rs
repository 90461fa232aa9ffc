//! `sbp-password-max-age`: passwords never expire, or too late.
use kensa_model::Severity;

use super::common::login_defs_check;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// `PASS_MAX_DAYS` in /etc/login.defs, the maximum age given to new passwords, must be
    /// set and at most 365 days. Inspector published no threshold; kensa uses the CIS
    /// benchmarks' 365. Unset (shadow-utils then uses 99999, never) fails.
    ///
    /// ## Recommendation
    /// Set `PASS_MAX_DAYS 365` (or less) in /etc/login.defs and apply it to existing users
    /// with `chage --maxdays 365 USER`.
    pub const RULE: HostRule = HostRule {
        id: "sbp-password-max-age",
        package: Package::SecurityBestPractices,
        control: "Configure password maximum age",
        title: "Password maximum age is not configured",
        severity: Severity::Medium,
        references: &["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_security-best-practices.html"],
        evaluate: |f| login_defs_check(f, "PASS_MAX_DAYS", "1 to 365", |n| (1..=365).contains(&n)),
    };
}
