//! `kensa collect` / `remediate plan|apply|rollback|iam-policy` end to end against moto,
//! through the binary and the environment variables a user would set.
use std::path::Path;
use std::process::{Command, Output};

use kensa_aws::remediate::{RuleSpec, Source};
use kensa_aws::testing::{MotoServer, TEST_REGION};

fn kensa(moto: &MotoServer, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kensa"));
    // No default store: only an explicit --store records journals here.
    cmd.args(args)
        .env_remove("AWS_PROFILE")
        .env_remove("KENSA_STORE")
        .env(
            "XDG_DATA_HOME",
            std::env::temp_dir().join("kensa-tests-no-store"),
        );
    for (k, v) in moto.env() {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run kensa");
    eprintln!(
        "kensa {}\n{}{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn world_ranges(group: &serde_json::Value) -> usize {
    group.to_string().matches("0.0.0.0/0").count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collect_plan_apply_rollback_through_the_binary() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let rule = |cidr: &str, desc: Option<&str>| RuleSpec {
        egress: false,
        ip_protocol: "tcp".into(),
        from_port: Some(0),
        to_port: Some(65535),
        source: Source::CidrIpv4(cidr.into()),
        description: desc.map(str::to_owned),
        rule_id: None,
    };
    let sg = moto
        .create_group(
            "cli",
            &[
                rule("0.0.0.0/0", Some("wide open")),
                rule("10.2.0.0/16", None),
            ],
        )
        .await;
    let before = moto.group_json(&sg).await;

    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap");
    let plan = dir.path().join("plan.json");
    let journal = dir.path().join("journal");
    let store = dir.path().join("store.db");
    let s = |p: &Path| p.to_str().unwrap().to_owned();

    let out = kensa(
        &moto,
        &[
            "collect",
            "--region",
            TEST_REGION,
            "--out",
            &s(&snap),
            "--no-progress",
        ],
    );
    assert!(out.status.success());
    assert!(snap
        .join("aws_configs")
        .join(TEST_REGION)
        .join("SecurityGroups.json")
        .is_file());

    let out = kensa(
        &moto,
        &[
            "remediate",
            "plan",
            &s(&snap),
            "--controls",
            "EC2.13,EC2.14",
            "--mode",
            "narrow",
            "--out",
            &s(&plan),
        ],
    );
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("tcp 0-21 from 0.0.0.0/0 (\"wide open\")"),
        "{text}"
    );
    assert!(text.contains("tcp 3390-65535"), "{text}");

    let out = kensa(&moto, &["remediate", "iam-policy", "--plan", &s(&plan)]);
    let policy: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(policy.to_string().contains(&format!("security-group/{sg}")));

    let out = kensa(
        &moto,
        &[
            "remediate",
            "apply",
            "--plan",
            &s(&plan),
            "--journal-dir",
            &s(&journal),
        ],
    );
    assert!(out.status.success());
    assert_eq!(
        moto.group_json(&sg).await,
        before,
        "dry run changes nothing"
    );

    let out = kensa(
        &moto,
        &[
            "remediate",
            "apply",
            "--plan",
            &s(&plan),
            "--apply",
            "--journal-dir",
            &s(&journal),
            "--store",
            &s(&store),
            "--format",
            "json",
        ],
    );
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let journal_id = report["journal_id"].as_str().unwrap().to_owned();
    assert!(report["actions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["status"] == "applied" && a["verified"] == true));
    let after = moto.group_json(&sg).await;
    assert_ne!(after, before);
    // Three narrowed ingress ranges and the default egress rule.
    assert_eq!(world_ranges(&after), 4, "{after}");

    let out = kensa(
        &moto,
        &[
            "remediate",
            "rollback",
            &journal_id,
            "--journal-dir",
            &s(&journal),
            "--store",
            &s(&store),
        ],
    );
    assert!(out.status.success());
    assert_eq!(moto.group_json(&sg).await, before);

    // The store holds the journal, rolled back by the command line, and refuses a
    // second rollback before anything changes.
    let db = kensa_store::Store::open(&kensa_store::Location::File(store.clone()))
        .await
        .unwrap();
    let stored = db.journal(&journal_id).await.unwrap();
    assert_eq!(stored.summary.state, kensa_store::JournalState::RolledBack);
    assert_eq!(stored.summary.rolled_back_by.as_deref(), Some("cli"));
    assert!(stored
        .actions
        .iter()
        .all(|a| a.state == kensa_store::ActionState::RolledBack && a.before.is_some()));
    let out = kensa(
        &moto,
        &[
            "remediate",
            "rollback",
            &journal_id,
            "--journal-dir",
            &s(&journal),
            "--store",
            &s(&store),
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("rolled-back"));
}

/// `kensa trail watch` judges incomplete input like `trail replay`: a truncated log file
/// makes the pass incomplete (3) unless `--allow-incomplete`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trail_watch_exits_3_on_a_truncated_log_file() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let clients = kensa_aws::trail::TrailClients::from_config(&moto.sdk_config(TEST_REGION).await);
    clients
        .s3
        .create_bucket()
        .bucket("trail")
        .send()
        .await
        .expect("create bucket");
    let prefix = "AWSLogs/123456789012/CloudTrail/us-east-1/2023/07/10";
    let good = r#"{"Records":[{"eventVersion":"1.08","eventName":"ListBuckets","eventSource":"s3.amazonaws.com","eventID":"e1"}]}"#;
    let truncated = r#"{"Records":[{"eventVersion":"1.08","eventName":"ListBuckets","eventID":"e2"},{"eventName":"Del"#;
    for (name, body) in [("a.json", good), ("b.json", truncated)] {
        clients
            .s3
            .put_object()
            .bucket("trail")
            .key(format!(
                "{prefix}/123456789012_CloudTrail_us-east-1_20230710T1200Z_{name}"
            ))
            .body(body.as_bytes().to_vec().into())
            .send()
            .await
            .expect("put log file");
    }
    let dir = tempfile::tempdir().unwrap();
    let watch = |state: &str, extra: &[&str]| {
        let state = dir.path().join(state).display().to_string();
        let mut args = vec![
            "trail",
            "watch",
            "--s3",
            "s3://trail",
            "--once",
            "--state-dir",
        ];
        args.push(&state);
        args.extend(extra);
        kensa(&moto, &args)
    };
    let out = watch("a", &[]);
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("INCOMPLETE input (1 input error(s)"),
        "{stderr}"
    );
    assert!(stderr.contains("b.json"), "{stderr}");
    let out = watch("b", &["--allow-incomplete"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("accepted with --allow-incomplete"));
}
