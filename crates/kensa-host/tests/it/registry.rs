//! The registry: every rule documented, named after its file, with a pass and a fail fixture.
use std::collections::BTreeSet;

use kensa_host::{Package, MODULES, RULES};

use crate::support::{scan_fixture, ROOTS, TELEMETRY};

#[test]
fn every_rule_is_documented_and_named_after_its_file() {
    let mut ids = BTreeSet::new();
    for (rule, module) in RULES.iter().zip(MODULES) {
        assert!(ids.insert(rule.id), "duplicate id {}", rule.id);
        assert_eq!(
            rule.id.replace('-', "_"),
            *module,
            "file name of {}",
            rule.id
        );
        let prefix = format!("{}-", rule.package.short());
        assert!(
            rule.id.starts_with(&prefix),
            "{} lacks the prefix {prefix}",
            rule.id
        );
        assert!(
            rule.id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{} is not kebab-case",
            rule.id
        );
        assert!(
            rule.description().len() > 40,
            "{}: no ## Description",
            rule.id
        );
        assert!(
            rule.recommendation().len() > 20,
            "{}: no ## Recommendation",
            rule.id
        );
        assert!(
            !rule.title.is_empty() && !rule.control.is_empty(),
            "{}",
            rule.id
        );
        assert!(!rule.references.is_empty(), "{}: no reference", rule.id);
    }
}

/// Inspector Classic's Security Best Practices and Runtime Behavior Analysis packages are a
/// specification: kensa implements each of their rules, one file each, and nothing more.
/// The CIS package is kensa's chosen subset, covered by the fixture test below.
#[test]
fn inspectors_packages_are_implemented_rule_for_rule() {
    let ids = |package| {
        kensa_host::rules_of(package)
            .map(|r| r.id)
            .collect::<BTreeSet<_>>()
    };
    let expected = |list: &[&'static str]| list.iter().copied().collect::<BTreeSet<_>>();
    assert_eq!(
        ids(Package::SecurityBestPractices),
        expected(&[
            "sbp-aslr",
            "sbp-dep",
            "sbp-password-complexity",
            "sbp-password-max-age",
            "sbp-password-min-length",
            "sbp-ssh-password-auth",
            "sbp-ssh-protocol-2",
            "sbp-ssh-root-login",
            "sbp-system-dir-permissions",
        ])
    );
    assert_eq!(
        ids(Package::RuntimeBehaviorAnalysis),
        expected(&[
            "rba-insecure-clients",
            "rba-insecure-login-clients",
            "rba-insecure-server-protocols",
            "rba-root-process-insecure-permissions",
            "rba-software-without-dep",
            "rba-unused-listening-ports",
        ])
    );
    assert!(kensa_host::rules_of(Package::Cis).next().is_some());
}

#[test]
fn every_rule_passes_on_a_fixture_and_fails_on_another() {
    let mut passed = BTreeSet::new();
    let mut failed = BTreeSet::new();
    for name in ROOTS.iter().chain(TELEMETRY) {
        for r in scan_fixture(name).results {
            match r.outcome.label() {
                "PASSED" => passed.insert(r.rule),
                "FAILED" => failed.insert(r.rule),
                _ => false,
            };
        }
    }
    for rule in RULES {
        assert!(passed.contains(rule.id), "{} passes on no fixture", rule.id);
        assert!(failed.contains(rule.id), "{} fails on no fixture", rule.id);
    }
}
