//! A run's passed rules round-trip; a run that recorded none reads as "not known", not
//! as "none passed"; recording again replaces.
use kensa_model::{Package, Severity};
use kensa_store::{PassedRule, PassedRules};

use crate::backends::stores;
use crate::model::{target, template};

#[tokio::test]
async fn passed_rules_are_recorded_per_run_and_unknown_until_recorded() {
    for t in stores().await {
        let s = &t.store;
        s.create_target(&target("all", &[])).await.unwrap();
        let tpl = s
            .create_template(&template("tpl", "all", &["config", "network-reachability"]))
            .await
            .unwrap();
        let run = s.create_run(&tpl).await.unwrap();
        assert_eq!(s.passed_rules(run).await.unwrap(), None, "{}", t.name);
        let rule = |package, id: &str, severity, n| PassedRule {
            package,
            rule_id: id.into(),
            title: format!("{id} holds"),
            severity,
            resources_evaluated: n,
        };
        let recorded = PassedRules {
            rules_evaluated: 40,
            passed: vec![
                rule(Package::Config, "fsbp:EC2.2", Severity::High, 7),
                rule(
                    Package::NetworkReachability,
                    "NetworkExposure",
                    Severity::Informational,
                    12,
                ),
            ],
        };
        s.record_passed_rules(run, &recorded).await.unwrap();
        assert_eq!(
            s.passed_rules(run).await.unwrap(),
            Some(recorded),
            "{}",
            t.name
        );
        let none = PassedRules {
            rules_evaluated: 40,
            passed: Vec::new(),
        };
        s.record_passed_rules(run, &none).await.unwrap();
        assert_eq!(s.passed_rules(run).await.unwrap(), Some(none), "{}", t.name);
        assert!(s.passed_rules(run + 100).await.is_err(), "{}", t.name);
    }
}
