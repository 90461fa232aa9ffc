//! `cis-gshadow-permissions`: /etc/gshadow has loose permissions (CIS 7.1.7).
use kensa_model::Severity;

use super::common::file_mode_check;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// /etc/gshadow must be mode 0640 or stricter, owned by root, group root or shadow.
    ///
    /// ## Recommendation
    /// `chown root:shadow /etc/gshadow && chmod u-x,g-wx,o-rwx /etc/gshadow`.
    pub const RULE: HostRule = HostRule {
        id: "cis-gshadow-permissions",
        package: Package::Cis,
        control: "7.1.7",
        title: "/etc/gshadow has loose permissions",
        severity: Severity::High,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| file_mode_check(f, "/etc/gshadow", 0o640, &["shadow"]),
    };
}
