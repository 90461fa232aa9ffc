//! `kensa trail replay` exit statuses: input that could not be read makes the result
//! incomplete (3) unless `--allow-incomplete`; alerts at or above `--fail-on` (1) win.
use std::path::Path;
use std::process::{Command, Output};

const RULES: &str = r#"
- rule: Console Login
  desc: d
  condition: ct.name = ConsoleLogin
  output: login by %ct.user
  priority: WARNING
  source: aws_cloudtrail
"#;

const LOGIN: &str = r#"{"Records":[{"eventVersion":"1.08","eventName":"ConsoleLogin","eventSource":"signin.amazonaws.com","eventID":"e1","userIdentity":{"type":"IAMUser","userName":"alice"}}]}"#;
const OTHER: &str = r#"{"Records":[{"eventVersion":"1.08","eventName":"ListBuckets","eventSource":"s3.amazonaws.com","eventID":"e2"}]}"#;
/// Two records, the second cut off: the first is judged, the second is an input error.
const TRUNCATED: &str =
    r#"{"Records":[{"eventName":"ListBuckets","eventID":"e3"},{"eventName":"GetObject","eventID":"#;

fn replay(dir: &Path, files: &[&str], extra: &[&str]) -> Output {
    let mut args = vec![
        "trail".to_owned(),
        "replay".into(),
        "--no-progress".into(),
        "--rules".into(),
        dir.join("rules.yaml").display().to_string(),
    ];
    args.extend(extra.iter().map(|a| a.to_string()));
    args.extend(files.iter().map(|f| dir.join(f).display().to_string()));
    // The default store is looked for under XDG_DATA_HOME: the test's own directory.
    let out = Command::new(env!("CARGO_BIN_EXE_kensa"))
        .args(&args)
        .env_remove("KENSA_STORE")
        .env("XDG_DATA_HOME", dir)
        .output()
        .expect("run kensa");
    eprintln!(
        "kensa {} -> {:?}\n{}{}",
        args.join(" "),
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn logs() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("rules.yaml", RULES),
        ("login.json", LOGIN),
        ("other.json", OTHER),
        ("truncated.json", TRUNCATED),
    ] {
        std::fs::write(tmp.path().join(name), text).unwrap();
    }
    tmp
}

#[test]
fn replay_input_errors_make_the_result_incomplete() {
    let tmp = logs();
    let dir = tmp.path();
    // Clean input, no alert at or above --fail-on: 0.
    assert_eq!(
        replay(dir, &["other.json"], &["--fail-on", "warning"])
            .status
            .code(),
        Some(0)
    );
    // Clean input with an alert at --fail-on: 1.
    assert_eq!(
        replay(dir, &["login.json"], &["--fail-on", "warning"])
            .status
            .code(),
        Some(1)
    );

    // A malformed record: 3, said on stderr; the readable records are still judged.
    let out = replay(dir, &["other.json", "truncated.json"], &[]);
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("truncated.json"), "{stderr}");
    assert!(
        stderr.contains("INCOMPLETE input (1 input error(s)"),
        "{stderr}"
    );
    assert!(stderr.contains("2 events"), "{stderr}");
    // --fail-on met on the rest of the input wins over 3.
    let out = replay(
        dir,
        &["login.json", "truncated.json"],
        &["--fail-on", "warning"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("login by alice"));
    // --fail-on given but not met: still 3.
    let out = replay(
        dir,
        &["login.json", "truncated.json"],
        &["--fail-on", "critical"],
    );
    assert_eq!(out.status.code(), Some(3));
    // --allow-incomplete accepts it, and still says so.
    let out = replay(
        dir,
        &["other.json", "truncated.json"],
        &["--allow-incomplete"],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("accepted with --allow-incomplete"));
}

#[test]
fn replay_files_over_the_limits_and_unreadable_files_are_input_errors() {
    let tmp = logs();
    let dir = tmp.path();
    let out = replay(dir, &["login.json"], &["--max-file-bytes", "40"]);
    assert_eq!(out.status.code(), Some(3));
    let out = replay(dir, &["login.json"], &["--max-record-bytes", "40"]);
    assert_eq!(out.status.code(), Some(3));
    let out = replay(
        dir,
        &["login.json"],
        &["--max-record-bytes", "40", "--allow-incomplete"],
    );
    assert_eq!(out.status.code(), Some(0));
    // A file given by name that does not exist is a usage error (2), not incomplete input.
    let out = replay(dir, &["missing.json"], &[]);
    assert_eq!(out.status.code(), Some(2));
}

/// An empty file, a file with no event, and a second `Records` array (a parser
/// differential) are never a clean "0 alerts".
#[test]
fn replay_of_empty_or_doubled_input_is_incomplete() {
    let tmp = logs();
    let dir = tmp.path();
    let doubled = LOGIN.replacen(r#"{"Records":["#, r#"{"Records":[],"Records":["#, 1);
    for (name, text) in [
        ("empty.json", ""),
        ("none.json", r#"{"Records":[]}"#),
        ("doubled.json", doubled.as_str()),
    ] {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let stderr = |out: &Output| String::from_utf8_lossy(&out.stderr).into_owned();
    let out = replay(dir, &["empty.json"], &[]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("empty input"), "{}", stderr(&out));
    // Empty beside a good file: the good one is judged, the result is still incomplete.
    assert_eq!(
        replay(dir, &["other.json", "empty.json"], &[])
            .status
            .code(),
        Some(3)
    );
    // A well-formed file without records is a warning, but nothing at all was judged.
    let out = replay(dir, &["none.json"], &[]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("no CloudTrail records"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("nothing was judged"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        replay(dir, &["other.json", "none.json"], &[]).status.code(),
        Some(0)
    );
    // The second Records array is read (the login alerts) and the input is incomplete.
    let out = replay(dir, &["doubled.json"], &[]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("login by alice"));
    assert!(
        stderr(&out).contains("second \"Records\""),
        "{}",
        stderr(&out)
    );
    let out = replay(dir, &["doubled.json"], &["--fail-on", "warning"]);
    assert_eq!(out.status.code(), Some(1));
}

/// Alerts go to the store once each: a second replay of the same file adds nothing,
/// and without --store the default store is used once it exists.
#[test]
fn replay_stores_each_alert_once() {
    let tmp = logs();
    let store = tmp.path().join("kensa").join("store.db");
    let first = replay(
        tmp.path(),
        &["login.json"],
        &["--store", store.to_str().unwrap()],
    );
    assert_eq!(first.status.code(), Some(0));
    let err = String::from_utf8_lossy(&first.stderr);
    assert!(err.contains("1 alert(s) stored, 0 already there"), "{err}");
    // No --store: the default store ($XDG_DATA_HOME/kensa/store.db) now exists.
    let again = replay(tmp.path(), &["login.json", "other.json"], &[]);
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("0 alert(s) stored, 1 already there"), "{err}");
}

#[test]
fn replay_without_a_store_creates_none() {
    let tmp = logs();
    let out = replay(tmp.path(), &["login.json"], &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("stored"));
    assert!(!tmp.path().join("kensa").exists());
}
