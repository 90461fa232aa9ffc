//! `cis-icmp-redirects`: ICMP redirects are accepted (CIS 3.3.5).
use kensa_model::Severity;

use super::common::{all_of, sysctl_check};
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// `net.ipv4.conf.all.accept_redirects`, `net.ipv4.conf.default.accept_redirects`,
    /// `net.ipv6.conf.all.accept_redirects` and `net.ipv6.conf.default.accept_redirects`
    /// must all be set to 0 in the sysctl configuration (and be 0 live with telemetry).
    ///
    /// ## Recommendation
    /// Set the four parameters to 0 in /etc/sysctl.d and run `sysctl --system`.
    pub const RULE: HostRule = HostRule {
        id: "cis-icmp-redirects",
        package: Package::Cis,
        control: "3.3.5",
        title: "ICMP redirects are accepted",
        severity: Severity::Medium,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| all_of(["net.ipv4.conf.all.accept_redirects", "net.ipv4.conf.default.accept_redirects", "net.ipv6.conf.all.accept_redirects", "net.ipv6.conf.default.accept_redirects"].iter().map(|k| sysctl_check(f, k, true, |v| v == "0")).collect()),
    };
}
