//! Over HTTP as a browser without JavaScript: the compliance page agrees with the API
//! per framework and lists the failing resources; the findings list pages by cursor
//! forwards and backwards through exactly the API's order, its links keeping the
//! filters.
use kensa_server::auth::Role;
use serde_json::json;

use crate::api_e2e::wait_for_final;
use crate::common::{call, TestServer};
use crate::dash_client::{demo_template, Browser, Page};

fn get(b: &mut Browser, server: &TestServer, path: &str) -> Page {
    let auth = format!("Bearer {}", server.token(Role::Viewer));
    let page = b.send_with("GET", path, None, &[("authorization", &auth)]);
    assert_eq!(page.status, 200, "{path}: {}", page.body);
    page
}

/// The finding ids a list page shows, in order.
fn ids_of(body: &str) -> Vec<String> {
    body.match_indices("href=\"/findings/")
        .map(|(i, m)| {
            let rest = &body[i + m.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

/// The href of the pager link `rel`, unescaped.
fn pager_link(body: &str, rel: &str) -> Option<String> {
    let key = format!("rel=\"{rel}\" href=\"");
    let at = body.find(&key)? + key.len();
    Some(body[at..at + body[at..].find('"')?].replace("&amp;", "&"))
}

#[test]
fn compliance_per_framework_and_findings_paged_by_cursor() {
    let server = TestServer::start(|_| {});
    demo_template(&server);
    let viewer = server.token(Role::Viewer).to_string();
    let started = call(
        "POST",
        &server.url("/api/v1/runs"),
        Some(server.token(Role::Operator)),
        &[],
        Some(&json!({"template": "weekly", "input": "demo"})),
    );
    assert!(started.status < 300, "{}", started.body);
    let run = started.json()["id"].as_i64().unwrap();
    assert_eq!(wait_for_final(&server, &viewer, run)["state"], "COMPLETED");
    let mut b = Browser::new(&server);

    let run_page = get(&mut b, &server, &format!("/runs/{run}"));
    assert!(run_page
        .body
        .contains(&format!("href=\"/compliance?run={run}\"")));
    let page = get(&mut b, &server, "/compliance");
    assert!(
        page.body
            .contains(&format!("<a href=\"/runs/{run}\">#{run}</a>")),
        "the latest run by default"
    );
    for f in kensa_rules::frameworks() {
        assert!(page.body.contains(&f.title), "{} listed", f.id);
        let api = call(
            "GET",
            &server.url(&format!("/api/v1/runs/{run}/compliance?framework={}", f.id)),
            Some(&viewer),
            &[],
            None,
        )
        .json();
        let page = get(
            &mut b,
            &server,
            &format!("/compliance?run={run}&framework={}", f.id),
        );
        let s = &api["summary"];
        let line = format!(
            "{} passed · {} failed · {} not applicable",
            s["passed"], s["failed"], s["not_applicable"]
        );
        assert!(page.body.contains(&line), "{}: {line}", f.id);
        for c in api["controls"].as_array().unwrap() {
            assert!(page.body.contains(&format!(
                "id=\"control-{}\"",
                c["control"].as_str().unwrap()
            )));
            for failure in c["failures"].as_array().unwrap() {
                let resource = failure["resource_id"].as_str().unwrap();
                assert!(page.body.contains(resource), "{}: {resource}", f.id);
            }
        }
    }
    let auth = format!("Bearer {viewer}");
    let bad = b.send_with(
        "GET",
        &format!("/compliance?run={run}&framework=nope"),
        None,
        &[("authorization", &auth)],
    );
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("framework `nope`"), "{}", bad.body);

    // Every finding of the run, in the API's order; walked by the pager both ways.
    let all: Vec<String> = call(
        "GET",
        &server.url(&format!("/api/v1/findings?run={run}&limit=1000")),
        Some(&viewer),
        &[],
        None,
    )
    .json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    assert!(all.len() > 50, "more than one page of 50 ({})", all.len());
    let mut pages = vec![get(&mut b, &server, &format!("/findings?run={run}"))];
    while let Some(next) = pager_link(&pages.last().unwrap().body, "next") {
        assert!(next.contains(&format!("run={run}")), "filters kept: {next}");
        pages.push(get(&mut b, &server, &next));
    }
    assert_eq!(pages.len(), all.len().div_ceil(50));
    let walked: Vec<String> = pages.iter().flat_map(|p| ids_of(&p.body)).collect();
    assert_eq!(walked, all, "forwards");
    assert!(
        pager_link(&pages[0].body, "prev").is_none(),
        "nothing before the first page"
    );
    let mut back = ids_of(&pages.last().unwrap().body);
    let mut at = pages.pop().unwrap();
    while let Some(prev) = pager_link(&at.body, "prev") {
        assert!(prev.contains(&format!("run={run}")), "filters kept: {prev}");
        at = get(&mut b, &server, &prev);
        back.splice(0..0, ids_of(&at.body));
    }
    assert_eq!(back, all, "backwards");
    let high = get(
        &mut b,
        &server,
        &format!("/findings?run={run}&severity=high"),
    );
    assert!(high.body.contains(" matching"));
    assert!(ids_of(&high.body).len() <= 50);
}
