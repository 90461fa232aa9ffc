//! `cis-tmp-noexec`: /tmp is mounted without noexec (CIS 1.1.2.1.4).
use kensa_model::Severity;

use super::tmp::tmp_option;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// When /tmp is a separate filesystem, its mount options must include `noexec`.
    /// NOT_APPLICABLE when /tmp is not separate. systemd's tmp.mount does not set noexec,
    /// and fails.
    ///
    /// ## Recommendation
    /// Add `noexec` to the options of the `/tmp` line of /etc/fstab (or a tmp.mount drop-
    /// in) and remount /tmp.
    pub const RULE: HostRule = HostRule {
        id: "cis-tmp-noexec",
        package: Package::Cis,
        control: "1.1.2.1.4",
        title: "/tmp is mounted without noexec",
        severity: Severity::Low,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| tmp_option(f, "noexec"),
    };
}
