//! Damaged snapshots through the binary: warnings name the file and JSON path, the summary
//! says the input was incomplete, and the exit status is 3 (1 when `--fail-on` is met).
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const REGION: &str = "aws_configs/us-east-1";

fn kensa(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_kensa"))
        .args(args)
        .env_remove("KENSA_MAX_FILE_SIZE")
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

fn demo_files() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo")
}

/// A copy of the demo snapshot in a temporary directory, for damaging.
fn demo_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let from = demo_files().join(REGION);
    let to = tmp.path().join(REGION);
    std::fs::create_dir_all(&to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
    tmp
}

fn file(dir: &Path, name: &str) -> PathBuf {
    dir.join(REGION).join(name)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// Replaces the first security group's first inbound permission.
fn damage_first_permission(dir: &Path, permission: serde_json::Value) {
    let path = file(dir, "SecurityGroups.json");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let groups = doc["SecurityGroups"].as_array_mut().unwrap();
    let group = groups
        .iter_mut()
        .find(|g| g["IpPermissions"].as_array().is_some_and(|p| !p.is_empty()))
        .unwrap();
    group["IpPermissions"][0] = permission;
    std::fs::write(path, serde_json::to_vec(&doc).unwrap()).unwrap();
}

#[test]
fn the_demo_is_complete_and_exits_0() {
    let out = kensa(&["scan", "--demo"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("complete input"));
    let dir = demo_files();
    let out = kensa(&["scan", dir.to_str().unwrap(), "-f", "json"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["summary"]["completeness"]["complete"], true);
}

#[test]
fn a_truncated_security_group_file_exits_3_and_fails_the_gate() {
    let tmp = demo_copy();
    let path = file(tmp.path(), "SecurityGroups.json");
    let full = std::fs::read(&path).unwrap();
    std::fs::write(&path, &full[..full.len() / 2]).unwrap();
    let dir = tmp.path().to_str().unwrap();
    let out = kensa(&["scan", dir]);
    assert_eq!(out.status.code(), Some(3));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("INCOMPLETE input (1 file rejected"),
        "{stdout}"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("error: aws_configs/us-east-1/SecurityGroups.json at $: invalid JSON"),
        "{stderr}"
    );
    assert!(!stderr.contains("warning: warning:"), "{stderr}");
    // The gate fails: the interfaces whose groups were not loaded are reported as
    // indeterminate exposure (Medium), and findings at or above --fail-on (1) take
    // precedence over incomplete input (3).
    let gated = kensa(&["scan", dir, "--fail-on", "low", "-f", "json"]);
    assert_eq!(gated.status.code(), Some(1));
    assert!(
        text(&gated.stdout).contains("IndeterminateExposure"),
        "{}",
        text(&gated.stdout)
    );
    assert_eq!(
        kensa(&["scan", dir, "--allow-incomplete"]).status.code(),
        Some(0)
    );
    let out = kensa(&["scan", dir, "-f", "json"]);
    let summary = &json(&out)["summary"]["completeness"];
    assert_eq!(summary["complete"], false);
    assert_eq!(summary["missing"][0]["key"], "SecurityGroups");
    // path never answers about a group it did not load: indeterminate, not blocked.
    let out = kensa(&[
        "path",
        dir,
        "--from",
        "internet",
        "--to",
        "i-0a1b2c3d4e5f60001",
        "--port",
        "22",
    ]);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("indeterminate"), "{stdout}");
    assert!(!stdout.contains("ENI_SG_RULES_MISMATCH"), "{stdout}");
    // compliance: the security group controls are NOT_EVALUATED, not passed.
    let out = kensa(&["compliance", dir, "-f", "json"]);
    assert_eq!(out.status.code(), Some(3));
    let report = json(&out);
    let ec2_19 = report["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["control"] == "EC2.19")
        .unwrap();
    assert_eq!(ec2_19["status"], "NOT_EVALUATED");
    assert!(ec2_19["reason"]
        .as_str()
        .unwrap()
        .contains("SecurityGroups"));
    assert_eq!(report["summary"]["completeness"]["complete"], false);
}

#[test]
fn an_empty_directory_is_an_error_not_a_clean_pass() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let out = kensa(&["scan", dir]);
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stderr).contains("no describe-* output found"));
    let out = kensa(&["compliance", dir]);
    assert_eq!(out.status.code(), Some(3));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("NOT_EVALUATED") && !stdout.contains("| NOT_APPLICABLE"),
        "{stdout}"
    );
}

/// `tcp 0-70000 from 0.0.0.0/0` and `CidrIp: ::/0` are rejected the same way by every
/// command: a warning with the JSON path, incomplete input, no finding built on them.
#[test]
fn invalid_rules_are_read_one_way_by_scan_path_and_compliance() {
    for permission in [
        serde_json::json!({"IpProtocol":"tcp","FromPort":0,"ToPort":70000,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}),
        serde_json::json!({"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"::/0"}]}),
        serde_json::json!({"IpProtocol":"tcp","FromPort":65536,"ToPort":65536,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}),
    ] {
        let tmp = demo_copy();
        damage_first_permission(tmp.path(), permission);
        let dir = tmp.path().to_str().unwrap();
        for args in [vec!["scan", dir], vec!["compliance", dir]] {
            let out = kensa(&args);
            assert_eq!(out.status.code(), Some(3), "{args:?}");
            let stderr = text(&out.stderr);
            assert!(
                stderr.contains("SecurityGroups.json at $.SecurityGroups[")
                    && stderr.contains("item skipped"),
                "{stderr}"
            );
        }
        let out = kensa(&["scan", dir, "-f", "json"]);
        let warnings = json(&out)["warnings"].to_string();
        assert!(warnings.contains("IpPermissions[0]"), "{warnings}");
        // Findings at or above --fail-on win over incomplete input (1, not 3).
        let gate = kensa(&["scan", dir, "--fail-on", "informational"]);
        assert_eq!(gate.status.code(), Some(1));
        let gate = kensa(&["compliance", dir, "--fail-on", "informational"]);
        assert_eq!(gate.status.code(), Some(1));
    }
}

/// `path` on incomplete input, as `scan` and `compliance`: the load errors on stderr (file,
/// JSON path, what was done), exit 3 whatever the verdict (1 when --fail-on is met, 0 with
/// --allow-incomplete), the completeness in the JSON answer.
#[test]
fn path_on_incomplete_input_warns_and_exits_3() {
    let tmp = demo_copy();
    // A file the query does not need: the verdict stands, the input is still incomplete.
    let volumes = file(tmp.path(), "Volumes.json");
    let full = std::fs::read(&volumes).unwrap();
    std::fs::write(&volumes, &full[..full.len() / 2]).unwrap();
    let dir = tmp.path().to_str().unwrap();
    let rdp = |extra: &[&str]| {
        let mut args = vec![
            "path",
            dir,
            "--from",
            "internet",
            "--to",
            "i-0a1b2c3d4e5f60001",
            "--port",
            "3389",
        ];
        args.extend_from_slice(extra);
        kensa(&args)
    };
    let out = rdp(&[]);
    assert!(text(&out.stdout).starts_with("reachable"), "{out:?}");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("error: aws_configs/us-east-1/Volumes.json at $: invalid JSON"),
        "{stderr}"
    );
    assert!(stderr.contains("exit status 3"), "{stderr}");
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(rdp(&["--fail-on", "reachable"]).status.code(), Some(1));
    assert_eq!(rdp(&["--fail-on", "blocked"]).status.code(), Some(3));
    assert_eq!(rdp(&["--allow-incomplete"]).status.code(), Some(0));
    let answer = json(&rdp(&["-f", "json"]));
    assert_eq!(answer["verdict"], "reachable");
    assert_eq!(answer["completeness"]["complete"], false);
    assert!(
        answer["warnings"].to_string().contains("Volumes.json"),
        "{answer}"
    );
    // The complete demo: exit 0, complete.
    let demo = demo_files();
    let out = kensa(&[
        "path",
        demo.to_str().unwrap(),
        "--from",
        "internet",
        "--to",
        "i-0a1b2c3d4e5f60001",
        "--port",
        "3389",
        "-f",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["completeness"]["complete"], true);
}

/// A group rejected on load (one invalid rule) is a hop `path` cannot judge: the answer
/// is indeterminate at that group, with the reason, never blocked or reachable.
#[test]
fn path_through_a_rejected_group_is_indeterminate() {
    let tmp = demo_copy();
    let group = "sg-0b2c3d4e5f6a71829";
    let path = file(tmp.path(), "SecurityGroups.json");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let groups = doc["SecurityGroups"].as_array_mut().unwrap();
    let at = groups.iter().position(|g| g["GroupId"] == group).unwrap();
    groups[at]["IpPermissions"][0] = serde_json::json!(
        {"IpProtocol":"tcp","FromPort":0,"ToPort":70000,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]});
    std::fs::write(&path, serde_json::to_vec(&doc).unwrap()).unwrap();
    let dir = tmp.path().to_str().unwrap();
    let out = kensa(&[
        "path",
        dir,
        "--from",
        "internet",
        "--to",
        "i-0a1b2c3d4e5f60001",
        "--port",
        "3389",
        "--fail-on",
        "reachable",
    ]);
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("indeterminate"), "{stdout}");
    assert!(
        stdout.contains(&format!("cannot tell past {group}"))
            && stdout.contains("COMPONENT_NOT_IN_SNAPSHOT")
            && stdout.contains("reason:"),
        "{stdout}"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("SecurityGroups.json at $.SecurityGroups[{at}]"))
            && stderr.contains("item skipped"),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(3));
}

/// A block at a network ACL while another ACL was rejected on load is not a verdict: the
/// rejected one may be the subnet's (its associations were lost with it).
#[test]
fn path_blocked_where_records_of_that_kind_were_lost_is_indeterminate() {
    let tmp = demo_copy();
    let path = file(tmp.path(), "NetworkAcls.json");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let acls = doc["NetworkAcls"].as_array_mut().unwrap();
    let other = (acls.iter_mut())
        .find(|a| a["NetworkAclId"] == "acl-0c5e7a9b1d3f4b6c8")
        .unwrap();
    other["Entries"][0]["CidrBlock"] = serde_json::json!("10.0.0.0/33");
    std::fs::write(&path, serde_json::to_vec(&doc).unwrap()).unwrap();
    let dir = tmp.path().to_str().unwrap();
    let args = [
        "path",
        dir,
        "--from",
        "internet",
        "--to",
        "i-0a1b2c3d4e5f60003",
        "--port",
        "8443",
        "-f",
        "json",
    ];
    let out = kensa(&args);
    let answer = json(&out);
    assert_eq!(answer["verdict"], "indeterminate", "{answer}");
    let at = &answer["blocked_at"];
    assert_eq!(at["component_id"], "acl-0b4d6f8a0c2e3a5b7");
    assert_eq!(at["code"], "COMPONENT_NOT_IN_SNAPSHOT");
    let reason = at["reason"].as_str().unwrap();
    assert!(
        reason.contains("SUBNET_ACL_RESTRICTION") && reason.contains("could not be read"),
        "{reason}"
    );
    assert_eq!(out.status.code(), Some(3));
    // The complete demo still answers blocked.
    let demo = demo_files();
    let mut complete = args.to_vec();
    complete[1] = demo.to_str().unwrap();
    assert_eq!(json(&kensa(&complete))["verdict"], "blocked");
}

#[test]
fn a_bom_and_gzip_are_read_and_a_repeated_key_is_reported() {
    let tmp = demo_copy();
    let path = file(tmp.path(), "Vpcs.json");
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(std::fs::read(&path).unwrap());
    std::fs::write(&path, bom).unwrap();
    let dir = tmp.path().to_str().unwrap();
    assert_eq!(kensa(&["scan", dir]).status.code(), Some(0));

    let sg = file(tmp.path(), "SecurityGroups.json");
    let text_sg = std::fs::read_to_string(&sg).unwrap();
    let repeated = format!(
        "{},\"SecurityGroups\":[]}}",
        text_sg.trim_end().trim_end_matches('}')
    );
    std::fs::write(&sg, repeated).unwrap();
    let out = kensa(&["scan", dir]);
    assert!(text(&out.stderr).contains("appears more than once"));
    let with = kensa(&["scan", dir, "-f", "json"]);
    let without = kensa(&["scan", demo_files().to_str().unwrap(), "-f", "json"]);
    assert_eq!(
        json(&with)["summary"]["findings"],
        json(&without)["summary"]["findings"],
        "the first list is kept"
    );
}

#[test]
fn special_files_and_huge_files_are_refused() {
    let out = kensa(&["compliance", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not a regular file"));
    let tmp = demo_copy();
    let dir = tmp.path().to_str().unwrap();
    let out = kensa(&["scan", dir, "--max-file-size", "1000"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stderr).contains("1000-byte limit"));
}

#[cfg(unix)]
#[test]
fn a_symlink_to_the_root_is_not_followed() {
    let tmp = demo_copy();
    std::os::unix::fs::symlink("/", file(tmp.path(), "root")).unwrap();
    let out = kensa(&["scan", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stderr).contains("outside the snapshot directory"));
}

#[test]
fn control_characters_in_file_names_are_escaped() {
    let tmp = demo_copy();
    std::fs::write(file(tmp.path(), "bad\u{1b}[31m.json"), "{").unwrap();
    let out = kensa(&["scan", tmp.path().to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
    assert!(stderr.contains("bad\\u{1b}[31m.json"), "{stderr}");
}

/// A closed pipe ends quietly with 0; a full disk is an error with exit 2, never a panic.
#[test]
fn output_errors_are_handled_in_every_command() {
    let commands: &[&[&str]] = &[
        &["scan", "--demo"],
        &["compliance", "--demo"],
        &[
            "path",
            "--demo",
            "--from",
            "internet",
            "--to",
            "i-0a1b2c3d4e5f60001",
            "--port",
            "22",
        ],
        &["rules", "list"],
        &["vuln", "vercmp", "rpm", "1.0", "2.0"],
    ];
    let full = Path::new("/dev/full");
    for args in commands {
        if full.exists() {
            let out = Command::new(env!("CARGO_BIN_EXE_kensa"))
                .args(*args)
                .stdout(std::fs::File::create(full).unwrap())
                .output()
                .unwrap();
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(
                stderr.contains("No space left on device"),
                "{args:?}: {stderr}"
            );
            assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_kensa"))
            .args(*args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = text(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

/// `kensa db info | head -1` and `kensa db info > /dev/full`: a closed pipe is a quiet 0,
/// a full disk a clear error (2), never a panic.
#[test]
fn db_info_output_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let feed = tmp.path().join("main.json");
    std::fs::write(
        &feed,
        r#"{"distroversion":"v3.19","reponame":"main","packages":[{"pkg":{"name":"openssl","secfixes":{"3.1.4-r1":["CVE-2023-5678"]}}}]}"#,
    )
    .unwrap();
    let db = tmp.path().join("db.json.gz");
    let db = db.to_str().unwrap();
    let import = kensa(&["db", "import", "alpine", feed.to_str().unwrap(), "--db", db]);
    assert_eq!(import.status.code(), Some(0));
    let args = ["db", "info", "--db", db];
    let full = Path::new("/dev/full");
    if full.exists() {
        let out = Command::new(env!("CARGO_BIN_EXE_kensa"))
            .args(args)
            .stdout(std::fs::File::create(full).unwrap())
            .output()
            .unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_kensa"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}
