//! CloudTrail as people have it: Logstash and Elasticsearch exports, CloudTrail Lake
//! query results, digest files beside delivery files; and instance credentials judged
//! against a snapshot's addresses.

use kensa_model::{Document, Scope, Snapshot};
use kensa_trail::{CredentialOrigin, InstanceAddresses};

use crate::common::{engine, run};

const RULE: &str = r#"
- rule: Any Run
  desc: d
  condition: ct.name = RunInstances
  output: run by %ct.user at %ct.time (%evt.time.iso8601)
  priority: WARNING
  source: aws_cloudtrail
"#;

const OUTSIDE: &str = r#"
- rule: Outside
  desc: d
  condition: ec2.creds.outside = "true"
  output: "%ec2.creds.instance from %ct.srcip"
  priority: CRITICAL
  source: aws_cloudtrail
"#;

/// A record as Logstash's cloudtrail codec writes it: `eventTime` moved to `@timestamp`.
fn logstash(id: u32) -> String {
    format!(
        r#"{{"@timestamp":"2023-07-10T12:00:0{id}.000Z","@version":"1","eventVersion":"1.08","eventName":"RunInstances","eventID":"id-{id}","userIdentity":{{"type":"IAMUser","userName":"u{id}"}},"eventSource":"ec2.amazonaws.com"}}"#
    )
}

#[test]
fn logstash_ndjson_alerts_have_a_time() {
    let e = engine(&[("r.yaml", RULE)]);
    let input = format!("{}\n{}\n", logstash(1), logstash(2));
    let out = run(&e, input.as_bytes(), "logstash.ndjson");
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(out.alerts.len(), 2);
    for (a, id) in out.alerts.iter().zip(1..) {
        let t = format!("2023-07-10T12:00:0{id}.000Z");
        assert_eq!(a.time.as_deref(), Some(t.as_str()));
        assert!(a.output.contains(&t), "{}", a.output);
        assert!(
            a.text_line().starts_with("2023-07-10T12:00:0"),
            "{}",
            a.text_line()
        );
    }
}

#[test]
fn elasticsearch_documents_carry_the_record_in_source() {
    let e = engine(&[("r.yaml", RULE)]);
    let input = format!(
        "{{\"_index\":\"cloudtrail-2023.07.10\",\"_id\":\"a\",\"_source\":{}}}\n",
        logstash(3)
    );
    let out = run(&e, input.as_bytes(), "es.ndjson");
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(out.alerts.len(), 1);
    assert_eq!(
        out.alerts[0].time.as_deref(),
        Some("2023-07-10T12:00:03.000Z")
    );
}

#[test]
fn cloudtrail_lake_query_results_become_records() {
    let e = engine(&[("r.yaml", RULE)]);
    let input = r#"{"QueryStatus":"FINISHED","QueryStatistics":{"ResultsCount":3},"QueryResultRows":[
      [{"eventID":"a"},{"eventName":"RunInstances"},{"eventTime":"2023-07-10 12:00:05.000"},{"userIdentity":"{\"type\":\"IAMUser\",\"userName\":\"lake-user\"}"}],
      [{"eventID":"b"},{"eventName":"DescribeInstances"},{"eventTime":"2023-07-10 12:00:06.000"}],
      [{"eventID":"c"},{"eventName":"RunInstances"},{"eventTime":"2023-07-10 12:00:07.500"}]
    ],"NextToken":null}"#;
    let out = run(&e, input.as_bytes(), "lake.json");
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(out.stats.events, 3);
    assert_eq!(out.alerts.len(), 2);
    assert_eq!(out.alerts[0].time.as_deref(), Some("2023-07-10T12:00:05Z"));
    assert!(
        out.alerts[0].output.contains("run by lake-user"),
        "{}",
        out.alerts[0].output
    );
    assert_eq!(
        out.alerts[1].time.as_deref(),
        Some("2023-07-10T12:00:07.5Z")
    );
}

#[test]
fn a_broken_lake_row_is_reported_and_the_rest_evaluated() {
    let e = engine(&[("r.yaml", RULE)]);
    let input = r#"{"QueryResultRows":[[1,2],[{"eventName":"RunInstances"},{"eventTime":"2023-07-10 12:00:05"}]]}"#;
    let out = run(&e, input.as_bytes(), "lake.json");
    assert_eq!(out.errors.len(), 1, "{:?}", out.errors);
    assert!(
        out.errors[0].message.contains("CloudTrail Lake"),
        "{:?}",
        out.errors
    );
    assert_eq!(out.alerts.len(), 1);
}

#[test]
fn digest_files_are_recognised_and_skipped() {
    let e = engine(&[("r.yaml", RULE)]);
    let digest = r#"{"awsAccountId":"111122223333","digestStartTime":"2023-07-10T11:00:00Z","digestEndTime":"2023-07-10T12:00:00Z","digestS3Bucket":"b","digestS3Object":"AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2023/07/10/x.json.gz","digestPublicKeyFingerprint":"fp","digestSignatureAlgorithm":"SHA256withRSA","newestEventTime":"2023-07-10T11:59:00Z","oldestEventTime":"2023-07-10T11:01:00Z","previousDigestS3Bucket":null,"logFiles":[{"s3Bucket":"b","s3Object":"o","hashValue":"h","hashAlgorithm":"SHA-256","newestEventTime":"t","oldestEventTime":"t"}]}"#;
    let out = run(&e, digest.as_bytes(), "digest.json");
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!((out.stats.events, out.stats.digests), (0, 1));
}

fn instance_call(ip: &str) -> String {
    format!(
        r#"{{"Records":[{{"eventVersion":"1.08","eventName":"DescribeInstances","eventSource":"ec2.amazonaws.com","eventTime":"2023-07-10T12:00:00Z","sourceIPAddress":"{ip}","userIdentity":{{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/web/i-0a1b2c3d4e5f60718"}}}}]}}"#
    )
}

fn snapshot_origin() -> CredentialOrigin {
    let reservations = r#"{"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0a1b2c3d4e5f60718","PrivateIpAddress":"10.0.1.5","PublicIpAddress":"198.51.100.7","VpcId":"vpc-1","SubnetId":"subnet-1"}]}]}"#;
    let snap = Snapshot::from_documents([Document::new(
        "ec2-describe-instances.json",
        Scope::default(),
        reservations,
    )]);
    let addresses = InstanceAddresses::from_snapshot(&snap);
    assert_eq!(addresses.len(), 1);
    CredentialOrigin {
        instances: Some(addresses),
        ..CredentialOrigin::default()
    }
}

#[test]
fn instance_credentials_are_judged_against_the_snapshot() {
    let e = engine(&[("r.yaml", OUTSIDE)]).with_credential_origin(snapshot_origin());
    let alerts = |ip: &str| run(&e, instance_call(ip).as_bytes(), "f.json").alerts.len();
    assert_eq!(alerts("198.51.100.7"), 0, "the instance's public address");
    assert_eq!(alerts("10.0.1.5"), 0, "its private address (VPC endpoint)");
    // An AWS address that is not the instance's: another instance used the credentials.
    assert_eq!(alerts("3.5.140.1"), 1);
    assert_eq!(alerts("200.249.253.51"), 1);
}

#[test]
fn without_a_snapshot_aws_ranges_decide() {
    let e = engine(&[("r.yaml", OUTSIDE)]);
    let alerts = |ip: &str| run(&e, instance_call(ip).as_bytes(), "f.json").alerts.len();
    assert_eq!(alerts("3.5.140.1"), 0);
    assert_eq!(alerts("10.0.1.5"), 0);
    assert_eq!(alerts("200.249.253.51"), 1);
    // A replaced ranges file: now 200.249.253.0/24 is AWS.
    let ranges = r#"{"createDate":"2026-01-01-00-00-00","prefixes":[{"ip_prefix":"200.249.253.0/24","region":"x","service":"EC2","network_border_group":"x"}],"ipv6_prefixes":[]}"#;
    let origin = CredentialOrigin {
        ranges: kensa_trail::AwsRanges::from_json(ranges.as_bytes()).unwrap(),
        instances: None,
    };
    let e = engine(&[("r.yaml", OUTSIDE)]).with_credential_origin(origin);
    let alerts = |ip: &str| run(&e, instance_call(ip).as_bytes(), "f.json").alerts.len();
    assert_eq!(alerts("200.249.253.51"), 0);
    assert_eq!(alerts("3.5.140.1"), 1);
    assert!(
        kensa_trail::AwsRanges::from_json(b"{\"prefixes\":[{\"ip_prefix\":\"nope\"}]}")
            .unwrap_err()
            .contains("nope")
    );
}

/// An instance-profile record with `sourceIPAddress` written as `src` (raw JSON text).
fn instance_record(src: &str) -> String {
    format!(
        r#"{{"eventName":"ListBuckets","eventSource":"s3.amazonaws.com","userIdentity":{{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/web/i-0abc12345def67890"}},{src}}}"#
    )
}

/// The outside verdict is decided from the raw bytes when it can be; every spelling that
/// only a parse reads right must still reach the parse.
#[test]
fn outside_verdict_before_parsing_keeps_its_meaning() {
    let e = engine(&[("r.yaml", OUTSIDE)]);
    let cases = [
        (r#""sourceIPAddress":"3.5.140.1""#, 0), // AWS address: decided unparsed
        (r#""sourceIPAddress" : "10.0.1.5""#, 0),
        (r#""sourceIPAddress":"s3.amazonaws.com""#, 0),
        (r#""sourceIPAddress":"200.249.253.51""#, 1),
        // The key spelled with an escape: a parser reads it as sourceIPAddress.
        (r#""source\u0049PAddress":"200.249.253.51""#, 1),
        // An escaped value.
        (r#""sourceIPAddress":"200.249.253.5\u0031""#, 1),
        // A nested inside address does not hide the top-level outside one.
        (
            r#""requestParameters":{"sourceIPAddress":"3.5.140.1"},"sourceIPAddress":"200.249.253.51""#,
            1,
        ),
    ];
    for (src, want) in cases {
        let out = run(&e, instance_record(src).as_bytes(), "r.json");
        assert!(out.errors.is_empty(), "{src}: {:?}", out.errors);
        assert_eq!(out.stats.events, 1, "{src}");
        let outside = out.alerts.iter().filter(|a| a.rule == "Outside").count();
        assert_eq!(outside, want, "{src}: {:?}", out.alerts);
    }
    // Twice at top level, the second outside: each value is evaluated.
    let dup =
        instance_record(r#""sourceIPAddress":"3.5.140.1","sourceIPAddress":"200.249.253.51""#);
    let out = run(&e, dup.as_bytes(), "r.json");
    assert_eq!(
        out.alerts.iter().filter(|a| a.rule == "Outside").count(),
        1,
        "{:?}",
        out.alerts
    );
}

/// The session ARN spelled with JSON escapes is the same ARN to every parser, so the
/// instance-credential rules must see it: the check before the parse decodes escapes.
#[test]
fn escaped_instance_session_arns_are_not_skipped() {
    let e = engine(&[("r.yaml", OUTSIDE)]);
    let src = r#""sourceIPAddress":"200.249.253.51""#;
    for arn in [
        r"arn:aws:sts::111122223333:assumed-role\/web\/i-0abc12345def67890",
        r"arn:aws:sts::111122223333:assumed-role/web\u002fi-0abc12345def67890",
        r"arn:aws:sts::111122223333:assumed-role/web/\u0069-0abc12345def67890",
        r"arn:aws:sts::111122223333\u003aassumed\u002drole/web/i-0abc12345def67890",
    ] {
        let record = instance_record(src).replace(
            "arn:aws:sts::111122223333:assumed-role/web/i-0abc12345def67890",
            arn,
        );
        assert!(record.contains(arn));
        let out = run(&e, record.as_bytes(), "r.json");
        assert!(out.errors.is_empty(), "{arn}: {:?}", out.errors);
        let outside = out.alerts.iter().filter(|a| a.rule == "Outside").count();
        assert_eq!(outside, 1, "{arn}: {:?}", out.alerts);
    }
}
