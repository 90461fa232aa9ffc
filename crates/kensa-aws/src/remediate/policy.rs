//! Which controls `kensa remediate plan` fixes when none are named, and the ports a port
//! control forbids (from kensa-rules: the same definition `scan` and `compliance`
//! evaluate, in the shared [`kensa_model::ports`] vocabulary).
pub use kensa_model::ports::RestrictedPorts;

/// A control's restricted ports with its framework's parameters; `None` for a control
/// that is not about world-open ports.
pub fn restricted_ports(control: &str) -> Option<RestrictedPorts> {
    kensa_rules::restricted_ports(control)
}

/// Used when `--controls` is not given: the world-open port controls and the account
/// settings that do not change how workloads run. EC2.2 (closing the default group),
/// EC2.8 (IMDSv2, which old SDKs cannot use) and EC2.18 (everything but 80/443) must
/// be asked for by name.
pub const DEFAULT_CONTROLS: &[&str] = &[
    "EC2.1",
    "EC2.7",
    "EC2.13",
    "EC2.14",
    "EC2.19",
    "EC2.53",
    "EC2.54",
    "AMI.PUBLIC",
];
