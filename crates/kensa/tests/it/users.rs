//! The binary as users run it: every command on the demo account and the corpus, every
//! `-f` format, `--fail-on`, exit codes (0 ok, 1 findings at or above `--fail-on`,
//! 2 usage or fatal error, 3 incomplete input) and the error messages.
use std::path::PathBuf;
use std::process::{Command, Output};

use kensa_report::Format;

fn kensa(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kensa"))
        .args(args)
        .output()
        .expect("run kensa")
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exit code")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn repo(path: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path);
    p.to_string_lossy().into_owned()
}

fn corpus(path: &str) -> Option<String> {
    let root = std::env::var("KENSA_CORPUS").ok()?;
    let p = PathBuf::from(root).join(path);
    p.exists().then(|| p.to_string_lossy().into_owned())
}

/// Checks that `text` is what `format` promises. The match is exhaustive: a new format
/// does not compile here until it says what its output must look like.
fn assert_is(format: Format, text: &str) {
    match format {
        Format::Json | Format::Sarif | Format::Asff => {
            serde_json::from_str::<serde_json::Value>(text)
                .unwrap_or_else(|e| panic!("{format} is not JSON: {e}"));
        }
        Format::Ocsf => {
            let v: serde_json::Value = serde_json::from_str(text).expect("ocsf is JSON");
            assert!(v.is_array(), "OCSF output is an array of events");
        }
        Format::Csv => assert!(text.lines().count() > 1, "csv has a header and rows"),
        Format::Html => assert!(text.trim_start().starts_with("<!DOCTYPE html>"), "{format}"),
        Format::Table => assert!(!text.trim().is_empty(), "{format} output is empty"),
    }
}

#[test]
fn scan_demo_in_every_format() {
    for &format in Format::ALL {
        let out = kensa(&["scan", "--demo", "-f", format.name()]);
        assert_eq!(code(&out), 0, "scan -f {format}: {}", stderr(&out));
        assert_is(format, &stdout(&out));
    }
}

#[test]
fn scan_fail_on_gates_on_the_worst_active_finding() {
    // The demo's worst reachability findings are High (remote administration ports
    // open to the Internet); nothing is Critical.
    for (severity, expected) in [("critical", 0), ("high", 1), ("low", 1)] {
        let out = kensa(&["scan", "--demo", "-f", "json", "--fail-on", severity]);
        assert_eq!(code(&out), expected, "--fail-on {severity}");
    }
}

/// One demo account: `--demo` and the files in examples/demo give the same report.
#[test]
fn every_demo_flag_sees_the_examples_demo_account() {
    let embedded = kensa(&["scan", "--demo", "-f", "json"]);
    let on_disk = kensa(&["scan", &repo("examples/demo"), "-f", "json"]);
    assert_eq!(code(&on_disk), 0, "{}", stderr(&on_disk));
    assert_eq!(stdout(&embedded), stdout(&on_disk));

    let embedded = kensa(&["compliance", "--demo", "-f", "json"]);
    let on_disk = kensa(&["compliance", &repo("examples/demo"), "-f", "json"]);
    let strip = |o: &Output| -> serde_json::Value {
        let mut v: serde_json::Value = serde_json::from_str(&stdout(o)).unwrap();
        v.as_object_mut().unwrap().remove("source");
        v
    };
    assert_eq!(strip(&embedded), strip(&on_disk));
    // The account-level settings read from disk belong to the demo account although a
    // transit gateway attachment names another account's VPC.
    let report = strip(&on_disk);
    let ec2_7 = report["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["control"] == "EC2.7")
        .unwrap();
    assert_eq!(
        ec2_7["failed_resources"][0], "111122223333/us-east-1",
        "{ec2_7:#}"
    );
}

#[test]
fn compliance_in_every_format_and_fail_on() {
    for &format in Format::ALL.iter().filter(|f| f.renders_compliance()) {
        let out = kensa(&["compliance", "--demo", "-f", format.name()]);
        assert_eq!(code(&out), 0, "compliance -f {format}: {}", stderr(&out));
        assert_is(format, &stdout(&out));
    }
    for framework in [
        "fsbp",
        "cis-aws-3.0",
        "cis-aws-4.0",
        "cis-aws-5.0",
        "pci-dss-4.0",
    ] {
        let out = kensa(&[
            "compliance",
            "--demo",
            "--framework",
            framework,
            "-f",
            "json",
        ]);
        assert_eq!(code(&out), 0, "{framework}: {}", stderr(&out));
    }
    let out = kensa(&["compliance", "--demo", "--fail-on", "high"]);
    assert_eq!(code(&out), 1);
    let out = kensa(&["compliance", "--demo", "--framework", "nope"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("unknown framework `nope`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn path_answers_the_demo_facts() {
    // README fact 1: RDP to win-bastion from the Internet.
    let out = kensa(&[
        "path",
        "--demo",
        "--from",
        "internet",
        "--to",
        "i-0a1b2c3d4e5f60001",
        "--protocol",
        "tcp",
        "--port",
        "3389",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).starts_with("reachable"), "{}", stdout(&out));
    // build-server 8443: the subnet's ACL denies it before allowing all.
    let args = [
        "path",
        "--demo",
        "--from",
        "internet",
        "--to",
        "i-0a1b2c3d4e5f60003",
        "--protocol",
        "tcp",
        "--port",
        "8443",
        "-f",
        "json",
    ];
    let out = kensa(&args);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["verdict"], "blocked");
    assert_eq!(v["blocked_at"]["code"], "SUBNET_ACL_RESTRICTION");
    let mut gated = args.to_vec();
    gated.extend(["--fail-on", "blocked"]);
    assert_eq!(code(&kensa(&gated)), 1);
    let out = kensa(&[
        "path", "--demo", "--from", "internet", "--to", "i-nope", "--port", "22",
    ]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("`i-nope` is not an instance"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn rules_list_and_show() {
    let out = kensa(&["rules", "list"]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("fsbp:EC2.19"));
    let out = kensa(&["rules", "show", "fsbp:EC2.19"]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("sg-high-risk-port-open-to-world"));
    let out = kensa(&["rules", "show", "nope"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("unknown control or check `nope`"));
}

#[test]
fn trail_replay_formats_and_fail_on_on_the_corpus() {
    let Some(logs) = corpus("cloudtrail/invictus") else {
        eprintln!("KENSA_CORPUS not set: skipped");
        return;
    };
    let text = kensa(&["trail", "replay", &logs]);
    assert_eq!(code(&text), 0, "{}", stderr(&text));
    let json = kensa(&["trail", "replay", &logs, "-f", "json"]);
    let alerts: Vec<serde_json::Value> = stdout(&json)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON alert per line"))
        .collect();
    assert!(!alerts.is_empty());
    // The same alerts in both formats (text alerts are separated by blank lines).
    let text_alerts = stdout(&text).lines().filter(|l| !l.is_empty()).count();
    assert_eq!(text_alerts, alerts.len());
    assert!(alerts.iter().all(|a| a["source"] == "aws_cloudtrail"));
    assert_eq!(
        code(&kensa(&["trail", "replay", &logs, "--fail-on", "warning"])),
        1
    );
    let out = kensa(&["trail", "replay", &logs, "-f", "xml"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("'xml'") && err.contains("possible values: text, json"),
        "{err}"
    );
}

#[test]
fn errors_name_what_and_where() {
    let out = kensa(&["scan", "/nonexistent/snapshot"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("/nonexistent/snapshot"),
        "{}",
        stderr(&out)
    );
    let out = kensa(&["scan", "--demo", "-f", "xml"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("'xml'") && err.contains("possible values: table, json"),
        "{err}"
    );
}

#[test]
fn incomplete_corpus_snapshot_exits_3_unless_allowed() {
    let Some(snapshot) = corpus("aws/cloudmapper-demo") else {
        eprintln!("KENSA_CORPUS not set: skipped");
        return;
    };
    let out = kensa(&["scan", &snapshot, "-f", "json"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let out = kensa(&["scan", &snapshot, "-f", "json", "--allow-incomplete"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn development_commands_are_hidden_but_work() {
    let help = stdout(&kensa(&["--help"]));
    assert!(!help.contains("synth"), "{help}");
    assert!(help.contains("compliance"));
    assert!(!stdout(&kensa(&["trail", "--help"])).contains("bench"));
    assert!(!stdout(&kensa(&["vuln", "--help"])).contains("bench"));
    assert_eq!(code(&kensa(&["synth", "--help"])), 0);
}
