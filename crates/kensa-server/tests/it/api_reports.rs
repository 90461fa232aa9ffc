//! Reports, compliance and path queries over a completed demo run: the report in each
//! format with its content type and attachment name; the run's snapshot against a
//! framework; the path engine's answers (reachable, blocked, refused input); cursor
//! paging of findings agreeing with offset paging.
use kensa_server::auth::Role;
use serde_json::{json, Value};

use crate::api_e2e::wait_for_final;
use crate::common::{call, TestServer};
use crate::dash_client::demo_template;

/// A GET as `token`: status, content type, content disposition and the raw body.
fn fetch(server: &TestServer, path: &str, token: &str) -> (u16, String, String, Vec<u8>) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut res = agent
        .get(server.url(path))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .unwrap();
    let header = |n: &str| {
        res.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let (ct, cd) = (header("content-type"), header("content-disposition"));
    let body = res
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_vec()
        .unwrap();
    (res.status().as_u16(), ct, cd, body)
}

fn completed_demo_run(server: &TestServer) -> i64 {
    demo_template(server);
    let op = server.token(Role::Operator);
    let r = call(
        "POST",
        &server.url("/api/v1/runs"),
        Some(op),
        &[],
        Some(&json!({"template": "weekly"})),
    );
    assert_eq!(r.status, 202, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    assert_eq!(wait_for_final(server, op, id)["state"], "COMPLETED");
    id
}

#[test]
fn a_run_reports_complies_and_answers_path_questions() {
    let server = TestServer::start(|_| {});
    let run = completed_demo_run(&server);
    let viewer = server.token(Role::Viewer).to_string();
    reports(&server, run, &viewer);
    compliance(&server, run, &viewer);
    paths(&server, run, &viewer);
    cursor_paging(&server, run, &viewer);
}

fn reports(server: &TestServer, run: i64, viewer: &str) {
    let (status, ct, cd, html) = fetch(server, &format!("/api/v1/runs/{run}/report"), viewer);
    assert_eq!(status, 200);
    assert_eq!(ct, "text/html; charset=utf-8");
    assert_eq!(
        cd,
        format!("attachment; filename=\"kensa-run-{run}-findings.html\"")
    );
    let html = String::from_utf8(html).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<svg"));

    let (status, ct, cd, pdf) = fetch(
        server,
        &format!("/api/v1/runs/{run}/report?format=pdf&type=full"),
        viewer,
    );
    assert_eq!((status, ct.as_str()), (200, "application/pdf"));
    assert_eq!(
        cd,
        format!("attachment; filename=\"kensa-run-{run}-full.pdf\"")
    );
    assert!(pdf.starts_with(b"%PDF-") && pdf.len() > 10_000);

    let (status, ct, _, doc) = fetch(
        server,
        &format!("/api/v1/runs/{run}/report?format=json"),
        viewer,
    );
    assert_eq!((status, ct.as_str()), (200, "application/json"));
    let doc: Value = serde_json::from_slice(&doc).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    assert_eq!(doc["run"]["id"], run.to_string());
    // The demo run's instances come from its snapshot, read again.
    assert!(!doc["instances"].as_array().unwrap().is_empty());

    for bad in ["format=docx", "type=brief"] {
        let (status, ..) = fetch(server, &format!("/api/v1/runs/{run}/report?{bad}"), viewer);
        assert_eq!(status, 400, "{bad}");
    }
    let (status, ..) = fetch(server, "/api/v1/runs/424242/report", viewer);
    assert_eq!(status, 404);
}

fn compliance(server: &TestServer, run: i64, viewer: &str) {
    let get = |q: &str| {
        call(
            "GET",
            &server.url(&format!("/api/v1/runs/{run}/compliance{q}")),
            Some(viewer),
            &[],
            None,
        )
    };
    let r = get("?framework=cis-aws-3.0");
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["framework"], "cis-aws-3.0");
    let controls = v["controls"].as_array().unwrap();
    assert!(controls.iter().any(|c| c["status"] == "FAILED"), "{v}");
    // Default: the template's framework, else fsbp.
    assert_eq!(get("").json()["framework"], "fsbp");
    let bad = get("?framework=/etc/passwd");
    assert_eq!(bad.status, 400);
    assert!(bad.json()["detail"].as_str().unwrap().contains("fsbp"));
}

fn paths(server: &TestServer, run: i64, viewer: &str) {
    let ask = |q: &str| {
        call(
            "GET",
            &server.url(&format!("/api/v1/path?run={run}&{q}")),
            Some(viewer),
            &[],
            None,
        )
    };
    // The same demo facts `kensa path` answers.
    let open = ask("from=internet&to=i-0a1b2c3d4e5f60001&protocol=tcp&port=3389").json();
    assert_eq!(open["verdict"], "reachable", "{open}");
    assert!(open["path"].as_array().unwrap().len() >= 3, "{open}");
    assert!(open["blocked_at"].is_null());
    let shut = ask("from=internet&to=i-0a1b2c3d4e5f60003&port=8443").json();
    assert_eq!(shut["verdict"], "blocked", "{shut}");
    assert_eq!(shut["blocked_at"]["code"], "SUBNET_ACL_RESTRICTION");
    assert_eq!(shut["protocol"], "tcp");

    for (q, says) in [
        ("from=&to=i-0a1b2c3d4e5f60001&port=22", "from is empty"),
        (
            "from=internet&to=i-nope&port=22",
            "`i-nope` is not an instance",
        ),
        (
            "from=internet&to=i-0a1b2c3d4e5f60001",
            "port is required for tcp",
        ),
        (
            "from=internet&to=i-0a1b2c3d4e5f60001&protocol=sctp&port=1",
            "unknown protocol",
        ),
        ("from=internet&to=i-0a1b2c3d4e5f60001&port=70000", "port"),
        (
            "from=i-0a1b2c3d4e5f60001&to=internet&port=99999999999",
            "port",
        ),
    ] {
        let r = ask(q);
        assert_eq!(r.status, 400, "{q}: {}", r.body);
        let detail = r.json()["detail"].as_str().unwrap().to_string();
        assert!(detail.contains(says), "{q}: {detail}");
    }
    let missing = call(
        "GET",
        &server.url("/api/v1/path?run=424242&from=internet&to=i-0a1b2c3d4e5f60001&port=22"),
        Some(viewer),
        &[],
        None,
    );
    assert_eq!(missing.status, 404);
}

fn cursor_paging(server: &TestServer, run: i64, viewer: &str) {
    let list = |q: &str| {
        call(
            "GET",
            &server.url(&format!("/api/v1/findings?run={run}&{q}")),
            Some(viewer),
            &[],
            None,
        )
        .json()
    };
    let everything: Vec<Value> = list("limit=1000")["findings"].as_array().unwrap().clone();
    assert!(everything.len() > 7, "enough findings to page");
    let mut walked = Vec::new();
    let mut page = list("limit=3");
    loop {
        walked.extend(page["findings"].as_array().unwrap().iter().cloned());
        let Some(next) = page["next_cursor"].as_str() else {
            break;
        };
        assert!(page["findings"].as_array().unwrap().len() == 3);
        page = list(&format!("limit=3&cursor={next}"));
        assert!(page["next_offset"].is_null());
    }
    let ids = |v: &[Value]| v.iter().map(|f| f["id"].clone()).collect::<Vec<_>>();
    assert_eq!(
        ids(&walked),
        ids(&everything),
        "cursor pages = one long page"
    );
    // Offset pages hand out cursors too, continuing where they stop.
    let by_offset = list("limit=4&offset=2");
    let next = by_offset["next_cursor"].as_str().unwrap();
    let after = list(&format!("limit=2&cursor={next}"));
    assert_eq!(
        ids(after["findings"].as_array().unwrap()),
        ids(&everything[6..8])
    );

    for bad in ["cursor=!!!", "cursor=bm9wZQ", "offset=3&cursor=SElHSDphYmM"] {
        let r = call(
            "GET",
            &server.url(&format!("/api/v1/findings?{bad}")),
            Some(viewer),
            &[],
            None,
        );
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
    }
}
