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
//! * `IndeterminateExposure` (Medium, kensa's own): exposure through a component kensa
//!   does not evaluate or that the snapshot lacks ([`crate::indeterminate`]).
//!
//! An instance behind an internet-facing load balancer gets the findings of its target
//! port with both hops (listener, then target) in the path.
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use kensa_model::finding::{NetworkPath, NetworkPathEvidence, OpenRange, PathStep, PortRange};
use kensa_model::{finding_id, Evidence, Finding, Package, ResourceRef, Severity};

use crate::engine::{Analysis, EniReach, Exposure, LbReach, SourceClass};
use crate::flow::{cube, FlowSet, Lattice, ICMP, ICMPV6, TCP, UDP};
use crate::index::Eni;
use crate::ports::{severity_for, RECOGNIZED};
use crate::rangeset::{AddrSet, RangeSet};

pub const RULE_NO_AGENT: &str = "RecognizedPortNoAgent";
pub const RULE_EXPOSURE: &str = "NetworkExposure";
const T_LB: &str = "AWS::ElasticLoadBalancingV2::LoadBalancer";

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
    let memo = Memo::default();
    for r in &analysis.enis {
        for x in r.exposures.iter() {
            // Computed per ENI and dropped: keeping them for ENIs that share an exposure
            // list costs more memory than it saves (few ENIs share one).
            let facts = exposure_facts(&memo, analysis, r, x);
            eni_findings(&memo, analysis, r, x, &facts, &mut out);
        }
    }
    let by_eni: std::collections::HashMap<usize, &EniReach> =
        analysis.enis.iter().map(|r| (r.eni_index, r)).collect();
    for lb in &analysis.load_balancers {
        lb_findings(&memo, analysis, lb, &by_eni, &mut out);
    }
    crate::indeterminate::indeterminate_findings(analysis, &mut out);
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
fn sort_findings(out: &mut [Finding]) {
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

pub(crate) fn resource(analysis: &Analysis, eni: &Eni) -> ResourceRef {
    let snap = analysis.engine.idx.snap;
    match eni.instance_id.and_then(|i| snap.instances.get(i)) {
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
            let ni = snap.network_interfaces.get(eni.id.as_ref());
            ResourceRef {
                resource_type: if eni.instance_id.is_some() {
                    "AwsEc2Instance"
                } else {
                    "AwsEc2NetworkInterface"
                }
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

/// The rules of the ENI's groups that admit (proto, [lo, hi], sources), described.
fn admitting_rules(analysis: &Analysis, groups: &[String], wanted: &FlowSet) -> Vec<String> {
    let mut out = Vec::new();
    for g in groups {
        for r in analysis.engine.group(g).rules.iter().filter(|r| !r.egress) {
            if !r.flows.overlaps(wanted) {
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

/// `compact_sources` output: the CIDRs shown and the exceptions.
type SourceTexts = (Vec<String>, Vec<String>);

/// Texts that many findings repeat, computed once per distinct input.
#[derive(Default)]
struct Memo {
    /// `compact_sources` per address set.
    sources: RefCell<HashMap<AddrSet, Rc<SourceTexts>>>,
}

impl Memo {
    fn sources(&self, set: &AddrSet) -> Rc<SourceTexts> {
        if let Some(t) = self.sources.borrow().get(set) {
            return t.clone();
        }
        let t = Rc::new(compact_sources(set));
        self.sources.borrow_mut().insert(set.clone(), t.clone());
        t
    }
}

struct Ctx<'a> {
    memo: &'a Memo,
    class: SourceClass,
    eni: &'a Eni<'a>,
    reach: &'a EniReach,
    gateways: Vec<String>,
}

fn steps(c: &Ctx, sgs: &[String], lb: Option<(&str, &str)>) -> Vec<PathStep> {
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
    s
}

fn base_attributes(c: &Ctx, rule: &str) -> BTreeMap<String, String> {
    let mut a = BTreeMap::new();
    a.insert("REACHABILITY_TYPE".into(), c.class.as_str().into());
    a.insert("RULE_TYPE".into(), rule.into());
    a.insert("ENI".into(), c.eni.id.to_string());
    a.insert("VPC".into(), c.reach.vpc_id.clone());
    a.insert("SUBNET".into(), c.reach.subnet_id.clone());
    if let Some(i) = &c.eni.instance_id {
        a.insert("INSTANCE_ID".into(), i.to_string());
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

/// What a recognised-port finding says that does not depend on the ENI's own names.
struct PortFacts {
    service: &'static str,
    severity: Severity,
    proto: u8,
    lo: u16,
    hi: u16,
    /// The groups whose rules admit the traffic.
    sgs: Vec<String>,
    cidrs: Vec<String>,
    except: Vec<String>,
    recommendation: String,
}

#[allow(clippy::too_many_arguments)]
fn port_facts(
    analysis: &Analysis,
    c: &Ctx,
    service: &'static str,
    severity: Severity,
    proto: u8,
    lo: u16,
    hi: u16,
    sources: &AddrSet,
    via_lb: bool,
) -> PortFacts {
    // Through a load balancer the target admits the load balancer, not the clients:
    // name the target's rules for the target port whatever their source.
    let wanted = if via_lb {
        AddrSet::full()
    } else {
        sources.clone()
    };
    let rules = admitting_rules(
        analysis,
        &c.reach.groups,
        &cube(proto, proto, lo, hi, wanted),
    );
    let sgs: Vec<String> = c
        .reach
        .groups
        .iter()
        .filter(|g| rules.iter().any(|r| r.starts_with(g.as_str())))
        .cloned()
        .collect();
    let texts = c.memo.sources(sources);
    let (cidrs, except) = (texts.0.clone(), texts.1.clone());
    let recommendation = recommendation(c, &rules, via_lb);
    PortFacts {
        service,
        severity,
        proto,
        lo,
        hi,
        sgs,
        cidrs,
        except,
        recommendation,
    }
}

/// One recognised-port finding. `resource` is the ENI's (looked up once per ENI).
fn port_finding(
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
            open_port_range: PortRange { begin: lo, end: hi },
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

/// The source addresses for display, exact and short: either the CIDR list itself, or,
/// when shorter, the address families' ranges with the exceptions (sources =
/// `sourceCidrs` minus `exceptCidrs`). When every source is public (the Internet), the
/// ranges are those of public address space ([`crate::public`]), so `sourceCidrs` never
/// names a private range; otherwise whole families (`0.0.0.0/0`, `::/0`).
pub fn compact_sources(sources: &AddrSet) -> (Vec<String>, Vec<String>) {
    let mut families = AddrSet::empty();
    if !sources.v4.is_empty() {
        families = families.union(&AddrSet::all_v4());
    }
    if !sources.v6.is_empty() {
        families = families.union(&AddrSet::all_v6());
    }
    let public = crate::public::PublicSpace::default().addrs();
    if sources.difference(public).is_empty() {
        families = families.intersect(public);
    }
    let except = families.difference(sources);
    // Count first, format only the form that is shown.
    if families.cidr_count() + except.cidr_count() < sources.cidr_count() {
        (families.to_cidrs(), except.to_cidrs())
    } else {
        (sources.to_cidrs(), Vec::new())
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

/// The sources in words: "any public IPv4 address" (IPv6, or both) when they are a whole
/// family's public space, else the abbreviated CIDR list with its exceptions.
fn source_words(cidrs: &[String], except: &[String]) -> String {
    use std::sync::OnceLock;
    static LISTS: OnceLock<[(Vec<String>, &str); 3]> = OnceLock::new();
    let lists = LISTS.get_or_init(|| {
        let public = crate::public::PublicSpace::default().addrs();
        let v4 = public.intersect(&AddrSet::all_v4()).to_cidrs();
        let v6 = public.intersect(&AddrSet::all_v6()).to_cidrs();
        let both = public.to_cidrs();
        [
            (v4, "any public IPv4 address"),
            (v6, "any public IPv6 address"),
            (both, "any public address"),
        ]
    });
    let words = lists
        .iter()
        .find(|(l, _)| l.as_slice() == cidrs)
        .map(|x| x.1);
    let base = words.map_or_else(|| abbreviate(cidrs), str::to_string);
    if except.is_empty() {
        base
    } else {
        format!("{base} except {}", abbreviate(except))
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

/// The ENI-independent part of one exposure's findings.
struct ExposureFacts {
    ports: Vec<PortFacts>,
    /// `NetworkExposure`: the open ranges, their sources, the admitting rules' advice.
    desc: Vec<(String, String)>,
    sources: Vec<String>,
    except: Vec<String>,
    recommendation: String,
}

fn ctx<'a>(memo: &'a Memo, analysis: &'a Analysis, r: &'a EniReach, x: &Exposure) -> Ctx<'a> {
    Ctx {
        memo,
        class: x.class,
        eni: &analysis.engine.idx.enis[r.eni_index],
        reach: r,
        gateways: x.gateways.iter().map(|g| g.0.clone()).collect(),
    }
}

fn exposure_facts(memo: &Memo, analysis: &Analysis, r: &EniReach, x: &Exposure) -> ExposureFacts {
    let c = ctx(memo, analysis, r, x);
    let mut ports = Vec::new();
    for port in RECOGNIZED {
        for (lo, hi, sources) in open_in(&x.flows, port.protocol, port.ports.from, port.ports.to) {
            let sev = severity_for(port, x.class == SourceClass::Internet);
            ports.push(port_facts(
                analysis,
                &c,
                port.service,
                sev,
                port.protocol,
                lo,
                hi,
                &sources,
                false,
            ));
        }
    }
    let texts = c.memo.sources(&crate::flow::all_sources(&x.flows));
    let (sources, except) = (texts.0.clone(), texts.1.clone());
    let rules = admitting_rules(analysis, &c.reach.groups, &x.flows);
    ExposureFacts {
        ports,
        desc: describe_flows(&x.flows),
        sources,
        except,
        recommendation: recommendation(&c, &rules, false),
    }
}

fn eni_findings(
    memo: &Memo,
    analysis: &Analysis,
    r: &EniReach,
    x: &Exposure,
    facts: &ExposureFacts,
    out: &mut Vec<Finding>,
) {
    let c = ctx(memo, analysis, r, x);
    let res = resource(analysis, c.eni);
    for f in &facts.ports {
        out.push(port_finding(&res, &c, RULE_NO_AGENT, f, None));
    }
    out.push(exposure_finding(res, &c, &x.flows, facts));
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

fn exposure_finding(resource: ResourceRef, c: &Ctx, flows: &FlowSet, f: &ExposureFacts) -> Finding {
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
        title: format!("{} (ENI {}) is reachable from {}", resource.id, c.eni.id, class_words(c.class)),
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
                begin: first_range.1,
                end: first_range.2,
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

fn lb_findings(
    memo: &Memo,
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
            format!("Internet-facing load balancer {} accepts {} from {}.", lb.lb.name, open.join(", "), source_words(&src, &except))
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
        evidence: Some(Evidence::NetworkPath({
            let (source_cidrs, except_cidrs) = compact_sources(&sources);
            NetworkPathEvidence {
                network_path: NetworkPath {
                    steps: (lb.igws.iter())
                        .map(|g| PathStep::new(g.as_str(), "AWS::EC2::InternetGateway"))
                        .chain(std::iter::once(PathStep::new(lb.lb.id.as_str(), T_LB)))
                        .collect(),
                },
                open_port_range: PortRange {
                    begin: first.port,
                    end: first.port,
                },
                open_ranges: None,
                protocol: first.protocol.clone(),
                source_cidrs,
                except_cidrs,
            }
        })),
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
            let res = resource(analysis, eni);
            let c = Ctx {
                memo,
                class: SourceClass::Internet,
                eni,
                reach,
                gateways: lb.igws.clone(),
            };
            for p in &t.protocols {
                let known = RECOGNIZED
                    .iter()
                    .find(|r| r.protocol == *p && r.ports.contains(t.port));
                // An unrecognised target port is an exposure, not a recognised-port finding.
                let (rule, service, sev) = match known {
                    Some(k) => (RULE_NO_AGENT, k.service, severity_for(k, true)),
                    None => (
                        RULE_EXPOSURE,
                        "unrecognized service",
                        Severity::Informational,
                    ),
                };
                let facts = port_facts(
                    analysis, &c, service, sev, *p, t.port, t.port, &t.sources, true,
                );
                out.push(port_finding(
                    &res,
                    &c,
                    rule,
                    &facts,
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
