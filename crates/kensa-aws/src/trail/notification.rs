//! What an SQS message of a CloudTrail pipeline can hold, and where its events are.
//!
//! - an S3 event notification (`{"Records":[{"eventSource":"aws:s3","s3":{...}}]}`),
//!   object keys URL-encoded as S3 writes them;
//! - CloudTrail's own SNS notification (`{"s3Bucket":"b","s3ObjectKey":["k",...]}`);
//! - either of those wrapped in an SNS envelope (`{"Type":"Notification","Message":"..."}`);
//! - an EventBridge event (`{"detail-type":...,"detail":{<CloudTrail record>}}`), a bare
//!   record, or a `{"Records":[...]}` batch of CloudTrail records: the events themselves;
//! - S3's `s3:TestEvent`, sent once when a notification is configured.

use percent_encoding::percent_decode_str;
use serde_json::Value;

/// An S3 object named by a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRef {
    /// The bucket.
    pub bucket: String,
    /// The object's key.
    pub key: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notification {
    /// CloudTrail files to fetch from S3.
    Objects(Vec<ObjectRef>),
    /// The message carries the events (EventBridge or raw records): hand the body over.
    Events,
    /// A test message with nothing to process.
    Test,
    /// Not a message kensa understands; the reason says why.
    Unrecognized(String),
}

/// Classifies a message body.
pub fn classify(body: &str) -> Notification {
    let value: Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(e) => return Notification::Unrecognized(format!("message body is not JSON: {e}")),
    };
    classify_value(&value, true)
}

fn classify_value(v: &Value, allow_envelope: bool) -> Notification {
    if allow_envelope && v.get("Type").and_then(Value::as_str) == Some("Notification") {
        return match v.get("Message").and_then(Value::as_str) {
            Some(inner) => match serde_json::from_str::<Value>(inner) {
                Ok(inner) => match classify_value(&inner, false) {
                    // CloudTrail's SNS topic can only point at files; an SNS-wrapped
                    // event is handed over as the inner message.
                    Notification::Events => Notification::Unrecognized(
                        "SNS envelope around CloudTrail events: enable raw message delivery".into(),
                    ),
                    other => other,
                },
                Err(e) => Notification::Unrecognized(format!("SNS Message is not JSON: {e}")),
            },
            None => Notification::Unrecognized("SNS envelope without a Message string".into()),
        };
    }
    if v.get("Event").and_then(Value::as_str) == Some("s3:TestEvent") {
        return Notification::Test;
    }
    if let Some(bucket) = v.get("s3Bucket").and_then(Value::as_str) {
        let keys = v.get("s3ObjectKey").and_then(Value::as_array);
        let Some(keys) = keys else {
            return Notification::Unrecognized(
                "CloudTrail notification without s3ObjectKey".into(),
            );
        };
        let objects = keys
            .iter()
            .filter_map(Value::as_str)
            .map(|k| ObjectRef {
                bucket: bucket.to_owned(),
                key: k.to_owned(),
            })
            .collect();
        return Notification::Objects(objects);
    }
    if let Some(records) = v.get("Records").and_then(Value::as_array) {
        let s3_records: Vec<&Value> = records
            .iter()
            .filter(|r| r.get("eventSource").and_then(Value::as_str) == Some("aws:s3"))
            .collect();
        if !s3_records.is_empty() {
            return s3_objects(&s3_records);
        }
        return Notification::Events;
    }
    if v.get("detail").is_some_and(Value::is_object) || v.get("eventID").is_some() {
        return Notification::Events;
    }
    Notification::Unrecognized(
        "neither an S3/CloudTrail notification nor an EventBridge event".into(),
    )
}

fn s3_objects(records: &[&Value]) -> Notification {
    let mut objects = Vec::new();
    for r in records {
        let event = r.get("eventName").and_then(Value::as_str).unwrap_or("");
        if !event.starts_with("ObjectCreated") {
            continue;
        }
        let bucket = r.pointer("/s3/bucket/name").and_then(Value::as_str);
        let key = r.pointer("/s3/object/key").and_then(Value::as_str);
        let (Some(bucket), Some(key)) = (bucket, key) else {
            return Notification::Unrecognized(
                "S3 notification record without bucket name or object key".into(),
            );
        };
        objects.push(ObjectRef {
            bucket: bucket.to_owned(),
            key: decode_s3_key(key),
        });
    }
    Notification::Objects(objects)
}

/// S3 notifications URL-encode keys, with `+` for spaces.
fn decode_s3_key(key: &str) -> String {
    let plus_decoded = key.replace('+', " ");
    percent_decode_str(&plus_decoded)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(bucket: &str, key: &str) -> ObjectRef {
        ObjectRef {
            bucket: bucket.into(),
            key: key.into(),
        }
    }

    #[test]
    fn direct_s3_notification_with_encoded_key() {
        let body = r#"{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
            "eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"trail"},
            "object":{"key":"AWSLogs/1/CloudTrail/us-east-1/2024/01/01/a%3Ab+c.json.gz","size":10}}}]}"#;
        assert_eq!(
            classify(body),
            Notification::Objects(vec![obj(
                "trail",
                "AWSLogs/1/CloudTrail/us-east-1/2024/01/01/a:b c.json.gz"
            )])
        );
    }

    #[test]
    fn sns_envelopes_of_cloudtrail_and_s3_notifications() {
        let ct = r#"{"s3Bucket":"trail","s3ObjectKey":["k1.json.gz","k2.json.gz"]}"#;
        let env =
            serde_json::json!({"Type":"Notification","MessageId":"m","Message":ct}).to_string();
        assert_eq!(
            classify(&env),
            Notification::Objects(vec![obj("trail", "k1.json.gz"), obj("trail", "k2.json.gz")])
        );
        let s3 = r#"{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:CompleteMultipartUpload","s3":{"bucket":{"name":"b"},"object":{"key":"x.json"}}}]}"#;
        let env = serde_json::json!({"Type":"Notification","Message":s3}).to_string();
        assert_eq!(
            classify(&env),
            Notification::Objects(vec![obj("b", "x.json")])
        );
        assert_eq!(
            classify(ct),
            Notification::Objects(vec![obj("trail", "k1.json.gz"), obj("trail", "k2.json.gz")])
        );
    }

    #[test]
    fn eventbridge_events_and_records_carry_the_events() {
        let eb = r#"{"version":"0","id":"1","detail-type":"AWS API Call via CloudTrail","source":"aws.ec2","detail":{"eventID":"e","eventName":"RunInstances"}}"#;
        assert_eq!(classify(eb), Notification::Events);
        assert_eq!(
            classify(r#"{"Records":[{"eventID":"e","eventSource":"ec2.amazonaws.com"}]}"#),
            Notification::Events
        );
    }

    #[test]
    fn test_events_and_garbage() {
        assert_eq!(
            classify(r#"{"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"b"}"#),
            Notification::Test
        );
        assert!(
            matches!(classify("{oops"), Notification::Unrecognized(m) if m.contains("not JSON"))
        );
        assert!(matches!(
            classify(r#"{"hello":1}"#),
            Notification::Unrecognized(_)
        ));
        let bad = serde_json::json!({"Type":"Notification","Message":"{"}).to_string();
        assert!(
            matches!(classify(&bad), Notification::Unrecognized(m) if m.contains("SNS Message"))
        );
    }
}
