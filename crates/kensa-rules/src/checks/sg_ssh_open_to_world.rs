//! `sg-ssh-open-to-world`: Security groups allow unrestricted incoming SSH traffic.
use kensa_model::{Severity, ResourceType};

use crate::check::Fix;
use crate::eval::sg_open;
use crate::exposure::RestrictedPorts;
use crate::params::Params;
use crate::ports::PortSet;

crate::check! {
    /// ## What it checks
    /// Security groups whose ingress rules admit TCP port 22 from `0.0.0.0/0` or `::/0` (or a
    /// prefix list containing them). Protocol `-1` (all traffic) and any TCP range covering 22
    /// (including `0-65535`, "all TCP") count; UDP 22 does not.
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
        name: "sg-ssh-open-to-world",
        title: "Security groups allow unrestricted incoming SSH traffic",
        severity: Severity::High,
        resource_type: ResourceType::SecurityGroup,
        params: &[],
        evaluate: |ctx, p| sg_open::check(ctx, &restricted(p)),
        restricted_ports: Some(restricted),
        fix: Some(Fix::RestrictWorldIngress),
        fixtures_fail: &[
            include_str!("../../fixtures/sg/world-ssh.json"),
            include_str!("../../fixtures/sg/world-ssh-v6.json"),
        ],
        fixtures_pass: &[
            include_str!("../../fixtures/sg/internal-all-tcp.json"),
            include_str!("../../fixtures/sg/world-https.json"),
        ],
    };
}

fn restricted(_: &Params) -> RestrictedPorts {
    RestrictedPorts::tcp(PortSet::single(22))
}
