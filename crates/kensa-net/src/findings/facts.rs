//! What findings repeat: the admitting rules, sources and advice of one exposure or
//! one port, computed once and shared by the findings that state them.
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use kensa_model::Severity;

use super::eni::{ctx, Ctx};
use super::text::{class_words, compact_sources, describe_flows};
use crate::engine::{Analysis, EniReach, Exposure, SourceClass};
use crate::flow::{cube, FlowSet, Lattice};
use crate::ports::{severity_for, RECOGNIZED};
use crate::rangeset::AddrSet;

/// The rules of the ENI's groups that admit (proto, [lo, hi], sources), described.
pub(super) fn admitting_rules(
    analysis: &Analysis,
    groups: &[String],
    wanted: &FlowSet,
) -> Vec<String> {
    let mut out = Vec::new();
    for g in groups {
        for r in analysis.engine.group_rules(g).iter().filter(|r| !r.egress) {
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
pub(super) type SourceTexts = (Vec<String>, Vec<String>);

/// Texts that many findings repeat, computed once per distinct input.
#[derive(Default)]
pub(super) struct Memo {
    /// `compact_sources` per address set.
    pub(super) sources: RefCell<HashMap<AddrSet, Rc<SourceTexts>>>,
}

impl Memo {
    pub(super) fn sources(&self, set: &AddrSet) -> Rc<SourceTexts> {
        if let Some(t) = self.sources.borrow().get(set) {
            return t.clone();
        }
        let t = Rc::new(compact_sources(set));
        self.sources.borrow_mut().insert(set.clone(), t.clone());
        t
    }
}

/// What a recognised-port finding says that does not depend on the ENI's own names.
pub(super) struct PortFacts {
    pub(super) service: &'static str,
    pub(super) severity: Severity,
    pub(super) proto: u8,
    pub(super) lo: u16,
    pub(super) hi: u16,
    /// The groups whose rules admit the traffic.
    pub(super) sgs: Vec<String>,
    pub(super) cidrs: Vec<String>,
    pub(super) except: Vec<String>,
    pub(super) recommendation: String,
}

#[allow(clippy::too_many_arguments)]
pub(super) fn port_facts(
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

pub(super) fn recommendation(c: &Ctx, rules: &[String], via_lb: bool) -> String {
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
pub(super) fn open_in(flows: &FlowSet, proto: u8, lo: u16, hi: u16) -> Vec<(u16, u16, AddrSet)> {
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
pub(super) struct ExposureFacts {
    pub(super) ports: Vec<PortFacts>,
    /// `NetworkExposure`: the open ranges, their sources, the admitting rules' advice.
    pub(super) desc: Vec<(String, String)>,
    pub(super) sources: Vec<String>,
    pub(super) except: Vec<String>,
    pub(super) recommendation: String,
}

pub(super) fn exposure_facts(
    memo: &Memo,
    analysis: &Analysis,
    r: &EniReach,
    x: &Exposure,
) -> ExposureFacts {
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
