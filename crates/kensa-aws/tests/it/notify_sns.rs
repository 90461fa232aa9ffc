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
    // The client a run's SNS sink uses (its own retry policy), against moto.
    let sns = sns_at(&moto.endpoint()).await;
    kensa_aws::notify::publish(&sns, &topic, "kensa: run 7 ended", body)
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
    let err = kensa_aws::notify::publish(&sns, &missing, "s", "{}")
        .await
        .unwrap_err();
    assert!(!err.retryable, "{err:?}");
    assert!(err.to_string().contains("no-such-topic"), "{err}");
}

/// Static test credentials and `endpoint`, as a run's SNS sink would get them.
async fn sns_at(endpoint: &str) -> kensa_aws::notify::SnsClient {
    let target = kensa_aws::session::Target {
        endpoint_url: Some(endpoint.to_string()),
        static_credentials: Some(("testing".into(), "testing".into())),
        ..Default::default()
    };
    let config = target.base_config(Some("us-east-1")).await;
    kensa_aws::notify::sns_client_from(&config)
}

const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:kensa-runs";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_endpoint_gets_two_sdk_attempts_per_publish_not_the_collectors_ten() {
    let stub = kensa_aws::testing::http_stub::HttpStub::start(
        500,
        r#"<ErrorResponse><Error><Code>InternalError</Code><Message>down</Message></Error></ErrorResponse>"#,
    );
    let client = sns_at(&stub.endpoint()).await;
    let err = kensa_aws::notify::publish(&client, TOPIC, "s", "{}")
        .await
        .unwrap_err();
    assert!(err.retryable, "a 5xx is worth another try: {err:?}");
    let requests = stub.requests();
    assert_eq!(
        requests.len(),
        kensa_aws::notify::SNS_SDK_ATTEMPTS as usize,
        "{requests:?}"
    );
    assert!(
        requests
            .iter()
            .all(|r| r.method == "POST"
                && String::from_utf8_lossy(&r.body).contains("Action=Publish"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_endpoint_is_a_retryable_failure() {
    let client = sns_at("http://127.0.0.1:9").await;
    let retry = client.config().retry_config().cloned().unwrap();
    assert_eq!(retry.max_attempts(), kensa_aws::notify::SNS_SDK_ATTEMPTS);
    assert_eq!(retry.mode(), aws_config::retry::RetryMode::Standard);
    let err = kensa_aws::notify::publish(&client, TOPIC, "s", "{}")
        .await
        .unwrap_err();
    assert!(err.retryable, "{err:?}");
    assert!(err.to_string().contains("kensa-runs"), "{err}");
}
