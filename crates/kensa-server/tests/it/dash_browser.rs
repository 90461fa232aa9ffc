//! The dashboard in real headless Chromium (driven over the DevTools protocol): sign in
//! with a token, start a demo run from the form, wait for COMPLETED (the page reloads
//! itself through the dashboard's script), filter the findings, open one and see its
//! network path picture. No CSP violation may be logged. Screenshots of every page go
//! to target/kensa-screenshots/.
use std::path::PathBuf;

use kensa_server::auth::Role;

use crate::common::TestServer;
use crate::dash_cdp::{chromium_path, Chromium};
use crate::dash_client::demo_template;

fn screenshot_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .join("kensa-screenshots")
}

#[test]
fn chromium_signs_in_runs_the_demo_and_draws_a_path() {
    let Some(chromium) = chromium_path() else {
        eprintln!("notice: no Chromium (KENSA_CHROMIUM or /usr/bin/chromium); skipped");
        return;
    };
    let server = TestServer::start(|_| {});
    demo_template(&server);
    let shots = screenshot_dir();
    let mut b = Chromium::launch(&chromium, 1280, 900);

    b.goto(&server.url("/findings"));
    b.wait_for("location.pathname === '/login'", 10);
    b.screenshot(&shots.join("01-login.png"));
    let token = server.token(Role::Operator);
    b.eval(&format!(
        "document.querySelector('#token').value = '{token}'; document.querySelector('form.login').submit(); true"
    ));
    b.wait_for(
        "location.pathname === '/findings' && document.readyState === 'complete'",
        10,
    );

    b.goto(&server.url("/runs"));
    b.eval("document.querySelector('form.inline button[type=submit]').click(); true");
    b.wait_for("/^\\/runs\\/\\d+$/.test(location.pathname)", 10);
    // The run page reloads itself every 2 s until the run is final.
    b.wait_for(
        "document.querySelector('h1 .state') && document.querySelector('h1 .state').textContent === 'COMPLETED'",
        120,
    );
    b.screenshot(&shots.join("02-run.png"));

    b.goto(&server.url("/"));
    b.wait_for("document.querySelector('svg.chart rect')", 10);
    b.screenshot(&shots.join("03-overview.png"));

    b.goto(&server.url("/findings"));
    b.eval(
        "document.querySelector('select[name=package]').value = 'network-reachability';\
         document.querySelector('form.filters button').click(); true",
    );
    b.wait_for(
        "location.search.includes('package=network-reachability') && document.readyState === 'complete'",
        10,
    );
    let rows = b.eval("document.querySelectorAll('table.findings tbody tr').length");
    assert!(rows.as_u64().unwrap_or(0) > 0, "filtered findings listed");
    let other = b.eval(
        "[...document.querySelectorAll('table.findings tbody tr td:nth-child(4)')]\
         .filter(td => td.textContent !== 'network-reachability').length",
    );
    assert_eq!(other.as_u64(), Some(0), "the filter holds");
    b.screenshot(&shots.join("04-findings.png"));

    b.eval("document.querySelector('table.findings tbody a').click(); true");
    b.wait_for(
        "location.pathname.startsWith('/findings/') && document.readyState === 'complete'",
        10,
    );
    b.wait_for("document.querySelector('section.path svg rect')", 10);
    let boxes = b.eval("document.querySelectorAll('section.path svg rect').length");
    assert!(
        boxes.as_u64().unwrap() >= 3,
        "path picture has hops: {boxes}"
    );
    b.screenshot(&shots.join("05-finding.png"));

    b.goto(&server.url("/reach?from=internet&to=i-0a1b2c3d4e5f60002&protocol=tcp&port=22"));
    b.wait_for("document.querySelector('section.path svg rect')", 10);
    b.screenshot(&shots.join("06-reach.png"));

    for (name, path) in [
        ("07-runs.png", "/runs"),
        ("08-template.png", "/templates/weekly"),
        ("09-target.png", "/targets/demo"),
    ] {
        b.goto(&server.url(path));
        b.wait_for("document.querySelector('main h1')", 10);
        b.screenshot(&shots.join(name));
    }

    let csp: Vec<&String> = b
        .console
        .iter()
        .filter(|m| m.contains("Content Security Policy") || m.contains("Refused"))
        .collect();
    assert!(csp.is_empty(), "CSP violations: {csp:?}");
    eprintln!("screenshots in {}", shots.display());
}
