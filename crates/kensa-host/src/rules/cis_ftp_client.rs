//! `cis-ftp-client`: An FTP client is installed (CIS 2.2.6).
use kensa_model::Severity;

use super::common::packages_absent;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// No clear-text FTP client may be installed (packages ftp, tnftp, inetutils-ftp).
    ///
    /// ## Recommendation
    /// `apt-get purge ftp tnftp inetutils-ftp` / `dnf remove ftp`; use sftp.
    pub const RULE: HostRule = HostRule {
        id: "cis-ftp-client",
        package: Package::Cis,
        control: "2.2.6",
        title: "An FTP client is installed",
        severity: Severity::Low,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| packages_absent(f, &["ftp", "tnftp", "inetutils-ftp"]),
    };
}
