//! `kensa watch --policies` end to end on moto: SSH opened to the world on a public
//! instance's group is remediated by a policy in auto mode (journaled, verified, the
//! closure alerted, rolled back exactly by `kensa remediate rollback`), never twice
//! across restarts and redeliveries; a policy that requires approval posts its plan to
//! the webhook and changes nothing until `kensa remediate approve ID`.
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;

use serde_json::Value;

use super::watch_cli::Env;

const SSH_WORLD: &str = "tcp 22-22 0.0.0.0/0";
const HTTPS_WORLD: &str = "tcp 443-443 0.0.0.0/0";

fn rules(env: &Env, group: &str) -> Vec<String> {
    serde_json::from_str(&env.moto_env(&["rules", group])).unwrap()
}

fn kinds(records: &[Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| {
            let what = r["change"].as_str().or(r["state"].as_str()).unwrap_or("");
            format!("{} {what}", r["kind"].as_str().unwrap())
        })
        .collect()
}

#[test]
fn auto_policy_remediates_once_verifies_and_rolls_back_exactly() {
    let Some(env) = Env::start() else {
        return;
    };
    let ids = env.setup();
    let id = |k: &str| ids[k].as_str().unwrap().to_string();
    let (web, instance, queue) = (id("web"), id("instance"), id("queue"));
    let policy = env.path("policies.yaml");
    std::fs::write(
        &policy,
        "policies:\n  - name: world-ssh\n    controls: [EC2.13]\n    mode: revoke\n",
    )
    .unwrap();
    let journal = env.path("journal");
    let extra = ["--policies", &policy, "--journal-dir", &journal];

    let opened = env.moto_env(&["open", &web, &env.path("open-web.json")]);
    let after_open = rules(&env, &web);
    assert_eq!(after_open, vec![SSH_WORLD, HTTPS_WORLD]);
    let (records, _) = env.watch_with(&queue, &extra);
    assert_eq!(
        kinds(&records),
        ["exposure opened", "remediation applied", "exposure closed"],
        "{records:#?}"
    );
    let rem = &records[1];
    assert_eq!(rem["policy"], "world-ssh");
    assert_eq!(rem["resource"], instance.as_str());
    assert_eq!(rem["event"]["event_id"], opened.as_str());
    assert_eq!(rem["groups"], serde_json::json!([web]));
    assert_eq!(rem["verified"], true);
    let journal_id = rem["journal_id"].as_str().unwrap().to_string();
    let closed = &records[2];
    assert_eq!(closed["resource"], instance.as_str());
    assert_eq!(closed["ports"], serde_json::json!(["tcp/22"]));
    assert_eq!(closed["event"]["event_name"], "KensaDescribedSecurityGroup");
    // Exactly the SSH rule went; 443 stays.
    assert_eq!(rules(&env, &web), vec![HTTPS_WORLD]);

    // Restart with the opening delivered again: nothing alerted, nothing remediated.
    env.moto_env(&["send", &env.path("open-web.json")]);
    let (records, stderr) = env.watch_with(&queue, &extra);
    assert!(records.is_empty(), "{records:#?}");
    assert!(stderr.contains("1 duplicate(s) skipped"), "{stderr}");
    assert!(
        stderr.contains("2 journaled event(s) applied again"),
        "the opening, the described group: {stderr}"
    );
    let runs = std::fs::read_dir(&journal).unwrap().count();
    assert_eq!(runs, 1, "one journaled remediation run");

    // The journal undoes it exactly.
    env.kensa(&[
        "remediate",
        "rollback",
        &journal_id,
        "--journal-dir",
        &journal,
    ]);
    assert_eq!(rules(&env, &web), after_open);
}

/// A one-shot HTTP endpoint: the body of the first POST it receives.
fn webhook() -> (String, mpsc::Receiver<Value>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/approve", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let lower = line.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
            if line == "\r\n" || line.is_empty() {
                break;
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let mut stream = stream;
        stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            .unwrap();
        tx.send(serde_json::from_slice(&body).unwrap()).unwrap();
    });
    (url, rx)
}

#[test]
fn approval_policy_changes_nothing_until_approved() {
    let Some(env) = Env::start() else {
        return;
    };
    let ids = env.setup();
    let id = |k: &str| ids[k].as_str().unwrap().to_string();
    let (web, queue) = (id("web"), id("queue"));
    let (url, posted) = webhook();
    let policy = env.path("policies.yaml");
    std::fs::write(
        &policy,
        format!(
            "policies:\n  - name: world-ssh\n    controls: [EC2.13]\n    approval:\n      webhook: {url}\n"
        ),
    )
    .unwrap();
    let (journal, state) = (env.path("journal"), env.path("state"));
    let extra = ["--policies", &policy, "--journal-dir", &journal];

    env.moto_env(&["open", &web, &env.path("open-web.json")]);
    let (records, _) = env.watch_with(&queue, &extra);
    assert_eq!(
        kinds(&records),
        ["exposure opened", "remediation pending"],
        "{records:#?}"
    );
    let rid = records[1]["id"].as_str().unwrap().to_string();
    let hook = posted.recv().unwrap();
    assert_eq!(hook["id"], rid.as_str());
    assert_eq!(hook["state"], "pending");
    let action = &hook["plan"]["actions"][0];
    assert_eq!(action["change"]["group_id"], web.as_str());
    assert_eq!(rules(&env, &web), vec![SSH_WORLD, HTTPS_WORLD]);

    // Waiting changes nothing.
    let (records, _) = env.watch_with(&queue, &extra);
    assert!(records.is_empty(), "{records:#?}");
    assert_eq!(rules(&env, &web), vec![SSH_WORLD, HTTPS_WORLD]);

    env.kensa(&[
        "remediate",
        "approve",
        &rid,
        "--state-dir",
        &state,
        "--journal-dir",
        &journal,
    ]);
    assert_eq!(rules(&env, &web), vec![HTTPS_WORLD]);
    // The watcher alerts the approved outcome once and follows the change.
    let (records, _) = env.watch_with(&queue, &extra);
    assert_eq!(
        kinds(&records),
        ["remediation applied", "exposure closed"],
        "{records:#?}"
    );
    assert_eq!(records[0]["id"], rid.as_str());
    let (records, _) = env.watch_with(&queue, &extra);
    assert!(records.is_empty(), "{records:#?}");
    // A second approval is refused.
    let kensa = std::path::PathBuf::from(env!("CARGO_BIN_EXE_kensa"));
    let again = env.run_any(
        &kensa,
        &[
            "remediate",
            "approve",
            &rid,
            "--state-dir",
            &state,
            "--journal-dir",
            &journal,
        ],
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not awaiting approval"));
}

#[test]
fn a_resync_alerts_drift_and_a_restart_starts_from_it() {
    let Some(env) = Env::start() else {
        return;
    };
    let ids = env.setup();
    let id = |k: &str| ids[k].as_str().unwrap().to_string();
    let (web, instance, queue) = (id("web"), id("instance"), id("queue"));
    // SSH opened in AWS, its event lost: only a resync can tell.
    env.moto_env(&["open-silent", &web]);
    let (records, stderr) = env.watch_with(&queue, &["--resync-every", "0"]);
    assert_eq!(
        kinds(&records),
        ["exposure opened", "drift "],
        "{records:#?}"
    );
    assert_eq!(records[0]["resource"], instance.as_str());
    assert_eq!(records[0]["ports"], serde_json::json!(["tcp/22"]));
    assert_eq!(records[0]["event"]["event_name"], "KensaResync");
    assert_eq!(records[1]["resources"], serde_json::json!([instance]));
    assert!(stderr.contains("resync: 1 exposure change(s)"), "{stderr}");

    // A restart continues from the resync's model: nothing again, and the closure
    // (a revoke the model can only apply to the resynced group) alerts.
    let (records, stderr) = env.watch(&queue);
    assert!(records.is_empty(), "{records:#?}");
    assert!(stderr.contains("starting from the last resync"), "{stderr}");
    env.moto_env(&["close", &web, &env.path("close-web.json")]);
    let (records, _) = env.watch(&queue);
    assert_eq!(kinds(&records), ["exposure closed"], "{records:#?}");
}

#[test]
fn an_accepted_peering_is_described_again_and_its_exposure_alerted() {
    let Some(env) = Env::start() else {
        return;
    };
    let mut pcx = String::new();
    let ids = env.setup_with(|env, ids| {
        pcx = env.moto_env(&["peer", ids["vpc"].as_str().unwrap()]);
    });
    let (instance, queue) = (
        ids["instance"].as_str().unwrap(),
        ids["queue"].as_str().unwrap(),
    );
    let accepted = env.moto_env(&["accept", &pcx, &env.path("accept.json")]);
    let (records, _) = env.watch(queue);
    let notice = &records[0];
    assert_eq!(notice["kind"], "redescribe", "{records:#?}");
    assert_eq!(notice["resource"], pcx.as_str());
    assert_eq!(notice["event"]["event_id"], accepted.as_str());
    // Described again: active, so the web group's 443 is reachable from the peered VPC.
    let peered: Vec<&Value> = (records.iter())
        .filter(|r| r["source_class"] == "PeeredVPC")
        .collect();
    assert_eq!(peered.len(), 1, "{records:#?}");
    assert_eq!(peered[0]["change"], "opened");
    assert_eq!(peered[0]["resource"], instance);
    assert_eq!(peered[0]["ports"], serde_json::json!(["tcp/443"]));
    assert_eq!(peered[0]["sources"], serde_json::json!(["10.30.0.0/16"]));
    assert!(
        peered[0]["path"].as_str().unwrap().starts_with(&pcx),
        "{}",
        peered[0]["path"]
    );
    // Journaled: a restart rebuilds the same model and alerts nothing.
    let (records, stderr) = env.watch(queue);
    assert!(records.is_empty(), "{records:#?}");
    assert!(
        stderr.contains("2 journaled event(s) applied again"),
        "{stderr}"
    );
}

#[test]
fn an_invalid_policy_file_stops_the_watcher_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.yaml");
    std::fs::write(
        &policy,
        "policies:\n  - name: a\n    controls: [EC2.13]\n    mode: sideways\n",
    )
    .unwrap();
    let snap = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../kensa-watch/testdata/snapshot"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kensa"))
        .args(["watch", "--snapshot", snap, "--once", "--sqs"])
        .arg("http://127.0.0.1:9/queue/none")
        .arg("--policies")
        .arg(&policy)
        .arg("--state-dir")
        .arg(dir.path().join("state"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    let expected = format!(
        "{}:4: policy 'a': unknown mode `sideways`",
        policy.display()
    );
    assert!(stderr.contains(&expected), "{stderr}");
}
