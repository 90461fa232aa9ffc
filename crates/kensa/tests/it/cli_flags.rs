//! One CLI: the reporting commands spell their output options the same way, and the
//! options do what they say.
use std::process::{Command, Output};

fn kensa(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kensa"))
        .args(args)
        .output()
        .expect("run kensa")
}

fn help(args: &[&str]) -> String {
    let mut all = args.to_vec();
    all.push("--help");
    let out = kensa(&all);
    assert!(out.status.success(), "kensa {all:?} failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn reporting_commands_share_format_output_and_fail_on() {
    for cmd in [
        &["scan"][..],
        &["compliance"],
        &["path"],
        &["trail", "replay"],
        &["vuln", "scan"],
    ] {
        let text = help(cmd);
        for flag in ["-f, --format", "-o, --output", "--fail-on"] {
            assert!(text.contains(flag), "kensa {cmd:?} lacks {flag}:\n{text}");
        }
    }
}

#[test]
fn compliance_finding_formats_switch_to_findings() {
    let out = kensa(&["compliance", "--demo", "-f", "asff"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--findings"), "{stderr}");
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).expect("ASFF JSON");
    assert!(
        findings.as_array().is_some_and(|a| !a.is_empty()),
        "{findings}"
    );
}

#[test]
fn path_fail_on_gates_on_the_verdict_and_output_writes_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("path.json");
    let file_arg = file.to_str().unwrap();
    let base = [
        "path",
        "--demo",
        "--from",
        "internet",
        "--to",
        "i-0a1b2c3d4e5f60001",
    ];
    let run = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(&[
            "--protocol",
            "tcp",
            "--port",
            "3389",
            "-f",
            "json",
            "-o",
            file_arg,
        ]);
        args.extend_from_slice(extra);
        kensa(&args)
    };
    let plain = run(&[]);
    assert!(
        plain.status.success(),
        "{}",
        String::from_utf8_lossy(&plain.stderr)
    );
    let answer: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let verdict = answer["verdict"]
        .as_str()
        .expect("verdict")
        .to_ascii_lowercase();
    let (hit, miss) = if verdict == "reachable" {
        ("reachable", "blocked")
    } else {
        ("blocked", "reachable")
    };
    assert_eq!(run(&["--fail-on", hit]).status.code(), Some(1));
    assert_eq!(run(&["--fail-on", miss]).status.code(), Some(0));
}

#[test]
fn vercmp_order_and_advisory_matching() {
    let sym = |args: &[&str]| {
        let mut all = vec!["vuln", "vercmp"];
        all.extend_from_slice(args);
        String::from_utf8_lossy(&kensa(&all).stdout)
            .trim()
            .to_string()
    };
    assert_eq!(sym(&["rpm", "2.0", "2.0-1"]), "<");
    assert_eq!(sym(&["--advisory", "rpm", "2.0-1", "2.0"]), "=");
    assert_eq!(sym(&["apk", "2.3.4p2-r0", "2.3.4p10-r0"]), "<");
    assert_eq!(sym(&["apk", "3.1p9-r1", "3.1p9-r2"]), "<");
}
