//! A template subscribing Security Hub (`FINDING_REPORTED=arn:aws:securityhub:...`):
//! two runs through the binary against moto put the first run's findings in the hub
//! and archive those the second run resolved; a hub that is down is recorded FAILED
//! after the notifier's attempts, the rest of the findings SKIPPED. Every finding of
//! the demo account in kensa's ASFF is one the Security Hub SDK carries.
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use kensa_aws::securityhub::AwsSecurityFinding;
use kensa_aws::testing::{MotoServer, MOTO_ACCOUNT, TEST_REGION};
use serde_json::{json, Value};

const NOTIFIER_ATTEMPTS: i64 = 4;

fn kensa(store: &Path, endpoint: &str, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_kensa"))
        .args(args)
        .env("KENSA_STORE", store)
        .env_remove("XDG_DATA_HOME")
        .env_remove("AWS_PROFILE")
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", TEST_REGION)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .output()
        .expect("run kensa");
    assert!(
        out.status.success(),
        "kensa {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Two security groups: `open` world-open on `port`, the other closed.
fn snapshot(dir: &Path, open: &str, port: u16) {
    let region = dir.join(format!("aws_configs/{TEST_REGION}"));
    std::fs::create_dir_all(&region).unwrap();
    let group = |id: &str| {
        let rules = if id == open {
            json!([{"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        } else {
            json!([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
        };
        json!({"GroupId": id, "GroupName": id, "VpcId": "vpc-1", "OwnerId": MOTO_ACCOUNT,
            "Description": id, "IpPermissions": rules, "IpPermissionsEgress": []})
    };
    let doc = json!({"SecurityGroups": [group("sg-aaaa"), group("sg-bbbb")]});
    std::fs::write(region.join("SecurityGroups.json"), doc.to_string()).unwrap();
}

fn hub() -> String {
    format!("arn:aws:securityhub:{TEST_REGION}:{MOTO_ACCOUNT}:hub/default")
}

/// `target create all` and a template `hub` subscribing Security Hub at `severity`.
fn template(store: &Path, endpoint: &str, severity: &str) {
    kensa(store, endpoint, &["target", "create", "all"]);
    let subscription = format!("FINDING_REPORTED:{severity}={}", hub());
    kensa(
        store,
        endpoint,
        &[
            "template",
            "create",
            "hub",
            "--target",
            "all",
            "--package",
            "config",
            "--package",
            "network-reachability",
            "--subscribe",
            &subscription,
        ],
    );
}

fn run_shown(store: &Path, endpoint: &str, run: &str) -> Value {
    let out = kensa(store, endpoint, &["run", "show", run, "-f", "json"]);
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    if shown.is_array() {
        shown[0].clone()
    } else {
        shown
    }
}

async fn hub_findings(moto: &MotoServer) -> BTreeMap<String, AwsSecurityFinding> {
    let client =
        kensa_aws::securityhub::securityhub_client_from(&moto.sdk_config(TEST_REGION).await);
    let mut out = BTreeMap::new();
    let mut token = None;
    loop {
        let page = client
            .get_findings()
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        for f in page.findings() {
            out.insert(f.id().unwrap().to_string(), f.clone());
        }
        token = page
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        if token.is_none() {
            return out;
        }
    }
}

fn state(f: &AwsSecurityFinding) -> &str {
    f.record_state().map(|s| s.as_str()).unwrap_or("")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_runs_import_then_archive_what_the_second_resolved() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (store, endpoint) = (tmp.path().join("store.db"), moto.endpoint());
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    snapshot(&a, "sg-aaaa", 22);
    snapshot(&b, "sg-bbbb", 3389);
    template(&store, &endpoint, "low");

    kensa(
        &store,
        &endpoint,
        &["run", "start", "hub", "--snapshot", a.to_str().unwrap()],
    );
    let first = run_shown(&store, &endpoint, "1");
    let sent = first["notifications"].as_array().unwrap();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["status"], "SUCCESS", "{sent:?}");
    assert_eq!(sent[0]["attempts"], 1);
    let after_one = hub_findings(&moto).await;
    assert!(!after_one.is_empty());
    for f in after_one.values() {
        assert_eq!(f.aws_account_id(), Some(MOTO_ACCOUNT));
        assert_eq!(
            f.product_arn().unwrap(),
            format!(
                "arn:aws:securityhub:{TEST_REGION}:{MOTO_ACCOUNT}:product/{MOTO_ACCOUNT}/default"
            )
        );
        assert_eq!(state(f), "ACTIVE");
        assert!(f.generator_id().unwrap().starts_with("kensa/"));
    }
    let on_a = |f: &AwsSecurityFinding| {
        f.resources()
            .iter()
            .any(|r| r.id().unwrap_or("").contains("sg-aaaa"))
    };
    assert!(
        after_one.values().any(on_a),
        "sg-aaaa's open SSH is in the hub"
    );

    kensa(
        &store,
        &endpoint,
        &["run", "start", "hub", "--snapshot", b.to_str().unwrap()],
    );
    let second = run_shown(&store, &endpoint, "2");
    let resolved = second["resolved"].as_i64().unwrap();
    assert!(resolved > 0, "{second}");
    let message = second["notifications"][0]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("{resolved} archived")),
        "{message}"
    );
    let after_two = hub_findings(&moto).await;
    let archived: Vec<&AwsSecurityFinding> = after_two
        .values()
        .filter(|f| state(f) == "ARCHIVED")
        .collect();
    assert_eq!(archived.len() as i64, resolved);
    for f in &archived {
        assert!(on_a(f), "only sg-aaaa was closed: {f:?}");
        assert_eq!(
            f.workflow().and_then(|w| w.status()).map(|s| s.as_str()),
            Some("RESOLVED")
        );
        assert!(
            after_one.contains_key(f.id().unwrap()),
            "archived under the same Id"
        );
    }
    assert!(
        after_two.values().any(|f| state(f) == "ACTIVE"
            && f.resources()
                .iter()
                .any(|r| r.id().unwrap_or("").contains("sg-bbbb"))),
        "sg-bbbb's new finding is active"
    );
}

#[test]
fn a_hub_that_is_down_is_recorded_failed_and_the_rest_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, endpoint) = (tmp.path().join("store.db"), "http://127.0.0.1:9");
    template(&store, endpoint, "informational");
    kensa(&store, endpoint, &["run", "start", "hub", "--demo"]);
    let run = run_shown(&store, endpoint, "1");
    assert_eq!(
        run["state"], "COMPLETED",
        "a failed export never fails the run"
    );
    let sent = run["notifications"].as_array().unwrap();
    let batch = sent.iter().find(|d| d["finding_id"].is_null()).unwrap();
    assert_eq!(batch["status"], "FAILED", "{sent:?}");
    assert_eq!(batch["attempts"], NOTIFIER_ATTEMPTS);
    assert!(
        batch["message"].as_str().unwrap().contains("Security Hub"),
        "{batch}"
    );
    let last = sent.last().unwrap();
    assert_eq!(
        last["status"], "SKIPPED",
        "the demo fills more than one batch: {sent:?}"
    );
    assert!(
        last["message"].as_str().unwrap().contains("not sent"),
        "{last}"
    );
}

#[test]
fn every_demo_finding_in_kensa_asff_is_carried_by_the_sdk() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("findings.asff.json");
    kensa(
        &tmp.path().join("store.db"),
        "http://127.0.0.1:9",
        &["scan", "--demo", "-f", "asff", "-o", out.to_str().unwrap()],
    );
    let docs: Vec<Value> = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert!(docs.len() > 100);
    for doc in &docs {
        let f = kensa_aws::securityhub::to_sdk(doc).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.id(), doc["Id"].as_str());
        assert_eq!(
            f.resources().len(),
            doc["Resources"].as_array().unwrap().len()
        );
    }
}
