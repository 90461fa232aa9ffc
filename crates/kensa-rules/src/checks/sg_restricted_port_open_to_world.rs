//! `sg-restricted-port-open-to-world`: Security groups allow unrestricted incoming traffic to restricted ports.
use kensa_model::{Severity, ResourceType};

use crate::check::Fix;
use crate::eval::HIGH_RISK_PORTS;
use crate::eval::sg_open;
use crate::exposure::{ProtoPorts, RestrictedPorts};
use crate::params::{ParamKind, ParamSpec, Params};
use crate::ports::PortSet;

crate::check! {
    /// ## What it checks
    /// Security groups with an ingress rule from `0.0.0.0/0` or `::/0` covering one of
    /// `restrictPorts` (default: the 24 high-risk ports 20, 21, 22, 23, 25, 110, 135, 143, 445,
    /// 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200,
    /// 9300) for the protocols in `protocolType` (`TCP`, `UDP` or `ALL`, default `ALL`).
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
        name: "sg-restricted-port-open-to-world",
        title: "Security groups allow unrestricted incoming traffic to restricted ports",
        severity: Severity::High,
        resource_type: ResourceType::SecurityGroup,
        params: PARAMS,
        evaluate: |ctx, p| sg_open::check(ctx, &restricted(p)),
        restricted_ports: Some(restricted),
        fix: Some(Fix::RestrictWorldIngress),
        fixtures_fail: &[include_str!("../../fixtures/sg/world-mysql-udp.json")],
        fixtures_pass: &[include_str!("../../fixtures/sg/world-https.json")],
    };
}

fn restricted(p: &Params) -> RestrictedPorts {
    let ports = p.ports("restrictPorts");
    let kind = p.get("protocolType").unwrap_or("ALL").to_ascii_uppercase();
    let pick = |excluded: &str| {
        if kind == excluded {
            PortSet::empty()
        } else {
            ports.clone()
        }
    };
    RestrictedPorts::both(ProtoPorts {
        tcp: pick("UDP"),
        udp: pick("TCP"),
        other_protocols: false,
    })
}

const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "restrictPorts",
        kind: ParamKind::Ports,
        default: Some(HIGH_RISK_PORTS),
        doc: "Ports and ranges that must not be open to the world.",
    },
    ParamSpec {
        name: "protocolType",
        kind: ParamKind::Choice(&["TCP", "UDP", "ALL"]),
        default: Some("ALL"),
        doc: "Which protocols the restricted ports apply to.",
    },
];
