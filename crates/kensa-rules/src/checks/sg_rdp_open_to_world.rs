//! `sg-rdp-open-to-world`: Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 3389.
use kensa_model::{Severity, ResourceType};

use crate::check::Fix;
use crate::eval::sg_open;
use crate::exposure::RestrictedPorts;
use crate::params::Params;
use crate::ports::PortSet;

crate::check! {
    /// ## What it checks
    /// Security groups with an ingress rule admitting TCP port 3389 (RDP) from `0.0.0.0/0` or
    /// `::/0` (all traffic and TCP ranges covering 3389 included).
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
        name: "sg-rdp-open-to-world",
        title: "Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 3389",
        severity: Severity::High,
        resource_type: ResourceType::SecurityGroup,
        params: &[],
        evaluate: |ctx, p| sg_open::check(ctx, &restricted(p)),
        restricted_ports: Some(restricted),
        fix: Some(Fix::RestrictWorldIngress),
        fixtures_fail: &[include_str!("../../fixtures/sg/world-rdp.json")],
        fixtures_pass: &[include_str!("../../fixtures/sg/world-ssh.json")],
    };
}

fn restricted(_: &Params) -> RestrictedPorts {
    RestrictedPorts::tcp(PortSet::single(3389))
}
