//! The registry: every check (`src/checks/mod.rs`) and every built-in framework table
//! (`src/frameworks/`), read once and cross-referenced. Nothing here is written by hand:
//! counts, related controls and the list of remediable controls all derive from the two
//! registration lists.
use std::sync::OnceLock;

use crate::check::Check;
use crate::checks::CHECKS;
use crate::error::YamlError;
use crate::framework::{parse_table, Framework};
use crate::frameworks::TABLES;
use crate::rule::{Mapping, Rule};

struct Registry {
    frameworks: Vec<Framework>,
    rules: Vec<Rule>,
    errors: Vec<YamlError>,
}

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(build)
}

fn build() -> Registry {
    let mut frameworks = Vec::new();
    let mut errors = Vec::new();
    for (file, text) in TABLES {
        // Built-in tables name checks only: a `rule:` reference would need the registry
        // being built.
        match parse_table(&format!("src/frameworks/{file}"), text, &|_| None) {
            Ok(f) => frameworks.push(f),
            Err(e) => errors.push(e),
        }
    }
    let mut rules: Vec<Rule> = frameworks
        .iter()
        .flat_map(|f| f.controls.iter().map(|c| c.rule.clone()))
        .collect();
    let all = rules.clone();
    for r in &mut rules {
        r.related = related_in(&all, r);
    }
    for f in &mut frameworks {
        for c in &mut f.controls {
            c.rule.related = related_in(&all, &c.rule);
        }
    }
    Registry {
        frameworks,
        rules,
        errors,
    }
}

fn related_in(all: &[Rule], rule: &Rule) -> Vec<Mapping> {
    all.iter()
        .filter(|o| o.check.name == rule.check.name && o.id != rule.id)
        .map(|o| Mapping {
            framework: o.framework.clone(),
            control: o.control.clone(),
        })
        .collect()
}

/// The built-in controls of other frameworks decided by `rule`'s check.
pub fn related(rule: &Rule) -> Vec<Mapping> {
    related_in(rules(), rule)
}

/// Every check, in registration order.
pub fn checks() -> &'static [&'static Check] {
    CHECKS
}

/// A check by name (case-insensitive).
pub fn find_check(name: &str) -> Option<&'static Check> {
    CHECKS
        .iter()
        .copied()
        .find(|c| c.name.eq_ignore_ascii_case(name.trim()))
}

/// Every built-in rule (one per control of each built-in framework), in table order.
pub fn rules() -> &'static [Rule] {
    &registry().rules
}

/// The built-in frameworks, in registration order, controls in table order.
pub fn frameworks() -> &'static [Framework] {
    &registry().frameworks
}

/// Built-in tables that failed to parse (always empty in a tested build; shown by
/// `kensa rules list` rather than hidden).
pub fn table_errors() -> &'static [YamlError] {
    &registry().errors
}

/// Looks a rule up by id (`fsbp:EC2.19`), or by control id when that is unambiguous
/// (`EC2.19`, `restricted-ssh`, `AMI.PUBLIC`, but not `5.2`, which several CIS versions
/// have). Case-insensitive.
pub fn find_rule(id: &str) -> Option<&'static Rule> {
    let id = id.trim();
    let rules = rules();
    if let Some(r) = rules.iter().find(|r| r.id.eq_ignore_ascii_case(id)) {
        return Some(r);
    }
    let mut by_control = rules.iter().filter(|r| r.control.eq_ignore_ascii_case(id));
    match (by_control.next(), by_control.next()) {
        (Some(r), None) => Some(r),
        _ => None,
    }
}
