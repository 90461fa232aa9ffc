//! `sg-admin-ports-open-to-ipv4-world`: EC2 security groups should not allow ingress from 0.0.0.0/0 to remote server administration ports.
use kensa_model::{Severity, ResourceType};

use crate::check::Fix;
use crate::eval::REMOTE_ADMIN_PORTS;
use crate::eval::sg_open;
use crate::exposure::{Family, RestrictedPorts};
use crate::params::Params;
use crate::ports::PortSet;

crate::check! {
    /// ## What it checks
    /// Security groups with an ingress rule from `0.0.0.0/0` (or a prefix list containing it)
    /// covering TCP or UDP port 22 or 3389. Only `0.0.0.0/0` is evaluated here; the other
    /// family has its own control.
    ///
    /// The finding says whether the group is attached (ATTACHED, ATTACHED_TO) and, when a
    /// reachability engine ran, whether the exposure is reachable from the Internet (REACHABLE,
    /// REACHABILITY_PATH). An unattached group is reported as Low; an attached but unreachable
    /// exposure one level lower and at most Medium.
    ///
    /// ## Why it matters
    /// SSH and RDP are the front doors of a host. Opened to the whole Internet they are scanned
    /// within minutes and brute-forced continuously; a single weak credential or unpatched
    /// daemon becomes remote code execution.
    ///
    /// ## Remediation
    /// Remove the ingress rule that admits 0.0.0.0/0 or ::/0 to the port, or narrow its source
    /// to the addresses that need it (a bastion, a VPN range, a prefix list of office ranges).
    /// Prefer AWS Systems Manager Session Manager over inbound SSH/RDP. `kensa remediate`
    /// revokes or narrows exactly the offending rules listed in the finding.
    pub const CHECK: Check = Check {
        name: "sg-admin-ports-open-to-ipv4-world",
        title: "EC2 security groups should not allow ingress from 0.0.0.0/0 to remote server administration ports",
        severity: Severity::High,
        resource_type: ResourceType::SecurityGroup,
        params: &[],
        evaluate: |ctx, p| sg_open::check(ctx, &restricted(p)),
        restricted_ports: Some(restricted),
        fix: Some(Fix::RestrictWorldIngress),
        fixtures_fail: &[
            include_str!("../../fixtures/sg/world-ssh.json"),
            include_str!("../../fixtures/sg/world-rdp.json"),
        ],
        fixtures_pass: &[
            include_str!("../../fixtures/sg/world-ssh-v6.json"),
            include_str!("../../fixtures/sg/world-rdp-v6.json"),
        ],
    };
}

fn restricted(_: &Params) -> RestrictedPorts {
    RestrictedPorts::tcp_udp(PortSet::from_ports(REMOTE_ADMIN_PORTS)).with_family(Family::Ipv4)
}
