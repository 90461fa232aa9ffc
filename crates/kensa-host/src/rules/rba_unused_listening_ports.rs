//! `rba-unused-listening-ports`: TCP ports listen on addresses other hosts can reach.
use kensa_model::Severity;

use super::common::listeners;
use crate::{HostFacts, Outcome, Package};

crate::host_rule! {
    /// ## Description
    /// Every listening TCP socket bound to a non-loopback address is a port other hosts can
    /// try. Inspector flagged those it saw no traffic on; kensa records no traffic, so it
    /// lists every such listener except sshd (process name `sshd`) with its process, for
    /// review. Loopback listeners pass. Needs the listeners of live telemetry.
    ///
    /// ## Recommendation
    /// Stop or uninstall the services not needed, or bind them to 127.0.0.1; keep the
    /// security group closed on the rest.
    pub const RULE: HostRule = HostRule {
        id: "rba-unused-listening-ports",
        package: Package::RuntimeBehaviorAnalysis,
        control: "Unused listening TCP ports",
        title: "TCP ports listen on non-loopback addresses",
        severity: Severity::Informational,
        references: &["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_runtime-behavior-analysis.html"],
        evaluate: evaluate,
    };
}

fn evaluate(facts: &HostFacts) -> Outcome {
    let ls = match listeners(facts) {
        Ok(l) => l,
        Err(o) => return o,
    };
    let tcp: Vec<_> = ls.iter().filter(|l| l.proto == "tcp").collect();
    let open: Vec<String> = tcp
        .iter()
        .filter(|l| !l.is_loopback() && l.process.as_deref() != Some("sshd"))
        .map(|l| l.describe())
        .collect();
    let good = vec![format!("{} TCP listener(s), none beyond loopback and sshd", tcp.len())];
    Outcome::from_lists(open, good)
}
