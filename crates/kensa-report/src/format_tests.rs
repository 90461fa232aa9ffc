//! ASFF and OCSF output checked against the required fields of their schemas; HTML pages
//! checked for escaping and self-containment.
use std::collections::BTreeMap;

use kensa_model::{
    Compliance, ComplianceReport, ComplianceSummary, ControlResult, ControlStatus, Finding,
    FindingStatus, Package, ResourceRef, Severity,
};
use serde_json::Value;

use crate::formats::{ASFF_REQUIRED, OCSF_REQUIRED};
use crate::{render, render_compliance, Format, RenderOptions, Report};

fn finding(package: Package, severity: Severity, account: &str) -> Finding {
    Finding {
        id: kensa_model::finding_id("fsbp:EC2.19", "sg-1", &[]),
        package,
        rule_id: "fsbp:EC2.19".into(),
        title: "Security groups should not allow unrestricted access to ports with high risk"
            .into(),
        severity,
        description: "sg-1 allows tcp 0-65535 from 0.0.0.0/0 <script>".into(),
        recommendation: "Revoke sgr-1".into(),
        resource: ResourceRef {
            resource_type: "AwsEc2SecurityGroup".into(),
            id: "sg-1".into(),
            arn: Some("arn:aws:ec2:eu-west-1:111122223333:security-group/sg-1".into()),
            account: account.into(),
            region: if account.is_empty() {
                String::new()
            } else {
                "eu-west-1".into()
            },
            tags: BTreeMap::from([("env".into(), "prod".into())]),
        },
        attributes: BTreeMap::from([("ATTACHED".into(), "true".into())]),
        evidence: None,
        compliance: vec![Compliance {
            framework: "fsbp".into(),
            control: "EC2.19".into(),
        }],
        references: vec![
            "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-19"
                .into(),
        ],
        first_seen: Some("2026-11-23T15:00:00Z".into()),
        last_seen: None,
        status: FindingStatus::Active,
    }
}

fn sample() -> Report {
    let mut muted = finding(Package::NetworkReachability, Severity::Low, "");
    muted.status = FindingStatus::Suppressed;
    muted.first_seen = None;
    Report::new(
        vec![
            finding(Package::Config, Severity::Critical, "111122223333"),
            muted,
        ],
        vec![],
    )
}

fn rendered(format: Format, report: &Report) -> String {
    let mut out = Vec::new();
    render(format, report, RenderOptions::default(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn non_empty(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => true,
    }
}

#[test]
fn asff_has_every_required_field() {
    let docs: Vec<Value> = serde_json::from_str(&rendered(Format::Asff, &sample())).unwrap();
    assert_eq!(docs.len(), 2);
    for d in &docs {
        for key in ASFF_REQUIRED {
            assert!(
                d.get(key).is_some_and(non_empty),
                "ASFF field {key} missing in {d:#}"
            );
        }
        assert_eq!(d["SchemaVersion"], "2018-10-08");
        let account = d["AwsAccountId"].as_str().unwrap();
        assert!(account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
        assert!(["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
            .contains(&d["Severity"]["Label"].as_str().unwrap()));
        for r in d["Resources"].as_array().unwrap() {
            assert!(non_empty(&r["Type"]) && non_empty(&r["Id"]), "{r}");
        }
        for t in d["Types"].as_array().unwrap() {
            let parts = t.as_str().unwrap().split('/').count();
            assert!((1..=3).contains(&parts), "{t}");
        }
        for ts in ["CreatedAt", "UpdatedAt"] {
            assert!(d[ts].as_str().unwrap().ends_with('Z'), "{ts}");
        }
        assert!(d["Title"].as_str().unwrap().chars().count() <= 256);
        assert!(d["Description"].as_str().unwrap().chars().count() <= 1024);
    }
    assert_eq!(docs[0]["Compliance"]["SecurityControlId"], "EC2.19");
    assert_eq!(docs[1]["Workflow"]["Status"], "SUPPRESSED");
    insta::assert_json_snapshot!("asff_config_finding", docs[0]);
}

#[test]
fn ocsf_has_every_required_field() {
    let events: Vec<Value> = serde_json::from_str(&rendered(Format::Ocsf, &sample())).unwrap();
    for e in &events {
        for key in OCSF_REQUIRED {
            assert!(
                e.get(key).is_some_and(|v| !v.is_null()),
                "OCSF attribute {key} missing in {e:#}"
            );
        }
        let class = e["class_uid"].as_u64().unwrap();
        assert_eq!(e["category_uid"], 2);
        assert_eq!(
            e["type_uid"].as_u64().unwrap(),
            class * 100 + e["activity_id"].as_u64().unwrap()
        );
        assert!((1..=5).contains(&e["severity_id"].as_u64().unwrap()));
        assert!(
            non_empty(&e["metadata"]["version"])
                && non_empty(&e["metadata"]["product"]["vendor_name"])
        );
        assert!(non_empty(&e["finding_info"]["uid"]));
        assert!(e["time"].is_i64() || e["time"].is_u64());
    }
    assert_eq!(
        events[0]["class_uid"], 2003,
        "config findings are Compliance Findings"
    );
    assert!(non_empty(&events[0]["compliance"]["standards"]));
    assert_eq!(events[0]["time"], 1_795_446_000_000_i64);
    assert_eq!(
        events[1]["class_uid"], 2004,
        "other findings are Detection Findings"
    );
    assert_eq!(events[1]["status_id"], 3);
    insta::assert_json_snapshot!("ocsf_compliance_finding", events[0]);
}

#[test]
fn findings_html_is_escaped_and_self_contained() {
    let html = rendered(Format::Html, &sample());
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("&lt;script&gt;") && !html.contains("<script"));
    assert!(
        !html.contains("http://") && !html.contains("<link"),
        "no external resources"
    );
}

fn compliance_report() -> ComplianceReport {
    let control = |control: &str, status, failed| ControlResult {
        control: control.into(),
        rule_id: format!("fsbp:{control}"),
        title: format!("{control} <title>"),
        severity: Severity::High,
        status,
        passed: 2,
        failed,
        suppressed: 1,
        not_applicable: 0,
        failed_resources: (0..failed).map(|i| format!("sg-{i}")).collect(),
        failures: (0..failed)
            .map(|i| kensa_model::ResourceFailure {
                resource_id: format!("sg-{i}"),
                resource_type: "AwsEc2SecurityGroup".into(),
                severity: Severity::Critical,
                reason: format!("sg-{i} allows tcp 0-65535 from 0.0.0.0/0"),
                suppressed: i == 1,
            })
            .collect(),
        reason: None,
    };
    ComplianceReport {
        framework: "fsbp".into(),
        framework_title: "AWS Foundational Security Best Practices (EC2)".into(),
        source: "demo".into(),
        date: "2026-11-23".into(),
        summary: ComplianceSummary {
            passed: 1,
            failed: 1,
            not_applicable: 0,
            suppressed_findings: 2,
            ..ComplianceSummary::default()
        },
        controls: vec![
            control("EC2.2", ControlStatus::Passed, 0),
            control("EC2.19", ControlStatus::Failed, 2),
        ],
    }
}

#[test]
fn compliance_report_renders_in_four_formats() {
    let r = compliance_report();
    let out = |f| {
        let mut v = Vec::new();
        render_compliance(f, &r, RenderOptions::default(), &mut v).unwrap();
        String::from_utf8(v).unwrap()
    };
    let html = out(Format::Html);
    assert!(html.contains("EC2.19") && html.contains("&lt;title&gt;") && html.contains("50%"));
    assert!(html.contains("sg-1 allows tcp 0-65535 from 0.0.0.0/0 (suppressed)"));
    let csv = out(Format::Csv);
    assert_eq!(csv.lines().count(), 3);
    assert!(csv.contains("fsbp,EC2.19,fsbp:EC2.19,FAILED,High,2,2,1,0"));
    let json: Value = serde_json::from_str(&out(Format::Json)).unwrap();
    assert_eq!(json["controls"][1]["status"], "FAILED");
    insta::assert_snapshot!("compliance_table", out(Format::Table));
    let mut v = Vec::new();
    assert!(render_compliance(Format::Sarif, &r, RenderOptions::default(), &mut v).is_err());
}
