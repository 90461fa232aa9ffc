//! `vpc-block-public-access-off`: EC2 VPC Block Public Access settings should block internet gateway traffic.
use kensa_model::{Severity, ResourceType};

use crate::eval::network;
use crate::params::{ParamKind, ParamSpec};

crate::check! {
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
    pub const CHECK: Check = Check {
        name: "vpc-block-public-access-off",
        title: "EC2 VPC Block Public Access settings should block internet gateway traffic",
        severity: Severity::Medium,
        resource_type: ResourceType::Account,
        params: &[ParamSpec { name: "vpcBpaInternetGatewayBlockMode", kind: ParamKind::Choice(&["block-bidirectional", "block-ingress"]), default: None, doc: "The block mode required (any blocking mode when unset)." }],
        evaluate: |ctx, p| network::vpc_block_public_access(ctx, p.get("vpcBpaInternetGatewayBlockMode")),
        restricted_ports: None,
        fix: None,
        fixtures_fail: &[include_str!("../../fixtures/vpc-bpa-off.json")],
        fixtures_pass: &[include_str!("../../fixtures/vpc-bpa-bidirectional.json")],
    };
}
