//! `cis-ssh-loglevel`: sshd's log level is not INFO or VERBOSE (CIS 5.1.14).
use kensa_model::Severity;

use super::common::sshd_check;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// sshd's effective `LogLevel` must be `INFO` or `VERBOSE` (OpenSSH's default when
    /// unset is INFO), so that logins are recorded.
    ///
    /// ## Recommendation
    /// Set `LogLevel VERBOSE` (or `INFO`) in /etc/ssh/sshd_config and reload sshd.
    pub const RULE: HostRule = HostRule {
        id: "cis-ssh-loglevel",
        package: Package::Cis,
        control: "5.1.14",
        title: "sshd's log level is not INFO or VERBOSE",
        severity: Severity::Low,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| sshd_check(f, "LogLevel", "INFO", |v| v == "info" || v == "verbose"),
    };
}
