//! The authorization matrix: every route of the OpenAPI document (and /healthz,
//! /metrics) × {no token, viewer, operator, admin} against the README's roles table;
//! sessions, CSRF, the login rate limit, body limits, security headers, the audit log,
//! and no secret in any log line.
use std::collections::BTreeSet;

use kensa_server::auth::Role;
use serde_json::json;

use crate::common::{call, captured_logs, TestServer};

/// Who may call a route, per the README's table.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Need {
    /// No token at all.
    Nothing,
    /// An API token of this role or above.
    Role(Role),
    /// The agent's own header (an enrollment token or an agent credential): every API
    /// token is refused with 401.
    AgentHeader,
}

/// (method, route, who may call it) from the README's table.
fn documented_table() -> Vec<(String, String, Need)> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("README.md");
    let rows: Vec<_> = readme
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line
                .trim()
                .trim_matches('|')
                .split('|')
                .map(str::trim)
                .collect();
            let [method, route, role] = cells[..] else {
                return None;
            };
            if !matches!(method, "GET" | "POST" | "DELETE" | "PUT" | "PATCH")
                || !route.starts_with('/')
            {
                return None;
            }
            let role = match role {
                "none" => Need::Nothing,
                "enrollment token" | "agent credential" => Need::AgentHeader,
                r => Need::Role(
                    r.parse::<Role>()
                        .unwrap_or_else(|e| panic!("README row {line}: {e}")),
                ),
            };
            Some((method.to_string(), route.to_string(), role))
        })
        .collect();
    assert!(rows.len() > 20, "README roles table not found");
    rows
}

fn openapi_routes(server: &TestServer) -> BTreeSet<(String, String)> {
    let doc = call("GET", &server.url("/api/v1/openapi.json"), None, &[], None).json();
    let mut routes = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().unwrap().keys() {
            routes.insert((method.to_uppercase(), format!("/api/v1{path}")));
        }
    }
    routes
}

fn concrete(route: &str) -> String {
    route
        .replace("{name}", "absent-name")
        .replace("{id}", "999999")
        .replace("{other}", "999998")
}

#[test]
fn every_route_answers_every_role_as_documented_and_no_secret_is_logged() {
    let server = TestServer::start(|_| {});
    let table = documented_table();
    let documented: BTreeSet<_> = table
        .iter()
        .map(|(m, r, _)| (m.clone(), r.clone()))
        .collect();
    let mut served = openapi_routes(&server);
    served.insert(("GET".into(), "/healthz".into()));
    served.insert(("GET".into(), "/metrics".into()));
    served.insert(("GET".into(), "/api/v1/openapi.json".into()));
    assert_eq!(
        served, documented,
        "the OpenAPI document and the README table differ"
    );

    let callers: Vec<(Option<Role>, Option<String>)> = std::iter::once((None, None))
        .chain(
            Role::ALL
                .into_iter()
                .map(|r| (Some(r), Some(server.token(r).to_string()))),
        )
        .collect();
    let mut checked = 0;
    for (method, route, least) in &table {
        for (caller, secret) in &callers {
            let body = (method != "GET" && method != "DELETE").then(|| sample_body(route, caller));
            let reply = call(
                method,
                &server.url(&concrete(route)),
                secret.as_deref(),
                &[],
                body.as_ref(),
            );
            let what = format!(
                "{method} {route} as {caller:?}: {} {}",
                reply.status, reply.body
            );
            assert!(reply.status < 500, "{what}");
            match (least, caller) {
                (Need::Nothing, _) => assert!(reply.status != 401 && reply.status != 403, "{what}"),
                (Need::AgentHeader, _) | (Need::Role(_), None) => {
                    assert_eq!(reply.status, 401, "{what}")
                }
                (Need::Role(need), Some(have)) if have < need => {
                    assert_eq!(reply.status, 403, "{what}")
                }
                (Need::Role(_), Some(_)) => {
                    assert!(reply.status != 401 && reply.status != 403, "{what}")
                }
            }
            if reply.status >= 400 && route.starts_with("/api/") && reply.status != 405 {
                let err = reply.json();
                assert!(
                    err["error"].is_string() && err["detail"].is_string(),
                    "{what}"
                );
            }
            assert!(
                reply
                    .csp
                    .as_deref()
                    .is_some_and(|c| c.contains("default-src 'self'")),
                "{what}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, table.len() * 4);

    let (cookie, csrf) = login(&server, Role::Admin);
    let logs = String::from_utf8_lossy(&captured_logs().lock().unwrap()).to_string();
    assert!(
        logs.contains("/api/v1/findings"),
        "request lines are logged"
    );
    for (_, secret) in &server.tokens {
        assert!(
            !logs.contains(secret.as_str()),
            "a token appears in the logs"
        );
        // The secret part after `kensa_<16 hex>_` (it may itself contain `_`).
        let tail = &secret["kensa_0123456789abcdef_".len()..];
        assert!(
            !logs.contains(tail),
            "a token's secret part appears in the logs"
        );
    }
    assert!(
        !logs.contains(&cookie) && !logs.contains(&csrf),
        "a session secret appears in the logs"
    );
}

/// A body each route accepts past its JSON parsing, so what is checked is who may call
/// it (an unparsable body would be refused before the caller is looked at).
fn sample_body(route: &str, caller: &Option<Role>) -> serde_json::Value {
    match route {
        "/api/v1/agents/enroll" => json!({"hostname": "matrix-host"}),
        "/api/v1/agents/enrollment-tokens" => json!({"name": format!("matrix-{caller:?}")}),
        _ => json!({}),
    }
}

#[test]
fn agents_answer_only_their_own_credentials() {
    let server = TestServer::start(|_| {});
    let created = call(
        "POST",
        &server.url("/api/v1/agents/enrollment-tokens"),
        Some(server.token(Role::Operator)),
        &[],
        Some(&json!({"name": "fleet"})),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let secret = created.json()["secret"].as_str().unwrap().to_string();
    let enrolled = call(
        "POST",
        &server.url("/api/v1/agents/enroll"),
        None,
        &[("x-kensa-enrollment-token", &secret)],
        Some(&json!({"hostname": "web-1", "agent_version": "0.1.0"})),
    );
    assert_eq!(enrolled.status, 201, "{}", enrolled.body);
    let credential = enrolled.json()["credential"].as_str().unwrap().to_string();
    let beat = |headers: &[(&str, &str)], token: Option<&str>| {
        call(
            "POST",
            &server.url("/api/v1/agents/heartbeat"),
            token,
            headers,
            Some(&json!({"agent_version": "0.1.0"})),
        )
        .status
    };
    assert_eq!(beat(&[("x-kensa-agent-token", &credential)], None), 204);
    assert_eq!(
        beat(&[], Some(server.token(Role::Admin))),
        401,
        "an API token is no agent credential"
    );
    assert_eq!(
        beat(&[("x-kensa-agent-token", &secret)], None),
        401,
        "nor is an enrollment token"
    );
    let listed = call(
        "GET",
        &server.url("/api/v1/agents"),
        Some(server.token(Role::Viewer)),
        &[],
        None,
    );
    assert_eq!(listed.status, 200);
    assert_eq!(listed.json()[0]["hostname"], "web-1");
}

/// Logs in with `role`'s token: (cookie value, CSRF token).
fn login(server: &TestServer, role: Role) -> (String, String) {
    let reply = call(
        "POST",
        &server.url("/api/v1/session"),
        None,
        &[],
        Some(&json!({"token": server.token(role)})),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let cookie = reply.set_cookie.clone().expect("a session cookie");
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "no Secure flag over plain HTTP: {cookie}"
    );
    let value = cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_string();
    (
        value,
        reply.json()["csrf_token"].as_str().unwrap().to_string(),
    )
}

#[test]
fn cookie_sessions_need_the_csrf_token_for_unsafe_requests_and_end_at_logout() {
    let server = TestServer::start(|_| {});
    let (value, csrf) = login(&server, Role::Admin);
    let cookie = format!("kensa_session={value}");
    let tokens = server.url("/api/v1/tokens");
    let new = json!({"name": "from-browser", "role": "viewer"});
    let read = call("GET", &tokens, None, &[("cookie", &cookie)], None);
    assert_eq!(read.status, 200, "a safe request needs no CSRF token");
    let no_csrf = call("POST", &tokens, None, &[("cookie", &cookie)], Some(&new));
    assert_eq!(no_csrf.status, 403, "{}", no_csrf.body);
    let wrong = call(
        "POST",
        &tokens,
        None,
        &[("cookie", &cookie), ("x-csrf-token", "nope")],
        Some(&new),
    );
    assert_eq!(wrong.status, 403);
    let ok = call(
        "POST",
        &tokens,
        None,
        &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        Some(&new),
    );
    assert_eq!(ok.status, 201, "{}", ok.body);
    assert!(ok.json()["secret"].as_str().unwrap().starts_with("kensa_"));

    let audit = call(
        "GET",
        &server.url("/api/v1/audit"),
        Some(server.token(Role::Admin)),
        &[],
        None,
    )
    .json();
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["token.create", "session.create"], "newest first");
    assert_eq!(audit[0]["actor"], "test-admin");
    assert_eq!(audit[0]["object"], "token:from-browser");
    let csv = call(
        "GET",
        &server.url("/api/v1/audit?format=csv"),
        Some(server.token(Role::Admin)),
        &[],
        None,
    );
    assert!(csv.content_type.starts_with("text/csv"));
    assert!(
        csv.body
            .starts_with("id,at,actor,token_id,action,object,detail\n"),
        "{}",
        csv.body
    );
    assert_eq!(csv.body.lines().count(), 3);

    let out = call(
        "DELETE",
        &server.url("/api/v1/session"),
        None,
        &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        None,
    );
    assert_eq!(out.status, 204);
    assert!(out.set_cookie.unwrap().contains("Max-Age=0"));
    let after = call("GET", &tokens, None, &[("cookie", &cookie)], None);
    assert_eq!(after.status, 401, "the session ended");
}

#[test]
fn revoked_tokens_and_their_sessions_stop_at_once() {
    let server = TestServer::start(|_| {});
    let viewer = server.token(Role::Viewer).to_string();
    let (value, _) = login(&server, Role::Viewer);
    let cookie = format!("kensa_session={value}");
    assert_eq!(
        call("GET", &server.url("/api/v1/runs"), Some(&viewer), &[], None).status,
        200
    );
    let revoke = call(
        "DELETE",
        &server.url("/api/v1/tokens/test-viewer"),
        Some(server.token(Role::Admin)),
        &[],
        None,
    );
    assert_eq!(revoke.status, 200, "{}", revoke.body);
    assert_eq!(
        call("GET", &server.url("/api/v1/runs"), Some(&viewer), &[], None).status,
        401
    );
    assert_eq!(
        call(
            "GET",
            &server.url("/api/v1/runs"),
            None,
            &[("cookie", &cookie)],
            None
        )
        .status,
        401
    );
    let again = call(
        "DELETE",
        &server.url("/api/v1/tokens/test-viewer"),
        Some(server.token(Role::Admin)),
        &[],
        None,
    );
    assert_eq!(again.status, 409);
    assert_eq!(
        call(
            "GET",
            &server.url("/api/v1/runs"),
            Some("kensa_0123456789abcdef_forged"),
            &[],
            None
        )
        .status,
        401
    );
    assert_eq!(
        call(
            "GET",
            &server.url("/api/v1/runs"),
            None,
            &[("authorization", "Basic abc")],
            None
        )
        .status,
        401
    );
}

#[test]
fn logins_are_rate_limited_and_bodies_are_size_limited() {
    let server = TestServer::start(|c| {
        c.login_per_minute = 3;
        c.body_limit = 4096;
    });
    let url = server.url("/api/v1/session");
    for _ in 0..3 {
        let r = call(
            "POST",
            &url,
            None,
            &[],
            Some(&json!({"token": "kensa_0123456789abcdef_wrong"})),
        );
        assert_eq!(r.status, 401);
    }
    let limited = call(
        "POST",
        &url,
        None,
        &[],
        Some(&json!({"token": server.token(Role::Admin)})),
    );
    assert_eq!(limited.status, 429, "{}", limited.body);
    assert_eq!(limited.json()["error"], "too_many_requests");

    let big = json!({"name": "x".repeat(10_000), "accounts": []});
    let r = call(
        "POST",
        &server.url("/api/v1/targets"),
        Some(server.token(Role::Admin)),
        &[],
        Some(&big),
    );
    assert_eq!(r.status, 413, "{}", r.body);
}
