//! `sg-high-risk-port-open-to-world`: Security groups should not allow unrestricted access to ports with high risk.
use kensa_model::{Severity, ResourceType};

use crate::check::Fix;
use crate::eval::HIGH_RISK_PORTS;
use crate::eval::sg_open;
use crate::exposure::RestrictedPorts;
use crate::params::Params;
use crate::ports::PortSet;

crate::check! {
    /// ## What it checks
    /// Security groups with an ingress rule from `0.0.0.0/0` or `::/0` covering, over TCP or
    /// UDP, one of the 24 high-risk ports: 20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434,
    /// 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300.
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
        name: "sg-high-risk-port-open-to-world",
        title: "Security groups should not allow unrestricted access to ports with high risk",
        severity: Severity::Critical,
        resource_type: ResourceType::SecurityGroup,
        params: &[],
        evaluate: |ctx, p| sg_open::check(ctx, &restricted(p)),
        restricted_ports: Some(restricted),
        fix: Some(Fix::RestrictWorldIngress),
        fixtures_fail: &[include_str!("../../fixtures/sg/world-mysql-udp.json")],
        fixtures_pass: &[include_str!("../../fixtures/sg/world-https.json")],
    };
}

fn restricted(_: &Params) -> RestrictedPorts {
    RestrictedPorts::tcp_udp(PortSet::parse(HIGH_RISK_PORTS).unwrap_or_default())
}
