//! `cis-rsh-client`: An rsh client is installed (CIS 2.2.2).
use kensa_model::Severity;

use super::common::packages_absent;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// No rsh client may be installed (packages rsh-client, rsh-redone-client, rsh): rsh,
    /// rcp and rlogin send credentials in clear text.
    ///
    /// ## Recommendation
    /// `apt-get purge rsh-client rsh-redone-client` / `dnf remove rsh`.
    pub const RULE: HostRule = HostRule {
        id: "cis-rsh-client",
        package: Package::Cis,
        control: "2.2.2",
        title: "An rsh client is installed",
        severity: Severity::Medium,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| packages_absent(f, &["rsh-client", "rsh-redone-client", "rsh"]),
    };
}
