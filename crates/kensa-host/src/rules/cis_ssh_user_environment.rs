//! `cis-ssh-user-environment`: sshd lets users set environment variables (CIS 5.1.21).
use kensa_model::Severity;

use super::common::sshd_check;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// sshd's effective `PermitUserEnvironment` must be `no` (OpenSSH's default when
    /// unset): user-supplied environment can bypass restrictions such as forced commands.
    ///
    /// ## Recommendation
    /// Set `PermitUserEnvironment no` in /etc/ssh/sshd_config and reload sshd.
    pub const RULE: HostRule = HostRule {
        id: "cis-ssh-user-environment",
        package: Package::Cis,
        control: "5.1.21",
        title: "sshd lets users set environment variables",
        severity: Severity::Medium,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| sshd_check(f, "PermitUserEnvironment", "no", |v| v == "no"),
    };
}
