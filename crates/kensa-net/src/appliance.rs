//! Components kensa does not evaluate, and what passes them: Gateway Load Balancer and
//! Network Firewall endpoints (in route tables, and in edge route tables for ingress
//! routing), unknown route targets. Traffic through them is indeterminate: neither
//! reachable nor blocked, reported so a person looks at it. Gateway endpoints (S3,
//! DynamoDB) are evaluated: they carry no inbound traffic.
use std::rc::Rc;

use kensa_model::block_code::BlockCode;
use kensa_model::{IdKind, Snapshot};

use crate::flow::FlowSet;
use crate::index::Index;
use crate::rangeset::AddrSet;
use crate::rules::Target;

/// Traffic that passes a component kensa does not evaluate (a Gateway Load Balancer or
/// Network Firewall endpoint, an unknown route target) or that depends on one the
/// snapshot does not hold (a missing security group): exposure that is neither known
/// nor ruled out, reported for a person to look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unevaluated {
    /// The id of the component (`vpce-…`, `eni-…`, a route target, `sg-…`) kensa stopped at.
    pub component: String,
    /// Its CloudFormation-style resource type (`AWS::EC2::VPCEndpoint`, …), or `unknown`.
    pub component_type: &'static str,
    /// Why the verdict is open, as Reachability Analyzer would code it.
    pub code: BlockCode,
    /// One sentence for the finding: which component, and why kensa cannot see past it.
    pub reason: String,
    /// The source addresses concerned.
    pub sources: AddrSet,
}

/// What reaches one ENI through an unevaluated component.
#[derive(Debug, Clone)]
pub struct IndeterminateExposure {
    /// The component and the sources whose traffic passes it.
    pub unevaluated: Unevaluated,
    /// Flows the parts kensa does evaluate (groups, ACL) let through.
    pub flows: Rc<FlowSet>,
}

/// Ingress routing: the appliance (GWLB or Network Firewall endpoint, ENI) that the
/// route table associated with gateway `gw` (an edge association) sends traffic for
/// `addr` to, if any.
pub(crate) fn ingress_appliance(
    idx: &Index,
    gw: &str,
    addr: Option<std::net::IpAddr>,
) -> Option<String> {
    let addr = addr?;
    idx.edge_route_tables
        .get(gw)?
        .iter()
        .filter_map(|id| idx.snap.route_tables.get(id))
        .find_map(|rt| match crate::packet::route_lookup(idx, rt, addr)?.1 {
            Target::Other(x) if !x.is_empty() => Some(x),
            _ => None,
        })
}

/// Whether `target` is a gateway endpoint (S3, DynamoDB): it carries only traffic to the
/// service, which never opens connections into the VPC. Known from the snapshot's
/// endpoint, or, for an endpoint the snapshot lacks, from a route to it for an AWS
/// service prefix list. A customer-managed list may route to a firewall or Gateway Load
/// Balancer endpoint just as well, so it proves nothing: the endpoint stays unevaluated.
pub(crate) fn gateway_endpoint(
    snap: &Snapshot,
    rt: &kensa_model::ec2::RouteTable,
    target: &str,
) -> bool {
    if IdKind::detect(target) != Some(IdKind::VpcEndpoint) {
        return false;
    }
    match snap.vpc_endpoints.get(target) {
        Some(e) => e.vpc_endpoint_type.as_deref() == Some("Gateway"),
        None => rt.routes.iter().any(|r| {
            r.gateway_id.as_deref() == Some(target)
                && r.destination_prefix_list_id
                    .as_deref()
                    .and_then(|id| snap.prefix_lists.get(id))
                    .is_some_and(is_service_prefix_list)
        }),
    }
}

/// An AWS-managed service prefix list (`com.amazonaws.<region>.s3`, owner `AWS`): the
/// destination of a gateway endpoint's routes.
fn is_service_prefix_list(pl: &kensa_model::gateway::PrefixList) -> bool {
    pl.owner_id.as_deref() == Some("AWS")
        || pl
            .prefix_list_name
            .as_deref()
            .is_some_and(|n| n.starts_with("com.amazonaws."))
}

/// Sources whose return route leads to `target`, a component kensa does not evaluate.
pub(crate) fn unevaluated_route(snap: &Snapshot, target: &str, sources: AddrSet) -> Unevaluated {
    if IdKind::detect(target) == Some(IdKind::VpcEndpoint) {
        let kind = snap
            .vpc_endpoints
            .get(target)
            .and_then(|e| e.vpc_endpoint_type.clone())
            .unwrap_or_else(|| "Network Firewall or Gateway Load Balancer".into());
        return Unevaluated {
            component: target.to_string(),
            component_type: "AWS::EC2::VPCEndpoint",
            code: BlockCode::UnevaluatedAppliance,
            reason: format!("traffic to and from these sources passes endpoint {target} ({kind} endpoint); kensa does not evaluate the appliance's rules"),
            sources,
        };
    }
    let reason = if target == crate::rules::UNNAMED_TARGET {
        "the route back to these sources names a target kensa does not read (a route target newer than kensa)".to_string()
    } else {
        format!("the route back to these sources leads to `{target}`, a target kensa does not evaluate (instance, ENI, local or carrier gateway, Cloud WAN)")
    };
    Unevaluated {
        component: target.to_string(),
        component_type: "unknown",
        code: BlockCode::UnknownRouteTarget,
        reason,
        sources,
    }
}
