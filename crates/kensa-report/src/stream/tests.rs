use super::*;
use kensa_model::{Finding, FindingStatus, Package, ResourceRef, Severity};

fn finding() -> Finding {
    Finding {
        id: kensa_model::finding_id("fsbp:EC2.19", "sg-1", &[]),
        package: Package::NetworkReachability,
        rule_id: "fsbp:EC2.19".into(),
        title: "Security groups should not allow unrestricted access to high-risk ports".into(),
        severity: Severity::Critical,
        description: "tcp 22 from 0.0.0.0/0".into(),
        recommendation: String::new(),
        resource: ResourceRef {
            resource_type: "AwsEc2SecurityGroup".into(),
            id: "sg-1".into(),
            arn: None,
            account: "111122223333".into(),
            region: "us-east-1".into(),
            tags: Default::default(),
        },
        attributes: Default::default(),
        evidence: None,
        compliance: vec![],
        references: vec![],
        first_seen: None,
        last_seen: None,
        status: FindingStatus::Active,
    }
}

#[test]
fn findings_stream_as_text_and_json_lines() {
    let f = finding();
    let mut text = TextSink::new(Vec::new());
    Sink::<Finding>::emit(&mut text, &f).unwrap();
    let text = String::from_utf8(text.into_inner()).unwrap();
    assert_eq!(
        text,
        "Critical fsbp:EC2.19 sg-1: Security groups should not allow unrestricted access to high-risk ports\n"
    );
    let mut lines = JsonLinesSink::new(Vec::new());
    for _ in 0..2 {
        Sink::<Finding>::emit(&mut lines, &f).unwrap();
    }
    let out = String::from_utf8(lines.into_inner()).unwrap();
    let parsed: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(parsed.len(), 2);
    assert_eq!(parsed[0]["rule_id"], "fsbp:EC2.19");
    assert_eq!(f.subject(), "Critical fsbp:EC2.19");
}

#[test]
fn stream_format_picks_the_sink() {
    let f = finding();
    let mut sink: Box<dyn Sink<Finding>> = StreamFormat::JsonLines.sink(std::io::sink());
    sink.emit(&f).unwrap();
    sink.flush().unwrap();
    assert_eq!("json".parse::<StreamFormat>(), Ok(StreamFormat::JsonLines));
    let err = "xml".parse::<StreamFormat>().unwrap_err();
    assert!(err.contains("text, json"), "{err}");
}
