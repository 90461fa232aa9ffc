//! Network reachability findings, after Amazon Inspector's network reachability rules
//! package.
//!
//! * `RecognizedPortNoAgent`: a recognised port (see [`crate::ports`]) is reachable. The
//!   engine has no host telemetry, so it cannot tell whether something listens there;
//!   that is Inspector's rule type for an instance without an agent.
//! * `RecognizedPortWithListener` / `RecognizedPortNoListener` /
//!   `UnrecognizedPortWithListener` are not emitted here: kensa-host rewrites these
//!   findings after the engine when listener telemetry exists for the instance.
//! * `NetworkExposure` (Informational): one per ENI and source class, listing every open
//!   protocol and port range, and one per internet-facing load balancer.
//!
//! Interface VPC endpoints are analysed like instances' interfaces; they get the
//! exposure summary only, naming the endpoint: what listens on them is the AWS service.
//!
//! * `IndeterminateExposure` (Medium, kensa's own): exposure through a component kensa
//!   does not evaluate or that the snapshot lacks ([`crate::indeterminate`]).
//!
//! An instance behind an internet-facing load balancer gets the findings of its target
//! port with both hops (listener, then target) in the path.
use kensa_model::{Finding, ResourceRef, ResourceType, Severity};

use crate::engine::Analysis;
use crate::index::Eni;

mod endpoint;
mod eni;
mod facts;
mod lb;
mod sources;
mod stream;
mod text;

pub use stream::{stream, FindingStream};
pub use text::{compact_sources, describe_flows, protocol_name};

/// Rule id of Inspector's finding for one recognised port (SSH, RDP, databases, ...)
/// reachable from a source class, stated from the network configuration alone, without
/// knowing whether anything listens; one per port, none for VPC endpoints.
pub const RULE_NO_AGENT: &str = "RecognizedPortNoAgent";
/// Rule id of the one finding per ENI and source class that sums up its exposure: every
/// open port range, the sources and the gateways they come through.
pub const RULE_EXPOSURE: &str = "NetworkExposure";
/// The network rules with what passing them means (a report's "passed everywhere" line)
/// and the highest severity a failure has; every ENI and load balancer is evaluated.
pub const RULES: [(&str, &str, Severity); 2] = [
    (
        RULE_NO_AGENT,
        "No recognised port is reachable from outside the VPC",
        Severity::High,
    ),
    (
        RULE_EXPOSURE,
        "No network interface or load balancer is exposed outside the VPC",
        Severity::Informational,
    ),
];
const T_LB: &str = "AWS::ElasticLoadBalancingV2::LoadBalancer";

/// Every finding of the analysis, sorted, in one vector: [`stream`] without the
/// streaming, for tests and small snapshots. It sorts the whole set at once, so it is
/// also the reference the streamed order is checked against.
pub fn findings(analysis: &Analysis) -> Vec<Finding> {
    let memo = facts::Memo::default();
    let mut out = Vec::new();
    for source in sources::sources(analysis) {
        source.produce(&memo, analysis, &mut out);
    }
    sort_findings(&mut out);
    out.dedup_by(|a, b| a.id == b.id);
    out
}

type SortKey<'a> = (
    &'a str,
    Option<&'a str>,
    std::cmp::Reverse<Severity>,
    &'a str,
    Option<&'a str>,
    u32,
    &'a str,
);

fn sort_key(f: &Finding) -> SortKey<'_> {
    let attr = |k: &str| f.attributes.get(k).map(String::as_str);
    let port: u32 = attr("PORT_RANGE")
        .and_then(|r| r.split('-').next()?.parse().ok())
        .unwrap_or(0);
    (
        f.resource.id.as_str(),
        attr("REACHABILITY_TYPE"),
        std::cmp::Reverse(f.severity),
        f.rule_id.as_str(),
        attr("PROTOCOL"),
        port,
        f.id.as_str(),
    )
}

/// Sorts by resource, reachability type, severity (worst first), rule, protocol, port
/// and id. The keys borrow from the findings (a scan may hold a million of them), and
/// the order is applied in place.
pub(super) fn sort_findings(out: &mut [Finding]) {
    let mut order: Vec<usize> = (0..out.len()).collect();
    {
        let keys: Vec<_> = out.iter().map(sort_key).collect();
        order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    }
    // Apply the permutation: position i receives finding order[i], cycle by cycle.
    for start in 0..order.len() {
        let mut i = start;
        while order[i] != start {
            let j = order[i];
            out.swap(i, j);
            order[i] = i;
            i = j;
        }
        order[i] = i;
    }
}

/// The id of the resource an ENI's findings are about: its instance, else the ENI.
/// The same id as [`resource`] gives, without building the rest.
pub(crate) fn resource_id<'a>(analysis: &'a Analysis, eni: &'a Eni) -> &'a str {
    let snap = analysis.engine.idx.snap;
    match eni.instance_id.and_then(|i| snap.instances.get(i)) {
        Some(inst) => &inst.instance_id,
        None => eni.instance_id.unwrap_or(&eni.id),
    }
}

pub(crate) fn resource(analysis: &Analysis, eni: &Eni) -> ResourceRef {
    let snap = analysis.engine.idx.snap;
    match eni.instance_id.and_then(|i| snap.instances.get(i)) {
        Some(inst) => ResourceRef {
            resource_type: ResourceType::Instance.asff_name().into(),
            id: inst.instance_id.clone(),
            arn: None,
            account: inst.scope.account.clone(),
            region: inst.scope.region.clone(),
            tags: inst
                .tags
                .iter()
                .map(|t| (t.key.clone(), t.value.clone()))
                .collect(),
        },
        None => {
            let ni = snap.network_interfaces.get(eni.id.as_ref());
            ResourceRef {
                resource_type: if eni.instance_id.is_some() {
                    ResourceType::Instance
                } else {
                    ResourceType::NetworkInterface
                }
                .asff_name()
                .into(),
                id: eni.instance_id.unwrap_or(&eni.id).to_string(),
                arn: None,
                account: ni.map(|n| n.scope.account.clone()).unwrap_or_default(),
                region: ni.map(|n| n.scope.region.clone()).unwrap_or_default(),
                tags: ni
                    .map(|n| {
                        n.tags
                            .iter()
                            .map(|t| (t.key.clone(), t.value.clone()))
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        }
    }
}
