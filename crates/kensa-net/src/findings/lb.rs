//! Findings of internet-facing load balancers and of the targets reachable through them.
use std::collections::{BTreeMap, HashMap};

use kensa_model::finding::{NetworkPath, NetworkPathEvidence, PathStep};
use kensa_model::ports::PortRange;
use kensa_model::{finding_id, Evidence, Finding, Package, ResourceRef, Severity};

use super::eni::{port_finding, Ctx};
use super::facts::{port_facts, Memo};
use super::text::{compact_sources, source_words};
use super::{resource, RULE_EXPOSURE, RULE_NO_AGENT, T_LB};
use crate::engine::{Analysis, EniReach, LbReach, ListenerReach, SourceClass, TargetReach};
use crate::ports::{severity_for, RECOGNIZED};
use crate::rangeset::AddrSet;

/// The load balancer's own `NetworkExposure` finding (none without a reachable listener).
pub(super) fn lb_finding(analysis: &Analysis, lb: &LbReach) -> Option<Finding> {
    if lb.listeners.is_empty() {
        return None;
    }
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
    Some(Finding {
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
                    from: first.port,
                    to: first.port,
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
    })
}

/// A target reachable through listener `listener` of `lb`, with the ENI it is on.
pub(super) struct Target<'a> {
    pub(super) lb: &'a LbReach,
    pub(super) listener: &'a ListenerReach,
    pub(super) target: &'a TargetReach,
    pub(super) reach: &'a EniReach,
}

/// The targets that the load balancer's listeners reach on an analysed ENI.
pub(super) fn reachable_targets<'a>(
    lb: &'a LbReach,
    by_eni: &HashMap<usize, &'a EniReach>,
) -> Vec<Target<'a>> {
    let mut out = Vec::new();
    for listener in &lb.listeners {
        for target in listener.targets.iter().filter(|t| t.blocked.is_none()) {
            let Some(reach) = target.eni_index.and_then(|i| by_eni.get(&i).copied()) else {
                continue;
            };
            out.push(Target {
                lb,
                listener,
                target,
                reach,
            });
        }
    }
    out
}

/// The findings of one target reached through a load balancer: one per protocol of the
/// target port, with both hops (listener, then target) in the path.
pub(super) fn target_findings(
    memo: &Memo,
    analysis: &Analysis,
    t: &Target,
    out: &mut Vec<Finding>,
) {
    let (lb, l, reach) = (t.lb, t.listener, t.reach);
    let eni = &analysis.engine.idx.enis[reach.eni_index];
    let res = resource(analysis, eni);
    let c = Ctx {
        memo,
        class: SourceClass::Internet,
        eni,
        reach,
        gateways: lb.igws.clone(),
        endpoint: None,
    };
    let t = t.target;
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

pub(super) fn lb_scope(analysis: &Analysis, lb: &LbReach) -> (String, String) {
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
