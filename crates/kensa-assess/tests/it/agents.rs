//! Runs and enrolled agents: a healthy agent's uploaded listeners make the network
//! findings listener-aware; a silent agent's instance is an AGENT_UNHEALTHY exclusion
//! when the template has a host package, and nothing otherwise.
use kensa_assess::Input;
use kensa_store::{
    ExclusionKind, ExclusionScope, FindingFilter, Location, NewTarget, NewTemplate, NewUpload,
    Store,
};
use serde_json::json;

const WEB: &str = "i-0a1b2c3d4e5f60002"; // SSH and HTTPS open to the Internet
const BASTION: &str = "i-0a1b2c3d4e5f60003"; // SSH open to the Internet

fn telemetry(instance: &str) -> String {
    json!({
        "schema_version": kensa_telemetry::SCHEMA_VERSION,
        "agent_version": "0.1.0",
        "collected_at": "2026-12-07T18:00:00Z",
        "mode": "live",
        "host": {"hostname": instance, "instance_id": instance, "kernel": {}, "os_release": {}},
        "listeners": [{"proto": "tcp", "family": "v4", "address": "0.0.0.0", "port": 22,
                       "pid": 812, "process_name": "sshd", "exe": "/usr/sbin/sshd"}],
    })
    .to_string()
}

async fn enrolled(store: &Store, id: &str, instance: &str, heartbeat: bool) {
    store
        .create_agent(id, instance, &format!("{id:0>64}"), "fleet")
        .await
        .unwrap();
    let doc = telemetry(instance);
    let up = NewUpload {
        agent_id: id,
        upload_id: "u1",
        sequence: 1,
        collected_at: "2026-12-07T18:00:00Z",
        compressed_bytes: 100,
        telemetry: &doc,
    };
    store.record_upload(&up).await.unwrap();
    if heartbeat {
        store.agent_heartbeat(id, "0.1.0").await.unwrap();
    }
}

async fn run(store: &Store, name: &str, packages: &[&str]) -> i64 {
    let t = store
        .create_template(&NewTemplate {
            name: name.into(),
            target: "all".into(),
            packages: packages.iter().map(|p| p.to_string()).collect(),
            ..Default::default()
        })
        .await
        .unwrap();
    kensa_assess::start(store, &t, async { Ok(Input::Demo) })
        .await
        .unwrap()
        .id
}

async fn rules_on(store: &Store, run: i64, instance: &str) -> Vec<String> {
    let filter = FindingFilter {
        run: Some(run),
        resource: Some(instance.into()),
        limit: 1000,
        ..Default::default()
    };
    let mut rules: Vec<String> = store
        .findings(&filter)
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.finding.rule_id)
        .collect();
    rules.sort();
    rules.dedup();
    rules
}

#[tokio::test]
async fn healthy_agents_refine_findings_and_silent_ones_are_excluded() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&Location::File(dir.path().join("store.db")))
        .await
        .unwrap();
    store
        .create_target(&NewTarget {
            name: "all".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    enrolled(&store, "agent-web", WEB, true).await;
    enrolled(&store, "agent-bastion", BASTION, false).await;

    let host = run(&store, "host", &["network-reachability", "cve"]).await;
    let exclusions = store.exclusions(host).await.unwrap();
    let unhealthy: Vec<_> = exclusions
        .iter()
        .filter(|e| e.kind == ExclusionKind::AgentUnhealthy)
        .collect();
    assert_eq!(unhealthy.len(), 1, "{exclusions:#?}");
    assert_eq!(
        unhealthy[0].scope,
        ExclusionScope::InstanceId(BASTION.into())
    );
    assert_eq!(unhealthy[0].attributes["AGENT_ID"], "agent-bastion");
    assert_eq!(unhealthy[0].attributes["LAST_HEARTBEAT"], "never");
    assert!(unhealthy[0].description.contains("cve"));
    // The healthy agent's listeners: sshd listens on 22, nothing on 443.
    assert_eq!(
        rules_on(&store, host, WEB).await,
        [
            "NetworkExposure",
            "RecognizedPortNoListener",
            "RecognizedPortWithListener"
        ]
    );
    // The silent agent's telemetry is not used.
    assert_eq!(
        rules_on(&store, host, BASTION).await,
        ["NetworkExposure", "RecognizedPortNoAgent"]
    );

    // Without a host package the silent agent excludes nothing.
    let net = run(&store, "net", &["network-reachability"]).await;
    let kinds: Vec<ExclusionKind> = store
        .exclusions(net)
        .await
        .unwrap()
        .iter()
        .map(|e| e.kind)
        .collect();
    assert!(!kinds.contains(&ExclusionKind::AgentUnhealthy), "{kinds:?}");
}
