//! `cis-telnet-client`: A telnet client is installed (CIS 2.2.4).
use kensa_model::Severity;

use super::common::packages_absent;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// No telnet client may be installed (packages telnet, inetutils-telnet).
    ///
    /// ## Recommendation
    /// `apt-get purge telnet inetutils-telnet` / `dnf remove telnet`.
    pub const RULE: HostRule = HostRule {
        id: "cis-telnet-client",
        package: Package::Cis,
        control: "2.2.4",
        title: "A telnet client is installed",
        severity: Severity::Medium,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| packages_absent(f, &["telnet", "inetutils-telnet"]),
    };
}
