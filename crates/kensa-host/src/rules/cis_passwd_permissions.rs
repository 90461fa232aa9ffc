//! `cis-passwd-permissions`: /etc/passwd has loose permissions (CIS 7.1.1).
use kensa_model::Severity;

use super::common::file_mode_check;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// /etc/passwd must be mode 0644 or stricter, owned by root, group root.
    ///
    /// ## Recommendation
    /// `chown root:root /etc/passwd && chmod u-x,go-wx /etc/passwd`.
    pub const RULE: HostRule = HostRule {
        id: "cis-passwd-permissions",
        package: Package::Cis,
        control: "7.1.1",
        title: "/etc/passwd has loose permissions",
        severity: Severity::Medium,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| file_mode_check(f, "/etc/passwd", 0o644, &[]),
    };
}
