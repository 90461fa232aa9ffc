//! The registry: unique ids, documentation, and a failing + passing fixture per rule.
use std::collections::BTreeSet;

use kensa_rules::rule::Outcome;
use kensa_rules::rules::RULES;
use kensa_rules::Params;

use crate::run;

#[test]
fn ids_are_unique_and_well_formed() {
    let mut seen = BTreeSet::new();
    for r in RULES {
        assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
        assert_eq!(r.id, format!("{}:{}", r.framework, r.control));
        assert!(
            r.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}: name `{}` is not kebab-case",
            r.id,
            r.name
        );
    }
    assert_eq!(RULES.len(), 41);
}

#[test]
fn every_rule_is_documented() {
    for r in RULES {
        for section in ["What it checks", "Why it matters", "Remediation"] {
            let text = r.section(section).unwrap_or_default();
            assert!(
                text.len() > 20,
                "{}: section `{section}` missing or empty",
                r.id
            );
        }
        assert!(!r.title.is_empty() && !r.references.is_empty(), "{}", r.id);
        for p in r.params {
            assert!(
                !p.doc.is_empty(),
                "{}: parameter {} undocumented",
                r.id,
                p.name
            );
        }
        let defaults: std::collections::BTreeMap<String, String> = Params::defaults(r.params)
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Params::validate(r.id, r.params, &defaults).expect("defaults validate");
    }
}

#[test]
fn every_rule_fails_its_failing_fixture() {
    for r in RULES {
        let run = run(r.id, r.fixture_fail);
        assert!(
            !run.findings.is_empty(),
            "{}: no finding on its failing fixture; evaluations: {:#?}",
            r.id,
            run.evaluations
        );
        for f in &run.findings {
            assert_eq!(f.rule_id, r.id);
            assert!(!f.recommendation.is_empty());
            assert!(f
                .compliance
                .iter()
                .any(|c| c.framework == r.framework && c.control == r.control));
        }
    }
}

#[test]
fn every_rule_passes_its_passing_fixture() {
    for r in RULES {
        let run = run(r.id, r.fixture_pass);
        assert!(
            run.findings.is_empty(),
            "{}: findings on its passing fixture: {:#?}",
            r.id,
            run.findings
        );
        assert!(
            run.evaluations
                .iter()
                .any(|e| e.outcome == Outcome::Compliant),
            "{}: nothing compliant on its passing fixture (not evaluated?)",
            r.id
        );
    }
}

/// The findings of every rule on its failing fixture, as JSON snapshots.
#[test]
fn failing_fixture_findings_snapshots() {
    for r in RULES {
        let findings = run(r.id, r.fixture_fail).findings;
        let name = r.id.replace([':', '.'], "_");
        insta::assert_json_snapshot!(name, findings);
    }
}
