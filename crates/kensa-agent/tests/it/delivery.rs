//! Delivery to an in-process server: spooled while it is down, delivered in order and
//! exactly once when it is back, resent copies recognised.
use std::path::Path;

use kensa_agent::collect::{collect, Options};
use kensa_agent::deliver::{Agent, Settings};
use kensa_telemetry::Telemetry;

use crate::server::Server;

pub fn small_report(hostname: &str) -> Telemetry {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("etc")).unwrap();
    std::fs::write(root.path().join("etc/hostname"), hostname).unwrap();
    std::fs::write(
        root.path().join("etc/os-release"),
        "ID=debian\nVERSION_ID=12\n",
    )
    .unwrap();
    collect(&Options::root(root.path()))
}

pub fn agent(server: &str, token: &str, spool: &Path) -> Agent {
    Agent::new(Settings {
        server: server.into(),
        enrollment_token: token.into(),
        spool: spool.into(),
        ca_cert: None,
        pins: Vec::new(),
        allow_http: false,
    })
    .unwrap()
}

#[test]
fn server_down_then_back_every_report_delivered_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let spool = dir.path().join("spool");
    let mut server = Server::start(&dir.path().join("store.db"), Server::free_addr());
    let token = server.enrollment_token("fleet");
    let agent = agent(&server.url(), &token, &spool);
    let report = small_report("web-1");
    let mut ids = Vec::new();

    // Up: enrolls, delivers report 1.
    ids.push(agent.enqueue(&report).unwrap().upload_id);
    let first = agent.deliver("web-1").unwrap();
    assert!(first.enrolled);
    assert_eq!((first.delivered.as_slice(), first.pending), (&[1][..], 0));
    let credential = std::fs::metadata(spool.join("credential.json")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(credential.permissions().mode() & 0o777, 0o600);

    // Down: three reports wait in the spool.
    server.stop();
    for n in 2..=4 {
        ids.push(agent.enqueue(&report).unwrap().upload_id);
        let r = agent.deliver("web-1").unwrap();
        assert!(r.delivered.is_empty());
        assert_eq!(r.pending, n - 1);
        assert!(
            r.stopped.as_deref().unwrap().contains("unreachable"),
            "{r:?}"
        );
    }
    let resend = std::fs::read_dir(spool.join("outbox"))
        .unwrap()
        .flatten()
        .map(|e| (e.file_name(), std::fs::read(e.path()).unwrap()))
        .min()
        .unwrap();

    // Back: one more report, then everything goes, in order.
    server.restart();
    ids.push(agent.enqueue(&report).unwrap().upload_id);
    let mut delivered = Vec::new();
    // A connection pooled before the outage may fail once; the next attempt delivers.
    for _ in 0..2 {
        let r = agent.deliver("web-1").unwrap();
        delivered.extend(r.delivered);
        if r.pending == 0 {
            break;
        }
    }
    assert_eq!(delivered, [2, 3, 4, 5]);

    // A copy of a delivered report (its answer lost, say) is recognised, not stored twice.
    std::fs::write(spool.join("outbox").join(&resend.0), &resend.1).unwrap();
    let again = agent.deliver("web-1").unwrap();
    assert_eq!((again.delivered.len(), again.pending), (0, 0));

    let agent_id: String = serde_json::from_slice::<serde_json::Value>(
        &std::fs::read(spool.join("credential.json")).unwrap(),
    )
    .unwrap()["agent_id"]
        .as_str()
        .unwrap()
        .into();
    let id = agent_id.clone();
    let stored = server.store(async move |s| s.agent_uploads(&id).await.unwrap());
    let expected: Vec<(String, i64)> = ids.into_iter().zip(1..).collect();
    assert_eq!(stored, expected);
    let id = agent_id.clone();
    let doc = server.store(async move |s| s.latest_telemetry(&id).await.unwrap().unwrap());
    assert_eq!(Telemetry::from_json(doc.as_bytes()).unwrap(), report);
}

#[test]
fn no_server_ever_keeps_reports_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://{}", Server::free_addr());
    let agent = agent(&url, "kensa-enroll-unused", dir.path());
    agent.enqueue(&small_report("db-1")).unwrap();
    let r = agent.deliver("db-1").unwrap();
    assert_eq!(r.pending, 1);
    assert!(r
        .stopped
        .unwrap()
        .starts_with("enrollment: server unreachable"));
}

#[test]
fn plain_http_to_a_remote_server_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = Agent::new(Settings {
        server: "http://kensa.example.com".into(),
        enrollment_token: "t".into(),
        spool: dir.path().into(),
        ca_cert: None,
        pins: Vec::new(),
        allow_http: false,
    })
    .err()
    .unwrap();
    assert!(err.to_string().contains("plain HTTP"), "{err}");
}
