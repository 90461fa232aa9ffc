//! `sbp-system-dir-permissions`: a system directory is writable by someone else than root.
use kensa_model::Severity;

use crate::{HostFacts, Known, Outcome, Package};

/// Directories whose contents run as or configure the system.
const SYSTEM_DIRS: &[&str] = &[
    "/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/lib",
    "/lib64", "/usr/lib", "/usr/lib64", "/etc", "/boot",
];

crate::host_rule! {
    /// ## Description
    /// Every system directory that exists (/bin, /sbin, /usr/bin, /usr/sbin, /usr/local/bin,
    /// /usr/local/sbin, /lib, /lib64, /usr/lib, /usr/lib64, /etc, /boot; symlinks followed)
    /// must be owned by root and writable by no one else: not by others, and not by a group
    /// other than root. A directory whose mode was not collected makes the rule
    /// NOT_EVALUATED unless another already fails.
    ///
    /// ## Recommendation
    /// `chown root:root DIR && chmod go-w DIR` for each directory named, then look for what
    /// was written there while it was open.
    pub const RULE: HostRule = HostRule {
        id: "sbp-system-dir-permissions",
        package: Package::SecurityBestPractices,
        control: "Configure permissions for system directories",
        title: "System directories are writable by users other than root",
        severity: Severity::High,
        references: &["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_security-best-practices.html"],
        evaluate: evaluate,
    };
}

fn evaluate(facts: &HostFacts) -> Outcome {
    let mut bad = Vec::new();
    let mut good = Vec::new();
    let mut unknown = Vec::new();
    for dir in SYSTEM_DIRS {
        match facts.mode(dir) {
            Known::Absent => {}
            Known::Unknown => unknown.push(*dir),
            Known::Present(m) => {
                let shown = format!("{dir}: mode {:04o}, uid {}, gid {}", m.mode, m.uid, m.gid);
                let group_writable = m.mode & 0o020 != 0 && m.gid != 0;
                if m.uid != 0 || m.mode & 0o002 != 0 || group_writable {
                    bad.push(shown);
                } else {
                    good.push(shown);
                }
            }
        }
    }
    if bad.is_empty() && !unknown.is_empty() {
        return Outcome::not_evaluated(format!("the modes of {} were not collected", unknown.join(", ")));
    }
    if bad.is_empty() && good.is_empty() {
        return Outcome::not_evaluated("no system directory was found");
    }
    Outcome::from_lists(bad, good)
}
