//! The demo account's assessment report, in both types and both formats.
use std::collections::BTreeSet;

use kensa_model::{Evidence, Package};
use kensa_report::assessment::scan::{from_snapshot, ScanOptions};
use kensa_report::assessment::{render_assessment, AssessmentReport, ReportFormat, ReportType};

use crate::pdf_text::{extract, holds};

fn fixed_clock() -> String {
    "2026-12-07T10:00:00Z".into()
}

pub fn demo_report() -> AssessmentReport {
    let opts = ScanOptions {
        run_id: "run-demo-1".into(),
        run_name: "Demo weekly assessment".into(),
        source: "demo".into(),
        framework: kensa_rules::framework::resolve("fsbp").unwrap(),
        user_attributes: [("owner".to_string(), "secops".to_string())].into(),
        clock: fixed_clock,
    };
    from_snapshot(&kensa_model::demo::snapshot(), &opts)
}

pub fn render(report: &AssessmentReport, format: ReportFormat, kind: ReportType) -> Vec<u8> {
    let mut out = Vec::new();
    render_assessment(report, format, kind, &mut out).unwrap();
    out
}

fn html_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[test]
fn the_demo_scan_is_a_realistic_run() {
    let r = demo_report();
    assert_eq!(r.run.state, "COMPLETED");
    assert_eq!(r.instances.len(), 10);
    let packages: BTreeSet<Package> = r.findings.iter().map(|f| f.package).collect();
    assert!(packages.contains(&Package::NetworkReachability));
    assert!(packages.contains(&Package::Config));
    assert!(
        !r.passed_rules.is_empty(),
        "fsbp has controls the demo passes"
    );
    assert!(r
        .findings
        .iter()
        .all(|f| f.attributes.get("owner").map(String::as_str) == Some("secops")));
    assert!(r
        .findings
        .iter()
        .any(|f| f.title.contains("through load balancer")));
}

#[test]
fn html_reports_are_self_contained_and_complete() {
    let r = demo_report();
    for kind in [ReportType::Findings, ReportType::Full] {
        let html = String::from_utf8(render(&r, ReportFormat::Html, kind)).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"));
        // One file: nothing fetched from anywhere (links inside the page are fine).
        for forbidden in [
            "<script",
            "<link",
            "<img",
            "<iframe",
            "@import",
            "url(",
            "src=",
            "href=\"http",
            "href=\"//",
        ] {
            assert!(
                !html.contains(forbidden),
                "{kind}: the HTML contains {forbidden}"
            );
        }
        for f in &r.findings {
            assert!(
                html.contains(&html_text(&f.title)),
                "{kind}: missing finding {}",
                f.title
            );
            assert!(html.contains(&html_text(&f.resource.id)));
        }
        // A drawing per finding with a network path, plus the summary chart.
        let paths = r
            .findings
            .iter()
            .filter(|f| {
                matches!(f.evidence, Some(Evidence::NetworkPath(_)))
                    || f.attributes.get("REACHABLE").map(String::as_str) == Some("true")
            })
            .count();
        assert!(paths > 0);
        assert_eq!(html.matches("<svg").count(), paths + 1, "{kind}");
        assert!(
            html.contains(">Internet gateway<")
                && html.contains(">Load balancer<")
                && html.contains(">Network ACL<")
        );
        for i in &r.instances {
            assert!(html.contains(&format!("id=\"inst-{}\"", i.id)));
        }
        let passed_section = html.contains("Rules that passed everywhere");
        assert_eq!(passed_section, kind == ReportType::Full, "{kind}");
        if kind == ReportType::Full {
            for p in &r.passed_rules {
                assert!(html.contains(&html_text(&p.title)));
            }
        }
    }
}

#[test]
fn pdf_reports_hold_every_finding_title_as_text() {
    let r = demo_report();
    for kind in [ReportType::Findings, ReportType::Full] {
        let pdf = render(&r, ReportFormat::Pdf, kind);
        assert!(pdf.starts_with(b"%PDF-"), "{kind}");
        assert!(
            pdf.ends_with(b"%%EOF") || pdf.ends_with(b"%%EOF\n"),
            "{kind}"
        );
        let Some(text) = extract(&pdf) else { return };
        for needle in [
            "Executive summary",
            "Findings at a glance",
            "Instances",
            "Exclusions",
            "Internet gateway",
            "Network ACL",
            "Load balancer",
        ] {
            assert!(text.contains(needle), "{kind}: PDF text lacks {needle}");
        }
        for f in &r.findings {
            assert!(
                holds(&text, &f.title),
                "{kind}: PDF text lacks the finding title {:?}",
                f.title
            );
        }
        for i in &r.instances {
            assert!(text.contains(&i.id), "{kind}: PDF lacks instance {}", i.id);
        }
        assert_eq!(
            text.contains("Rules that passed everywhere"),
            kind == ReportType::Full
        );
        if kind == ReportType::Full {
            for p in &r.passed_rules {
                assert!(
                    holds(&text, &p.title),
                    "{kind}: PDF lacks passed rule {}",
                    p.title
                );
            }
        }
    }
}

#[test]
fn rendering_is_deterministic() {
    let r = demo_report();
    for format in [ReportFormat::Html, ReportFormat::Pdf] {
        let a = render(&r, format, ReportType::Full);
        let b = render(&demo_report(), format, ReportType::Full);
        assert!(a == b, "{format} output differs between two renders");
    }
}
