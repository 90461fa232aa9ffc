//! `cis-tmp-nosuid`: /tmp is mounted without nosuid (CIS 1.1.2.1.3).
use kensa_model::Severity;

use super::tmp::tmp_option;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// When /tmp is a separate filesystem, its mount options must include `nosuid`.
    /// NOT_APPLICABLE when /tmp is not separate. systemd's tmp.mount mounts with nosuid.
    ///
    /// ## Recommendation
    /// Add `nosuid` to the options of the `/tmp` line of /etc/fstab and `mount -o remount
    /// /tmp`.
    pub const RULE: HostRule = HostRule {
        id: "cis-tmp-nosuid",
        package: Package::Cis,
        control: "1.1.2.1.3",
        title: "/tmp is mounted without nosuid",
        severity: Severity::Low,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| tmp_option(f, "nosuid"),
    };
}
