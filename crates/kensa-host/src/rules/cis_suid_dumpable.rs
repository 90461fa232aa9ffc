//! `cis-suid-dumpable`: setuid programs may dump core (CIS 1.5.3).
use kensa_model::Severity;

use super::common::sysctl_check;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// `fs.suid_dumpable` must be set to 0 in the sysctl configuration (and be 0 in the
    /// running kernel with live telemetry), so that setuid programs leave no core files.
    /// This is the kernel-parameter half of the control; the `hard core 0` limit is not
    /// checked.
    ///
    /// ## Recommendation
    /// Set `fs.suid_dumpable = 0` in /etc/sysctl.d/60-fs_sysctl.conf, run `sysctl
    /// --system`, and add `* hard core 0` to /etc/security/limits.conf.
    pub const RULE: HostRule = HostRule {
        id: "cis-suid-dumpable",
        package: Package::Cis,
        control: "1.5.3",
        title: "setuid programs may dump core",
        severity: Severity::Medium,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| sysctl_check(f, "fs.suid_dumpable", true, |v| v == "0"),
    };
}
