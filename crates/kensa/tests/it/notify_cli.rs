//! A run's SNS notifications through the binary: delivered to a topic on moto, and
//! against an endpoint that is down, given up after the notifier's attempts (each one
//! SNS call of at most two SDK attempts), recorded on the run as FAILED.
use std::path::Path;
use std::process::{Command, Output};

use kensa_aws::testing::http_stub::HttpStub;
use kensa_aws::testing::{MotoServer, TEST_REGION};
use serde_json::Value;

/// The notifier's attempts per delivery (kensa-assess's default retry policy).
const NOTIFIER_ATTEMPTS: usize = 4;

fn kensa(store: &Path, endpoint: &str, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_kensa"))
        .args(args)
        .env("KENSA_STORE", store)
        .env_remove("XDG_DATA_HOME")
        .env_remove("AWS_PROFILE")
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", TEST_REGION)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .output()
        .expect("run kensa");
    assert!(
        out.status.success(),
        "kensa {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs the demo account under a template whose run completion goes to `topic`, with
/// AWS at `endpoint`, and answers the run's recorded notifications.
fn notifications_of_a_run(endpoint: &str, topic: &str) -> Vec<Value> {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store.db");
    kensa(&store, endpoint, &["target", "create", "demo"]);
    let subscription = format!("ASSESSMENT_RUN_COMPLETED={topic}");
    kensa(
        &store,
        endpoint,
        &[
            "template",
            "create",
            "alerts",
            "--target",
            "demo",
            "--package",
            "config",
            "--subscribe",
            &subscription,
        ],
    );
    kensa(&store, endpoint, &["run", "start", "alerts", "--demo"]);
    let shown = kensa(&store, endpoint, &["run", "show", "1", "-f", "json"]);
    let shown: Value = serde_json::from_slice(&shown.stdout).unwrap();
    let run = if shown.is_array() { &shown[0] } else { &shown };
    assert_eq!(
        run["state"], "COMPLETED",
        "a failed delivery never fails the run"
    );
    run["notifications"].as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_completion_reaches_a_topic_on_moto_in_one_attempt() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let sns = kensa_aws::notify::sns_client_from(&moto.sdk_config(TEST_REGION).await);
    let topic = sns.create_topic().name("kensa-runs").send().await.unwrap();
    let topic = topic.topic_arn().unwrap().to_string();
    let sent = notifications_of_a_run(&moto.endpoint(), &topic);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["event"], "ASSESSMENT_RUN_COMPLETED");
    assert_eq!(sent[0]["status"], "SUCCESS", "{sent:?}");
    assert_eq!(sent[0]["attempts"], 1);
}

const TOPIC: &str = "arn:aws:sns:us-east-1:111122223333:kensa";

#[test]
fn a_failing_sns_endpoint_costs_four_notifier_attempts_of_two_sdk_attempts_each() {
    let stub = HttpStub::start(
        503,
        r#"<ErrorResponse><Error><Code>ServiceUnavailable</Code><Message>down</Message></Error></ErrorResponse>"#,
    );
    let sent = notifications_of_a_run(&stub.endpoint(), TOPIC);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["status"], "FAILED");
    assert_eq!(sent[0]["attempts"], NOTIFIER_ATTEMPTS as i64);
    assert!(
        sent[0]["message"].as_str().unwrap().contains("kensa"),
        "{sent:?}"
    );
    let publishes = stub
        .requests()
        .iter()
        .filter(|r| String::from_utf8_lossy(&r.body).contains("Action=Publish"))
        .count();
    assert_eq!(
        publishes,
        NOTIFIER_ATTEMPTS * kensa_aws::notify::SNS_SDK_ATTEMPTS as usize
    );
}

#[test]
fn an_unreachable_sns_endpoint_is_recorded_as_failed_after_the_notifiers_attempts() {
    let sent = notifications_of_a_run("http://127.0.0.1:9", TOPIC);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["status"], "FAILED");
    assert_eq!(sent[0]["attempts"], NOTIFIER_ATTEMPTS as i64);
    assert!(sent[0]["message"].is_string(), "{sent:?}");
}

/// A run executed by `kensa serve --worker` notifies as `kensa run start` does: the
/// server's notifier has the SNS sink too (it once had webhooks only, so every SNS
/// subscription failed there with "needs the aws feature").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_executed_by_a_server_worker_reaches_a_topic_on_moto() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let Some(url) = kensa_store::testing::postgres_database("serve_sns").await else {
        return;
    };
    let sns = kensa_aws::notify::sns_client_from(&moto.sdk_config(TEST_REGION).await);
    let topic = sns.create_topic().name("kensa-serve").send().await.unwrap();
    let topic = topic.topic_arn().unwrap().to_string();

    let store = kensa_store::Store::open(&kensa_store::Location::Postgres(url.clone()))
        .await
        .unwrap();
    store
        .create_target(&kensa_store::NewTarget {
            name: "demo".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let template = store
        .create_template(&kensa_store::NewTemplate {
            name: "alerts".into(),
            target: "demo".into(),
            packages: vec!["config".into()],
            subscriptions: vec![format!("ASSESSMENT_RUN_COMPLETED={topic}").parse().unwrap()],
            ..Default::default()
        })
        .await
        .unwrap();
    let logs = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kensa"));
    cmd.args(["serve", "--worker", "--store", &url, "--poll-seconds", "1"])
        .env_remove("AWS_PROFILE")
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(logs.path().join("worker.log")).unwrap());
    for (k, v) in moto.env() {
        cmd.env(k, v);
    }
    let mut worker = cmd.spawn().expect("start kensa serve --worker");
    let run = store.create_queued_run(&template, "demo").await.unwrap();
    // The completion is notified after the run is marked COMPLETED: wait for both.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
    let (done, sent) = loop {
        let r = store.run(run).await.unwrap();
        let sent = store.run_deliveries(run).await.unwrap();
        if r.state.is_final() && !sent.is_empty() {
            break (r, sent);
        }
        assert!(
            std::time::Instant::now() < deadline,
            "run {run} never notified: {r:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let _ = worker.kill();
    let _ = worker.wait();
    let log = std::fs::read_to_string(logs.path().join("worker.log")).unwrap_or_default();
    assert_eq!(
        done.state,
        kensa_store::RunState::Completed,
        "{done:?}\n{log}"
    );
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(
        sent[0].status,
        kensa_store::DeliveryStatus::Success,
        "{sent:?}\n{log}"
    );
    assert_eq!(sent[0].attempts, 1, "{sent:?}");
}
