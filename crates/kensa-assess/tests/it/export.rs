//! A FINDING_REPORTED subscription to Security Hub exports the run's findings through a
//! findings sink: batches of at most 100, new / seen again / resolved (archived) in
//! ASFF, refused findings retried when the reason is transient and recorded when not,
//! and an endpoint that is down given up on after one batch's attempts.
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kensa_assess::notify::{
    BoxFuture, DeliveryError, FindingsSink, Notifier, RefusedFinding, Retry, EXPORT_BATCH,
};
use kensa_assess::Input;
use kensa_store::{Delivery, DeliveryStatus, Destination, Location, NewTarget, NewTemplate, Store};
use serde_json::{json, Value};

const HUB: &str = "arn:aws:securityhub:eu-west-1:444455556666:hub/default";
const ATTEMPTS: u32 = 3;

/// What the fake hub answers to one call.
enum Answer {
    /// Imports all but the findings whose Id contains one of these (code, retryable).
    Refuse(Vec<(String, &'static str, bool)>),
    /// The call fails.
    Fail(DeliveryError),
}

/// A hub that records every call and answers from a script (then imports everything).
#[derive(Default)]
struct FakeHub {
    calls: Mutex<Vec<Vec<Value>>>,
    script: Mutex<VecDeque<Answer>>,
    always_fail: Option<DeliveryError>,
}

impl FakeHub {
    fn calls(&self) -> Vec<Vec<Value>> {
        self.calls.lock().unwrap().clone()
    }
}

impl FindingsSink for FakeHub {
    fn accepts(&self, destination: &Destination) -> bool {
        matches!(destination, Destination::SecurityHub { .. })
    }

    fn import<'a>(
        &'a self,
        _destination: &'a Destination,
        findings: &'a [Value],
    ) -> BoxFuture<'a, Result<Vec<RefusedFinding>, DeliveryError>> {
        self.calls.lock().unwrap().push(findings.to_vec());
        let answer = match &self.always_fail {
            Some(e) => Some(Answer::Fail(e.clone())),
            None => self.script.lock().unwrap().pop_front(),
        };
        let result = match answer {
            None => Ok(Vec::new()),
            Some(Answer::Fail(e)) => Err(e),
            Some(Answer::Refuse(rules)) => Ok(findings
                .iter()
                .filter_map(|f| {
                    let id = f["Id"].as_str().unwrap();
                    rules
                        .iter()
                        .find(|(part, ..)| id.contains(part.as_str()))
                        .map(|(_, code, retryable)| RefusedFinding {
                            id: id.to_string(),
                            reason: format!("{code}: refused by the test"),
                            retryable: *retryable,
                        })
                })
                .collect()),
        };
        Box::pin(async move { result })
    }
}

fn notifier(hub: Arc<FakeHub>) -> Notifier {
    Notifier::default().with_exporter(hub).with_retry(Retry {
        attempts: ATTEMPTS,
        first_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
    })
}

async fn store_with_template(dir: &Path, subscription: &str) -> (Store, kensa_store::Template) {
    let store = Store::open(&Location::File(dir.join("store.db")))
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
            name: "hub".into(),
            target: "all".into(),
            packages: vec!["network-reachability".into(), "config".into()],
            user_attributes: vec![("team".into(), "platform".into())],
            subscriptions: vec![subscription.parse().unwrap()],
            ..Default::default()
        })
        .await
        .unwrap();
    (store, template)
}

/// Two security groups: `open` world-open on `port`, the other closed.
fn snapshot(dir: &Path, open: &str, port: u16) {
    let region = dir.join("aws_configs/us-east-1");
    std::fs::create_dir_all(&region).unwrap();
    let group = |id: &str| {
        let rules = if id == open {
            json!([{"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        } else {
            json!([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
        };
        json!({"GroupId": id, "GroupName": id, "VpcId": "vpc-1", "OwnerId": "444455556666",
            "Description": id, "IpPermissions": rules, "IpPermissionsEgress": []})
    };
    let doc = json!({"SecurityGroups": [group("sg-aaaa"), group("sg-bbbb")]});
    std::fs::write(region.join("SecurityGroups.json"), doc.to_string()).unwrap();
}

fn by_id(docs: &[Value]) -> BTreeMap<String, Value> {
    docs.iter()
        .map(|d| (d["Id"].as_str().unwrap().to_string(), d.clone()))
        .collect()
}

fn statuses(deliveries: &[Delivery]) -> Vec<DeliveryStatus> {
    deliveries.iter().map(|d| d.status).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_findings_are_imported_seen_again_updated_and_resolved_archived() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    snapshot(&a, "sg-aaaa", 22);
    snapshot(&b, "sg-bbbb", 3389);
    let (store, t) = store_with_template(dir.path(), &format!("FINDING_REPORTED={HUB}")).await;
    let hub = Arc::new(FakeHub::default());
    let n = notifier(hub.clone());

    let first = kensa_assess::start_with(&store, &t, async { Ok(Input::Directory(a)) }, &n)
        .await
        .unwrap();
    let one = by_id(&hub.calls().concat());
    assert_eq!(
        one.len() as i64,
        first.counts.total(),
        "every finding of run 1"
    );
    for doc in one.values() {
        assert_eq!(
            doc["ProductArn"],
            "arn:aws:securityhub:eu-west-1:444455556666:product/444455556666/default"
        );
        assert_eq!(doc["RecordState"], "ACTIVE", "{doc}");
        assert_eq!(doc["UserDefinedFields"]["team"], "platform", "{doc}");
        for field in kensa_report::formats::ASFF_REQUIRED {
            assert!(doc.get(field).is_some(), "{field} missing: {doc}");
        }
    }
    let recorded = store.run_deliveries(first.id).await.unwrap();
    assert_eq!(
        statuses(&recorded),
        [DeliveryStatus::Success],
        "{recorded:?}"
    );
    let message = recorded[0].message.as_deref().unwrap();
    assert!(
        message.contains(&format!("{} new, 0 updated, 0 archived", one.len())),
        "{message}"
    );

    hub.calls.lock().unwrap().clear();
    let second = kensa_assess::start_with(&store, &t, async { Ok(Input::Directory(b)) }, &n)
        .await
        .unwrap();
    assert!(second.resolved > 0, "sg-aaaa's findings are resolved");
    let two = by_id(&hub.calls().concat());
    let archived: BTreeSet<&String> = two
        .iter()
        .filter(|(_, d)| d["RecordState"] == "ARCHIVED")
        .map(|(id, _)| id)
        .collect();
    assert_eq!(archived.len() as i64, second.resolved);
    for id in &archived {
        let doc = &two[*id];
        assert_eq!(doc["Workflow"]["Status"], "RESOLVED", "{doc}");
        assert!(
            one.contains_key(*id),
            "an archived finding was imported before"
        );
        assert!(
            doc["UpdatedAt"].as_str() > one[*id]["UpdatedAt"].as_str(),
            "archiving is an update Security Hub takes: {doc}"
        );
        assert!(
            doc.to_string().contains("sg-aaaa"),
            "only sg-aaaa closed: {doc}"
        );
    }
    let updated: Vec<&String> = two
        .keys()
        .filter(|id| one.contains_key(*id) && !archived.contains(id))
        .collect();
    let new = two.len() - updated.len() - archived.len();
    assert_eq!(new as i64, second.counts.total() - updated.len() as i64);
    let recorded = store.run_deliveries(second.id).await.unwrap();
    let message = recorded[0].message.as_deref().unwrap();
    assert!(
        message.contains(&format!(
            "{new} new, {} updated, {} archived",
            updated.len(),
            archived.len()
        )),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_of_100_and_refused_findings_retried_or_recorded_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    let (store, t) = store_with_template(dir.path(), &format!("FINDING_REPORTED={HUB}")).await;
    // The demo's findings come in id order; refuse one for good and one for a while.
    let hub = Arc::new(FakeHub::default());
    let n = notifier(hub.clone());
    let probe = kensa_assess::start_with(&store, &t, async { Ok(Input::Demo) }, &n)
        .await
        .unwrap();
    assert!(
        probe.counts.total() > EXPORT_BATCH as i64,
        "the demo fills several batches"
    );
    let ids: Vec<String> = hub.calls()[0]
        .iter()
        .map(|d| d["Id"].as_str().unwrap().to_string())
        .collect();
    let (bad, slow) = (ids[3].clone(), ids[7].clone());

    hub.calls.lock().unwrap().clear();
    hub.script.lock().unwrap().extend([
        Answer::Refuse(vec![
            (bad.clone(), "InvalidInput", false),
            (slow.clone(), "LimitExceeded", true),
        ]),
        Answer::Refuse(vec![(slow.clone(), "LimitExceeded", true)]),
    ]);
    let run = kensa_assess::start_with(&store, &t, async { Ok(Input::Demo) }, &n)
        .await
        .unwrap();
    let calls = hub.calls();
    assert!(
        calls.iter().all(|c| c.len() <= EXPORT_BATCH),
        "at most 100 per call"
    );
    // Batch 1, then the transient refusal alone twice (refused again, then imported).
    assert_eq!(calls[1].len(), 1);
    assert_eq!(calls[1][0]["Id"], slow.as_str());
    assert_eq!(calls[2][0]["Id"], slow.as_str());
    let sent: BTreeSet<&str> = calls
        .iter()
        .flatten()
        .map(|d| d["Id"].as_str().unwrap())
        .collect();
    assert_eq!(sent.len() as i64, run.counts.total(), "every finding sent");
    assert!(
        calls[0].iter().all(|d| d["RecordState"] == "ACTIVE"),
        "seen again, not archived"
    );

    let recorded = store.run_deliveries(run.id).await.unwrap();
    let first = &recorded[0];
    assert_eq!(first.status, DeliveryStatus::Failed, "{first:?}");
    assert_eq!(first.attempts, 3);
    let message = first.message.as_deref().unwrap();
    assert!(
        message.contains("99 finding(s) imported") && message.contains("1 not imported"),
        "{message}"
    );
    let refused = &recorded[1];
    assert_eq!(refused.status, DeliveryStatus::Failed);
    assert!(
        bad.ends_with(refused.finding_id.as_deref().unwrap()),
        "{refused:?} vs {bad}"
    );
    assert_eq!(
        refused.message.as_deref(),
        Some("InvalidInput: refused by the test")
    );
    assert!(
        recorded[2..]
            .iter()
            .all(|d| d.status == DeliveryStatus::Success),
        "{recorded:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_that_is_down_costs_one_batchs_attempts_and_the_rest_is_counted() {
    let dir = tempfile::tempdir().unwrap();
    let (store, t) = store_with_template(dir.path(), &format!("FINDING_REPORTED:low={HUB}")).await;
    let hub = Arc::new(FakeHub {
        always_fail: Some(DeliveryError::transient(
            "Security Hub (eu-west-1): connection refused",
        )),
        ..Default::default()
    });
    let run = kensa_assess::start_with(
        &store,
        &t,
        async { Ok(Input::Demo) },
        &notifier(hub.clone()),
    )
    .await
    .unwrap();
    assert_eq!(
        hub.calls().len(),
        ATTEMPTS as usize,
        "one batch's attempts, not every batch's"
    );
    let recorded = store.run_deliveries(run.id).await.unwrap();
    let failed: Vec<&Delivery> = recorded.iter().filter(|d| d.finding_id.is_none()).collect();
    assert_eq!(failed[0].status, DeliveryStatus::Failed);
    assert_eq!(failed[0].attempts, i64::from(ATTEMPTS));
    assert!(failed[0]
        .message
        .as_deref()
        .unwrap()
        .contains("connection refused"));
    let skipped = failed.last().unwrap();
    assert_eq!(skipped.status, DeliveryStatus::Skipped, "{recorded:?}");
    let total = run.counts.total() - run.counts.informational;
    let rest = total - hub.calls()[0].len() as i64;
    assert!(
        skipped
            .message
            .as_deref()
            .unwrap()
            .starts_with(&format!("{rest} more finding(s)")),
        "{skipped:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_security_hub_sink_the_subscription_is_recorded_failed() {
    let dir = tempfile::tempdir().unwrap();
    let (store, t) = store_with_template(dir.path(), &format!("FINDING_REPORTED={HUB}")).await;
    let run = kensa_assess::start_with(&store, &t, async { Ok(Input::Demo) }, &Notifier::default())
        .await
        .unwrap();
    let recorded = store.run_deliveries(run.id).await.unwrap();
    assert_eq!(statuses(&recorded), [DeliveryStatus::Failed]);
    assert!(recorded[0]
        .message
        .as_deref()
        .unwrap()
        .contains("aws feature"));
}
