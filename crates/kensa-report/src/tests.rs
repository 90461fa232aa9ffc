use std::collections::BTreeMap;

use kensa_model::{Finding, FindingStatus, Package, ResourceRef, Severity, Warning};

use super::*;

fn finding(rule: &str, severity: Severity, resource: &str) -> Finding {
    Finding {
        id: kensa_model::finding_id(rule, resource, &[]),
        package: Package::NetworkReachability,
        rule_id: rule.to_string(),
        title: format!("{rule} on {resource}"),
        severity,
        description: "Port 22 is open to the Internet, \"quoted\", with, commas".into(),
        recommendation: "Revoke sgr-1".into(),
        resource: ResourceRef {
            resource_type: "AwsEc2Instance".into(),
            id: resource.into(),
            arn: Some(format!(
                "arn:aws:ec2:us-east-1:111122223333:instance/{resource}"
            )),
            account: "111122223333".into(),
            region: "us-east-1".into(),
            tags: BTreeMap::new(),
        },
        attributes: BTreeMap::from([("PORT".to_string(), "22".to_string())]),
        evidence: None,
        compliance: vec![],
        references: vec![],
        first_seen: None,
        last_seen: None,
        status: FindingStatus::Active,
    }
}

fn sample() -> Report {
    let mut muted = finding("RecognizedPortNoAgent", Severity::High, "i-0muted");
    muted.status = FindingStatus::Suppressed;
    Report::new(
        vec![
            finding("NetworkExposure", Severity::Informational, "i-0aaa"),
            finding("RecognizedPortNoAgent", Severity::High, "i-0bbb"),
            muted,
        ],
        vec![Warning {
            file: "aws_configs/us-east-1/Bad.json".into(),
            path: "$.SecurityGroups[1]".into(),
            message: "missing field `GroupId`".into(),
            level: Default::default(),
        }],
    )
}

fn rendered(format: Format, report: &Report) -> String {
    let mut out = Vec::new();
    render(format, report, RenderOptions::default(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn summary_counts_active_findings_by_severity_and_suppressed_apart() {
    let s = sample().summary();
    assert_eq!(s.findings, 3);
    assert_eq!(s.suppressed, 1);
    assert_eq!(s.by_severity["High"], 1);
    assert_eq!(s.by_severity["Informational"], 1);
    assert_eq!(s.by_severity["Critical"], 0);
    assert_eq!(s.warnings, 1);
}

#[test]
fn worst_active_ignores_suppressed_findings() {
    let mut r = sample();
    r.findings[1].status = FindingStatus::Resolved;
    assert_eq!(r.worst_active(), Some(Severity::Informational));
}

#[test]
fn json_has_findings_warnings_and_summary() {
    let v: serde_json::Value = serde_json::from_str(&rendered(Format::Json, &sample())).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 3);
    assert_eq!(v["findings"][1]["package"], "network-reachability");
    assert_eq!(v["findings"][1]["resource"]["type"], "AwsEc2Instance");
    assert_eq!(v["warnings"][0]["path"], "$.SecurityGroups[1]");
    assert_eq!(v["summary"]["suppressed"], 1);
}

#[test]
fn sarif_indexes_rules_and_fingerprints_results() {
    let v: serde_json::Value = serde_json::from_str(&rendered(Format::Sarif, &sample())).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 2);
    for result in run["results"].as_array().unwrap() {
        let idx = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], result["ruleId"]);
        assert!(result["partialFingerprints"]["kensaFindingId/v1"].is_string());
    }
    assert_eq!(run["results"][1]["level"], "error");
    assert_eq!(run["results"][0]["level"], "note");
    assert_eq!(run["results"][2]["suppressions"][0]["kind"], "external");
    assert_eq!(
        run["invocations"][0]["toolExecutionNotifications"][0]["level"],
        "warning"
    );
}

#[test]
fn csv_quotes_fields_and_has_one_row_per_finding() {
    let text = rendered(Format::Csv, &sample());
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "id");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(
        &rows[0][11],
        "Port 22 is open to the Internet, \"quoted\", with, commas"
    );
    assert_eq!(&rows[2][10], "suppressed");
}

#[test]
fn plain_table_lists_worst_first_with_a_footer() {
    let text = rendered(Format::Table, &sample());
    insta::assert_snapshot!(text);
}

#[test]
fn empty_report_says_so() {
    let text = rendered(Format::Table, &Report::default());
    assert_eq!(text, "0 active findings\n");
}

#[test]
fn formats_parse_case_insensitively_and_reject_unknown_names() {
    assert_eq!("SARIF".parse::<Format>().unwrap(), Format::Sarif);
    let err = "xml".parse::<Format>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown format `xml` (expected one of: table, json, sarif, csv, asff, ocsf, html)"
    );
}

#[test]
fn streamed_json_and_csv_are_the_rendered_bytes() {
    let report = sample();
    let empty = Report::new(Vec::new(), report.warnings.clone());
    for r in [&report, &empty] {
        for format in [Format::Json, Format::Csv] {
            let mut whole = Vec::new();
            render(format, r, RenderOptions::default(), &mut whole).unwrap();
            let mut streamed = Vec::new();
            let tail = Report::new(Vec::new(), r.warnings.clone());
            let summary = render_stream(
                format,
                &mut r.findings.clone().into_iter(),
                &tail,
                &mut streamed,
            )
            .unwrap();
            assert_eq!(
                String::from_utf8(streamed).unwrap(),
                String::from_utf8(whole).unwrap(),
                "{format}, {} findings",
                r.findings.len()
            );
            assert_eq!(summary, r.summary());
        }
    }
}

#[test]
fn formats_that_need_every_finding_are_not_streamed() {
    for format in [
        Format::Table,
        Format::Sarif,
        Format::Asff,
        Format::Ocsf,
        Format::Html,
    ] {
        assert!(!format.streams());
        let err = render_stream(format, &mut std::iter::empty(), &sample(), &mut Vec::new());
        assert!(matches!(err, Err(RenderError::Unsupported(f)) if f == format));
    }
}
