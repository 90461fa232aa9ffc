//! Continuous protection's state on every backend: sessions rewritten in place, policy
//! files kept once by hash, remediations by their deterministic id, and a state change
//! that only one of two racing callers makes.
use kensa_store::{StoredRemediation, WatchSession};
use serde_json::json;

use crate::backends::stores;

fn session(state: &str, drift: i64) -> WatchSession {
    WatchSession {
        source: "https://sqs.us-east-1.amazonaws.com/123456789012/trail".into(),
        regions: vec!["us-east-1".into(), "eu-west-1".into()],
        model_ref: "/var/lib/kensa/snap".into(),
        model_hash: Some("ab12".into()),
        policies_hash: None,
        state: state.into(),
        message: String::new(),
        started_at: "2026-12-07T10:00:00.000Z".into(),
        updated_at: "2026-12-07T10:05:00.000Z".into(),
        last_event_at: Some("2026-12-07T10:04:59Z".into()),
        last_resync_at: None,
        drift_count: drift,
        stats: json!({"events": 3, "alerts": 1}),
    }
}

fn remediation(id: &str, state: &str, at: i64) -> StoredRemediation {
    StoredRemediation {
        id: id.into(),
        source: "q".into(),
        policy: "ssh".into(),
        state: state.into(),
        at,
        alerted: true,
        body: json!({"id": id, "state": state, "ports": ["tcp/22"]}),
        updated_at: String::new(),
    }
}

#[tokio::test]
async fn sessions_and_policies_round_trip() {
    for t in stores().await {
        let s = &t.store;
        assert!(s.watch_sessions().await.unwrap().is_empty(), "{}", t.name);
        s.record_watch_session(&session("running", 0))
            .await
            .unwrap();
        let mut later = session("stopped", 2);
        later.message = "stopped by Ctrl-C".into();
        later.last_resync_at = Some("2026-12-07T10:06:00.000Z".into());
        let yaml = "policies:\n  - name: ssh\n";
        let hash = s.record_watch_policies(yaml).await.unwrap();
        assert_eq!(hash, s.record_watch_policies(yaml).await.unwrap());
        later.policies_hash = Some(hash.clone());
        s.record_watch_session(&later).await.unwrap();
        assert_eq!(s.watch_sessions().await.unwrap(), vec![later], "{}", t.name);
        assert_eq!(
            s.watch_policies(&hash).await.unwrap().as_deref(),
            Some(yaml)
        );
        assert_eq!(s.watch_policies("00").await.unwrap(), None);
    }
}

#[tokio::test]
async fn remediations_keep_their_id_and_change_state_once() {
    for t in stores().await {
        let s = &t.store;
        let pending = remediation("R000000000001", "pending", 100);
        s.put_watch_remediation("q", &pending).await.unwrap();
        s.put_watch_remediation("q", &remediation("R000000000002", "applied", 200))
            .await
            .unwrap();
        // The same id written again (a redelivered event) replaces, never duplicates.
        s.put_watch_remediation("q", &pending).await.unwrap();
        let all = s.watch_remediations(None, None, 10).await.unwrap();
        let ids: Vec<&str> = all.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["R000000000002", "R000000000001"], "{}", t.name);
        let only = s
            .watch_remediations(Some("q"), Some("pending"), 10)
            .await
            .unwrap();
        assert_eq!(only.len(), 1);
        assert_eq!(only[0].body, pending.body);
        assert!(s
            .watch_remediations(Some("other"), None, 10)
            .await
            .unwrap()
            .is_empty());

        let mut approved = remediation("R000000000001", "approved", 150);
        approved.alerted = false;
        assert!(s
            .transition_watch_remediation("pending", &approved)
            .await
            .unwrap());
        // A second approver (or a stale watcher) finds it moved already.
        assert!(!s
            .transition_watch_remediation("pending", &approved)
            .await
            .unwrap());
        let got = s.watch_remediation("R000000000001").await.unwrap().unwrap();
        assert_eq!(
            (got.state.as_str(), got.at, got.alerted),
            ("approved", 150, false)
        );
        assert_eq!(got.body["state"], "approved");
        assert!(s.watch_remediation("R0").await.unwrap().is_none());
    }
}
