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
