//! `sg-unauthorized-port-open-to-world`: Security groups allow unrestricted incoming traffic on ports that are not authorized.
use kensa_model::{Severity, ResourceType};

use crate::check::Fix;
use crate::eval::sg_open;
use crate::params::ParamSpec;

const DEFAULT_TCP: Option<&str> = None;

crate::check! {
    /// ## What it checks
    /// Security groups with an ingress rule from `0.0.0.0/0` or `::/0` that opens a TCP port
    /// outside `authorizedTcpPorts` or a UDP port outside `authorizedUdpPorts` (ports and
    /// ranges, e.g. `443, 1020-1025`). Without parameters no port is authorized. Protocol `-1`
    /// opens everything and always fails; ICMP and other port-less protocols are not evaluated.
    ///
    /// The finding says whether the group is attached (ATTACHED, ATTACHED_TO) and, when a
    /// reachability engine ran, whether the exposure is reachable from the Internet (REACHABLE,
    /// REACHABILITY_PATH). An unattached group is reported as Low; an attached but unreachable
    /// exposure one level lower and at most Medium.
    ///
    /// ## Why it matters
    /// Only the ports a service is meant to offer to the public (HTTPS, perhaps HTTP) belong
    /// open to the world. Everything else widens the attack surface for no benefit.
    ///
    /// ## Remediation
    /// Remove the ingress rule that admits 0.0.0.0/0 or ::/0 to the port, or narrow its source
    /// to the addresses that need it (a bastion, a VPN range, a prefix list of office ranges).
    /// Prefer AWS Systems Manager Session Manager over inbound SSH/RDP. `kensa remediate`
    /// revokes or narrows exactly the offending rules listed in the finding.
    pub const CHECK: Check = Check {
        name: "sg-unauthorized-port-open-to-world",
        title: "Security groups allow unrestricted incoming traffic on ports that are not authorized",
        severity: Severity::High,
        resource_type: ResourceType::SecurityGroup,
        params: PARAMS,
        evaluate: |ctx, p| sg_open::check(ctx, &sg_open::unauthorized_ports(p)),
        restricted_ports: Some(sg_open::unauthorized_ports),
        fix: Some(Fix::RestrictWorldIngress),
        fixtures_fail: &[
            include_str!("../../fixtures/sg/world-https.json"),
            include_str!("../../fixtures/sg/world-8443.json"),
        ],
        fixtures_pass: &[include_str!("../../fixtures/sg/internal-all-tcp.json")],
    };
}

const PARAMS: &[ParamSpec] = &sg_open::authorized_port_params(DEFAULT_TCP);
