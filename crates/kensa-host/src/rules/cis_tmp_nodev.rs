//! `cis-tmp-nodev`: /tmp is mounted without nodev (CIS 1.1.2.1.2).
use kensa_model::Severity;

use super::tmp::tmp_option;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// When /tmp is a separate filesystem, its mount options must include `nodev`.
    /// NOT_APPLICABLE when /tmp is not separate (cis-tmp-partition fails then). systemd's
    /// tmp.mount mounts with nodev.
    ///
    /// ## Recommendation
    /// Add `nodev` to the options of the `/tmp` line of /etc/fstab and `mount -o remount
    /// /tmp`.
    pub const RULE: HostRule = HostRule {
        id: "cis-tmp-nodev",
        package: Package::Cis,
        control: "1.1.2.1.2",
        title: "/tmp is mounted without nodev",
        severity: Severity::Low,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| tmp_option(f, "nodev"),
    };
}
