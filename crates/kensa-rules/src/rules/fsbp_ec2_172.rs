//! `fsbp:EC2.172`: EC2 VPC Block Public Access settings should block internet gateway traffic.
use kensa_model::Severity;

use crate::checks::network;
use crate::framework_ids::*;
use crate::params::{ParamKind, ParamSpec};

crate::rule! {
    /// ## What it checks
    /// Regions whose VPC block public access `InternetGatewayBlockMode` is `off` (or, with
    /// `vpcBpaInternetGatewayBlockMode`, not the mode required).
    ///
    /// ## Why it matters
    /// VPC block public access is an account-level guard rail: with it on, no misconfigured
    /// route or security group can open a VPC to the Internet except through explicit
    /// exclusions.
    ///
    /// ## Remediation
    /// `aws ec2 modify-vpc-block-public-access-options --internet-gateway-block-mode
    /// block-bidirectional` (or `block-ingress`), with exclusions for the VPCs that must stay
    /// public.
    pub const FSBP_EC2_172: Rule = Rule {
        id: "fsbp:EC2.172",
        name: "vpc-block-public-access-off",
        framework: FSBP,
        control: "EC2.172",
        title: "EC2 VPC Block Public Access settings should block internet gateway traffic",
        severity: Severity::Medium,
        resource_type: "AwsAccount",
        references: &["https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-172", "https://docs.aws.amazon.com/config/latest/developerguide/ec2-vpc-bpa-internet-gateway-blocked.html"],
        related: &[],
        params: &[ParamSpec { name: "vpcBpaInternetGatewayBlockMode", kind: ParamKind::Choice(&["block-bidirectional", "block-ingress"]), default: None, doc: "The block mode required (any blocking mode when unset)." }],
        check: |ctx, p| network::vpc_block_public_access(ctx, p.get("vpcBpaInternetGatewayBlockMode")),
        restricted_ports: None,
        fixture_fail: include_str!("../../fixtures/vpc-bpa-off.json"),
        fixture_pass: include_str!("../../fixtures/vpc-bpa-bidirectional.json"),
    };
}
