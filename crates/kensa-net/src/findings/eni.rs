//! The findings of one ENI's exposure: recognised ports and the exposure summary.
use std::collections::BTreeMap;

use kensa_model::finding::{NetworkPath, NetworkPathEvidence, OpenRange, PathStep};
use kensa_model::ports::PortRange;
use kensa_model::{finding_id, Evidence, Finding, Package, ResourceRef, Severity};

use super::endpoint::interface_endpoint;
use super::facts::{ExposureFacts, Memo, PortFacts};
use super::text::{class_words, protocol_name, range_text, source_words};
use super::{resource, RULE_EXPOSURE, RULE_NO_AGENT, T_LB};
use crate::engine::{Analysis, EniReach, Exposure, SourceClass};
use crate::flow::FlowSet;
use crate::index::Eni;

pub(super) struct Ctx<'a> {
    pub(super) memo: &'a Memo,
    pub(super) class: SourceClass,
    pub(super) eni: &'a Eni<'a>,
    pub(super) reach: &'a EniReach,
    pub(super) gateways: Vec<String>,
    /// The interface endpoint the ENI belongs to, if it is one's.
    pub(super) endpoint: Option<&'a str>,
}

pub(super) fn steps(c: &Ctx, sgs: &[String], lb: Option<(&str, &str)>) -> Vec<PathStep> {
    let gw_type = match c.class {
        SourceClass::Internet => "AWS::EC2::InternetGateway",
        SourceClass::PeeredVPC => "AWS::EC2::VPCPeeringConnection",
        SourceClass::VGW => "AWS::EC2::VPNGateway",
        SourceClass::TGW => "AWS::EC2::TransitGateway",
    };
    let mut s = Vec::with_capacity(c.gateways.len() + sgs.len() + 6);
    for g in &c.gateways {
        s.push(PathStep::new(g.as_str(), gw_type));
    }
    if let Some((lb, listener)) = lb {
        s.push(PathStep::new(lb, T_LB));
        s.push(PathStep::new(
            listener,
            "AWS::ElasticLoadBalancingV2::Listener",
        ));
    }
    if let Some(rt) = &c.reach.route_table {
        s.push(PathStep::new(rt.as_str(), "AWS::EC2::RouteTable"));
    }
    if let Some(acl) = &c.reach.acl {
        s.push(PathStep::new(acl.as_str(), "AWS::EC2::NetworkAcl"));
    }
    for g in sgs {
        s.push(PathStep::new(g.as_str(), "AWS::EC2::SecurityGroup"));
    }
    s.push(PathStep::new(
        c.eni.id.as_ref(),
        "AWS::EC2::NetworkInterface",
    ));
    if let Some(i) = c.eni.instance_id {
        s.push(PathStep::new(i, "AWS::EC2::Instance"));
    }
    if let Some(e) = c.endpoint {
        s.push(PathStep::new(e, "AWS::EC2::VPCEndpoint"));
    }
    s
}

pub(super) fn base_attributes(c: &Ctx, rule: &str) -> BTreeMap<String, String> {
    let mut a = BTreeMap::new();
    a.insert("REACHABILITY_TYPE".into(), c.class.as_str().into());
    a.insert("RULE_TYPE".into(), rule.into());
    a.insert("ENI".into(), c.eni.id.to_string());
    a.insert("VPC".into(), c.reach.vpc_id.clone());
    a.insert("SUBNET".into(), c.reach.subnet_id.clone());
    if let Some(i) = &c.eni.instance_id {
        a.insert("INSTANCE_ID".into(), i.to_string());
    }
    if let Some(e) = c.endpoint {
        a.insert("VPC_ENDPOINT".into(), e.to_string());
    }
    if let Some(acl) = &c.reach.acl {
        a.insert("ACL".into(), acl.clone());
    }
    if let Some(rt) = &c.reach.route_table {
        a.insert("ROUTE_TABLE".into(), rt.clone());
    }
    if !c.gateways.is_empty() {
        a.insert(c.class.gateway_attribute().into(), c.gateways.join(","));
    }
    a
}

/// One recognised-port finding. `resource` is the ENI's (looked up once per ENI).
pub(super) fn port_finding(
    resource: &ResourceRef,
    c: &Ctx,
    rule: &str,
    f: &PortFacts,
    lb: Option<(&str, &str)>,
) -> Finding {
    let (proto, lo, hi, service) = (f.proto, f.lo, f.hi, f.service);
    let mut attrs = base_attributes(c, rule);
    attrs.insert("PROTOCOL".into(), protocol_name(proto));
    if lo == hi {
        attrs.insert("PORT".into(), lo.to_string());
    }
    attrs.insert("PORT_RANGE".into(), range_text(lo, hi));
    attrs.insert("SERVICE".into(), service.into());
    attrs.insert("SECURITY_GROUP".into(), f.sgs.join(","));
    if let Some((lb_id, listener)) = lb {
        attrs.insert("ELB".into(), lb_id.into());
        attrs.insert("LISTENER".into(), listener.into());
    }
    let via = lb
        .map(|(l, _)| format!(" through load balancer {l}"))
        .unwrap_or_default();
    let resource = resource.clone();
    let title = format!(
        "{service} port {} ({}) is reachable from {}{via}",
        range_text(lo, hi),
        protocol_name(proto),
        class_words(c.class)
    );
    let description = format!(
        "On {} (ENI {}), {} port {} ({service}) can be reached from {}{via}, from {}. Without an agent kensa cannot tell whether a process listens on it.",
        resource.id,
        c.eni.id,
        protocol_name(proto),
        range_text(lo, hi),
        class_words(c.class),
        source_words(&f.cidrs, &f.except),
    );
    let disc = [
        protocol_name(proto),
        range_text(lo, hi),
        c.class.as_str().to_string(),
        lb.map(|l| l.1.to_string()).unwrap_or_default(),
    ];
    let disc: Vec<&str> = disc.iter().map(String::as_str).collect();
    Finding {
        id: finding_id(rule, &c.eni.id, &disc),
        package: Package::NetworkReachability,
        rule_id: rule.into(),
        title,
        severity: f.severity,
        description,
        recommendation: f.recommendation.clone(),
        resource,
        attributes: attrs,
        evidence: Some(Evidence::NetworkPath(NetworkPathEvidence {
            network_path: NetworkPath {
                steps: steps(c, &f.sgs, lb),
            },
            open_port_range: PortRange { from: lo, to: hi },
            open_ranges: None,
            protocol: protocol_name(proto),
            source_cidrs: f.cidrs.clone(),
            except_cidrs: f.except.clone(),
        })),
        compliance: Vec::new(),
        references: vec!["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_network-reachability.html".into()],
        first_seen: None,
        last_seen: None,
        status: Default::default(),
    }
}

pub(super) fn ctx<'a>(
    memo: &'a Memo,
    analysis: &'a Analysis,
    r: &'a EniReach,
    x: &Exposure,
) -> Ctx<'a> {
    let eni = &analysis.engine.idx.enis[r.eni_index];
    Ctx {
        memo,
        class: x.class,
        eni,
        reach: r,
        gateways: x.gateways.iter().map(|g| g.0.clone()).collect(),
        endpoint: interface_endpoint(analysis.engine.idx.snap, eni),
    }
}

pub(super) fn eni_findings(
    memo: &Memo,
    analysis: &Analysis,
    r: &EniReach,
    x: &Exposure,
    facts: &ExposureFacts,
    out: &mut Vec<Finding>,
) {
    let c = ctx(memo, analysis, r, x);
    let res = resource(analysis, c.eni);
    // An endpoint's listener is the AWS service: no recognised-port findings.
    if c.endpoint.is_none() {
        for f in &facts.ports {
            out.push(port_finding(&res, &c, RULE_NO_AGENT, f, None));
        }
    }
    out.push(exposure_finding(res, &c, &x.flows, facts));
}

pub(super) fn exposure_finding(
    resource: ResourceRef,
    c: &Ctx,
    flows: &FlowSet,
    f: &ExposureFacts,
) -> Finding {
    let desc = &f.desc;
    let open: Vec<String> = desc.iter().map(|(p, r)| format!("{p} {r}")).collect();
    let (sources, except) = (&f.sources, &f.except);
    let mut attrs = base_attributes(c, RULE_EXPOSURE);
    attrs.insert("SECURITY_GROUP".into(), c.reach.groups.join(","));
    attrs.insert("OPEN_PORT_RANGES".into(), open.join("; "));
    let first_range = flows
        .segments()
        .first()
        .and_then(|(p, _, pm)| pm.segments().first().map(|s| (*p, s.0, s.1)))
        .unwrap_or((0, 0, 0));
    Finding {
        id: finding_id(RULE_EXPOSURE, &c.eni.id, &[c.class.as_str()]),
        package: Package::NetworkReachability,
        rule_id: RULE_EXPOSURE.into(),
        title: match c.endpoint {
            Some(e) => format!("Interface endpoint {e} (ENI {}) is reachable from {}", c.eni.id, class_words(c.class)),
            None => format!("{} (ENI {}) is reachable from {}", resource.id, c.eni.id, class_words(c.class)),
        },
        severity: Severity::Informational,
        description: format!(
            "Open from {}: {}. Sources: {}.",
            class_words(c.class),
            open.join("; "),
            source_words(sources, except),
        ),
        recommendation: f.recommendation.clone(),
        resource,
        attributes: attrs,
        evidence: Some(Evidence::NetworkPath(NetworkPathEvidence {
            network_path: NetworkPath {
                steps: steps(c, &c.reach.groups, None),
            },
            open_port_range: PortRange {
                from: first_range.1,
                to: first_range.2,
            },
            protocol: protocol_name(first_range.0),
            open_ranges: Some(
                desc.iter()
                    .map(|(p, r)| OpenRange {
                        protocol: p.clone(),
                        ports: r.clone(),
                    })
                    .collect(),
            ),
            source_cidrs: sources.clone(),
            except_cidrs: except.clone(),
        })),
        compliance: Vec::new(),
        references: vec!["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_network-reachability.html".into()],
        first_seen: None,
        last_seen: None,
        status: Default::default(),
    }
}
