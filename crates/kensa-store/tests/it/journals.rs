//! Remediation journals (record, list, claim a rollback once, record its outcome) and
//! CloudTrail alerts (stored exactly once by dedup key; filters and paging), on every
//! backend.
use kensa_store::{
    ActionState, AlertFilter, JournalState, NewAction, NewAlert, NewJournal, RollbackOutcome,
    StoreError,
};
use serde_json::json;

use crate::backends::stores;

fn action(id: &str, state: ActionState) -> NewAction {
    NewAction {
        action_id: id.into(),
        account: "123456789012".into(),
        region: "us-east-1".into(),
        resource_type: "AwsEc2SecurityGroup".into(),
        resource_id: format!("sg-{id}"),
        summary: format!("revoke 0.0.0.0/0 tcp/22 on sg-{id}"),
        action: json!({"id": id}),
        before: state
            .ne(&ActionState::AlreadyApplied)
            .then(|| json!({"captured": {"kind": "SecurityGroup"}, "action": {"id": id}})),
        after: Some(json!({"status": "applied"})),
        state,
        messages: vec!["m".into()],
    }
}

fn journal(id: &str, actions: Vec<NewAction>) -> NewJournal {
    NewJournal {
        journal_id: id.into(),
        source: "snapshot /tmp/s".into(),
        mode: "revoke".into(),
        plan: json!({"version": 1, "actions": []}),
        journal_dir: Some("/tmp/kensa-journal".into()),
        created_at: "2026-12-07T18:00:00Z".into(),
        created_by: "cli".into(),
        actions,
    }
}

#[tokio::test]
async fn a_rollback_left_running_by_a_dead_process_can_be_reset_once_old_enough() {
    for t in stores().await {
        let s = &t.store;
        let id = "20261207T180000Z-dead";
        s.record_journal(&journal(id, vec![action("A001", ActionState::Verified)]))
            .await
            .unwrap();
        let conflict = |r: Result<kensa_store::Journal, StoreError>| match r {
            Err(StoreError::Conflict(m)) => m,
            other => panic!("expected a conflict, got {other:?}"),
        };
        let why = conflict(
            s.reset_rollback(id, "admin", "9999-01-01T00:00:00.000Z")
                .await,
        );
        assert!(why.contains("only a journal left rolling-back"), "{why}");
        s.begin_rollback(id, "ops").await.unwrap();
        // The process dies here. A reset while the rollback may still run is refused.
        let why = conflict(
            s.reset_rollback(id, "admin", "2000-01-01T00:00:00.000Z")
                .await,
        );
        assert!(why.contains("may still be running"), "{why}");
        let reset = s
            .reset_rollback(id, "admin", "9999-01-01T00:00:00.000Z")
            .await
            .unwrap();
        assert_eq!(
            reset.summary.state,
            JournalState::RollbackFailed,
            "{}",
            t.name
        );
        let message = reset.summary.state_message.unwrap();
        assert!(message.contains("reset by admin"), "{message}");
        // A reset journal can be rolled back again.
        let again = s.begin_rollback(id, "ops").await.unwrap();
        assert_eq!(again.summary.state, JournalState::RollingBack);
    }
}

#[tokio::test]
async fn journals_record_list_and_roll_back_once() {
    for t in stores().await {
        let s = &t.store;
        let first = journal(
            "20261207T180000Z-aaaa",
            vec![
                action("A001", ActionState::Verified),
                action("A002", ActionState::AlreadyApplied),
            ],
        );
        s.record_journal(&first).await.unwrap();
        assert!(matches!(
            s.record_journal(&first).await,
            Err(StoreError::Exists { .. })
        ));
        let second = journal(
            "20261207T180100Z-bbbb",
            vec![action("A001", ActionState::Failed)],
        );
        s.record_journal(&second).await.unwrap();

        let listed = s.journals(None, 10).await.unwrap();
        let ids: Vec<&str> = listed.iter().map(|j| j.id.as_str()).collect();
        assert_eq!(
            ids,
            ["20261207T180100Z-bbbb", "20261207T180000Z-aaaa"],
            "{}",
            t.name
        );
        assert_eq!(listed[0].state, JournalState::AppliedWithErrors);
        assert_eq!((listed[1].actions, listed[1].changed), (2, 1));
        let page2 = s.journals(Some(listed[0].seq), 10).await.unwrap();
        assert_eq!(page2.len(), 1);

        let j = s.journal("20261207T180000Z-aaaa").await.unwrap();
        assert_eq!(j.summary.state, JournalState::Applied);
        assert_eq!(j.actions[0].state, ActionState::Verified);
        assert!(j.actions[0].applied_at.is_some() && j.actions[0].verified_at.is_some());
        assert!(j.actions[1].applied_at.is_none() && j.actions[1].before.is_none());
        assert_eq!(
            j.actions[0].before.as_ref().unwrap()["action"]["id"],
            "A001"
        );
        assert!(matches!(
            s.journal("nope").await,
            Err(StoreError::NotFound { .. })
        ));

        let claimed = s.begin_rollback(&j.summary.id, "ops").await.unwrap();
        assert_eq!(claimed.summary.state, JournalState::RollingBack);
        assert!(
            matches!(
                s.begin_rollback(&j.summary.id, "other").await,
                Err(StoreError::Conflict(_))
            ),
            "a second rollback while one runs is refused"
        );
        let outcome = RollbackOutcome {
            action_id: "A001".into(),
            restored: true,
            messages: vec!["re-added 0.0.0.0/0 tcp/22".into()],
            report: json!({"restored": true}),
        };
        let done = s
            .finish_rollback(&j.summary.id, "ops", &[outcome], None)
            .await
            .unwrap();
        assert_eq!(done.summary.state, JournalState::RolledBack, "{}", t.name);
        assert_eq!(done.summary.rolled_back_by.as_deref(), Some("ops"));
        assert_eq!(done.actions[0].state, ActionState::RolledBack);
        assert!(done.actions[0].rolled_back_at.is_some());
        assert_eq!(done.actions[0].rollback.as_ref().unwrap()["restored"], true);
        assert_eq!(done.actions[1].state, ActionState::AlreadyApplied);
        assert!(matches!(
            s.begin_rollback(&j.summary.id, "ops").await,
            Err(StoreError::Conflict(_))
        ));

        // A failed rollback may be retried.
        s.begin_rollback("20261207T180100Z-bbbb", "ops")
            .await
            .unwrap();
        let failed = s
            .finish_rollback("20261207T180100Z-bbbb", "ops", &[], Some("AWS unreachable"))
            .await
            .unwrap();
        assert_eq!(failed.summary.state, JournalState::RollbackFailed);
        assert_eq!(
            failed.summary.state_message.as_deref(),
            Some("AWS unreachable")
        );
        s.begin_rollback("20261207T180100Z-bbbb", "ops")
            .await
            .unwrap();
    }
}

fn alert(event: &str, rule: &str, priority: &str, time: &str) -> NewAlert {
    NewAlert {
        dedup_key: format!("{event}\u{1f}{rule}"),
        rule: rule.into(),
        priority: priority.into(),
        event_id: Some(event.into()),
        event_name: Some("AuthorizeSecurityGroupIngress".into()),
        event_time: Some(time.into()),
        account: Some("123456789012".into()),
        region: Some("us-east-1".into()),
        principal: Some("alice".into()),
        resource: Some("arn:aws:ec2:us-east-1:123456789012:security-group/sg-1".into()),
        output: format!("{rule} by alice"),
        origin: "trail.json".into(),
        body: json!({"rule": rule}),
    }
}

#[tokio::test]
async fn alerts_are_stored_once_and_filtered() {
    for t in stores().await {
        let s = &t.store;
        let all = [
            alert(
                "e1",
                "SSH open to the world",
                "Critical",
                "2026-12-07T10:00:00Z",
            ),
            alert(
                "e1",
                "Security group changed",
                "Notice",
                "2026-12-07T10:00:00Z",
            ),
            alert(
                "e2",
                "SSH open to the world",
                "Critical",
                "2026-12-07T11:00:00Z",
            ),
            alert(
                "e3",
                "Console login without MFA",
                "Warning",
                "2026-12-07T12:00:00Z",
            ),
        ];
        for a in &all {
            assert!(s.record_alert(a).await.unwrap(), "{}", t.name);
        }
        // Redelivered events add nothing.
        for a in &all {
            assert!(!s.record_alert(a).await.unwrap(), "{}", t.name);
        }
        let mut bad = alert("e9", "r", "Loud", "2026-12-07T12:00:00Z");
        assert!(matches!(
            s.record_alert(&bad).await,
            Err(StoreError::Invalid { .. })
        ));
        bad.priority = "info".into();
        assert!(s.record_alert(&bad).await.unwrap());

        let list = |f: AlertFilter| async move { s.alerts(&f).await.unwrap() };
        let every = list(AlertFilter {
            limit: 100,
            ..Default::default()
        })
        .await;
        assert_eq!(every.len(), 5);
        assert_eq!(every[0].priority, "Informational");
        let ssh = list(AlertFilter {
            rule: Some("SSH open to the world".into()),
            limit: 100,
            ..Default::default()
        })
        .await;
        assert_eq!(
            ssh.iter()
                .map(|a| a.event_id.clone().unwrap())
                .collect::<Vec<_>>(),
            ["e2", "e1"]
        );
        let warning_up = list(AlertFilter {
            max_rank: kensa_store::priority_rank("warning"),
            limit: 100,
            ..Default::default()
        })
        .await;
        assert_eq!(warning_up.len(), 3, "{}", t.name);
        let since = list(AlertFilter {
            since: Some("2026-12-07T11:00:00Z".into()),
            limit: 100,
            ..Default::default()
        })
        .await;
        assert_eq!(since.len(), 3);
        let page1 = list(AlertFilter {
            limit: 2,
            ..Default::default()
        })
        .await;
        let page2 = list(AlertFilter {
            before: Some(page1[1].id),
            limit: 2,
            ..Default::default()
        })
        .await;
        assert_eq!(page2.len(), 2);
        assert!(page2[0].id < page1[1].id);
        assert_eq!(s.alert_rules().await.unwrap().len(), 4);
    }
}
