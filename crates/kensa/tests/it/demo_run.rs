//! The README's quick start as a newcomer types it: `kensa run start --demo` alone makes a
//! stored run in the default store (no target or template created by hand), and
//! `findings list` and `report --run` work on it.
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// Runs kensa with no `--store` and no `KENSA_STORE`: the store is the default file under
/// `data_home` (`$XDG_DATA_HOME/kensa/store.db`).
fn kensa(data_home: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_kensa"))
        .args(args)
        .current_dir(data_home)
        .env("XDG_DATA_HOME", data_home)
        .env_remove("KENSA_STORE")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("run kensa");
    eprintln!(
        "kensa {}\n{}{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn ok(data_home: &Path, args: &[&str]) -> String {
    let out = kensa(data_home, args);
    assert!(out.status.success(), "kensa {args:?} failed");
    String::from_utf8(out.stdout).unwrap()
}

fn json(data_home: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(data_home, args)).unwrap()
}

#[test]
fn run_start_demo_alone_stores_a_completed_run_with_findings_and_a_report() {
    let home = tempfile::tempdir().unwrap();
    let runs = json(home.path(), &["run", "start", "--demo", "-f", "json"]);
    let run = &runs[0];
    assert_eq!(run["state"], "COMPLETED", "{run:#}");
    assert_eq!(run["template"], "demo");
    assert!(home.path().join("kensa/store.db").is_file());
    let counts = &run["counts"];
    let high = counts["high"].as_i64().unwrap() + counts["critical"].as_i64().unwrap();
    assert!(high > 0, "the demo has high findings: {counts}");
    let snapshot = &run["snapshot"];
    assert_eq!(snapshot["accounts"], serde_json::json!(["111122223333"]));
    assert!(snapshot["instances"].as_i64().unwrap() > 0);

    // The built-in target and template, created once and reused by the next run.
    let again = json(home.path(), &["run", "start", "--demo", "-f", "json"]);
    assert_eq!(again[0]["state"], "COMPLETED");
    assert_eq!(again[0]["counts"], *counts, "same account, same findings");
    let templates = json(home.path(), &["template", "list", "-f", "json"]);
    let names: Vec<&str> = templates
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["demo"]);
    let template = &templates[0];
    assert_eq!(
        template["packages"],
        serde_json::json!(["network-reachability", "config"])
    );
    assert_eq!(template["framework"], "fsbp");

    let findings = json(home.path(), &["findings", "list", "-f", "json"]);
    let listed = findings["findings"].as_array().unwrap();
    assert!(!listed.is_empty());
    let rules: Vec<&str> = listed
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert!(rules.iter().any(|r| r.starts_with("fsbp:")), "{rules:?}");
    assert!(
        rules.iter().any(|r| !r.contains(':')),
        "network findings: {rules:?}"
    );

    let id = run["id"].to_string();
    ok(
        home.path(),
        &[
            "report",
            "--run",
            &id,
            "--format",
            "html",
            "-o",
            "demo.html",
        ],
    );
    let html = std::fs::read_to_string(home.path().join("demo.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..80]);
    let first = listed[0]["resource"]["id"].as_str().unwrap();
    assert!(html.contains(first), "the report lists {first}");
}

#[test]
fn run_start_demo_refuses_a_demo_template_that_says_something_else() {
    let home = tempfile::tempdir().unwrap();
    ok(
        home.path(),
        &["target", "create", "demo", "--account", "444455556666"],
    );
    let out = kensa(home.path(), &["run", "start", "--demo"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("target named `demo` already exists") && err.contains("444455556666"),
        "{err}"
    );
    // Nothing was run or changed.
    let runs = json(home.path(), &["run", "list", "-f", "json"]);
    assert_eq!(runs, serde_json::json!([]));

    let out = kensa(home.path(), &["run", "start", "--snapshot", "."]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("name the template to run"), "{err}");
}
