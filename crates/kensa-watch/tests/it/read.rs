//! CloudTrail files in each shape the replay reads.
use std::io::Write;

use kensa_watch::read::{parse, read_file, replay_order};
use serde_json::json;

use crate::events::record;

fn two_records() -> (serde_json::Value, serde_json::Value) {
    let mut late = record("DeleteRoute", json!({"routeTableId": "rtb-1"}), json!(null));
    late["eventTime"] = "2026-12-07T10:45:00Z".into();
    let early = record("CreateRoute", json!({"routeTableId": "rtb-1"}), json!(null));
    (late, early)
}

#[test]
fn delivered_gzip_file_in_time_order() {
    let (late, early) = two_records();
    let body = serde_json::to_vec(&json!({"Records": [late, early]})).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join("111122223333_CloudTrail_us-east-1_20261207T1045Z_x.json.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&body).unwrap();
    std::fs::write(&path, gz.finish().unwrap()).unwrap();
    let (mut events, errors) = read_file(&path).unwrap();
    assert!(errors.is_empty());
    replay_order(&mut events);
    let names: Vec<&str> = events.iter().map(|e| e.event_name.as_str()).collect();
    assert_eq!(names, ["CreateRoute", "DeleteRoute"]);
}

#[test]
fn json_lines_with_a_bad_record_skipped_and_reported() {
    let (late, early) = two_records();
    let text = format!("{late}\n{}\n{early}\n", json!({"eventName": "NoTime"}));
    let (events, errors) = parse(text.as_bytes(), "events.jsonl").unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].to_string(),
        "events.jsonl: record 1: record has no `eventTime`"
    );
}

#[test]
fn not_json_is_an_error_naming_the_file() {
    let err = parse(b"{not json", "bad.json").unwrap_err();
    assert!(
        err.to_string().starts_with("bad.json: not CloudTrail JSON"),
        "{err}"
    );
}

#[test]
fn eventbridge_event_is_read_as_its_cloudtrail_record() {
    let (_, early) = two_records();
    let eb = json!({
        "version": "0", "id": "6f2e", "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.ec2", "account": "111122223333", "time": "2026-12-07T10:42:07Z",
        "region": "us-east-1", "resources": [], "detail": early
    });
    let (events, errors) = parse(eb.to_string().as_bytes(), "sqs message").unwrap();
    assert!(errors.is_empty());
    assert_eq!(events[0].event_name, "CreateRoute");
}
