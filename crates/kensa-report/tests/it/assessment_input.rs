//! Reports built by hand, as a store fills them: exclusions, suppressed findings,
//! user attributes, an empty run, text a PDF's fonts cannot encode.
use kensa_model::{Finding, FindingStatus, Package, ResourceRef, Severity};
use kensa_report::assessment::{
    AccountRegion, AssessmentReport, Exclusion, ExclusionScope, ReportFormat, ReportType, RunInfo,
    StateChange, TargetInfo, TemplateInfo,
};

use crate::assessment::{demo_report, render};
use crate::pdf_text::extract;

fn finding(id: &str, title: &str, severity: Severity, status: FindingStatus) -> Finding {
    Finding {
        id: id.into(),
        package: Package::Cve,
        rule_id: "CVE-2026-0001".into(),
        title: title.into(),
        severity,
        description: "openssl 3.0.1 is affected.".into(),
        recommendation: "Upgrade openssl to 3.0.2.".into(),
        resource: ResourceRef {
            resource_type: "AwsEc2Instance".into(),
            id: format!("i-{id}"),
            account: "111122223333".into(),
            region: "eu-west-1".into(),
            ..ResourceRef::default()
        },
        attributes: Default::default(),
        evidence: None,
        compliance: Vec::new(),
        references: Vec::new(),
        first_seen: None,
        last_seen: None,
        status,
    }
}

fn stored_run() -> AssessmentReport {
    AssessmentReport {
        run: RunInfo {
            id: "run-7".into(),
            name: "nightly".into(),
            state: "COMPLETED_WITH_ERRORS".into(),
            started_at: Some("2026-12-06T02:00:00Z".into()),
            completed_at: Some("2026-12-06T02:03:10Z".into()),
            state_history: vec![
                StateChange {
                    state: "CREATED".into(),
                    at: "2026-12-06T02:00:00Z".into(),
                },
                StateChange {
                    state: "COLLECTING_DATA".into(),
                    at: "2026-12-06T02:00:01Z".into(),
                },
                StateChange {
                    state: "COMPLETED_WITH_ERRORS".into(),
                    at: "2026-12-06T02:03:10Z".into(),
                },
            ],
        },
        template: TemplateInfo {
            name: "prod-weekly".into(),
            packages: vec![Package::Cve, Package::NetworkReachability],
            framework: None,
            user_attributes: [("team".to_string(), "payments".to_string())].into(),
        },
        target: TargetInfo {
            name: "prod".into(),
            description: "instances tagged env=prod".into(),
            scopes: vec![AccountRegion {
                account: "111122223333".into(),
                region: "eu-west-1".into(),
            }],
        },
        findings: vec![
            finding(
                "a1",
                "openssl 3.0.1 has CVE-2026-0001 \u{2192} upgrade",
                Severity::Critical,
                FindingStatus::Active,
            ),
            finding(
                "a2",
                "zlib 1.2 has CVE-2026-0002",
                Severity::Low,
                FindingStatus::Suppressed,
            ),
        ],
        exclusions: vec![Exclusion {
            exclusion_type: "HOST_DATA_MISSING".into(),
            title: "No package inventory for i-b9".into(),
            description: "The cve package needs the host's package list; none was collected."
                .into(),
            recommendation: "Collect an inventory with kensa vuln.".into(),
            scope: vec![
                ExclusionScope::Instance("i-b9".into()),
                ExclusionScope::Package(Package::Cve),
            ],
        }],
        passed_rules: Vec::new(),
        passed_rules_note: None,
        instances: Vec::new(),
        generated_at: "2026-12-06T02:04:00Z".into(),
    }
}

#[test]
fn a_stored_run_shows_its_exclusions_history_and_suppressed_findings() {
    let r = stored_run();
    let html = String::from_utf8(render(&r, ReportFormat::Html, ReportType::Full)).unwrap();
    for needle in [
        "HOST_DATA_MISSING",
        "No package inventory for i-b9",
        "instance i-b9, package cve",
        "COLLECTING_DATA",
        "team=payments",
        "instances tagged env=prod",
        "111122223333 / eu-west-1",
        "No rule passed on every resource",
    ] {
        assert!(html.contains(needle), "HTML lacks {needle}");
    }
    assert!(
        html.contains("<tr class=\"muted\">"),
        "the suppressed finding is shown as such"
    );
    assert!(html.contains("1 active, 1 suppressed, 0 resolved"));
    // Instances come from the findings when the run did not list them.
    assert!(html.contains("id=\"inst-i-a1\"") && html.contains("id=\"inst-i-a2\""));
    let pdf = render(&r, ReportFormat::Pdf, ReportType::Full);
    let Some(text) = extract(&pdf) else { return };
    assert!(text.contains("No package inventory for i-b9"));
    // The arrow has no glyph in the PDF's standard fonts: it reads as `?`, the rest intact.
    assert!(
        text.contains("openssl 3.0.1 has CVE-2026-0001 ? upgrade"),
        "{text}"
    );
    assert!(text.contains("zlib 1.2 has CVE-2026-0002"));
}

#[test]
fn an_empty_run_renders_in_both_formats() {
    let r = AssessmentReport::default();
    for kind in [ReportType::Findings, ReportType::Full] {
        let html = String::from_utf8(render(&r, ReportFormat::Html, kind)).unwrap();
        assert!(
            html.contains("The run reported no finding.")
                && html.contains("No instance was evaluated.")
        );
        let pdf = render(&r, ReportFormat::Pdf, kind);
        if let Some(text) = extract(&pdf) {
            assert!(text.contains("The run reported no finding."));
        }
    }
}

#[test]
fn the_report_document_round_trips_through_json() {
    let r = demo_report();
    let json = serde_json::to_string(&r).unwrap();
    let back: AssessmentReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back, r);
    let stored = stored_run();
    let value = serde_json::to_value(&stored).unwrap();
    assert_eq!(value["exclusions"][0]["type"], "HOST_DATA_MISSING");
    assert_eq!(
        value["exclusions"][0]["scope"][1],
        serde_json::json!({"kind": "package", "value": "cve"})
    );
}

#[test]
fn a_resource_row_longer_than_a_page_continues_on_the_next() {
    let mut r = stored_run();
    let long: Vec<String> = (0..2500).map(|i| format!("word{i}")).collect();
    r.findings[1].title = r.findings[0].title.clone();
    r.findings[1].severity = r.findings[0].severity;
    r.findings[1].status = FindingStatus::Active;
    r.findings[1].description = format!("{} END-OF-DESCRIPTION", long.join(" "));
    let pdf = render(&r, ReportFormat::Pdf, ReportType::Findings);
    let Some(text) = extract(&pdf) else { return };
    assert!(text.contains("word1250") && text.contains("END-OF-DESCRIPTION"));
}
