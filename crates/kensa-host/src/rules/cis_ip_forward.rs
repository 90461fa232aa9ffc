//! `cis-ip-forward`: IP forwarding is enabled (CIS 3.3.1).
use kensa_model::Severity;

use super::common::{all_of, sysctl_check};
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// `net.ipv4.ip_forward` and `net.ipv6.conf.all.forwarding` must be set to 0 in the
    /// sysctl configuration (and be 0 live with telemetry): a host that is not a router
    /// must not route.
    ///
    /// ## Recommendation
    /// Set both to 0 in /etc/sysctl.d/60-netipv4_sysctl.conf and 60-netipv6_sysctl.conf and
    /// run `sysctl --system`.
    pub const RULE: HostRule = HostRule {
        id: "cis-ip-forward",
        package: Package::Cis,
        control: "3.3.1",
        title: "IP forwarding is enabled",
        severity: Severity::Medium,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| all_of(vec![sysctl_check(f, "net.ipv4.ip_forward", true, |v| v == "0"), sysctl_check(f, "net.ipv6.conf.all.forwarding", true, |v| v == "0")]),
    };
}
