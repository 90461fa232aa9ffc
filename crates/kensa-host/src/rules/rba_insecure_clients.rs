//! `rba-insecure-clients`: clear-text file transfer and chat clients are installed.
use kensa_model::Severity;

use super::common::packages_absent;
use crate::Package;

/// Packages of ftp, tftp, talk and NIS clients.
const CLIENTS: &[&str] = &[
    "ftp", "inetutils-ftp", "lftp", "tftp", "tftp-hpa", "talk", "inetutils-talk", "ypbind", "nis",
];

crate::host_rule! {
    /// ## Description
    /// Inspector watched hosts use general clear-text clients (FTP, TFTP, talk, NIS). kensa
    /// reports the clients installed: ftp, inetutils-ftp, lftp, tftp, tftp-hpa, talk,
    /// inetutils-talk, ypbind, nis.
    ///
    /// ## Recommendation
    /// Use sftp/scp or HTTPS instead and remove the packages named.
    pub const RULE: HostRule = HostRule {
        id: "rba-insecure-clients",
        package: Package::RuntimeBehaviorAnalysis,
        control: "Insecure client protocols (general)",
        title: "Clear-text file transfer and directory clients are installed",
        severity: Severity::Low,
        references: &["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_runtime-behavior-analysis.html"],
        evaluate: |f| packages_absent(f, CLIENTS),
    };
}
