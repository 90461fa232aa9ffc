//! `cis-pwquality-minlen`: Password minimum length is below 14 (CIS 5.3.3.2.2).
use kensa_model::Severity;

use super::common::pwquality_int;
use crate::{Outcome, Package};

crate::host_rule! {
    /// ## Description
    /// The PAM password stack must call pam_pwquality (or pam_cracklib) with `minlen` of 14
    /// or more (pwquality.conf, its .d files, or the module's arguments, which win). Unset,
    /// pwquality's default of 8 fails.
    ///
    /// ## Recommendation
    /// Set `minlen = 14` in /etc/security/pwquality.conf.d/50-pwlength.conf and make sure
    /// the stack calls pam_pwquality.so.
    pub const RULE: HostRule = HostRule {
        id: "cis-pwquality-minlen",
        package: Package::Cis,
        control: "5.3.3.2.2",
        title: "Password minimum length is below 14",
        severity: Severity::Medium,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| match pwquality_int(f, "minlen", 8) { Err(o) => o, Ok((n, ev)) if n >= 14 => Outcome::passed(ev), Ok((_, ev)) => Outcome::failed(format!("{ev} (want 14 or more)")) },
    };
}
