//! `cis-ssh-login-grace-time`: sshd's login grace time is above one minute (CIS 5.1.15).
use kensa_model::Severity;

use super::common::sshd_check;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// sshd's effective `LoginGraceTime` must be between 1 second and 60 seconds (a time
    /// such as `1m` is converted). Unset, OpenSSH's default of 120 seconds fails; 0 (no
    /// limit) fails.
    ///
    /// ## Recommendation
    /// Set `LoginGraceTime 60` in /etc/ssh/sshd_config and reload sshd.
    pub const RULE: HostRule = HostRule {
        id: "cis-ssh-login-grace-time",
        package: Package::Cis,
        control: "5.1.15",
        title: "sshd's login grace time is above one minute",
        severity: Severity::Low,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| sshd_check(f, "LoginGraceTime", "120", |v| super::tmp::seconds(v).is_some_and(|s| (1..=60).contains(&s))),
    };
}
