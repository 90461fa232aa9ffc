//! `fsbp:EC2.14`: Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 3389.
use kensa_model::Severity;

use crate::checks::sg_open;
use crate::exposure::RestrictedPorts;
use crate::framework_ids::*;
use crate::params::Params;
use crate::ports::PortSet;

crate::rule! {
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
    pub const FSBP_EC2_14: Rule = Rule {
        id: "fsbp:EC2.14",
        name: "sg-rdp-open-to-world",
        framework: FSBP,
        control: "EC2.14",
        title: "Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 3389",
        severity: Severity::High,
        resource_type: "AwsEc2SecurityGroup",
        references: &["https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-14", "https://docs.aws.amazon.com/config/latest/developerguide/restricted-common-ports.html"],
        related: &[],
        params: &[],
        check: |ctx, p| sg_open::check(ctx, &restricted(p)),
        restricted_ports: Some(restricted),
        fixture_fail: include_str!("../../fixtures/sg/world-rdp.json"),
        fixture_pass: include_str!("../../fixtures/sg/world-ssh.json"),
    };
}

fn restricted(_: &Params) -> RestrictedPorts {
    RestrictedPorts::tcp(PortSet::single(3389))
}
