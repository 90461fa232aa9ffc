//! Findings one resource at a time, in the order [`super::findings`] sorts them, without
//! holding them all: a 100,000-instance account has ~800,000 findings of a few KB each.
//!
//! The sort key starts with the resource id, so sorting each resource's findings and
//! visiting resources in id order gives the global order; duplicates (same id) always
//! belong to one resource, so deduplicating within a resource is enough.
use std::collections::VecDeque;

use kensa_model::Finding;

use super::facts::Memo;
use super::sort_findings;
use super::sources::{sources, Source};
use crate::engine::Analysis;

/// An iterator over the analysis's findings, sorted and deduplicated like
/// [`super::findings`]; it holds one resource's findings at a time.
pub struct FindingStream<'a, 's> {
    analysis: &'a Analysis<'s>,
    memo: Memo,
    /// Sources grouped by resource, groups in resource id order.
    plan: std::vec::IntoIter<Vec<Source<'a>>>,
    ready: VecDeque<Finding>,
}

/// Streams the findings of `analysis` (see [`FindingStream`]).
pub fn stream<'a, 's>(analysis: &'a Analysis<'s>) -> FindingStream<'a, 's> {
    let mut keyed: Vec<(&str, Source)> = sources(analysis)
        .into_iter()
        .map(|s| (s.resource_id(analysis), s))
        .collect();
    // Stable: within a resource the sources keep their production order.
    keyed.sort_by(|a, b| a.0.cmp(b.0));
    let mut plan: Vec<Vec<Source>> = Vec::new();
    let mut last: Option<&str> = None;
    for (id, source) in keyed {
        match plan.last_mut() {
            Some(group) if last == Some(id) => group.push(source),
            _ => plan.push(vec![source]),
        }
        last = Some(id);
    }
    FindingStream {
        analysis,
        memo: Memo::default(),
        plan: plan.into_iter(),
        ready: VecDeque::new(),
    }
}

impl FindingStream<'_, '_> {
    /// Produces the next resource's findings; false when every resource is done.
    fn refill(&mut self) -> bool {
        let Some(group) = self.plan.next() else {
            return false;
        };
        let mut out = Vec::new();
        for source in &group {
            source.produce(&self.memo, self.analysis, &mut out);
        }
        sort_findings(&mut out);
        out.dedup_by(|a, b| a.id == b.id);
        self.ready.extend(out);
        true
    }
}

impl Iterator for FindingStream<'_, '_> {
    type Item = Finding;

    fn next(&mut self) -> Option<Finding> {
        loop {
            if let Some(f) = self.ready.pop_front() {
                return Some(f);
            }
            if !self.refill() {
                return None;
            }
        }
    }
}
