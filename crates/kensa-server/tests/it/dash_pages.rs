//! The dashboard over HTTP as a browser without JavaScript sees it: login form to
//! session cookie, pages behind it, forms that need the session's CSRF token, a run
//! started from the form, findings filtered and one shown with its path picture, and
//! the CSP-safe assets.
use kensa_server::auth::Role;

use crate::common::{call, TestServer};
use crate::dash_client::{csrf_of, demo_template, Browser, Page};

/// No inline script or style: every script has a src, no style element or attribute.
fn assert_csp_clean(page: &Page, what: &str) {
    let body = &page.body;
    assert!(!body.contains("<style"), "{what}: inline <style>");
    assert!(
        !body.contains(" style=\""),
        "{what}: inline style attribute"
    );
    for (i, _) in body.match_indices("<script") {
        let tag = &body[i..i + body[i..].find('>').unwrap()];
        assert!(tag.contains(" src=\""), "{what}: inline script {tag}");
    }
    assert!(
        page.header("content-security-policy")
            .is_some_and(|c| c.contains("script-src 'self'")),
        "{what}: CSP header"
    );
}

#[test]
fn login_pages_forms_and_assets() {
    let server = TestServer::start(|_| {});
    demo_template(&server);
    let mut b = Browser::new(&server);

    let first = b.get("/findings?severity=high");
    assert_eq!(first.status, 303, "signed out: to the login page");
    assert_eq!(
        first.location.as_deref(),
        Some("/login?next=%2Ffindings%3Fseverity%3Dhigh")
    );
    let login = b.get("/login?next=/runs");
    assert_eq!(login.status, 200);
    assert_csp_clean(&login, "login");
    let cross_site = b.send_with(
        "POST",
        "/login",
        Some(&format!("token={}", server.token(Role::Viewer))),
        &[("Origin", "https://evil.example")],
    );
    assert_eq!(cross_site.status, 403, "login CSRF refused");
    let fetch_cross = b.send_with(
        "POST",
        "/login",
        Some(&format!("token={}", server.token(Role::Viewer))),
        &[("Origin", "null"), ("Sec-Fetch-Site", "cross-site")],
    );
    assert_eq!(
        fetch_cross.status, 403,
        "Sec-Fetch-Site: cross-site refused"
    );
    assert!(b.cookie.is_none());
    let host = server.base.trim_start_matches("http://").to_string();
    let same_site = Browser::new(&server).send_with(
        "POST",
        "/login",
        Some(&format!("token={}", server.token(Role::Viewer))),
        &[("Origin", &format!("http://{host}"))],
    );
    assert_eq!(
        same_site.status, 303,
        "a same-origin login: {}",
        same_site.body
    );
    let wrong = b.post("/login", "token=kensa_wrong&next=%2Fruns");
    assert_eq!(wrong.status, 401);
    assert!(
        wrong.body.contains("unknown or revoked token"),
        "{}",
        wrong.body
    );
    let evil = b.post(
        "/login",
        &format!(
            "token={}&next=https%3A%2F%2Fevil.example",
            server.token(Role::Viewer)
        ),
    );
    assert_eq!(evil.location.as_deref(), Some("/"), "no open redirect");
    assert!(b.cookie.is_some());

    let empty = b.get("/");
    assert_eq!(
        empty.status, 200,
        "overview of an empty store: {}",
        empty.body
    );
    assert!(empty.body.contains("No finished run yet."));
    assert!(b.get("/reach").body.contains("No completed run yet"));

    // A viewer sees pages but has no start form, and may not start a run.
    let runs = b.get("/runs");
    assert_eq!(runs.status, 200);
    assert!(!runs.body.contains("Start a run"));
    let csrf = csrf_of(&runs.body);
    let refused = b.post("/runs", &format!("csrf_token={csrf}&template=weekly"));
    assert_eq!(refused.status, 403, "viewer cannot start: {}", refused.body);

    // Log out (needs the CSRF token), then the pages are closed again.
    assert_eq!(b.post("/logout", "").status, 403, "logout without CSRF");
    let out = b.post("/logout", &format!("csrf_token={csrf}"));
    assert_eq!(out.location.as_deref(), Some("/login"));
    assert_eq!(b.get("/").status, 303);

    // The stylesheet is cached for good under its hashed name; other names are 404.
    let css_path = {
        let at = login.body.find("/assets/dashboard.").unwrap();
        let rest = &login.body[at..];
        rest[..rest.find('"').unwrap()].to_string()
    };
    let css = b.get(&css_path);
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    assert!(css.header("cache-control").unwrap().contains("immutable"));
    assert!(css.body.contains(".sev-critical"));
    assert_eq!(b.get("/assets/dashboard.css").status, 404);
}

#[test]
fn operator_runs_the_demo_and_reads_a_finding() {
    let server = TestServer::start(|_| {});
    demo_template(&server);
    let mut b = Browser::new(&server);
    let login = b.post(
        "/login",
        &format!("token={}&next=%2Fruns", server.token(Role::Operator)),
    );
    assert_eq!(login.location.as_deref(), Some("/runs"));
    let runs = b.get("/runs");
    assert!(runs.body.contains("Start a run"), "{}", runs.body);
    let csrf = csrf_of(&runs.body);
    assert_eq!(
        b.post("/runs", "template=weekly&input=demo").status,
        403,
        "a form without the CSRF token is refused"
    );
    let started = b.post(
        "/runs",
        &format!("csrf_token={csrf}&template=weekly&input=demo"),
    );
    assert_eq!(started.status, 303, "{}", started.body);
    let run_path = started.location.unwrap();
    let mut run_page = b.get(&run_path);
    for _ in 0..600 {
        if run_page.body.contains(">COMPLETED<") || run_page.body.contains("FAILED<") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        run_page = b.get(&run_path);
    }
    assert!(run_page.body.contains(">COMPLETED<"), "{}", run_page.body);
    assert!(run_page.body.contains("State history"));
    assert!(run_page.body.contains("EVALUATING_RULES"));
    assert_csp_clean(&run_page, "run page");

    let overview = b.get("/");
    assert_eq!(overview.status, 200, "{}", overview.body);
    assert!(
        overview.body.contains("<svg class=\"chart\""),
        "trend chart"
    );
    assert!(overview.body.contains("network-reachability"));
    // The overview's counts agree with the API's filtered totals.
    let viewer = server.token(Role::Viewer);
    let total = |q: &str| {
        call(
            "GET",
            &server.url(&format!("/api/v1/findings?status=active&limit=1{q}")),
            Some(viewer),
            &[],
            None,
        )
        .json()["total"]
            .as_i64()
            .unwrap()
    };
    let all = total("");
    assert!(all > 0);
    assert!(
        overview.body.contains(&format!(
            "<span class=\"count\">{all}</span><span class=\"label\">active findings"
        )),
        "total {all} on the overview"
    );
    let high = total("&severity=high");
    assert!(
        overview.body.contains(&format!(
            "severity=high\"><span class=\"count\">{high}</span>"
        )),
        "high {high}"
    );
    let config = total("&package=config");
    assert!(
        overview.body.contains(&format!(
            "package=config\">config</a></th><td class=\"num\">{config}</td>"
        )),
        "config {config}"
    );
    assert_csp_clean(&overview, "overview");

    let run = run_path.trim_start_matches("/runs/");
    let list = b.get(&format!(
        "/findings?package=network-reachability&status=active&run={run}"
    ));
    assert_eq!(list.status, 200);
    assert!(list.body.contains(" matching"), "{}", list.body);
    let at = list.body.find("href=\"/findings/").expect("a finding row");
    let rest = &list.body[at + 6..];
    let finding = b.get(&rest[..rest.find('"').unwrap()]);
    assert_eq!(finding.status, 200);
    assert!(finding.body.contains("Network path"), "path picture");
    assert!(finding.body.contains("<svg"), "drawn as SVG");
    assert!(finding.body.contains("Recommendation"));
    assert!(finding.body.contains("Raw JSON"));
    assert_csp_clean(&finding, "finding page");

    let reach = b.get(&format!(
        "/reach?run={run}&from=internet&to=i-0a1b2c3d4e5f60002&protocol=tcp&port=22"
    ));
    assert_eq!(reach.status, 200, "{}", reach.body);
    assert!(reach.body.contains(">reachable<"), "{}", reach.body);
    assert!(reach.body.contains("igw-0e8f1a2b3c4d5e6f7"), "hops listed");
    assert!(reach.body.contains("<svg"), "hops drawn");
    assert_csp_clean(&reach, "reach page");
    let closed = b.get(&format!(
        "/reach?run={run}&from=internet&to=i-0a1b2c3d4e5f60002&protocol=tcp&port=5432"
    ));
    assert!(closed.body.contains(">blocked<"), "{}", closed.body);
    assert!(closed.body.contains("Blocked at"));
    let bad_port = b.get(&format!(
        "/reach?run={run}&from=internet&to=i-0a1b2c3d4e5f60002&port=99999"
    ));
    assert!(bad_port.body.contains("port `99999`: expected 0 to 65535"));
    let unknown = b.get(&format!("/reach?run={run}&from=internet&to=i-nope&port=22"));
    assert!(unknown.body.contains("i-nope"), "{}", unknown.body);

    // A second run of the same template links to what changed since the first.
    let again = b.post(
        "/runs",
        &format!("csrf_token={csrf}&template=weekly&input=demo"),
    );
    let second = again.location.unwrap();
    let mut second_page = b.get(&second);
    for _ in 0..600 {
        if second_page.body.contains(">COMPLETED<") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        second_page = b.get(&second);
    }
    let second_id = second.trim_start_matches("/runs/");
    let diff_link = format!("href=\"/runs/{run}/diff/{second_id}\"");
    assert!(
        second_page.body.contains(&diff_link),
        "{}",
        second_page.body
    );
    let diff = b.get(&format!("/runs/{run}/diff/{second_id}"));
    assert_eq!(diff.status, 200, "{}", diff.body);
    assert!(
        diff.body.contains("<strong>0</strong> new"),
        "the same demo twice: {}",
        diff.body
    );
    assert!(
        !diff.body.contains(" 0 unchanged"),
        "everything seen twice is unchanged"
    );
    assert_eq!(b.get(&format!("/runs/{run}/diff/999")).status, 404);

    let bad = b.get("/findings?run=abc");
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("run `abc`: not a number"));
    assert_eq!(b.get("/findings/nope").status, 404);
    for path in [
        "/targets",
        "/targets/demo",
        "/templates",
        "/templates/weekly",
    ] {
        let p = b.get(path);
        assert_eq!(p.status, 200, "{path}");
        assert!(p.body.contains("weekly") || path == "/targets", "{path}");
    }
}
