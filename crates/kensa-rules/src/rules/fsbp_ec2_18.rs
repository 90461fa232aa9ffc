//! `fsbp:EC2.18`: Security groups should only allow unrestricted incoming traffic for authorized ports.
use kensa_model::Severity;

use crate::checks::sg_open;
use crate::framework_ids::*;
use crate::params::ParamSpec;

const DEFAULT_TCP: Option<&str> = Some("80, 443");

crate::rule! {
    /// ## What it checks
    /// Security groups with an ingress rule from `0.0.0.0/0` or `::/0` opening a TCP port
    /// outside `authorizedTcpPorts` (default 80, 443) or a UDP port outside
    /// `authorizedUdpPorts` (default none). Protocol `-1` always fails; ICMP and other
    /// port-less protocols are not evaluated.
    ///
    /// The finding says whether the group is attached (ATTACHED, ATTACHED_TO) and, when a
    /// reachability engine ran, whether the exposure is reachable from the Internet (REACHABLE,
    /// REACHABILITY_PATH). An unattached group is reported as Low; an attached but unreachable
    /// exposure one level lower and at most Medium.
    ///
    /// ## Why it matters
    /// Only the ports a service is meant to offer to the public belong open to the world;
    /// anything else widens the attack surface for no benefit.
    ///
    /// ## Remediation
    /// Remove the ingress rule that admits 0.0.0.0/0 or ::/0 to the port, or narrow its source
    /// to the addresses that need it (a bastion, a VPN range, a prefix list of office ranges).
    /// Prefer AWS Systems Manager Session Manager over inbound SSH/RDP. `kensa remediate`
    /// revokes or narrows exactly the offending rules listed in the finding.
    pub const FSBP_EC2_18: Rule = Rule {
        id: "fsbp:EC2.18",
        name: "sg-unauthorized-port-open-to-world",
        framework: FSBP,
        control: "EC2.18",
        title: "Security groups should only allow unrestricted incoming traffic for authorized ports",
        severity: Severity::High,
        resource_type: "AwsEc2SecurityGroup",
        references: &["https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-18", "https://docs.aws.amazon.com/config/latest/developerguide/vpc-sg-open-only-to-authorized-ports.html"],
        related: &[],
        params: PARAMS,
        check: |ctx, p| sg_open::check(ctx, &sg_open::unauthorized_ports(p)),
        restricted_ports: Some(sg_open::unauthorized_ports),
        fixture_fail: include_str!("../../fixtures/sg/world-8443.json"),
        fixture_pass: include_str!("../../fixtures/sg/world-https.json"),
    };
}

const PARAMS: &[ParamSpec] = &sg_open::authorized_port_params(DEFAULT_TCP);
