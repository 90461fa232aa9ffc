//! `sbp-password-min-length`: short passwords are accepted.
use kensa_model::Severity;

use super::common::pwquality_int;
use crate::{Outcome, Package};

crate::host_rule! {
    /// ## Description
    /// The PAM password stack must call pam_pwquality (or pam_cracklib) with a minimum
    /// length (`minlen`, from /etc/security/pwquality.conf, its `.d` files or the module's
    /// arguments, which win) of at least 14. Inspector published no threshold; kensa uses
    /// the CIS benchmarks' 14. Unset, pwquality's default is 8, and fails.
    ///
    /// ## Recommendation
    /// Set `minlen = 14` in /etc/security/pwquality.conf and make sure the password stack
    /// (/etc/pam.d/common-password, or system-auth and password-auth) calls pam_pwquality.so.
    pub const RULE: HostRule = HostRule {
        id: "sbp-password-min-length",
        package: Package::SecurityBestPractices,
        control: "Configure password minimum length",
        title: "Password minimum length is below 14",
        severity: Severity::Medium,
        references: &["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_security-best-practices.html"],
        evaluate: |f| match pwquality_int(f, "minlen", 8) {
            Err(o) => o,
            Ok((n, ev)) if n >= 14 => Outcome::passed(ev),
            Ok((_, ev)) => Outcome::failed(format!("{ev} (want 14 or more)")),
        },
    };
}
