//! `sbp-ssh-protocol-2`: sshd accepts SSH protocol version 1.
use kensa_model::Severity;

use super::common::sshd_check;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// sshd's `Protocol` must not include `1`. OpenSSH 7.4 and later speak only version 2
    /// and ignore the keyword, so an unset `Protocol` passes; a `Protocol 1` or `2,1` line
    /// fails (it means an old sshd, or a configuration written for one).
    ///
    /// ## Recommendation
    /// Remove `Protocol` lines that list 1 (or set `Protocol 2`), and upgrade an sshd
    /// that still speaks version 1.
    pub const RULE: HostRule = HostRule {
        id: "sbp-ssh-protocol-2",
        package: Package::SecurityBestPractices,
        control: "Support SSH version 2 only",
        title: "sshd accepts SSH protocol version 1",
        severity: Severity::Medium,
        references: &["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_security-best-practices.html"],
        evaluate: |f| sshd_check(f, "Protocol", "2", |v| v.split(',').all(|p| p.trim() == "2")),
    };
}
