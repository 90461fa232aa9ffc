//! What the trail tests share: clients against moto, a bucket with CloudTrail log files,
//! and an SNS topic with a subscribed SQS queue to read what was published.
use std::io::Write;

use aws_sdk_sqs::types::QueueAttributeName;
use flate2::{write::GzEncoder, Compression};
use kensa_aws::testing::{MotoServer, TEST_REGION};
use kensa_aws::trail::TrailClients;
use serde_json::{json, Value};

/// S3, SQS and SNS clients against `moto`.
pub async fn clients(moto: &MotoServer) -> TrailClients {
    TrailClients::from_config(&moto.sdk_config(TEST_REGION).await)
}

pub async fn create_bucket(clients: &TrailClients, bucket: &str) {
    clients
        .s3
        .create_bucket()
        .bucket(bucket)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create bucket {bucket}: {e:?}"));
}

pub async fn put(clients: &TrailClients, bucket: &str, key: &str, body: Vec<u8>) {
    clients
        .s3
        .put_object()
        .bucket(bucket)
        .key(key)
        .body(body.into())
        .send()
        .await
        .unwrap_or_else(|e| panic!("put {key}: {e:?}"));
}

/// A CloudTrail record of `name`: an IAM user opening tcp/22 to 0.0.0.0/0 on sg-1 (the
/// request parameters are those of `AuthorizeSecurityGroupIngress`).
pub fn record(id: &str, name: &str, account: &str, region: &str) -> Value {
    json!({
        "eventVersion": "1.08",
        "userIdentity": {"type": "IAMUser", "principalId": "AIDAEXAMPLE", "arn": format!("arn:aws:iam::{account}:user/ops"),
                         "accountId": account, "userName": "ops"},
        "eventTime": "2023-07-10T12:00:00Z", "eventSource": "ec2.amazonaws.com", "eventName": name,
        "awsRegion": region, "sourceIPAddress": "203.0.113.24", "userAgent": "aws-cli/2.13.0",
        "requestParameters": {"groupId": "sg-1", "ipPermissions": {}, "ipProtocol": "tcp",
                              "fromPort": 22, "toPort": 22, "cidrIp": "0.0.0.0/0"},
        "responseElements": {"_return": true}, "eventID": id, "readOnly": false,
        "eventType": "AwsApiCall", "managementEvent": true, "recipientAccountId": account
    })
}

/// A CloudTrail log file: `{"Records": [...]}`, gzipped.
pub fn log_file(records: &[Value]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(json!({"Records": records}).to_string().as_bytes())
        .unwrap();
    enc.finish().unwrap()
}

pub async fn create_queue(clients: &TrailClients, name: &str) -> String {
    clients
        .sqs
        .create_queue()
        .queue_name(name)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create queue {name}: {e:?}"))
        .queue_url()
        .expect("queue url")
        .to_owned()
}

/// A topic and a queue subscribed to it: `(topic ARN, queue URL)`.
pub async fn topic_with_inbox(
    clients: &TrailClients,
    topic: &str,
    queue: &str,
) -> (String, String) {
    let topic_arn = clients
        .sns
        .create_topic()
        .name(topic)
        .send()
        .await
        .expect("create topic")
        .topic_arn()
        .expect("topic arn")
        .to_owned();
    let queue_url = create_queue(clients, queue).await;
    let attrs = clients
        .sqs
        .get_queue_attributes()
        .queue_url(&queue_url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .expect("queue attributes");
    let queue_arn = attrs.attributes().expect("attributes")[&QueueAttributeName::QueueArn].clone();
    clients
        .sns
        .subscribe()
        .topic_arn(&topic_arn)
        .protocol("sqs")
        .endpoint(queue_arn)
        .send()
        .await
        .expect("subscribe");
    (topic_arn, queue_url)
}
