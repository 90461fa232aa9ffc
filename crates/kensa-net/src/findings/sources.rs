//! What findings are made from: an ENI's exposures and indeterminate exposures, a load
//! balancer, a target reached through a load balancer. Each source knows the resource
//! its findings are about, which is what the stream groups by.
use std::collections::HashMap;

use kensa_model::Finding;

use super::facts::{exposure_facts, Memo};
use super::lb::{lb_finding, reachable_targets, target_findings, Target};
use super::{eni, resource_id};
use crate::engine::{Analysis, EniReach, LbReach};

pub(super) enum Source<'a> {
    Eni(&'a EniReach),
    LoadBalancer(&'a LbReach),
    Target(Target<'a>),
}

/// Every source of the analysis, in the order the findings were always produced: ENIs,
/// then each load balancer followed by its targets.
pub(super) fn sources<'a>(analysis: &'a Analysis) -> Vec<Source<'a>> {
    let mut out: Vec<Source> = analysis.enis.iter().map(Source::Eni).collect();
    let by_eni: HashMap<usize, &EniReach> =
        analysis.enis.iter().map(|r| (r.eni_index, r)).collect();
    for lb in &analysis.load_balancers {
        out.push(Source::LoadBalancer(lb));
        if !lb.listeners.is_empty() {
            out.extend(
                reachable_targets(lb, &by_eni)
                    .into_iter()
                    .map(Source::Target),
            );
        }
    }
    out
}

impl<'a> Source<'a> {
    /// The id of the resource this source's findings name (`Finding::resource.id`).
    pub(super) fn resource_id(&self, analysis: &'a Analysis) -> &'a str {
        let eni_of = |r: &EniReach| &analysis.engine.idx.enis[r.eni_index];
        match self {
            Source::Eni(r) => resource_id(analysis, eni_of(r)),
            Source::LoadBalancer(lb) => &lb.lb.id,
            Source::Target(t) => resource_id(analysis, eni_of(t.reach)),
        }
    }

    /// Appends this source's findings, unsorted.
    pub(super) fn produce(&self, memo: &Memo, analysis: &Analysis, out: &mut Vec<Finding>) {
        match self {
            Source::Eni(r) => {
                for x in r.exposures.iter() {
                    // Computed per ENI and dropped: keeping them for ENIs that share an
                    // exposure list costs more memory than it saves (few ENIs share one).
                    let facts = exposure_facts(memo, analysis, r, x);
                    eni::eni_findings(memo, analysis, r, x, &facts, out);
                }
                for x in r.indeterminate.iter() {
                    out.push(crate::indeterminate::finding(analysis, r, x));
                }
            }
            Source::LoadBalancer(lb) => out.extend(lb_finding(analysis, lb)),
            Source::Target(t) => target_findings(memo, analysis, t, out),
        }
    }
}
