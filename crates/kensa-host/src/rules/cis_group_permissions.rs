//! `cis-group-permissions`: /etc/group has loose permissions (CIS 7.1.3).
use kensa_model::Severity;

use super::common::file_mode_check;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// /etc/group must be mode 0644 or stricter, owned by root, group root.
    ///
    /// ## Recommendation
    /// `chown root:root /etc/group && chmod u-x,go-wx /etc/group`.
    pub const RULE: HostRule = HostRule {
        id: "cis-group-permissions",
        package: Package::Cis,
        control: "7.1.3",
        title: "/etc/group has loose permissions",
        severity: Severity::Medium,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| file_mode_check(f, "/etc/group", 0o644, &[]),
    };
}
