//! `cis-pass-warn-age`: Password expiration warning is under 7 days (CIS 5.4.1.3).
use kensa_model::Severity;

use super::common::login_defs_check;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// `PASS_WARN_AGE` in /etc/login.defs must be set to 7 or more. Unset fails.
    ///
    /// ## Recommendation
    /// Set `PASS_WARN_AGE 7` in /etc/login.defs and run `chage --warndays 7 USER` for
    /// existing users.
    pub const RULE: HostRule = HostRule {
        id: "cis-pass-warn-age",
        package: Package::Cis,
        control: "5.4.1.3",
        title: "Password expiration warning is under 7 days",
        severity: Severity::Low,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| login_defs_check(f, "PASS_WARN_AGE", "7 or more", |n| n >= 7),
    };
}
