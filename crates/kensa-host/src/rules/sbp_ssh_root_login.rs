//! `sbp-ssh-root-login`: sshd lets root log in.
use kensa_model::Severity;

use super::common::sshd_check;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// sshd's effective `PermitRootLogin` must be `no`. Unset, OpenSSH's default
    /// (`prohibit-password` since 7.0) still lets root in with a key, and fails. Settings
    /// inside `Match` blocks are conditional and not considered.
    ///
    /// ## Recommendation
    /// Set `PermitRootLogin no` in /etc/ssh/sshd_config (before any `Match` block), log in
    /// as a named user and escalate with sudo, then reload sshd.
    pub const RULE: HostRule = HostRule {
        id: "sbp-ssh-root-login",
        package: Package::SecurityBestPractices,
        control: "Disable root login over SSH",
        title: "sshd allows root login",
        severity: Severity::Medium,
        references: &["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_security-best-practices.html"],
        evaluate: |f| sshd_check(f, "PermitRootLogin", "prohibit-password", |v| v == "no"),
    };
}
