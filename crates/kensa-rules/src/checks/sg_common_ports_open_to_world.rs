//! `sg-common-ports-open-to-world`: Security groups allow unrestricted incoming TCP traffic to blocked ports.
use kensa_model::{Severity, ResourceType};

use crate::check::Fix;
use crate::eval::sg_open;
use crate::exposure::RestrictedPorts;
use crate::params::{ParamKind, ParamSpec, Params};

crate::check! {
    /// ## What it checks
    /// Security groups whose ingress rules admit one of the blocked TCP ports
    /// (`blockedPort1`..`blockedPort5`, default 20, 21, 3389, 3306, 4333, plus any ports or
    /// ranges in `blockedPorts`) from `0.0.0.0/0` or `::/0`. "All TCP" and "all traffic" rules
    /// cover every blocked port.
    ///
    /// The finding says whether the group is attached (ATTACHED, ATTACHED_TO) and, when a
    /// reachability engine ran, whether the exposure is reachable from the Internet (REACHABLE,
    /// REACHABILITY_PATH). An unattached group is reported as Low; an attached but unreachable
    /// exposure one level lower and at most Medium.
    ///
    /// ## Why it matters
    /// Databases, file sharing, mail, remote administration, search and dashboard services are
    /// meant for a few clients, not the Internet. Exposed, they leak data without
    /// authentication (Elasticsearch, Kibana, MongoDB-style defaults), are brute-forced, or are
    /// exploited through known vulnerabilities.
    ///
    /// ## Remediation
    /// Remove the ingress rule that admits 0.0.0.0/0 or ::/0 to the port, or narrow its source
    /// to the addresses that need it (a bastion, a VPN range, a prefix list of office ranges).
    /// Prefer AWS Systems Manager Session Manager over inbound SSH/RDP. `kensa remediate`
    /// revokes or narrows exactly the offending rules listed in the finding.
    pub const CHECK: Check = Check {
        name: "sg-common-ports-open-to-world",
        title: "Security groups allow unrestricted incoming TCP traffic to blocked ports",
        severity: Severity::High,
        resource_type: ResourceType::SecurityGroup,
        params: PARAMS,
        evaluate: |ctx, p| sg_open::check(ctx, &restricted(p)),
        restricted_ports: Some(restricted),
        fix: Some(Fix::RestrictWorldIngress),
        fixtures_fail: &[include_str!("../../fixtures/sg/world-rdp.json")],
        fixtures_pass: &[include_str!("../../fixtures/sg/world-https.json")],
    };
}

const BLOCKED: [&str; 5] = [
    "blockedPort1",
    "blockedPort2",
    "blockedPort3",
    "blockedPort4",
    "blockedPort5",
];

fn restricted(p: &Params) -> RestrictedPorts {
    let ports = BLOCKED
        .iter()
        .map(|k| p.ports(k))
        .fold(p.ports("blockedPorts"), |acc, s| acc.union(&s));
    RestrictedPorts::tcp(ports)
}

const PARAMS: &[ParamSpec] = &[
    port_param("blockedPort1", "20"),
    port_param("blockedPort2", "21"),
    port_param("blockedPort3", "3389"),
    port_param("blockedPort4", "3306"),
    port_param("blockedPort5", "4333"),
    ParamSpec {
        name: "blockedPorts",
        kind: ParamKind::Ports,
        default: None,
        doc: "More blocked ports and ranges, comma-separated (`8080, 9000-9100`).",
    },
];

const fn port_param(name: &'static str, default: &'static str) -> ParamSpec {
    ParamSpec {
        name,
        kind: ParamKind::Port,
        default: Some(default),
        doc: "A blocked TCP port.",
    }
}
