//! `cis-ssh-empty-passwords`: sshd allows empty passwords (CIS 5.1.19).
use kensa_model::Severity;

use super::common::sshd_check;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// sshd's effective `PermitEmptyPasswords` must be `no` (OpenSSH's default when unset).
    ///
    /// ## Recommendation
    /// Set `PermitEmptyPasswords no` in /etc/ssh/sshd_config and reload sshd.
    pub const RULE: HostRule = HostRule {
        id: "cis-ssh-empty-passwords",
        package: Package::Cis,
        control: "5.1.19",
        title: "sshd allows empty passwords",
        severity: Severity::High,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| sshd_check(f, "PermitEmptyPasswords", "no", |v| v == "no"),
    };
}
