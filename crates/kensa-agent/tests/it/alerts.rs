//! A history alert from the watcher travels like telemetry: spooled, delivered with an
//! upload id and sequence, stored once with the CloudTrail alerts (the instance as the
//! resource, the process as the principal) and listed by `GET /api/v1/alerts`; a
//! replay is a 409 and a malformed batch a 400 with the reason.
use kensa_server::auth::Role;
use kensa_telemetry::{AlertBatch, HistoryChange, ALERT_SCHEMA_VERSION};

use crate::delivery::agent;
use crate::server::{call, Server};
use crate::watch::{next, watch};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

#[test]
fn watcher_alert_is_delivered_once_and_listed_with_the_cloudtrail_alerts() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    std::fs::write(home.join(".bash_history"), "sudo -i\n").unwrap();
    let (rx, identifies) = watch(&home, true);
    std::fs::write(home.join(".bash_history"), "").unwrap();
    let alert = next(&rx);
    assert_eq!(alert.change, HistoryChange::Truncated);

    let server = Server::start(&dir.path().join("store.db"), Server::free_addr());
    let token = server.enrollment_token("fleet");
    let spool = dir.path().join("spool");
    let agent = agent(&server.url(), &token, &spool);
    let batch = AlertBatch {
        schema_version: ALERT_SCHEMA_VERSION,
        hostname: "web-1".into(),
        instance_id: Some("i-0123456789abcdef0".into()),
        region: Some("eu-west-1".into()),
        account: None,
        alerts: vec![alert.clone()],
    };
    let pending = agent.enqueue_alerts(&batch).unwrap();
    let sent = std::fs::read(&pending.path).unwrap();
    let r = agent.deliver("web-1").unwrap();
    assert_eq!(
        (r.alerts_delivered.as_slice(), r.alerts_pending),
        (&[1][..], 0),
        "{r:?}"
    );

    let viewer = server.api_token("viewer", Role::Viewer);
    let auth = format!("Bearer {viewer}");
    let (status, body) = call(
        "GET",
        &format!("{}/api/v1/alerts", server.url()),
        &[("authorization", &auth)],
        None,
    );
    assert_eq!(status, 200, "{body}");
    let page: serde_json::Value = serde_json::from_str(&body).unwrap();
    let listed = page["alerts"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{body}");
    let a = &listed[0];
    assert_eq!(a["rule"], "Shell history truncated");
    assert_eq!(a["priority"], "Warning");
    assert_eq!(a["resource"], "i-0123456789abcdef0");
    assert_eq!(a["region"], "eu-west-1");
    assert_eq!(a["event_id"], alert.id.as_str());
    let principal = a["principal"].as_str().unwrap();
    if identifies {
        assert!(
            principal.contains(&format!("pid {}", std::process::id())),
            "{principal}"
        );
    } else {
        assert!(principal.starts_with("who unknown"), "{principal}");
    }
    let output = a["output"].as_str().unwrap();
    assert!(
        output.contains(".bash_history") && output.contains("on web-1"),
        "{output}"
    );

    // Replayed: the same upload again adds nothing and is refused.
    let credential: serde_json::Value =
        serde_json::from_slice(&std::fs::read(spool.join("credential.json")).unwrap()).unwrap();
    let credential = credential["credential"].as_str().unwrap();
    let post = |id: &str, body: Vec<u8>| {
        let (status, text) = call(
            "POST",
            &format!("{}/api/v1/agents/alerts", server.url()),
            &[
                ("x-kensa-agent-token", credential),
                ("x-kensa-upload-id", id),
                ("x-kensa-sequence", "7"),
                ("content-encoding", "gzip"),
            ],
            Some(body),
        );
        (status, text)
    };
    let (status, text) = post(&pending.upload_id, sent);
    assert_eq!(status, 409, "{text}");
    assert!(text.contains("already received"), "{text}");

    // Malformed: a batch without alerts, an alert time that is not a time.
    let id = "00000000-0000-4000-8000-000000000001";
    let mut empty = serde_json::to_value(&batch).unwrap();
    empty["alerts"] = serde_json::json!([]);
    let (status, text) = post(id, gzip(empty.to_string().as_bytes()));
    assert_eq!(status, 400, "{text}");
    assert!(
        text.contains("alerts refused: field alerts: 1 to 1000 alerts, got 0"),
        "{text}"
    );
    let mut bad_time = serde_json::to_value(&batch).unwrap();
    bad_time["alerts"][0]["time"] = "yesterday".into();
    let (status, text) = post(id, gzip(bad_time.to_string().as_bytes()));
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("alerts[].time"), "{text}");
}
