//! `cis-ssh-hostbased-auth`: sshd allows host-based authentication (CIS 5.1.10).
use kensa_model::Severity;

use super::common::sshd_check;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// sshd's effective `HostbasedAuthentication` must be `no` (OpenSSH's default when
    /// unset).
    ///
    /// ## Recommendation
    /// Set `HostbasedAuthentication no` in /etc/ssh/sshd_config and reload sshd.
    pub const RULE: HostRule = HostRule {
        id: "cis-ssh-hostbased-auth",
        package: Package::Cis,
        control: "5.1.10",
        title: "sshd allows host-based authentication",
        severity: Severity::Medium,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| sshd_check(f, "HostbasedAuthentication", "no", |v| v == "no"),
    };
}
