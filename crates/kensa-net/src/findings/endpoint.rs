//! Interface VPC endpoints as scan targets.
//!
//! An interface endpoint is one requester-managed network interface per subnet, with the
//! endpoint's own security groups (AWS, "Access an AWS service using an interface VPC
//! endpoint"). AWS gives those interfaces private addresses only, so nothing reaches them
//! from the Internet; from peered VPCs, over a VPN or Direct Connect gateway and through a
//! transit gateway they are reachable like any interface, which is how on-premises
//! networks and other VPCs use a central endpoint. Their exposure is reported as the
//! interface's `NetworkExposure` finding naming the endpoint. They get no recognised-port
//! findings: what listens on them is the AWS service behind the endpoint, not a process
//! an agent could look for.
use kensa_model::{IdKind, Snapshot};

use crate::index::Eni;

/// The interface type AWS gives the network interfaces of interface endpoints.
const ENDPOINT_INTERFACE: &str = "vpc_endpoint";
/// How AWS describes them: `VPC Endpoint Interface vpce-…`.
const ENDPOINT_DESCRIPTION: &str = "VPC Endpoint Interface ";

/// The interface endpoint `eni` belongs to: the endpoint that lists it, else the one its
/// description names (an endpoint missing from the snapshot). `None` for other ENIs.
pub(crate) fn interface_endpoint<'s>(snap: &'s Snapshot, eni: &Eni<'s>) -> Option<&'s str> {
    if eni.interface_type != Some(ENDPOINT_INTERFACE) {
        return None;
    }
    let listed = snap.vpc_endpoints.values().find(|e| {
        e.network_interface_ids
            .iter()
            .any(|id| id.as_str() == eni.id.as_ref())
    });
    match listed {
        Some(e) => Some(e.vpc_endpoint_id.as_str()),
        None => eni
            .description
            .and_then(|d| d.strip_prefix(ENDPOINT_DESCRIPTION))
            .filter(|id| IdKind::VpcEndpoint.matches(id)),
    }
}
