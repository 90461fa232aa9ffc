//! Fits every change planned for one security group into the group's quota.
//!
//! Actions run in plan order, each adding its rules before revoking the offending one
//! (so kept ports never close). The quota therefore binds at each action's peak — the
//! group as the earlier actions left it plus this action's new rules — not only at the
//! end. The fitter orders the group's actions (those that add nothing first, so they make
//! room), simulates the sequence, and while a peak exceeds the quota moves one action to
//! its next, smaller option (narrow → revoke), saying why ([`pick_victim`]).
use kensa_model::ec2::SecurityGroup;

use super::plan::Action;
use super::quota::{Counter, RuleCounter, RuleCounting, SgQuotas, Usage};
use super::rule::RuleSpec;
use super::sg_plan::{edit_action, RuleEdit};

/// A peak above the quota: at which step of the order, and which counter.
struct Overflow {
    step: usize,
    counter: Counter,
    count: u64,
}

/// The group's actions, in the order they must run, each fitting the quota.
pub(super) fn fit_group(
    counter: &RuleCounter<'_>,
    quotas: &SgQuotas,
    sg: &SecurityGroup,
    group: &[RuleSpec],
    edits: &[RuleEdit],
) -> Vec<Action> {
    let mut levels = vec![0usize; edits.len()];
    let mut why: Vec<Vec<String>> = vec![Vec::new(); edits.len()];
    loop {
        let order = run_order(edits, &levels);
        let Some(over) = simulate(counter, quotas, group, edits, &levels, &order) else {
            return order
                .iter()
                .map(|&i| edit_action(sg, &edits[i], levels[i], std::mem::take(&mut why[i])))
                .collect();
        };
        let Some(victim) =
            pick_victim(counter, quotas, edits, &levels, &order[..=over.step], &over)
        else {
            // Unreachable: the overflowing step adds rules, so it has a next option.
            return order
                .iter()
                .map(|&i| edit_action(sg, &edits[i], levels[i], std::mem::take(&mut why[i])))
                .collect();
        };
        let adds = option_add(edits, &levels, victim).len();
        levels[victim] += 1;
        let gives_up = edits[victim].options[levels[victim]]
            .gives_up
            .clone()
            .unwrap_or_default();
        why[victim].push(format!(
            "does not fit the group's quota: with its {adds} new rule(s) the group would have {} {} rules, above the quota of {} ({}); planned without them, giving up {gives_up}",
            over.count,
            over.counter.describe(),
            quotas.rules_per_group,
            match quotas.counting {
                RuleCounting::PerFamily => "IPv4 and IPv6 counted separately",
                RuleCounting::Combined => "IPv4 and IPv6 counted together",
            }
        ));
    }
}

/// Which action, among those that run up to the overflow, gives up its new rules: the
/// one with the fewest new rules on the overflowing counter that still frees enough
/// (so the least access is given up), else the one that frees the most.
fn pick_victim(
    counter: &RuleCounter<'_>,
    quotas: &SgQuotas,
    edits: &[RuleEdit],
    levels: &[usize],
    candidates: &[usize],
    over: &Overflow,
) -> Option<usize> {
    let excess = over.count - u64::from(quotas.rules_per_group);
    let charged: Vec<(usize, u64)> = candidates
        .iter()
        .filter(|&&i| levels[i] + 1 < edits[i].options.len())
        .map(|&i| {
            (
                i,
                counter
                    .usage(option_add(edits, levels, i))
                    .get(over.counter),
            )
        })
        .filter(|(_, charge)| *charge > 0)
        .collect();
    let enough = charged
        .iter()
        .filter(|(_, c)| *c >= excess)
        .min_by_key(|(i, c)| (*c, *i));
    enough
        .or_else(|| {
            charged
                .iter()
                .max_by_key(|(i, c)| (*c, std::cmp::Reverse(*i)))
        })
        .map(|(i, _)| *i)
}

fn option_add<'e>(edits: &'e [RuleEdit], levels: &[usize], i: usize) -> &'e [RuleSpec] {
    &edits[i].options[levels[i]].add
}

/// Actions that add nothing first (they only make room), then the rest, each group in
/// the planner's order.
fn run_order(edits: &[RuleEdit], levels: &[usize]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..edits.len()).collect();
    order.sort_by_key(|&i| !option_add(edits, levels, i).is_empty());
    order
}

/// Runs the actions in `order` on a model of the group; the first peak above the quota.
fn simulate(
    counter: &RuleCounter<'_>,
    quotas: &SgQuotas,
    group: &[RuleSpec],
    edits: &[RuleEdit],
    levels: &[usize],
    order: &[usize],
) -> Option<Overflow> {
    let mut state: Vec<RuleSpec> = Vec::new();
    for r in group {
        if !state.iter().any(|s| s.same_rule(r)) {
            state.push(r.clone());
        }
    }
    for (step, &i) in order.iter().enumerate() {
        let before: Usage = counter.usage(&state);
        for a in option_add(edits, levels, i) {
            if !state.iter().any(|s| s.same_rule(a)) {
                state.push(a.clone());
            }
        }
        let peak = counter.usage(&state);
        if let Some(&(counter, count)) = peak.exceeded(&before, quotas.rules_per_group).first() {
            return Some(Overflow {
                step,
                counter,
                count,
            });
        }
        state.retain(|s| !s.same_rule(&edits[i].spec));
    }
    None
}
