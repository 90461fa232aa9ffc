//! `tgw-auto-accepts-attachments`: Amazon EC2 Transit Gateways should not automatically accept VPC attachment requests.
use kensa_model::{Severity, ResourceType};

use crate::eval::network;

crate::check! {
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
    pub const CHECK: Check = Check {
        name: "tgw-auto-accepts-attachments",
        title: "Amazon EC2 Transit Gateways should not automatically accept VPC attachment requests",
        severity: Severity::High,
        resource_type: ResourceType::TransitGateway,
        params: &[],
        evaluate: |ctx, _| network::tgw_auto_accept(ctx),
        restricted_ports: None,
        fix: None,
        fixtures_fail: &[include_str!("../../fixtures/tgw-auto-accept.json")],
        fixtures_pass: &[include_str!("../../fixtures/tgw-manual-accept.json")],
    };
}
