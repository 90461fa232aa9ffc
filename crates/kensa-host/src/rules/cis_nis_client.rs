//! `cis-nis-client`: The NIS client is installed (CIS 2.2.1).
use kensa_model::Severity;

use super::common::packages_absent;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// The NIS client (packages nis, ypbind, yp-tools) must not be installed: NIS sends
    /// maps, password hashes included, in clear text.
    ///
    /// ## Recommendation
    /// `apt-get purge nis` / `dnf remove ypbind yp-tools`.
    pub const RULE: HostRule = HostRule {
        id: "cis-nis-client",
        package: Package::Cis,
        control: "2.2.1",
        title: "The NIS client is installed",
        severity: Severity::Medium,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| packages_absent(f, &["nis", "ypbind", "yp-tools"]),
    };
}
