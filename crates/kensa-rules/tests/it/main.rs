//! Integration tests of kensa-rules (one test binary, modules per topic).
mod article_table;
mod compliance;
mod corpus;
mod exposure;
mod ranking;
mod registry;

use kensa_model::Snapshot;
use kensa_rules::{find_rule, fixture, Context};
use kensa_rules::{run_rule, RuleRun};

/// Runs rule `id` with default parameters on a fixture text.
pub fn run(id: &str, fixture_text: &str) -> RuleRun {
    let snap = fixture::snapshot(id, fixture_text).expect("fixture loads");
    run_on(id, &snap)
}

pub fn run_on(id: &str, snap: &Snapshot) -> RuleRun {
    let rule = find_rule(id).expect("rule exists");
    run_rule(&Context::new(snap), rule, &rule.control, &rule.defaults)
}
