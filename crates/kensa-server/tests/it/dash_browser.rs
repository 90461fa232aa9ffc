//! The dashboard in real headless Chromium (driven over the DevTools protocol): sign in
//! with a token, start a demo run from the form, wait for COMPLETED (the page reloads
//! itself through the dashboard's script), filter the findings, open one and see its
//! network path picture; the run's compliance page per framework. No CSP violation may
//! be logged. Screenshots of every page go
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
    download_reports(&mut b);
    let saved = click_download(&mut b);
    eprintln!("downloaded {}", saved.display());
    compliance(&mut b, &shots);

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

/// From the run page to its compliance page (the run page's link): every framework
/// listed, the chosen one's controls with their status, a failing control's resources
/// shown; then another framework chosen from the list.
fn compliance(b: &mut Chromium, shots: &std::path::Path) {
    b.eval("[...document.querySelectorAll('div.actions a')].find(a => a.textContent === 'Compliance').click(); true");
    b.wait_for(
        "location.pathname === '/compliance' && document.querySelector('table.controls')",
        60,
    );
    let frameworks = b.eval("document.querySelectorAll('table.frameworks tbody tr').length");
    assert_eq!(
        frameworks.as_u64(),
        Some(kensa_rules::frameworks().len() as u64),
        "every framework listed"
    );
    let failed = b.eval(
        "[...document.querySelectorAll('table.controls .state')].filter(s => s.textContent === 'FAILED').length",
    );
    assert!(
        failed.as_u64().unwrap_or(0) > 0,
        "the demo fails some control"
    );
    let resources = b.eval("document.querySelectorAll('table.failures a').length");
    assert!(
        resources.as_u64().unwrap_or(0) > 0,
        "failing resources listed"
    );
    b.screenshot(&shots.join("02b-compliance.png"));
    b.eval(
        "[...document.querySelectorAll('table.frameworks tbody tr')]\
         .find(tr => tr.querySelector('code').textContent === 'cis-aws-3.0').querySelector('a').click(); true",
    );
    b.wait_for(
        "location.search.includes('framework=') && document.readyState === 'complete' \
         && document.querySelector('table.frameworks tr.selected code').textContent === 'cis-aws-3.0'",
        60,
    );
    let heading = b.eval("document.querySelectorAll('main section.card h2')[1].textContent");
    assert!(
        heading
            .as_str()
            .unwrap_or("")
            .starts_with("CIS AWS Foundations Benchmark v3"),
        "the chosen framework's controls: {heading}"
    );
    b.screenshot(&shots.join("02c-compliance-other.png"));
}

/// The run page's report links, fetched through the page with its session cookie: each
/// answers 200 with its content type, an attachment name and a real document.
fn download_reports(b: &mut Chromium) {
    for (format, content_type, magic) in [
        ("html", "text/html", "<!DOCTYPE html>"),
        ("pdf", "application/pdf", "%PDF-"),
    ] {
        let got = b.eval(&format!(
            "(async () => {{\
               const a = [...document.querySelectorAll('a.download')].find(a => a.href.includes('format={format}'));\
               const r = await fetch(a.href);\
               const bytes = new Uint8Array(await r.arrayBuffer());\
               return {{ status: r.status, type: r.headers.get('content-type'),\
                 disposition: r.headers.get('content-disposition'), size: bytes.length,\
                 head: String.fromCharCode(...bytes.slice(0, 15)) }};\
             }})()"
        ));
        assert_eq!(got["status"], 200, "{format} report: {got}");
        assert!(
            got["type"].as_str().unwrap_or("").starts_with(content_type),
            "{format} report: {got}"
        );
        let disposition = got["disposition"].as_str().unwrap_or("");
        assert!(
            disposition.starts_with("attachment;") && disposition.contains(&format!(".{format}\"")),
            "{format} report: {got}"
        );
        assert!(
            got["size"].as_u64().unwrap_or(0) > 10_000,
            "{format} report: {got}"
        );
        assert!(
            got["head"].as_str().unwrap_or("").starts_with(magic),
            "{format} report: {got}"
        );
    }
}

/// Clicks the PDF link as a person would, with downloads sent to a temporary directory
/// (DevTools' `Browser.setDownloadBehavior`), and waits for the file; returns where it
/// was kept (next to the screenshots).
fn click_download(b: &mut Chromium) -> PathBuf {
    let dir = tempfile::tempdir().unwrap();
    b.call(
        "Browser.setDownloadBehavior",
        serde_json::json!({"behavior": "allow", "downloadPath": dir.path().to_str().unwrap()}),
    );
    b.eval("document.querySelector('a.download[href*=\"format=pdf\"]').click(); true");
    let until = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let done: Vec<PathBuf> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
            .collect();
        if let [pdf] = &done[..] {
            let bytes = std::fs::read(pdf).unwrap();
            assert!(
                bytes.starts_with(b"%PDF-") && bytes.len() > 10_000,
                "{}",
                pdf.display()
            );
            let name = pdf.file_name().unwrap().to_string_lossy().to_string();
            assert!(
                name.starts_with("kensa-run-") && name.ends_with("-findings.pdf"),
                "{name}"
            );
            let kept = screenshot_dir().join(&name);
            std::fs::copy(pdf, &kept).unwrap();
            return kept;
        }
        assert!(
            std::time::Instant::now() < until,
            "no PDF downloaded into {}",
            dir.path().display()
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}
