//! `rba-root-process-insecure-permissions`: a root process runs a program others can replace.
use kensa_model::Severity;

use super::common::listeners;
use crate::{HostFacts, Known, Outcome, Package};

/// Directories any user can write to (or owns part of).
const USER_WRITABLE: &[&str] = &["/tmp/", "/var/tmp/", "/dev/shm/", "/home/"];

crate::host_rule! {
    /// ## Description
    /// A process running as root (uid 0) with a listening socket must run an executable
    /// that only root can modify. It fails when the executable lies under a directory users
    /// write to (/tmp, /var/tmp, /dev/shm, /home), or when its collected mode lets a group
    /// other than root, or others, write it, or a user other than root owns it. The
    /// telemetry lists the processes of listening sockets only, and collects executables'
    /// modes only where they are system paths: an executable whose mode is unknown leaves
    /// the rule NOT_EVALUATED unless another already fails.
    ///
    /// ## Recommendation
    /// Install the program under a root-owned directory, `chown root:root` and
    /// `chmod go-w` it, and restart the service.
    pub const RULE: HostRule = HostRule {
        id: "rba-root-process-insecure-permissions",
        package: Package::RuntimeBehaviorAnalysis,
        control: "Root process with insecure permissions",
        title: "A root process runs an executable others can modify",
        severity: Severity::High,
        references: &["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_runtime-behavior-analysis.html"],
        evaluate: evaluate,
    };
}

fn evaluate(facts: &HostFacts) -> Outcome {
    let ls = match listeners(facts) {
        Ok(l) => l,
        Err(o) => return o,
    };
    let mut bad = Vec::new();
    let mut good = Vec::new();
    let mut unknown = Vec::new();
    for l in ls.iter().filter(|l| l.uid == Some(0)) {
        let Some(exe) = &l.exe else {
            unknown.push(l.describe());
            continue;
        };
        if USER_WRITABLE.iter().any(|d| exe.starts_with(d)) {
            bad.push(format!("executable in a user-writable directory: {}", l.describe()));
            continue;
        }
        match facts.mode(exe) {
            Known::Present(m) if m.uid != 0 || m.mode & 0o002 != 0 || (m.mode & 0o020 != 0 && m.gid != 0) => bad.push(
                format!("{exe}: mode {:04o}, uid {}, gid {}: {}", m.mode, m.uid, m.gid, l.describe()),
            ),
            Known::Present(m) => good.push(format!("{exe}: mode {:04o}, uid {}", m.mode, m.uid)),
            _ => unknown.push(format!("mode of {exe} not collected ({})", l.describe())),
        }
    }
    if bad.is_empty() && !unknown.is_empty() {
        return Outcome::not_evaluated(unknown.join("; "));
    }
    if bad.is_empty() && good.is_empty() {
        return Outcome::not_applicable("no listening process runs as root");
    }
    Outcome::from_lists(bad, good)
}
