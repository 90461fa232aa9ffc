//! `fsbp:EC2.23`: Amazon EC2 Transit Gateways should not automatically accept VPC attachment requests.
use kensa_model::Severity;

use crate::checks::network;
use crate::framework_ids::*;

crate::rule! {
    /// ## What it checks
    /// Transit gateways with `AutoAcceptSharedAttachments = enable`.
    ///
    /// ## Why it matters
    /// Any account the gateway is shared with can then attach a VPC and route into the network
    /// without review.
    ///
    /// ## Remediation
    /// `aws ec2 modify-transit-gateway --transit-gateway-id <id> --options
    /// AutoAcceptSharedAttachments=disable`.
    pub const FSBP_EC2_23: Rule = Rule {
        id: "fsbp:EC2.23",
        name: "tgw-auto-accepts-attachments",
        framework: FSBP,
        control: "EC2.23",
        title: "Amazon EC2 Transit Gateways should not automatically accept VPC attachment requests",
        severity: Severity::High,
        resource_type: "AwsEc2TransitGateway",
        references: &["https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-23", "https://docs.aws.amazon.com/config/latest/developerguide/ec2-transit-gateway-auto-vpc-attach-disabled.html"],
        related: &[],
        params: &[],
        check: |ctx, _| network::tgw_auto_accept(ctx),
        restricted_ports: None,
        fixture_fail: include_str!("../../fixtures/tgw-auto-accept.json"),
        fixture_pass: include_str!("../../fixtures/tgw-manual-accept.json"),
    };
}
