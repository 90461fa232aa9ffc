//! `cis-shadow-permissions`: /etc/shadow has loose permissions (CIS 7.1.5).
use kensa_model::Severity;

use super::common::file_mode_check;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// /etc/shadow must be mode 0640 or stricter, owned by root, group root or shadow (the
    /// group's id is read from /etc/group).
    ///
    /// ## Recommendation
    /// `chown root:shadow /etc/shadow && chmod u-x,g-wx,o-rwx /etc/shadow` (group root on
    /// Amazon Linux).
    pub const RULE: HostRule = HostRule {
        id: "cis-shadow-permissions",
        package: Package::Cis,
        control: "7.1.5",
        title: "/etc/shadow has loose permissions",
        severity: Severity::High,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| file_mode_check(f, "/etc/shadow", 0o640, &["shadow"]),
    };
}
