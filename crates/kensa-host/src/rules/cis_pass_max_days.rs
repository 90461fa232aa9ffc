//! `cis-pass-max-days`: Password expiration is over 365 days (CIS 5.4.1.1).
use kensa_model::Severity;

use super::common::login_defs_check;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// `PASS_MAX_DAYS` in /etc/login.defs must be set, between 1 and 365. Unset (99999,
    /// never) fails. Existing users' own maximum in /etc/shadow is not checked.
    ///
    /// ## Recommendation
    /// Set `PASS_MAX_DAYS 365` in /etc/login.defs and run `chage --maxdays 365 USER` for
    /// existing users.
    pub const RULE: HostRule = HostRule {
        id: "cis-pass-max-days",
        package: Package::Cis,
        control: "5.4.1.1",
        title: "Password expiration is over 365 days",
        severity: Severity::Medium,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| login_defs_check(f, "PASS_MAX_DAYS", "1 to 365", |n| (1..=365).contains(&n)),
    };
}
