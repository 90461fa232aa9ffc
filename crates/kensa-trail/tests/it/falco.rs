//! Falco's aws_cloudtrail_rules.yaml, unmodified: every rule fires on its matching
//! fixture and stays silent on its non-matching one.

use crate::common::{engine, falco_rules_text, fixture, run};

/// Rule name -> fixture slug (`tests/fixtures/falco/<slug>.{match,nomatch}.json`).
fn slug(rule: &str) -> String {
    rule.to_lowercase().replace(['-', ' '], "_")
}

/// Enables the rules Falco ships disabled, so that they can be tested too.
const ENABLE_ALL: &str =
    "- rule: All Cloudtrail Events\n  enabled: true\n- rule: List Buckets\n  enabled: true\n";

#[test]
fn falco_file_loads_without_errors_or_warnings() {
    let Some(text) = falco_rules_text() else {
        return;
    };
    let (rules, diags) = kensa_trail::load_rule_sources(&[kensa_trail::RuleSource {
        name: "falco.yaml".into(),
        text,
    }]);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(rules.rules().len(), 22);
    assert_eq!(rules.enabled_count(), 20);
}

#[test]
fn every_falco_rule_matches_its_fixture_and_not_the_other() {
    let Some(text) = falco_rules_text() else {
        return;
    };
    let all = engine(&[("falco.yaml", &text), ("enable.yaml", ENABLE_ALL)]);
    let names: Vec<String> = all.rules().rules().iter().map(|r| r.name.clone()).collect();
    assert_eq!(names.len(), 22);
    for name in &names {
        if name == "All Cloudtrail Events" {
            continue; // evt.num > 0 matches every event; checked below
        }
        let s = slug(name);
        let m = std::fs::read(fixture(&format!("falco/{s}.match.json"))).expect("match fixture");
        let out = run(&all, &m, &s);
        assert!(out.errors.is_empty(), "{name}: {:?}", out.errors);
        let fired = out.alerts.iter().filter(|a| &a.rule == name).count() as u64;
        assert!(out.stats.events > 0);
        assert_eq!(
            fired, out.stats.events,
            "rule '{name}' must fire on every record of {s}.match.json"
        );
        let n =
            std::fs::read(fixture(&format!("falco/{s}.nomatch.json"))).expect("nomatch fixture");
        let out = run(&all, &n, &s);
        assert!(out.stats.events > 0, "{s}.nomatch.json is empty");
        let wrong: Vec<_> = out
            .alerts
            .iter()
            .filter(|a| &a.rule == name)
            .map(|a| &a.event_id)
            .collect();
        assert!(
            wrong.is_empty(),
            "rule '{name}' fired on non-matching events {wrong:?}"
        );
    }
}

#[test]
fn disabled_rules_stay_silent_until_enabled() {
    let Some(text) = falco_rules_text() else {
        return;
    };
    let default = engine(&[("falco.yaml", &text)]);
    let enabled = engine(&[("falco.yaml", &text), ("enable.yaml", ENABLE_ALL)]);
    for (rule, s) in [
        ("All Cloudtrail Events", "all_cloudtrail_events"),
        ("List Buckets", "list_buckets"),
    ] {
        let m = std::fs::read(fixture(&format!("falco/{s}.match.json"))).unwrap();
        assert_eq!(
            run(&default, &m, s)
                .alerts
                .iter()
                .filter(|a| a.rule == rule)
                .count(),
            0
        );
        assert!(run(&enabled, &m, s).alerts.iter().any(|a| a.rule == rule));
    }
    // evt.num > 0 holds for every event of every fixture.
    let m = std::fs::read(fixture("falco/run_instances.nomatch.json")).unwrap();
    let out = run(&enabled, &m, "x");
    let all = out
        .alerts
        .iter()
        .filter(|a| a.rule == "All Cloudtrail Events")
        .count() as u64;
    assert_eq!(all, out.stats.events);
}

#[test]
fn alerts_render_falco_outputs() {
    let Some(text) = falco_rules_text() else {
        return;
    };
    let e = engine(&[("falco.yaml", &text)]);
    let mut lines = Vec::new();
    for s in [
        "console_login_through_assume_role",
        "run_instances_in_non_approved_region",
        "deactivate_mfa_for_root_user",
        "delete_bucket_public_access_block",
        "put_bucket_policy",
    ] {
        let m = std::fs::read(fixture(&format!("falco/{s}.match.json"))).unwrap();
        for a in run(&e, &m, s).alerts {
            lines.push(a.text_line());
        }
    }
    insta::assert_snapshot!(lines.join("\n"));
}

#[test]
fn alert_json_has_who_what_when_where() {
    let Some(text) = falco_rules_text() else {
        return;
    };
    let e = engine(&[("falco.yaml", &text)]);
    let m = std::fs::read(fixture("falco/run_instances.match.json")).unwrap();
    let out = run(&e, &m, "run_instances.match.json");
    let alerts: Vec<_> = out
        .alerts
        .iter()
        .filter(|a| a.rule == "Run Instances")
        .collect();
    insta::assert_json_snapshot!(alerts);
}
