//! The Watch page and its Approve button: a viewer sees the watcher's state and the
//! pending remediation but no button, and is refused the approval; an operator's form
//! (with the session's CSRF token; refused without) approves it once, audit-logged.
use kensa_server::auth::Role;
use kensa_store::{Location, Store, StoredRemediation, WatchSession};
use serde_json::json;

use crate::common::{call, TestServer};
use crate::dash_client::{csrf_of, Browser};

const RID: &str = "R0123456789ab";

/// A running session and a pending remediation, as a watcher would write them.
fn seed(location: &Location) -> Store {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = Store::open(location).await.unwrap();
        store
            .record_watch_session(&WatchSession {
                source: "https://sqs.eu-west-1.amazonaws.com/111122223333/ec2-calls".into(),
                regions: vec!["eu-west-1".into()],
                model_ref: "/var/lib/kensa/snap".into(),
                model_hash: None,
                policies_hash: None,
                state: "running".into(),
                message: String::new(),
                started_at: "2026-12-07T10:00:00.000Z".into(),
                updated_at: "2026-12-07T10:05:00.000Z".into(),
                last_event_at: Some("2026-12-07T10:04:58Z".into()),
                last_resync_at: None,
                drift_count: 3,
                stats: json!({"events": 12, "alerts": 2}),
            })
            .await
            .unwrap();
        store
            .put_watch_remediation(
                "q",
                &StoredRemediation {
                    id: RID.into(),
                    source: "q".into(),
                    policy: "world-ssh".into(),
                    state: "pending".into(),
                    at: 100,
                    alerted: true,
                    body: json!({"id": RID, "state": "pending", "resource": "i-0abc",
                        "groups": ["sg-1"], "ports": ["tcp/22"], "by": "policy world-ssh",
                        "message": "awaiting approval to: revoke tcp 22 from 0.0.0.0/0"}),
                    updated_at: String::new(),
                },
            )
            .await
            .unwrap();
        store
    })
}

fn state_of(location: &Location) -> String {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = Store::open(location).await.unwrap();
        store.watch_remediation(RID).await.unwrap().unwrap().state
    })
}

#[test]
fn operators_approve_pending_remediations_from_the_watch_page() {
    let mut location = None;
    let server = TestServer::start(|c| location = Some(c.store.clone()));
    let location = location.unwrap();
    drop(seed(&location));
    let action = format!("/watch/remediations/{RID}/approve");

    let mut viewer = Browser::new(&server);
    viewer.post("/login", &format!("token={}", server.token(Role::Viewer)));
    let page = viewer.get("/watch");
    assert_eq!(page.status, 200, "{}", page.body);
    for text in [
        "ec2-calls",
        "running",
        "2026-12-07 10:04:58",
        "world-ssh",
        "i-0abc",
        "tcp/22",
    ] {
        assert!(page.body.contains(text), "{text} on the page");
    }
    assert!(
        !page.body.contains(&action),
        "no Approve button for a viewer"
    );
    let refused = viewer.post(&action, &format!("csrf_token={}", csrf_of(&page.body)));
    assert_eq!(refused.status, 403);
    assert_eq!(state_of(&location), "pending");

    let mut operator = Browser::new(&server);
    operator.post("/login", &format!("token={}", server.token(Role::Operator)));
    let page = operator.get("/watch");
    assert!(
        page.body.contains(&action),
        "an Approve button for an operator"
    );
    assert_eq!(operator.post(&action, "").status, 403, "no CSRF token");
    let done = operator.post(&action, &format!("csrf_token={}", csrf_of(&page.body)));
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location.as_deref(), Some("/watch"));
    assert_eq!(state_of(&location), "approved");
    let page = operator.get("/watch");
    assert!(!page.body.contains(&action), "approved: no button any more");
    assert!(page.body.contains("approved by test-operator"));

    let audit = call(
        "GET",
        &server.url("/api/v1/audit"),
        Some(server.token(Role::Admin)),
        &[],
        None,
    )
    .json();
    let approvals: Vec<_> = (audit.as_array().unwrap().iter())
        .filter(|e| e["action"] == "watch.approve")
        .collect();
    assert_eq!(approvals.len(), 1, "{audit}");
    assert_eq!(approvals[0]["object"], format!("remediation:{RID}"));
}
