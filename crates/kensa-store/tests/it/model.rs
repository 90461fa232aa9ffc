//! Targets and templates: validation and what is refused.
use kensa_store::{NewTarget, NewTemplate, StoreError, Subscription, TagPair};

use crate::backends::stores;

pub fn target(name: &str, tags: &[&str]) -> NewTarget {
    NewTarget {
        name: name.into(),
        accounts: vec!["111122223333".into()],
        regions: vec!["us-east-1".into()],
        tags: tags.iter().map(|t| t.parse().unwrap()).collect(),
    }
}

pub fn template(name: &str, target: &str, packages: &[&str]) -> NewTemplate {
    NewTemplate {
        name: name.into(),
        target: target.into(),
        packages: packages.iter().map(|p| p.to_string()).collect(),
        framework: None,
        user_attributes: vec![("owner".into(), "team-a".into())],
        subscriptions: vec!["ASSESSMENT_RUN_COMPLETED=https://hooks.example/x"
            .parse()
            .unwrap()],
    }
}

#[tokio::test]
async fn targets_and_templates_round_trip_and_refuse_bad_input() {
    for t in stores().await {
        let s = &t.store;
        let created = s
            .create_target(&target("prod", &["env=prod", "team=web"]))
            .await
            .unwrap();
        assert_eq!(created.tags.len(), 2, "{}", t.name);
        assert_eq!(s.targets().await.unwrap(), vec![created.clone()]);
        let eleven: Vec<String> = (0..11).map(|i| format!("k{i}=v")).collect();
        let eleven: Vec<&str> = eleven.iter().map(String::as_str).collect();
        let err = s.create_target(&target("big", &eleven)).await.unwrap_err();
        assert!(
            err.to_string().contains("11 tag pairs"),
            "{}: {err}",
            t.name
        );
        assert!(matches!(
            s.create_target(&target("prod", &[])).await,
            Err(StoreError::Exists { .. })
        ));

        let err = s
            .create_template(&template("t", "prod", &["network-reachability", "kernel"]))
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("unknown package `kernel`"),
            "{err}"
        );
        let err = s
            .create_template(&template("t", "nowhere", &["config"]))
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("target `nowhere` does not exist"),
            "{err}"
        );
        let mut many = template("t", "prod", &["config"]);
        many.user_attributes = (0..11).map(|i| (format!("a{i}"), "v".into())).collect();
        let err = s.create_template(&many).await.unwrap_err();
        assert!(err.to_string().contains("at most 10"), "{err}");

        let tpl = s
            .create_template(&template(
                "weekly",
                "prod",
                &["config", "network-reachability"],
            ))
            .await
            .unwrap();
        assert_eq!(tpl.framework.as_deref(), Some("fsbp"));
        assert_eq!(tpl.target, "prod");
        assert_eq!(tpl.user_attributes["owner"], "team-a");
        assert_eq!(s.template("weekly").await.unwrap(), tpl);
        let err = s.delete_target("prod").await.unwrap_err();
        assert!(
            err.to_string().contains("used by template(s) weekly"),
            "{err}"
        );
        s.delete_template("weekly", false).await.unwrap();
        s.delete_target("prod").await.unwrap();
        assert!(s.targets().await.unwrap().is_empty());
    }
}

#[test]
fn tag_pairs_and_subscriptions_parse_or_say_why() {
    assert_eq!(
        "env = prod".parse::<TagPair>().unwrap(),
        TagPair {
            key: "env".into(),
            value: "prod".into()
        }
    );
    assert!("env"
        .parse::<TagPair>()
        .unwrap_err()
        .to_string()
        .contains("KEY=VALUE"));
    let err = "RUN_DONE=arn:x".parse::<Subscription>().unwrap_err();
    assert!(
        err.to_string().contains("unknown event `RUN_DONE`"),
        "{err}"
    );
}
