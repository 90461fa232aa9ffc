//! Kernel truth for cve findings: the running kernel matched (even when its rpm is gone),
//! installed-but-not-running kernels reported apart.
use kensa_host::kernel::{classify, inventory, kernel_release, KERNEL_STATUS};
use kensa_model::Severity;
use kensa_telemetry::{PackageKind, Telemetry};
use kensa_vuln::{AdvisoryRecord, Filters};
use serde_json::json;

#[test]
fn kernel_packages_and_their_releases() {
    let rpm = |n: &str, v: &str| kernel_release(PackageKind::Rpm, n, v, "x86_64");
    assert_eq!(
        rpm("kernel", "5.10.228-219.884.amzn2").as_deref(),
        Some("5.10.228-219.884.amzn2.x86_64")
    );
    assert_eq!(
        rpm("kernel-core", "1:6.1.0-1.el9").as_deref(),
        Some("6.1.0-1.el9.x86_64")
    );
    assert_eq!(
        rpm("kernel6.12", "6.12.40-63.114.amzn2023").as_deref(),
        Some("6.12.40-63.114.amzn2023.x86_64")
    );
    assert_eq!(rpm("kernel-devel", "5.10.228-219.884.amzn2"), None);
    assert_eq!(rpm("kernel-tools", "5.10.228-219.884.amzn2"), None);
    assert_eq!(rpm("kernelshark", "1.0-1"), None);
    let deb = |n: &str| kernel_release(PackageKind::Deb, n, "6.1.115-1", "amd64");
    assert_eq!(
        deb("linux-image-6.1.0-27-cloud-amd64").as_deref(),
        Some("6.1.0-27-cloud-amd64")
    );
    assert_eq!(
        deb("linux-image-cloud-amd64"),
        None,
        "the metapackage is not a kernel"
    );
    assert_eq!(deb("linux-headers-6.1.0-27-cloud-amd64"), None);
    assert_eq!(
        kernel_release(PackageKind::Apk, "linux-virt", "6.6.58-r0", "x86_64").as_deref(),
        Some("6.6.58-0-virt")
    );
    assert_eq!(
        kernel_release(PackageKind::Python, "kernel", "1.0", ""),
        None
    );
}

fn amzn2(running: &str, kernels: &[&str]) -> Telemetry {
    let packages: Vec<_> = kernels
        .iter()
        .map(|v| json!({"kind": "rpm", "name": "kernel", "version": v, "arch": "x86_64"}))
        .chain([
            json!({"kind": "rpm", "name": "bash", "version": "4.2.46-34.amzn2", "arch": "x86_64"}),
        ])
        .collect();
    serde_json::from_value(json!({
        "schema_version": 1, "agent_version": "0.1.0", "collected_at": "2026-12-07T18:00:00Z",
        "mode": "live",
        "host": {"hostname": "h", "instance_id": "i-0kernel",
                 "os_release": {"ID": "amzn", "VERSION_ID": "2"},
                 "kernel": {"running": running, "installed": []}},
        "packages": packages,
    }))
    .unwrap()
}

fn kernel_advisory() -> AdvisoryRecord {
    serde_json::from_value(json!({
        "distro": "amzn", "release": "2", "package": "kernel", "id": "ALAS2-2026-0001",
        "scheme": "rpm", "fix_state": "fixed", "fixed": "5.10.300-1.amzn2",
        "severity": "High", "cves": ["CVE-2026-0001"], "source": "alas"
    }))
    .unwrap()
}

#[test]
fn running_kernel_is_matched_and_others_are_reported_apart() {
    let doc = amzn2(
        "5.10.200-1.amzn2.x86_64",
        &["5.10.200-1.amzn2", "5.10.250-1.amzn2"],
    );
    let (inv, notes) = inventory(&doc, "t.json");
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(inv.host, "i-0kernel");
    let records = [kernel_advisory()];
    let mut findings = kensa_vuln::scan(&inv, &records, &Filters::default());
    assert_eq!(findings.len(), 2);
    classify(&mut findings, &doc);
    let by = |v: &str| {
        findings
            .iter()
            .find(|f| f.attributes["INSTALLED_VERSION"] == v)
            .unwrap()
    };
    let running = by("5.10.200-1.amzn2");
    assert_eq!(running.attributes[KERNEL_STATUS], "running");
    assert_eq!(running.severity, Severity::High);
    let idle = by("5.10.250-1.amzn2");
    assert_eq!(idle.attributes[KERNEL_STATUS], "installed-not-running");
    assert_eq!(idle.attributes["KERNEL_RELEASE"], "5.10.250-1.amzn2.x86_64");
    assert_eq!(idle.attributes["ORIGINAL_SEVERITY"], "High");
    assert_eq!(idle.severity, Severity::Informational);
    assert!(idle.title.contains("installed, not running"));
    // Every kernel finding carries its status.
    assert!(findings
        .iter()
        .all(|f| f.attributes.contains_key(KERNEL_STATUS)));
}

#[test]
fn a_running_kernel_without_its_package_is_still_matched_on_rpm() {
    let doc = amzn2("5.10.100-1.amzn2.x86_64", &["5.10.350-1.amzn2"]);
    let (inv, notes) = inventory(&doc, "t.json");
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0].contains("matched as kernel 5.10.100-1.amzn2"),
        "{notes:?}"
    );
    let records = [kernel_advisory()];
    let mut findings = kensa_vuln::scan(&inv, &records, &Filters::default());
    classify(&mut findings, &doc);
    // The installed kernel is fixed; the running one (gone from rpmdb) is not.
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].attributes[KERNEL_STATUS], "running");
    assert_eq!(findings[0].severity, Severity::High);
}

#[test]
fn without_a_running_kernel_the_status_is_unknown_and_nothing_is_demoted() {
    let mut doc = amzn2("x", &["5.10.200-1.amzn2"]);
    doc.host.kernel.running = None;
    let (inv, notes) = inventory(&doc, "t.json");
    assert!(notes.is_empty());
    let records = [kernel_advisory()];
    let mut findings = kensa_vuln::scan(&inv, &records, &Filters::default());
    classify(&mut findings, &doc);
    assert_eq!(findings[0].attributes[KERNEL_STATUS], "unknown");
    assert_eq!(findings[0].severity, Severity::High);
}
