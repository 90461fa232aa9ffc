//! `kensa report`: the demo account as HTML and PDF, a snapshot directory, a saved
//! report document, and the errors a user gets for bad input.
use std::path::Path;
use std::process::{Command, Output};

fn kensa(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kensa"))
        .args(args)
        .output()
        .expect("kensa runs")
}

fn ok(args: &[&str]) -> Output {
    let out = kensa(args);
    assert!(
        out.status.success(),
        "kensa {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn demo_dir() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/demo")
        .display()
        .to_string()
}

#[test]
fn demo_reports_in_both_formats_and_types() {
    let dir = tempfile::tempdir().unwrap();
    for (format, kind) in [
        ("html", "findings"),
        ("html", "full"),
        ("pdf", "findings"),
        ("pdf", "full"),
    ] {
        let path = dir.path().join(format!("report-{kind}.{format}"));
        ok(&[
            "report",
            "--demo",
            "-f",
            format,
            "--type",
            kind,
            "-o",
            path.to_str().unwrap(),
        ]);
        let bytes = std::fs::read(&path).unwrap();
        match format {
            "pdf" => assert!(bytes.starts_with(b"%PDF-")),
            _ => {
                let html = String::from_utf8(bytes).unwrap();
                assert!(html.contains("Executive summary"));
                assert_eq!(
                    html.contains("Rules that passed everywhere"),
                    kind == "full"
                );
            }
        }
    }
}

#[test]
fn a_snapshot_directory_and_a_saved_document_give_the_same_findings() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("report.json");
    let json_arg = json.to_str().unwrap();
    ok(&[
        "report",
        &demo_dir(),
        "-f",
        "json",
        "--attribute",
        "owner=secops",
        "-o",
        json_arg,
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    assert!(findings
        .iter()
        .all(|f| f["attributes"]["owner"] == "secops"));
    let html = ok(&["report", "--input", json_arg, "-f", "html"]).stdout;
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains("owner=secops"));
    for f in findings {
        let title = f["title"]
            .as_str()
            .unwrap()
            .replace('&', "&amp;")
            .replace('\'', "&#39;");
        assert!(html.contains(&title), "missing {title}");
    }
}

#[test]
fn bad_input_gets_an_error_that_says_what_and_where() {
    let out = kensa(&["report", "/nonexistent/snapshot", "-f", "html"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/snapshot"));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.json");
    std::fs::write(&bad, "{\"run\": 3}").unwrap();
    let out = kensa(&["report", "--input", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("broken.json") && err.contains("not a kensa report document"),
        "{err}"
    );
    let out = kensa(&["report", "--demo", "--type", "weekly"]);
    assert!(!out.status.success());
    let out = kensa(&["report"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--demo"));
}

/// `kensa` with `store` as its store.
fn stored(store: &str, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_kensa"))
        .args(args)
        .env("KENSA_STORE", store)
        .env_remove("XDG_DATA_HOME")
        .output()
        .expect("kensa runs");
    assert!(
        out.status.success(),
        "kensa {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The text of a PDF file, whitespace collapsed; None (with a notice) when pdftotext
/// is missing outside CI (scripts/test installs poppler-utils).
fn pdf_text(path: &Path) -> Option<String> {
    match Command::new("pdftotext")
        .args(["-q"])
        .arg(path)
        .arg("-")
        .output()
    {
        Ok(out) => {
            assert!(out.status.success(), "pdftotext failed: {out:?}");
            Some(
                String::from_utf8_lossy(&out.stdout)
                    .split_whitespace()
                    .collect(),
            )
        }
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!("NOTICE: pdftotext is not available ({e}); PDF text check skipped");
            None
        }
        Err(e) => panic!("pdftotext is required in CI: {e}"),
    }
}

#[test]
fn a_stored_run_reports_every_finding_it_saw() {
    let tmp = tempfile::tempdir().unwrap();
    let sqlite = tmp.path().join("store.db");
    stored_run_report(sqlite.to_str().unwrap(), &tmp.path().join("sqlite"));
    if let Some(url) = super::store_cli::postgres_database("report") {
        stored_run_report(&url, &tmp.path().join("pg"));
    }
}

fn stored_run_report(store: &str, dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let file = |name: &str| dir.join(name).display().to_string();
    stored(store, &["target", "create", "demo-all"]);
    stored(
        store,
        &[
            "template",
            "create",
            "weekly",
            "--target",
            "demo-all",
            "--package",
            "network-reachability",
            "--package",
            "config",
            "--attribute",
            "owner=secops",
        ],
    );
    stored(store, &["run", "start", "weekly", "--demo"]);
    std::fs::write(
        file("mutes.yaml"),
        "mutes:\n  - rule: \"fsbp:EC2.2\"\n    reason: accepted risk\n",
    )
    .unwrap();
    stored(store, &["findings", "mute", "import", &file("mutes.yaml")]);
    let listed = stored(
        store,
        &[
            "findings",
            "list",
            "--run",
            "1",
            "--status",
            "active,resolved,suppressed",
            "--page-size",
            "10000",
            "-f",
            "json",
        ],
    );
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let listed = listed["findings"].as_array().unwrap();
    assert!(listed.len() > 100, "the demo run stores its findings");
    assert!(listed.iter().any(|f| f["status"] == "suppressed"));

    for (format, kind) in [("json", "full"), ("html", "full"), ("pdf", "findings")] {
        let out = file(&format!("run.{format}"));
        stored(
            store,
            &[
                "report", "--run", "1", "-f", format, "--type", kind, "-o", &out,
            ],
        );
    }
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file("run.json")).unwrap()).unwrap();
    assert_eq!(doc["run"]["id"], "1");
    assert_eq!(doc["run"]["state"], "COMPLETED");
    let states: Vec<&str> = doc["run"]["state_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["state"].as_str().unwrap())
        .collect();
    assert_eq!(states.first(), Some(&"CREATED"));
    assert_eq!(states.last(), Some(&"COMPLETED"));
    assert_eq!(doc["template"]["name"], "weekly");
    assert_eq!(doc["template"]["user_attributes"]["owner"], "secops");
    assert_eq!(doc["target"]["name"], "demo-all");
    assert_eq!(doc["instances"].as_array().unwrap().len(), 10);
    assert_eq!(doc["findings"].as_array().unwrap().len(), listed.len());
    let suppressed = |v: &[serde_json::Value]| {
        v.iter()
            .filter(|f| f["status"] == "suppressed")
            .map(|f| f["id"].as_str().unwrap().to_string())
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(
        suppressed(doc["findings"].as_array().unwrap()),
        suppressed(listed)
    );
    // The rules that passed everywhere are those a full report of the same snapshot
    // lists (the target covers the whole demo account), none with a finding in the run.
    let passed = doc["passed_rules"].as_array().unwrap();
    assert!(!passed.is_empty(), "the demo run passes some rules");
    assert!(doc["passed_rules_note"].is_null());
    let rule_ids = |v: &[serde_json::Value]| {
        v.iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect::<std::collections::BTreeSet<_>>()
    };
    let scanned = stored(store, &["report", "--demo", "-f", "json", "--type", "full"]);
    let scanned: serde_json::Value = serde_json::from_slice(&scanned.stdout).unwrap();
    assert_eq!(
        rule_ids(passed),
        rule_ids(scanned["passed_rules"].as_array().unwrap())
    );
    for rule in passed {
        assert!(
            !listed.iter().any(|f| f["rule_id"] == rule["id"]),
            "{rule} passed but has a finding"
        );
        assert!(rule["resources_evaluated"].as_u64().unwrap() > 0, "{rule}");
    }

    let html = std::fs::read_to_string(file("run.html")).unwrap();
    assert!(html.contains("weekly") && html.contains("demo-all") && html.contains("secops"));
    assert!(html.contains("Rules that passed everywhere"));
    for rule in passed {
        let id = rule["id"].as_str().unwrap();
        assert!(html.contains(&format!("<code>{id}</code>")), "{id}");
    }
    let pdf = std::fs::read(file("run.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    if let Some(text) = pdf_text(Path::new(&file("run.pdf"))) {
        for f in listed {
            let title: String = f["title"].as_str().unwrap().split_whitespace().collect();
            assert!(
                text.contains(&title),
                "PDF text lacks the finding title {title:?}"
            );
        }
    }
    let missing = Command::new(env!("CARGO_BIN_EXE_kensa"))
        .args(["report", "--run", "99", "-o", &file("none.html")])
        .env("KENSA_STORE", store)
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("99"));
}
