//! End to end over HTTP: an admin creates a target and a template, an operator starts a
//! run of the demo account, it completes in the background; findings are listed,
//! filtered, paged and shown; a viewer cannot start runs; bad input is a 4xx.
use std::time::{Duration, Instant};

use kensa_server::auth::Role;
use serde_json::{json, Value};

use crate::common::{call, TestServer};

pub fn wait_for_final(server: &TestServer, token: &str, run: i64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let r = call(
            "GET",
            &server.url(&format!("/api/v1/runs/{run}")),
            Some(token),
            &[],
            None,
        )
        .json();
        let state = r["state"].as_str().unwrap().to_string();
        if ![
            "CREATED",
            "COLLECTING_DATA",
            "DATA_COLLECTED",
            "EVALUATING_RULES",
        ]
        .contains(&state.as_str())
        {
            return r;
        }
        assert!(Instant::now() < deadline, "run {run} still {state}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_demo_run_started_over_the_api_completes_and_its_findings_are_browsable() {
    let server = TestServer::start(|_| {});
    let admin = server.token(Role::Admin).to_string();
    let operator = server.token(Role::Operator).to_string();
    let viewer = server.token(Role::Viewer).to_string();
    let post = |path: &str, token: &str, body: Value| {
        call("POST", &server.url(path), Some(token), &[], Some(&body))
    };
    let get = |path: &str| call("GET", &server.url(path), Some(&viewer), &[], None);

    let t = post("/api/v1/targets", &admin, json!({"name": "demo"}));
    assert_eq!(t.status, 201, "{}", t.body);
    let dup = post("/api/v1/targets", &admin, json!({"name": "demo"}));
    assert_eq!(dup.status, 409);
    let tpl = post(
        "/api/v1/templates",
        &admin,
        json!({"name": "weekly", "target": "demo", "packages": ["network-reachability", "config"], "user_attributes": ["team=sec"]}),
    );
    assert_eq!(tpl.status, 201, "{}", tpl.body);
    let bad = post(
        "/api/v1/templates",
        &admin,
        json!({"name": "x", "target": "demo", "packages": ["nope"]}),
    );
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert_eq!(
        post(
            "/api/v1/templates",
            &admin,
            json!({"name": "y", "target": "missing", "packages": ["network-reachability"]})
        )
        .status,
        400
    );

    assert_eq!(
        post("/api/v1/runs", &viewer, json!({"template": "weekly"})).status,
        403
    );
    let outside = post(
        "/api/v1/runs",
        &operator,
        json!({"template": "weekly", "input": "/etc"}),
    );
    assert_eq!(
        outside.status, 400,
        "a directory outside --allow-input is refused: {}",
        outside.body
    );
    let started = post(
        "/api/v1/runs",
        &operator,
        json!({"template": "weekly", "input": "demo"}),
    );
    assert_eq!(started.status, 202, "{}", started.body);
    let run = started.json()["id"].as_i64().unwrap();
    let done = wait_for_final(&server, &viewer, run);
    assert_eq!(done["state"], "COMPLETED", "{done}");
    let total_counted: i64 = ["critical", "high", "medium", "low", "informational"]
        .iter()
        .map(|s| done["counts"][s].as_i64().unwrap_or(0))
        .sum();
    assert!(total_counted > 0, "the demo account has findings: {done}");

    let all = get(&format!("/api/v1/findings?run={run}&limit=1000")).json();
    assert_eq!(all["total"].as_i64().unwrap(), total_counted);
    assert_eq!(
        all["total_is_lower_bound"], false,
        "{total_counted} is under the cap"
    );
    assert!(all["next_offset"].is_null(), "one page holds them all");
    let exact = get(&format!(
        "/api/v1/findings?run={run}&limit=1&exact_total=true"
    ))
    .json();
    assert_eq!(exact["total"], all["total"]);
    let findings = all["findings"].as_array().unwrap();
    assert_eq!(findings.len() as i64, total_counted);

    let page1 = get(&format!("/api/v1/findings?run={run}&limit=2")).json();
    assert_eq!(page1["findings"].as_array().unwrap().len(), 2);
    let next = page1["next_offset"].as_i64().unwrap();
    let page2 = get(&format!("/api/v1/findings?run={run}&limit=2&offset={next}")).json();
    assert_ne!(page1["findings"][0]["id"], page2["findings"][0]["id"]);

    let high = get(&format!(
        "/api/v1/findings?run={run}&severity=high,critical&limit=1000"
    ))
    .json();
    for f in high["findings"].as_array().unwrap() {
        assert!(
            ["High", "Critical"].contains(&f["severity"].as_str().unwrap()),
            "{f}"
        );
    }
    let attr = get(&format!(
        "/api/v1/findings?run={run}&attribute=team=sec&limit=1"
    ))
    .json();
    assert_eq!(
        attr["total"], all["total"],
        "every finding carries the template's attribute"
    );
    let none = get(&format!("/api/v1/findings?run={run}&attribute=team=other")).json();
    assert_eq!(none["total"], 0);
    assert_eq!(get("/api/v1/findings?severity=bogus").status, 400);
    assert_eq!(get("/api/v1/findings?limit=0").status, 400);
    assert_eq!(get("/api/v1/findings?run=abc").status, 400);

    let id = findings[0]["id"].as_str().unwrap();
    let one = get(&format!("/api/v1/findings/{id}"));
    assert_eq!(one.status, 200);
    assert_eq!(one.json()["id"], findings[0]["id"]);
    let absent = get("/api/v1/findings/does-not-exist").status;
    assert!(absent == 404 || absent == 400, "{absent}");
    assert_eq!(get(&format!("/api/v1/runs/{run}/exclusions")).status, 200);
    assert_eq!(get(&format!("/api/v1/runs/{run}/diff/{run}")).status, 200);
    assert_eq!(
        post(&format!("/api/v1/runs/{run}/cancel"), &operator, json!({})).status,
        409,
        "a finished run cannot be canceled"
    );

    let audit = call("GET", &server.url("/api/v1/audit"), Some(&admin), &[], None).json();
    let start = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "run.start")
        .expect("run.start audited");
    assert_eq!(start["actor"], "test-operator");
    assert_eq!(start["object"], format!("run:{run}"));
}
