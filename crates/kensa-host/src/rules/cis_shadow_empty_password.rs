//! `cis-shadow-empty-password`: An account has an empty password (CIS 7.2.2).
use kensa_model::Severity;

use super::accounts::empty_shadow_passwords;
use crate::Package;

crate::host_rule! {
    /// ## Description
    /// No account in /etc/shadow may have an empty password field (anyone could log in as
    /// it). Needs /etc/shadow, which telemetry never carries: NOT_EVALUATED from telemetry.
    ///
    /// ## Recommendation
    /// `passwd -l USER` for each account named, then investigate why it had no password.
    pub const RULE: HostRule = HostRule {
        id: "cis-shadow-empty-password",
        package: Package::Cis,
        control: "7.2.2",
        title: "An account has an empty password",
        severity: Severity::High,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: empty_shadow_passwords,
    };
}
