//! A live run's unit (account × region) that every worker died collecting is given up:
//! the run still completes, with errors, and an exclusion names the account and region
//! it could not assess (and so resolves nothing).
use kensa_assess::Input;
use kensa_store::{ExclusionKind, Location, NewTarget, NewTemplate, RunState, Store};

#[tokio::test]
async fn a_given_up_unit_makes_the_run_partial_with_an_exclusion_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&Location::File(dir.path().join("store.db")))
        .await
        .unwrap();
    store
        .create_target(&NewTarget {
            name: "all".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let template = store
        .create_template(&NewTemplate {
            name: "live".into(),
            target: "all".into(),
            packages: vec!["network-reachability".into(), "config".into()],
            ..Default::default()
        })
        .await
        .unwrap();
    let target = store.target("all").await.unwrap();
    let run = store.create_queued_run(&template, "live").await.unwrap();
    let units = vec![
        ("111122223333".to_string(), "eu-west-1".to_string()),
        ("111122223333".to_string(), "us-east-1".to_string()),
    ];
    store.plan_units(run, &units).await.unwrap();
    let (t0, lease, max) = (1_800_000_000_000_i64, 1_000, 2);
    let claim = |at: i64| {
        let store = store.clone();
        async move {
            store
                .claim_next_unit(Some(run), "worker", at, lease, max)
                .await
                .unwrap()
        }
    };
    // eu-west-1 kills the worker twice (its lease runs out each time); then it is no
    // longer claimed and us-east-1 is collected.
    for attempt in 1..=max {
        let unit = claim(t0 + attempt * 2 * lease).await.unwrap();
        assert_eq!(
            (unit.region.as_str(), unit.attempts),
            ("eu-west-1", attempt)
        );
    }
    let other = claim(t0 + 10 * lease).await.unwrap();
    assert_eq!(other.region, "us-east-1");
    assert!(store.finish_unit(&other, "worker", "{}").await.unwrap());
    assert!(claim(t0 + 12 * lease).await.is_none());
    assert_eq!(
        store
            .fail_exhausted_units(run, max, t0 + 12 * lease)
            .await
            .unwrap(),
        1
    );

    // The surviving units' snapshot (here the demo account) is assessed.
    let done = kensa_assess::execute(&store, run, &template, &target, async { Ok(Input::Demo) })
        .await
        .unwrap();
    assert_eq!(done.state, RunState::CompletedWithErrors);
    let exclusions = store.exclusions(run).await.unwrap();
    let lost = exclusions
        .iter()
        .find(|e| e.attributes.get("REGION").map(String::as_str) == Some("eu-west-1"))
        .expect("an exclusion for the given-up unit");
    assert_eq!(lost.kind, ExclusionKind::InputIncomplete);
    assert_eq!(
        lost.title,
        "Account 111122223333 region eu-west-1 not assessed"
    );
    assert!(
        lost.description.contains("given up after 2 claims"),
        "{}",
        lost.description
    );
    assert!(!exclusions
        .iter()
        .any(|e| e.attributes.get("REGION").map(String::as_str) == Some("us-east-1")));
}
