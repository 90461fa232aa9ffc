//! `rba-insecure-server-protocols`: a clear-text protocol server listens.
use kensa_model::Severity;

use super::common::listeners;
use crate::{HostFacts, Outcome, Package};

/// (protocol, port, service) Inspector named: FTP, Telnet, HTTP, IMAP, POP3, SMTP, SNMP,
/// rsh, rlogin (and rexec with them).
const PORTS: &[(&str, u16, &str)] = &[
    ("tcp", 21, "FTP"),
    ("tcp", 23, "Telnet"),
    ("tcp", 25, "SMTP"),
    ("tcp", 80, "HTTP"),
    ("tcp", 110, "POP3"),
    ("tcp", 143, "IMAP"),
    ("udp", 161, "SNMP (v1/v2c cannot be told from v3 by the port)"),
    ("tcp", 512, "rexec"),
    ("tcp", 513, "rlogin"),
    ("tcp", 514, "rsh"),
];

crate::host_rule! {
    /// ## Description
    /// A socket listening on a non-loopback address on the port of a clear-text protocol
    /// Inspector named: FTP 21, Telnet 23, SMTP 25, HTTP 80, POP3 110, IMAP 143, SNMP
    /// 161/udp, rexec 512, rlogin 513, rsh 514. The finding names the process (name, pid,
    /// user, executable). Needs the listeners of live telemetry.
    ///
    /// ## Recommendation
    /// Replace the service with its encrypted form (SFTP, SSH, HTTPS, IMAPS, POP3S, SMTP
    /// with STARTTLS required, SNMPv3) or bind it to loopback.
    pub const RULE: HostRule = HostRule {
        id: "rba-insecure-server-protocols",
        package: Package::RuntimeBehaviorAnalysis,
        control: "Insecure server protocols",
        title: "A clear-text protocol server is listening",
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
    let bad: Vec<String> = ls
        .iter()
        .filter(|l| !l.is_loopback())
        .filter_map(|l| {
            PORTS
                .iter()
                .find(|(p, port, _)| *p == l.proto && *port == l.port)
                .map(|(_, _, name)| format!("{name}: {}", l.describe()))
        })
        .collect();
    Outcome::from_lists(bad, vec![format!("{} listener(s), none on a clear-text protocol port", ls.len())])
}
