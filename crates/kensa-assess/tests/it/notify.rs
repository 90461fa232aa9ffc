//! Runs of the demo account whose template subscribes webhooks: what arrives, in what
//! shape, and what the run records; retries, permanent refusals and dead endpoints.
use std::time::Duration;

use kensa_assess::notify::{Notifier, Retry};
use kensa_assess::Input;
use kensa_model::Severity;
use kensa_store::{
    DeliveryStatus, Event, Location, NewTarget, NewTemplate, RunState, Store, Subscription,
};

use crate::http::WebhookServer;

async fn store(dir: &tempfile::TempDir) -> Store {
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
    store
}

async fn template(store: &Store, name: &str, subscriptions: &[String]) -> kensa_store::Template {
    store
        .create_template(&NewTemplate {
            name: name.into(),
            target: "all".into(),
            packages: vec!["network-reachability".into(), "config".into()],
            subscriptions: subscriptions.iter().map(|s| s.parse().unwrap()).collect(),
            ..Default::default()
        })
        .await
        .unwrap()
}

fn quick() -> Notifier {
    Notifier::default().with_retry(Retry {
        attempts: 3,
        first_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_delivers_inspector_shaped_events_and_records_them() {
    let server = WebhookServer::start(Vec::new());
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let hook = format!("{}/hook", server.url);
    let subs = vec![
        format!("ASSESSMENT_RUN_STARTED={hook}"),
        format!("ASSESSMENT_RUN_STATE_CHANGED={hook}"),
        format!("ASSESSMENT_RUN_COMPLETED={hook}"),
        format!("FINDING_REPORTED={hook}"),
        format!("FINDING_REPORTED:high=slack+{}/slack", server.url),
    ];
    let t = template(&store, "notified", &subs).await;
    let run = kensa_assess::start_with(&store, &t, async { Ok(Input::Demo) }, &quick())
        .await
        .unwrap();
    assert_eq!(run.state, RunState::Completed);

    let bodies = server.bodies("/hook");
    let run_arn = format!(
        "kensa:target/{}/template/{}/run/{}",
        t.target_id, t.id, run.id
    );
    for b in &bodies {
        assert_eq!(b["run"], run_arn.as_str(), "{b}");
        assert_eq!(
            b["target"],
            format!("kensa:target/{}", t.target_id).as_str()
        );
        assert!(b["time"].as_str().unwrap().ends_with('Z'), "{b}");
        assert!(b["template"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/template/{}", t.id)));
    }
    let events: Vec<&str> = bodies
        .iter()
        .map(|b| b["event"].as_str().unwrap())
        .collect();
    let states: Vec<&str> = bodies
        .iter()
        .filter_map(|b| b.get("newstate").and_then(|s| s.as_str()))
        .collect();
    assert_eq!(events[0], "ASSESSMENT_RUN_STARTED");
    assert_eq!(
        states,
        [
            "COLLECTING_DATA",
            "DATA_COLLECTED",
            "EVALUATING_RULES",
            "COMPLETED"
        ]
    );
    let completed: Vec<_> = bodies
        .iter()
        .filter(|b| b["event"] == "ASSESSMENT_RUN_COMPLETED")
        .collect();
    assert_eq!(completed.len(), 1);
    assert!(completed[0]["findingsCount"]
        .as_str()
        .unwrap()
        .contains(&format!("high={}", run.counts.high)));

    // FINDING_REPORTED: every finding of this first run is new.
    let reported: Vec<_> = bodies
        .iter()
        .filter(|b| b["event"] == "FINDING_REPORTED")
        .collect();
    assert_eq!(reported.len() as i64, run.counts.total().min(1000));
    for b in &reported {
        let id = b["kensa"]["finding_id"].as_str().unwrap();
        assert_eq!(b["finding"], format!("{run_arn}/finding/{id}").as_str());
        store.finding(id).await.unwrap();
    }
    // Slack: a `text` body, only high and critical.
    let slack = server.bodies("/slack");
    assert!(
        run.counts.high + run.counts.critical > 0,
        "the demo has high findings"
    );
    assert_eq!(slack.len() as i64, run.counts.high + run.counts.critical);
    assert!(slack
        .iter()
        .all(|b| b["text"].as_str().unwrap().starts_with("kensa: new ")));

    let recorded = store.run_deliveries(run.id).await.unwrap();
    assert_eq!(recorded.len(), bodies.len() + slack.len());
    assert!(recorded
        .iter()
        .all(|d| d.status == DeliveryStatus::Success && d.attempts == 1));
    assert_eq!(
        recorded
            .iter()
            .filter(|d| d.event == Event::FindingReported)
            .count(),
        reported.len() + slack.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_reports_only_what_is_new() {
    let server = WebhookServer::start(Vec::new());
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let subs = vec![format!("FINDING_REPORTED={}/new", server.url)];
    let t = template(&store, "twice", &subs).await;
    let first = kensa_assess::start_with(&store, &t, async { Ok(Input::Demo) }, &quick())
        .await
        .unwrap();
    let after_first = server.bodies("/new").len();
    assert!(after_first > 0);
    let second = kensa_assess::start_with(&store, &t, async { Ok(Input::Demo) }, &quick())
        .await
        .unwrap();
    assert_eq!(first.counts, second.counts);
    assert_eq!(
        server.bodies("/new").len(),
        after_first,
        "nothing new the second time"
    );
    assert!(store.run_deliveries(second.id).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_are_retried_refusals_are_not_and_the_run_still_completes() {
    // 503, 503, then 200: delivered at the third attempt. Then 400: not retried.
    let server = WebhookServer::start(vec![503, 503, 200, 400]);
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let subs = vec![
        format!("ASSESSMENT_RUN_STARTED={}/retry", server.url),
        format!("ASSESSMENT_RUN_COMPLETED={}/refused", server.url),
        format!("ASSESSMENT_RUN_COMPLETED=http://{dead}/gone"),
        "ASSESSMENT_RUN_COMPLETED=arn:aws:sns:us-east-1:123456789012:no-sink".to_string(),
    ];
    let t = template(&store, "flaky", &subs).await;
    let run = kensa_assess::start_with(&store, &t, async { Ok(Input::Demo) }, &quick())
        .await
        .unwrap();
    assert_eq!(run.state, RunState::Completed);
    let d = store.run_deliveries(run.id).await.unwrap();
    let by = |suffix: &str| d.iter().find(|d| d.destination.ends_with(suffix)).unwrap();
    assert_eq!(
        (by("/retry").status, by("/retry").attempts),
        (DeliveryStatus::Success, 3)
    );
    let refused = by("/refused");
    assert_eq!(
        (refused.status, refused.attempts),
        (DeliveryStatus::Failed, 1)
    );
    assert!(
        refused.message.as_deref().unwrap().contains("HTTP 400"),
        "{refused:?}"
    );
    let gone = by("/gone");
    assert_eq!((gone.status, gone.attempts), (DeliveryStatus::Failed, 3));
    let sns = by(":no-sink");
    assert_eq!(sns.status, DeliveryStatus::Failed);
    assert!(
        sns.message.as_deref().unwrap().contains("no sink"),
        "{sns:?}"
    );
}

#[test]
fn subscriptions_say_what_is_wrong() {
    let err = |s: &str| s.parse::<Subscription>().unwrap_err().to_string();
    assert!(err("FINDING_REPORTED=ftp://x").contains("unknown endpoint `ftp://x`"));
    assert!(err("ASSESSMENT_RUN_STARTED:high=https://x").contains("FINDING_REPORTED only"));
    assert!(err("FINDING_REPORTED:urgent=https://x").contains("unknown severity"));
    assert!(err("FINDING_REPORTED=arn:aws:sns:us-east-1:topic")
        .contains("arn:aws:sns:REGION:ACCOUNT:TOPIC"));
    let s: Subscription = "finding_reported:critical=slack+https://hooks.example/T"
        .parse()
        .unwrap();
    assert_eq!(s.min_severity, Some(Severity::Critical));
}
