//! `aws-config:restricted-ssh`: Security groups allow unrestricted incoming SSH traffic.
use kensa_model::Severity;

use crate::checks::sg_open;
use crate::exposure::RestrictedPorts;
use crate::framework_ids::*;
use crate::params::Params;
use crate::ports::PortSet;
use crate::rule::Mapping;

crate::rule! {
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
    pub const RESTRICTED_SSH: Rule = Rule {
        id: "aws-config:restricted-ssh",
        name: "sg-ssh-open-to-world",
        framework: AWS_CONFIG,
        control: "restricted-ssh",
        title: "Security groups allow unrestricted incoming SSH traffic",
        severity: Severity::High,
        resource_type: "AwsEc2SecurityGroup",
        references: &["https://docs.aws.amazon.com/config/latest/developerguide/restricted-ssh.html"],
        related: &[Mapping { framework: FSBP, control: "EC2.13" }],
        params: &[],
        check: |ctx, p| sg_open::check(ctx, &restricted(p)),
        restricted_ports: Some(restricted),
        fixture_fail: include_str!("../../fixtures/sg/world-ssh.json"),
        fixture_pass: include_str!("../../fixtures/sg/internal-all-tcp.json"),
    };
}

fn restricted(_: &Params) -> RestrictedPorts {
    RestrictedPorts::tcp(PortSet::single(22))
}
