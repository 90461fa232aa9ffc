//! `cis-pass-min-days`: Minimum days between password changes is 0 (CIS 5.4.1.2).
use kensa_model::Severity;

use super::common::login_defs_check;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// `PASS_MIN_DAYS` in /etc/login.defs must be set to 1 or more, so that a user cannot
    /// cycle back to an old password at once. Unset (0) fails.
    ///
    /// ## Recommendation
    /// Set `PASS_MIN_DAYS 1` in /etc/login.defs and run `chage --mindays 1 USER` for
    /// existing users.
    pub const RULE: HostRule = HostRule {
        id: "cis-pass-min-days",
        package: Package::Cis,
        control: "5.4.1.2",
        title: "Minimum days between password changes is 0",
        severity: Severity::Low,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| login_defs_check(f, "PASS_MIN_DAYS", "1 or more", |n| n >= 1),
    };
}
