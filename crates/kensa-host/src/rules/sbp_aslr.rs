//! `sbp-aslr`: address space layout randomization is off or partial.
use kensa_model::Severity;

use super::common::sysctl_check;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// `kernel.randomize_va_space` must be 2 (stack, mmap, VDSO and heap randomized). On a
    /// running system (live telemetry) the kernel's value is checked, and any value set in
    /// the sysctl configuration (/usr/lib, /run and /etc sysctl.d, /etc/sysctl.conf; the last
    /// assignment wins). From a root filesystem, a parameter the configuration leaves to the
    /// kernel cannot be known: NOT_EVALUATED.
    ///
    /// ## Recommendation
    /// Set `kernel.randomize_va_space = 2` in /etc/sysctl.d/60-kensa.conf and run
    /// `sysctl --system`; remove `norandmaps` from the kernel command line.
    pub const RULE: HostRule = HostRule {
        id: "sbp-aslr",
        package: Package::SecurityBestPractices,
        control: "Enable ASLR",
        title: "Address space layout randomization is not fully enabled",
        severity: Severity::Medium,
        references: &["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_security-best-practices.html"],
        evaluate: |f| sysctl_check(f, "kernel.randomize_va_space", false, |v| v == "2"),
    };
}
