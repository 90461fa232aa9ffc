//! Exactly-once alerting with the real engine and kensa's bundled rules: S3 watch and
//! SQS watch across restarts (same state directory), duplicates of the same event, and
//! alerts published to SNS.

use kensa_aws::trail::{
    EnginePipeline, S3Location, S3Watcher, SeenWindow, SnsAlertSink, SnsPublisher, SqsWatcher,
    TrailClients,
};
use kensa_trail::{load_rule_sources, Alert, Engine, Sink, SinkError};
use serde_json::{json, Value};
use std::path::Path;

use crate::moto_or_skip;
use crate::trail_setup::{self as setup, create_bucket, create_queue, log_file, record};
use std::sync::{Arc, Mutex};

const BUCKET: &str = "trail-bucket";

fn engine() -> Engine {
    let (rules, diags) = load_rule_sources(&kensa_trail::bundled_rules());
    assert!(diags.is_empty(), "{diags:?}");
    Engine::new(rules)
}

/// Keeps (rule, event id) of every alert it is given.
#[derive(Clone, Default)]
struct Collect(Arc<Mutex<Vec<(String, String)>>>);

impl Sink<Alert> for Collect {
    fn emit(&mut self, alert: &Alert) -> Result<(), SinkError> {
        let id = alert.event_id.clone().unwrap_or_default();
        self.0.lock().unwrap().push((alert.rule.clone(), id));
        Ok(())
    }
    fn flush(&mut self) -> Result<(), SinkError> {
        Ok(())
    }
}

impl Collect {
    fn take(&self) -> Vec<(String, String)> {
        let mut got = std::mem::take(&mut *self.0.lock().unwrap());
        got.sort();
        got
    }
}

fn pipeline(state: &Path, sinks: Vec<Box<dyn Sink<Alert>>>) -> EnginePipeline {
    let seen = SeenWindow::load(&state.join("seen.json"), 1000).unwrap();
    EnginePipeline::new(engine(), sinks, seen)
}

/// A world-open SSH ingress rule: "Security Group Rules Changed" and "... Opened To The
/// Internet On Admin Ports" both fire.
fn open_ssh(id: &str) -> Value {
    record(
        id,
        "AuthorizeSecurityGroupIngress",
        "111122223333",
        "us-east-1",
    )
}

fn subnet_deleted(id: &str) -> Value {
    let mut ev = open_ssh(id);
    ev["eventName"] = json!("DeleteSubnet");
    ev["requestParameters"] = json!({"subnetId": "subnet-1"});
    ev
}

fn key(stamp: &str) -> String {
    format!("AWSLogs/o-abc123def4/111122223333/CloudTrail/us-east-1/2023/07/10/111122223333_CloudTrail_us-east-1_20230710T{stamp}Z_r.json.gz")
}

async fn put(clients: &TrailClients, key: &str, body: Vec<u8>) {
    setup::put(clients, BUCKET, key, body).await;
}

async fn s3_pass(clients: &TrailClients, state: &Path, sink: &Collect) -> u64 {
    let location = S3Location::parse(&format!("s3://{BUCKET}/AWSLogs/")).unwrap();
    let mut watcher = S3Watcher::new(clients.s3.clone(), location, state.join("s3.json")).unwrap();
    let mut pipe = pipeline(state, vec![Box::new(sink.clone())]);
    let stats = watcher.poll_once(&mut pipe).await.unwrap();
    assert!(stats.errors.is_empty(), "{stats:?}");
    pipe.counters.duplicates
}

const CHANGED: &str = "EC2 Security Group Rules Changed";
const OPENED: &str = "EC2 Security Group Opened To The Internet On Admin Ports";
const SUBNET: &str = "EC2 Subnet Deleted";

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<_> = list
        .iter()
        .map(|(r, i)| (r.to_string(), i.to_string()))
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "current_thread")]
async fn s3_watch_alerts_exactly_once_across_restarts() {
    let moto = moto_or_skip!();
    let clients = setup::clients(&moto).await;
    create_bucket(&clients, BUCKET).await;
    let state = tempfile::tempdir().unwrap();
    let sink = Collect::default();

    put(&clients, &key("1200"), log_file(&[open_ssh("ev-1")])).await;
    s3_pass(&clients, state.path(), &sink).await;
    assert_eq!(sink.take(), pairs(&[(CHANGED, "ev-1"), (OPENED, "ev-1")]));

    // Restart: nothing is alerted again.
    s3_pass(&clients, state.path(), &sink).await;
    assert!(sink.take().is_empty());

    // A new file is picked up; a re-delivered copy of ev-1 inside it is suppressed.
    put(
        &clients,
        &key("1205"),
        log_file(&[open_ssh("ev-1"), subnet_deleted("ev-2")]),
    )
    .await;
    let duplicates = s3_pass(&clients, state.path(), &sink).await;
    assert_eq!(sink.take(), pairs(&[(SUBNET, "ev-2")]));
    assert_eq!(duplicates, 2);

    s3_pass(&clients, state.path(), &sink).await;
    assert!(sink.take().is_empty());
}

#[tokio::test(flavor = "current_thread")]
async fn sqs_watch_alerts_once_per_event_and_publishes_to_sns() {
    let moto = moto_or_skip!();
    let clients = setup::clients(&moto).await;
    let (topic_arn, inbox_url) = setup::topic_with_inbox(&clients, "alerts", "inbox").await;
    let events_url = create_queue(&clients, "events").await;

    let eventbridge = |ev: Value| {
        json!({"version": "0", "detail-type": "AWS API Call via CloudTrail", "source": "aws.ec2", "detail": ev}).to_string()
    };
    let send = |body: String| {
        let sqs = clients.sqs.clone();
        let url = events_url.clone();
        async move {
            sqs.send_message()
                .queue_url(url)
                .message_body(body)
                .send()
                .await
                .unwrap()
        }
    };
    // The same event twice (at-least-once delivery), then once more after a restart.
    send(eventbridge(open_ssh("ev-9"))).await;
    send(eventbridge(open_ssh("ev-9"))).await;

    let state = tempfile::tempdir().unwrap();
    let run = |sink: Collect| {
        let publisher = SnsPublisher::new(clients.sns.clone(), topic_arn.clone()).unwrap();
        let sinks: Vec<Box<dyn Sink<Alert>>> =
            vec![Box::new(sink), Box::new(SnsAlertSink::new(publisher))];
        let mut pipe = pipeline(state.path(), sinks);
        let mut watcher =
            SqsWatcher::new(clients.sqs.clone(), clients.s3.clone(), events_url.clone());
        watcher.wait_seconds = 1;
        async move {
            loop {
                let stats = watcher.poll_once(&mut pipe).await.unwrap();
                assert!(stats.errors.is_empty(), "{stats:?}");
                if stats.messages == 0 {
                    return pipe.counters;
                }
            }
        }
    };
    let sink = Collect::default();
    let counters = run(sink.clone()).await;
    assert_eq!(sink.take(), pairs(&[(CHANGED, "ev-9"), (OPENED, "ev-9")]));
    assert_eq!(
        (counters.deliveries, counters.alerts, counters.duplicates),
        (2, 2, 2)
    );

    send(eventbridge(open_ssh("ev-9"))).await;
    send(eventbridge(subnet_deleted("ev-10"))).await;
    run(sink.clone()).await;
    assert_eq!(sink.take(), pairs(&[(SUBNET, "ev-10")]));

    // SNS got each alert once: three messages in the subscribed queue.
    let mut published = Vec::new();
    loop {
        let got = clients
            .sqs
            .receive_message()
            .queue_url(&inbox_url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await
            .unwrap();
        if got.messages().is_empty() {
            break;
        }
        for m in got.messages() {
            let envelope: Value = serde_json::from_str(m.body().unwrap()).unwrap();
            let alert: Value = serde_json::from_str(envelope["Message"].as_str().unwrap()).unwrap();
            published.push(alert["rule"].as_str().unwrap().to_owned());
            clients
                .sqs
                .delete_message()
                .queue_url(&inbox_url)
                .receipt_handle(m.receipt_handle().unwrap())
                .send()
                .await
                .unwrap();
        }
    }
    published.sort();
    assert_eq!(published, [OPENED, CHANGED, SUBNET]);
}
