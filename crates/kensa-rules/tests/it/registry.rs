//! The registry: every check documented, named, fixtured and mapped; every built-in
//! framework table well formed. No count is written here: the lists are the truth.
use std::collections::BTreeSet;

use kensa_rules::run_rule;
use kensa_rules::{checks, fixture, rules, table_errors, Check, Context, Params, Rule};

#[test]
fn built_in_tables_parse() {
    assert!(table_errors().is_empty(), "{:#?}", table_errors());
    assert!(!rules().is_empty());
}

#[test]
fn rule_ids_are_unique_and_well_formed() {
    let mut seen = BTreeSet::new();
    for r in rules() {
        assert!(seen.insert(r.id.as_str()), "duplicate rule id {}", r.id);
        assert_eq!(r.id, format!("{}:{}", r.framework, r.control));
        assert!(!r.title.is_empty() && !r.references.is_empty(), "{}", r.id);
    }
}

#[test]
fn check_names_are_unique_kebab_case_and_mapped() {
    let mut seen = BTreeSet::new();
    for c in checks() {
        assert!(seen.insert(c.name), "duplicate check {}", c.name);
        assert!(
            c.name
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
            "check name `{}` is not kebab-case",
            c.name
        );
        assert!(
            rules().iter().any(|r| r.check.name == c.name),
            "{}: no built-in framework maps a control to it",
            c.name
        );
    }
}

#[test]
fn every_check_is_documented() {
    for c in checks() {
        for section in ["What it checks", "Why it matters", "Remediation"] {
            let text = c.section(section).unwrap_or_default();
            assert!(
                text.len() > 20,
                "{}: section `{section}` missing or empty",
                c.name
            );
        }
        assert!(
            !c.title.is_empty() && !c.resource_type.asff_name().is_empty(),
            "{}",
            c.name
        );
        for p in c.params {
            assert!(
                !p.doc.is_empty(),
                "{}: parameter {} undocumented",
                c.name,
                p.name
            );
        }
        let defaults = c
            .default_params()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Params::validate(c.name, c.params, &defaults).expect("defaults validate");
    }
}

/// The first built-in rule of a check: the one its fixtures' findings are named after.
fn home_rule(c: &Check) -> &'static Rule {
    rules().iter().find(|r| r.check.name == c.name).unwrap()
}

fn run_fixture(rule: &Rule, params: &Params, text: &str) -> kensa_rules::RuleRun {
    let snap = fixture::snapshot(rule.check.name, text).expect("fixture loads");
    run_rule(&Context::new(&snap), rule, &rule.control, params)
}

#[test]
fn every_check_fails_its_failing_fixtures() {
    for c in checks() {
        assert!(
            !c.fixtures_fail.is_empty(),
            "{}: no failing fixture",
            c.name
        );
        let rule = home_rule(c);
        for (i, text) in c.fixtures_fail.iter().enumerate() {
            let run = run_fixture(rule, &c.default_params(), text);
            assert!(
                !run.findings.is_empty(),
                "{}: no finding on failing fixture {i}; evaluations: {:#?}",
                c.name,
                rule.evaluate(
                    &Context::new(&fixture::snapshot("f", text).unwrap()),
                    &c.default_params()
                )
            );
            for f in &run.findings {
                assert_eq!(f.attributes["RULE_NAME"], c.name);
                assert!(!f.recommendation.is_empty());
            }
        }
    }
}

#[test]
fn every_check_passes_its_passing_fixtures() {
    for c in checks() {
        assert!(
            !c.fixtures_pass.is_empty(),
            "{}: no passing fixture",
            c.name
        );
        let rule = home_rule(c);
        for (i, text) in c.fixtures_pass.iter().enumerate() {
            let run = run_fixture(rule, &c.default_params(), text);
            assert!(
                run.findings.is_empty(),
                "{}: findings on passing fixture {i}: {:#?}",
                c.name,
                run.findings
            );
            assert!(
                run.passed > 0,
                "{}: nothing compliant on passing fixture {i} (not evaluated?)",
                c.name
            );
        }
    }
}

#[test]
fn every_rule_runs_on_its_checks_fixtures_and_names_its_control() {
    for r in rules() {
        for text in r.check.fixtures_fail.iter().chain(r.check.fixtures_pass) {
            for f in run_fixture(r, &r.defaults, text).findings {
                assert_eq!(f.rule_id, r.id);
                assert!(f
                    .compliance
                    .iter()
                    .any(|c| c.framework == r.framework && c.control == r.control));
            }
        }
    }
}

/// The findings of every check on its first failing fixture, through its home rule, as
/// JSON snapshots named after that rule.
#[test]
fn failing_fixture_findings_snapshots() {
    for c in checks() {
        let rule = home_rule(c);
        let findings = run_fixture(rule, &rule.defaults, c.fixtures_fail[0]).findings;
        let name = rule.id.replace([':', '.'], "_");
        insta::assert_json_snapshot!(name, findings);
    }
}

/// One check, two tables: FSBP EC2.6 requires REJECT traffic in the flow log, AWS Config's
/// `vpc-flow-logs-enabled` any flow log.
#[test]
fn a_tables_parameters_change_its_controls_outcome() {
    let text = include_str!("../../fixtures/vpc-accept-only-flow-log.json");
    let fsbp = kensa_rules::find_rule("fsbp:EC2.6").unwrap();
    let config = kensa_rules::find_rule("aws-config:vpc-flow-logs-enabled").unwrap();
    assert_eq!(fsbp.check.name, config.check.name);
    assert_eq!(run_fixture(fsbp, &fsbp.defaults, text).findings.len(), 1);
    assert!(run_fixture(config, &config.defaults, text)
        .findings
        .is_empty());
}
