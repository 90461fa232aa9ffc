//! The remediation state file: the last line of an id is its state, lines others append
//! are read again, and the rate limit counts the last hour's started remediations.
use kensa_watch::alert::EventRef;
use kensa_watch::policy::PolicyMode;
use kensa_watch::remediation::{remediation_id, Remediation, RemediationLog, RemediationState};

fn rem(id: &str, state: RemediationState, at: u64) -> Remediation {
    Remediation {
        id: id.into(),
        policy: "world-ssh".into(),
        state,
        event: EventRef {
            event_id: "ev-1".into(),
            event_name: "AuthorizeSecurityGroupIngress".into(),
            event_time: "2026-12-07T10:42:07Z".into(),
            actor: "arn:aws:iam::111122223333:user/alice".into(),
            region: Some("us-east-1".into()),
            account: None,
        },
        resource: "i-pub".into(),
        network_interface: "eni-pub".into(),
        ports: vec!["tcp/22".into()],
        groups: vec!["sg-web".into()],
        mode: PolicyMode::Revoke,
        plan: None,
        journal_id: None,
        report: None,
        verified: None,
        message: String::new(),
        at,
        by: "policy world-ssh".into(),
        alerted: true,
    }
}

#[test]
fn ids_are_stable_and_distinct() {
    let a = remediation_id("ev-1", "world-ssh", "eni-pub");
    assert_eq!(a, remediation_id("ev-1", "world-ssh", "eni-pub"));
    assert_ne!(a, remediation_id("ev-2", "world-ssh", "eni-pub"));
    assert_ne!(a, remediation_id("ev-1", "world-ssh", "eni-other"));
    assert_eq!(a.len(), 13);
    assert!(a.starts_with('R'));
}

#[test]
fn the_last_state_wins_across_writers_and_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("remediations-q.jsonl");
    let mut watcher = RemediationLog::open(&path).unwrap();
    watcher
        .put(&rem("R1", RemediationState::Pending, 100))
        .unwrap();
    // Another process (approve) moves it on.
    let mut approve = RemediationLog::open(&path).unwrap();
    assert_eq!(approve.get("R1").unwrap().state, RemediationState::Pending);
    let mut done = rem("R1", RemediationState::Applied, 200);
    done.alerted = false;
    approve.put(&done).unwrap();
    let changed = watcher.reload().unwrap();
    assert_eq!(changed.len(), 1);
    assert_eq!(watcher.get("R1").unwrap().state, RemediationState::Applied);
    assert!(!watcher.get("R1").unwrap().alerted);
    let reopened = RemediationLog::open(&path).unwrap();
    assert_eq!(reopened.all().count(), 1);
    assert_eq!(reopened.get("R1").unwrap(), &done);
}

#[test]
fn the_rate_limit_counts_started_remediations_of_the_last_hour() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = RemediationLog::open(&dir.path().join("r.jsonl")).unwrap();
    log.put(&rem("R1", RemediationState::Applied, 1_000))
        .unwrap();
    log.put(&rem("R2", RemediationState::Failed, 4_000))
        .unwrap();
    log.put(&rem("R3", RemediationState::DryRun, 4_000))
        .unwrap();
    log.put(&rem("R4", RemediationState::Pending, 4_000))
        .unwrap();
    let mut approved = rem("R5", RemediationState::Applied, 4_000);
    approved.by = "approve".into();
    log.put(&approved).unwrap();
    assert_eq!(log.started_in_last_hour("world-ssh", 4_500), 2);
    assert_eq!(log.started_in_last_hour("world-ssh", 4_601), 1);
    assert_eq!(log.started_in_last_hour("other", 4_500), 0);
}

#[test]
fn a_corrupt_line_is_an_error_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.jsonl");
    std::fs::write(&path, "{\"id\": 1}\n").unwrap();
    let e = RemediationLog::open(&path).err().expect("corrupt");
    assert!(e.to_string().contains("line 1"), "{e}");
}

#[test]
fn state_names_are_their_serialized_names() {
    use RemediationState::*;
    for s in [
        DryRun,
        Pending,
        Approved,
        Applying,
        Applied,
        Failed,
        RateLimited,
        Exempt,
        NothingToDo,
    ] {
        assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
    }
}
