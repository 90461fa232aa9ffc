//! `cis-ssh-ignore-rhosts`: sshd honours .rhosts files (CIS 5.1.11).
use kensa_model::Severity;

use super::common::sshd_check;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// sshd's effective `IgnoreRhosts` must be `yes` (OpenSSH's default when unset).
    ///
    /// ## Recommendation
    /// Set `IgnoreRhosts yes` in /etc/ssh/sshd_config and reload sshd.
    pub const RULE: HostRule = HostRule {
        id: "cis-ssh-ignore-rhosts",
        package: Package::Cis,
        control: "5.1.11",
        title: "sshd honours .rhosts files",
        severity: Severity::Medium,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| sshd_check(f, "IgnoreRhosts", "yes", |v| v == "yes"),
    };
}
