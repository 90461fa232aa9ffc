//! `kensa trail watch` sources against moto: S3 listing with a durable checkpoint
//! (organisation layout, restarts, late files, failures) and SQS notifications of every
//! shape, deleted only after processing.

use kensa_aws::trail::{
    Delivery, DeliveryHandler, S3Location, S3Watcher, SqsWatcher, TrailClients,
};
use serde_json::{json, Value};
use std::io::Read;

use crate::moto_or_skip;
use crate::trail_setup::{self as setup, create_bucket, create_queue, log_file, record};

const BUCKET: &str = "org-trail";
const ORG: &str = "AWSLogs/o-abc123def4";

fn log_key(account: &str, region: &str, day: &str, stamp: &str) -> String {
    format!(
        "{ORG}/{account}/CloudTrail/{region}/{day}/{account}_CloudTrail_{region}_{}T{stamp}Z_x{stamp}.json.gz",
        day.replace('/', "")
    )
}

/// Records what it was handed; fails deliveries whose origin contains `fail_on`.
#[derive(Default)]
struct Recorder {
    origins: Vec<String>,
    event_ids: Vec<String>,
    fail_on: Option<String>,
}

fn events_of(bytes: &[u8]) -> Vec<Value> {
    let mut text = Vec::new();
    if bytes.starts_with(&[0x1f, 0x8b]) {
        flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut text)
            .unwrap();
    } else {
        text = bytes.to_vec();
    }
    let doc: Value = serde_json::from_slice(&text).unwrap();
    match (doc.get("Records"), doc.get("detail")) {
        (Some(Value::Array(records)), _) => records.clone(),
        (_, Some(detail)) => vec![detail.clone()],
        _ => vec![doc],
    }
}

impl DeliveryHandler for Recorder {
    fn handle(&mut self, delivery: &Delivery) -> Result<(), String> {
        if self
            .fail_on
            .as_deref()
            .is_some_and(|f| delivery.origin.contains(f))
        {
            return Err("sink unavailable".into());
        }
        self.origins.push(delivery.origin.clone());
        for ev in events_of(&delivery.bytes) {
            self.event_ids
                .push(ev["eventID"].as_str().unwrap_or("?").to_owned());
        }
        Ok(())
    }
}

async fn put(clients: &TrailClients, key: &str, body: Vec<u8>) {
    setup::put(clients, BUCKET, key, body).await;
}

async fn watch_once(
    clients: &TrailClients,
    checkpoint: &std::path::Path,
    handler: &mut Recorder,
) -> kensa_aws::trail::PassStats {
    let location = S3Location::parse(&format!("s3://{BUCKET}/{ORG}")).unwrap();
    let mut watcher =
        S3Watcher::new(clients.s3.clone(), location, checkpoint.to_path_buf()).unwrap();
    watcher.poll_once(handler).await.unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn s3_watch_delivers_each_object_once_across_restarts() {
    let moto = moto_or_skip!();
    let clients = setup::clients(&moto).await;
    create_bucket(&clients, BUCKET).await;
    let a = "111122223333";
    let b = "444455556666";
    put(
        &clients,
        &log_key(a, "us-east-1", "2023/07/10", "1200"),
        log_file(&[
            record("e1", "RunInstances", a, "us-east-1"),
            record("e2", "DescribeInstances", a, "us-east-1"),
        ]),
    )
    .await;
    put(
        &clients,
        &log_key(a, "us-east-1", "2023/07/10", "1205"),
        log_file(&[record(
            "e3",
            "AuthorizeSecurityGroupIngress",
            a,
            "us-east-1",
        )]),
    )
    .await;
    put(
        &clients,
        &log_key(b, "eu-west-1", "2023/07/10", "1200"),
        log_file(&[record("e4", "RunInstances", b, "eu-west-1")]),
    )
    .await;
    // Digest files are not events and must be ignored.
    put(&clients, &format!("{ORG}/{a}/CloudTrail-Digest/us-east-1/2023/07/10/{a}_CloudTrail-Digest_us-east-1_x.json.gz"), log_file(&[])).await;

    let dir = tempfile::tempdir().unwrap();
    let checkpoint = dir.path().join("s3-checkpoint.json");

    let mut first = Recorder::default();
    let stats = watch_once(&clients, &checkpoint, &mut first).await;
    assert_eq!(stats.delivered, 3, "{stats:?}");
    assert!(stats.errors.is_empty(), "{stats:?}");
    first.event_ids.sort();
    assert_eq!(first.event_ids, ["e1", "e2", "e3", "e4"]);

    // Restart with the same checkpoint: nothing again.
    let mut second = Recorder::default();
    let stats = watch_once(&clients, &checkpoint, &mut second).await;
    assert_eq!((stats.delivered, stats.already_done), (0, 3), "{stats:?}");
    assert!(second.event_ids.is_empty());

    // New files, one of them late (earlier time stamp in an already seen day), and
    // later days: each picked up exactly once; a failing one is retried.
    put(
        &clients,
        &log_key(a, "us-east-1", "2023/07/10", "1150"),
        log_file(&[record("e5", "RunInstances", a, "us-east-1")]),
    )
    .await;
    put(
        &clients,
        &log_key(a, "us-east-1", "2023/07/11", "0000"),
        log_file(&[record("e6", "RunInstances", a, "us-east-1")]),
    )
    .await;
    put(
        &clients,
        &log_key(a, "us-east-1", "2023/07/12", "0000"),
        log_file(&[record("e7", "RunInstances", a, "us-east-1")]),
    )
    .await;
    put(
        &clients,
        &log_key(b, "eu-west-1", "2023/07/12", "0000"),
        log_file(&[record("e8", "RunInstances", b, "eu-west-1")]),
    )
    .await;
    let mut third = Recorder {
        fail_on: Some(format!("{b}/CloudTrail/eu-west-1/2023/07/12")),
        ..Recorder::default()
    };
    let stats = watch_once(&clients, &checkpoint, &mut third).await;
    third.event_ids.sort();
    assert_eq!(third.event_ids, ["e5", "e6", "e7"]);
    assert_eq!(stats.errors.len(), 1, "{stats:?}");
    assert!(
        stats.errors[0].contains("sink unavailable")
            && stats.errors[0].contains("eu-west-1/2023/07/12")
    );

    let mut fourth = Recorder::default();
    let stats = watch_once(&clients, &checkpoint, &mut fourth).await;
    assert_eq!(fourth.event_ids, ["e8"], "{stats:?}");
    let mut fifth = Recorder::default();
    watch_once(&clients, &checkpoint, &mut fifth).await;
    assert!(fifth.event_ids.is_empty());
}

async fn drain(watcher: &mut SqsWatcher, handler: &mut Recorder) -> kensa_aws::trail::PassStats {
    let mut total = kensa_aws::trail::PassStats::default();
    loop {
        let stats = watcher.poll_once(handler).await.unwrap();
        let empty = stats.messages == 0;
        total.add(stats);
        if empty {
            return total;
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn sqs_watch_understands_every_notification_shape() {
    let moto = moto_or_skip!();
    let clients = setup::clients(&moto).await;
    create_bucket(&clients, BUCKET).await;
    let a = "111122223333";
    let spaced = format!("{ORG}/{a}/CloudTrail/us-east-1/2023/07/10/odd name:1.json.gz");
    let plain = log_key(a, "us-east-1", "2023/07/10", "1200");
    let second = log_key(a, "us-east-1", "2023/07/10", "1205");
    put(
        &clients,
        &spaced,
        log_file(&[record("s1", "RunInstances", a, "us-east-1")]),
    )
    .await;
    put(
        &clients,
        &plain,
        log_file(&[record("c1", "RunInstances", a, "us-east-1")]),
    )
    .await;
    put(
        &clients,
        &second,
        log_file(&[record("c2", "RunInstances", a, "us-east-1")]),
    )
    .await;

    let queue_url = create_queue(&clients, "trail-events").await;
    let s3_note = |key: &str| {
        let encoded = key.replace(' ', "+").replace(':', "%3A");
        json!({"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
            "eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": BUCKET}, "object": {"key": encoded}}}]})
        .to_string()
    };
    let cloudtrail_note =
        json!({"s3Bucket": BUCKET, "s3ObjectKey": [plain.clone(), second.clone()]}).to_string();
    let bodies = [
        s3_note(&spaced),
        json!({"Type": "Notification", "MessageId": "m1", "Message": cloudtrail_note}).to_string(),
        json!({"Type": "Notification", "MessageId": "m2", "Message": s3_note(&plain)}).to_string(),
        json!({"version": "0", "id": "eb1", "detail-type": "AWS API Call via CloudTrail", "source": "aws.ec2",
               "detail": record("b1", "AuthorizeSecurityGroupIngress", a, "us-east-1")}).to_string(),
        json!({"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": BUCKET}).to_string(),
        "this is not json".to_owned(),
    ];
    for body in &bodies {
        clients
            .sqs
            .send_message()
            .queue_url(&queue_url)
            .message_body(body)
            .send()
            .await
            .unwrap();
    }

    let mut watcher = SqsWatcher::new(clients.sqs.clone(), clients.s3.clone(), queue_url.clone());
    watcher.wait_seconds = 1;
    let mut recorder = Recorder::default();
    let stats = drain(&mut watcher, &mut recorder).await;
    assert_eq!((stats.messages, stats.deleted), (6, 6), "{stats:?}");
    assert_eq!(stats.errors.len(), 1, "only the garbage message: {stats:?}");
    assert!(stats.errors[0].contains("not JSON"));
    recorder.event_ids.sort();
    // c1 twice: two notifications named the same object (the events' dedup is the
    // pipeline's job, by eventID).
    assert_eq!(recorder.event_ids, ["b1", "c1", "c1", "c2", "s1"]);
    assert!(recorder
        .origins
        .iter()
        .any(|o| o.ends_with("odd name:1.json.gz")));
    assert!(recorder.origins.iter().any(|o| o.starts_with("sqs:")));
}

#[tokio::test(flavor = "current_thread")]
async fn sqs_message_is_kept_until_its_events_are_processed() {
    let moto = moto_or_skip!();
    let clients = setup::clients(&moto).await;
    let queue = clients
        .sqs
        .create_queue()
        .queue_name("trail-retry")
        .attributes(
            aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout,
            "1",
        )
        .send()
        .await
        .unwrap();
    let queue_url = queue.queue_url().unwrap().to_owned();
    let event = json!({"detail-type": "AWS API Call via CloudTrail", "detail": record("r1", "RunInstances", "111122223333", "us-east-1")});
    clients
        .sqs
        .send_message()
        .queue_url(&queue_url)
        .message_body(event.to_string())
        .send()
        .await
        .unwrap();

    let mut watcher = SqsWatcher::new(clients.sqs.clone(), clients.s3.clone(), queue_url.clone());
    watcher.wait_seconds = 1;
    let mut failing = Recorder {
        fail_on: Some("sqs:".into()),
        ..Recorder::default()
    };
    let stats = watcher.poll_once(&mut failing).await.unwrap();
    assert_eq!(
        (stats.messages, stats.deleted, stats.errors.len()),
        (1, 0, 1),
        "{stats:?}"
    );

    // The message comes back after its visibility timeout and is processed then.
    let mut working = Recorder::default();
    let mut stats = kensa_aws::trail::PassStats::default();
    for _ in 0..10 {
        stats.add(watcher.poll_once(&mut working).await.unwrap());
        if stats.deleted == 1 {
            break;
        }
    }
    assert_eq!(stats.deleted, 1, "{stats:?}");
    assert_eq!(working.event_ids, ["r1"]);
}

#[tokio::test(flavor = "current_thread")]
async fn sns_publisher_delivers_alerts_to_subscribers() {
    let moto = moto_or_skip!();
    let clients = setup::clients(&moto).await;
    let (topic_arn, queue_url) =
        setup::topic_with_inbox(&clients, "kensa-alerts", "alert-inbox").await;

    let publisher =
        kensa_aws::trail::SnsPublisher::new(clients.sns.clone(), topic_arn.clone()).unwrap();
    let alert =
        json!({"rule": "EC2 Snapshot Made Public", "priority": "CRITICAL", "event_id": "x1"})
            .to_string();
    publisher
        .publish("CRITICAL: EC2 Snapshot Made Public\n", &alert)
        .unwrap();
    drop(publisher);

    let got = clients
        .sqs
        .receive_message()
        .queue_url(&queue_url)
        .wait_time_seconds(2)
        .send()
        .await
        .unwrap();
    let body: Value = serde_json::from_str(got.messages()[0].body().unwrap()).unwrap();
    assert_eq!(body["Message"].as_str().unwrap(), alert);
    assert_eq!(body["Subject"], "CRITICAL: EC2 Snapshot Made Public");

    let missing =
        kensa_aws::trail::SnsPublisher::new(clients.sns.clone(), format!("{topic_arn}-gone"))
            .unwrap();
    let err = missing.publish("s", "m").unwrap_err().to_string();
    assert!(err.contains("-gone"), "{err}");
}
