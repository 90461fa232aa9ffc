//! Network reachability findings, after Amazon Inspector's network reachability rules
//! package.
//!
//! * `RecognizedPortNoAgent`: a recognised port (see [`crate::ports`]) is reachable. kensa
//!   has no host telemetry yet, so it cannot tell whether something listens there; that
//!   is Inspector's rule type for an instance without an agent.
//! * `RecognizedPortWithListener` / `RecognizedPortNoListener` /
//!   `UnrecognizedPortWithListener` need listener telemetry and are not emitted yet.
//! * `NetworkExposure` (Informational): one per ENI and source class, listing every open
//!   protocol and port range, and one per internet-facing load balancer.
//!
//! An instance behind an internet-facing load balancer gets the findings of its target
//! port with both hops (listener, then target) in the path.
use std::collections::BTreeMap;

use kensa_model::{finding_id, Evidence, Finding, Package, ResourceRef, Severity};
use serde_json::json;

use crate::engine::{Analysis, EniReach, Exposure, LbReach, SourceClass};
use crate::flow::{cube, FlowSet, Lattice, ICMP, ICMPV6, TCP, UDP};
use crate::index::Eni;
use crate::ports::{severity_for, RECOGNIZED};
use crate::rangeset::{AddrSet, RangeSet};

pub const RULE_NO_AGENT: &str = "RecognizedPortNoAgent";
pub const RULE_EXPOSURE: &str = "NetworkExposure";

/// Inspector's protocol names.
pub fn protocol_name(p: u8) -> String {
    match p {
        TCP => "TCP".into(),
        UDP => "UDP".into(),
        ICMP => "ICMP".into(),
        ICMPV6 => "ICMPV6".into(),
        n => n.to_string(),
    }
}

fn range_text(lo: u16, hi: u16) -> String {
    if lo == hi {
        lo.to_string()
    } else {
        format!("{lo}-{hi}")
    }
}

/// Every finding of the analysis, sorted.
pub fn findings(analysis: &Analysis) -> Vec<Finding> {
    let mut out = Vec::new();
    for r in &analysis.enis {
        for x in r.exposures.iter() {
            eni_findings(analysis, r, x, &mut out);
        }
    }
    let by_eni: std::collections::HashMap<usize, &EniReach> =
        analysis.enis.iter().map(|r| (r.eni_index, r)).collect();
    for lb in &analysis.load_balancers {
        lb_findings(analysis, lb, &by_eni, &mut out);
    }
    out.sort_by_cached_key(|f| {
        let port: u32 = f
            .attributes
            .get("PORT_RANGE")
            .and_then(|r| r.split('-').next()?.parse().ok())
            .unwrap_or(0);
        (
            f.resource.id.clone(),
            f.attributes.get("REACHABILITY_TYPE").cloned(),
            std::cmp::Reverse(f.severity),
            f.rule_id.clone(),
            f.attributes.get("PROTOCOL").cloned(),
            port,
            f.id.clone(),
        )
    });
    out.dedup_by(|a, b| a.id == b.id);
    out
}

fn resource(analysis: &Analysis, eni: &Eni) -> ResourceRef {
    let snap = analysis.engine.idx.snap;
    match eni
        .instance_id
        .as_deref()
        .and_then(|i| snap.instances.get(i))
    {
        Some(inst) => ResourceRef {
            resource_type: "AwsEc2Instance".into(),
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
            let ni = snap.network_interfaces.get(&eni.id);
            ResourceRef {
                resource_type: if eni.instance_id.is_some() {
                    "AwsEc2Instance"
                } else {
                    "AwsEc2NetworkInterface"
                }
                .into(),
                id: eni.instance_id.clone().unwrap_or_else(|| eni.id.clone()),
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

/// The rules of the ENI's groups that admit (proto, [lo, hi], sources), described.
fn admitting_rules(analysis: &Analysis, groups: &[String], wanted: &FlowSet) -> Vec<String> {
    let mut out = Vec::new();
    for g in groups {
        for r in analysis.engine.group(g).rules.iter().filter(|r| !r.egress) {
            if r.flows.intersect(wanted).is_empty() {
                continue;
            }
            let ports = match (r.from_port, r.to_port) {
                (Some(f), Some(t)) if f != -1 => format!(" {f}-{t}"),
                _ => String::new(),
            };
            let proto = if r.protocol == "-1" {
                "all traffic".to_string()
            } else {
                r.protocol.clone()
            };
            out.push(match &r.rule_id {
                Some(id) => format!(
                    "{} rule {id} ({proto}{ports} from {})",
                    r.group_id, r.source
                ),
                None => format!(
                    "{} inbound rule ({proto}{ports} from {})",
                    r.group_id, r.source
                ),
            });
        }
    }
    out
}

struct Ctx<'a> {
    class: SourceClass,
    eni: &'a Eni,
    reach: &'a EniReach,
    gateways: Vec<String>,
}

fn steps(c: &Ctx, sgs: &[String], lb: Option<(&str, &str)>) -> Vec<serde_json::Value> {
    let gw_type = match c.class {
        SourceClass::Internet => "AWS::EC2::InternetGateway",
        SourceClass::PeeredVPC => "AWS::EC2::VPCPeeringConnection",
        SourceClass::VGW => "AWS::EC2::VPNGateway",
        SourceClass::TGW => "AWS::EC2::TransitGateway",
    };
    let mut s = Vec::new();
    for g in &c.gateways {
        s.push(json!({"componentId": g, "componentType": gw_type}));
    }
    if let Some((lb, listener)) = lb {
        s.push(json!({"componentId": lb, "componentType": "AWS::ElasticLoadBalancingV2::LoadBalancer"}));
        s.push(json!({"componentId": listener, "componentType": "AWS::ElasticLoadBalancingV2::Listener"}));
    }
    if let Some(rt) = &c.reach.route_table {
        s.push(json!({"componentId": rt, "componentType": "AWS::EC2::RouteTable"}));
    }
    if let Some(acl) = &c.reach.acl {
        s.push(json!({"componentId": acl, "componentType": "AWS::EC2::NetworkAcl"}));
    }
    for g in sgs {
        s.push(json!({"componentId": g, "componentType": "AWS::EC2::SecurityGroup"}));
    }
    s.push(json!({"componentId": c.eni.id, "componentType": "AWS::EC2::NetworkInterface"}));
    if let Some(i) = &c.eni.instance_id {
        s.push(json!({"componentId": i, "componentType": "AWS::EC2::Instance"}));
    }
    s
}

fn base_attributes(c: &Ctx, rule: &str) -> BTreeMap<String, String> {
    let mut a = BTreeMap::new();
    a.insert("REACHABILITY_TYPE".into(), c.class.as_str().into());
    a.insert("RULE_TYPE".into(), rule.into());
    a.insert("ENI".into(), c.eni.id.clone());
    a.insert("VPC".into(), c.reach.vpc_id.clone());
    a.insert("SUBNET".into(), c.reach.subnet_id.clone());
    if let Some(i) = &c.eni.instance_id {
        a.insert("INSTANCE_ID".into(), i.clone());
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

/// One recognised-port finding.
#[allow(clippy::too_many_arguments)]
fn port_finding(
    analysis: &Analysis,
    c: &Ctx,
    rule: &str,
    service: &str,
    severity: Severity,
    proto: u8,
    lo: u16,
    hi: u16,
    sources: &AddrSet,
    lb: Option<(&str, &str)>,
) -> Finding {
    let wanted = cube(proto, proto, lo, hi, sources.clone());
    // Through a load balancer the target admits the load balancer, not the clients:
    // name the target's rules for the target port whatever their source.
    let wanted_sg = if lb.is_some() {
        cube(proto, proto, lo, hi, AddrSet::full())
    } else {
        wanted
    };
    let rules = admitting_rules(analysis, &c.reach.groups, &wanted_sg);
    let sgs: Vec<String> = c
        .reach
        .groups
        .iter()
        .filter(|g| rules.iter().any(|r| r.starts_with(g.as_str())))
        .cloned()
        .collect();
    let mut attrs = base_attributes(c, rule);
    attrs.insert("PROTOCOL".into(), protocol_name(proto));
    if lo == hi {
        attrs.insert("PORT".into(), lo.to_string());
    }
    attrs.insert("PORT_RANGE".into(), range_text(lo, hi));
    attrs.insert("SERVICE".into(), service.into());
    attrs.insert("SECURITY_GROUP".into(), sgs.join(","));
    if let Some((lb_id, listener)) = lb {
        attrs.insert("ELB".into(), lb_id.into());
        attrs.insert("LISTENER".into(), listener.into());
    }
    let (cidrs, except) = compact_sources(sources);
    let via = lb
        .map(|(l, _)| format!(" through load balancer {l}"))
        .unwrap_or_default();
    let resource = resource(analysis, c.eni);
    let title = format!(
        "{service} port {} ({}) is reachable from {}{via}",
        range_text(lo, hi),
        protocol_name(proto),
        class_words(c.class)
    );
    let description = format!(
        "On {} (ENI {}), {} port {} ({service}) can be reached from {}{via}, from {}{}. Without an agent kensa cannot tell whether a process listens on it.",
        resource.id,
        c.eni.id,
        protocol_name(proto),
        range_text(lo, hi),
        class_words(c.class),
        abbreviate(&cidrs),
        if except.is_empty() { String::new() } else { format!(" except {}", abbreviate(&except)) },
    );
    let recommendation = recommendation(c, &rules, lb.is_some());
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
        severity,
        description,
        recommendation,
        resource,
        attributes: attrs,
        evidence: Some(Evidence::NetworkPath(json!({
            "networkPath": {"steps": steps(c, &sgs, lb)},
            "openPortRange": {"begin": lo, "end": hi},
            "protocol": protocol_name(proto),
            "sourceCidrs": cidrs,
            "exceptCidrs": except,
        }))),
        compliance: Vec::new(),
        references: vec!["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_network-reachability.html".into()],
        first_seen: None,
        last_seen: None,
        status: Default::default(),
    }
}

/// The source addresses for display, exact and short: either the CIDR list itself, or,
/// when shorter, whole address families (`0.0.0.0/0`, `::/0`) with the exceptions
/// (typically the VPC's own CIDR, which routes locally): sources = `sourceCidrs` minus
/// `exceptCidrs`.
pub fn compact_sources(sources: &AddrSet) -> (Vec<String>, Vec<String>) {
    let exact = sources.to_cidrs();
    let mut families = AddrSet::empty();
    if !sources.v4.is_empty() {
        families = families.union(&AddrSet::all_v4());
    }
    if !sources.v6.is_empty() {
        families = families.union(&AddrSet::all_v6());
    }
    let except = families.difference(sources).to_cidrs();
    let fam = families.to_cidrs();
    if fam.len() + except.len() < exact.len() {
        (fam, except)
    } else {
        (exact, Vec::new())
    }
}

fn class_words(c: SourceClass) -> &'static str {
    match c {
        SourceClass::Internet => "the Internet",
        SourceClass::PeeredVPC => "a peered VPC",
        SourceClass::VGW => "a VPN/Direct Connect gateway",
        SourceClass::TGW => "a transit gateway",
    }
}

fn abbreviate(cidrs: &[String]) -> String {
    if cidrs.len() <= 5 {
        cidrs.join(", ")
    } else {
        format!("{}, ... ({} more)", cidrs[..5].join(", "), cidrs.len() - 5)
    }
}

fn recommendation(c: &Ctx, rules: &[String], via_lb: bool) -> String {
    let mut s = String::new();
    if rules.is_empty() {
        s.push_str("Review the security groups of the ENI. ");
    } else if via_lb {
        s.push_str(&format!(
            "The target admits the load balancer through {}; restrict the load balancer's listener or its security group, or deregister the target, if this service must not face {}. ",
            rules.join("; "),
            class_words(c.class)
        ));
    } else {
        s.push_str(&format!(
            "Remove or narrow the source of: {}. ",
            rules.join("; ")
        ));
    }
    if let Some(acl) = &c.reach.acl {
        s.push_str(&format!(
            "Alternatively deny it in network ACL {acl} (inbound). "
        ));
    }
    if !c.gateways.is_empty() {
        let rt = c
            .reach
            .route_table
            .as_deref()
            .unwrap_or("the subnet's route table");
        s.push_str(&format!(
            "The return route in {rt} goes through {}.",
            c.gateways.join(", ")
        ));
    }
    s.trim_end().to_string()
}

/// Open ports of `proto` within [lo, hi] in a flow set, with their sources.
fn open_in(flows: &FlowSet, proto: u8, lo: u16, hi: u16) -> Vec<(u16, u16, AddrSet)> {
    let Some(pm) = flows.get(proto) else {
        return Vec::new();
    };
    let mut v: Vec<(u16, u16, AddrSet)> = Vec::new();
    for (a, b, addrs) in pm.segments() {
        let (a, b) = ((*a).max(lo), (*b).min(hi));
        if a > b {
            continue;
        }
        match v.last_mut() {
            // Join contiguous segments into one range (sources merged).
            Some(last) if last.1.checked_add(1) == Some(a) => {
                last.1 = b;
                last.2 = last.2.union(addrs);
            }
            _ => v.push((a, b, addrs.clone())),
        }
    }
    v
}

fn eni_findings(analysis: &Analysis, r: &EniReach, x: &Exposure, out: &mut Vec<Finding>) {
    let eni = &analysis.engine.idx.enis[r.eni_index];
    let c = Ctx {
        class: x.class,
        eni,
        reach: r,
        gateways: x.gateways.iter().map(|g| g.0.clone()).collect(),
    };
    for port in RECOGNIZED {
        for (lo, hi, sources) in open_in(&x.flows, port.protocol, port.from, port.to) {
            let sev = severity_for(port, x.class == SourceClass::Internet);
            out.push(port_finding(
                analysis,
                &c,
                RULE_NO_AGENT,
                port.service,
                sev,
                port.protocol,
                lo,
                hi,
                &sources,
                None,
            ));
        }
    }
    out.push(exposure_finding(analysis, &c, &x.flows));
}

/// Describes a flow set as `TCP 22, 80-443; UDP 53; ALL` lines.
pub fn describe_flows(flows: &FlowSet) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (plo, phi, pm) in flows.segments() {
        let proto = if plo == phi {
            protocol_name(*plo)
        } else if (*plo, *phi) == (0, 255) {
            "ALL".into()
        } else {
            format!("{plo}-{phi}")
        };
        let ports: RangeSet<u16> = RangeSet::from_ranges(pm.segments().iter().map(|s| (s.0, s.1)));
        let text = if ports.is_full() || (plo == phi && !crate::flow::has_ports(*plo)) {
            "all".to_string()
        } else {
            ports
                .ranges()
                .iter()
                .map(|(a, b)| range_text(*a, *b))
                .collect::<Vec<_>>()
                .join(",")
        };
        out.push((proto, text));
    }
    out
}

fn exposure_finding(analysis: &Analysis, c: &Ctx, flows: &FlowSet) -> Finding {
    let desc = describe_flows(flows);
    let open: Vec<String> = desc.iter().map(|(p, r)| format!("{p} {r}")).collect();
    let (sources, except) = compact_sources(&crate::flow::all_sources(flows));
    let mut attrs = base_attributes(c, RULE_EXPOSURE);
    attrs.insert("SECURITY_GROUP".into(), c.reach.groups.join(","));
    attrs.insert("OPEN_PORT_RANGES".into(), open.join("; "));
    let resource = resource(analysis, c.eni);
    let first_range = flows
        .segments()
        .first()
        .and_then(|(p, _, pm)| pm.segments().first().map(|s| (*p, s.0, s.1)))
        .unwrap_or((0, 0, 0));
    let rules = admitting_rules(analysis, &c.reach.groups, flows);
    Finding {
        id: finding_id(RULE_EXPOSURE, &c.eni.id, &[c.class.as_str()]),
        package: Package::NetworkReachability,
        rule_id: RULE_EXPOSURE.into(),
        title: format!("{} (ENI {}) is reachable from {}", resource.id, c.eni.id, class_words(c.class)),
        severity: Severity::Informational,
        description: format!(
            "Open from {}: {}. Sources: {}{}.",
            class_words(c.class),
            open.join("; "),
            abbreviate(&sources),
            if except.is_empty() { String::new() } else { format!(" except {}", abbreviate(&except)) },
        ),
        recommendation: recommendation(c, &rules, false),
        resource,
        attributes: attrs,
        evidence: Some(Evidence::NetworkPath(json!({
            "networkPath": {"steps": steps(c, &c.reach.groups, None)},
            "openPortRange": {"begin": first_range.1, "end": first_range.2},
            "protocol": protocol_name(first_range.0),
            "openRanges": desc.iter().map(|(p, r)| json!({"protocol": p, "ports": r})).collect::<Vec<_>>(),
            "sourceCidrs": sources,
            "exceptCidrs": except,
        }))),
        compliance: Vec::new(),
        references: vec!["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_network-reachability.html".into()],
        first_seen: None,
        last_seen: None,
        status: Default::default(),
    }
}

fn lb_findings(
    analysis: &Analysis,
    lb: &LbReach,
    by_eni: &std::collections::HashMap<usize, &EniReach>,
    out: &mut Vec<Finding>,
) {
    if lb.listeners.is_empty() {
        return;
    }
    let idx = &analysis.engine.idx;
    let open: Vec<String> = lb
        .listeners
        .iter()
        .map(|l| format!("{} {}", l.protocol, l.port))
        .collect();
    let sources = lb.listeners.iter().fold(AddrSet::empty(), |a, l| {
        a.union(&crate::flow::all_sources(&l.flows))
    });
    let mut attrs = BTreeMap::new();
    attrs.insert("REACHABILITY_TYPE".to_string(), "Internet".to_string());
    attrs.insert("RULE_TYPE".into(), RULE_EXPOSURE.into());
    attrs.insert("ELB".into(), lb.lb.id.clone());
    attrs.insert(
        "LISTENER".into(),
        lb.listeners
            .iter()
            .map(|l| l.listener_id.clone())
            .collect::<Vec<_>>()
            .join(","),
    );
    attrs.insert("SECURITY_GROUP".into(), lb.lb.security_groups.join(","));
    attrs.insert("IGW".into(), lb.igws.join(","));
    attrs.insert("OPEN_PORT_RANGES".into(), open.join("; "));
    if let Some(v) = &lb.lb.vpc_id {
        attrs.insert("VPC".into(), v.clone());
    }
    let (account, region) = lb_scope(analysis, lb);
    let first = &lb.listeners[0];
    out.push(Finding {
        id: finding_id(RULE_EXPOSURE, &lb.lb.id, &["Internet"]),
        package: Package::NetworkReachability,
        rule_id: RULE_EXPOSURE.into(),
        title: format!("Load balancer {} is reachable from the Internet on {}", lb.lb.name, open.join(", ")),
        severity: Severity::Informational,
        description: {
            let (src, except) = compact_sources(&sources);
            let except = if except.is_empty() { String::new() } else { format!(" except {}", abbreviate(&except)) };
            format!("Internet-facing load balancer {} accepts {} from {}{except}.", lb.lb.name, open.join(", "), abbreviate(&src))
        },
        recommendation: "Confirm that every listener is meant to be public; restrict the load balancer's security groups otherwise.".into(),
        resource: ResourceRef {
            resource_type: lb.lb.kind.resource_type().into(),
            id: lb.lb.id.clone(),
            arn: lb.lb.id.starts_with("arn:").then(|| lb.lb.id.clone()),
            account,
            region,
            tags: Default::default(),
        },
        attributes: attrs,
        evidence: Some(Evidence::NetworkPath(json!({
            "networkPath": {"steps": lb.igws.iter().map(|g| json!({"componentId": g, "componentType": "AWS::EC2::InternetGateway"}))
                .chain(std::iter::once(json!({"componentId": lb.lb.id, "componentType": "AWS::ElasticLoadBalancingV2::LoadBalancer"}))).collect::<Vec<_>>()},
            "openPortRange": {"begin": first.port, "end": first.port},
            "protocol": first.protocol,
            "sourceCidrs": compact_sources(&sources).0,
            "exceptCidrs": compact_sources(&sources).1,
        }))),
        compliance: Vec::new(),
        references: Vec::new(),
        first_seen: None,
        last_seen: None,
        status: Default::default(),
    });
    // Targets reachable through the load balancer.
    for l in &lb.listeners {
        for t in l.targets.iter().filter(|t| t.blocked.is_none()) {
            let Some(i) = t.eni_index else { continue };
            let Some(reach) = by_eni.get(&i).copied() else {
                continue;
            };
            let eni = &idx.enis[i];
            let c = Ctx {
                class: SourceClass::Internet,
                eni,
                reach,
                gateways: lb.igws.clone(),
            };
            for p in &t.protocols {
                let known = RECOGNIZED
                    .iter()
                    .find(|r| r.protocol == *p && (r.from..=r.to).contains(&t.port));
                // An unrecognised target port is an exposure, not a recognised-port finding.
                let (rule, service, sev) = match known {
                    Some(k) => (RULE_NO_AGENT, k.service, severity_for(k, true)),
                    None => (
                        RULE_EXPOSURE,
                        "unrecognized service",
                        Severity::Informational,
                    ),
                };
                out.push(port_finding(
                    analysis,
                    &c,
                    rule,
                    service,
                    sev,
                    *p,
                    t.port,
                    t.port,
                    &t.sources,
                    Some((&lb.lb.id, &l.listener_id)),
                ));
            }
        }
    }
}

fn lb_scope(analysis: &Analysis, lb: &LbReach) -> (String, String) {
    let snap = analysis.engine.idx.snap;
    snap.load_balancers
        .get(&lb.lb.id)
        .map(|l| (l.scope.account.clone(), l.scope.region.clone()))
        .or_else(|| {
            snap.classic_load_balancers
                .get(&lb.lb.id)
                .map(|l| (l.scope.account.clone(), l.scope.region.clone()))
        })
        .unwrap_or_default()
}
