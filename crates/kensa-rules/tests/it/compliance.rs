//! Compliance reports over the demo account, with a mute list.
use kensa_model::{ControlStatus, FindingStatus, Severity};
use kensa_rules::framework::{builtin, parse};
use kensa_rules::{assess, Context, MuteList};

#[test]
fn demo_compliance_reports() {
    let snap = kensa_model::demo::snapshot();
    let ctx = Context::new(&snap);
    for id in ["fsbp", "cis-aws-3.0", "aws-config"] {
        let framework = builtin(id).unwrap();
        let report = assess(&ctx, &framework).report(&framework, "demo", "2026-11-23");
        insta::assert_json_snapshot!(format!("demo_{id}"), report);
    }
}

#[test]
fn muted_findings_are_suppressed_and_counted() {
    let snap = kensa_model::demo::snapshot();
    let ctx = Context::new(&snap);
    let framework = builtin("fsbp").unwrap();
    let mut assessment = assess(&ctx, &framework);
    let mutes = MuteList::parse(
        "mutes.yaml",
        "mutes:\n  - rule: 'fsbp:EC2.*'\n    tags: {env: sandbox}\n    reason: sandbox account area\n    expires: 2027-01-01\n",
    )
    .unwrap();
    let summary = mutes.apply(assessment.findings_mut(), "2026-11-23");
    assert!(summary.suppressed >= 2, "{summary:?}");
    let report = assessment.report(&framework, "demo", "2026-11-23");
    assert_eq!(report.summary.suppressed_findings, summary.suppressed);
    let findings = assessment.findings();
    let legacy = "sg-04d5e6f7a8b9c0d1e"; // legacy-batch-open, tagged env=sandbox
    assert!(findings
        .iter()
        .filter(|f| f.resource.id == legacy)
        .all(|f| f.status == FindingStatus::Suppressed));
    // The legacy group is open to everything and attached to an instance; without the
    // reachability engine its exposure is unknown, and unknown is not ranked as safe.
    let legacy = findings
        .iter()
        .find(|f| f.resource.id == legacy && f.rule_id == "fsbp:EC2.19")
        .unwrap();
    assert_eq!(legacy.severity, Severity::Critical);
    // The load balancer's group is open on its listener ports only: EC2.18 passes for it.
    let ec2_18 = report
        .controls
        .iter()
        .find(|c| c.control == "EC2.18")
        .unwrap();
    assert!(!ec2_18
        .failed_resources
        .contains(&"sg-0f6a7b8c9d0eb5c6d".to_string()));
}

#[test]
fn custom_framework_parameters_change_the_outcome() {
    let snap = kensa_model::demo::snapshot();
    let ctx = Context::new(&snap);
    let strict = parse("f.yaml", "id: strict\ncontrols:\n  - id: WEB-1\n    rule: fsbp:EC2.18\n    parameters:\n      authorizedTcpPorts: '443'\n").unwrap();
    let report = assess(&ctx, &strict).report(&strict, "demo", "");
    assert_eq!(report.controls[0].control, "WEB-1");
    assert_eq!(report.controls[0].status, ControlStatus::Failed);
}
