//! A run notification published to an SNS topic on moto arrives in a subscribed queue
//! with its subject and body; a missing topic is a permanent error.
use serde_json::Value;

use crate::trail_setup::{clients, topic_with_inbox};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_reach_a_subscribed_queue_and_a_missing_topic_is_permanent() {
    let moto = crate::moto_or_skip!();
    let clients = clients(&moto).await;
    let (topic, queue) = topic_with_inbox(&clients, "kensa-runs", "kensa-runs-inbox").await;
    let body = r#"{"event":"ASSESSMENT_RUN_COMPLETED","run":"kensa:target/1/template/1/run/7"}"#;
    kensa_aws::notify::publish(&clients.sns, &topic, "kensa: run 7 ended", body)
        .await
        .unwrap();
    let received = clients
        .sqs
        .receive_message()
        .queue_url(&queue)
        .max_number_of_messages(10)
        .send()
        .await
        .unwrap();
    let messages = received.messages();
    assert_eq!(messages.len(), 1);
    let envelope: Value = serde_json::from_str(messages[0].body().unwrap()).unwrap();
    assert_eq!(envelope["Subject"], "kensa: run 7 ended");
    assert_eq!(envelope["Message"], body);

    let missing = topic.replace("kensa-runs", "no-such-topic");
    let err = kensa_aws::notify::publish(&clients.sns, &missing, "s", "{}")
        .await
        .unwrap_err();
    assert!(!err.retryable, "{err:?}");
    assert!(err.to_string().contains("no-such-topic"), "{err}");
}
