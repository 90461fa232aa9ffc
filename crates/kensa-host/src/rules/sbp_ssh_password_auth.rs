//! `sbp-ssh-password-auth`: sshd accepts passwords.
use kensa_model::Severity;

use super::common::sshd_check;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// sshd's effective `PasswordAuthentication` must be `no`, so that only keys (or
    /// certificates) log in. Unset, OpenSSH's default is `yes`, and fails.
    ///
    /// ## Recommendation
    /// Install users' public keys, then set `PasswordAuthentication no` in
    /// /etc/ssh/sshd_config (distributions' sshd_config.d drop-ins, such as cloud-init's,
    /// are read first and win) and reload sshd.
    pub const RULE: HostRule = HostRule {
        id: "sbp-ssh-password-auth",
        package: Package::SecurityBestPractices,
        control: "Disable password authentication over SSH",
        title: "sshd accepts password authentication",
        severity: Severity::Medium,
        references: &["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_security-best-practices.html"],
        evaluate: |f| sshd_check(f, "PasswordAuthentication", "yes", |v| v == "no"),
    };
}
