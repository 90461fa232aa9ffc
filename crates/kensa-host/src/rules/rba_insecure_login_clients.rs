//! `rba-insecure-login-clients`: clear-text remote login clients are installed.
use kensa_model::Severity;

use super::common::packages_absent;
use crate::Package;

/// Packages of telnet, rlogin and rsh clients (Debian/Ubuntu and Amazon Linux names).
const CLIENTS: &[&str] = &[
    "telnet", "inetutils-telnet", "rsh", "rsh-client", "rsh-redone-client", "krb5-appl-clients",
];

crate::host_rule! {
    /// ## Description
    /// Inspector watched hosts use telnet, rlogin and rsh, which send credentials in clear
    /// text. kensa has no record of connections; it reports the clients that are installed
    /// (telnet, inetutils-telnet, rsh, rsh-client, rsh-redone-client, krb5-appl-clients),
    /// from the package database of a root filesystem or the telemetry's package list.
    ///
    /// ## Recommendation
    /// Use ssh instead and remove the packages named (`apt-get purge` / `dnf remove`).
    pub const RULE: HostRule = HostRule {
        id: "rba-insecure-login-clients",
        package: Package::RuntimeBehaviorAnalysis,
        control: "Insecure client protocols (login)",
        title: "Clear-text remote login clients are installed",
        severity: Severity::Medium,
        references: &["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_runtime-behavior-analysis.html"],
        evaluate: |f| packages_absent(f, CLIENTS),
    };
}
