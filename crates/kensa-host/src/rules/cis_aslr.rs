//! `cis-aslr`: Address space layout randomization is not configured (CIS 1.5.1).
use kensa_model::Severity;

use super::common::sysctl_check;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// `kernel.randomize_va_space` must be set to 2 in the sysctl configuration (/usr/lib,
    /// /run and /etc sysctl.d, /etc/sysctl.conf; the last assignment wins) and, with live
    /// telemetry, be 2 in the running kernel. Unset in configuration fails, as in the
    /// benchmark's audit.
    ///
    /// ## Recommendation
    /// Set `kernel.randomize_va_space = 2` in /etc/sysctl.d/60-kernel_sysctl.conf and run
    /// `sysctl --system`.
    pub const RULE: HostRule = HostRule {
        id: "cis-aslr",
        package: Package::Cis,
        control: "1.5.1",
        title: "Address space layout randomization is not configured",
        severity: Severity::Medium,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| sysctl_check(f, "kernel.randomize_va_space", true, |v| v == "2"),
    };
}
