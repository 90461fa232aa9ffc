//! `cis-ssh-max-auth-tries`: sshd allows more than 4 authentication attempts (CIS 5.1.16).
use kensa_model::Severity;

use super::common::sshd_check;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// sshd's effective `MaxAuthTries` must be 4 or less. Unset, OpenSSH's default of 6
    /// fails.
    ///
    /// ## Recommendation
    /// Set `MaxAuthTries 4` in /etc/ssh/sshd_config and reload sshd.
    pub const RULE: HostRule = HostRule {
        id: "cis-ssh-max-auth-tries",
        package: Package::Cis,
        control: "5.1.16",
        title: "sshd allows more than 4 authentication attempts",
        severity: Severity::Medium,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| sshd_check(f, "MaxAuthTries", "6", |v| v.parse::<u32>().is_ok_and(|n| n <= 4)),
    };
}
