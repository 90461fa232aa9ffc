//! `cis-shadowed-passwords`: Accounts do not use shadowed passwords (CIS 7.2.1).
use kensa_model::Severity;

use super::accounts::shadowed_passwords;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// Every account in /etc/passwd must have `x` in its password field, so that its hash
    /// lives in /etc/shadow, readable by root only.
    ///
    /// ## Recommendation
    /// Run `pwconv`, then check that no /etc/passwd line holds a hash.
    pub const RULE: HostRule = HostRule {
        id: "cis-shadowed-passwords",
        package: Package::Cis,
        control: "7.2.1",
        title: "Accounts do not use shadowed passwords",
        severity: Severity::High,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: shadowed_passwords,
    };
}
