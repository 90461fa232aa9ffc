//! `cis-tcp-syncookies`: TCP SYN cookies are disabled (CIS 3.3.10).
use kensa_model::Severity;

use super::common::sysctl_check;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// `net.ipv4.tcp_syncookies` must be set to 1 in the sysctl configuration (and be 1
    /// live with telemetry), so that a SYN flood cannot fill the connection backlog.
    ///
    /// ## Recommendation
    /// Set `net.ipv4.tcp_syncookies = 1` in /etc/sysctl.d/60-netipv4_sysctl.conf and run
    /// `sysctl --system`.
    pub const RULE: HostRule = HostRule {
        id: "cis-tcp-syncookies",
        package: Package::Cis,
        control: "3.3.10",
        title: "TCP SYN cookies are disabled",
        severity: Severity::Medium,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| sysctl_check(f, "net.ipv4.tcp_syncookies", true, |v| v == "1"),
    };
}
