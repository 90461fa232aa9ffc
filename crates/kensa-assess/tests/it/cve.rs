//! Runs with the cve package: a healthy agent's stored telemetry is matched against the
//! advisory database; a package whose program listens where the Internet reaches it
//! is raised one band; instances without telemetry stay excluded, naming only them.
use kensa_assess::{Input, RunOptions};
use kensa_model::{Finding, Package, Severity};
use kensa_store::{
    ExclusionKind, ExclusionScope, FindingFilter, Location, NewTarget, NewTemplate, NewUpload,
    RunState, Store,
};
use kensa_vuln::{AdvisoryRecord, Database};
use serde_json::json;

const WEB: &str = "i-0a1b2c3d4e5f60002"; // SSH and HTTPS open to the Internet
const BASTION: &str = "i-0a1b2c3d4e5f60003";

fn telemetry() -> String {
    let pkg = |n: &str, v: &str| json!({"kind": "rpm", "name": n, "version": v, "arch": "x86_64"});
    json!({
        "schema_version": kensa_telemetry::SCHEMA_VERSION,
        "agent_version": "0.1.0",
        "collected_at": "2026-12-07T18:00:00Z",
        "mode": "live",
        "host": {"hostname": "web", "instance_id": WEB,
                 "os_release": {"ID": "amzn", "VERSION_ID": "2023"},
                 "kernel": {"running": "6.1.100-1.amzn2023.x86_64", "installed": []}},
        "packages": [pkg("openssh-server", "8.7p1-8.amzn2023.0.4"), pkg("bash", "5.2.15-1.amzn2023"),
                     pkg("kernel", "6.1.100-1.amzn2023"), pkg("kernel", "6.1.90-1.amzn2023")],
        "listeners": [{"proto": "tcp", "family": "v4", "address": "0.0.0.0", "port": 22,
                       "pid": 812, "user": "root", "process_name": "sshd", "exe": "/usr/sbin/sshd",
                       "package": {"kind": "rpm", "name": "openssh-server",
                                   "version": "8.7p1-8.amzn2023.0.4", "arch": "x86_64"}}],
    })
    .to_string()
}

fn advisory(package: &str, fixed: &str, severity: &str) -> AdvisoryRecord {
    serde_json::from_value(json!({
        "distro": "amzn", "release": "2023", "package": package, "id": format!("ALAS2023-{package}"),
        "scheme": "rpm", "fix_state": "fixed", "fixed": fixed, "severity": severity,
        "cves": ["CVE-2026-0001"], "source": "alas"
    }))
    .unwrap()
}

async fn store_with_agent(dir: &std::path::Path) -> Store {
    let store = Store::open(&Location::File(dir.join("store.db")))
        .await
        .unwrap();
    let target = NewTarget {
        name: "all".into(),
        ..Default::default()
    };
    store.create_target(&target).await.unwrap();
    store
        .create_agent("agent-web", WEB, &format!("{:0>64}", 1), "fleet")
        .await
        .unwrap();
    let doc = telemetry();
    let up = NewUpload {
        agent_id: "agent-web",
        upload_id: "u1",
        sequence: 1,
        collected_at: "2026-12-07T18:00:00Z",
        compressed_bytes: 100,
        telemetry: &doc,
    };
    store.record_upload(&up).await.unwrap();
    store.agent_heartbeat("agent-web", "0.1.0").await.unwrap();
    store
}

async fn run(store: &Store, name: &str, packages: &[&str], db: &std::path::Path) -> i64 {
    let t = store
        .create_template(&NewTemplate {
            name: name.into(),
            target: "all".into(),
            packages: packages.iter().map(|p| p.to_string()).collect(),
            ..Default::default()
        })
        .await
        .unwrap();
    let options = RunOptions {
        advisory_db: db.to_path_buf(),
    };
    let notifier = kensa_assess::notify::Notifier::default();
    kensa_assess::start_with_options(store, &t, async { Ok(Input::Demo) }, &notifier, &options)
        .await
        .unwrap()
        .id
}

async fn cve_findings(store: &Store, run: i64) -> Vec<Finding> {
    let filter = FindingFilter {
        run: Some(run),
        limit: 10_000,
        ..Default::default()
    };
    let mut out: Vec<Finding> = store
        .findings(&filter)
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.finding)
        .filter(|f| f.package == Package::Cve)
        .collect();
    out.sort_by(|a, b| {
        a.attributes["PACKAGE_NAME"]
            .cmp(&b.attributes["PACKAGE_NAME"])
            .then(b.severity.cmp(&a.severity))
    });
    out
}

#[tokio::test]
async fn stored_telemetry_gives_cve_findings_raised_by_reachability() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_agent(dir.path()).await;
    let db_path = dir.path().join("advisories.json.gz");
    let db = Database {
        records: vec![
            advisory("openssh-server", "8.7p1-9.amzn2023", "Medium"),
            advisory("bash", "5.2.15-2.amzn2023", "Low"),
            advisory("kernel", "6.1.200-1.amzn2023", "High"),
        ],
        ..Default::default()
    };
    db.save(&db_path).unwrap();

    for packages in [&["network-reachability", "cve"][..], &["cve"]] {
        let id = run(&store, &packages.join("+"), packages, &db_path).await;
        let fs = cve_findings(&store, id).await;
        let got: Vec<(&str, Severity)> = fs
            .iter()
            .map(|f| (f.attributes["PACKAGE_NAME"].as_str(), f.severity))
            .collect();
        assert_eq!(
            got,
            [
                ("bash", Severity::Low),
                // Kernel truth: the running kernel keeps its severity, the idle one does not.
                ("kernel", Severity::High),
                ("kernel", Severity::Informational),
                ("openssh-server", Severity::High),
            ],
            "{packages:?}"
        );
        let ssh = &fs[3];
        assert_eq!(ssh.resource.id, WEB);
        assert!(!ssh.resource.region.is_empty());
        assert_eq!(ssh.attributes["ORIGINAL_SEVERITY"], "Medium");
        assert_eq!(ssh.attributes["NETWORK_REACHABLE_PORTS"], "TCP 22");
        assert!(ssh.attributes["NETWORK_REACHABLE_PROCESS"].starts_with("sshd (pid 812"));
        assert!(ssh.attributes["NETWORK_PATH"].starts_with("igw-"));
        assert!(!fs[0].attributes.contains_key("ORIGINAL_SEVERITY"));

        // The other instances have no telemetry: still excluded, and only they.
        let exclusions = store.exclusions(id).await.unwrap();
        let missing: Vec<_> = exclusions
            .iter()
            .filter(|e| e.kind == ExclusionKind::HostDataMissing)
            .collect();
        assert_eq!(missing.len(), 1, "{exclusions:#?}");
        assert_eq!(missing[0].scope, ExclusionScope::Package("cve".into()));
        let listed = &missing[0].attributes["INSTANCES"];
        assert!(
            listed.contains(BASTION) && !listed.contains(WEB),
            "{listed}"
        );
        assert_eq!(store.run(id).await.unwrap().state, RunState::Completed);
    }
}

#[tokio::test]
async fn without_an_advisory_database_the_cve_package_is_an_error_not_clean() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_agent(dir.path()).await;
    let id = run(&store, "cve", &["cve"], &dir.path().join("absent.json.gz")).await;
    assert!(cve_findings(&store, id).await.is_empty());
    let exclusions = store.exclusions(id).await.unwrap();
    let error = exclusions
        .iter()
        .find(|e| e.kind == ExclusionKind::EvaluationError)
        .unwrap();
    assert!(error
        .description
        .contains("advisory database could not be read"));
    assert_eq!(
        store.run(id).await.unwrap().state,
        RunState::CompletedWithErrors
    );

    // A database without advisories for the host's OS: excluded, not found clean.
    let db_path = dir.path().join("debian-only.json.gz");
    let mut record = advisory("bash", "5.3", "Low");
    record.distro = "debian".into();
    record.release = "bookworm".into();
    let db = Database {
        records: vec![record],
        ..Default::default()
    };
    db.save(&db_path).unwrap();
    let id = run(&store, "cve-debian", &["cve"], &db_path).await;
    assert!(cve_findings(&store, id).await.is_empty());
    let exclusions = store.exclusions(id).await.unwrap();
    let os = exclusions
        .iter()
        .find(|e| e.kind == ExclusionKind::UnsupportedOs)
        .unwrap_or_else(|| panic!("{exclusions:#?}"));
    assert_eq!(os.attributes["INSTANCES"], WEB);
    assert!(
        os.description.contains("no records for amzn 2023"),
        "{}",
        os.description
    );
}
