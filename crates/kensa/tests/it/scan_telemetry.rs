//! `kensa scan --telemetry`: listener-aware network findings from agent telemetry files.
use std::process::Command;

use serde_json::{json, Value};

fn telemetry(instance: &str) -> Value {
    json!({
        "schema_version": 1,
        "agent_version": "0.1.0",
        "collected_at": "2026-12-07T18:00:00Z",
        "mode": "live",
        "host": {"hostname": "web", "instance_id": instance, "kernel": {}, "os_release": {}},
        "listeners": [
            {"proto": "tcp", "family": "v4", "address": "0.0.0.0", "port": 22, "pid": 812,
             "process_name": "sshd", "exe": "/usr/sbin/sshd", "user": "root"},
            {"proto": "tcp", "family": "v4", "address": "127.0.0.1", "port": 443, "pid": 900,
             "process_name": "nginx", "exe": "/usr/sbin/nginx"}
        ],
    })
}

#[test]
fn scan_with_a_telemetry_directory_names_the_listening_process() {
    let dir = tempfile::tempdir().unwrap();
    let web = telemetry("i-0a1b2c3d4e5f60002").to_string();
    std::fs::write(dir.path().join("web.json"), web).unwrap();
    std::fs::write(dir.path().join("broken.json"), "{not json").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kensa"))
        .args(["scan", "--demo", "-f", "json", "--telemetry"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let on_web: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["resource"]["id"] == "i-0a1b2c3d4e5f60002")
        .collect();
    let rule = |r: &str| on_web.iter().find(|f| f["rule_id"] == r).copied();
    let ssh = rule("RecognizedPortWithListener").expect("sshd on 22");
    assert_eq!(ssh["attributes"]["LISTENER_PID"], "812");
    assert_eq!(ssh["attributes"]["LISTENER_EXE"], "/usr/sbin/sshd");
    let https = rule("RecognizedPortNoListener").expect("nginx on loopback only");
    assert_eq!(https["attributes"]["PORT"], "443");
    assert!(rule("RecognizedPortNoAgent").is_none());
    // The unreadable file is a warning; other instances keep RecognizedPortNoAgent.
    let warnings = report["warnings"].to_string();
    assert!(warnings.contains("broken.json"), "{warnings}");
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule_id"] == "RecognizedPortNoAgent"));
}

#[test]
fn a_missing_telemetry_path_is_a_clear_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_kensa"))
        .args([
            "scan",
            "--demo",
            "--telemetry",
            "/nonexistent/telemetry.json",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--telemetry /nonexistent/telemetry.json"),
        "{err}"
    );
}

/// `kensa vuln scan --telemetry FILE --demo`: the package owning sshd, reachable from the
/// Internet on the demo account's web server, is raised one band.
#[test]
fn vuln_scan_with_a_snapshot_raises_internet_reachable_packages() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = telemetry("i-0a1b2c3d4e5f60002");
    doc["host"]["os_release"] = json!({"ID": "amzn", "VERSION_ID": "2023"});
    doc["packages"] = json!([
        {"kind": "rpm", "name": "openssh-server", "version": "8.7p1-8.amzn2023", "arch": "x86_64"},
        {"kind": "rpm", "name": "nginx", "version": "1.24.0-1.amzn2023", "arch": "x86_64"}
    ]);
    doc["listeners"][0]["package"] = json!({"kind": "rpm", "name": "openssh-server", "version": "8.7p1-8.amzn2023", "arch": "x86_64"});
    doc["listeners"][1]["package"] =
        json!({"kind": "rpm", "name": "nginx", "version": "1.24.0-1.amzn2023", "arch": "x86_64"});
    let file = dir.path().join("web.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    let record = |p: &str| {
        json!({"distro": "amzn", "release": "2023", "package": p, "id": format!("ALAS2023-{p}"),
               "scheme": "rpm", "fix_state": "fixed", "fixed": "99.0-1.amzn2023",
               "severity": "Medium", "cves": ["CVE-2026-0002"], "source": "alas"})
    };
    let db = json!({"format": "kensa-advisory-db", "version": 1,
                    "records": [record("nginx"), record("openssh-server")]});
    let db_file = dir.path().join("db.json");
    std::fs::write(&db_file, db.to_string()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kensa"))
        .args(["vuln", "scan", "--demo", "-f", "json", "--telemetry"])
        .arg(&file)
        .arg("--db")
        .arg(&db_file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let of = |p: &str| {
        findings
            .iter()
            .find(|f| f["attributes"]["PACKAGE_NAME"] == p)
            .unwrap()
    };
    let ssh = of("openssh-server");
    assert_eq!(ssh["severity"], "High");
    assert_eq!(ssh["attributes"]["ORIGINAL_SEVERITY"], "Medium");
    assert_eq!(ssh["attributes"]["NETWORK_REACHABLE_PORTS"], "TCP 22");
    // nginx listens on loopback only.
    assert_eq!(of("nginx")["severity"], "Medium");
    assert!(of("nginx")["attributes"].get("NETWORK_REACHABLE").is_none());
}
