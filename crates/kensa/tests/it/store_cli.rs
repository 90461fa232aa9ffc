//! Targets, templates, runs, findings and exclusions through the binary, on a SQLite
//! store in a temporary directory.
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn kensa(store: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_kensa"))
        .args(args)
        .env("KENSA_STORE", store)
        .env_remove("XDG_DATA_HOME")
        // Notifications to SNS must never leave the machine: a closed local port.
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
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

fn ok(store: &Path, args: &[&str]) -> String {
    let out = kensa(store, args);
    assert!(out.status.success(), "kensa {args:?} failed");
    String::from_utf8(out.stdout).unwrap()
}

fn fails(store: &Path, args: &[&str]) -> String {
    let out = kensa(store, args);
    assert_eq!(out.status.code(), Some(2), "kensa {args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

/// A snapshot of two security groups: `open` is world-open on `port`, the other closed.
fn snapshot(dir: &Path, open: &str, port: u16) {
    let region = dir.join("aws_configs/us-east-1");
    std::fs::create_dir_all(&region).unwrap();
    let group = |id: &str| {
        let rules = if id == open {
            serde_json::json!([{"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        } else {
            serde_json::json!([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
        };
        serde_json::json!({"GroupId": id, "GroupName": id, "VpcId": "vpc-1", "OwnerId": "111122223333",
            "Description": id, "IpPermissions": rules, "IpPermissionsEgress": []})
    };
    let doc = serde_json::json!({"SecurityGroups": [group("sg-aaaa"), group("sg-bbbb")]});
    std::fs::write(region.join("SecurityGroups.json"), doc.to_string()).unwrap();
}

fn ids(store: &Path, run: &str) -> BTreeSet<(String, String, String)> {
    let text = ok(
        store,
        &[
            "findings",
            "list",
            "--run",
            run,
            "--status",
            "active,resolved,suppressed",
            "--page-size",
            "10000",
            "-f",
            "json",
        ],
    );
    let v: Value = serde_json::from_str(&text).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["rule_id"].as_str().unwrap().to_string(),
                f["resource"]["id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A new database on the test PostgreSQL (`KENSA_TEST_POSTGRES`, started by
/// scripts/test), or None with a notice; for the synchronous tests of the binary.
pub(crate) fn postgres_database(name: &str) -> Option<String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(kensa_store::testing::postgres_database(name))
}

#[test]
fn two_runs_over_two_snapshots_diff_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    diff_scenario(&tmp.path().join("store.db"), tmp.path());
    if let Some(url) = postgres_database("diff") {
        diff_scenario(Path::new(&url), &tmp.path().join("pg"));
    }
}

fn diff_scenario(store: &Path, dir: &Path) {
    let store = store.to_path_buf();
    let (a, b) = (dir.join("a"), dir.join("b"));
    snapshot(&a, "sg-aaaa", 22);
    snapshot(&b, "sg-bbbb", 3389);
    ok(&store, &["target", "create", "all"]);
    ok(
        &store,
        &[
            "template",
            "create",
            "cfg",
            "--target",
            "all",
            "--package",
            "config",
            "--framework",
            "fsbp",
        ],
    );
    ok(
        &store,
        &["run", "start", "cfg", "--snapshot", a.to_str().unwrap()],
    );
    ok(
        &store,
        &["run", "start", "cfg", "--snapshot", b.to_str().unwrap()],
    );
    let (one, two) = (ids(&store, "1"), ids(&store, "2"));
    assert!(
        one.iter().any(|(_, _, r)| r == "sg-aaaa") && two.iter().any(|(_, _, r)| r == "sg-bbbb")
    );

    let diff: Value = serde_json::from_str(&ok(
        &store,
        &["findings", "diff", "1", "2", "--unchanged", "-f", "json"],
    ))
    .unwrap();
    let kind = |k: &str| -> BTreeSet<(String, String, String)> {
        diff["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == k)
            .map(|e| {
                (
                    e["id"].as_str().unwrap().into(),
                    e["rule_id"].as_str().unwrap().into(),
                    e["resource_id"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    assert_eq!(kind("new"), &two - &one);
    assert_eq!(kind("resolved"), &one - &two);
    assert_eq!(kind("unchanged"), &one & &two);
    assert!(kind("changed_severity").is_empty());
    // What opened is sg-bbbb's, what closed is sg-aaaa's; nothing else moved.
    assert!(!kind("new").is_empty() && kind("new").iter().all(|(_, _, r)| r == "sg-bbbb"));
    assert!(
        !kind("resolved").is_empty() && kind("resolved").iter().all(|(_, _, r)| r == "sg-aaaa")
    );

    // Run 2 completed over the same scope: run 1's sg-aaaa findings are resolved, by run 2.
    let resolved: Value = serde_json::from_str(&ok(
        &store,
        &["findings", "list", "--status", "resolved", "-f", "json"],
    ))
    .unwrap();
    let resolved: BTreeSet<String> = resolved["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        resolved,
        kind("resolved").into_iter().map(|(id, _, _)| id).collect()
    );
    let some = kind("resolved").into_iter().next().unwrap().0;
    let shown: Value =
        serde_json::from_str(&ok(&store, &["findings", "show", &some, "-f", "json"])).unwrap();
    assert_eq!(shown["status"], "resolved");
    assert_eq!(shown["resolved_by_run"], 2);
    assert_eq!(shown["runs"], serde_json::json!([1]));
}

#[test]
fn a_demo_run_records_states_counts_and_exclusions() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store.db");
    ok(&store, &["target", "create", "demo"]);
    ok(
        &store,
        &["target", "create", "nobody", "--tag", "team=nobody"],
    );
    ok(
        &store,
        &[
            "template",
            "create",
            "full",
            "--target",
            "demo",
            "--package",
            "network-reachability",
            "--package",
            "config",
            "--package",
            "cve",
            "--attribute",
            "owner=secops",
            "--subscribe",
            "ASSESSMENT_RUN_COMPLETED=arn:aws:sns:us-east-1:111122223333:kensa",
        ],
    );
    ok(
        &store,
        &[
            "template",
            "create",
            "empty",
            "--target",
            "nobody",
            "--package",
            "config",
        ],
    );

    let preview = ok(
        &store,
        &[
            "exclusions",
            "preview",
            "--template",
            "full",
            "--demo",
            "-f",
            "json",
        ],
    );
    assert!(preview.contains("HOST_DATA_MISSING"), "{preview}");
    let run: Value = serde_json::from_str(&ok(
        &store,
        &["run", "start", "full", "--demo", "-f", "json"],
    ))
    .unwrap();
    let run = &run[0];
    assert_eq!(run["state"], "COMPLETED");
    let states: Vec<&str> = run["states"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["state"].as_str().unwrap())
        .collect();
    assert_eq!(
        states,
        [
            "CREATED",
            "COLLECTING_DATA",
            "DATA_COLLECTED",
            "EVALUATING_RULES",
            "COMPLETED"
        ]
    );
    let total: i64 = ["critical", "high", "medium", "low", "informational"]
        .iter()
        .map(|k| run["counts"][k].as_i64().unwrap())
        .sum();
    assert!(total > 0);
    let listed: Value = serde_json::from_str(&ok(
        &store,
        &[
            "findings",
            "list",
            "--run",
            "1",
            "--page-size",
            "10000",
            "-f",
            "json",
        ],
    ))
    .unwrap();
    assert_eq!(listed["findings"].as_array().unwrap().len() as i64, total);
    assert!(listed["findings"][0]["attributes"]["user:owner"] == "secops");
    let exclusions = ok(&store, &["exclusions", "list", "--run", "1", "-f", "csv"]);
    assert!(
        exclusions.contains("HOST_DATA_MISSING") && exclusions.contains("PACKAGE=cve"),
        "{exclusions}"
    );

    let empty: Value = serde_json::from_str(&ok(
        &store,
        &["run", "start", "empty", "--demo", "-f", "json"],
    ))
    .unwrap();
    assert_eq!(empty[0]["state"], "COMPLETED");
    let ex = ok(&store, &["exclusions", "list", "--run", "2", "-f", "json"]);
    assert!(ex.contains("NO_INSTANCES_IN_TARGET"), "{ex}");
    // The empty target resolved nothing of run 1.
    let resolved = ok(
        &store,
        &["findings", "list", "--status", "resolved", "-f", "json"],
    );
    assert!(
        resolved.contains("\"findings\": []") || resolved.contains("\"findings\":[]"),
        "{resolved}"
    );
    let csv = ok(&store, &["run", "list", "-f", "csv"]);
    assert_eq!(csv.lines().count(), 3, "{csv}");
}

#[test]
fn mute_rules_suppress_stored_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store.db");
    ok(&store, &["target", "create", "demo"]);
    ok(
        &store,
        &[
            "template",
            "create",
            "cfg",
            "--target",
            "demo",
            "--package",
            "config",
        ],
    );
    ok(&store, &["run", "start", "cfg", "--demo"]);
    let mutes = tmp.path().join("mutes.yaml");
    std::fs::write(
        &mutes,
        "mutes:\n  - rule: \"fsbp:EC2.*\"\n    reason: accepted risk\n    expires: 2099-01-01\n",
    )
    .unwrap();
    ok(
        &store,
        &["findings", "mute", "import", mutes.to_str().unwrap()],
    );
    let listed: Value = serde_json::from_str(&ok(
        &store,
        &[
            "findings",
            "list",
            "--status",
            "suppressed",
            "--page-size",
            "10000",
            "-f",
            "json",
        ],
    ))
    .unwrap();
    let found = listed["findings"].as_array().unwrap();
    assert!(!found.is_empty());
    assert!(found
        .iter()
        .all(|f| f["rule_id"].as_str().unwrap().starts_with("fsbp:EC2.")
            && f["status"] == "suppressed"));
    assert!(found[0]["attributes"]["STATUS_REASON"]
        .as_str()
        .unwrap()
        .contains("accepted risk"));
    let bad = tmp.path().join("bad.yaml");
    std::fs::write(&bad, "mutes:\n  - rule: x\n").unwrap();
    let err = fails(
        &store,
        &["findings", "mute", "import", bad.to_str().unwrap()],
    );
    assert!(err.contains("bad.yaml"), "{err}");
}

#[test]
fn bad_input_is_refused_with_what_and_where() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store.db");
    ok(&store, &["target", "create", "t"]);
    let err = fails(
        &store,
        &[
            "template",
            "create",
            "x",
            "--target",
            "t",
            "--package",
            "kernel",
        ],
    );
    assert!(err.contains("unknown package `kernel`"), "{err}");
    let err = fails(
        &store,
        &[
            "template",
            "create",
            "x",
            "--target",
            "missing",
            "--package",
            "config",
        ],
    );
    assert!(err.contains("target `missing` does not exist"), "{err}");
    let mut args = vec!["target", "create", "big"];
    let tags: Vec<String> = (0..11).map(|i| format!("--tag=k{i}=v")).collect();
    args.extend(tags.iter().map(String::as_str));
    let err = fails(&store, &args);
    assert!(err.contains("11 tag pairs"), "{err}");
    let err = fails(&store, &["run", "show", "42"]);
    assert!(err.contains("run `42` not found"), "{err}");
    let err = fails(&store, &["findings", "diff", "1", "2"]);
    assert!(err.contains("not found"), "{err}");

    let corrupt = tmp.path().join("corrupt.db");
    std::fs::write(&corrupt, "not sqlite at all\n".repeat(200)).unwrap();
    let err = fails(&corrupt, &["target", "list"]);
    assert!(
        err.contains(&corrupt.display().to_string()) && err.contains("corrupt"),
        "{err}"
    );
}
