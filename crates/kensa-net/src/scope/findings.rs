//! Scope matches as findings: `ScopeMatch` (a path the scope describes exists) and
//! `ScopeIndeterminate` (one may exist past a component kensa does not evaluate).
use std::collections::BTreeMap;

use kensa_model::finding::{
    finding_id, Evidence, Finding, FindingStatus, NetworkPath, NetworkPathEvidence, OpenRange,
    Package, PathStep, Severity,
};
use kensa_model::ports::PortRange;

use crate::engine::Analysis;
use crate::findings::{compact_sources, describe_flows};
use crate::flow::all_sources;
use crate::path::Verdict;

use super::eval::{Axis, End, ScopeMatch};

/// Rule id of a finding for a path the scope matches.
pub const RULE_MATCH: &str = "ScopeMatch";
/// Rule id of a finding for a path the scope may match, past a component kensa does not evaluate.
pub const RULE_INDETERMINATE: &str = "ScopeIndeterminate";

/// How findings are labelled.
#[derive(Debug, Clone)]
pub struct FindingOptions {
    /// The scope's name (its file name), in titles and ids.
    pub scope: String,
    /// Severity of a match; indeterminate matches are Medium at most.
    pub severity: Severity,
}

fn end_name(a: &Analysis, e: &End) -> String {
    match e {
        End::Eni(i) => {
            let eni = &a.engine.idx.enis[*i];
            match eni.instance_id {
                Some(inst) => format!("{inst} ({})", eni.id),
                None => eni.id.to_string(),
            }
        }
        End::Gateway(_, id) => id.clone(),
    }
}

/// The static string for a hop's type (evidence steps borrow one).
fn static_type(t: &str) -> &'static str {
    const TYPES: &[&str] = &[
        "AWS::EC2::Instance",
        "AWS::EC2::NetworkInterface",
        "AWS::EC2::SecurityGroup",
        "AWS::EC2::NetworkAcl",
        "AWS::EC2::RouteTable",
        "AWS::EC2::Subnet",
        "AWS::EC2::InternetGateway",
        "AWS::EC2::NatGateway",
        "AWS::EC2::EgressOnlyInternetGateway",
        "AWS::EC2::VPCPeeringConnection",
        "AWS::EC2::VPNGateway",
        "AWS::EC2::TransitGateway",
        "AWS::EC2::TransitGatewayAttachment",
        "AWS::EC2::TransitGatewayRouteTable",
        "AWS::EC2::VPCEndpoint",
    ];
    TYPES
        .iter()
        .find(|x| **x == t)
        .copied()
        .unwrap_or("unknown")
}

/// One finding per match, sorted by id.
pub fn findings(a: &Analysis, matches: &[ScopeMatch], o: &FindingOptions) -> Vec<Finding> {
    let mut out: Vec<Finding> = matches.iter().map(|m| finding(a, m, o)).collect();
    out.sort_by(|x, y| x.id.cmp(&y.id));
    out.dedup_by(|x, y| x.id == y.id);
    out
}

fn finding(a: &Analysis, m: &ScopeMatch, o: &FindingOptions) -> Finding {
    let eni_index = match (&m.destination, &m.source) {
        (End::Eni(i), _) | (_, End::Eni(i)) => *i,
        _ => unreachable!("every match has an ENI end"),
    };
    let eni = &a.engine.idx.enis[eni_index];
    let resource = crate::findings::resource(a, eni);
    let (src, dst) = (end_name(a, &m.source), end_name(a, &m.destination));
    let ranges = describe_flows(&m.flows);
    let open: Vec<String> = ranges
        .iter()
        .map(|(p, ports)| format!("{p} {ports}"))
        .collect();
    let (cidrs, except) = match m.axis {
        Axis::Fixed => (Vec::new(), Vec::new()),
        _ => compact_sources(&all_sources(&m.flows)),
    };
    let indeterminate = m.verdict == Verdict::Indeterminate;
    let rule = if indeterminate {
        RULE_INDETERMINATE
    } else {
        RULE_MATCH
    };
    let hops: Vec<String> = m.hops.iter().map(|h| h.component_id.clone()).collect();
    let mut attrs = BTreeMap::new();
    attrs.insert("SCOPE".to_string(), o.scope.clone());
    attrs.insert("SCOPE_PATH".to_string(), m.statement.clone());
    attrs.insert("SOURCE".to_string(), src.clone());
    attrs.insert("DESTINATION".to_string(), dst.clone());
    attrs.insert(
        "VERDICT".to_string(),
        format!("{:?}", m.verdict).to_lowercase(),
    );
    attrs.insert("OPEN_PORT_RANGES".to_string(), open.join("; "));
    attrs.insert("PATH".to_string(), hops.join(" > "));
    let addr_key = match m.axis {
        Axis::Source => Some("SOURCE_CIDRS"),
        Axis::Destination => Some("DESTINATION_CIDRS"),
        Axis::Fixed => None,
    };
    if let Some(k) = addr_key {
        attrs.insert(k.to_string(), cidrs.join(","));
        if !except.is_empty() {
            attrs.insert("EXCEPT_CIDRS".to_string(), except.join(","));
        }
    }
    if let Some(r) = &m.reason {
        attrs.insert("REASON".to_string(), r.clone());
    }
    let first = m.flows.segments().first();
    let evidence = NetworkPathEvidence {
        except_cidrs: except,
        network_path: NetworkPath {
            steps: m
                .hops
                .iter()
                .map(|h| PathStep::new(h.component_id.clone(), static_type(&h.component_type)))
                .collect(),
        },
        open_port_range: first
            .and_then(|(_, _, pm)| pm.segments().first())
            .map(|(lo, hi, _)| PortRange { from: *lo, to: *hi })
            .unwrap_or(PortRange::single(0)),
        open_ranges: Some(
            ranges
                .iter()
                .map(|(p, ports)| OpenRange {
                    protocol: p.clone(),
                    ports: ports.clone(),
                })
                .collect(),
        ),
        protocol: ranges.first().map(|r| r.0.clone()).unwrap_or_default(),
        source_cidrs: cidrs,
    };
    let title = if indeterminate {
        format!(
            "{}: {src} -> {dst} may be reachable ({}): cannot tell past {}",
            m.statement,
            open.join("; "),
            hops.last().cloned().unwrap_or_default()
        )
    } else {
        format!(
            "{}: {src} -> {dst} reachable ({})",
            m.statement,
            open.join("; ")
        )
    };
    Finding {
        id: finding_id(rule, &resource.id, &[&o.scope, &m.statement, &src, &dst, &hops.join(",")]),
        package: Package::NetworkReachability,
        rule_id: rule.to_string(),
        title,
        severity: if indeterminate { o.severity.min(Severity::Medium) } else { o.severity },
        description: format!(
            "Scope {} ({}) matches a path from {src} to {dst} through {} for {}.{}",
            o.scope,
            m.statement,
            hops.join(" > "),
            open.join("; "),
            m.reason.as_ref().map(|r| format!(" {r}.")).unwrap_or_default()
        ),
        recommendation: if indeterminate {
            "Check the rules of the component kensa cannot evaluate, or collect it into the snapshot; if the path must not exist, close it at the security groups or route tables named in the path.".into()
        } else {
            "If this path must not exist, remove the security group rule, network ACL entry or route that lets it through (the path names them); otherwise add it to the scope's ExcludePaths.".into()
        },
        resource,
        attributes: attrs,
        evidence: Some(Evidence::NetworkPath(evidence)),
        compliance: Vec::new(),
        references: vec!["https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/what-is-network-access-analyzer.html".into()],
        first_seen: None,
        last_seen: None,
        status: FindingStatus::Active,
    }
}
