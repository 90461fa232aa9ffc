//! `kensa serve --watch` end to end on moto: the watcher runs in the server process over
//! its store. SSH opened to the world on a public instance's group alerts in
//! `GET /api/v1/alerts`; its policy requires approval, so the remediation waits (AWS
//! unchanged) in `GET /api/v1/watch/remediations` until an operator approves it over
//! the API (a viewer may not); the watcher then applies it, verifies it, and alerts the
//! outcome and the closure; the approval is in the audit log.
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::watch_cli::Env;

const SSH_WORLD: &str = "tcp 22-22 0.0.0.0/0";
const HTTPS_WORLD: &str = "tcp 443-443 0.0.0.0/0";

/// The server process, killed when the test ends (passed or not).
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One request with a bearer token: (status, JSON body or Null).
fn call(method: &str, url: &str, token: &str) -> (u16, Value) {
    try_call(method, url, token).expect("the server answers")
}

/// `call`, or None while the server is not listening yet.
fn try_call(method: &str, url: &str, token: &str) -> Option<(u16, Value)> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let req = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .header("Authorization", format!("Bearer {token}"))
        .body(String::new())
        .unwrap();
    let mut res = agent.run(req).ok()?;
    let status = res.status().as_u16();
    let body = res.body_mut().read_to_string().unwrap_or_default();
    Some((status, serde_json::from_str(&body).unwrap_or(Value::Null)))
}

/// Polls `f` until it gives a value; the server's watcher works at its own pace.
fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn token(env: &Env, store: &str, name: &str, role: &str) -> String {
    let out = env.kensa(&[
        "token", "--store", store, "create", "--name", name, "--role", role,
    ]);
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn alert_rules(s: &Server, token: &str) -> Vec<(String, String)> {
    let (status, page) = call("GET", &format!("{}/api/v1/alerts", s.base), token);
    assert_eq!(status, 200, "{page}");
    (page["alerts"].as_array().unwrap().iter())
        .map(|a| {
            let rule = a["rule"].as_str().unwrap().to_string();
            (rule, a["resource"].as_str().unwrap_or("").to_string())
        })
        .collect()
}

fn rules(env: &Env, group: &str) -> Vec<String> {
    serde_json::from_str(&env.moto_env(&["rules", group])).unwrap()
}

#[test]
fn serve_watch_alerts_in_the_api_and_applies_only_after_an_operator_approves() {
    let Some(env) = Env::start() else {
        return;
    };
    let ids = env.setup();
    let id = |k: &str| ids[k].as_str().unwrap().to_string();
    let (web, instance, queue) = (id("web"), id("instance"), id("queue"));
    std::fs::write(
        env.path("policies.yaml"),
        "policies:\n  - name: world-ssh\n    controls: [EC2.13]\n    approval:\n      required: true\n",
    )
    .unwrap();
    let config = env.path("watch.yaml");
    std::fs::write(
        &config,
        format!(
            "snapshot: snap\nsqs: {queue}\nregion: {}\nwait_seconds: 1\ninterval: 1\n\
             state_dir: state\njournal_dir: journal\npolicies: policies.yaml\n",
            kensa_aws::testing::TEST_REGION
        ),
    )
    .unwrap();
    let store = env.path("store.db");
    let (viewer, operator, admin) = (
        token(&env, &store, "ana", "viewer"),
        token(&env, &store, "oli", "operator"),
        token(&env, &store, "ada", "admin"),
    );
    env.moto_env(&["open", &web, &env.path("open-web.json")]);

    let bind = format!("127.0.0.1:{}", free_port());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kensa"));
    cmd.args([
        "serve", "--store", &store, "--bind", &bind, "--watch", &config,
    ])
    .env_remove("AWS_PROFILE")
    .stdout(Stdio::null())
    .stderr(Stdio::inherit());
    for (k, v) in env.moto_env_vars() {
        cmd.env(k, v);
    }
    let server = Server {
        child: cmd.spawn().expect("start kensa serve"),
        base: format!("http://{bind}"),
    };
    let pending = wait_for("the pending remediation", || {
        let url = format!("{}/api/v1/watch/remediations?state=pending", server.base);
        let (status, page) = try_call("GET", &url, &viewer)?;
        (status == 200).then_some(())?;
        page["remediations"].as_array()?.first().cloned()
    });
    let rid = pending["id"].as_str().unwrap().to_string();
    assert_eq!(pending["policy"], "world-ssh");
    assert_eq!(pending["body"]["resource"], instance.as_str());
    assert_eq!(pending["body"]["groups"], serde_json::json!([web]));
    let opened = ("kensa watch: exposure opened".to_string(), instance.clone());
    assert!(alert_rules(&server, &viewer).contains(&opened));
    // Waiting for approval changes nothing in AWS.
    assert_eq!(rules(&env, &web), vec![SSH_WORLD, HTTPS_WORLD]);

    let approve = format!("{}/api/v1/watch/remediations/{rid}/approve", server.base);
    assert_eq!(call("POST", &approve, &viewer).0, 403);
    let (status, approved) = call("POST", &approve, &operator);
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["state"], "approved");
    assert_eq!(approved["body"]["by"], "approved by oli");
    assert_eq!(
        call("POST", &approve, &operator).0,
        409,
        "one approval only"
    );

    let applied = wait_for("the approved remediation applied", || {
        let url = format!("{}/api/v1/watch/remediations?state=applied", server.base);
        let (_, page) = call("GET", &url, &viewer);
        page["remediations"].as_array()?.first().cloned()
    });
    assert_eq!(applied["id"], rid.as_str());
    assert_eq!(applied["body"]["verified"], true);
    assert!(applied["body"]["journal_id"].is_string(), "{applied}");
    assert_eq!(
        rules(&env, &web),
        vec![HTTPS_WORLD],
        "exactly the SSH rule went"
    );
    let closed = ("kensa watch: exposure closed".to_string(), instance.clone());
    wait_for("the closure alert", || {
        alert_rules(&server, &viewer)
            .contains(&closed)
            .then_some(())
    });
    let done = (
        "kensa watch: remediation applied".to_string(),
        instance.clone(),
    );
    assert!(alert_rules(&server, &viewer).contains(&done));

    let (status, watch) = call("GET", &format!("{}/api/v1/watch", server.base), &viewer);
    assert_eq!(status, 200, "{watch}");
    let session = &watch["sessions"][0];
    assert_eq!(session["source"], queue.as_str());
    assert_eq!(session["state"], "running");
    assert!(session["last_event_at"].is_string(), "{session}");
    assert!(session["policies_hash"].is_string(), "{session}");
    assert!(session["stats"]["events"].as_u64() >= Some(1), "{session}");

    let (_, audit) = call("GET", &format!("{}/api/v1/audit", server.base), &admin);
    let approvals: Vec<&Value> = (audit.as_array().unwrap().iter())
        .filter(|e| e["action"] == "watch.approve")
        .collect();
    assert_eq!(approvals.len(), 1, "{audit}");
    assert_eq!(approvals[0]["actor"], "oli");
    assert_eq!(approvals[0]["object"], format!("remediation:{rid}"));
}
