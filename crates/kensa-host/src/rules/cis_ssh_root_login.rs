//! `cis-ssh-root-login`: sshd allows root login (CIS 5.1.20).
use kensa_model::Severity;

use super::common::sshd_check;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// sshd's effective `PermitRootLogin` must be `no`. Unset, OpenSSH's default
    /// (`prohibit-password`) fails.
    ///
    /// ## Recommendation
    /// Set `PermitRootLogin no` in /etc/ssh/sshd_config, above any `Match` block, and
    /// reload sshd.
    pub const RULE: HostRule = HostRule {
        id: "cis-ssh-root-login",
        package: Package::Cis,
        control: "5.1.20",
        title: "sshd allows root login",
        severity: Severity::Medium,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| sshd_check(f, "PermitRootLogin", "prohibit-password", |v| v == "no"),
    };
}
