//! The remediation and alerts API without AWS: journals listed and shown as stored,
//! plans computed for the demo account and for a stored run, alerts filtered and paged,
//! and the alerts feed and remediation pages rendering what the store holds.
use kensa_server::auth::Role;
use kensa_store::{ActionState, Location, NewAction, NewAlert, NewJournal, Store};
use serde_json::json;

use crate::common::{call, TestServer};

fn server_and_store() -> (TestServer, Location) {
    let mut location = None;
    let server = TestServer::start(|c| location = Some(c.store.clone()));
    (server, location.unwrap())
}

fn seed(location: &Location) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = Store::open(location).await.unwrap();
        for (i, (rule, priority)) in [
            ("SSH opened to the world", "Critical"),
            ("Security group changed", "Notice"),
            ("SSH opened to the world", "Critical"),
        ]
        .iter()
        .enumerate()
        {
            let alert = NewAlert {
                dedup_key: format!("ev-{i}\u{1f}{rule}"),
                rule: rule.to_string(),
                priority: priority.to_string(),
                event_id: Some(format!("ev-{i}")),
                event_name: Some("AuthorizeSecurityGroupIngress".into()),
                event_time: Some(format!("2026-12-07T1{i}:00:00Z")),
                account: Some("123456789012".into()),
                region: Some("us-east-1".into()),
                principal: Some("mallory".into()),
                resource: None,
                output: format!("{rule} by mallory <script>"),
                origin: "trail.json".into(),
                body: json!({}),
            };
            assert!(store.record_alert(&alert).await.unwrap());
        }
        store
            .record_journal(&NewJournal {
                journal_id: "20261207T180000Z-0a1b2c3d".into(),
                source: "snapshot /snap".into(),
                mode: "revoke".into(),
                plan: json!({"actions": []}),
                journal_dir: None,
                created_at: "2026-12-07T18:00:00Z".into(),
                created_by: "cli".into(),
                actions: vec![NewAction {
                    action_id: "A001".into(),
                    account: "123456789012".into(),
                    region: "us-east-1".into(),
                    resource_type: "AwsEc2SecurityGroup".into(),
                    resource_id: "sg-0123".into(),
                    summary: "revoke tcp/22 from 0.0.0.0/0".into(),
                    action: json!({"id": "A001"}),
                    before: Some(json!({"captured": {"kind": "SecurityGroup"}})),
                    after: Some(json!({"status": "applied"})),
                    state: ActionState::Verified,
                    messages: vec![],
                }],
            })
            .await
            .unwrap();
    });
}

#[test]
fn journals_plans_and_alerts_over_the_api_and_pages() {
    let (server, location) = server_and_store();
    seed(&location);
    let viewer = server.token(Role::Viewer);
    let operator = server.token(Role::Operator);
    let get = |path: &str, token: &str| call("GET", &server.url(path), Some(token), &[], None);

    let list = get("/api/v1/remediation/journals", viewer).json();
    assert_eq!(list["journals"][0]["id"], "20261207T180000Z-0a1b2c3d");
    assert_eq!(list["journals"][0]["changed"], 1);
    let one = get(
        "/api/v1/remediation/journals/20261207T180000Z-0a1b2c3d",
        viewer,
    )
    .json();
    assert_eq!(one["actions"][0]["state"], "verified");
    assert_eq!(
        get("/api/v1/remediation/journals/..%2Fetc", viewer).status,
        404
    );
    assert_eq!(
        get("/api/v1/remediation/journals?limit=0", viewer).status,
        400
    );

    let plan = |body: serde_json::Value, token: &str| {
        call(
            "POST",
            &server.url("/api/v1/remediation/plans"),
            Some(token),
            &[],
            Some(&body),
        )
    };
    let demo = plan(
        json!({"snapshot": "demo", "controls": ["EC2.13"]}),
        operator,
    );
    assert_eq!(demo.status, 200, "{}", demo.body);
    let actions = demo.json()["actions"].as_array().unwrap().clone();
    assert!(
        !actions.is_empty(),
        "the demo account opens SSH to the world"
    );
    assert!(actions.iter().all(|a| a["controls"][0] == "EC2.13"));
    assert_eq!(plan(json!({"snapshot": "demo"}), viewer).status, 403);
    assert_eq!(plan(json!({}), operator).status, 400);
    assert_eq!(plan(json!({"snapshot": "/etc"}), operator).status, 400);
    assert_eq!(plan(json!({"run": 424242}), operator).status, 404);
    let unknown = plan(
        json!({"snapshot": "demo", "controls": ["EC2.999"]}),
        operator,
    );
    assert_eq!(unknown.status, 400, "{}", unknown.body);
    assert_eq!(
        plan(json!({"snapshot": "demo", "mode": "burn"}), operator).status,
        400
    );

    let alerts = get("/api/v1/alerts?priority=critical", viewer).json();
    let ids: Vec<&str> = alerts["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["event_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["ev-2", "ev-0"]);
    let page1 = get("/api/v1/alerts?limit=2", viewer).json();
    let before = page1["next_before"].as_i64().expect("a next page");
    let page2 = get(&format!("/api/v1/alerts?limit=2&before={before}"), viewer).json();
    assert_eq!(page2["alerts"][0]["event_id"], "ev-0");
    assert!(page2["next_before"].is_null());
    let since = get(
        "/api/v1/alerts?since=2026-12-07T11:00:00Z&rule=Security%20group%20changed",
        viewer,
    )
    .json();
    assert_eq!(since["alerts"].as_array().unwrap().len(), 1);
    assert_eq!(get("/api/v1/alerts?priority=loud", viewer).status, 400);
    assert_eq!(get("/api/v1/alerts?since=yesterday", viewer).status, 400);

    let feed = get("/alerts?priority=critical", viewer);
    assert_eq!(feed.status, 200);
    assert!(feed
        .body
        .contains("SSH opened to the world by mallory &lt;script&gt;"));
    assert!(!feed.body.contains("Security group changed by"));
    let journal_page = get("/remediation/20261207T180000Z-0a1b2c3d", viewer);
    assert!(journal_page.body.contains("revoke tcp/22 from 0.0.0.0/0"));
    assert!(
        !journal_page.body.contains("form class=\"rollback\""),
        "viewer: no button"
    );
    let as_operator = get("/remediation/20261207T180000Z-0a1b2c3d", operator);
    assert!(
        as_operator.body.contains("class=\"rollback\""),
        "operator: a button"
    );
}

/// A rollback whose process died leaves its journal `rolling-back`: an admin resets it
/// (audit-logged) once the rollback is older than the server's reset delay, never
/// before; an operator cannot.
#[test]
fn a_journal_left_rolling_back_is_reset_by_an_admin_once_old_enough() {
    let id = "20261207T180000Z-0a1b2c3d";
    let reset = |server: &TestServer, role: Role| {
        call(
            "POST",
            &server.url(&format!("/api/v1/remediation/journals/{id}/reset")),
            Some(server.token(role)),
            &[],
            None,
        )
    };
    let die_mid_rollback = |location: &Location| {
        seed(location);
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async {
                let store = Store::open(location).await.unwrap();
                store.begin_rollback(id, "test-operator").await.unwrap();
            });
    };

    let (fresh, location) = server_and_store();
    die_mid_rollback(&location);
    let early = reset(&fresh, Role::Admin);
    assert_eq!(early.status, 409, "{}", early.body);
    assert!(
        early.body.contains("may still be running"),
        "{}",
        early.body
    );
    let page = |role: Role| {
        call(
            "GET",
            &fresh.url(&format!("/remediation/{id}")),
            Some(fresh.token(role)),
            &[],
            None,
        )
        .body
    };
    assert!(page(Role::Admin).contains("Reset interrupted rollback"));
    assert!(!page(Role::Operator).contains("Reset interrupted rollback"));

    let mut location = None;
    let server = TestServer::start(|c| {
        location = Some(c.store.clone());
        c.rollback_reset_after = std::time::Duration::ZERO;
    });
    die_mid_rollback(&location.unwrap());
    assert_eq!(reset(&server, Role::Operator).status, 403);
    let from_page = call(
        "POST",
        &server.url(&format!("/remediation/{id}/reset")),
        Some(server.token(Role::Operator)),
        &[],
        None,
    );
    assert_eq!(from_page.status, 403, "the dashboard's form too");
    let done = reset(&server, Role::Admin);
    assert_eq!(done.status, 200, "{}", done.body);
    let journal = done.json();
    assert_eq!(journal["state"], "rollback-failed", "{journal}");
    let message = journal["state_message"].as_str().unwrap();
    assert!(message.contains("reset by test-admin"), "{message}");
    assert_eq!(reset(&server, Role::Admin).status, 409, "only once");
    let audit = call(
        "GET",
        &server.url("/api/v1/audit"),
        Some(server.token(Role::Admin)),
        &[],
        None,
    )
    .json();
    assert_eq!(audit[0]["action"], "remediation.reset", "{audit}");
    assert_eq!(audit[0]["object"], format!("journal:{id}"));
    assert_eq!(audit[0]["actor"], "test-admin");
}
